"""The Redis session store (``SESSION_STORE = "redis"``) under racing requests: a captcha
answer sent twice at the same instant with copies of one cookie passes once, and of many
simultaneous claims of one name exactly one wins (``SET … NX``)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from interact.accounts.models import User, VerificationCode
from interact.core import captcha, clock, sessions, shared
from interact.extensions import db as _db
from tests.accounts.test_session_races import COOKIE, add_staff_user, in_app, race, racing_app  # noqa: F401 - fixture
from tests.services import redis_server


@pytest.fixture
def redis_sessions(racing_app, tmp_path):  # noqa: F811 - the imported fixture
    with redis_server(tmp_path) as url:
        racing_app.config["REDIS_URL"] = url
        shared.init_app(racing_app)
        original = racing_app.session_interface
        racing_app.session_interface = sessions.ServerSessionInterface(shared.RedisSessionStore(racing_app))
        try:
            yield racing_app
        finally:
            racing_app.session_interface = original
            shared.client(racing_app).close()
            racing_app.extensions["interact.redis"] = None


def test_many_simultaneous_claims_of_one_name_one_wins(redis_sessions):
    store = redis_sessions.session_interface.store
    for round_ in range(20):
        barrier = threading.Barrier(4, timeout=20)
        won: list[bool] = []

        def claim():
            with redis_sessions.app_context():
                barrier.wait()
                won.append(store.add(f"claim-{round_}", "{}", clock.now() + timedelta(minutes=1)))

        threads = [threading.Thread(target=claim) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(won) == [False, False, False, True], round_


def test_one_captcha_answer_sent_twice_at_once_passes_once_with_redis_sessions(redis_sessions):
    visitor = FlaskClient(redis_sessions, redis_sessions.response_class, use_cookies=True)
    answer = visitor.get("/captcha.png").headers[captcha.TEST_ANSWER_HEADER]

    def register(client, n):
        return client.post("/register", data={"identifier": f"1390000666{n}", "captcha": answer}).status_code

    statuses = race(redis_sessions, visitor.get_cookie(COOKIE).value, register)
    assert statuses.count(302) == 1  # one code sent
    sent = in_app(redis_sessions, lambda: _db.session.scalar(
        sa.select(sa.func.count()).select_from(VerificationCode)))
    assert sent == 1


def test_deactivating_an_account_ends_its_sessions_in_redis_on_every_device(redis_sessions):
    from interact.accounts.models import Role

    add_staff_user(redis_sessions, "admin", Role.ADMIN)
    clerk_id = add_staff_user(redis_sessions, "clerk")
    # test_client(): a client that starts each request with fresh globals (the PostgreSQL
    # run shares one pushed app context, whose g would otherwise keep the last user).
    devices = [redis_sessions.test_client() for _ in range(2)]
    for device in devices:
        assert device.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
        assert device.get("/staff/").status_code == 200
    admin = redis_sessions.test_client()
    assert admin.post("/login", data={"identifier": "admin", "password": "secret123"}).status_code == 302
    assert admin.post(f"/staff/users/{clerk_id}/active", data={"active": "0"}).status_code == 302
    for device in devices:
        assert device.get("/staff/").status_code == 302
    redis = shared.client(redis_sessions)
    assert not redis.exists(f"interact:user-sessions:{clerk_id}")
    # Not only refused as inactive: the clerk's stored sessions are gone.
    assert not [key for key in redis.keys("interact:session:*") if f'"{clerk_id}:'.encode() in redis.get(key)]


def test_a_log_out_landing_while_a_request_saves_its_session_keeps_it_ended_in_redis(redis_sessions):
    # A request of a copied cookie has read the stored session to merge its own change when
    # the owner's log-out deletes it: writing back must not recreate it (attack J1, seen on
    # the deployed app with Redis sessions: 3 of 20 log-outs left the cookie working).
    add_staff_user(redis_sessions, "clerk")
    owner = redis_sessions.test_client()
    assert owner.post("/login", data={"identifier": "clerk", "password": "secret123"}).status_code == 302
    thief = redis_sessions.test_client()
    thief.set_cookie(COOKIE, owner.get_cookie(COOKIE).value)
    store = redis_sessions.session_interface.store
    load, calls = store.load, []

    def load_then_log_out_elsewhere(key):
        loaded = load(key)
        calls.append(key)
        if len(calls) == 2:  # the request's save reads the record: the log-out lands now
            store.delete(key)
        return loaded

    store.load = load_then_log_out_elsewhere
    try:
        assert thief.get("/staff/").status_code == 200
    finally:
        del store.load
    assert len(calls) == 2
    assert not shared.client(redis_sessions).keys("interact:session:*")
    assert thief.get("/staff/").status_code == 302
