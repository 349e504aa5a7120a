"""A database server's connection is checked before use only after lying in the pool a
while (``core.dbsetup.PING_IDLE_SECONDS``), not at every request as ``pool_pre_ping``
did: the check is a round trip of every request. A connection found broken is replaced.
PostgreSQL only (SQLite has no connection to lose): run with ``INTERACT_TEST_DATABASE_URL``."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from interact.core import dbsetup, errors
from interact.extensions import db
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"),
                                reason="a database server's connections (PostgreSQL)")


@pytest.fixture(autouse=True)
def one_connection(app):
    """The pool hands its connections out in turn (first in, first out): earlier tests
    (the API's contract run) may have left several in it, so each test starts with none."""
    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def pings(app, monkeypatch):
    seen = []
    dialect = db.engine.dialect
    real = dialect.do_ping

    def ping(dbapi_connection):
        seen.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", ping)
    return seen


def _backend() -> int:
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.remove()
    return pid


def test_a_connection_given_back_a_moment_ago_is_used_without_a_check(app, pings, monkeypatch):
    first = _backend()
    assert [_backend(), _backend()] == [first, first]  # the same connection, unchecked
    assert pings == []
    monkeypatch.setattr(dbsetup, "PING_IDLE_SECONDS", 0.0)  # every connection has lain "long"
    assert _backend() == first
    assert pings == [1]


def _terminate(pid: int) -> None:
    """What a restart of the server does to a connection (from a connection of its own)."""
    other = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    try:
        with other.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        other.dispose()


def test_a_connection_the_server_closed_while_it_lay_idle_is_replaced(app, pings, monkeypatch):
    lost = _backend()
    _terminate(lost)
    monkeypatch.setattr(dbsetup, "PING_IDLE_SECONDS", 0.0)
    assert _backend() not in (lost, None)  # checked, found closed, a new one used
    assert pings


def test_a_connection_the_server_ended_within_the_moment_is_replaced_without_an_error(app, pings, monkeypatch):
    """A server restart ends every connection, also those given back a moment ago (which
    are not checked with a round trip): the server's last words wait on the socket, so
    the connection is checked and replaced before a request's statement fails on it (that
    request's 500, once per worker, after every restart)."""
    monkeypatch.setattr(dbsetup, "PING_IDLE_SECONDS", 3600.0)
    lost = _backend()
    _terminate(lost)
    assert _backend() not in (lost, None)
    assert pings == [1]  # checked because the server had closed it
    _backend()
    assert pings == [1]  # a live connection is not


def test_a_restart_replaces_every_pooled_connection_not_only_the_one_checked(app, pings, monkeypatch):
    """A worker's pool holds several connections (a request's and a background thread's).
    The one found closed is replaced with a connection taken from the pool without this
    check: the pool must not hand over another one the restart closed."""
    monkeypatch.setattr(dbsetup, "PING_IDLE_SECONDS", 3600.0)
    first, second = db.engine.connect(), db.engine.connect()
    lost = [c.execute(sa.text("SELECT pg_backend_pid()")).scalar() for c in (first, second)]
    first.close(), second.close()
    for pid in lost:
        _terminate(pid)
    assert _backend() not in lost
    assert _backend() not in lost


def test_the_window_can_be_set_by_configuration(app, pings, monkeypatch):
    monkeypatch.setattr(dbsetup, "PING_IDLE_SECONDS", 3600.0)
    _backend()
    app.config["DB_PING_IDLE_SECONDS"] = 0
    try:
        _backend()
    finally:
        app.config["DB_PING_IDLE_SECONDS"] = None
    assert pings == [1]


def test_a_connection_lost_without_a_word_fails_once_and_the_next_request_reconnects(app, monkeypatch):
    """A connection lost within the moment whose socket says nothing (the server's machine
    gone) still fails at its first statement (that request's 503), the rollback works, and
    the next one reconnects."""
    monkeypatch.setattr(dbsetup, "PING_IDLE_SECONDS", 3600.0)
    monkeypatch.setattr(dbsetup, "_closed_by_server", lambda _connection: False)
    lost = _backend()
    _terminate(lost)
    with pytest.raises(sa.exc.OperationalError) as raised:
        db.session.execute(sa.text("SELECT 1"))
    assert errors.database_unreachable(raised.value)
    db.session.rollback()  # the writer lock's hook used to raise PendingRollbackError here
    db.session.remove()
    assert _backend() != lost
