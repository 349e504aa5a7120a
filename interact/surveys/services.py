"""Rules of opinion collections: lifecycle, participation, moderation, adoption, feedback.

Services take typed arguments, check role and department scope, ``flush()`` but never
commit, record an audit event for every state change and raise ``DomainError``s with
Chinese messages. The office compliance dashboard calls :func:`feedback_due_soon`,
:func:`feedback_overdue`, :func:`collections_count` and :func:`department_collections`.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from werkzeug.datastructures import FileStorage

from interact.core import atomic, audit, clock, edits, periods, privacy, sensitive
from interact.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from interact.core.lookup import get_or_404
from interact.core.models import StoredFile
from interact.core.permissions import acts_for_every_department, ensure_department_scope, ensure_role, scope
from interact.core.privacy import mask_name, normalize_mobile
from interact.core.sanitize import clean_html
from interact.core.uploads import discard, save_upload_once
from interact.departments.models import Department
from interact.extensions import db
from interact.questionnaires import services as questionnaires
from interact.questionnaires.models import Response, ResponseChannel
from interact.surveys import workflow
from interact.surveys.deadlines import DUE_SOON_DAYS
from interact.surveys.models import (
    Adoption,
    Collection,
    CollectionAttachment,
    CollectionKind,
    CollectionPhase,
    CollectionStatus,
    Feedback,
    FeedbackStatus,
    ModerationStatus,
    Opinion,
)

OPINION_MAX = 2000
DOCUMENT_KINDS = {"pdf", "office", "image"}
MAX_ATTACHMENTS = 10
OWNER_TYPE = "collection"
STAFF_ROLES = ("handler", "office", "admin")


# --------------------------------------------------------------------------- lookups


def get_collection(collection_id: int) -> Collection:
    return get_or_404(Collection, collection_id, "该征集不存在。")


def get_public_collection(collection_id: int) -> Collection:
    """A collection the public may see (published); drafts and withdrawn ones are 404."""
    return get_or_404(Collection, collection_id, "该征集不存在或已撤下。",
                      where=lambda collection: collection.status is CollectionStatus.PUBLISHED)


def get_opinion(collection: Collection, opinion_id: int) -> Opinion:
    return get_or_404(Opinion, opinion_id, "该意见不存在。", where=lambda opinion: opinion.collection_id == collection.id)


def _collection_owner(collection_id: int) -> questionnaires.OwnerInfo | None:
    collection = db.session.get(Collection, collection_id)
    if collection is None:
        return None
    locked = None
    if not workflow.editable(collection):
        locked = ("征集已撤回，问卷不能再修改。" if collection.status is CollectionStatus.WITHDRAWN
                  else "征集已结束，问卷不能再修改。")
    return questionnaires.OwnerInfo(
        department_id=collection.department_id,
        label=f"民意征集：{collection.title}",
        back_endpoint="surveys.staff_detail",
        back_values={"collection_id": collection.id},
        locked_reason=locked,
    )


questionnaires.register_owner(OWNER_TYPE, _collection_owner)


# --------------------------------------------------------------------------- collections


@dataclass
class CollectionData:
    title: str
    summary: str
    body: str
    kind: CollectionKind
    starts_at: datetime
    ends_at: datetime
    department_id: int
    contact_email: str = ""
    contact_address: str = ""
    name_required: bool = False
    phone_required: bool = False
    show_opinions: bool = True


def _check_collection_data(data: CollectionData, actor) -> CollectionData:
    errors: dict[str, str] = {}
    data.title = (data.title or "").strip()
    data.summary = (data.summary or "").strip()
    data.contact_email = (data.contact_email or "").strip()
    data.contact_address = (data.contact_address or "").strip()
    data.body = clean_html(data.body)
    if not data.title:
        errors["title"] = "请填写征集标题"
    elif len(data.title) > 200:
        errors["title"] = "标题不超过200字"
    if len(data.summary) > 500:
        errors["summary"] = "摘要不超过500字"
    if len(data.contact_email) > 120 or (data.contact_email and "@" not in data.contact_email):
        errors["contact_email"] = "请填写有效的电子邮箱"
    if len(data.contact_address) > 200:
        errors["contact_address"] = "通信地址不超过200字"
    if data.starts_at is None or data.ends_at is None:
        errors["ends_at"] = "请填写开始和结束时间"
    elif not (2000 <= data.starts_at.year <= 2100 and 2000 <= data.ends_at.year <= 2100):
        errors["ends_at"] = "请填写 2000–2100 年之间的时间"
    elif data.ends_at <= data.starts_at:
        errors["ends_at"] = "结束时间必须晚于开始时间"
    elif data.ends_at - data.starts_at > timedelta(days=366):
        errors["ends_at"] = "征集期不超过一年"
    department = db.session.get(Department, data.department_id) if data.department_id else None
    if department is None or not department.active:
        errors["department_id"] = "请选择有效的部门"
    if errors:
        raise InvalidInput("征集信息有误，请按提示修改。", fields=errors)
    ensure_department_scope(actor, data.department_id)
    return data


def create_collection(data: CollectionData, *, actor, form_token: str | None = None) -> Collection:
    """A handler creates a draft for their own department; the office for any department.

    :param form_token: the one-time token of the 新建征集 form. One form sent several times
        (a double click, also at the same instant) is one draft: the copies get the draft
        the first one created (:func:`interact.core.atomic.create_once`).
    """
    ensure_role(actor, *STAFF_ROLES)

    def make(token: str | None) -> Collection:
        checked = _check_collection_data(data, actor)
        return Collection(
            department_id=checked.department_id, title=checked.title, summary=checked.summary, body=checked.body,
            kind=checked.kind, starts_at=checked.starts_at, ends_at=checked.ends_at,
            contact_email=checked.contact_email, contact_address=checked.contact_address,
            name_required=checked.name_required, phone_required=checked.phone_required,
            show_opinions=checked.show_opinions, created_by_id=actor.id, form_token=token,
        )

    collection, created = atomic.create_once(Collection, atomic.form_token(form_token), actor, make)
    if created:
        _ensure_questionnaire(collection, actor)
        audit.record("collection.created", "collection", collection.id, actor=actor, note=collection.title)
    return collection


def _ensure_questionnaire(collection: Collection, actor) -> None:
    if collection.has_questionnaire and collection.questionnaire is None:
        collection.questionnaire = questionnaires.create_questionnaire(
            OWNER_TYPE, collection.id, title=collection.title, actor=actor
        )
        db.session.flush()


def ensure_staff_scope(collection: Collection, actor) -> None:
    ensure_role(actor, *STAFF_ROLES)
    ensure_department_scope(actor, collection.department_id)


#: What the edit form of a collection edits.
EDITED = ("title", "summary", "body", "kind", "starts_at", "ends_at", "contact_email", "contact_address",
          "name_required", "phone_required", "show_opinions", "department_id")


def _edited(collection: Collection) -> dict:
    return {name: getattr(collection, name) for name in EDITED}


def edit_version(collection: Collection) -> str:
    """The version of what the edit form edits (``core.edits``)."""
    return edits.version_of(_edited(collection))


def update_collection(collection: Collection, data: CollectionData, *, actor,
                      shown_version: str | None = None) -> Collection:
    """Save the edit form; the form saved again unchanged (a double click on 保存, also at
    the same instant) records no second event.

    :param shown_version: :func:`edit_version` of the collection when the form was opened.
    :raises Conflict: the collection was changed since (another tab) and this save would
        change it again."""
    ensure_staff_scope(collection, actor)
    atomic.lock(collection)
    if not workflow.editable(collection):
        raise Conflict("征集已撤回，不能再修改。" if collection.status is CollectionStatus.WITHDRAWN
                       else "征集已结束，不能再修改征集信息。")
    if data.department_id != collection.department_id and not acts_for_every_department(actor):
        raise PermissionDenied("只有办公室可以更改征集的主办部门。")
    data = _check_collection_data(data, actor)
    if collection.has_questionnaire and data.kind is CollectionKind.OPINIONS and collection.questionnaire \
            and questionnaires.response_count(collection.questionnaire):
        raise Conflict("问卷已收到答卷，不能取消问卷调查。", fields={"kind": "已有答卷"})
    if collection.accepts_opinions and data.kind is CollectionKind.QUESTIONNAIRE and _opinion_count(collection):
        raise Conflict("已收到意见，不能取消意见征集。", fields={"kind": "已有意见"})
    before = {"starts_at": clock.to_local(collection.starts_at).isoformat(),
              "ends_at": clock.to_local(collection.ends_at).isoformat()}
    edited_before = _edited(collection)
    for name in EDITED:
        setattr(collection, name, getattr(data, name))
    edits.ensure_unchanged_since(shown_version, edited_before, _edited(collection), what="该征集")
    if not db.session.is_modified(collection):
        return collection
    db.session.flush()
    _ensure_questionnaire(collection, actor)
    audit.record("collection.updated", "collection", collection.id, actor=actor, note=collection.title,
                 data={"before": before})
    return collection


def _opinion_count(collection: Collection) -> int:
    return db.session.scalar(db.select(db.func.count(Opinion.id)).where(Opinion.collection_id == collection.id)) or 0


def _ensure_documents_editable(collection: Collection, actor) -> None:
    ensure_staff_scope(collection, actor)
    if not workflow.editable(collection):
        raise Conflict("征集已结束或已撤回，不能再更改文件。")


def _documents_lock(collection: Collection) -> str:
    """The named lock under which a collection's documents are replaced, added or removed."""
    return f"collection.documents:{collection.id}"


