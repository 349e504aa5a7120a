"""The collection lifecycle: draft → submitted (待发布审核) → published → withdrawn → draft.

Open, ended and awaiting feedback are derived from the times (``Collection.phase``), not
stored. One table says which steps exist and who may take them; one effect function per
step does what the step means; :func:`transition` is the only code that changes
``Collection.status`` and it writes the event row; :func:`actions` is the one answer to
"what may this user do to this collection now" for views, templates and the API.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from interact.core import audit, clock
from interact.core.errors import Conflict, InvalidInput, InvalidTransition
from interact.core.permissions import can_act_for_department, ensure_department_scope, ensure_role, has_role
from interact.extensions import db
from interact.surveys.models import (
    Collection,
    CollectionEvent,
    CollectionStatus,
    Feedback,
    FeedbackStatus,
    ModerationStatus,
    Opinion,
)

S = CollectionStatus
NOTE_MAX = 500


@dataclass(frozen=True)
class Step:
    #: Name used by :func:`actions` and templates (``'publish' in actions``).
    action: str
    #: Button label for staff.
    label: str
    #: Label of the note field shown with the button.
    note_label: str
    #: Roles that may take the step (handlers also need the collection's department).
    roles: tuple[str, ...]
    #: The audit action recorded.
    audit_action: str
    #: The note must be given.
    note_required: bool = False
    #: Ask before posting (shown by the template).
    confirm: str = ""


_DEPARTMENT = ("handler", "office", "admin")
_OFFICE = ("office", "admin")

#: (from, to) → step. Anything not listed is refused.
TRANSITIONS: dict[tuple[CollectionStatus, CollectionStatus], Step] = {
    (S.DRAFT, S.SUBMITTED): Step("submit", "提交办公室发布", "说明（选填）", _DEPARTMENT, "collection.submitted"),
    (S.SUBMITTED, S.DRAFT): Step("return", "退回草稿", "退回意见（选填）", _DEPARTMENT, "collection.returned"),
    (S.DRAFT, S.PUBLISHED): Step("publish", "发布", "说明（选填）", _OFFICE, "collection.published"),
    (S.SUBMITTED, S.PUBLISHED): Step("publish", "发布", "说明（选填）", _OFFICE, "collection.published"),
    (S.PUBLISHED, S.WITHDRAWN): Step("withdraw", "撤回", "撤回原因（必填）", _OFFICE, "collection.withdrawn",
                                     note_required=True, confirm="确定撤回这次征集吗？撤回后公众将无法查看。"),
    (S.WITHDRAWN, S.DRAFT): Step("redraft", "恢复为草稿", "说明（选填）", _OFFICE, "collection.returned"),
}


# --- rules that follow from the state (no user) -------------------------------------------


def editable(collection: Collection) -> bool:
    """The collection's information, documents and questionnaire may still change: not
    withdrawn, and not a published collection that has ended (a draft whose end date has
    passed may be edited — that is how its dates get fixed)."""
    if collection.status is S.WITHDRAWN:
        return False
    return not (collection.status is S.PUBLISHED and collection.has_ended)


def ended_and_public(collection: Collection) -> bool:
    """Published and over: opinions are judged and the feedback is written."""
    return collection.status is S.PUBLISHED and collection.has_ended


def feedback_locked(collection: Collection) -> bool:
    """The feedback went to review or is published: adoption records stay as they are."""
    feedback = collection.feedback
    return feedback is not None and feedback.status in (FeedbackStatus.SUBMITTED, FeedbackStatus.PUBLISHED)


def feedback_in_review(collection: Collection) -> bool:
    """The result feedback waits for the office's review (the office owes the next step)."""
    feedback = collection.feedback
    return feedback is not None and feedback.status is FeedbackStatus.SUBMITTED


# --- effects (one per step) -----------------------------------------------------------------


def _check_publishable(collection: Collection) -> None:
    problems = []
    if collection.ends_at <= clock.now():
        problems.append("结束时间已过，请先修改征集时间")
    if collection.has_questionnaire and (collection.questionnaire is None or not collection.questionnaire.questions):
        problems.append("问卷还没有题目")
    if not collection.body and not collection.summary and collection.draft_file is None:
        problems.append("请填写征集说明或上传征求意见稿")
    if problems:
        raise Conflict("暂不能发布：" + "；".join(problems) + "。")


def _submit(collection: Collection, actor, note: str) -> None:
    _check_publishable(collection)


def _publish(collection: Collection, actor, note: str) -> None:
    _check_publishable(collection)
    collection.published_at = clock.now()
    collection.published_by_id = actor.id
    collection.review_note = ""


def _withdraw(collection: Collection, actor, note: str) -> None:
    collection.withdrawn_at = clock.now()
    collection.withdraw_reason = note


def _to_draft(collection: Collection, actor, note: str) -> None:
    collection.review_note = note


