"""The statistics' running totals per month and department (``letter_month_counts``).

Every flush that inserts, changes or deletes letters adds the difference of each letter's
counted flags to its (month, department) row, in the same transaction (an ``INSERT … ON
CONFLICT DO UPDATE`` of increments: concurrent writers never lose a count). What is
counted is the statistics' own rule (``stats.counted_flags``, the Python twin of
``stats._flags``) and whether the letter is published (the public list's total:
:func:`published_total`); ``rebuild()`` recounts everything set-based (the migration, a
bulk load that bypassed the ORM such as the benchmark generator).
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from interact.core import clock
from interact.core.upsert import dialect_insert
from interact.letters.models import Letter, LetterMonthCount

#: The attributes the counted flags depend on (with ``submitted_at``'s month and the department).
WATCHED = ("status", "answered_at", "answered_on_time", "answered_workdays", "rating", "published",
           "department_id", "submitted_at")
#: The statistics' counted columns, in ``counted_flags`` order.
COLUMNS = ("received", "rejected", "answered", "on_time", "workdays_total", "rated", "satisfied")
#: Every column the hook keeps: the statistics' and the published letters.
KEPT = COLUMNS + ("published",)


def month_of(moment) -> str:
    """``YYYY-MM`` of a stored (UTC) moment in Beijing time."""
    return clock.to_local(moment).strftime("%Y-%m")


def month_sql(column, dialect: str):
    """SQL for :func:`month_of` of a stored UTC column (Beijing is UTC+8 all year)."""
    if dialect == "postgresql":
        return sa.func.to_char(column + sa.text("interval '8 hours'"), "YYYY-MM")
    return sa.func.strftime("%Y-%m", column, "+8 hours")


def _key_and_flags(values: dict) -> tuple[tuple[str, int], tuple[int, ...]] | None:
    from interact.letters.stats import counted_flags

    if values["submitted_at"] is None:
        return None
    key = (month_of(values["submitted_at"]), values["department_id"] or 0)
    return key, counted_flags(values["status"], values["answered_at"], values["answered_on_time"],
                              values["answered_workdays"], values["rating"]) + (int(bool(values["published"])),)


def _before_and_after(letter: Letter) -> tuple[dict, dict]:
    state = sa.inspect(letter)
    before, after = {}, {}
    for name in WATCHED:  # active_history columns: a changed value's history has the old one
        history = state.attrs[name].history
        after[name] = getattr(letter, name)
        if history.deleted:
            before[name] = history.deleted[0]
        elif history.added:  # set where there was no value (a new row's empty column)
            before[name] = None
        else:
            before[name] = after[name]
    return before, after


@sa.event.listens_for(Session, "after_flush")
def _count_letters(session: Session, _context) -> None:
    deltas: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0] * len(KEPT))

    def add(values: dict, sign: int) -> None:
        counted = _key_and_flags(values)
        if counted is not None:
            key, flags = counted
            row = deltas[key]
            for i, flag in enumerate(flags):
                row[i] += sign * flag

    for obj in session.new:
        if isinstance(obj, Letter):
            add({name: getattr(obj, name) for name in WATCHED}, 1)
    for obj in session.dirty:
        if isinstance(obj, Letter) and session.is_modified(obj, include_collections=False):
            before, after = _before_and_after(obj)
            if before != after:
                add(before, -1)
                add(after, 1)
    for obj in session.deleted:
        if isinstance(obj, Letter):
            add(_before_and_after(obj)[0], -1)
    rows = [dict(month=month, department_id=dept, **dict(zip(KEPT, values)))
            for (month, dept), values in deltas.items() if any(values)]
    if rows:
        _upsert(session.connection(), rows)


#: The upsert statement per dialect, built once: building ``excluded``'s columns took
#: ~1 ms of every submission.
_UPSERTS: dict[str, sa.Insert] = {}


def _upsert_statement(dialect: str) -> sa.Insert:
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        table = LetterMonthCount.__table__
        stmt = dialect_insert(table, dialect=dialect)
        stmt = _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=[table.c.month, table.c.department_id],
            set_={name: table.c[name] + stmt.excluded[name] for name in KEPT},
        )
    return stmt


def _upsert(connection, rows: list[dict]) -> None:
    connection.execute(_upsert_statement(connection.dialect.name), rows)


def rebuild(connection) -> int:
    """Recount every (month, department) from the letters, set-based; returns the rows."""
    from interact.letters.stats import _flags

    dialect = connection.dialect.name
    flags = _flags()
    month = month_sql(Letter.submitted_at, dialect).label("month")
    department = sa.func.coalesce(Letter.department_id, 0).label("department_id")
    select = sa.select(
        month, department, sa.func.count().label("received"),
        *(sa.func.coalesce(sa.func.sum(flags[name]), 0).label(column)
          for name, column in zip(("rejected", "answered", "on_time", "workdays", "rated", "satisfied"), COLUMNS[1:])),
        sa.func.count().filter(Letter.published == sa.true()).label("published"),
    ).group_by(month, department)
    table = LetterMonthCount.__table__
    connection.execute(table.delete())
    connection.execute(table.insert().from_select(["month", "department_id", *KEPT], select))
    return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def published_total(department_id: int | None = None, month: str | None = None):
    """A select of the number of published letters (of one department, of one Beijing
    month of submission): a sum over a few hundred rows instead of a count over every
    published letter."""
    table = LetterMonthCount.__table__
    stmt = sa.select(sa.func.coalesce(sa.func.sum(table.c.published), 0))
    if department_id is not None:
        stmt = stmt.where(table.c.department_id == department_id)
    if month is not None:
        stmt = stmt.where(table.c.month == month)
    return stmt
