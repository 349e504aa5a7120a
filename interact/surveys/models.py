"""Opinion collections (民意征集), citizens' opinions, and the result feedback (结果反馈)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from interact.core import clock
from interact.core.models import StoredFile
from interact.db import TimestampMixin, _utcnow, str_enum
from interact.departments.models import Department
from interact.extensions import db
from interact.questionnaires.models import Questionnaire
from interact.surveys.deadlines import feedback_deadline


class CollectionStatus(enum.Enum):
    #: Being prepared by the owner department.
    DRAFT = "draft"
    #: Sent to the office for publication (待发布审核).
    SUBMITTED = "submitted"
    #: Public; open or closed follows from the start and end times.
    PUBLISHED = "published"
    #: Taken off the public pages by the office.
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    CollectionStatus.DRAFT: "草稿",
    CollectionStatus.SUBMITTED: "待发布审核",
    CollectionStatus.PUBLISHED: "已发布",
    CollectionStatus.WITHDRAWN: "已撤回",
}


class CollectionKind(enum.Enum):
    OPINIONS = "opinions"
    QUESTIONNAIRE = "questionnaire"
    BOTH = "both"


KIND_LABELS = {
    CollectionKind.OPINIONS: "征集意见",
    CollectionKind.QUESTIONNAIRE: "问卷调查",
    CollectionKind.BOTH: "征集意见 + 问卷调查",
}


class Collection(TimestampMixin, db.Model):
    """A collection of opinions and/or questionnaire responses on one topic.

    Open and closed are derived from ``starts_at``/``ends_at`` (hybrid properties usable in
    SQL), never stored. ``feedback_due_at`` is a pure function of ``ends_at``, kept in a
    column (set whenever ``ends_at`` is) so that SQL can select due and overdue feedback.
    """

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Owner department; its handlers run the collection and record adoption.
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: One or two sentences shown in lists (plain text).
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Description (rich text, cleaned by ``core.sanitize.clean_html`` when saved).
    body: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[CollectionKind] = mapped_column(str_enum(CollectionKind, 16), default=CollectionKind.OPINIONS)
    #: Submissions are accepted from this moment (UTC) …
    starts_at: Mapped[datetime] = mapped_column(index=True)
    #: … until (excluding) this moment.
    ends_at: Mapped[datetime] = mapped_column(index=True)
    #: End of the Beijing day one calendar month after the end: the feedback deadline.
    feedback_due_at: Mapped[datetime] = mapped_column(index=True)
    #: Public contact channels for opinions by e-mail or post.
    contact_email: Mapped[str] = mapped_column(sa.String(120), default="")
    contact_address: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Whether an opinion must carry a name / a mobile number (else optional).
    name_required: Mapped[bool] = mapped_column(default=False)
    phone_required: Mapped[bool] = mapped_column(default=False)
    #: Whether approved opinions are listed on the public page (masked).
    show_opinions: Mapped[bool] = mapped_column(default=True)
    #: The draft document (征求意见稿), a public StoredFile.
    draft_file_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    questionnaire_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("questionnaires.id", ondelete="SET NULL"))

    status: Mapped[CollectionStatus] = mapped_column(str_enum(CollectionStatus, 16),
                                                     default=CollectionStatus.DRAFT, index=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[Optional[datetime]]
    published_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[Optional[datetime]]
    withdraw_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Note from the office when it sends a submitted collection back.
    review_note: Mapped[str] = mapped_column(sa.String(500), default="")

    #: When the result feedback was published (NULL until then).
    feedback_published_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    #: Whether it was published by the deadline (set when published).
    feedback_on_time: Mapped[Optional[bool]]

    # Jobs: a notice goes out once (idempotent sweeps).
    ended_notice_sent_at: Mapped[Optional[datetime]]
    reminder_7d_sent_at: Mapped[Optional[datetime]]
    reminder_1d_sent_at: Mapped[Optional[datetime]]
    overdue_notice_sent_at: Mapped[Optional[datetime]]

    department: Mapped[Department] = relationship()
    draft_file: Mapped[Optional[StoredFile]] = relationship()
    questionnaire: Mapped[Optional[Questionnaire]] = relationship()
    attachments: Mapped[list["CollectionAttachment"]] = relationship(
        back_populates="collection", order_by="CollectionAttachment.id", cascade="all, delete-orphan"
    )
    feedback: Mapped[Optional["Feedback"]] = relationship(back_populates="collection", uselist=False,
                                                          cascade="all, delete-orphan")

    @validates("ends_at")
    def _set_feedback_due(self, _key, value: datetime) -> datetime:
        if value is not None:
            self.feedback_due_at = clock.end_of_local_day(feedback_deadline(value))
        return value

    # ---- derived state (same rule in Python and SQL) -----------------------------------

    @hybrid_property
    def is_open(self) -> bool:
        now = clock.now()
        return self.status is CollectionStatus.PUBLISHED and self.starts_at <= now < self.ends_at

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls):
        now = clock.now()
        return sa.and_(cls.status == CollectionStatus.PUBLISHED, cls.starts_at <= now, cls.ends_at > now)

    @hybrid_property
    def is_upcoming(self) -> bool:
        return self.status is CollectionStatus.PUBLISHED and clock.now() < self.starts_at

    @is_upcoming.inplace.expression
    @classmethod
    def _is_upcoming_expression(cls):
        return sa.and_(cls.status == CollectionStatus.PUBLISHED, cls.starts_at > clock.now())

    @hybrid_property
    def has_ended(self) -> bool:
        return self.ends_at <= clock.now()

    @has_ended.inplace.expression
    @classmethod
    def _has_ended_expression(cls):
        return cls.ends_at <= clock.now()

    @hybrid_property
    def awaiting_feedback(self) -> bool:
        """Published, ended, feedback not yet published."""
        return (self.status is CollectionStatus.PUBLISHED and self.ends_at <= clock.now()
                and self.feedback_published_at is None)

    @awaiting_feedback.inplace.expression
    @classmethod
    def _awaiting_feedback_expression(cls):
        return sa.and_(cls.status == CollectionStatus.PUBLISHED, cls.ends_at <= clock.now(),
                       cls.feedback_published_at.is_(None))

    @hybrid_property
    def feedback_overdue(self) -> bool:
        """The one-month rule is broken: deadline passed and no feedback published."""
        return self.awaiting_feedback and self.feedback_due_at < clock.now()

    @feedback_overdue.inplace.expression
    @classmethod
    def _feedback_overdue_expression(cls):
        return sa.and_(cls.awaiting_feedback, cls.feedback_due_at < clock.now())

    # ---- presentation helpers ------------------------------------------------------------

    @property
    def feedback_due_date(self) -> date:
        return clock.to_local(self.feedback_due_at).date()

    @property
    def feedback_days_left(self) -> int:
        """Days from today (Beijing) to the deadline; negative when overdue."""
        return (self.feedback_due_date - clock.today()).days

    @property
    def accepts_opinions(self) -> bool:
        return self.kind in (CollectionKind.OPINIONS, CollectionKind.BOTH)

    @property
    def has_questionnaire(self) -> bool:
        return self.kind in (CollectionKind.QUESTIONNAIRE, CollectionKind.BOTH)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def phase(self) -> str:
        """One word for lists: draft/submitted/withdrawn/upcoming/open/awaiting/overdue/done."""
        if self.status is not CollectionStatus.PUBLISHED:
            return self.status.value
        if self.is_upcoming:
            return "upcoming"
        if self.is_open:
            return "open"
        if self.feedback_published_at is not None:
            return "done"
        return "overdue" if self.feedback_overdue else "awaiting"

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase]

    def __repr__(self) -> str:
        return f"<Collection {self.id} {self.title[:20]}>"


PHASE_LABELS = {
    "draft": "草稿",
    "submitted": "待发布审核",
    "withdrawn": "已撤回",
    "upcoming": "即将开始",
    "open": "征集中",
    "awaiting": "已结束·待反馈",
    "overdue": "反馈已逾期",
    "done": "已反馈",
}


class CollectionAttachment(db.Model):
    __tablename__ = "collection_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(sa.ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="CASCADE"))
    #: Label shown instead of the file name (defaults to the file name).
    label: Mapped[str] = mapped_column(sa.String(200), default="")

    collection: Mapped[Collection] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship()


class ModerationStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


MODERATION_LABELS = {
    ModerationStatus.PENDING: "待审核",
    ModerationStatus.APPROVED: "已通过",
    ModerationStatus.REJECTED: "不予采用（无效）",
}


class Adoption(enum.Enum):
    ADOPTED = "adopted"
    PARTLY = "partly"
    NOT_ADOPTED = "not_adopted"


ADOPTION_LABELS = {
    Adoption.ADOPTED: "采纳",
    Adoption.PARTLY: "部分采纳",
    Adoption.NOT_ADOPTED: "未采纳",
}


class Opinion(TimestampMixin, db.Model):
    """A citizen's opinion on a collection. Never public before moderation."""

    __tablename__ = "collection_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(sa.ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    #: The opinion text (plain text, ≤ 2,000 characters; escaped when shown).
    content: Mapped[str] = mapped_column(sa.Text)
    #: Personal data: shown to the owner department only, masked or hidden elsewhere.
    name: Mapped[str] = mapped_column(sa.String(40), default="")
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    #: Citizen account that wrote it, when logged in ("我的意见").
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(8), default="web")
    submitted_at: Mapped[datetime] = mapped_column(default=_utcnow)

    moderation: Mapped[ModerationStatus] = mapped_column(str_enum(ModerationStatus, 16),
                                                         default=ModerationStatus.PENDING, index=True)
    #: Sensitive words found at submission (the moderator's attention is drawn to them).
    flagged_words: Mapped[Optional[list[str]]] = mapped_column(sa.JSON)
    moderated_at: Mapped[Optional[datetime]]
    moderated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    moderation_note: Mapped[str] = mapped_column(sa.String(500), default="")

    adoption: Mapped[Optional[Adoption]] = mapped_column(str_enum(Adoption, 16))
    #: Why an opinion was only partly or not adopted (required then; published in the feedback).
    adoption_reason: Mapped[str] = mapped_column(sa.Text, default="")
    adopted_at: Mapped[Optional[datetime]]
    adopted_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    collection: Mapped[Collection] = relationship()

    @property
    def moderation_label(self) -> str:
        return MODERATION_LABELS[self.moderation]

    @property
    def adoption_label(self) -> str:
        return ADOPTION_LABELS[self.adoption] if self.adoption else "未处理"


class FeedbackStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PUBLISHED = "published"


FEEDBACK_STATUS_LABELS = {
    FeedbackStatus.DRAFT: "草稿",
    FeedbackStatus.SUBMITTED: "待办公室审核",
    FeedbackStatus.RETURNED: "已退回修改",
    FeedbackStatus.PUBLISHED: "已发布",
}


class Feedback(TimestampMixin, db.Model):
    """The result feedback (结果反馈): drafted by the owner, reviewed and published by the office.

    Figures (totals, adoption counts, tallies) are computed from the opinions and responses,
    which are frozen once the feedback is submitted; the text parts are stored here.
    """

    __tablename__ = "collection_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(sa.ForeignKey("collections.id", ondelete="CASCADE"), unique=True)
    status: Mapped[FeedbackStatus] = mapped_column(str_enum(FeedbackStatus, 16), default=FeedbackStatus.DRAFT)
    #: Written summary of what was collected and what changes (rich text, cleaned).
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: General explanation of why opinions were not adopted (rich text, cleaned); the
    #: individual reasons recorded on opinions are listed as well.
    not_adopted_explanation: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[Optional[datetime]]
    submitted_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The office's comments when returning it.
    review_note: Mapped[str] = mapped_column(sa.String(1000), default="")
    published_at: Mapped[Optional[datetime]]
    published_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    collection: Mapped[Collection] = relationship(back_populates="feedback")

    @property
    def status_label(self) -> str:
        return FEEDBACK_STATUS_LABELS[self.status]
