"""The letter lifecycle: one state table and one :func:`transition`.

Who may take a step:

* ``office`` — the office (or an admin);
* ``department`` — a handler of the letter's current department (the office and admins
  act for every department, as :mod:`interact.core.permissions` defines).

Every step writes a :class:`LetterEvent` (actor, time, from/to, note, public flag), sets
the timestamps and deadlines it implies, and records an audit event. Steps that do not
change the state — extension requests and decisions, publication and withdrawal,
the citizen's rating — are written with :func:`record_event` by the functions below.

Deadlines are Beijing working days (:mod:`interact.core.workdays`): a letter must be
accepted by the end of the next working day; the department must answer within the
kind's limit (:func:`reply_limit`) counted from the routing; a forwarded letter keeps the
deadline of the higher level when that is given.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from interact.core import atomic, audit, clock, workdays
from interact.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from interact.core.permissions import can_act_for_department, ensure_department_scope, ensure_role, has_role
from interact.core.settings import get_setting, set_setting
from interact.departments.models import Department
from interact.extensions import db
from interact.faq.services import entry_from_letter
from interact.letters import search
from interact.letters.models import (
    ACTION_LABELS,
    DEFAULT_REPLY_LIMITS,
    ExtensionStatus,
    Letter,
    LetterEvent,
    LetterExtension,
    LetterKind,
    LetterRating,
    LetterStatus,
    RejectReason,
)

S = LetterStatus

#: Admin setting: ``{"consultation": 5, …}`` reply limits in working days.
REPLY_LIMITS_SETTING = "letters.reply_limits"
#: Working days the office has to accept a new letter and to re-route a returned one.
ACCEPT_WORKDAYS = 1
#: Longest extension the office may grant at once.
MAX_EXTENSION_WORKDAYS = 15

audit.register_actions(
    {f"letter.{action}": label for action, label in ACTION_LABELS.items()}
    | {"letter.reply_limits_changed": "修改来信答复期限", "letter.attachment_viewed": "查看来信附件"},
    targets={"letter": "来信", "setting": "系统设置"},
)


@dataclass(frozen=True)
class Step:
    #: Event action name (``letter.<action>`` in the audit log).
    action: str
    #: Chinese label of the step (event list, buttons).
    label: str
    #: ``office`` or ``department``.
    who: str
    #: Whether the citizen sees the step in the public timeline.
    public: bool


#: The state table: (from, to) → step. Nothing else is allowed.
TRANSITIONS: dict[tuple[LetterStatus, LetterStatus], Step] = {
    (S.SUBMITTED, S.ACCEPTED): Step("accept", "受理", "office", True),
    (S.SUBMITTED, S.REJECTED): Step("reject", "不予受理", "office", True),
    (S.SUBMITTED, S.ASSIGNED): Step("assign", "受理并转办", "office", True),
    (S.ACCEPTED, S.ASSIGNED): Step("assign", "转办", "office", True),
    (S.ACCEPTED, S.REJECTED): Step("reject", "不予受理", "office", True),
    (S.ASSIGNED, S.ASSIGNED): Step("transfer", "改派", "office", True),
    (S.SENT_BACK, S.ASSIGNED): Step("transfer", "改派", "office", True),
    (S.REOPENED, S.ASSIGNED): Step("transfer", "改派", "office", True),
    (S.ASSIGNED, S.RETURNED): Step("return", "退回", "department", False),
    (S.SENT_BACK, S.RETURNED): Step("return", "退回", "department", False),
    (S.REOPENED, S.RETURNED): Step("return", "退回", "department", False),
    (S.RETURNED, S.ASSIGNED): Step("assign", "重新转办", "office", True),
    (S.RETURNED, S.REJECTED): Step("reject", "不予受理", "office", True),
    (S.ASSIGNED, S.ANSWERED): Step("answer", "答复", "department", False),
    (S.SENT_BACK, S.ANSWERED): Step("answer", "重新答复", "department", False),
    (S.REOPENED, S.ANSWERED): Step("answer", "重新答复", "department", False),
    (S.ANSWERED, S.SENT_BACK): Step("send_back", "审核退回", "office", False),
    (S.ANSWERED, S.CLOSED): Step("close", "审核通过并办结", "office", True),
    (S.CLOSED, S.REOPENED): Step("reopen", "重新办理", "office", True),
}


def states_for(action: str) -> tuple[LetterStatus, ...]:
    """The states from which the step named ``action`` may be taken (from the table)."""
    return tuple(dict.fromkeys(frm for (frm, _), step in TRANSITIONS.items() if step.action == action))


def awaiting(action: str):
    """SQL condition: letters waiting for the step ``action`` — what the workspace cards
    count and the queues list (the same states :func:`actions` offers the step in)."""
    return Letter.status.in_(states_for(action))


def allowed_steps(letter: Letter) -> dict[LetterStatus, Step]:
    """Targets reachable from the letter's state (for buttons; permission still applies)."""
    return {to: step for (frm, to), step in TRANSITIONS.items() if frm is letter.status}


