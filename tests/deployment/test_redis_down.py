"""Attack L8: while Redis (the session store, ``SESSION_STORE = "redis"``) is down or
restarting, a citizen can still send the letter form and staff can still log in and out.
Sessions and one-time claims go to the database table meanwhile
(``RedisSessionStore.fallback``); what was written there is still found once Redis is back,
and a log-out or a used captcha stays so on both sides of the outage."""
from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import timedelta

import pytest
import sqlalchemy as sa

from interact.core import captcha, clock, sessions, shared
from interact.extensions import db as _db
from interact.letters.models import Letter
from tests.accounts.test_session_races import add_staff_user, in_app, racing_app  # noqa: F401 - fixture
from tests.helpers import LETTER_FORM, form_fields
from tests.services import free_port, redis_server

COOKIE = "session"


class Redis:
    """A Redis server the test stops and starts again on the same port."""

    def __init__(self, workdir, keep_data: bool = False):
        self.workdir, self.port, self.stack = workdir, free_port(), ExitStack()
        self.keep_data = keep_data

    def start(self) -> str:
        return self.stack.enter_context(redis_server(self.workdir, port=self.port, keep_data=self.keep_data))

    def stop(self) -> None:
        self.stack.close()


def _redis_sessions(app, workdir, keep_data: bool = False):
    server = Redis(workdir, keep_data=keep_data)
    app.config["REDIS_URL"] = server.start()
    shared.init_app(app)
    original = app.session_interface
    app.session_interface = sessions.ServerSessionInterface(shared.RedisSessionStore(app))
    try:
        yield server
    finally:
        server.stop()
        app.session_interface = original
        shared.client(app).close()
        app.extensions["interact.redis"] = None


@pytest.fixture
def redis(racing_app, tmp_path):  # noqa: F811 - the imported fixture
    """Sessions in a Redis that starts empty again after a stop."""
    yield from _redis_sessions(racing_app, tmp_path)


@pytest.fixture
def redis_keeping_data(racing_app, tmp_path):  # noqa: F811 - the imported fixture
    """Sessions in a Redis that finds its data again when started after a stop."""
    yield from _redis_sessions(racing_app, tmp_path, keep_data=True)


def test_a_letter_sent_while_redis_is_down_is_stored_and_its_receipt_shown(racing_app, redis):  # noqa: F811
    citizen = racing_app.test_client()
    page = citizen.get("/letters/new").get_data(as_text=True)
    answer = citizen.get("/captcha.png").headers[captcha.TEST_ANSWER_HEADER]
    tokens = form_fields(page, "token")
    redis.stop()  # Redis restarts (or fails over) while the citizen types

    sent = citizen.post("/letters/new", data={**tokens, **LETTER_FORM, "captcha": answer})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:2000]
    receipt = citizen.get(sent.headers["Location"]).get_data(as_text=True)
    number = re.search(r"XJ\d{8}-\d{4}", receipt).group(0)
    assert re.search(r'<strong class="code">([A-Z0-9]{8})</strong>', receipt)
    assert in_app(racing_app, lambda: _db.session.scalar(sa.select(sa.func.count(Letter.id)))) == 1
    # The captcha was used once, Redis or not.
    again = citizen.post("/letters/new", data={**tokens, **LETTER_FORM, "captcha": answer, "title": "另一封信的标题"})
    assert in_app(racing_app, lambda: _db.session.scalar(sa.select(sa.func.count(Letter.id)))) == 1
    assert again.status_code in (302, 422)

    redis.start()  # back, empty (no persistence): the session kept in the table is still found
    assert citizen.get(f"/letters/track/{number}").status_code == 200


def test_staff_log_in_and_out_while_redis_is_down(racing_app, redis):  # noqa: F811
    add_staff_user(racing_app)
    before = racing_app.test_client()
    assert before.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    redis.stop()

    clerk = racing_app.test_client()
    assert clerk.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    assert clerk.get("/staff/").status_code == 200
    copied = clerk.get_cookie(COOKIE).value
    assert clerk.post("/logout").status_code == 302
    thief = racing_app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert thief.get("/staff/").status_code == 302  # logged out is logged out

    clerk = racing_app.test_client()
    assert clerk.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    redis.start()
    assert clerk.get("/staff/").status_code == 200  # the session of the outage lasts
    assert clerk.post("/logout").status_code == 302
    assert thief.get("/staff/").status_code == 302