def set_draft_document(collection: Collection, upload: FileStorage, *, actor, form_token: str | None = None) -> bool:
    """Attach the draft document (征求意见稿), replacing an earlier one, whose file is
    deleted with it.

    :param form_token: the upload form's one-time token: the form sent several times (a
        double click, also at the same instant) stores the file once and records one event.
    :returns: ``False`` for a copy of a form already carried out (nothing changed).
    """
    _ensure_documents_editable(collection, actor)
    stored, new = save_upload_once(upload, form_token=form_token, kinds=DOCUMENT_KINDS, public=True,
                                   uploaded_by=actor)
    if not new:
        return False
    atomic.serialize(_documents_lock(collection))  # two forms at once: the later replaces the earlier's file
    previous_id = db.session.scalar(sa.select(Collection.draft_file_id).where(Collection.id == collection.id))
    collection.draft_file = stored
    db.session.flush()
    if previous_id is not None:
        discard(db.session.get(StoredFile, previous_id))
    audit.record("collection.draft_document_set", "collection", collection.id, actor=actor,
                 note=stored.original_name)
    return True


def remove_draft_document(collection: Collection, *, actor) -> None:
    _ensure_documents_editable(collection, actor)
    previous = collection.draft_file
    if previous is None:
        raise NotFound("没有可删除的征求意见稿。")
    if not atomic.compare_and_set(Collection, collection.id, {"draft_file_id": previous.id}, {"draft_file_id": None}):
        raise Conflict("征求意见稿刚刚已被更改，请刷新页面后查看。")
    audit.record("collection.draft_document_removed", "collection", collection.id, actor=actor,
                 note=previous.original_name)
    collection.draft_file = None
    db.session.flush()
    discard(previous)