def can_transition(letter: Letter, to_status: LetterStatus, actor) -> bool:
    step = TRANSITIONS.get((letter.status, to_status))
    if step is None:
        return False
    try:
        _check_actor(step, letter, actor)
    except PermissionDenied:
        return False
    return True


def _reopen_problem(letter: Letter) -> str | None:
    """Why a closed letter cannot be reopened (``None`` when it can): only after a 不满意
    rating, only once, and only with a department to hand it back to."""
    if letter.rating is not LetterRating.UNSATISFIED:
        return "只有来信人评价为“不满意”的来信才能重新办理。"
    if letter.reopen_count >= 1:
        return "该来信已重新办理过一次，不能再次重新办理。"
    if letter.department_id is None:
        return "该来信没有办理部门，无法重新办理。"
    return None


def can_turn_into_faq(letter: Letter) -> bool:
    """A letter whose answer the office approved (closed, with its answer) can become an FAQ
    draft once: not while the answer may still be sent back, and not again while the draft
    or entry made from it is there (a withdrawn one can be made again)."""
    return letter.has_final_answer and entry_from_letter(letter.id) is None


def actions(letter: Letter, user) -> set[str]:
    """What ``user`` may do to ``letter`` now — the one answer for views, templates, the
    API and workspace cards. The lifecycle steps by their action (``accept``, ``reject``,
    ``assign``, ``transfer``, ``return``, ``answer``, ``send_back``, ``close``,
    ``reopen``) and ``request_extension``, ``decide_extension``, ``publish``,
    ``withdraw`` (publication), ``to_faq``."""
    allowed = {step.action for to, step in allowed_steps(letter).items() if can_transition(letter, to, user)}
    if "reopen" in allowed and _reopen_problem(letter) is not None:
        allowed.discard("reopen")
    office = has_role(user, "office", "admin")
    if "answer" in allowed and letter.pending_extension is None:
        allowed.add("request_extension")
    if letter.pending_extension is not None and office:
        allowed.add("decide_extension")
    if office and letter.has_final_answer:
        if letter.published:
            allowed.add("withdraw")
        elif letter.publish_consent:
            allowed.add("publish")
    if can_turn_into_faq(letter) and can_act_for_department(user, letter.department_id):
        allowed.add("to_faq")
    return allowed


# --- deadlines --------------------------------------------------------------------------


def reply_limits() -> dict[LetterKind, int]:
    """Reply limits (working days) per kind: the admin's setting over the defaults."""
    stored = get_setting(REPLY_LIMITS_SETTING) or {}
    limits = dict(DEFAULT_REPLY_LIMITS)
    for kind in LetterKind:
        value = stored.get(kind.value)
        if isinstance(value, int) and 1 <= value <= 60:
            limits[kind] = value
    return limits


def reply_limit(kind: LetterKind) -> int:
    return reply_limits()[kind]


