"""Rules of online interviews: records and guests, public questions and their moderation,
the live transcript (with corrections, retractions and the polling feed), the archive,
and the figures other modules read (office compliance dashboard, workspace, home page).

Services take typed arguments, ``flush()`` but never commit, check role and department
scope themselves and raise :class:`~interact.core.errors.DomainError` subclasses with a
Chinese message.
"""
from __future__ import annotations

import logging

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import attributes, joinedload, selectinload
from werkzeug.datastructures import FileStorage

from interact.core import atomic, audit, clock, edits, maskversion, periods, privacy, sensitive
from interact.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from interact.core.lookup import get_or_404
from interact.core.permissions import acts_for_every_department, ensure_department_scope, has_role, scope
from interact.core.sanitize import clean_html
from interact.core.uploads import discard, save_upload, save_upload_once
from interact.departments.models import Department
from interact.extensions import db
from interact.interviews import workflow
from interact.interviews.models import (
    PUBLIC_STATUSES,
    EntryRevision,
    EntryStatus,
    Interview,
    InterviewEvent,
    InterviewGuest,
    InterviewImage,
    InterviewQuestion,
    InterviewStatus,
    QuestionStatus,
    SpeakerKind,
    TranscriptEntry,
)

log = logging.getLogger(__name__)

audit.register_actions({
    "interview.created": "创建访谈", "interview.updated": "修改访谈", "interview.archive_updated": "编辑访谈回顾",
    "interview.guest_added": "添加嘉宾", "interview.guest_removed": "删除嘉宾", "interview.image_added": "添加图片",
    "interview.image_removed": "删除图片", "interview_entry.posted": "发布实录", "interview_entry.corrected": "更正实录",
    "interview_entry.retracted": "撤回实录", "interview_entry.pinned": "置顶实录", "interview_entry.unpinned": "取消置顶实录",
    "interview_question.submitted": "网友提问", "interview_question.approved": "问题审核通过",
    "interview_question.rejected": "问题未通过", "interview_question.merged": "合并问题",
    "interview_question.answered_after": "会后答复",
} | {f"interview.{to.value}": step.label for (_, to), step in workflow.TRANSITIONS.items()},
    targets={"interview": "在线访谈", "interview_entry": "访谈实录", "interview_question": "网友提问"})

S = InterviewStatus
STAFF_ROLES = ("handler", "office", "admin")
VIDEO_MAX_BYTES = 200 * 1024 * 1024
QUESTION_MIN, QUESTION_MAX = 5, 500
NICKNAME_MAX = 20
ENTRY_MAX = 5000
#: Largest number of changes one poll returns; the client asks again with the cursor.
FEED_LIMIT = 200


# --------------------------------------------------------------------------- loading

def get_interview(interview_id: int) -> Interview:
    return get_or_404(Interview, interview_id, "该访谈不存在。")


def get_public_interview(interview_id: int) -> Interview:
    """An interview the public may see (drafts are 404)."""
    return get_or_404(Interview, interview_id, "该访谈不存在或尚未发布。", where=lambda interview: interview.is_public)


def department_of(interview_id: int) -> int | None:
    """Department id of an interview, for ``roles_required(department=...)``."""
    return db.session.scalar(sa.select(Interview.department_id).where(Interview.id == interview_id))


def ensure_runs(actor, interview: Interview) -> None:
    """The actor may run this interview: its department's handler, or the office."""
    ensure_department_scope(actor, interview.department_id)


def get_question(interview: Interview, question_id: int) -> InterviewQuestion:
    return get_or_404(InterviewQuestion, question_id, "该问题不存在。",
                      where=lambda question: question.interview_id == interview.id)


def get_entry(interview: Interview, entry_id: int) -> TranscriptEntry:
    return get_or_404(TranscriptEntry, entry_id, "该条记录不存在。",
                      where=lambda entry: entry.interview_id == interview.id)


# --------------------------------------------------------------------------- records

@dataclass
class InterviewData:
    topic: str
    department_id: int
    host: str
    #: Aware datetime (UTC or local).
    scheduled_start: datetime
    duration_minutes: int
    introduction: str = ""


def _check_data(data: InterviewData) -> None:
    topic = (data.topic or "").strip()
    if not topic or len(topic) > 200:
        raise InvalidInput("请填写访谈主题（不超过200字）。", fields={"topic": "请填写主题，不超过200字"})
    department = db.session.get(Department, data.department_id)
    if department is None or not department.active:
        raise InvalidInput("所选部门不存在或已停用。", fields={"department_id": "部门无效"})
    if data.scheduled_start is None or data.scheduled_start.tzinfo is None:
        raise InvalidInput("请填写访谈时间。", fields={"scheduled_start": "请填写时间"})
    if not 2000 <= data.scheduled_start.year <= 2100:
        raise InvalidInput("访谈时间不正确。", fields={"scheduled_start": "时间不正确"})
    if not 10 <= (data.duration_minutes or 0) <= 600:
        raise InvalidInput("计划时长应为 10–600 分钟。", fields={"duration_minutes": "应为 10–600 分钟"})
    if len((data.host or "").strip()) > 40:
        raise InvalidInput("主持人姓名不超过40字。", fields={"host": "不超过40字"})


def _store_image(upload: FileStorage | None, actor):
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return save_upload(upload, kinds={"image"}, public=True, uploaded_by=actor)


