"""What tests read of the SQL that code sends: the statements, with their parameters, and
the database's plan for one of them.

``with captured(where=selects_from("letters")) as seen: run()`` collects every statement
the engine sends to the driver inside the block (in order, as sent: placeholders and bound
parameters), or only those ``where`` picks; ``statements(run, where)`` is the same for a
function. ``query_plan(statement)`` asks the database in use how it would run one of them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import sqlalchemy as sa

from interact.extensions import db


class Statement(NamedTuple):
    """One statement as the driver received it (``text, parameters = statement``)."""

    text: str
    parameters: Any

    @property
    def flat(self) -> str:
        """The text on one line, runs of white space made one space."""
        return " ".join(self.text.split())


def selects_from(table: str) -> Callable[[str], bool]:
    """Picks the statements that read ``table``: a ``SELECT`` (or ``WITH … SELECT``) with
    ``FROM <table>``."""
    def reads(text: str) -> bool:
        return text.lstrip().upper().startswith(("SELECT", "WITH")) and f"FROM {table}" in text

    return reads


def writes() -> Callable[[str], bool]:
    """Picks ``INSERT``, ``UPDATE`` and ``DELETE`` statements."""
    return lambda text: text.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))


@contextmanager
def captured(where: Callable[[str], bool] | None = None, engine: sa.engine.Engine | None = None) -> Iterator[list[Statement]]:
    """The statements sent through ``engine`` (the application's by default) while the
    block runs, those ``where(text)`` picks if given; the list fills as they are sent."""
    engine = engine if engine is not None else db.engine
    seen: list[Statement] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if where is None or where(statement):
            seen.append(Statement(statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def statements(run: Callable[[], object], where: Callable[[str], bool] | None = None) -> list[Statement]:
    """The statements ``run()`` sends (see :func:`captured`)."""
    with captured(where) as seen:
        run()
    return seen


def query_plan(statement: Statement) -> str:
    """How the database in use would run ``statement``, on one line: SQLite's ``EXPLAIN
    QUERY PLAN`` steps joined by `` / ``, PostgreSQL's ``EXPLAIN`` lines joined by a space."""
    text, parameters = statement
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            return " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + text, parameters))
        return " / ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + text, parameters))