def test_a_clerk_logged_in_before_redis_went_down_can_log_out_meanwhile(racing_app, redis_keeping_data):  # noqa: F811
    # Attack N3: the clerk's session is in Redis, out of reach: pages showed only 登录, and
    # a log-out was refused for want of the CSRF token kept in that session, so the desk
    # reopened for the next person at a shared counter once Redis was back.
    add_staff_user(racing_app)
    clerk = racing_app.test_client()
    assert clerk.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    cookie = clerk.get_cookie(COOKIE).value
    redis_keeping_data.stop()

    page = clerk.get("/").get_data(as_text=True)
    assert "登录状态暂时无法确认" in page
    assert re.search(r'<form method="post" action="/logout"[^>]*>\s*<button type="submit"[^>]*>退出</button>', page)
    # Not from a page of this site: refused, and the session is kept.
    assert clerk.post("/logout", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 400
    assert clerk.get_cookie(COOKIE).value == cookie
    assert clerk.post("/logout", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 302
    assert "登录状态暂时无法确认" not in clerk.get("/").get_data(as_text=True)

    redis_keeping_data.start()  # back with the clerk's session still in it (started on the same data)
    assert clerk.get("/staff/").status_code == 302  # this browser is logged out


def test_an_anonymous_page_is_not_served_from_the_page_store_to_an_unreadable_session(racing_app, redis):  # noqa: F811
    racing_app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    add_staff_user(racing_app)
    racing_app.test_client().get("/")  # the home page stored for anonymous visitors
    clerk = racing_app.test_client()
    assert clerk.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    redis.stop()
    assert "登录状态暂时无法确认" in clerk.get("/").get_data(as_text=True)


def test_a_claim_made_while_redis_is_down_is_not_won_again_when_it_is_back(racing_app, redis):  # noqa: F811
    store = racing_app.session_interface.store
    with racing_app.app_context():
        redis.stop()
        assert store.add("claim-1", "{}", clock.now() + timedelta(minutes=5))
        assert not store.add("claim-1", "{}", clock.now() + timedelta(minutes=5))
        redis.start()
        assert not store.add("claim-1", "{}", clock.now() + timedelta(minutes=5))
        assert store.add("claim-2", "{}", clock.now() + timedelta(minutes=5))
        assert not store.add("claim-2", "{}", clock.now() + timedelta(minutes=5))


def _failing_once(monkeypatch, redis_client, method: str) -> None:
    """The next call of ``method`` on the Redis client times out (one lost packet)."""
    import redis as redis_lib

    real = getattr(redis_client, method)
    calls = []

    def once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise redis_lib.exceptions.TimeoutError("Timeout reading from socket")
        return real(*args, **kwargs)

    monkeypatch.setattr(redis_client, method, once)


def test_one_redis_timeout_does_not_log_anybody_out(racing_app, redis, monkeypatch):  # noqa: F811
    add_staff_user(racing_app)
    clerk = racing_app.test_client()
    assert clerk.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    assert clerk.get("/staff/").status_code == 200
    _failing_once(monkeypatch, shared.client(racing_app), "get")
    blip = clerk.get("/staff/")  # runs without the session it could not read ...
    assert not any(cookie.startswith(f"{COOKIE}=") for cookie in blip.headers.getlist("Set-Cookie"))
    assert clerk.get("/staff/").status_code == 200  # ... which is still the browser's


def test_a_log_out_whose_record_redis_could_not_delete_still_ends_the_session(racing_app, redis, monkeypatch):  # noqa: F811
    add_staff_user(racing_app)
    clerk = racing_app.test_client()
    assert clerk.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    copied = clerk.get_cookie(COOKIE).value
    _failing_once(monkeypatch, shared.client(racing_app), "delete")
    assert clerk.post("/logout").status_code == 302
    thief = racing_app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert thief.get("/staff/").status_code == 302  # the record lives on in Redis, but opens nothing


def test_redis_lost_between_reading_and_saving_a_session_serves_the_page(racing_app, redis, monkeypatch):  # noqa: F811
    import redis as redis_lib

    add_staff_user(racing_app)
    clerk = racing_app.test_client()
    assert clerk.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    redis_client = shared.client(racing_app)
    real_get, gets = redis_client.get, []

    def lost_after_the_first_read(*args, **kwargs):
        gets.append(1)
        if len(gets) >= 2:
            raise redis_lib.exceptions.ConnectionError("Connection refused")
        return real_get(*args, **kwargs)

    monkeypatch.setattr(redis_client, "get", lost_after_the_first_read)
    with clock.freeze(clock.now() + timedelta(minutes=2)):  # old enough to be renewed at save
        page = clerk.get("/staff/")
    assert page.status_code == 200 and len(gets) >= 2
    monkeypatch.setattr(redis_client, "get", real_get)
    assert clerk.get("/staff/").status_code == 200  # still logged in
