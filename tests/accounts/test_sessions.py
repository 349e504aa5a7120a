"""Server-side sessions: logging out, a password change or reset and deactivation end a
session everywhere; a copied cookie replayed afterwards opens nothing; a captcha answers
once and an FAQ vote counts once, whatever copy of the cookie is sent."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from interact.accounts import services
from interact.core import captcha, clock, sessions
from interact.core.models import WebSession
from interact.faq import services as faq_services

COOKIE = "session"


def login(client, identifier, password="secret123", **extra):
    return client.post("/login", data={"identifier": identifier, "password": password, **extra})


def copy_of(client):
    """Another browser holding a copy of ``client``'s session cookie."""
    other = client.application.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def user_sessions(db, user) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(WebSession).where(WebSession.user_id == user.id))


def test_cookie_holds_only_an_opaque_id(client, roles, db):
    login(client, roles.admin.username)
    value = client.get_cookie(COOKIE).value
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)
    assert user_sessions(db, roles.admin) == 1
    row = db.session.scalar(sa.select(WebSession))
    assert row.key != value and value not in row.data  # the store keeps a hash, not the id


def test_logout_ends_the_session_for_every_copy_of_the_cookie(client, roles, db):
    assert login(client, roles.admin.username).status_code == 302
    copied = copy_of(client)
    assert copied.get("/staff/users").status_code == 200  # the copy works while logged in
    client.post("/logout")
    assert copied.get("/staff/users").status_code == 302  # … and opens nothing afterwards
    assert client.get("/staff/users").status_code == 302
    assert user_sessions(db, roles.admin) == 0


def test_citizen_logout_ends_the_copied_session(client, roles):
    citizen = roles.citizen
    citizen.phone = "13900002222"
    services.reset_password(citizen, "secret123", actor=roles.admin)
    client.application.extensions["sqlalchemy"].session.commit()
    assert login(client, "13900002222", remember="y").status_code == 302
    copied = copy_of(client)
    assert copied.get("/account/letters").status_code == 200
    client.post("/logout")
    assert copied.get("/account/letters").status_code == 302


def test_login_gives_a_new_session_id(client, roles):
    client.get("/captcha.png")  # a visitor's session exists before the log-in
    before = client.get_cookie(COOKIE).value
    login(client, roles.office.username)
    assert client.get_cookie(COOKIE).value != before
    # The id from before the log-in is not a logged-in session.
    stale = client.application.test_client()
    stale.set_cookie(COOKIE, before)
    assert stale.get("/staff/").status_code == 302


def test_an_id_the_client_chose_is_not_adopted(client):
    chosen = "A" * 43
    client.set_cookie(COOKIE, chosen)
    client.get("/captcha.png")
    assert client.get_cookie(COOKIE).value != chosen


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, roles, db):
    other = app.test_client()
    login(other, roles.office.username)
    login(client, roles.office.username)
    response = client.post("/account/password", data={"old_password": "secret123", "new_password": "newpass123",
                                                       "confirm": "newpass123"})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert other.get("/staff/").status_code == 302
    assert user_sessions(db, roles.office) == 1


def test_admin_deactivation_and_reset_end_the_users_sessions(app, client, roles, db):
    handler = app.test_client()
    login(handler, roles.handler_a.username)
    assert handler.get("/staff/").status_code == 200
    login(client, roles.admin.username)
    client.post(f"/staff/users/{roles.handler_a.id}/active", data={"active": "0"})
    assert user_sessions(db, roles.handler_a) == 0
    assert handler.get("/staff/").status_code == 302

    login(handler, roles.office.username)
    client.post(f"/staff/users/{roles.office.id}/password", data={"new_password": "other1234"})
    assert handler.get("/staff/").status_code == 302


def test_captcha_answers_once_even_for_a_replayed_cookie(app, client, db):
    app.config.update(CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True)
    answer = client.get("/captcha.png").headers[captcha.TEST_ANSWER_HEADER]
    replay = copy_of(client)  # the cookie as it was before submitting
    form = {"password": "abc12345", "confirm": "abc12345", "captcha": answer}
    assert client.post("/register", data={"identifier": "13900003333", **form}).status_code == 302
    response = replay.post("/register", data={"identifier": "13900004444", **form})
    assert response.status_code != 302 and "验证码不正确" in response.get_data(as_text=True)
    # A wrong answer consumes the image too.
    answer = replay.get("/captcha.png").headers[captcha.TEST_ANSWER_HEADER]
    replay.post("/register", data={"identifier": "13900004444", **form, "captcha": "WRONG"})
    response = replay.post("/register", data={"identifier": "13900004444", **form, "captcha": answer})
    assert response.status_code != 302 and "验证码不正确" in response.get_data(as_text=True)
    assert services.find_login("13900004444") is None


