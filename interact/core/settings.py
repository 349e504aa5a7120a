"""Admin settings and cross-process version stamps stored in the ``settings`` table."""
from __future__ import annotations

import uuid
from typing import Any

from interact.core.models import Setting
from interact.extensions import db


def get_setting(key: str, default: Any = None) -> Any:
    row = db.session.get(Setting, key)
    return default if row is None else row.value


def set_setting(key: str, value: Any) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()


def bump_version(name: str) -> str:
    """Mark a cached structure as changed so every worker reloads it (e.g. FAQ index)."""
    stamp = uuid.uuid4().hex
    set_setting(f"version:{name}", stamp)
    return stamp


def current_version(name: str) -> str | None:
    return get_setting(f"version:{name}")
