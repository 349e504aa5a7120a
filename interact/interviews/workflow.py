"""The interview lifecycle: draft → announced (预告) → live (直播中) → ended → archived (回顾).

One table says which steps exist and which roles may take them; :func:`transition` is the
only code that changes ``Interview.status``; :func:`actions` is the one answer to "what may
this user do to this interview now" (staff pages, the public page, workspace cards), and
:func:`question_actions` the same for one citizen question. The services check the same
rules (:func:`editable`, :data:`TRANSCRIPT_OPEN` …) before they change anything.
"""
from __future__ import annotations

from dataclasses import dataclass

from interact.core import atomic, audit, clock
from interact.core.errors import InvalidTransition, PermissionDenied
from interact.core.permissions import can_act_for_department, has_role
from interact.extensions import db
from interact.interviews.models import (
    Interview,
    InterviewEvent,
    InterviewQuestion,
    InterviewStatus,
    QuestionStatus,
)

S = InterviewStatus


@dataclass(frozen=True)
class Step:
    #: Name used by :func:`actions` and templates (``'announce' in actions``).
    action: str
    #: Button label for staff.
    label: str
    #: "office": only the office (and admin) may take the step; "department": handlers of
    #: the interview's department too.
    who: str


#: (from, to) → step. Anything not listed is refused.
TRANSITIONS: dict[tuple[InterviewStatus, InterviewStatus], Step] = {
    (S.DRAFT, S.ANNOUNCED): Step("announce", "发布预告", "office"),
    (S.ANNOUNCED, S.DRAFT): Step("unannounce", "撤回预告", "office"),
    (S.ANNOUNCED, S.LIVE): Step("start", "开始直播", "department"),
    (S.LIVE, S.ENDED): Step("end", "结束访谈", "department"),
    (S.ENDED, S.ARCHIVED): Step("archive", "发布回顾", "department"),
}

#: Staff roles that run interviews (handlers only for their department).
STAFF_ROLES = ("handler", "office", "admin")
#: New transcript entries may be posted: on air, or just ended (answers written up after).
TRANSCRIPT_OPEN = (S.LIVE, S.ENDED)
#: The transcript exists: the console is open and entries may be corrected, retracted, pinned.
TRANSCRIPT_STATUSES = (S.LIVE, S.ENDED, S.ARCHIVED)
#: Questions a moderator may still change (reject, merge) or merge others into.
OPEN_QUESTION_STATUSES = (QuestionStatus.PENDING, QuestionStatus.APPROVED)
#: Questions that may be approved (a rejected one may be reconsidered).
APPROVABLE_QUESTION_STATUSES = (QuestionStatus.PENDING, QuestionStatus.REJECTED)


# --- rules that follow from the state (no user) -------------------------------------------


def editable(interview: Interview) -> bool:
    """Information and guests may change until the review (回顾) is published."""
    return interview.status is not S.ARCHIVED


def takes_images(interview: Interview) -> bool:
    """Images may be added once the announcement is out (图片直播, then the review's gallery)."""
    return interview.status is not S.DRAFT


def question_steps(question: InterviewQuestion) -> set[str]:
    """What may happen to one question given its state and its interview's (no user):
    ``approve``, ``reject``, ``merge``, ``answer_after`` (会后答复)."""
    allowed = set()
    if question.status in APPROVABLE_QUESTION_STATUSES:
        allowed.add("approve")
    if question.status in OPEN_QUESTION_STATUSES and question.answered_at is None:
        allowed.update({"reject", "merge"})
    if (question.status is QuestionStatus.APPROVED and question.answered_at is None
            and question.interview.is_past):
        allowed.add("answer_after")
    return allowed

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


def states_for(action: str) -> tuple[InterviewStatus, ...]:
    """The states from which the step named ``action`` may be taken (from the table)."""
    return tuple(dict.fromkeys(frm for (frm, _), step in TRANSITIONS.items() if step.action == action))


def awaiting(action: str):
    """SQL condition: interviews waiting for the step ``action`` (the states of the table)."""
    return Interview.status.in_(states_for(action))


def takes_merges(question: InterviewQuestion) -> bool:
    """Other questions may be merged into this one (it is still pending or approved)."""
    return question.status in OPEN_QUESTION_STATUSES


def runs(interview: Interview, user) -> bool:
    """``user`` runs this interview: a handler of its department, or the office/admin."""
    return has_role(user, *STAFF_ROLES) and can_act_for_department(user, interview.department_id)


def actions(interview: Interview, user) -> set[str]:
    """What ``user`` may do with ``interview`` now — the one answer for the staff pages,
    the public page and the workspace cards.

    Anybody: ``view_public`` (announced or later), ``ask`` (questions accepted),
    ``read_transcript`` (on air or later). Staff who run the interview also: the steps
    (``announce``, ``unannounce``, ``start``, ``end``, ``archive``), ``moderate``,
    ``edit`` (information and guests), ``console``, ``post_entry``, ``revise_entry``
    (correct, retract, pin), ``add_image``, ``edit_archive`` and ``answer_after``.
    """
    allowed = set()
    if interview.is_public:
        allowed.add("view_public")
        if interview.status is not S.ANNOUNCED:
            allowed.add("read_transcript")
    if interview.takes_questions:
        allowed.add("ask")
    if not runs(interview, user):
        return allowed
    allowed.add("moderate")
    allowed.update(step.action for _, step in available_steps(interview, user))
    if editable(interview):
        allowed.add("edit")
    if interview.status in TRANSCRIPT_STATUSES:
        allowed.update({"console", "revise_entry"})
    if interview.status in TRANSCRIPT_OPEN:
        allowed.add("post_entry")
    if takes_images(interview):
        allowed.add("add_image")
    if interview.is_past:
        allowed.update({"edit_archive", "answer_after"})
    return allowed


def question_actions(question: InterviewQuestion, interview_actions: set[str]) -> set[str]:
    """What may be done to one question, given :func:`actions` of its interview."""
    if "moderate" not in interview_actions:
        return set()
    return question_steps(question)


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
    # A copy of the same click sent at the same instant (开始直播 twice) finds the state
    # already changed: one conditional UPDATE lets exactly one of them take the step.
    if not atomic.compare_and_set(Interview, interview.id, {"status": before}, {"status": to}):
        db.session.expire(interview)
        raise InvalidTransition(
            f"该访谈刚刚已被处理（现为“{interview.status_label}”），本次“{step.label}”未执行，请刷新页面后查看。"
        )
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
