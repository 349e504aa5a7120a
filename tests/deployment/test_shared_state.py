"""Version stamps and rate limits through a real Redis (Debian's redis-server), including
Redis being restarted empty."""
from __future__ import annotations

import pytest
import redis as redis_client

from interact.core import settings, shared
from tests.services import free_port, redis_server


@pytest.fixture
def redis_app(app, tmp_path):
    port = free_port()
    with redis_server(tmp_path, port) as url:
        app.config["REDIS_URL"] = url
        shared.init_app(app)
        direct = redis_client.Redis.from_url(url)
        try:
            yield app, direct, tmp_path, port
        finally:
            direct.close()
            shared.client(app).close()
            app.extensions["interact.redis"] = None  # the session's app goes on without Redis


def test_stamp_reaches_redis_only_when_the_change_commits(redis_app, db):
    app, r, _tmp, _port = redis_app
    settings.bump_version("faq")
    assert r.get("interact:version:faq") is None  # not committed yet: other workers must not reload
    db.session.rollback()
    assert r.get("interact:version:faq") is None
    stamp = settings.bump_version("faq")
    db.session.commit()
    assert r.get("interact:version:faq").decode() == stamp
    assert settings.current_version("faq") == stamp


def test_redis_restarted_empty_stamps_come_from_the_database(redis_app, db):
    app, r, tmp, port = redis_app
    stamp = settings.bump_version("faq")
    db.session.commit()
    r.flushall()  # what a restart without persistence looks like
    assert settings.current_version("faq") == stamp
    assert r.get("interact:version:faq").decode() == stamp  # filled again for the others


def test_redis_down_reads_the_database_and_readyz_says_so_without_taking_the_machine_out(redis_app, db, client):
    app, r, tmp, port = redis_app
    stamp = settings.bump_version("faq")
    db.session.commit()
    r.shutdown(nosave=True)
    assert settings.current_version("faq") == stamp
    response = client.get("/readyz")
    # Reported, but the machine stays in the load balancer: every machine shares Redis, and
    # the site works without it (sessions in the database meanwhile: test_redis_down.py).
    assert response.status_code == 200 and response.get_json()["checks"]["redis"] == "unreachable"
    assert response.get_json()["status"] == "degraded"
    with redis_server(tmp, port):  # back on the same address without a restart of the app
        assert client.get("/readyz").get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_sessions_in_redis_end_at_log_out_and_for_every_device(redis_app, db, make_user):
    from interact.core import sessions
    from interact.core.shared import RedisSessionStore

    app, r, _tmp, _port = redis_app
    original = app.session_interface
    app.session_interface = sessions.ServerSessionInterface(RedisSessionStore(app))
    try:
        user = make_user("office", password="secret123")
        phone, laptop = app.test_client(), app.test_client()
        for device in (phone, laptop):
            response = device.post("/login", data={"identifier": user.username, "password": "secret123"})
            assert response.status_code == 302
            assert device.get("/staff/").status_code == 200
        assert r.scard(f"interact:user-sessions:{user.id}") == 2
        cookie = phone.get_cookie("session").value
        assert phone.post("/logout").status_code == 302
        replay = app.test_client()
        replay.set_cookie("session", cookie)
        assert replay.get("/staff/").status_code == 302  # the copied cookie opens nothing
        sessions.end_user_sessions(user.id)  # e.g. the password changed
        assert laptop.get("/staff/").status_code == 302
        assert not r.exists(f"interact:user-sessions:{user.id}")
        # What is left are the visitors' new, logged-out sessions (flash messages).
        assert all(b'"_user_id"' not in r.get(key) for key in r.keys("interact:session:*"))
    finally:
        app.session_interface = original
