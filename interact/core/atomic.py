"""Writes that happen once when the same form arrives twice at the same instant.

A rule checked in Python and then written ("the letter is still new, so accept it"; "no
category of this name yet, so add it") lets two requests through when both loaded the
data before either wrote: a double click on a slow server. These helpers make the write
itself the check, in one statement the database serialises:

* :func:`compare_and_set` — a conditional ``UPDATE … WHERE id = :id AND <column> = <value
  the request saw>``; only one of racing requests changes the row (SQLite lets one writer
  at a time through; PostgreSQL holds the others on the row lock and evaluates their
  condition again on the committed row), the others learn it from the row count.
* :func:`unique_or_conflict` — an insert (or change) that a unique constraint guards, run
  in a savepoint, so the loser's ``IntegrityError`` becomes the same :class:`Conflict` the
  sequential check gives, and the rest of the transaction goes on or is rolled back by the
  caller as for any domain error.
* :func:`serialize` — for a rule no constraint can say (a name unique per parent, a word
  in no other synonym group): the transaction first takes a named lock (one row of
  ``write_locks``, written with ``INSERT … ON CONFLICT``), then checks and writes; a copy
  waits for the lock and its check sees what the first one committed.
* :func:`create_once` — a create form (新建征集, 新建访谈, an upload) carries a one-time
  token that the row it creates keeps in its unique ``form_token`` column: a second copy
  of the same form, sent later or at the same instant, gets the row the first one made
  instead of making another.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from interact.core.errors import Conflict
from interact.core.models import WriteLock
from interact.core.upsert import dialect_insert
from interact.extensions import db

T = TypeVar("T")
#: Longest form token a row keeps (its ``form_token`` column is ``String(64)``).
FORM_TOKEN_MAX = 64


def compare_and_set(model, row_id: int, expected: dict[str, Any], values: dict[str, Any]) -> bool:
    """Set ``values`` on the row ``row_id`` of ``model`` only if its columns still hold
    ``expected`` (``None`` compares as ``IS NULL``); ``True`` if this call changed it.

    Runs without autoflush, so unsaved changes of the caller's objects are not written
    first; the caller assigns the same values to its object afterwards (the ORM's flush
    then writes them again, and flush hooks see the change once).
    """
    conditions = [model.id == row_id]
    for name, value in expected.items():
        column = getattr(model, name)
        conditions.append(column.is_(None) if value is None else column == value)
    statement = sa.update(model).where(*conditions).values(**values).execution_options(synchronize_session=False)
    with db.session.no_autoflush:
        return db.session.execute(statement).rowcount == 1


@contextmanager
def unique_or_conflict(message: str, fields: dict[str, str] | None = None, *,
                       recheck: Callable[[], None] | None = None) -> Iterator[None]:
    """Run the block (which adds or changes rows; it is flushed at the end) in a savepoint;
    a unique constraint it breaks — a copy of the same request inserted first — raises
    ``Conflict(message)`` instead of a 500. The savepoint's changes are undone.

    :param recheck: the sequential check, run again after the clash so that it raises its
        own precise message (it now sees the row the other request committed).
    """
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError as error:
        if recheck is not None:
            recheck()
        raise Conflict(message, fields=fields) from error


def serialize(name: str) -> None:
    """Take the lock ``name`` until the end of the transaction, waiting while another
    transaction holds it. Call it before the check of a check-then-write rule that no
    constraint guards; racing copies then check and write one after the other.

    PostgreSQL locks the ``write_locks`` row (and reads committed data in the statements
    after the wait); SQLite lets one writer at a time hold the database.
    """
    statement = dialect_insert(WriteLock).values(name=name, taken=1)
    statement = statement.on_conflict_do_update(index_elements=[WriteLock.name],
                                                set_={"taken": WriteLock.taken + 1})
    with db.session.no_autoflush:
        db.session.execute(statement)


def form_token(raw: str | None) -> str | None:
    """A create form's one-time token as its row keeps it; ``None`` for a form without one."""
    return (raw or "").strip()[:FORM_TOKEN_MAX] or None


def made_with(model: type[T], token: str | None, actor, *, creator: str | None = "created_by_id") -> T | None:
    """The row an earlier copy of a create form with ``token`` made, or ``None``.

    :param creator: the row's column naming who made it; a token is one user's form, so a
        row another user made with it is refused (``None``: rows that do not say who).
    :raises Conflict: the token belongs to another user's form.
    """
    if token is None:
        return None
    earlier = db.session.scalar(sa.select(model).where(model.form_token == token))
    if earlier is not None and creator is not None and getattr(earlier, creator) != getattr(actor, "id", None):
        raise Conflict("该表单已被他人使用，请刷新页面后重新填写。")
    return earlier


def create_once(model: type[T], token: str | None, actor, make: Callable[[str | None], T], *,
                creator: str | None = "created_by_id") -> tuple[T, bool]:
    """Create the row of a create form once per form token.

    ``make(token)`` checks the input and returns the new row (not yet added) holding
    ``form_token=token``; it is inserted in a savepoint. A copy of the same form — sent
    again, or at the same instant so that both passed the look-up — finds the earlier row,
    or clashes with it on the unique token and then finds it. Returns ``(row, True)`` for a
    new row and ``(the earlier copy's row, False)`` for a copy: the caller does the rest of
    the creation (events, audit, files) only for a new row, and answers a copy as the first
    one was answered (its page), so a double click shows one clear result.
    """
    earlier = made_with(model, token, actor, creator=creator)
    if earlier is not None:
        return earlier, False
    row = make(token)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        earlier = made_with(model, token, actor, creator=creator)
        if earlier is None:
            raise
        return earlier, False
    return row, True


def lock(row) -> None:
    """Take ``row``'s lock (:func:`serialize`, named by its table and id) and read it again
    before changing it: an edit sent several times at once (a double click on 保存) then
    sees what the first copy saved, so a copy that changes nothing can tell — ``not
    db.session.is_modified(row)`` after the change — and record no event.
    Call it before changing ``row`` (reading it again drops unsaved changes)."""
    serialize(f"{row.__tablename__}:{sa.inspect(row).identity[0]}")
    db.session.refresh(row)
