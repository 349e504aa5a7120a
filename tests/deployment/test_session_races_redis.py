"""The Redis session store (``SESSION_STORE = "redis"``) under racing requests: a captcha
answer sent twice at the same instant with copies of one cookie passes once, and of many
simultaneous claims of one name exactly one wins (``SET … NX``)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from interact.accounts.models import User
from interact.core import captcha, clock, sessions, shared
from interact.extensions import db as _db
from tests.accounts.test_session_races import COOKIE, in_app, race, racing_app  # noqa: F401 - fixture
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
        return client.post("/register", data={"phone": f"1390000666{n}", "password": "abc12345",
                                               "confirm": "abc12345", "captcha": answer}).status_code

    statuses = race(redis_sessions, visitor.get_cookie(COOKIE).value, register)
    assert statuses.count(302) == 1
    created = in_app(redis_sessions, lambda: _db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.phone.like("1390000666%"))))
    assert created == 1