def set_reply_limits(limits: dict[LetterKind, int], *, actor) -> None:
    """Admin: change the reply limits (1–60 working days each)."""
    ensure_role(actor, "admin")
    for kind, value in limits.items():
        if not isinstance(value, int) or not 1 <= value <= 60:
            raise InvalidInput(f"“{kind.label}”的答复期限应为 1–60 个工作日。",
                               fields={kind.value: "应为 1–60 之间的整数"})
    before = {k.value: v for k, v in reply_limits().items()}
    after = {**before, **{k.value: v for k, v in limits.items()}}
    set_setting(REPLY_LIMITS_SETTING, after)
    audit.record("letter.reply_limits_changed", "setting", None, actor=actor,
                 note="来信答复期限", data={"before": before, "after": after})


def local_date(moment: datetime) -> date:
    return clock.to_local(moment).date()


def _previous_workday(day: date, not_before: date) -> date:
    candidate = day - timedelta(days=1)
    while candidate > not_before and not workdays.is_workday(candidate):
        candidate -= timedelta(days=1)
    return max(candidate, not_before)


def deadline_for(due_day: date, start_day: date) -> tuple[datetime, datetime]:
    """``(due_at, warn_at)``: due at the end of ``due_day``; the warning (黄牌) starts on
    the working day before it (never before ``start_day``)."""
    return clock.end_of_local_day(due_day), clock.local_datetime(_previous_workday(due_day, start_day))


def deadline_after(start: datetime, n_workdays: int) -> tuple[datetime, datetime]:
    """Deadline ``n_workdays`` working days after ``start`` (which never counts itself)."""
    start_day = local_date(start)
    return deadline_for(workdays.add_workdays(start_day, n_workdays), start_day)


def _set_deadline(letter: Letter, due_at: datetime | None, warn_at: datetime | None) -> None:
    letter.due_at, letter.warn_at = due_at, warn_at
    letter.warning_sent_at = None
    letter.overdue_sent_at = None


def set_acceptance_deadline(letter: Letter) -> None:
    """A new letter must be accepted by the end of the next working day."""
    _set_deadline(letter, *deadline_after(letter.submitted_at, ACCEPT_WORKDAYS))


def _answer_deadline(letter: Letter, now: datetime) -> tuple[datetime, datetime]:
    if letter.upstream_due_at is not None:
        return deadline_for(local_date(letter.upstream_due_at), local_date(now))
    return deadline_after(now, reply_limit(letter.kind))


# --- events ----------------------------------------------------------------------------


def _actor_label(actor) -> str:
    return audit.actor_label(actor)


def _public_label(actor, who: str, letter: Letter) -> str:
    if who == "office":
        return "办公室"
    if who == "department":
        return letter.department.name if letter.department is not None else "办理部门"
    if who == "citizen":
        return "来信人"
    return "系统"