def create_interview(data: InterviewData, *, actor, cover: FileStorage | None = None,
                     form_token: str | None = None) -> Interview:
    """A new draft; a handler only for their own department.

    :param form_token: the 新建访谈 form's one-time token: the form sent several times (a
        double click, also at the same instant) is one draft, and its cover is stored once
        (:func:`interact.core.atomic.create_once`).
    """
    if not has_role(actor, *STAFF_ROLES):
        raise PermissionDenied("您的账号没有执行此操作的权限。")
    ensure_department_scope(actor, data.department_id)

    def make(token: str | None) -> Interview:
        _check_data(data)
        return Interview(
            topic=data.topic.strip(),
            department_id=data.department_id,
            host=(data.host or "").strip() or "主持人",
            scheduled_start=data.scheduled_start,
            duration_minutes=data.duration_minutes,
            introduction=clean_html(data.introduction),
            status=S.DRAFT,
            created_by_id=audit.actor_id(actor),
            form_token=token,
        )

    interview, created = atomic.create_once(Interview, atomic.form_token(form_token), actor, make)
    if not created:
        return interview
    stored = _store_image(cover, actor)
    if stored is not None:
        interview.cover_id = stored.id
    db.session.add(InterviewEvent(interview_id=interview.id, from_status=None, to_status=S.DRAFT,
                                  actor_id=actor.id, actor_label=audit.actor_label(actor), note="创建"))
    audit.record("interview.created", "interview", interview.id, actor=actor, note=interview.topic)
    db.session.flush()
    return interview


#: What the edit form of an interview edits (its cover has a check of its own).
EDITED = ("topic", "department_id", "host", "scheduled_start", "duration_minutes", "introduction")


def _edited(interview: Interview) -> dict:
    return {name: getattr(interview, name) for name in EDITED}


def edit_version(interview: Interview) -> str:
    """The version of what the edit form edits (``core.edits``)."""
    return edits.version_of(_edited(interview))


def update_interview(interview: Interview, data: InterviewData, *, actor, cover: FileStorage | None = None,
                     cover_shown: int | None = None, form_token: str | None = None,
                     shown_version: str | None = None) -> Interview:
    """Save the edit form; the form saved again unchanged (a double click on 保存, also at
    the same instant) records no second event. A new cover replaces the old one's file.

    :param cover_shown: the cover (stored file id) the form showed when it was opened. A new
        cover replaces only that one: a form opened before another tab put up a new cover is
        refused rather than throw that cover away unseen.
    :param form_token: the form's one-time token: the form sent several times stores its new
        cover once (:func:`interact.core.uploads.save_upload_once`).
    :param shown_version: :func:`edit_version` of the interview when the form was opened.
    :raises Conflict: the cover was replaced since the form was opened, or what the form
        edits was changed since and this save would change it again.
    """
    ensure_runs(actor, interview)
    atomic.lock(interview)
    if not workflow.editable(interview):
        raise Conflict("访谈回顾已发布，基本信息不能再修改。")
    if data.department_id != interview.department_id:
        if not acts_for_every_department(actor):
            raise PermissionDenied("只有办公室可以更改访谈的主办部门。")
    _check_data(data)
    before = {"topic": interview.topic, "start": interview.scheduled_start.isoformat()}
    edited_before = _edited(interview)
    interview.topic = data.topic.strip()
    interview.department_id = data.department_id
    interview.host = (data.host or "").strip() or "主持人"
    if interview.scheduled_start != data.scheduled_start:
        interview.scheduled_start = data.scheduled_start
        # A new date gets its own reminders.
        interview.announce_reminder_sent_at = None
        interview.live_reminder_sent_at = None
    interview.duration_minutes = data.duration_minutes
    interview.introduction = clean_html(data.introduction)
    edits.ensure_unchanged_since(shown_version, edited_before, _edited(interview), what="该访谈")
    previous_cover = interview.cover
    stored = None
    if cover is not None and getattr(cover, "filename", ""):
        stored, new = save_upload_once(cover, form_token=form_token, kinds={"image"}, public=True, uploaded_by=actor)
        if not new:  # a copy of a form already saved: its cover is up (or replaced since)
            stored = None
        elif interview.cover_id != cover_shown:
            raise Conflict("封面刚刚已在另一个页面更换。请看一下现在的封面，如仍要更换，请重新选择图片后保存。",
                           fields={"cover": "封面刚刚已被更换，请重新选择"})
        else:
            interview.cover = stored
    if not db.session.is_modified(interview):
        return interview
    db.session.flush()
    if stored is not None:
        discard(previous_cover)
    audit.record("interview.updated", "interview", interview.id, actor=actor, note=interview.topic, data=before)
    return interview


def add_guest(interview: Interview, *, name: str, title: str, photo: FileStorage | None = None,
              actor) -> InterviewGuest:
    ensure_runs(actor, interview)
    if not workflow.editable(interview):
        raise Conflict("访谈回顾已发布，嘉宾不能再修改。")
    name, title = (name or "").strip(), (title or "").strip()
    if not name or len(name) > 40:
        raise InvalidInput("请填写嘉宾姓名（不超过40字）。", fields={"name": "请填写姓名"})
    if len(title) > 80:
        raise InvalidInput("嘉宾职务不超过80字。", fields={"title": "不超过80字"})
    # One guest per person and post (a double click on 添加嘉宾 must not list the same guest
    # twice on the public page); copies sent at once check one after the other.
    atomic.serialize(f"interview-guests:{interview.id}")
    same = sa.select(InterviewGuest.id).where(InterviewGuest.interview_id == interview.id,
                                              InterviewGuest.name == name, InterviewGuest.title == title)
    if db.session.scalar(same) is not None:
        raise Conflict(f"本场访谈已有嘉宾“{f'{title} {name}'.strip()}”。", fields={"name": "已有同名同职务的嘉宾"})
    stored = _store_image(photo, actor)
    guest = InterviewGuest(interview_id=interview.id, name=name, title=title,
                           photo_id=stored.id if stored else None, sort_order=(len(interview.guests) + 1) * 10)
    interview.guests.append(guest)
    db.session.flush()
    audit.record("interview.guest_added", "interview", interview.id, actor=actor, note=f"{title} {name}")
    return guest


