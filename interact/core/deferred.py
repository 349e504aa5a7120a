"""Writes caused by public reads, gathered per process and written together.

Reading an FAQ entry counts a hit and asking the intelligent answer logs the question.
Written in the request, each of these is a write transaction per page view: on SQLite the
writers queue behind each other (and behind a citizen's submission), on PostgreSQL it is a
commit per view. With ``DEFERRED_WRITE_SECONDS`` > 0 they are kept in memory instead and
written in one short transaction of their own — counters added up per row, log rows in one
multi-row insert — by the first request that ends at least that many seconds after the
last write; by a timer thread of the process (``DEFERRED_WRITE_TIMER``), so a worker that
gets no more requests writes them too; and when the process exits (``atexit``, and
gunicorn's ``worker_exit`` hook in ``interact.gunicorn_conf``).

What it costs: the counters and logs of the last few seconds are lost if a worker is
killed (not on a normal stop), and curators see a question or a hit a few seconds late.
Nothing here decides anything a citizen is told. With ``DEFERRED_WRITE_SECONDS = 0``
(the tests' setting) every write goes into the request's own transaction as before.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections import Counter, defaultdict
from typing import Any, Callable

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from interact.core.upsert import dialect_insert
from interact.extensions import db

log = logging.getLogger(__name__)

_lock = threading.Lock()
#: ``{(table, counter column, keep-unchanged columns): Counter({row id: increment})}``
_counts: dict[tuple[sa.Table, str, tuple[str, ...]], Counter] = defaultdict(Counter)
#: ``{(table, on_conflict): [row values]}``
_rows: dict[tuple[sa.Table, Callable | None], list[dict[str, Any]]] = defaultdict(list)
_state: dict[str, Any] = {"last": time.monotonic()}
#: The timer thread of this process (a forked worker starts its own: threads are not inherited).
_timer: dict[str, Any] = {"pid": None, "stop": threading.Event()}


def _seconds() -> float:
    return float(current_app.config.get("DEFERRED_WRITE_SECONDS") or 0)


def _gathered() -> None:
    """Something was kept for later: write it with this application, and make sure this
    process has a timer that writes it when no request comes."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _state["app"] = app
    if app.config.get("DEFERRED_WRITE_TIMER") and _timer["pid"] != os.getpid():
        with _lock:
            if _timer["pid"] == os.getpid():
                return
            _timer["pid"] = os.getpid()
            _timer["stop"] = stop = threading.Event()
        threading.Thread(target=_write_on_time, args=(_seconds(), stop), name="interact-deferred-writes",
                         daemon=True).start()


def _write_on_time(seconds: float, stop: threading.Event) -> None:
    """The timer: every ``seconds``, write what is pending if the last write is that old."""
    while not stop.wait(seconds):
        if pending() and time.monotonic() - _state["last"] >= seconds:
            try:
                with _state["app"].app_context():
                    flush()
            except Exception:  # noqa: BLE001 - the timer must outlive a bad moment; kept for next time
                log.exception("deferred writes: the timer's write failed")


def stop_timer() -> None:
    """Stop this process's timer (tests; a process that exits needs nothing: it is a daemon)."""
    _timer["stop"].set()
    _timer["pid"] = None


def increment(model: type, column: str, row_id: int, *, keep: tuple[str, ...] = ()) -> None:
    """Add one to ``model.column`` of row ``row_id`` (``keep``: columns such as
    ``updated_at`` that the count must not touch through their ``onupdate``)."""
    table = model.__table__
    if _seconds() <= 0:
        db.session.execute(_increment_statement(table, column, keep).values({column: table.c[column] + 1})
                           .where(table.c.id == row_id))
        return
    with _lock:
        _counts[(table, column, keep)][row_id] += 1
    _gathered()


def insert(model: type, values: dict[str, Any], *, on_conflict: Callable | None = None) -> None:
    """Add a row of ``model`` (give every value that a default would fill in at write time,
    such as the moment it happened). ``on_conflict(statement)``: what to do with a row whose
    key is taken, given the database's ``INSERT … ON CONFLICT`` statement (a module-level
    function: rows are written together per table and function)."""
    if _seconds() <= 0:
        if on_conflict is None:
            db.session.add(model(**values))
        else:
            db.session.execute(on_conflict(dialect_insert(model.__table__)).values(values))
        return
    with _lock:
        _rows[(model.__table__, on_conflict)].append(values)
    _gathered()


def _increment_statement(table: sa.Table, column: str, keep: tuple[str, ...]):
    return sa.update(table).values({name: table.c[name] for name in keep})


def pending() -> int:
    with _lock:
        return sum(len(c) for c in _counts.values()) + sum(len(r) for r in _rows.values())


def flush(engine: sa.Engine | None = None) -> int:
    """Write everything gathered, in one transaction of its own; returns the rows written.
    What cannot be written now (the database busy or down) is kept for the next time. A row
    the database refuses (a NUL in a question's text on PostgreSQL, a broken constraint) is
    dropped, logged, and the others are written: kept, it failed the whole batch again at
    every attempt, and the worker wrote no question and no hit any more (attack N5)."""
    with _lock:
        counts = {key: counter for key, counter in _counts.items() if counter}
        rows = {key: values for key, values in _rows.items() if values}
        _counts.clear()
        _rows.clear()
        _state["last"] = time.monotonic()
    if not counts and not rows:
        return 0
    try:
        try:
            return _write(engine or db.engine, counts, rows)
        except (DataError, IntegrityError):
            log.warning("deferred writes refused by the database; writing them one by one", exc_info=True)
            return _write(engine or db.engine, counts, rows, one_by_one=True)
    except SQLAlchemyError:
        log.warning("deferred writes failed; kept for the next attempt", exc_info=True)
        with _lock:
            for key, counter in counts.items():
                _counts[key].update(counter)
            for key, values in rows.items():
                _rows[key][:0] = values
        return 0


def _write(engine: sa.Engine, counts: dict, rows: dict, *, one_by_one: bool = False) -> int:
    """One transaction: the counters, then the rows (``one_by_one``: each row in a savepoint,
    and a row the database refuses is dropped)."""
    written = 0
    with engine.begin() as connection:
        for (table, column, keep), counter in counts.items():
            statement = (_increment_statement(table, column, keep)
                         .values({column: table.c[column] + sa.bindparam("by")})
                         .where(table.c.id == sa.bindparam("row_id")))
            connection.execute(statement, [{"row_id": i, "by": n} for i, n in counter.items()])
            written += len(counter)
        for (table, on_conflict), values in rows.items():
            statement = (table.insert() if on_conflict is None
                         else on_conflict(dialect_insert(table, dialect=connection.dialect.name)))
            if not one_by_one:
                connection.execute(statement, values)
                written += len(values)
                continue
            for value in values:
                try:
                    with connection.begin_nested():
                        connection.execute(statement, [value])
                    written += 1
                except (DataError, IntegrityError):
                    log.warning("a deferred %s row was refused by the database and dropped", table.name)
    return written


def init_app(app: Flask) -> None:
    @app.teardown_request
    def _write_when_due(_error=None) -> None:
        seconds = float(app.config.get("DEFERRED_WRITE_SECONDS") or 0)
        if seconds > 0 and time.monotonic() - _state["last"] >= seconds and pending():
            flush()

    # One exit hook per process, writing with the application that gathered last.
    if "app" not in _state:
        atexit.register(write_at_exit)
    _state["app"] = app


def write_at_exit() -> None:
    """Write what is pending now (the process is stopping: ``atexit``, gunicorn's ``worker_exit``)."""
    if pending():
        with _state["app"].app_context():
            flush()