def add_attachment(collection: Collection, upload: FileStorage, label: str = "", *, actor,
                   form_token: str | None = None) -> CollectionAttachment | None:
    """Add an attachment. ``form_token``: as for :func:`set_draft_document`; a copy of a
    form already carried out returns the attachment the first copy added (``None`` if it
    was removed since)."""
    _ensure_documents_editable(collection, actor)
    label = (label or "").strip()
    if len(label) > 200:
        raise InvalidInput("附件名称不超过200字。", fields={"label": "不超过200字"})
    if len(collection.attachments) >= MAX_ATTACHMENTS:
        raise Conflict(f"附件最多{MAX_ATTACHMENTS}个。")
    stored, new = save_upload_once(upload, form_token=form_token, kinds=DOCUMENT_KINDS, public=True,
                                   uploaded_by=actor)
    if not new:
        return db.session.scalar(sa.select(CollectionAttachment).where(CollectionAttachment.file_id == stored.id))
    atomic.serialize(_documents_lock(collection))
    count = db.session.scalar(sa.select(sa.func.count(CollectionAttachment.id))
                              .where(CollectionAttachment.collection_id == collection.id))
    if count >= MAX_ATTACHMENTS:  # other forms added theirs meanwhile
        raise Conflict(f"附件最多{MAX_ATTACHMENTS}个。")
    attachment = CollectionAttachment(file=stored, label=label or stored.original_name)
    collection.attachments.append(attachment)
    db.session.flush()
    audit.record("collection.attachment_added", "collection", collection.id, actor=actor, note=attachment.label)
    return attachment