def remove_guest(interview: Interview, guest_id: int, *, actor) -> None:
    ensure_runs(actor, interview)
    if not workflow.editable(interview):
        raise Conflict("访谈回顾已发布，嘉宾不能再修改。")
    guest = interview.guest(guest_id)
    if guest is None:
        raise NotFound("该嘉宾不存在。")
    spoke = db.session.scalar(sa.select(sa.func.count(TranscriptEntry.id)).where(TranscriptEntry.guest_id == guest.id))
    if spoke:
        raise Conflict("该嘉宾已在文字实录中发言，不能删除。")
    atomic.serialize(f"interview-guests:{interview.id}")  # 删除 clicked twice at once: removed once
    if db.session.scalar(sa.select(InterviewGuest.id).where(InterviewGuest.id == guest.id)) is None:
        raise Conflict("该嘉宾刚刚已被删除。")
    photo = guest.photo
    interview.guests.remove(guest)
    audit.record("interview.guest_removed", "interview", interview.id, actor=actor, note=guest.name)
    db.session.flush()
    discard(photo)


# --------------------------------------------------------------------------- questions

def submit_question(interview: Interview, *, nickname: str, body: str) -> InterviewQuestion:
    """A question from the public; always waits for moderation.

    :raises NotFound: the interview is not public.
    :raises Conflict: the interview no longer (or not yet) takes questions.
    :raises InvalidInput: empty/too long, or refused by the sensitive-word list.
    """
    if not interview.is_public:
        raise NotFound("该访谈不存在或尚未发布。")
    if not interview.takes_questions:
        raise Conflict("该访谈已结束，不再接收提问。")
    nickname = " ".join((nickname or "").split())
    body = (body or "").strip()
    fields = {}
    if len(nickname) > NICKNAME_MAX:
        fields["nickname"] = f"昵称不超过{NICKNAME_MAX}个字"
    if len(body) < QUESTION_MIN:
        fields["body"] = f"请写下您的问题（至少{QUESTION_MIN}个字）"
    elif len(body) > QUESTION_MAX:
        fields["body"] = f"问题不超过{QUESTION_MAX}个字"
    if fields:
        raise InvalidInput("提问内容有误：" + "；".join(fields.values()) + "。", fields=fields)
    scan = sensitive.scan(nickname, body)
    if scan.blocked:
        raise InvalidInput("您的提问含有不允许发布的内容，请修改后再提交。",
                           fields={"body": "含有不允许发布的内容"})
    question = InterviewQuestion(
        interview_id=interview.id,
        nickname=nickname,
        body=body,
        status=QuestionStatus.PENDING,
        flagged=scan.needs_review,
        flagged_words="、".join(scan.words)[:200],
        asked_live=interview.status is S.LIVE,
    )
    db.session.add(question)
    db.session.flush()
    audit.record("interview_question.submitted", "interview_question", question.id, actor=None,
                 note=f"访谈 {interview.id}", data={"flagged": scan.words} if scan.words else None)
    return question


def _moderate(question: InterviewQuestion, actor) -> None:
    ensure_runs(actor, question.interview)
    question.moderated_at = clock.now()
    question.moderated_by_id = actor.id


def approve_question(question: InterviewQuestion, *, actor) -> InterviewQuestion:
    if "approve" not in workflow.question_steps(question):
        raise Conflict(f"该问题当前为“{question.status_label}”，不能通过。")
    _moderate(question, actor)
    question.status = QuestionStatus.APPROVED
    question.reject_reason = ""
    audit.record("interview_question.approved", "interview_question", question.id, actor=actor)
    db.session.flush()
    return question


def reject_question(question: InterviewQuestion, *, reason: str, actor) -> InterviewQuestion:
    if "reject" not in workflow.question_steps(question):
        if question.answered_at is not None:
            raise Conflict("该问题已答复，不能再设为不通过。")
        raise Conflict(f"该问题当前为“{question.status_label}”，不能设为不通过。")
    _moderate(question, actor)
    question.status = QuestionStatus.REJECTED
    question.reject_reason = (reason or "").strip()[:200]
    audit.record("interview_question.rejected", "interview_question", question.id, actor=actor,
                 note=question.reject_reason)
    db.session.flush()
    return question


def merge_question(question: InterviewQuestion, into: InterviewQuestion, *, actor) -> InterviewQuestion:
    """Merge a duplicate into another question of the same interview.

    The duplicate keeps its record (status ``merged``); the target counts it (and whatever
    had been merged into the duplicate) in ``merged_count``.
    """
    if into.id == question.id or into.interview_id != question.interview_id:
        raise InvalidInput("请选择同一访谈中的另一个问题。", fields={"into": "请选择另一个问题"})
    if "merge" not in workflow.question_steps(question):
        raise Conflict(f"该问题当前为“{question.status_label}”，不能合并。")
    if not workflow.takes_merges(into):
        raise Conflict("只能合并到待审核或已通过的问题。")
    _moderate(question, actor)
    # Earlier duplicates of this question follow it to the new target.
    for earlier in db.session.scalars(sa.select(InterviewQuestion).where(InterviewQuestion.merged_into_id == question.id)):
        earlier.merged_into_id = into.id
    into.merged_count += 1 + question.merged_count
    question.merged_count = 0
    question.status = QuestionStatus.MERGED
    question.merged_into_id = into.id
    audit.record("interview_question.merged", "interview_question", question.id, actor=actor,
                 note=f"合并到问题 {into.id}", data={"into": into.id})
    db.session.flush()
    return question


