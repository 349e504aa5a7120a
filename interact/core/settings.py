"""Admin settings and cross-process version stamps stored in the ``settings`` table.

A version stamp is the record in the database; with Redis configured
(:mod:`interact.core.shared`) its current value is also published there once the
transaction that bumped it commits, and readers ask Redis first, so a worker checking
"did the FAQ index change?" every few seconds does not query the database.
"""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from interact.core import shared
from interact.core.upsert import dialect_insert
from interact.core.models import Setting
from interact.db import _utcnow
from interact.extensions import db

_PENDING = "interact.pending_stamps"


def get_setting(key: str, default: Any = None) -> Any:
    row = db.session.get(Setting, key)
    return default if row is None else row.value


def set_setting(key: str, value: Any) -> None:
    """Store ``value`` under ``key`` in the caller's transaction, as one ``INSERT … ON
    CONFLICT DO UPDATE``: two requests setting a key that is not there yet (the first bump
    of a version stamp on a fresh database, two admins saving at once) both succeed, the
    later one's value stays — a check-then-insert gave the loser a unique-key error."""
    _upsert(db.session, key, value)


def _upsert(session: Session, key: str, value: Any) -> None:
    statement = dialect_insert(Setting).values(key=key, value=value, updated_at=_utcnow())
    statement = statement.on_conflict_do_update(
        index_elements=[Setting.key],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at})
    with session.no_autoflush:
        session.execute(statement)
    loaded = session.identity_map.get(identity_key(Setting, key))
    if loaded is not None:  # read earlier in this session: show the stored value next time
        session.expire(loaded)


def bump_version(name: str) -> str:
    """Mark a cached structure as changed so every worker reloads it (e.g. FAQ index).

    Inside the caller's transaction; Redis (if any) learns the stamp only after the commit,
    so no worker reloads before the change is visible.
    """
    stamp = uuid.uuid4().hex
    set_setting(f"version:{name}", stamp)
    db.session.info.setdefault(_PENDING, {})[f"version:{name}"] = stamp
    return stamp


def bump_version_during_flush(session: Session, name: str) -> str:
    """:func:`bump_version` from a ``before_flush`` hook: the row changes in the flush under
    way (no flush of its own, no autoflush), Redis learns the stamp after the commit."""
    key = f"version:{name}"
    stamp = uuid.uuid4().hex
    _upsert(session, key, stamp)
    session.info.setdefault(_PENDING, {})[key] = stamp
    return stamp


def current_version(name: str) -> str | None:
    key = f"version:{name}"
    stamp = shared.get_text(key)
    if stamp is not None:
        return stamp
    stamp = get_setting(key)
    if stamp is not None:
        # Only if missing: a bump committed meanwhile has published the newer stamp.
        shared.set_text(key, stamp, only_if_missing=True)
    return stamp


@sa.event.listens_for(Session, "after_commit")
def _publish_stamps(session: Session) -> None:
    for key, stamp in session.info.pop(_PENDING, {}).items():
        shared.set_text(key, stamp)


@sa.event.listens_for(Session, "after_rollback")
def _forget_stamps(session: Session) -> None:
    session.info.pop(_PENDING, None)