def remove_attachment(collection: Collection, attachment_id: int, *, actor) -> None:
    _ensure_documents_editable(collection, actor)
    attachment = next((a for a in collection.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NotFound("该附件不存在。")
    atomic.serialize(_documents_lock(collection))
    if db.session.scalar(sa.select(CollectionAttachment.id).where(CollectionAttachment.id == attachment.id)) is None:
        raise Conflict("该附件刚刚已被删除。")  # a second click of 删除, sent at the same instant
    audit.record("collection.attachment_removed", "collection", collection.id, actor=actor, note=attachment.label)
    file = attachment.file
    collection.attachments.remove(attachment)
    db.session.flush()
    discard(file)


# ---- lifecycle: see workflow.py (state table, transition(), actions()) -------------------------

audit.register_actions({
    "collection.created": "创建征集", "collection.updated": "修改征集", "collection.submitted": "提交发布",
    "collection.published": "发布征集", "collection.withdrawn": "撤下征集", "collection.returned": "退回修改",
    "collection.attachment_added": "添加附件", "collection.attachment_removed": "删除附件",
    "collection.draft_document_set": "上传征求意见稿", "collection.draft_document_removed": "删除征求意见稿",
    "collection.exported": "导出意见", "opinion.submitted": "收到意见", "opinion.approved": "意见审核通过", "opinion.rejected": "意见不予采用",
    "opinion.adoption_recorded": "记录采纳情况", "feedback.saved": "保存结果反馈", "feedback.submitted": "提交结果反馈",
    "feedback.returned": "退回结果反馈", "feedback.published": "发布结果反馈",
}, targets={"collection": "民意征集", "opinion": "意见", "feedback": "结果反馈"})


def ensure_open(collection: Collection) -> None:
    """Submissions are accepted only between start and end (server-side check).

    :raises NotFound: not published; :raises PermissionDenied: not started yet (403);
    :raises Conflict: already ended (409).
    """
    if collection.status is not CollectionStatus.PUBLISHED:
        raise NotFound("该征集不存在或已撤下。")
    now = clock.now()
    if now < collection.starts_at:
        raise PermissionDenied(
            f"本次征集尚未开始，将于 {clock.to_local(collection.starts_at):%Y年%m月%d日 %H:%M} 开始，届时欢迎参与。"
        )
    if now >= collection.ends_at:
        raise Conflict(
            f"本次征集已于 {clock.to_local(collection.ends_at):%Y年%m月%d日 %H:%M} 结束，不再接受意见和答卷。"
            + feedback_sentence(collection)
        )


def feedback_sentence(collection: Collection) -> str:
    """What the public is told about the result feedback of an ended collection — one
    sentence per phase, so an overdue collection never promises a date already past."""
    due = f"{collection.feedback_due_date:%Y年%m月%d日}"
    phase = collection.phase
    if phase is CollectionPhase.DONE:
        return "结果反馈已公布。"
    if phase is CollectionPhase.OVERDUE:
        return f"结果反馈应于 {due} 前公布，目前已逾期，正在督办。"
    return f"结果反馈将于 {due} 前公布。"


# --------------------------------------------------------------------------- participation


@dataclass
class OpinionData:
    content: str
    name: str = ""
    phone: str = ""
    user_id: int | None = None
    channel: str = "web"


def submit_opinion(collection: Collection, data: OpinionData) -> Opinion:
    """Store a citizen's opinion, held for moderation; sensitive-word hits are flagged.

    :raises InvalidInput: field errors (Chinese), or text containing a blocked word.
    """
    ensure_open(collection)
    if not collection.accepts_opinions:
        raise Conflict("本次征集只开展问卷调查，不接受文字意见。")
    errors: dict[str, str] = {}
    content = (data.content or "").replace("\r\n", "\n").strip()
    name = (data.name or "").strip()
    phone = (data.phone or "").strip()
    if not content:
        errors["content"] = "请填写您的意见或建议"
    elif len(content) > OPINION_MAX:
        errors["content"] = f"意见不超过{OPINION_MAX}字（当前{len(content)}字）"
    if len(name) > 40:
        errors["name"] = "姓名不超过40字"
    elif collection.name_required and not name:
        errors["name"] = "本次征集需要填写姓名"
    mobile = normalize_mobile(phone) if phone else None
    if phone and mobile is None:
        errors["phone"] = "请填写11位手机号码"
    elif collection.phone_required and not phone:
        errors["phone"] = "本次征集需要填写手机号码，以便联系核实"
    if errors:
        raise InvalidInput("提交内容有误，请按提示修改。", fields=errors)
    scan = sensitive.scan(content, name)
    if scan.blocked:
        raise InvalidInput("内容包含不允许发布的词语，请修改后再提交。", fields={"content": "包含不允许发布的词语"})
    opinion = Opinion(
        collection_id=collection.id, content=content, name=name, phone=mobile or "", user_id=data.user_id,
        channel=data.channel[:8], flagged_words=scan.words or None,
    )
    db.session.add(opinion)
    db.session.flush()
    audit.record("opinion.submitted", "collection", collection.id,
                 data={"opinion_id": opinion.id, "flagged": bool(scan.words), "channel": opinion.channel})
    return opinion


def response_refusal(collection: Collection, *, device_token: str | None, user_id: int | None) -> str | None:
    """The message for a visitor who already answered this collection's questionnaire
    (from this browser or account), so the page says so instead of showing the form."""
    questionnaire = collection.questionnaire
    if questionnaire is None:
        return None
    device_hash = questionnaires.respondent_hash(questionnaire.id, "device", device_token) if device_token else None
    return questionnaires.answered_message(questionnaire, device_hash=device_hash, user_id=user_id)


def submit_response(
    collection: Collection,
    raw_answers: Mapping[str, Sequence[str] | str],
    *,
    device_token: str | None,
    phone: str | None = None,
    user_id: int | None = None,
    channel: ResponseChannel = ResponseChannel.WEB,
    require_phone: bool = False,
) -> Response:
    """Validate and store a questionnaire response under the one-response rule.

    One response per browser (signed cookie token), per mobile number (when a phone is
    required: by the collection, or always through the API) and per citizen account.
    """
    ensure_open(collection)
    if not collection.has_questionnaire or collection.questionnaire is None:
        raise Conflict("本次征集没有问卷。")
    questionnaire = collection.questionnaire
    phone_errors: dict[str, str] = {}
    mobile = None
    if collection.phone_required or require_phone:
        mobile = normalize_mobile(phone)
        if not (phone or "").strip():
            phone_errors["phone"] = "请填写手机号码（每个手机号只能提交一次）"
        elif mobile is None:
            phone_errors["phone"] = "请填写11位手机号码"
    try:
        answers = questionnaires.validate_answers(questionnaire, raw_answers)
    except InvalidInput as error:
        error.fields = {**phone_errors, **error.fields}
        raise
    if phone_errors:
        raise InvalidInput("提交内容有误，请按提示修改。", fields=phone_errors)
    return questionnaires.record_response(
        questionnaire, answers,
        device_hash=questionnaires.respondent_hash(questionnaire.id, "device", device_token) if device_token else None,
        phone_hash=questionnaires.respondent_hash(questionnaire.id, "phone", mobile) if mobile else None,
        user_id=user_id, channel=channel,
    )


# --------------------------------------------------------------------------- moderation, adoption


def moderate_opinion(opinion: Opinion, approve: bool, note: str = "", *, actor) -> None:
    """Approve (public if the collection lists opinions) or reject an opinion as invalid."""
    collection = opinion.collection
    ensure_staff_scope(collection, actor)
    if workflow.feedback_locked(collection):
        raise Conflict("结果反馈已提交审核或已发布，意见审核结果不能再更改。")
    note = (note or "").strip()
    if len(note) > 500:
        raise InvalidInput("说明不超过500字。", fields={"note": "不超过500字"})
    opinion.moderation = ModerationStatus.APPROVED if approve else ModerationStatus.REJECTED
    opinion.moderated_at = clock.now()
    opinion.moderated_by_id = actor.id
    opinion.moderation_note = note
    if not approve:
        opinion.adoption, opinion.adoption_reason = None, ""
    db.session.flush()
    audit.record("opinion.approved" if approve else "opinion.rejected", "collection", collection.id, actor=actor,
                 note=note, data={"opinion_id": opinion.id})


def record_adoption(opinion: Opinion, adoption: Adoption, reason: str = "", *, actor) -> None:
    """After the end, the owner records 采纳 / 部分采纳 / 未采纳 (the last two with a reason)."""
    collection = opinion.collection
    ensure_staff_scope(collection, actor)
    if not workflow.ended_and_public(collection):
        raise Conflict("征集结束后才能登记意见采纳情况。")
    if workflow.feedback_locked(collection):
        raise Conflict("结果反馈已提交审核或已发布，采纳情况不能再更改。")
    if opinion.moderation is not ModerationStatus.APPROVED:
        raise Conflict("请先审核通过该意见，再登记采纳情况。")
    reason = (reason or "").strip()
    if adoption in (Adoption.PARTLY, Adoption.NOT_ADOPTED) and not reason:
        raise InvalidInput("部分采纳或未采纳时，必须填写理由。", fields={"reason": "请填写理由"})
    if len(reason) > 1000:
        raise InvalidInput("理由不超过1000字。", fields={"reason": "不超过1000字"})
    opinion.adoption = adoption
    opinion.adoption_reason = reason
    opinion.adopted_at = clock.now()
    opinion.adopted_by_id = actor.id
    db.session.flush()
    audit.record("opinion.adoption_recorded", "collection", collection.id, actor=actor, note=reason[:200],
                 data={"opinion_id": opinion.id, "adoption": adoption.value})


@dataclass(frozen=True)
class AdoptionStats:
    received: int
    valid: int
    rejected: int
    pending: int
    adopted: int
    partly: int
    not_adopted: int
    unrecorded: int
    respondents: int

    @staticmethod
    def _rate(count: int, total: int) -> float:
        return round(count * 100.0 / total, 1) if total else 0.0

    @property
    def adopted_rate(self) -> float:
        return self._rate(self.adopted, self.valid)

    @property
    def partly_rate(self) -> float:
        return self._rate(self.partly, self.valid)

    @property
    def not_adopted_rate(self) -> float:
        return self._rate(self.not_adopted, self.valid)

    @property
    def adoption_rate(self) -> float:
        """Adopted fully or partly, as a share of valid opinions."""
        return self._rate(self.adopted + self.partly, self.valid)


def adoption_stats(collection: Collection) -> AdoptionStats:
    rows = db.session.execute(
        db.select(Opinion.moderation, Opinion.adoption, db.func.count(Opinion.id))
        .where(Opinion.collection_id == collection.id)
        .group_by(Opinion.moderation, Opinion.adoption)
    ).all()
    counts = {ModerationStatus.PENDING: 0, ModerationStatus.APPROVED: 0, ModerationStatus.REJECTED: 0}
    adoption: dict[Adoption | None, int] = {}
    for moderation, adopted, count in rows:
        counts[moderation] += count
        if moderation is ModerationStatus.APPROVED:
            adoption[adopted] = adoption.get(adopted, 0) + count
    respondents = questionnaires.response_count(collection.questionnaire) if collection.questionnaire else 0
    return AdoptionStats(
        received=sum(counts.values()), valid=counts[ModerationStatus.APPROVED],
        rejected=counts[ModerationStatus.REJECTED], pending=counts[ModerationStatus.PENDING],
        adopted=adoption.get(Adoption.ADOPTED, 0), partly=adoption.get(Adoption.PARTLY, 0),
        not_adopted=adoption.get(Adoption.NOT_ADOPTED, 0), unrecorded=adoption.get(None, 0),
        respondents=respondents,
    )


def _not_adopted_stmt(collection: Collection):
    # Partly adopted first, then not adopted; submission order within each.
    return (db.select(Opinion)
            .where(Opinion.collection_id == collection.id, Opinion.moderation == ModerationStatus.APPROVED,
                   Opinion.adoption.in_([Adoption.PARTLY, Adoption.NOT_ADOPTED]))
            .order_by(sa.case((Opinion.adoption == Adoption.NOT_ADOPTED, 1), else_=0), Opinion.id))


def _reason(opinion: Opinion) -> dict:
    return {"adoption": opinion.adoption, "label": opinion.adoption_label, "content": opinion.public_content,
            "reason": opinion.public_reason}


def not_adopted_opinions(collection: Collection) -> list[dict]:
    """Partly and not adopted opinions with their reasons, for the public feedback.

    The opinion text is masked (phone numbers, IDs, e-mails) and no name is given. Every one
    of them, each masked: the pages show :func:`not_adopted_page` instead.
    """
    return [_reason(o) for o in db.session.scalars(_not_adopted_stmt(collection))]


#: Reasons of partly/not adopted opinions per page of the results and feedback pages: all of
#: them on one page cost 5.4 s of a cold worker at 1,410 opinions (each text masked at every
#: view), as the opinions did before they came a page at a time (attack P6).
REASONS_PER_PAGE = 30


def not_adopted_page(collection: Collection, page: int, per_page: int | None = None):
    """Page ``page`` of :func:`not_adopted_opinions` (``per_page`` default
    :data:`REASONS_PER_PAGE`) as a Flask-SQLAlchemy pagination whose ``items`` are its
    dicts — only that page's texts are masked."""
    per_page = per_page or REASONS_PER_PAGE
    found = db.paginate(_not_adopted_stmt(collection), page=page, per_page=per_page, error_out=False,
                        max_per_page=per_page)
    found.items = [_reason(o) for o in found.items]
    return found


@dataclass(frozen=True)
class PublicFeedbackText:
    summary_html: Markup
    not_adopted_explanation_html: Markup


#: How many collections' opinion names a process keeps (see :func:`_opinion_names`).
_OPINION_NAMES_KEPT = 32


def _opinion_names(collection: Collection) -> tuple[str, ...]:
    """The names hidden in the collection's approved opinions (``privacy.names_of``),
    gathered again only when those opinions changed: one more approved, one withdrawn, an
    adoption reason edited (their count, last id, last moderation and adoption times and
    the length of their texts: one aggregate on the collection's index). Gathering them
    masks every opinion; at 2,116 opinions that was 3.5-4 s of CPU at each view of the
    results page and the API once the feedback was published, since the masking memo
    (``privacy.MEMO_SIZE``) cannot hold them (attack P6). Kept per application (each
    worker process has its own) for the last few collections."""
    approved = sa.and_(Opinion.collection_id == collection.id, Opinion.moderation == ModerationStatus.APPROVED)
    state = tuple(db.session.execute(
        sa.select(sa.func.count(), sa.func.max(Opinion.id), sa.func.max(Opinion.moderated_at),
                  sa.func.max(Opinion.adopted_at),
                  sa.func.sum(sa.func.length(Opinion.content) + sa.func.length(Opinion.adoption_reason)
                              + sa.func.length(Opinion.name))).where(approved)).one())
    memo: OrderedDict = current_app.extensions.setdefault("surveys.opinion_names", OrderedDict())
    kept = memo.get(collection.id)
    if kept is not None and kept[0] == state:
        memo.move_to_end(collection.id)
        return kept[1]
    names = privacy.names_of(db.session.scalars(sa.select(Opinion).where(approved)))
    memo[collection.id] = (state, names)
    while len(memo) > _OPINION_NAMES_KEPT:
        memo.popitem(last=False)
    return names


def public_feedback_text(collection: Collection) -> PublicFeedbackText:
    """The department's texts of the result feedback as published: sanitised, with the
    names of the collection's approved opinions hidden as well as what the patterns find
    (a summary quoting 市民柏秀兰建议…… hides her as the opinion list does)."""
    feedback = collection.feedback
    names = privacy.names_in((), _opinion_names(collection),
                             html=(feedback.summary, feedback.not_adopted_explanation))
    return PublicFeedbackText(privacy.mask_html(feedback.summary, names=names),
                              privacy.mask_html(feedback.not_adopted_explanation, names=names))


# --------------------------------------------------------------------------- result feedback


def feedback_problems(collection: Collection) -> list[str]:
    """What still blocks submitting the feedback for review (empty when ready)."""
    problems = []
    if collection.status is not CollectionStatus.PUBLISHED:
        problems.append("征集未发布")
    elif not collection.has_ended:
        problems.append("征集尚未结束")
    stats = adoption_stats(collection)
    if stats.pending:
        problems.append(f"还有 {stats.pending} 条意见未审核")
    if stats.unrecorded:
        problems.append(f"还有 {stats.unrecorded} 条意见未登记采纳情况")
    feedback = collection.feedback
    if feedback is None or not feedback.summary.strip():
        problems.append("请填写结果综述")
    return problems


def save_feedback(collection: Collection, summary: str, not_adopted_explanation: str, *, actor) -> Feedback:
    """The owner drafts (or revises after a return) the result feedback."""
    ensure_staff_scope(collection, actor)
    if not workflow.ended_and_public(collection):
        raise Conflict("征集结束后才能撰写结果反馈。")
    feedback = collection.feedback
    if feedback is None:
        feedback = Feedback(collection=collection)
        db.session.add(feedback)
    elif feedback.status in (FeedbackStatus.SUBMITTED, FeedbackStatus.PUBLISHED):
        raise Conflict(f"结果反馈{feedback.status_label}，不能再修改。")
    summary, explanation = clean_html(summary), clean_html(not_adopted_explanation)
    if len(summary) > 20000 or len(explanation) > 20000:
        raise InvalidInput("内容过长，请精简。")
    feedback.summary, feedback.not_adopted_explanation = summary, explanation
    db.session.flush()
    audit.record("feedback.saved", "collection", collection.id, actor=actor)
    return feedback


def submit_feedback(collection: Collection, *, actor) -> Feedback:
    ensure_staff_scope(collection, actor)
    feedback = collection.feedback
    if feedback is None or feedback.status not in (FeedbackStatus.DRAFT, FeedbackStatus.RETURNED):
        raise InvalidTransition("结果反馈当前不能提交审核。")
    problems = feedback_problems(collection)
    if problems:
        raise Conflict("暂不能提交：" + "；".join(problems) + "。")
    feedback.status = FeedbackStatus.SUBMITTED
    feedback.submitted_at = clock.now()
    feedback.submitted_by_id = actor.id
    db.session.flush()
    audit.record("feedback.submitted", "collection", collection.id, actor=actor)
    return feedback


def return_feedback(collection: Collection, note: str, *, actor) -> Feedback:
    ensure_role(actor, "office", "admin")
    feedback = collection.feedback
    if feedback is None or feedback.status is not FeedbackStatus.SUBMITTED:
        raise InvalidTransition("只有待审核的结果反馈可以退回。")
    note = (note or "").strip()
    if not note:
        raise InvalidInput("请填写退回意见。", fields={"note": "请填写退回意见"})
    if len(note) > 1000:
        raise InvalidInput("退回意见不超过1000字。", fields={"note": "不超过1000字"})
    feedback.status = FeedbackStatus.RETURNED
    feedback.review_note = note
    db.session.flush()
    audit.record("feedback.returned", "collection", collection.id, actor=actor, note=note)
    return feedback


def publish_feedback(collection: Collection, *, actor) -> Feedback:
    """The office publishes; whether it met the one-month deadline is recorded for good."""
    ensure_role(actor, "office", "admin")
    feedback = collection.feedback
    if feedback is None or feedback.status is not FeedbackStatus.SUBMITTED:
        raise InvalidTransition("只有待审核的结果反馈可以发布。")
    problems = feedback_problems(collection)
    if problems:
        raise Conflict("暂不能发布：" + "；".join(problems) + "。")
    now = clock.now()
    feedback.status = FeedbackStatus.PUBLISHED
    feedback.published_at = now
    feedback.published_by_id = actor.id
    feedback.review_note = ""
    collection.feedback_published_at = now
    collection.feedback_on_time = now <= collection.feedback_due_at
    db.session.flush()
    audit.record("feedback.published", "collection", collection.id, actor=actor,
                 note="按期发布" if collection.feedback_on_time else "逾期发布",
                 data={"on_time": collection.feedback_on_time,
                       "due": collection.feedback_due_date.isoformat()})
    return feedback


# --------------------------------------------------------------------------- queries for pages

#: The phases the public list filters by (value → label).
PUBLIC_PHASES = {phase.value: phase.label for phase in (
    CollectionPhase.OPEN, CollectionPhase.UPCOMING, CollectionPhase.AWAITING, CollectionPhase.DONE)}


def public_collections_query(phase: str | None = None):
    stmt = db.select(Collection).where(Collection.status == CollectionStatus.PUBLISHED)
    if phase == "open":
        stmt = stmt.where(Collection.is_open).order_by(Collection.ends_at)
    elif phase == "upcoming":
        stmt = stmt.where(Collection.is_upcoming).order_by(Collection.starts_at)
    elif phase == "awaiting":
        stmt = stmt.where(Collection.awaiting_feedback).order_by(Collection.ends_at.desc())
    elif phase == "done":
        stmt = stmt.where(Collection.feedback_published_at.is_not(None)).order_by(
            Collection.feedback_published_at.desc())
    else:
        stmt = stmt.order_by(Collection.starts_at.desc(), Collection.id.desc())
    return stmt


def open_collections(limit: int = 5) -> list[Collection]:
    return list(db.session.scalars(public_collections_query("open").limit(limit)))


def staff_collections_query(user, phase: str | None = None):
    stmt = scope(db.select(Collection), user, Collection.department_id)
    if phase == "draft":
        stmt = stmt.where(Collection.status.in_([CollectionStatus.DRAFT, CollectionStatus.SUBMITTED]))
    elif phase == "open":
        stmt = stmt.where(Collection.is_open)
    elif phase == "awaiting":
        stmt = stmt.where(Collection.awaiting_feedback)
    elif phase == "overdue":
        stmt = stmt.where(Collection.feedback_overdue)
    elif phase == "review":
        stmt = stmt.where(workflow.awaiting("review_feedback"))
    return stmt.order_by(Collection.created_at.desc(), Collection.id.desc())


@dataclass(frozen=True)
class PublicOpinion:
    """What the public sees of an approved opinion: masked name, masked text, adoption."""

    id: int
    author: str
    content: str
    submitted_at: datetime
    adoption: Adoption | None
    adoption_label: str | None


def _public_opinions_stmt(collection: Collection):
    return (db.select(Opinion)
            .where(Opinion.collection_id == collection.id, Opinion.moderation == ModerationStatus.APPROVED)
            .order_by(Opinion.submitted_at.desc(), Opinion.id.desc()))


def _public_opinion(opinion: Opinion, published: bool) -> PublicOpinion:
    # Adoption decisions become public with the result feedback, not before.
    return PublicOpinion(opinion.id, mask_name(opinion.name), opinion.public_content, opinion.submitted_at,
                         opinion.adoption if published else None,
                         opinion.adoption_label if opinion.adoption and published else None)


#: Approved opinions per page of the collection's public page: a popular collection gets
#: thousands, and one page of all of them cost 15-30 s of a worker per view (attack P6:
#: 2,115 opinions, 1.1 MB, each masked again on every view once the masking memo overflows).
OPINIONS_PER_PAGE = 30


def public_opinions_page(collection: Collection, page: int, per_page: int | None = None):
    """Page ``page`` of the approved opinions (newest first) as a Flask-SQLAlchemy pagination
    whose ``items`` are :class:`PublicOpinion` — only that page's opinions are masked; none
    when the collection does not list its opinions."""
    per_page = per_page or OPINIONS_PER_PAGE
    stmt = _public_opinions_stmt(collection)
    if not collection.show_opinions:
        stmt = stmt.where(sa.false())
    found = db.paginate(stmt, page=page, per_page=per_page, error_out=False, max_per_page=per_page)
    published = collection.feedback_published_at is not None
    found.items = [_public_opinion(o, published) for o in found.items]
    return found


def staff_opinions(collection: Collection, moderation: ModerationStatus | None = None) -> list[Opinion]:
    stmt = db.select(Opinion).where(Opinion.collection_id == collection.id)
    if moderation is not None:
        stmt = stmt.where(Opinion.moderation == moderation)
    return list(db.session.scalars(stmt.order_by(Opinion.submitted_at, Opinion.id)))


def user_opinions(user) -> list[Opinion]:
    return list(db.session.scalars(
        db.select(Opinion).where(Opinion.user_id == user.id).order_by(Opinion.submitted_at.desc())
    ))


def pending_opinion_count(user) -> int:
    stmt = (db.select(db.func.count(Opinion.id)).join(Collection)
            .where(Opinion.moderation == ModerationStatus.PENDING))
    return db.session.scalar(scope(stmt, user, Collection.department_id)) or 0


# --------------------------------------------------------------------------- compliance (office dashboard)


def feedback_due_within(days: int):
    """SQL condition: the feedback is not published yet and falls due between now and the
    end of the day ``days`` days from today (Beijing) — the dashboard's list and the
    owner's reminders alike."""
    limit = clock.end_of_local_day(clock.today() + timedelta(days=days))
    return db.and_(Collection.awaiting_feedback, Collection.feedback_due_at >= clock.now(),
                   Collection.feedback_due_at <= limit)


def feedback_due_soon(days: int = DUE_SOON_DAYS) -> list[Collection]:
    """Ended collections whose feedback is due within ``days`` days and not yet published."""
    return list(db.session.scalars(
        db.select(Collection).where(feedback_due_within(days)).order_by(Collection.feedback_due_at)
    ))


def feedback_overdue() -> list[Collection]:
    """Collections whose one-month feedback deadline has passed without a published feedback."""
    return list(db.session.scalars(
        db.select(Collection).where(Collection.feedback_overdue).order_by(Collection.feedback_due_at)
    ))


def run_condition(start: date, end: date):
    """Collections counted in a period (Beijing dates, inclusive): published, starting in it.

    The one rule for the yearly count (target ≥ 6), department performance and the annual
    report.
    """
    low, high = periods.local_range(start, end)
    return db.and_(Collection.status == CollectionStatus.PUBLISHED, Collection.starts_at >= low,
                   Collection.starts_at < high)


def collections_count(year: int) -> int:
    """Published collections whose start falls in ``year`` (Beijing time); target ≥ 6."""
    return db.session.scalar(
        db.select(db.func.count(Collection.id)).where(run_condition(date(year, 1, 1), date(year, 12, 31)))
    ) or 0


def results_published_condition():
    """公布调查结果: the collection's result feedback is published."""
    return Collection.feedback_published_at.is_not(None)


def results_on_time_condition():
    """… and it was published by the one-month deadline."""
    return db.and_(results_published_condition(), Collection.feedback_on_time.is_(True))


@dataclass
class CollectionCounts:
    """Figures of the collections run in a period (:func:`run_condition`)."""

    collections: int = 0
    #: Opinions submitted to them (every opinion received, whatever its moderation).
    opinions: int = 0
    #: Questionnaire responses to them.
    responses: int = 0
    #: Collections whose result feedback is published.
    results_published: int = 0
    #: … of which published by the one-month deadline (``feedback_on_time``).
    results_on_time: int = 0

    def add(self, other: "CollectionCounts") -> None:
        for name in ("collections", "opinions", "responses", "results_published", "results_on_time"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def participation_counts(collection_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """``{collection_id: (opinions, questionnaire responses)}`` for the given collections."""
    result = {collection_id: (0, 0) for collection_id in collection_ids}
    for collection_id, count in db.session.execute(
        db.select(Opinion.collection_id, db.func.count(Opinion.id))
        .where(Opinion.collection_id.in_(collection_ids)).group_by(Opinion.collection_id)
    ):
        result[collection_id] = (int(count), 0)
    for collection_id, count in db.session.execute(
        db.select(Collection.id, db.func.count(Response.id))
        .join(Collection, Collection.questionnaire_id == Response.questionnaire_id)
        .where(Collection.id.in_(collection_ids)).group_by(Collection.id)
    ):
        result[collection_id] = (result[collection_id][0], int(count))
    return result


def collection_counts(start: date, end: date) -> dict[int, CollectionCounts]:
    """``{department_id: CollectionCounts}`` for the collections run between ``start`` and
    ``end`` (Beijing dates, inclusive)."""
    run = run_condition(start, end)
    result: dict[int, CollectionCounts] = {}
    rows = db.session.execute(
        db.select(Collection.department_id, db.func.count(Collection.id),
                  db.func.coalesce(db.func.sum(db.case((results_published_condition(), 1), else_=0)), 0),
                  db.func.coalesce(db.func.sum(db.case((results_on_time_condition(), 1), else_=0)), 0))
        .where(run).group_by(Collection.department_id)
    ).all()
    for department_id, count, results, on_time in rows:
        result[department_id] = CollectionCounts(int(count), 0, 0, int(results), int(on_time))
    opinions = db.session.execute(
        db.select(Collection.department_id, db.func.count(Opinion.id)).join(Collection)
        .where(run).group_by(Collection.department_id)
    ).all()
    for department_id, count in opinions:
        result[department_id].opinions = int(count)
    responses = db.session.execute(
        db.select(Collection.department_id, db.func.count(Response.id))
        .join(Collection, Collection.questionnaire_id == Response.questionnaire_id)
        .where(run).group_by(Collection.department_id)
    ).all()
    for department_id, count in responses:
        result[department_id].responses = int(count)
    return result


def department_collections(start: date, end: date) -> dict[int, dict]:
    """Per department: collections run (published, starting in the period), feedback
    published for them, and how many of those were on time."""
    return {department_id: {"run": counts.collections, "feedback_published": counts.results_published,
                            "feedback_on_time": counts.results_on_time}
            for department_id, counts in collection_counts(start, end).items()}


def flagged_condition():
    """Opinions whose text hit the sensitive-word list when submitted."""
    words = db.func.coalesce(db.cast(Opinion.flagged_words, db.String), "null")
    return words.not_in(("null", "[]"))


def held_opinions(start: datetime, end: datetime) -> tuple[int, int]:
    """``(flagged, still pending)``: opinions submitted in ``[start, end)`` that hit the
    sensitive-word list, and how many of them still wait for moderation."""
    row = db.session.execute(
        db.select(db.func.count(Opinion.id),
                  db.func.coalesce(db.func.sum(db.case(
                      (Opinion.moderation == ModerationStatus.PENDING, 1), else_=0)), 0))
        .where(Opinion.submitted_at >= start, Opinion.submitted_at < end, flagged_condition())
    ).one()
    return int(row[0]), int(row[1])


def feedback_awaiting_review() -> list[Collection]:
    return list(db.session.scalars(
        db.select(Collection).where(workflow.awaiting("review_feedback"))
        .order_by(Collection.feedback_due_at)
    ))


def collections_awaiting_publication() -> list[Collection]:
    return list(db.session.scalars(
        db.select(Collection).where(workflow.awaiting("return")).order_by(Collection.starts_at)
    ))
