"""Opinion collections (民意征集), citizens' opinions, and the result feedback (结果反馈)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from interact.core import clock, privacy
from interact.core.enums import LabeledEnum
from interact.core.models import StoredFile
from interact.db import TimestampMixin, _utcnow, str_enum
from interact.departments.models import Department
from interact.extensions import db
from interact.questionnaires.models import Questionnaire, ResponseChannel
from interact.surveys.deadlines import DUE_SOON_DAYS, feedback_deadline


class CollectionStatus(LabeledEnum):
    #: Being prepared by the owner department.
    DRAFT = "draft", "草稿"
    #: Sent to the office for publication (待发布审核).
    SUBMITTED = "submitted", "待发布审核"
    #: Public; open or closed follows from the start and end times.
    PUBLISHED = "published", "已发布"
    #: Taken off the public pages by the office.
    WITHDRAWN = "withdrawn", "已撤回"


class CollectionPhase(str, LabeledEnum):
    """The phase a collection is in (derived, never stored; a ``str`` so URLs and the API
    carry the value)."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待发布审核"
    WITHDRAWN = "withdrawn", "已撤回"
    UPCOMING = "upcoming", "即将开始"
    OPEN = "open", "征集中"
    AWAITING = "awaiting", "已结束·待反馈"
    OVERDUE = "overdue", "反馈已逾期"
    DONE = "done", "已反馈"


#: Colour of a collection's phase tag on every page (``tag-<tone>``).
PHASE_TONES = {
    CollectionPhase.DRAFT: "muted",
    CollectionPhase.SUBMITTED: "amber",
    CollectionPhase.WITHDRAWN: "muted",
    CollectionPhase.UPCOMING: "amber",
    CollectionPhase.OPEN: "green",
    CollectionPhase.AWAITING: "amber",
    CollectionPhase.OVERDUE: "red",
    CollectionPhase.DONE: "muted",
}


class CollectionKind(LabeledEnum):
    OPINIONS = "opinions", "征集意见"
    QUESTIONNAIRE = "questionnaire", "问卷调查"
    BOTH = "both", "征集意见 + 问卷调查"


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
    #: The one-time token of the 新建征集 form that created it: a double click creates one draft.
    form_token: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)
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
    def feedback_due_soon(self) -> bool:
        """Awaiting its feedback, due within :data:`~interact.surveys.deadlines.DUE_SOON_DAYS`
        days and not overdue (as ``services.feedback_due_within`` selects)."""
        return self.awaiting_feedback and 0 <= self.feedback_days_left <= DUE_SOON_DAYS

    @property
    def accepts_opinions(self) -> bool:
        return self.kind in (CollectionKind.OPINIONS, CollectionKind.BOTH)

    @property
    def has_questionnaire(self) -> bool:
        return self.kind in (CollectionKind.QUESTIONNAIRE, CollectionKind.BOTH)

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def phase(self) -> CollectionPhase:
        """Where the collection stands, derived from its status, times and feedback."""
        if self.status is not CollectionStatus.PUBLISHED:
            return CollectionPhase(self.status.value)
        if self.is_upcoming:
            return CollectionPhase.UPCOMING
        if self.is_open:
            return CollectionPhase.OPEN
        if self.feedback_published_at is not None:
            return CollectionPhase.DONE
        return CollectionPhase.OVERDUE if self.feedback_overdue else CollectionPhase.AWAITING

    @property
    def phase_label(self) -> str:
        return self.phase.label

    @property
    def phase_tone(self) -> str:
        return PHASE_TONES[self.phase]

    @property
    def public_names(self) -> tuple[str, ...]:
        """The names the publication masking finds in the department's own public text (the
        title, the summary and the 征集说明), hidden wherever they are repeated there."""
        return privacy.names_in((self.title, self.summary), html=(self.body,))

    @property
    def public_title(self) -> str:
        """The title as lists, the page and the API show it, personal data hidden (the
        office's pages keep what was typed)."""
        return privacy.mask_text(self.title, names=self.public_names)

    @property
    def public_summary(self) -> str:
        """The summary as lists and the API show it, personal data hidden."""
        return privacy.mask_text(self.summary, names=self.public_names)

    @property
    def public_body_html(self) -> Markup:
        """The 征集说明 as the public reads it: sanitised, personal data hidden (attack H9: it
        was published as typed). The contact e-mail and address are the office's, shown as
        they are."""
        return privacy.mask_html(self.body, names=self.public_names)

    def __repr__(self) -> str:
        return f"<Collection {self.id} {self.title[:20]}>"




class CollectionAttachment(db.Model):
    __tablename__ = "collection_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(sa.ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="CASCADE"))
    #: Label shown instead of the file name (defaults to the file name).
    label: Mapped[str] = mapped_column(sa.String(200), default="")

    collection: Mapped[Collection] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship()

    @property
    def public_label(self) -> str:
        """The label (or the file name) as the public sees it, through the publication masking."""
        return privacy.mask_text(self.label or self.file.original_name)


class ModerationStatus(LabeledEnum):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "不予采用（无效）"


#: Colour of an opinion's moderation tag on the staff pages (``tag-<tone>``).
MODERATION_TONES = {
    ModerationStatus.PENDING: "amber",
    ModerationStatus.APPROVED: "green",
    ModerationStatus.REJECTED: "muted",
}


class Adoption(LabeledEnum):
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


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
    def channel_label(self) -> str:
        try:
            return ResponseChannel(self.channel).label
        except ValueError:
            return "其他"

    @property
    def moderation_label(self) -> str:
        return self.moderation.label

    @property
    def moderation_tone(self) -> str:
        return MODERATION_TONES[self.moderation]

    @property
    def adoption_label(self) -> str:
        return self.adoption.label if self.adoption else "未处理"

    @property
    def public_names(self) -> tuple[str, ...]:
        """The writer's name and every name found in the opinion or in the department's
        reason for not adopting it: each is hidden wherever it appears (core.privacy)."""
        return privacy.names_in((self.content, self.adoption_reason), (self.name,))

    @property
    def public_content(self) -> str:
        return privacy.mask_text(self.content, names=self.public_names)

    @property
    def public_reason(self) -> str:
        return privacy.mask_text(self.adoption_reason, names=self.public_names)


class FeedbackStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待办公室审核"
    RETURNED = "returned", "已退回修改"
    PUBLISHED = "published", "已发布"


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
        return self.status.label


class CollectionEvent(db.Model):
    """One lifecycle step of a collection (who moved it from which state to which)."""

    __tablename__ = "collection_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(sa.ForeignKey("collections.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[CollectionStatus] = mapped_column(str_enum(CollectionStatus, 16))
    to_status: Mapped[CollectionStatus] = mapped_column(str_enum(CollectionStatus, 16))
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(80), default="")
    #: The reason or comment given with the step (a withdrawal's reason, the office's note).
    note: Mapped[str] = mapped_column(sa.Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(default=_utcnow)