def answer_after(question: InterviewQuestion, *, body: str, responder: str, actor) -> InterviewQuestion:
    """Answer an approved question after the interview (会后答复)."""
    interview = question.interview
    ensure_runs(actor, interview)
    if "answer_after" not in workflow.question_steps(question):
        if not interview.is_past:
            raise Conflict("访谈进行中请在直播控制台中答复。")
        if question.answered_at is not None:
            raise Conflict("该问题已经答复。")
        raise Conflict("只能答复已通过审核的问题。")
    body = (body or "").strip()
    responder = (responder or "").strip() or interview.department.name
    if not body or len(body) > ENTRY_MAX:
        raise InvalidInput(f"请填写答复内容（不超过{ENTRY_MAX}字）。", fields={"body": "请填写答复"})
    # 发布答复 clicked twice at once: the question is answered once, the copy is refused.
    answered_at = clock.now()
    if not atomic.compare_and_set(InterviewQuestion, question.id, {"answered_at": None}, {"answered_at": answered_at}):
        db.session.expire(question)
        raise Conflict("该问题已经答复。")
    question.after_answer = body
    question.after_responder = responder[:80]
    question.answered_after = True
    question.answered_at = answered_at
    audit.record("interview_question.answered_after", "interview_question", question.id, actor=actor,
                 note=responder)
    db.session.flush()
    return question


def _questions_stmt(interview: Interview, status: QuestionStatus | None = None) -> sa.Select:
    """The questions of ``interview`` (of ``status`` when given), in the order they were asked."""
    stmt = sa.select(InterviewQuestion).where(InterviewQuestion.interview_id == interview.id)
    if status is not None:
        stmt = stmt.where(InterviewQuestion.status == status)
    return stmt.order_by(InterviewQuestion.id)


def questions_of(interview: Interview, status: QuestionStatus | None = None) -> list[InterviewQuestion]:
    return list(db.session.scalars(_questions_stmt(interview, status)))


def merge_targets(interview: Interview) -> list[InterviewQuestion]:
    """The questions of ``interview`` others may be merged into (:func:`workflow.takes_merges`)."""
    return [question for question in questions_of(interview) if workflow.takes_merges(question)]


def public_questions(interview: Interview) -> list[InterviewQuestion]:
    """Approved questions, as the public sees them."""
    return questions_of(interview, QuestionStatus.APPROVED)


#: Approved questions per page of the public page and the API: a popular interview gets
#: thousands, and one page of all of them cost seconds of a worker per view (attack N6).
QUESTIONS_PER_PAGE = 30


def public_questions_page(interview: Interview, page: int, per_page: int = QUESTIONS_PER_PAGE):
    """Page ``page`` of the approved questions (in the order they were asked), as a
    Flask-SQLAlchemy pagination (``items``, ``total``, ``pages``)."""
    return db.paginate(_questions_stmt(interview, QuestionStatus.APPROVED), page=page, per_page=per_page,
                       error_out=False)


def unanswered_questions(interview: Interview) -> list[InterviewQuestion]:
    return [q for q in public_questions(interview) if q.answered_at is None]


@dataclass(frozen=True)
class QuestionCounts:
    received: int
    pending: int
    approved: int
    answered: int
    answered_after: int


