"""Engine-level settings: SQLite pragmas for integrity and concurrency, and one writer at a
time per SQLite file, queued in the kernel.

SQLite lets one connection write at a time; another that wants to write gets ``SQLITE_BUSY``
and its busy handler sleeps and retries (1, 2, 5, 10, 15, 20, 25 … 100 ms) until the
lock is free or ``busy_timeout`` passes. With two web workers submitting letters the
writes mostly wait in those sleeps, not behind the work itself. So every connection to a
SQLite file takes an exclusive ``flock`` on ``<file>-writer.lock`` before the first writing
statement of its transaction (``INSERT``/``UPDATE``/``DELETE``/``REPLACE``) and gives it
back when the transaction ends (commit, rollback, or the connection going back to the
pool or closing); a transaction that opens with a ``SAVEPOINT`` takes it then and begins
as SQLite's ``BEGIN IMMEDIATE`` (see ``_take_writer_lock``). Waiting writers of every
process (web workers, the scheduler's jobs, an import) then take turns as soon as the
previous one is done. Readers never take it (WAL).
A writer that waited :data:`WRITER_WAIT_SECONDS` goes on without it and SQLite's own
busy handling applies, as before.
"""
from __future__ import annotations

import fcntl
import os
import select
import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from flask import current_app, has_app_context
from sqlalchemy.pool import Pool

from interact.core.jobs import Job
from interact.extensions import db

_registered = False
#: Longest wait for the writer lock (SQLite's ``busy_timeout`` then still applies).
WRITER_WAIT_SECONDS = 15.0
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_SAVEPOINT = "SAVEPOINT"
_LOCK = "interact_writer_lock"
_IN_MEMORY = "interact_in_memory"
#: ``record.info`` key: when the connection was opened or last given back to the pool.
_IDLE_SINCE = "interact_idle_since"
#: A connection of a database server that lay in the pool longer than this is checked
#: (``SELECT 1``) before a request uses it; one given back a moment ago is not: the check is
#: a round trip, and on a busy machine a round trip is a wake-up of the server and of the
#: worker (~2 ms of a PostgreSQL request; docs/performance.md). Within that moment the
#: connection's socket is looked at instead (:func:`_closed_by_server`, no round trip): a
#: server that restarted or ended the connection has sent its last words and closed it, so
#: the connection is checked and replaced before a statement fails on it. Only a connection
#: lost without a word in that moment (the server's machine gone) fails at its statement:
#: that request is answered 503 (``core.errors``), and the pool drops every connection
#: older than it, so the next requests reconnect. ``DB_PING_IDLE_SECONDS`` overrides it.
PING_IDLE_SECONDS = 2.0


class WriterLock:
    """An exclusive ``flock`` on one file, held by one connection (its own open file, so
    two connections of one process exclude each other too)."""

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self.held = False

    def acquire(self, timeout: float = WRITER_WAIT_SECONDS) -> bool:
        if self.held or self._fd is None:
            return self.held
        deadline = time.monotonic() + timeout
        delay = 0.0002
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.held = True
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(delay)
                delay = min(delay * 2, 0.001)

    def release(self) -> None:
        if self.held and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.held = False

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the lock too
            self._fd = None
        self.held = False


def _ping_idle_seconds() -> float:
    if has_app_context():
        value = current_app.config.get("DB_PING_IDLE_SECONDS")
        if value is not None:
            return float(value)
    return PING_IDLE_SECONDS


def _closed_by_server(dbapi_connection) -> bool:
    """Whether an idle connection's socket has something to read (one ``poll``, no round
    trip). Between statements a database server sends nothing unasked, except when it
    ends the connection: a restart or ``pg_terminate_backend`` sends an error ("terminating
    connection due to administrator command") and closes the socket. (An asynchronous
    notice also makes it readable; the check it leads to is only a round trip.)"""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return False
    try:
        fd = fileno()
    except Exception:  # the driver knows it is closed
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    try:
        return bool(poller.poll(0))
    except OSError:
        return True


def _database_file(dbapi_connection) -> str:
    """The main database's file ('' for an in-memory or temporary database)."""
    for _seq, name, path in dbapi_connection.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or ""
    return ""


def _release(info: dict) -> None:
    lock = info.get(_LOCK)
    if lock is not None:
        lock.release()


def _begin_before_savepoint(cursor, statement: str) -> None:
    """An in-memory database (the tests') has no writer lock, but a ``SAVEPOINT`` opening
    its transaction must not be a transaction of its own either: Python's sqlite3 begins
    none before it, and releasing that outermost savepoint would commit it — what the
    request later rolls back would stay. So the transaction begins first, as on a file."""
    connection = cursor.connection
    if (connection.isolation_level is not None and not connection.in_transaction
            and statement.lstrip()[:9].upper().startswith(_SAVEPOINT)):
        connection.execute("BEGIN")