EFFECTS: dict[CollectionStatus, Callable[[Collection, object, str], None]] = {
    S.SUBMITTED: _submit,
    S.PUBLISHED: _publish,
    S.WITHDRAWN: _withdraw,
    S.DRAFT: _to_draft,
}


# --- the one transition and the one answer to "what may this user do" -----------------------


def states_for(action: str) -> tuple[CollectionStatus, ...]:
    """The states from which the step named ``action`` may be taken (from the table)."""
    return tuple(dict.fromkeys(frm for (frm, _), step in TRANSITIONS.items() if step.action == action))


def awaiting(action: str):
    """SQL condition: collections waiting for ``action`` — what the workspace cards count
    and the staff lists show, under the same conditions :func:`actions` offers it:

    * a step (``return``: submitted to the office, which publishes it or sends it back);
    * ``review_feedback``: published and ended, its result feedback submitted for review.
    """
    if action == "review_feedback":
        return db.and_(Collection.status == S.PUBLISHED, Collection.ends_at <= clock.now(),
                       Collection.feedback.has(Feedback.status == FeedbackStatus.SUBMITTED))
    return Collection.status.in_(states_for(action))


def available_steps(collection: Collection, user) -> list[tuple[CollectionStatus, Step]]:
    """The steps ``user`` may take from the collection's current state (for buttons)."""
    if not can_act_for_department(user, collection.department_id):
        return []
    return [(to, step) for (frm, to), step in TRANSITIONS.items()
            if frm is collection.status and has_role(user, *step.roles)]


def actions(collection: Collection, user) -> set[str]:
    """What ``user`` may do to ``collection`` now: the lifecycle steps (``submit``,
    ``return``, ``publish``, ``withdraw``, ``redraft``) and ``edit`` (information,
    documents, questionnaire), ``moderate`` (opinions), ``record_adoption``,
    ``view_feedback``, ``write_feedback``, ``submit_feedback``, ``review_feedback`` (the
    result feedback's own steps), ``view_public``, ``export``."""
    if not can_act_for_department(user, collection.department_id):
        return set()
    allowed = {step.action for _, step in available_steps(collection, user)}
    if editable(collection):
        allowed.add("edit")
    if collection.status is S.PUBLISHED:
        allowed.add("view_public")
    if collection.accepts_opinions:
        allowed.update({"moderate", "export"})
    if ended_and_public(collection):
        allowed.add("view_feedback")
        feedback = collection.feedback
        if feedback is None or feedback.status in (FeedbackStatus.DRAFT, FeedbackStatus.RETURNED):
            allowed.add("write_feedback")
            if feedback is not None:
                allowed.add("submit_feedback")
        elif feedback_in_review(collection) and has_role(user, *_OFFICE):
            allowed.add("review_feedback")
        if collection.accepts_opinions and not feedback_locked(collection):
            allowed.add("record_adoption")
    return allowed


def opinion_actions(opinion: Opinion, collection_actions: set[str]) -> set[str]:
    """What may be done to one opinion, given :func:`actions` of its collection:
    ``approve`` / ``reject`` (moderation, until the feedback is locked) and
    ``record_adoption`` (approved opinions of an ended collection)."""
    if "moderate" not in collection_actions or feedback_locked(opinion.collection):
        return set()
    allowed = {"approve", "reject"} - {{ModerationStatus.APPROVED: "approve",
                                        ModerationStatus.REJECTED: "reject"}.get(opinion.moderation, "")}
    if "record_adoption" in collection_actions and opinion.moderation is ModerationStatus.APPROVED:
        allowed.add("record_adoption")
    return allowed


def transition(collection: Collection, to: CollectionStatus, *, actor, note: str = "") -> CollectionEvent:
    """Move ``collection`` to ``to``: check the table and the actor, run the step's
    effect, write the event row and the audit record.

    :raises InvalidTransition: no such step from the current state.
    :raises PermissionDenied: the actor's role or department does not allow it.
    :raises InvalidInput: the note is missing or too long.
    :raises Conflict: the collection cannot be published yet.
    """
    step = TRANSITIONS.get((collection.status, to))
    if step is None:
        raise InvalidTransition(f"征集当前为“{collection.status_label}”，不能执行此操作。")
    ensure_role(actor, *step.roles)
    ensure_department_scope(actor, collection.department_id)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"说明不超过{NOTE_MAX}字。", fields={"note": f"不超过{NOTE_MAX}字"})
    if step.note_required and not note:
        required = step.note_label.split("（")[0]
        raise InvalidInput(f"请填写{required}。", fields={"note": f"请填写{required}"})
    EFFECTS[to](collection, actor, note)
    previous = collection.status
    collection.status = to
    event = CollectionEvent(collection_id=collection.id, from_status=previous, to_status=to,
                            actor_id=audit.actor_id(actor), actor_label=audit.actor_label(actor), note=note)
    db.session.add(event)
    db.session.flush()
    audit.record(step.audit_action, "collection", collection.id, actor=actor, note=note or collection.title,
                 data={"from": previous.value, "to": to.value})
    return event