def record_event(
    letter: Letter,
    action: str,
    actor,
    *,
    who: str,
    note: str = "",
    public: bool = False,
    public_note: str = "",
    from_status: LetterStatus | None = None,
    to_status: LetterStatus | None = None,
    department_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> LetterEvent:
    """Write a letter event and the matching audit record."""
    event = LetterEvent(
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=audit.actor_id(actor),
        actor_label=_actor_label(actor),
        public_label=_public_label(actor, who, letter),
        note=note,
        public=public,
        public_note=public_note,
        department_id=department_id,
        data=data,
        occurred_at=clock.now(),
    )
    letter.events.append(event)
    audit_data = dict(data or {})
    if from_status is not None:
        audit_data["from"] = from_status.value
    if to_status is not None:
        audit_data["to"] = to_status.value
    if letter.id is None:  # a new letter: its number and id are the audit record's target
        db.session.flush()
    audit.record(f"letter.{action}", "letter", letter.id, actor=actor,
                 note=f"{letter.number} {note}".strip(), data=audit_data or None)
    return event


def _check_actor(step: Step, letter: Letter, actor) -> None:
    if step.who == "office":
        ensure_role(actor, "office", "admin")
    else:
        ensure_department_scope(actor, letter.department_id)


# --- the transition --------------------------------------------------------------------


def transition(letter: Letter, to_status: LetterStatus, actor, note: str = "", **data: Any) -> LetterEvent:
    """Move ``letter`` to ``to_status`` if the state table and the actor allow it.

    :param data: what the step needs — ``department_id`` (assign/transfer), ``reason``
        (:class:`RejectReason`, reject), ``answer_html`` (already sanitised, answer).
    :raises InvalidTransition: the table has no such step from the current state.
    :raises PermissionDenied: the actor's role or department scope does not allow it.
    :raises InvalidInput: a required piece (department, reason, answer, note) is missing.
    """
    from_status = letter.status
    step = TRANSITIONS.get((from_status, to_status))
    if step is None:
        raise InvalidTransition(f"来信当前状态为“{from_status.label}”，不能{step_name(to_status)}。")
    _check_actor(step, letter, actor)
    if db.session.is_modified(letter):
        db.session.flush()  # the caller's own changes first: the stored letter is what it sees
    # What this request saw: the step happens only if the stored letter still says so.
    seen = {"status": from_status, "department_id": letter.department_id}
    with db.session.no_autoflush:  # nothing is written before the claim below
        event_department_id, public_note, event_data = _apply_step(step, letter, actor, (note or "").strip(), data)
    if not atomic.compare_and_set(Letter, letter.id, seen, {"status": to_status}):
        _refuse_stale(letter, step)
    letter.status = to_status
    if step.action in ENDS_EXTENSION_REQUEST:  # after the letter's claim: locks in one order
        _close_pending_extension(letter, clock.now(), event_data)
    if letter.published and not letter.public_copy_current:
        store_public_texts(letter)  # a published letter answered again (reopened)
    return record_event(
        letter, step.action, actor, who=step.who, note=(note or "").strip(), public=step.public,
        public_note=public_note, from_status=from_status, to_status=to_status,
        department_id=event_department_id, data=event_data or None,
    )


def step_name(to_status: LetterStatus) -> str:
    """What a request to move a letter to ``to_status`` asks for, in the words of the
    table: the action of the first step to that state (受理, 转办, 答复, 审核办结 …)."""
    action = next(step.action for (_, to), step in TRANSITIONS.items() if to is to_status)
    return ACTION_LABELS[action]


def _refuse_stale(letter: Letter, step: Step) -> None:
    """Another request (a second click, or a colleague) changed the letter after this one
    loaded it: drop this request's changes and say what the letter is now."""
    db.session.expire(letter)
    raise InvalidTransition(
        f"该来信刚刚已被处理（现为“{letter.status.label}”），本次“{step.label}”未执行，请刷新页面后查看。"
    )


def _apply_step(step: Step, letter: Letter, actor, note: str, data: dict[str, Any]):
    """The effect of ``step`` on ``letter`` (timestamps, deadlines, fields); returns the
    event's department, public note and data."""
    now = clock.now()
    public_note = ""
    event_department_id = letter.department_id
    event_data: dict[str, Any] = {}

    if step.action == "accept":
        letter.accepted_at = now
        _set_deadline(letter, *deadline_after(now, ACCEPT_WORKDAYS))
        public_note = "您的来信已受理，正在转交有关部门办理。"

    elif step.action == "reject":
        reason = data.get("reason")
        if not isinstance(reason, RejectReason):
            raise InvalidInput("请选择不予受理的理由。", fields={"reason": "请选择理由"})
        letter.rejection_reason = reason
        letter.rejection_note = note or reason.label
        letter.closed_at = now
        _set_deadline(letter, None, None)
        public_note = f"不予受理：{letter.rejection_note}"
        event_data["reason"] = reason.value

    elif step.action in ("assign", "transfer"):
        department = _target_department(data.get("department_id"))
        if step.action == "transfer" and department.id == letter.department_id:
            raise InvalidInput("改派的部门与当前办理部门相同。", fields={"department_id": "请选择其他部门"})
        previous = letter.department.name if letter.department is not None else None
        letter.department = department
        letter.department_id = department.id
        if letter.accepted_at is None:
            letter.accepted_at = now
        letter.assigned_at = now
        _set_deadline(letter, *_answer_deadline(letter, now))
        event_department_id = department.id
        public_note = f"已转交{department.name}办理，答复期限：{clock.to_local(letter.due_at):%Y-%m-%d}。"
        if step.action == "transfer":
            event_data["from_department"] = previous

    elif step.action == "return":
        if not note:
            raise InvalidInput("请说明退回的理由（如不属于本部门职责）。", fields={"note": "请填写退回理由"})
        event_data["department"] = letter.department.name if letter.department else None
        letter.department = None
        letter.department_id = None
        _set_deadline(letter, *deadline_after(now, ACCEPT_WORKDAYS))

    elif step.action == "answer":
        answer_html = (data.get("answer_html") or "").strip()
        if not answer_html:
            raise InvalidInput("请填写答复内容。", fields={"answer_html": "请填写答复内容"})
        letter.answer_html = answer_html
        letter.answered_at = now
        letter.answered_by_id = audit.actor_id(actor)
        start = letter.assigned_at or letter.accepted_at or letter.submitted_at
        letter.answered_workdays = max(workdays.workdays_between(local_date(start), local_date(now)), 0)
        letter.answered_on_time = letter.due_at is None or now <= letter.due_at

    elif step.action == "send_back":
        if not note:
            raise InvalidInput("请填写审核意见，说明需要修改的地方。", fields={"note": "请填写审核意见"})
        letter.answered_at = None
        letter.answered_workdays = None
        letter.answered_on_time = None
        # The department keeps its deadline but gets at least one working day to redo it.
        minimum_due, minimum_warn = deadline_after(now, ACCEPT_WORKDAYS)
        if letter.due_at is None or letter.due_at < minimum_due:
            _set_deadline(letter, minimum_due, minimum_warn)
        else:
            letter.overdue_sent_at = None

    elif step.action == "close":
        letter.reviewed_at = now
        letter.reviewed_by_id = audit.actor_id(actor)
        letter.closed_at = now
        public_note = "答复已审核，办理完毕。"

    elif step.action == "reopen":
        problem = _reopen_problem(letter)
        if problem is not None:
            raise InvalidInput(problem)
        letter.reopen_count += 1
        event_data["previous_rating"] = letter.rating.value
        letter.rating = None
        letter.rating_comment = None
        letter.rated_at = None
        letter.closed_at = None
        letter.answered_at = None
        letter.answered_workdays = None
        letter.answered_on_time = None
        letter.assigned_at = now
        letter.upstream_due_at = None
        _set_deadline(letter, *deadline_after(now, reply_limit(letter.kind)))
        public_note = f"根据您的评价，已交{letter.department.name}重新办理。"

    return event_department_id, public_note, event_data


#: Steps after which the department no longer needs more time (answered, returned).
ENDS_EXTENSION_REQUEST = frozenset({"return", "answer"})


def _close_pending_extension(letter: Letter, now: datetime, event_data: dict[str, Any]) -> None:
    """A letter answered or returned no longer needs more time: its pending extension
    request ends with the step (it leaves the office's queue undecided).

    Conditional, as the office's decision is: a request the office approved or refused
    after this request loaded it keeps that decision (the step goes on — sequentially too,
    an approved extension is no obstacle to answering or returning the letter)."""
    with db.session.no_autoflush:
        extension = letter.pending_extension
    if extension is None:
        return
    if atomic.compare_and_set(LetterExtension, extension.id, {"status": ExtensionStatus.PENDING},
                              {"status": ExtensionStatus.CLOSED, "decided_at": now}):
        extension.status = ExtensionStatus.CLOSED
        extension.decided_at = now
        event_data["extension_closed"] = extension.id
    else:
        db.session.expire(extension)


def _target_department(department_id: Any) -> Department:
    if not department_id:
        raise InvalidInput("请选择办理部门。", fields={"department_id": "请选择办理部门"})
    department = db.session.get(Department, int(department_id))
    if department is None or not department.active:
        raise InvalidInput("所选部门不存在或已停用。", fields={"department_id": "部门无效"})
    return department


# --- steps that keep the state ----------------------------------------------------------


PENDING_EXTENSION_MESSAGE = "已有一项延期申请等待审批。"


def request_extension(letter: Letter, actor, *, extra_workdays: int, reason: str) -> LetterExtension:
    """The department asks for more time (延期); the office decides."""
    ensure_department_scope(actor, letter.department_id)
    if not letter.held_by_department:
        raise InvalidTransition("只有正在办理中的来信才能申请延期。")
    if letter.pending_extension is not None:
        raise InvalidTransition(PENDING_EXTENSION_MESSAGE)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写延期理由。", fields={"reason": "请填写延期理由"})
    if not isinstance(extra_workdays, int) or not 1 <= extra_workdays <= MAX_EXTENSION_WORKDAYS:
        raise InvalidInput(f"延期天数应为 1–{MAX_EXTENSION_WORKDAYS} 个工作日。",
                           fields={"extra_workdays": f"应为 1–{MAX_EXTENSION_WORKDAYS}"})
    extension = LetterExtension(extra_workdays=extra_workdays, reason=reason,
                                requested_by_id=audit.actor_id(actor), requested_at=clock.now(),
                                old_due_at=letter.due_at)
    # One pending request per letter (a unique index): a copy sent at the same instant loses.
    with atomic.unique_or_conflict(PENDING_EXTENSION_MESSAGE):
        letter.extensions.append(extension)
    record_event(letter, "extension_requested", actor, who="department", note=reason,
                 department_id=letter.department_id, data={"extra_workdays": extra_workdays})
    return extension


def decide_extension(extension: LetterExtension, actor, *, approve: bool, note: str = "") -> LetterExtension:
    """The office approves (new deadline) or refuses an extension request."""
    ensure_role(actor, "office", "admin")
    if extension.status is not ExtensionStatus.PENDING:
        raise InvalidTransition("该延期申请已处理。")
    letter = extension.letter
    now = clock.now()
    if approve and not letter.held_by_department:
        raise InvalidTransition("该来信已不在办理中，不能延期。")
    decided = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    if approve:
        # The new deadline is for the department that holds the letter now: claim the
        # letter in the state this request saw (returned, answered or transferred meanwhile:
        # no approval). The letter first, then the request — the order answering and
        # returning take them in, so two such requests wait for each other, never deadlock.
        seen = {"status": letter.status, "department_id": letter.department_id}
        if not atomic.compare_and_set(Letter, letter.id, seen, {"status": letter.status}):
            db.session.expire(letter)
            raise InvalidTransition(f"该来信刚刚已被处理（现为“{letter.status.label}”），"
                                    "本次“批准延期”未执行，请刷新页面后查看。")
    if not atomic.compare_and_set(LetterExtension, extension.id, {"status": ExtensionStatus.PENDING},
                                  {"status": decided}):
        db.session.expire(extension)
        raise InvalidTransition("该延期申请刚刚已被处理，请刷新页面后查看。")
    extension.decided_by_id = audit.actor_id(actor)
    extension.decided_at = now
    extension.decision_note = (note or "").strip()
    if approve:
        base = letter.due_at or now
        base_day = max(local_date(base), local_date(now))
        due_day = workdays.add_workdays(base_day, extension.extra_workdays)
        extension.status = ExtensionStatus.APPROVED
        _set_deadline(letter, *deadline_for(due_day, local_date(now)))
        extension.new_due_at = letter.due_at
        record_event(letter, "extension_approved", actor, who="office", note=extension.decision_note,
                     public=True, public_note=f"经批准延期办理，答复期限延至 {due_day:%Y-%m-%d}。",
                     department_id=letter.department_id,
                     data={"extra_workdays": extension.extra_workdays, "due": due_day.isoformat()})
    else:
        extension.status = ExtensionStatus.REJECTED
        record_event(letter, "extension_rejected", actor, who="office", note=extension.decision_note,
                     department_id=letter.department_id)
    return extension


def set_published(letter: Letter, published: bool, actor, *, note: str = "") -> None:
    """Publish a closed letter in 来信选登, or withdraw it (the index follows)."""
    ensure_role(actor, "office", "admin")
    now = clock.now()
    if published:
        if letter.status is not LetterStatus.CLOSED:
            raise InvalidTransition("只有已办结的来信才能公开。")
        if not letter.publish_consent:
            raise InvalidTransition("来信人不同意公开，不能公开此来信。")
        if not letter.answer_html:
            raise InvalidTransition("该来信没有答复内容，不能公开。")
        if letter.published:
            raise InvalidTransition("该来信已公开。")
        _claim_publication(letter, published=True)
        letter.published = True
        letter.published_at = letter.published_at or now
        letter.withdrawn_at = None
        store_public_texts(letter)
        record_event(letter, "published", actor, who="office", note=note)
    else:
        if not letter.published:
            raise InvalidTransition("该来信未公开。")
        _claim_publication(letter, published=False)
        letter.published = False
        letter.withdrawn_at = now
        search.unindex_letter(db.session, letter.id)
        record_event(letter, "withdrawn", actor, who="office", note=note)


def _claim_publication(letter: Letter, *, published: bool) -> None:
    """Change the stored letter's ``published`` only if it still says what this request
    saw: of 公开 (or 撤下) clicked several times at once, one is carried out and the others
    are refused, so the letter gets one event and the public list's running totals
    (``letter_month_counts.published``, counted by the flush hook) change once."""
    if db.session.is_modified(letter):
        db.session.flush()  # the caller's own changes first (e.g. 办结 just before 公开)
    if not atomic.compare_and_set(Letter, letter.id, {"published": not published}, {"published": published}):
        db.session.expire(letter)
        done = "公开" if published else "撤下"
        raise InvalidTransition(f"该来信刚刚已被{done}，本次操作未执行，请刷新页面后查看。")


def store_public_texts(letter: Letter) -> None:
    """What the public reads of a published letter, masked once with today's rules: its
    public copy (``Letter.store_public_copy``: the pages and the API show it without
    masking again) and its search index row. The names the public pages hide
    (``Letter.public_names``) are left out of the index too, so searching a name
    mentioned in the letter does not find it."""
    letter.store_public_copy()
    search.index_letter(db.session, letter.id, letter.title, letter.body, letter.answer_html,
                        names=letter.public_names)


def rate(letter: Letter, rating: LetterRating, comment: str, *, actor=None) -> None:
    """The citizen rates the answer of a closed letter (once per answer)."""
    if not letter.has_final_answer:
        raise InvalidTransition("答复办结后才能评价。")
    if letter.rating is not None or not _claim_rating(letter, rating):
        raise InvalidTransition("您已评价过此答复。")
    letter.rating = rating
    letter.rating_comment = (comment or "").strip()[:500] or None
    letter.rated_at = clock.now()
    record_event(letter, "rated", actor, who="citizen", note=letter.rating_comment or "",
                 public=True, public_note=f"来信人评价：{rating.label}", data={"rating": rating.value})


def _claim_rating(letter: Letter, rating: LetterRating) -> bool:
    """Store the rating only if the stored letter has none yet: one conditional UPDATE, so
    of several ratings sent at the same instant (each request loaded the letter unrated)
    the database lets exactly one through."""
    claimed = db.session.execute(
        sa.update(Letter).where(Letter.id == letter.id, Letter.rating.is_(None))
        .values(rating=rating).execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1