def question_counts(interview: Interview) -> QuestionCounts:
    """Received (every submission, duplicates included), pending, approved (including the
    duplicates merged into approved questions) and answered (live or afterwards)."""
    Q = InterviewQuestion
    approved = Q.status == QuestionStatus.APPROVED
    row = db.session.execute(
        sa.select(
            sa.func.count(Q.id),
            sa.func.coalesce(sa.func.sum(sa.case((Q.status == QuestionStatus.PENDING, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((approved, 1 + Q.merged_count), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((answered_question_condition(), 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((sa.and_(approved, Q.answered_after.is_(True)), 1), else_=0)), 0),
        ).where(Q.interview_id == interview.id)
    ).one()
    return QuestionCounts(*(int(v) for v in row))


# --------------------------------------------------------------------------- transcript

def _bump_seq(interview: Interview) -> int:
    """Take the interview's next revision number (row-locked by the UPDATE)."""
    db.session.execute(
        sa.update(Interview)
        .where(Interview.id == interview.id)
        .values(transcript_seq=Interview.transcript_seq + 1)
        .execution_options(synchronize_session=False)
    )
    seq = db.session.scalar(sa.select(Interview.transcript_seq).where(Interview.id == interview.id))
    attributes.set_committed_value(interview, "transcript_seq", seq)
    return seq


def _ensure_editable(interview: Interview) -> None:
    if interview.status not in workflow.TRANSCRIPT_STATUSES:
        raise Conflict("访谈开始直播后才能编辑文字实录。")


class PostedAlready(Conflict):
    """A copy of a console form whose entry is published already (a double click)."""

    def __init__(self) -> None:
        super().__init__("这条内容已经发布，重复提交的内容未再发布。")


def post_entry(
    interview: Interview,
    *,
    speaker: str,
    body: str,
    actor,
    question_id: int | None = None,
    image: FileStorage | None = None,
    form_token: str | None = None,
) -> TranscriptEntry:
    """Publish a transcript entry.

    :param speaker: ``"host"`` or ``"guest:<guest id>"``.
    :param question_id: an approved, unanswered question this entry answers (guests only).
    :param form_token: the console form's one-time token; an entry is published once per token.
    :raises PostedAlready: a copy of the same form published its entry first.
    """
    ensure_runs(actor, interview)
    if interview.status not in workflow.TRANSCRIPT_OPEN:
        raise Conflict("只有直播中或刚结束的访谈可以发布文字实录。")
    body = (body or "").strip()
    if len(body) > ENTRY_MAX:
        raise InvalidInput(f"内容不超过{ENTRY_MAX}字。", fields={"body": f"不超过{ENTRY_MAX}字"})
    has_image = image is not None and bool(getattr(image, "filename", ""))
    if not body and not has_image:
        raise InvalidInput("请填写内容或选择图片。", fields={"body": "请填写内容"})
    if speaker == "host":
        kind, guest, name = SpeakerKind.HOST, None, interview.host
    else:
        prefix, _, raw_id = (speaker or "").partition(":")
        guest = interview.guest(int(raw_id)) if prefix == "guest" and raw_id.isdecimal() else None
        if guest is None:
            raise InvalidInput("请选择发言人。", fields={"speaker": "请选择发言人"})
        kind, name = SpeakerKind.GUEST, guest.name
    question = None
    if question_id:
        question = get_question(interview, question_id)
        if kind is not SpeakerKind.GUEST:
            raise InvalidInput("网友提问应由嘉宾答复。", fields={"speaker": "请选择答复的嘉宾"})
        if question.status is not QuestionStatus.APPROVED:
            raise Conflict("只能答复已通过审核的问题。")
        if question.answered_at is not None:
            raise Conflict("该问题已经答复。")
        if not body:
            raise InvalidInput("请填写答复内容。", fields={"body": "请填写答复"})
    seq = _bump_seq(interview)  # copies of one form queue here, one after the other
    if form_token and db.session.scalar(sa.select(TranscriptEntry.id).where(TranscriptEntry.form_token == form_token)):
        raise PostedAlready()
    stored = save_upload(image, kinds={"image"}, public=True, uploaded_by=actor) if has_image else None
    entry = TranscriptEntry(
        interview_id=interview.id,
        form_token=form_token or None,
        speaker_kind=kind,
        guest_id=guest.id if guest else None,
        speaker_name=name,
        body=body,
        question_id=question.id if question else None,
        image_id=stored.id if stored else None,
        created_by_id=actor.id,
        seq=seq,
    )
    db.session.add(entry)
    if question is not None:
        question.answered_at = clock.now()
        question.answered_after = False
    db.session.flush()
    audit.record("interview_entry.posted", "interview_entry", entry.id, actor=actor,
                 data={"interview": interview.id, "question": question.id if question else None})
    return entry


def _revise(entry: TranscriptEntry, action: str, new_body: str, reason: str, actor) -> None:
    db.session.add(EntryRevision(
        entry_id=entry.id, action=action, old_body=entry.body, new_body=new_body, reason=reason,
        actor_id=actor.id, actor_label=audit.actor_label(actor),
    ))


def correct_entry(entry: TranscriptEntry, *, body: str, reason: str, actor) -> TranscriptEntry:
    """Replace an entry's text; the old text is kept in the entry's history."""
    interview = db.session.get(Interview, entry.interview_id)
    ensure_runs(actor, interview)
    _ensure_editable(interview)
    if entry.retracted:
        raise Conflict("已撤回的记录不能更正。")
    body, reason = (body or "").strip(), (reason or "").strip()[:200]
    if (not body and entry.image_id is None) or len(body) > ENTRY_MAX:
        raise InvalidInput(f"请填写更正后的内容（不超过{ENTRY_MAX}字）。", fields={"body": "请填写内容"})
    if body == entry.body:
        raise InvalidInput("内容没有变化。", fields={"body": "内容没有变化"})
    _revise(entry, "corrected", body, reason, actor)
    entry.body = body
    entry.revision += 1
    entry.seq = _bump_seq(interview)
    audit.record("interview_entry.corrected", "interview_entry", entry.id, actor=actor, note=reason,
                 data={"interview": interview.id, "revision": entry.revision})
    db.session.flush()
    return entry


def retract_entry(entry: TranscriptEntry, *, reason: str, actor) -> TranscriptEntry:
    """Withdraw an entry from the public transcript; a question it answered is open again."""
    interview = db.session.get(Interview, entry.interview_id)
    ensure_runs(actor, interview)
    _ensure_editable(interview)
    if entry.retracted:
        raise Conflict("该记录已撤回。")
    reason = (reason or "").strip()[:200]
    if not reason:
        raise InvalidInput("请填写撤回原因。", fields={"reason": "请填写原因"})
    _revise(entry, "retracted", "", reason, actor)
    entry.status = EntryStatus.RETRACTED
    entry.pinned = False
    entry.seq = _bump_seq(interview)
    if entry.question is not None and not entry.question.answered_after:
        entry.question.answered_at = None
    audit.record("interview_entry.retracted", "interview_entry", entry.id, actor=actor, note=reason,
                 data={"interview": interview.id})
    db.session.flush()
    return entry


def set_pinned(entry: TranscriptEntry, pinned: bool, *, actor) -> TranscriptEntry:
    """Pin an entry at the top of the live page (one at a time) or unpin it."""
    interview = db.session.get(Interview, entry.interview_id)
    ensure_runs(actor, interview)
    _ensure_editable(interview)
    if entry.retracted:
        raise Conflict("已撤回的记录不能置顶。")
    if pinned:
        for other in db.session.scalars(sa.select(TranscriptEntry).where(
                TranscriptEntry.interview_id == interview.id, TranscriptEntry.pinned.is_(True),
                TranscriptEntry.id != entry.id)):
            other.pinned = False
            other.seq = _bump_seq(interview)
    if entry.pinned != pinned:
        entry.pinned = pinned
        entry.seq = _bump_seq(interview)
    audit.record("interview_entry.pinned" if pinned else "interview_entry.unpinned", "interview_entry",
                 entry.id, actor=actor, data={"interview": interview.id})
    db.session.flush()
    return entry


def transcript(interview: Interview, *, include_retracted: bool = False) -> list[TranscriptEntry]:
    """The transcript in order (range scan on (interview_id, id))."""
    stmt = (
        sa.select(TranscriptEntry)
        .where(TranscriptEntry.interview_id == interview.id)
        .options(joinedload(TranscriptEntry.question), joinedload(TranscriptEntry.image))
        .order_by(TranscriptEntry.id)
    )
    if not include_retracted:
        stmt = stmt.where(TranscriptEntry.status == EntryStatus.PUBLISHED)
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class FeedHead:
    """What a poll needs before reading any entry: public?, status and current revision."""

    interview_id: int
    status: InterviewStatus
    seq: int


def feed_head(interview_id: int) -> FeedHead:
    """One primary-key lookup of three columns (cheap enough for every poll)."""
    row = db.session.execute(
        sa.select(Interview.status, Interview.transcript_seq).where(Interview.id == interview_id)
    ).one_or_none()
    if row is None or row.status not in PUBLIC_STATUSES:
        raise NotFound("该访谈不存在或尚未发布。")
    return FeedHead(interview_id, row.status, row.transcript_seq)


@dataclass(frozen=True)
class FeedPage:
    entries: list[TranscriptEntry]
    #: Pass as ``after`` next time.
    cursor: int
    #: More changes are waiting (ask again at once).
    more: bool


def transcript_after_entry(interview_id: int, after_id: int, *, head_seq: int,
                           limit: int | None = None) -> FeedPage:
    """Published entries with an id above ``after_id``, in posting order: a range scan on
    (interview_id, id). The cursor is the current revision, for switching to
    :func:`transcript_changes` (which also reports corrections and retractions)."""
    limit = limit or FEED_LIMIT
    rows = list(db.session.scalars(
        sa.select(TranscriptEntry)
        .where(TranscriptEntry.interview_id == interview_id, TranscriptEntry.id > after_id,
               TranscriptEntry.status == EntryStatus.PUBLISHED)
        .options(joinedload(TranscriptEntry.question), joinedload(TranscriptEntry.image))
        .order_by(TranscriptEntry.id)
        .limit(limit + 1)
    ))
    more = len(rows) > limit
    return FeedPage(rows[:limit], head_seq, more)


def transcript_changes(interview_id: int, after: int, *, head_seq: int | None = None,
                       limit: int | None = None) -> FeedPage:
    """Entries created or changed after revision ``after`` (including retracted ones, so
    clients can remove them), ordered by revision: a range scan on (interview_id, seq)."""
    if head_seq is not None and after >= head_seq:
        # Nothing new (a cursor beyond the head resynchronises to the head).
        return FeedPage([], head_seq, False)
    limit = limit or FEED_LIMIT
    rows = list(db.session.scalars(
        sa.select(TranscriptEntry)
        .where(TranscriptEntry.interview_id == interview_id, TranscriptEntry.seq > after)
        .options(joinedload(TranscriptEntry.question), joinedload(TranscriptEntry.image))
        .order_by(TranscriptEntry.seq)
        .limit(limit + 1)
    ))
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        cursor = rows[-1].seq if more else max(rows[-1].seq, head_seq or 0)
    else:
        cursor = head_seq if head_seq is not None else after
    return FeedPage(rows, cursor, more)


def entry_history(entry: TranscriptEntry) -> list[EntryRevision]:
    return list(db.session.scalars(
        sa.select(EntryRevision).where(EntryRevision.entry_id == entry.id).order_by(EntryRevision.id)
    ))


# --------------------------------------------------------------------------- archive

def _check_video_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise InvalidInput("视频链接须以 http:// 或 https:// 开头。", fields={"video_url": "链接格式不正确"})
    return url


def public_summary_html(interview: Interview) -> Markup:
    """The archive's summary (访谈摘要) as published: sanitised, with the names the
    interview's public questions hide (the askers' and those they name) hidden too."""
    names = privacy.names_in((), summary_names(interview), html=(interview.summary,))
    return privacy.mask_html(interview.summary, names=names)


def _summary_names_key(interview: Interview) -> str:
    """What the names the questions hide depend on: the masking rules and the approved
    questions (their count, last id and last change; one aggregate on the interview's index)."""
    count, last_id, last_change = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(InterviewQuestion.id), sa.func.max(InterviewQuestion.updated_at))
        .where(InterviewQuestion.interview_id == interview.id, InterviewQuestion.status == QuestionStatus.APPROVED)
    ).one()
    return f"{maskversion.VERSION}:{count}:{last_id or 0}:{last_change.isoformat() if last_change else ''}"


def summary_names(interview: Interview) -> tuple[str, ...]:
    """The names every approved question of ``interview`` hides (``privacy.names_of``), as
    stored with the interview (:func:`store_summary_names`) while neither the questions nor the
    masking rules changed; gathered anew when stale (never stored here: whether a request may
    write is its view's decision)."""
    if _summary_names_fresh(interview, _summary_names_key(interview)):
        return tuple(interview.summary_names)
    return privacy.names_of(public_questions(interview))


def _summary_names_fresh(interview: Interview, key: str) -> bool:
    return interview.summary_names is not None and interview.summary_names_key == key


def store_summary_names(interview: Interview) -> bool:
    """Gather and store the names of :func:`summary_names` when they are stale: gathering them
    masks every question (2,000 questions: 3–11 s), which the first view of the summary after
    each restart of a worker paid (attack N6). A derived value, written outside the row's
    history (``updated_at`` kept, no event, no notice to the page store: no public page changes
    with it); flushed, not committed — a reader's view (``views.store_summary_names``) commits
    it. Returns whether it wrote."""
    key = _summary_names_key(interview)
    if _summary_names_fresh(interview, key):
        return False
    names = list(privacy.names_of(public_questions(interview)))
    db.session.execute(sa.update(Interview).where(Interview.id == interview.id).values(
        summary_names=names, summary_names_key=key, updated_at=Interview.updated_at))
    # (the loaded row as stored, without making it dirty: the next summary_names reads them)
    attributes.set_committed_value(interview, "summary_names", names)
    attributes.set_committed_value(interview, "summary_names_key", key)
    return True


def update_archive(interview: Interview, *, summary: str, video_url: str, actor,
                   video: FileStorage | None = None, remove_video: bool = False) -> Interview:
    """Summary, video (upload or link) of an ended or archived interview. Saved again
    unchanged (a double click, also at the same instant), it records no second event; a
    replaced or removed video takes its file along."""
    ensure_runs(actor, interview)
    atomic.lock(interview)
    if not interview.is_past:
        raise Conflict("访谈结束后才能编辑回顾内容。")
    interview.summary = clean_html(summary)
    interview.video_url = _check_video_url(video_url)
    previous_video = interview.video
    if video is not None and getattr(video, "filename", ""):
        interview.video = save_upload(video, kinds={"video"}, max_bytes=VIDEO_MAX_BYTES, public=True,
                                      uploaded_by=actor)
    elif remove_video:
        interview.video = None
    if not db.session.is_modified(interview):
        return interview
    db.session.flush()
    if interview.video is not previous_video:
        discard(previous_video)
    audit.record("interview.archive_updated", "interview", interview.id, actor=actor)
    return interview


def add_image(interview: Interview, upload: FileStorage | None, *, caption: str, actor,
              form_token: str | None = None) -> InterviewImage | None:
    """Add a picture to the interview's gallery.

    :param form_token: the upload form's one-time token: the form sent several times (a
        double click, also at the same instant) adds the picture once; a copy returns the
        picture the first copy added (``None`` if it was removed since).
    """
    ensure_runs(actor, interview)
    if not workflow.takes_images(interview):
        raise Conflict("请先发布访谈预告。")
    if upload is None or not getattr(upload, "filename", ""):
        raise InvalidInput("请选择图片。", fields={"image": "请选择图片"})
    stored, new = save_upload_once(upload, form_token=form_token, kinds={"image"}, public=True, uploaded_by=actor)
    if not new:
        return db.session.scalar(sa.select(InterviewImage).where(InterviewImage.file_id == stored.id))
    image = InterviewImage(interview_id=interview.id, file_id=stored.id, caption=(caption or "").strip()[:200],
                           sort_order=(len(interview.images) + 1) * 10)
    interview.images.append(image)
    db.session.flush()
    audit.record("interview.image_added", "interview", interview.id, actor=actor, note=image.caption)
    return image


def remove_image(interview: Interview, image_id: int, *, actor) -> None:
    ensure_runs(actor, interview)
    image = next((i for i in interview.images if i.id == image_id), None)
    if image is None:
        raise NotFound("该图片不存在。")
    atomic.serialize(f"interview-images:{interview.id}")  # 删除 clicked twice at once: removed once
    if db.session.scalar(sa.select(InterviewImage.id).where(InterviewImage.id == image.id)) is None:
        raise Conflict("该图片刚刚已被删除。")
    file = image.file
    interview.images.remove(image)
    audit.record("interview.image_removed", "interview", interview.id, actor=actor, note=image.caption)
    db.session.flush()
    discard(file)


def events_of(interview: Interview) -> list[InterviewEvent]:
    return list(db.session.scalars(
        sa.select(InterviewEvent).where(InterviewEvent.interview_id == interview.id)
        .order_by(InterviewEvent.occurred_at, InterviewEvent.id)
    ))


# --------------------------------------------------------------------------- listings

def _public_base():
    return sa.select(Interview).options(selectinload(Interview.guests), joinedload(Interview.department))


def live_interviews() -> list[Interview]:
    return list(db.session.scalars(_public_base().where(Interview.status == S.LIVE).order_by(Interview.scheduled_start)))


def upcoming_interviews() -> list[Interview]:
    return list(db.session.scalars(
        _public_base().where(Interview.status == S.ANNOUNCED).order_by(Interview.scheduled_start)
    ))


def past_interviews_stmt(department_id: int | None = None):
    stmt = _public_base().where(Interview.status.in_([S.ENDED, S.ARCHIVED]))
    if department_id:
        stmt = stmt.where(Interview.department_id == department_id)
    return stmt.order_by(Interview.scheduled_start.desc(), Interview.id.desc())


def public_list_stmt(state: str | None = None):
    """Public interviews; ``state`` is ``upcoming``, ``live``, ``past`` or None for all."""
    statuses = {
        "upcoming": [S.ANNOUNCED],
        "live": [S.LIVE],
        "past": [S.ENDED, S.ARCHIVED],
    }.get(state or "", list(PUBLIC_STATUSES))
    return _public_base().where(Interview.status.in_(statuses)).order_by(
        Interview.scheduled_start.desc(), Interview.id.desc()
    )


def featured_interview() -> Interview | None:
    """For the home page: the live interview, else the next announced one."""
    live = live_interviews()
    if live:
        return live[0]
    upcoming = upcoming_interviews()
    return upcoming[0] if upcoming else None


def staff_interviews_stmt(actor, status: InterviewStatus | None = None):
    """Interviews the actor runs: a handler's own department; office and admin all."""
    stmt = scope(sa.select(Interview).options(joinedload(Interview.department)), actor, Interview.department_id)
    if status is not None:
        stmt = stmt.where(Interview.status == status)
    return stmt.order_by(Interview.scheduled_start.desc(), Interview.id.desc())


# --------------------------------------------------------------------------- figures

def held_condition(start: date, end_inclusive: date):
    """Interviews counted in a period (Beijing dates, inclusive): announced or later
    (announced, live, ended or archived) and scheduled in it.

    The one rule for the yearly count (target ≥ 6), department performance and the reports.
    """
    low, high = periods.local_range(start, end_inclusive)
    return sa.and_(Interview.status.in_(PUBLIC_STATUSES), Interview.scheduled_start >= low,
                   Interview.scheduled_start < high)


def answered_question_condition():
    """A netizen question counted as answered: approved and answered live or afterwards."""
    Q = InterviewQuestion
    return sa.and_(Q.status == QuestionStatus.APPROVED, Q.answered_at.is_not(None))


def interviews_count(year: int) -> int:
    """Interviews held or scheduled in ``year`` (Beijing time) with a published
    announcement (announced, live, ended or archived): the yearly target is six."""
    return int(db.session.scalar(
        sa.select(sa.func.count(Interview.id)).where(held_condition(date(year, 1, 1), date(year, 12, 31)))
    ) or 0)


@dataclass
class InterviewCounts:
    """Figures of the interviews held in a period (:func:`held_condition`)."""

    interviews: int = 0
    #: Questions netizens sent (every submission, duplicates and rejected ones included).
    questions: int = 0
    #: Questions answered (:func:`answered_question_condition`).
    answered: int = 0

    def add(self, other: "InterviewCounts") -> None:
        self.interviews += other.interviews
        self.questions += other.questions
        self.answered += other.answered


def interview_counts(start: date, end: date) -> dict[int, InterviewCounts]:
    """``{department_id: InterviewCounts}`` for interviews held between ``start`` and ``end``
    (Beijing dates, inclusive)."""
    held = held_condition(start, end)
    result = {department_id: InterviewCounts(int(count)) for department_id, count in db.session.execute(
        sa.select(Interview.department_id, sa.func.count(Interview.id)).where(held).group_by(Interview.department_id)
    )}
    Q = InterviewQuestion
    for department_id, questions, answered in db.session.execute(
        sa.select(Interview.department_id, sa.func.count(Q.id),
                  sa.func.coalesce(sa.func.sum(sa.case((answered_question_condition(), 1), else_=0)), 0))
        .join(Interview, Interview.id == Q.interview_id).where(held).group_by(Interview.department_id)
    ):
        result[department_id].questions = int(questions)
        result[department_id].answered = int(answered)
    return result


def announced_late(start: date, end: date) -> list[Interview]:
    """Interviews held in the period whose announcement (访谈预告) was not published before
    the scheduled start."""
    return list(db.session.scalars(
        sa.select(Interview).options(joinedload(Interview.department))
        .where(held_condition(start, end),
               sa.or_(Interview.announced_at.is_(None), Interview.announced_at >= Interview.scheduled_start))
        .order_by(Interview.scheduled_start)
    ))


def held_questions(start: datetime, end: datetime) -> tuple[int, int]:
    """``(flagged, still pending)``: questions sent in ``[start, end)`` that hit the
    sensitive-word list, and how many of them still wait for moderation."""
    Q = InterviewQuestion
    row = db.session.execute(
        sa.select(sa.func.count(Q.id),
                  sa.func.coalesce(sa.func.sum(sa.case((Q.status == QuestionStatus.PENDING, 1), else_=0)), 0))
        .where(Q.created_at >= start, Q.created_at < end, Q.flagged.is_(True))
    ).one()
    return int(row[0]), int(row[1])


def unannounced_upcoming(days: int = 3) -> list[Interview]:
    """Interviews starting within ``days`` whose announcement is still unpublished (draft)."""
    now = clock.now()
    return list(db.session.scalars(
        sa.select(Interview)
        .options(joinedload(Interview.department))
        .where(
            Interview.status.in_(workflow.states_for("announce")),
            Interview.scheduled_start >= now,
            Interview.scheduled_start <= now + timedelta(days=days),
        )
        .order_by(Interview.scheduled_start)
    ))


def department_interviews(start: date, end: date) -> dict[int, int]:
    """Announced-or-later interviews per department scheduled between ``start`` and
    ``end`` (Beijing dates, inclusive)."""
    return {department_id: counts.interviews for department_id, counts in interview_counts(start, end).items()}


def pending_question_count(actor) -> int:
    """Questions waiting for moderation in the interviews the actor runs."""
    Q = InterviewQuestion
    stmt = sa.select(sa.func.count(Q.id)).join(Interview, Interview.id == Q.interview_id).where(
        Q.status == QuestionStatus.PENDING
    )
    return int(db.session.scalar(scope(stmt, actor, Interview.department_id)) or 0)


def upcoming_for(actor, days: int = 7) -> list[Interview]:
    """Announced or draft interviews the actor runs, starting within ``days``."""
    now = clock.now()
    stmt = sa.select(Interview).where(
        Interview.status.in_([S.DRAFT, S.ANNOUNCED]),
        Interview.scheduled_start >= now,
        Interview.scheduled_start <= now + timedelta(days=days),
    )
    return list(db.session.scalars(scope(stmt, actor, Interview.department_id).order_by(Interview.scheduled_start)))
