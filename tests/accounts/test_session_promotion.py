"""J9: a session gaining access to a letter goes by a new id. Whoever read the cookie on a
shared computer (a library, a service hall) before the next visitor wrote or looked up a
letter must not follow that letter from elsewhere, with the id the cookie carried or with
the whole old cookie replayed; the copies of a double click still share one session."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from interact.core import clock
from interact.faq import services as faq_services
from tests.helpers import LETTER_FORM, send_letter_form

COOKIE = "session"
FORM = LETTER_FORM


def _field(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html).group(1)


def _code_on(receipt_page: str) -> str:
    return re.search(r'<strong class="code">([A-Z0-9]{8})</strong>', receipt_page).group(1)


def _sid_in(app, cookie_value: str) -> str:
    """The id a signed pre-form cookie carries: anybody can read it (signed, not encrypted)."""
    sid, _data = app.session_interface._cookie_serializer(app).loads(cookie_value)
    return sid


@pytest.fixture
def moment(frozen):
    return frozen(2026, 12, 1, 10)


def test_the_id_read_from_the_form_pages_cookie_does_not_follow_the_next_visitors_letter(csrf_app, moment):
    terminal = csrf_app.test_client()  # the shared computer
    terminal.get("/letters/new")
    read_earlier = terminal.get_cookie(COOKIE).value  # what the first visitor read off it
    number, _code = send_letter_form(terminal)  # the next visitor's letter
    assert terminal.get(f"/letters/track/{number}").status_code == 200

    with_the_id = csrf_app.test_client()
    with_the_id.set_cookie(COOKIE, _sid_in(csrf_app, read_earlier))
    assert with_the_id.get(f"/letters/track/{number}").status_code != 200
    assert with_the_id.get(f"/letters/receipt?number={number}").status_code == 404

    clock.advance(timedelta(minutes=2))  # longer than any double click takes
    replayed = csrf_app.test_client()
    replayed.set_cookie(COOKIE, read_earlier)
    assert replayed.get(f"/letters/track/{number}").status_code != 200
    # Gaining access to a letter of one's own derives the same new id from that cookie; it
    # must start a session of its own, not join the next visitor's.
    own_number, own_code = send_letter_form(csrf_app.test_client())
    page = replayed.get("/letters/lookup").get_data(as_text=True)
    found = replayed.post("/letters/lookup", data={"number": own_number, "code": own_code,
                                                   "csrf_token": _field(page, "csrf_token")})
    assert found.status_code == 302 and replayed.get(found.headers["Location"]).status_code == 200
    assert replayed.get(f"/letters/track/{number}").status_code != 200
    assert terminal.get(f"/letters/track/{number}").status_code == 200  # and nobody lost theirs


def test_a_stored_sessions_old_id_does_not_follow_a_letter_looked_up_after_it_was_read(csrf_app, moment):
    first_number, first_code = send_letter_form(csrf_app.test_client())
    second_number, second_code = send_letter_form(csrf_app.test_client())
    terminal = csrf_app.test_client()

    def look_up(number: str, code: str):
        page = terminal.get("/letters/lookup").get_data(as_text=True)
        return terminal.post("/letters/lookup", data={"number": number, "code": code,
                                                      "csrf_token": _field(page, "csrf_token")})

    assert look_up(first_number, first_code).status_code == 302
    read_earlier = terminal.get_cookie(COOKIE).value  # a stored session's id by now
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", read_earlier)
    clock.advance(timedelta(minutes=2))
    assert look_up(second_number, second_code).status_code == 302
    assert terminal.get_cookie(COOKIE).value != read_earlier
    assert terminal.get(f"/letters/track/{first_number}").status_code == 200
    assert terminal.get(f"/letters/track/{second_number}").status_code == 200

    elsewhere = csrf_app.test_client()
    elsewhere.set_cookie(COOKIE, read_earlier)
    assert elsewhere.get(f"/letters/track/{second_number}").status_code != 200
    clock.advance(timedelta(minutes=2))  # what the old id held lasts as long as a double click
    assert elsewhere.get(f"/letters/track/{first_number}").status_code != 200
    assert terminal.get(f"/letters/track/{first_number}").status_code == 200


def test_a_copy_sent_with_the_old_cookie_moments_later_shares_the_new_session(csrf_app, moment):
    """A double click whose second copy leaves after the first one's answer: it still shows
    the receipt with the code, and both go on as one session."""
    browser = csrf_app.test_client()
    page = browser.get("/letters/new").get_data(as_text=True)
    old_cookie = browser.get_cookie(COOKIE).value
    data = dict(FORM, csrf_token=_field(page, "csrf_token"), token=_field(page, "token"))
    first = browser.post("/letters/new", data=data)
    late_copy = csrf_app.test_client()
    late_copy.set_cookie(COOKIE, old_cookie)
    clock.advance(timedelta(seconds=5))
    second = late_copy.post("/letters/new", data=data)
    assert first.status_code == second.status_code == 302
    assert late_copy.get_cookie(COOKIE).value == browser.get_cookie(COOKIE).value
    code = _code_on(late_copy.get(second.headers["Location"]).get_data(as_text=True))
    number = re.search(r"number=(XJ\d{8}-\d{4})", second.headers["Location"]).group(1)
    assert re.fullmatch(r"[A-Z0-9]{8}", code)
    assert browser.get(f"/letters/track/{number}").status_code == 200


def _vote_with(client, entry_id: int):
    """An FAQ vote: a POST that writes the session and needs no token (attack K1)."""
    return client.post(f"/faq/{entry_id}/vote", data={"helpful": "1"})


@pytest.mark.parametrize("vote_first", [False, True], ids=["vote-after-the-letter", "vote-before-the-letter"])
def test_another_request_sent_with_a_copied_form_cookie_does_not_join_the_next_visitors_session(
        csrf_app, moment, db, roles, vote_first):
    """K1: whoever copied the whole form-page cookie sends a vote with it from elsewhere a few
    seconds before or after the next visitor's letter: the vote's session is not the one
    that follows the letter (it used to derive the same id and join it for 60 s)."""
    entry = faq_services.create_entry(
        faq_services.EntryData(question="居住证怎么办理？", answer_html="<p>到派出所办理。</p>"), actor=roles.curator)
    faq_services.publish_entry(entry, actor=roles.curator)
    db.session.commit()
    terminal = csrf_app.test_client()
    page = terminal.get("/letters/new").get_data(as_text=True)
    copied = terminal.get_cookie(COOKIE).value
    elsewhere = csrf_app.test_client()
    elsewhere.set_cookie(COOKIE, copied)
    if vote_first:
        assert _vote_with(elsewhere, entry.id).status_code in (302, 303)
        clock.advance(timedelta(seconds=5))
    sent = terminal.post("/letters/new", data=dict(FORM, csrf_token=_field(page, "csrf_token"),
                                                  token=_field(page, "token")))
    assert sent.status_code == 302
    receipt = terminal.get(sent.headers["Location"]).get_data(as_text=True)
    number = re.search(r"XJ\d{8}-\d{4}", receipt).group(0)
    if not vote_first:
        clock.advance(timedelta(seconds=5))
        assert _vote_with(elsewhere, entry.id).status_code in (302, 303)
    assert elsewhere.get_cookie(COOKIE).value != terminal.get_cookie(COOKIE).value
    assert elsewhere.get(f"/letters/track/{number}").status_code != 200
    assert elsewhere.get(f"/letters/receipt?number={number}").status_code == 404
    assert terminal.get(f"/letters/track/{number}").status_code == 200