def test_failed_captcha_field_is_shown_empty(app, client):
    app.config.update(CAPTCHA_ENABLED=True)
    client.get("/captcha.png")
    response = client.post("/register", data={"identifier": "13900003333", "password": "abc12345",
                                              "confirm": "abc12345", "captcha": "QQQQ"})
    html = response.get_data(as_text=True)
    assert "验证码不正确" in html and 'value="QQQQ"' not in html


def test_faq_vote_counts_once_per_session_for_a_replayed_cookie(client, db, roles):
    entry = faq_services.create_entry(faq_services.EntryData(question="公积金怎么提取", answer_html="<p>答。</p>"),
                                      actor=roles.curator)
    faq_services.publish_entry(entry, actor=roles.curator)
    db.session.commit()
    client.get(f"/faq/{entry.id}")
    client.get("/captcha.png")  # the browser has a session (the page's forms give one)
    replay = copy_of(client)
    client.post(f"/faq/{entry.id}/vote", data={"helpful": "1"})
    replay.post(f"/faq/{entry.id}/vote", data={"helpful": "1"})
    replay.post(f"/faq/{entry.id}/vote", data={"helpful": "1"})
    db.session.refresh(entry)
    assert entry.helpful == 1


def test_expired_sessions_do_not_open_and_are_purged(app, client, roles, db):
    login(client, roles.office.username)
    clock.set_fixed(clock.now() + app.config["SESSION_TRANSIENT_LIFETIME"] + timedelta(minutes=1))
    assert client.get("/staff/").status_code == 302
    assert sessions.purge_expired() == {"purged": 1}


def _open(app, client):
    """The session as a request carrying ``client``'s cookie would open it."""
    with app.test_request_context(headers={"Cookie": f"{COOKIE}={client.get_cookie(COOKIE).value}"}):
        return app.session_interface.open_session(app, flask_request())


def _save(app, session):
    with app.test_request_context("/"):
        response = app.response_class()
        app.session_interface.save_session(app, session, response)
        return response


def flask_request():
    from flask import request

    return request._get_current_object()


def _stored_session(app, client) -> None:
    """A session in the store (it holds more than a form's token), its id in ``client``'s cookie."""
    session = sessions.ServerSession(new=True)
    session["x"] = 0
    _save(app, session)
    client.set_cookie(COOKIE, session.sid)


def test_concurrent_requests_keep_each_others_changes(app, client):
    _stored_session(app, client)
    first, second = _open(app, client), _open(app, client)
    first["_captcha"] = {"h": "x", "exp": 1}
    second["faq_votes"] = [7]
    _save(app, first)
    _save(app, second)  # saved last, loaded before the captcha was stored
    stored = _open(app, client)
    assert stored["_captcha"] == {"h": "x", "exp": 1} and stored["faq_votes"] == [7]
    # A consumed captcha stays consumed even if a slower request saves afterwards.
    third, fourth = _open(app, client), _open(app, client)
    third.pop("_captcha")
    fourth["x"] = 1
    _save(app, third)
    _save(app, fourth)
    assert "_captcha" not in _open(app, client)


def _promoting(app, client, change):
    """A request carrying ``client``'s cookie that promotes its session (as gaining access
    to a letter does) and makes ``change`` to it; returned before it is saved."""
    from flask import session

    with app.test_request_context(headers={"Cookie": f"{COOKIE}={client.get_cookie(COOKIE).value}"}):
        sessions.promote()
        change(session)
        return session._get_current_object()


def _cookie_set_by(response) -> str:
    return re.search(rf"{COOKIE}=([^;]+)", response.headers["Set-Cookie"]).group(1)


def test_a_promotion_keeps_what_another_request_stored_while_it_ran(app, client):
    # Two requests of one browser at once: one gains access to a letter (its session is
    # promoted to a new id), the other consumes the captcha and records a vote on the old
    # record first. The promoted session must hold the vote (the vote's claim is keyed by
    # the session's id: without the list the browser could count again under the new id)
    # and not bring the consumed captcha back.
    session = sessions.ServerSession(new=True)
    session.update(x=0, _captcha={"h": "x", "exp": 1})
    _save(app, session)
    client.set_cookie(COOKIE, session.sid)
    promoting = _promoting(app, client, lambda s: s.update(letters_access=[41]))
    other = _open(app, client)
    other.pop("_captcha")
    other["faq_votes"] = [7]
    _save(app, other)
    client.set_cookie(COOKIE, _cookie_set_by(_save(app, promoting)))
    promoted = _open(app, client)
    assert promoted["letters_access"] == [41] and promoted["faq_votes"] == [7] and promoted["x"] == 0
    assert "_captcha" not in promoted


