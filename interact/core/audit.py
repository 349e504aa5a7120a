"""Audit trail helper: every state change records who, when and what."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from interact.core.models import AuditEvent
from interact.extensions import db


#: ``{action: 中文}`` registered by each feature (:func:`register_actions`).
_ACTION_LABELS: dict[str, str] = {}
#: ``{target_type: 中文}`` registered by each feature.
_TARGET_LABELS: dict[str, str] = {}
#: ``{action: 中文 group}``: the kind of object an action is about (the audit filter's groups).
_ACTION_GROUPS: dict[str, str] = {}


def register_actions(labels: dict[str, str], *, targets: dict[str, str] | None = None) -> None:
    """Register how staff read a feature's audit actions (``"letter.assign": "转办"``: the
    label names the act; the page names the object beside it) and target types
    (``"letter": "来信"``); called once at import by the feature."""
    targets = targets or {}
    _ACTION_LABELS.update(labels)
    _TARGET_LABELS.update(targets)
    for action in labels:
        _ACTION_GROUPS[action] = _group(action.partition(".")[0], targets)


def _group(prefix: str, targets: dict[str, str]) -> str:
    """The object kind of the actions ``<prefix>.*``: the target of that name, one whose
    name starts with it (``faq`` → ``faq_entry``), or the only target registered with them."""
    if prefix in targets or prefix in _TARGET_LABELS:
        return targets.get(prefix) or _TARGET_LABELS[prefix]
    starting = [label for name, label in targets.items() if name.startswith(f"{prefix}_")]
    if starting:
        return starting[0]
    if len(targets) == 1:
        return next(iter(targets.values()))
    return "其他"


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """``[(object kind, [(action, label), …]), …]`` of every registered action, for a
    select of labelled actions grouped by what they are about."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action, label in _ACTION_LABELS.items():
        groups.setdefault(_ACTION_GROUPS.get(action, "其他"), []).append((action, label))
    return [(group, sorted(items, key=lambda item: item[0])) for group, items in sorted(groups.items())]


def target_choices() -> list[tuple[str, str]]:
    """``[(target type, label), …]`` of every registered object type."""
    return sorted(_TARGET_LABELS.items(), key=lambda item: item[1])


def action_label(action: str) -> str:
    """The Chinese name of an audit action; an unregistered one is named by its target
    type, so a raw code never reaches a page."""
    label = _ACTION_LABELS.get(action)
    if label is not None:
        return label
    return f"{target_label(action.partition('.')[0])}相关操作"


def target_label(target_type: str) -> str:
    return _TARGET_LABELS.get(target_type, "其他对象")


def known_actions() -> dict[str, str]:
    return dict(_ACTION_LABELS)


def actor_id(actor) -> int | None:
    """The id of a logged-in user, ``None`` for the public, the scheduler or ``None``."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor.id


def actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "公众" if has_request_context() else "系统"
    return actor.display_name or actor.username or f"用户{actor.id}"


def record(
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    actor=None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits)."""
    event = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_id=actor_id(actor),
        actor_label=actor_label(actor),
        note=note,
        data=data,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def history(target_type: str, target_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.target_type == target_type, AuditEvent.target_id == target_id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )
