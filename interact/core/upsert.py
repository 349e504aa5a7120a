"""``INSERT … ON CONFLICT`` for the database in use.

SQLite and PostgreSQL both have it, through their own SQLAlchemy dialect's ``insert``; this
module depends on nothing of ours but the database handle, so any module (sessions, deferred
writes, the write lock) can use it without an import cycle.
"""
from __future__ import annotations

from interact.extensions import db


def dialect_insert(target, *, dialect: str | None = None):
    """``insert(target)`` (a model or a table) of the dialect ``dialect`` names, with its
    ``on_conflict_do_*`` methods; the session's database by default."""
    if (dialect or db.session.get_bind().dialect.name) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(target)
