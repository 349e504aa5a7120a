"""Audit trail helper: every state change records who, when and what."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from interact.core.models import AuditEvent
from interact.extensions import db


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
        actor_id=actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None,
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