def test_a_request_loaded_before_a_promotion_and_saved_after_it_leaves_the_browser_the_new_id(app, client):
    # A page of another tab loads the session, a letter promotes it meanwhile, then the page
    # saves (a vote). Its response must not give the browser the old id back: that id works
    # for a minute only, and the browser would then lose the letter it just sent.
    _stored_session(app, client)
    other = _open(app, client)
    promoting = _promoting(app, client, lambda s: s.update(letters_access=[41]))
    promoted_id = _cookie_set_by(_save(app, promoting))
    other["faq_votes"] = [7]
    late = _save(app, other)
    assert "Set-Cookie" not in late.headers
    clock.set_fixed(clock.now() + timedelta(seconds=sessions.JOIN_SECONDS + 60))
    client.set_cookie(COOKIE, promoted_id)
    assert _open(app, client)["letters_access"] == [41]


def test_a_change_saved_after_a_promotion_by_a_request_loaded_before_it_reaches_the_new_id(app, client):
    # Another tab loads the session, a letter promotes it meanwhile, then that tab saves: a
    # vote and the captcha it used. The browser goes by the new id from now on, so the vote
    # must be remembered there (else it could vote again) and the used captcha stay used.
    session = sessions.ServerSession(new=True)
    session.update(x=0, _captcha={"h": "x", "exp": 1})
    _save(app, session)
    client.set_cookie(COOKIE, session.sid)
    other = _open(app, client)
    promoting = _promoting(app, client, lambda s: s.update(letters_access=[41]))
    client.set_cookie(COOKIE, _cookie_set_by(_save(app, promoting)))
    other.pop("_captcha")
    other["faq_votes"] = [7]
    _save(app, other)
    promoted = _open(app, client)
    assert promoted["letters_access"] == [41] and promoted["faq_votes"] == [7] and promoted["x"] == 0
    assert "_captcha" not in promoted


def test_a_copy_of_the_old_cookie_used_after_the_promotion_writes_nothing_into_the_promoted_session(app, client):
    # Whoever copied the cookie (a shared computer) sends requests with it in the minute
    # after the browser's session was promoted: they must not set the captcha the next
    # visitor's letter form will be checked against, nor votes, nor remove anything.
    session = sessions.ServerSession(new=True)
    session.update(x=0, _captcha={"h": "mine", "exp": 1})
    _save(app, session)
    client.set_cookie(COOKIE, session.sid)
    old_cookie = session.sid
    promoted_id = _cookie_set_by(_save(app, _promoting(app, client, lambda s: s.update(letters_access=[41]))))
    client.set_cookie(COOKIE, old_cookie)
    copy_holder = _open(app, client)
    copy_holder["_captcha"] = {"h": "theirs", "exp": 9}
    copy_holder["faq_votes"] = [1, 2, 3]
    copy_holder.pop("x")
    _save(app, copy_holder)
    client.set_cookie(COOKIE, promoted_id)
    promoted = _open(app, client)
    assert promoted["_captcha"] == {"h": "mine", "exp": 1} and promoted["x"] == 0
    assert "faq_votes" not in promoted and promoted["letters_access"] == [41]


def test_a_late_change_follows_two_promotions(app, client):
    _stored_session(app, client)
    other = _open(app, client)
    first = _promoting(app, client, lambda s: s.update(letters_access=[41]))
    client.set_cookie(COOKIE, _cookie_set_by(_save(app, first)))
    second = _promoting(app, client, lambda s: s.update(letters_access=[41, 42]))
    client.set_cookie(COOKIE, _cookie_set_by(_save(app, second)))
    other["faq_votes"] = [7]
    assert "Set-Cookie" not in _save(app, other).headers
    latest = _open(app, client)
    assert latest["letters_access"] == [41, 42] and latest["faq_votes"] == [7]