def register_engine_hooks() -> None:
    global _registered
    if _registered:
        return
    _registered = True

    @sa.event.listens_for(Engine, "connect")
    def _sqlite_pragmas(dbapi_connection, record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            if mode not in ("memory", "wal"):
                # WAL lets readers continue while the scheduler or a worker writes.
                cursor.execute("PRAGMA journal_mode=WAL")
                mode = cursor.fetchone()[0]
            if mode == "wal":
                # Per connection (the journal mode is kept in the file, this is not): in WAL,
                # NORMAL syncs at checkpoints instead of at every commit. A commit survives
                # the process being killed; only a power cut or OS crash may undo the last
                # few (the database stays consistent). With the default FULL every
                # submission waited for an fsync (12 ms of a 30 ms POST on this machine).
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
            path = _database_file(dbapi_connection)
            if path:
                record.info[_LOCK] = WriterLock(f"{path}-writer.lock")
            else:
                record.info[_IN_MEMORY] = True

    @sa.event.listens_for(Engine, "before_cursor_execute")
    def _take_writer_lock(conn, cursor, statement, _parameters, _context, _executemany):
        lock = conn.info.get(_LOCK)
        if lock is None:
            if _IN_MEMORY in conn.info:
                _begin_before_savepoint(cursor, statement)
            return
        if cursor.connection.isolation_level is None:  # autocommit
            return
        head = statement.lstrip()[:9].upper()
        if head.startswith(_WRITES):
            lock.acquire()
        elif head.startswith(_SAVEPOINT) and not cursor.connection.in_transaction:
            # A savepoint opening the transaction (unique_or_conflict, a letter's number) is
            # there to write. Begun as SQLite's default deferred transaction, a read inside
            # it would fix a snapshot, and a writer committing before this one's first write
            # would make that write fail at once with "database is locked" (a read snapshot
            # cannot become a write; the busy timeout does not apply). So it begins as a
            # write transaction, after the writer lock: the other writer waits instead.
            lock.acquire()
            cursor.connection.execute("BEGIN IMMEDIATE")

    @sa.event.listens_for(Engine, "engine_connect")
    def _ping_if_idle(connection):
        """``pool_pre_ping`` for connections that lay in the pool for a while, or whose
        server has closed them since (the recipe of SQLAlchemy's "Disconnect Handling —
        Pessimistic": a broken connection is invalidated here, and the first statement
        opens a new one)."""
        fairy = connection.connection
        if _IN_MEMORY in fairy.info or _LOCK in fairy.info:  # SQLite: a file, nothing to lose
            return
        idle_since = fairy.info.get(_IDLE_SINCE)
        if (idle_since is not None and time.monotonic() - idle_since < _ping_idle_seconds()
                and not _closed_by_server(fairy.dbapi_connection)):
            return
        try:
            alive = connection.dialect.do_ping(fairy.dbapi_connection)
        except connection.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            # As SQLAlchemy's own pre-ping does: a server that dropped this connection has
            # dropped the pool's others too (a restart), so every connection older than now
            # is replaced at its checkout — including the one this Connection reconnects
            # with, which is taken from the pool without passing through this check again.
            connection.engine.pool._invalidate(fairy, None, _checkin=False)
            connection.invalidate()
        else:
            fairy.info[_IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(Engine, "connect")
    def _opened(_dbapi_connection, record):
        record.info[_IDLE_SINCE] = time.monotonic()

    def _transaction_ends(conn):
        if conn.invalidated:
            # A connection lost in the transaction (a database server restarted): its rollback
            # must not fail here (``conn.info`` would raise); the pool's "invalidate" event
            # gives a lock back.
            return
        # Before the COMMIT itself: a writer let in now waits for it in SQLite's busy
        # handler for a millisecond at most (a WAL commit appends to the log).
        _release(conn.info)

    for name in ("commit", "rollback"):
        sa.event.listen(Engine, name, _transaction_ends)

    def _back_in_pool(record) -> None:
        if record is not None:
            _release(record.info)
            record.info[_IDLE_SINCE] = time.monotonic()

    sa.event.listen(Pool, "reset", lambda _dbapi_connection, record, _state: _back_in_pool(record))
    sa.event.listen(Pool, "checkin", lambda _dbapi_connection, record: _back_in_pool(record))
    sa.event.listen(Pool, "invalidate", lambda _dbapi_connection, record, _exception: _back_in_pool(record))

    @sa.event.listens_for(Pool, "close")
    def _close(_dbapi_connection, record):
        lock = record.info.pop(_LOCK, None)
        if lock is not None:
            lock.close()


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic autogenerate filter: ignore tables that exist only in the database.

    Full-text search tables (SQLite FTS5 virtual tables and their shadow tables) are created
    by DDL of their own, not by models, and must not be dropped by an autogenerated revision.
    """
    if type_ == "table" and reflected and compare_to is None:
        return False
    return True


def render_item(type_, obj, autogen_context):
    """Render our column types as plain SQLAlchemy types in migration scripts."""
    from interact.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


#: Rows ANALYZE samples per index on SQLite (``PRAGMA analysis_limit``): enough for the
#: planner's choice between indexes, and a few milliseconds per index at 1,000,000 letters.
ANALYSIS_LIMIT = 1000


def refresh_statistics() -> dict[str, int]:
    """Give SQLite's planner statistics of the data (``ANALYZE``, sampled), as its
    documentation asks of a long-lived database: without them it guesses from the index
    definitions alone and, for one department's letters of one 类别, chose
    ``ix_letters_department_status_due`` (every letter of the department, each row read)
    over the department's public index. PostgreSQL keeps its own statistics (autovacuum's
    ``ANALYZE``); nothing is done there."""
    if db.engine.dialect.name != "sqlite":
        return {"skipped": 1}
    with db.engine.connect() as connection:
        connection.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
        tables = connection.exec_driver_sql("SELECT count(DISTINCT tbl) FROM sqlite_stat1").scalar() or 0
    return {"tables": tables}


JOBS = [
    Job("db.statistics", refresh_statistics, {"trigger": "cron", "hour": 3, "minute": 40},
        "更新数据库查询统计信息（SQLite）", {"tables": "已分析的表", "skipped": "无需执行（PostgreSQL 自动维护）"}),
]
