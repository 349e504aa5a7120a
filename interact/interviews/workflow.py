"""The interview lifecycle: draft → announced (预告) → live (直播中) → ended → archived (回顾).

One table says which steps exist and which roles may take them; :func:`transition` is the
only code that changes ``Interview.status``.
"""
from __future__ import annotations

from dataclasses import dataclass

from interact.core import audit, clock
from interact.core.errors import InvalidTransition, PermissionDenied
from interact.core.permissions import can_act_for_department, has_role
from interact.extensions import db
from interact.interviews.models import Interview, InterviewEvent, InterviewStatus

S = InterviewStatus


@dataclass(frozen=True)
class Step:
    #: Button label for staff.
    label: str
    #: "office": only the office (and admin) may take the step; "department": handlers of
    #: the interview's department too.
    who: str


#: (from, to) → step. Anything not listed is refused.
TRANSITIONS: dict[tuple[InterviewStatus, InterviewStatus], Step] = {
    (S.DRAFT, S.ANNOUNCED): Step("发布预告", "office"),
    (S.ANNOUNCED, S.DRAFT): Step("撤回预告", "office"),
    (S.ANNOUNCED, S.LIVE): Step("开始直播", "department"),
    (S.LIVE, S.ENDED): Step("结束访谈", "department"),
    (S.ENDED, S.ARCHIVED): Step("发布回顾", "department"),
}

_TIMESTAMPS = {
    S.ANNOUNCED: "announced_at",
    S.LIVE: "started_at",
    S.ENDED: "ended_at",
    S.ARCHIVED: "archived_at",
}


def may_take(step: Step, interview: Interview, actor) -> bool:
    if step.who == "office":
        return has_role(actor, "office", "admin")
    return can_act_for_department(actor, interview.department_id)


def available_steps(interview: Interview, actor) -> list[tuple[InterviewStatus, Step]]:
    """The steps ``actor`` may take from the interview's current state (for buttons)."""
    return [
        (to, step)
        for (frm, to), step in TRANSITIONS.items()
        if frm is interview.status and may_take(step, interview, actor)
    ]


def transition(interview: Interview, to: InterviewStatus, actor, note: str = "") -> InterviewEvent:
    """Move ``interview`` to ``to``: check the table and the actor, stamp, record.

    :raises InvalidTransition: the step does not exist from the current state.
    :raises PermissionDenied: the actor may not take this step for this department.
    """
    step = TRANSITIONS.get((interview.status, to))
    if step is None:
        raise InvalidTransition(
            f"访谈当前为“{interview.status_label}”状态，不能执行此操作。"
        )
    if not may_take(step, interview, actor):
        if step.who == "office":
            raise PermissionDenied("访谈预告须由办公室发布或撤回。")
        raise PermissionDenied("您无权处理其他部门的访谈。")
    before = interview.status
    interview.status = to
    stamp = _TIMESTAMPS.get(to)
    if stamp is not None:
        setattr(interview, stamp, clock.now())
    if to is S.DRAFT:
        interview.announced_at = None
    event = InterviewEvent(
        interview_id=interview.id,
        from_status=before,
        to_status=to,
        actor_id=audit.actor_id(actor),
        actor_label=audit.actor_label(actor),
        note=note,
    )
    db.session.add(event)
    audit.record(
        f"interview.{to.value}", "interview", interview.id, actor=actor, note=note or step.label,
        data={"from": before.value, "to": to.value},
    )
    db.session.flush()
    return event