def test_a_late_save_never_goes_to_a_session_promoted_later_by_another_copy_of_the_cookie(app, client):
    # Whoever holds a copy of the old cookie promotes it too (a look-up of their own) within
    # the joining minute: the browser's late change must still go to the browser's session,
    # never to theirs (it could be text kept for a form).
    from flask import session as current

    _stored_session(app, client)
    late = _open(app, client)
    promoted_id = _cookie_set_by(_save(app, _promoting(app, client, lambda s: s.update(letters_access=[41]))))
    with app.test_request_context("/letters/lookup", method="POST", data={"number": "other"},
                                  headers={"Cookie": f"{COOKIE}={client.get_cookie(COOKIE).value}"}):
        sessions.promote()
        current["letters_access"] = [99]
        theirs = current._get_current_object()
    response = app.response_class()
    with app.test_request_context("/letters/lookup", method="POST", data={"number": "other"}):
        app.session_interface.save_session(app, theirs, response)
    their_id = _cookie_set_by(response)
    assert their_id != promoted_id
    late["faq_votes"] = [7]
    _save(app, late)
    client.set_cookie(COOKIE, promoted_id)
    assert _open(app, client)["faq_votes"] == [7]
    client.set_cookie(COOKIE, their_id)
    assert "faq_votes" not in _open(app, client)


def test_a_promotion_landing_after_the_session_ended_stores_nothing(app, client):
    # A look-up in flight in one tab while 结束查看 ends the session in another: the look-up's
    # promotion must not store a new record with the letters the browser followed before.
    session = sessions.ServerSession(new=True)
    session.update(letter_access=[40])
    _save(app, session)
    client.set_cookie(COOKIE, session.sid)
    promoting = _promoting(app, client, lambda s: s.update(letter_access=[40, 41]))
    app.session_interface.store.delete(sessions.key_for(session.sid))  # 结束查看 lands now
    response = _save(app, promoting)
    assert "Set-Cookie" not in response.headers
    assert app.session_interface.store.load(sessions.key_for(promoting.sid)) is None


def test_a_request_running_across_logout_does_not_bring_the_session_back(app, client, roles, db):
    login(client, roles.admin.username)
    slow = _open(app, client)  # loaded while still logged in
    copied = copy_of(client)
    client.post("/logout")
    slow["_flashes"] = [("info", "late")]
    _save(app, slow)
    assert user_sessions(db, roles.admin) == 0
    assert copied.get("/staff/users").status_code == 302


def test_a_log_out_landing_while_a_request_saves_its_session_keeps_it_ended(app, client, roles, db):
    # A stolen cookie in use while its owner logs out: a request of that cookie has read the
    # stored session to merge its own change (the staff idle mark) when the log-out deletes
    # it. Writing the merged copy back would recreate the session the log-out just ended
    # (attack J1: 3 of 20 log-outs on the deployed app left the cookie working).
    login(client, roles.admin.username)
    copied = copy_of(client)
    store = app.session_interface.store
    load, calls = store.load, []

    def load_then_log_out_elsewhere(key):
        loaded = load(key)
        calls.append(key)
        if len(calls) == 2:  # the request's save reads the record: the log-out lands now
            store.delete(key)
            db.session.commit()
        return loaded

    store.load = load_then_log_out_elsewhere
    try:
        assert copied.get("/staff/users").status_code == 200
    finally:
        del store.load
    assert len(calls) == 2
    assert user_sessions(db, roles.admin) == 0
    assert copied.get("/staff/users").status_code == 302


def test_a_remember_me_cookie_from_before_server_sessions_opens_nothing(client, roles):
    # Earlier versions issued Flask-Login's remember-me cookie; one copied before a log-out
    # must not sign anybody in now that sign-in lives only in the server-side session.
    from flask_login.utils import encode_cookie

    with client.application.test_request_context():
        token = encode_cookie(roles.admin.get_id())
    stranger = client.application.test_client()
    stranger.set_cookie("remember_token", token)
    assert stranger.get("/staff/users").status_code == 302


def test_a_log_out_without_the_forms_token_is_refused_while_the_session_is_readable(csrf_app, roles):
    # The log-out view checks the CSRF token itself (it takes the browser's same-site word
    # instead only while the session store is out of reach): a page elsewhere cannot log
    # a clerk out.
    clerk = csrf_app.test_client()
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', clerk.get("/login").get_data(as_text=True)).group(1)
    assert clerk.post("/login", data={"csrf_token": token, "identifier": roles.office.username,
                                      "password": "secret123"}).status_code == 302
    home = clerk.get("/").get_data(as_text=True)
    token = re.search(r'action="/logout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', home).group(1)
    assert clerk.post("/logout", data={}, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 400
    assert 'action="/logout"' in clerk.get("/").get_data(as_text=True)  # still logged in
    assert clerk.post("/logout", data={"csrf_token": token}).status_code == 302
    assert 'action="/logout"' not in clerk.get("/").get_data(as_text=True)
