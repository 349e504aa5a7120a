"""Consultation letters (在线咨询 / 领导信箱 / 上级转办), their handling events, extension
requests, attachments and the leader mailbox's monthly summaries.

The ``#:`` comments are the data dictionary. Statistics read the stored facts
(``answered_workdays``, ``answered_on_time``, ``rating`` …) instead of recomputing
working days per row.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Optional

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from interact.accounts.models import User
from interact.core import clock, privacy
from interact.core.maskversion import VERSION as MASK_RULES
from interact.core.models import StoredFile
from interact.core.enums import LabeledEnum
from interact.db import TimestampMixin, _utcnow, str_enum
from interact.departments.models import Department, Leader
from interact.extensions import db
from interact.letters.search import create_search_index, drop_search_index


class LetterChannel(LabeledEnum):
    #: 在线咨询: to a department or "not sure" (the office routes it).
    CONSULTATION = "consultation", "在线咨询"
    #: 领导信箱: to a named leader.
    MAILBOX = "mailbox", "领导信箱"
    #: 上级转办: forwarded from a higher level (e.g. 主席信箱), entered by the office.
    FORWARDED = "forwarded", "上级转办"


class LetterKind(LabeledEnum):
    CONSULTATION = "consultation", "咨询"
    SUGGESTION = "suggestion", "建议"
    COMPLAINT = "complaint", "投诉"
    HELP = "help", "求助"


#: Default reply limits in working days from assignment (admin-configurable).
DEFAULT_REPLY_LIMITS = {
    LetterKind.CONSULTATION: 5,
    LetterKind.HELP: 5,
    LetterKind.SUGGESTION: 10,
    LetterKind.COMPLAINT: 10,
}


class LetterStatus(LabeledEnum):
    #: Submitted by a citizen, waiting for the office to accept it (1 working day).
    SUBMITTED = "submitted", "待受理"
    #: Accepted (受理) by the office, not yet routed.
    ACCEPTED = "accepted", "已受理"
    #: Not accepted (不予受理); the reason is shown to the citizen. Final.
    REJECTED = "rejected", "不予受理"
    #: Routed (转办) to ``department_id``, which must answer by ``due_at``.
    ASSIGNED = "assigned", "办理中"
    #: Returned to the office by the department as mis-routed (退回).
    RETURNED = "returned", "退回待转办", "办理中"
    #: Answered by the department, waiting for the office's review (审核).
    ANSWERED = "answered", "已答复待审核", "办理中"
    #: The office sent the answer back with comments; the department answers again.
    SENT_BACK = "sent_back", "审核退回重办", "办理中"
    #: Approved and closed (办结). Publication is the separate ``published`` flag.
    CLOSED = "closed", "已办结"
    #: Reopened once by the office after a 不满意 rating; the department answers again.
    REOPENED = "reopened", "重新办理", "重新办理中"

    @property
    def public(self) -> "LetterStatus":
        """The status a citizen is told: the office's review steps (returned, answered,
        sent back) read as 办理中 (``assigned``), so they never reach a public page or the API."""
        return LetterStatus.ASSIGNED if self in REVIEW_STATUSES else self


#: Event actions (``LetterEvent.action``) as staff read them in a letter's history.
ACTION_LABELS = {
    "submit": "提交来信",
    "forwarded": "转入来信",
    "accept": "受理",
    "reject": "不予受理",
    "assign": "转办",
    "transfer": "改派",
    "return": "退回",
    "answer": "答复",
    "send_back": "审核退回",
    "close": "审核办结",
    "reopen": "重新办理",
    "extension_requested": "申请延期",
    "extension_approved": "同意延期",
    "extension_rejected": "不同意延期",
    "published": "公开",
    "withdrawn": "撤回公开",
    "rated": "评价",
    "to_faq": "转为常见问题",
}


#: Internal review steps, shown to citizens as 办理中 (:attr:`LetterStatus.public`).
REVIEW_STATUSES = (LetterStatus.RETURNED, LetterStatus.ANSWERED, LetterStatus.SENT_BACK)
#: States in which the office holds the letter (to accept it, or to route it again).
OFFICE_STATUSES = (LetterStatus.SUBMITTED, LetterStatus.ACCEPTED, LetterStatus.RETURNED)
#: States in which somebody still owes the citizen an answer: these can be overdue.
OPEN_STATUSES = (
    LetterStatus.SUBMITTED,
    LetterStatus.ACCEPTED,
    LetterStatus.ASSIGNED,
    LetterStatus.RETURNED,
    LetterStatus.SENT_BACK,
    LetterStatus.REOPENED,
)
#: States in which the department holds the letter and may answer it.
DEPARTMENT_STATUSES = (LetterStatus.ASSIGNED, LetterStatus.SENT_BACK, LetterStatus.REOPENED)
#: States in which the citizen has not got an answer yet (three-month veto rule).
UNANSWERED_STATUSES = OPEN_STATUSES + (LetterStatus.ANSWERED,)


class LetterRating(LabeledEnum):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class RejectReason(LabeledEnum):
    DUPLICATE = "duplicate", "重复来信"
    OUT_OF_SCOPE = "out_of_scope", "不属于本平台受理范围"
    PETITION = "petition", "属于信访事项，请通过信访渠道反映"
    POLICE = "police", "属于治安、刑事案件，请拨打110或到公安机关报案"
    COURT = "court", "属于涉法涉诉事项，请通过人民法院等司法途径解决"
    INCOMPLETE = "incomplete", "反映内容不清楚、无法办理"
    IMPROPER = "improper", "含有违法或不文明内容"


class ExtensionStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: Ended undecided: the letter was answered or returned while the request waited.
    CLOSED = "closed"


def staff_path(letter_id: int) -> str:
    """A letter's staff page as a plain path (services and jobs also run outside a request):
    the link of every notice about the letter, by which they are marked read together
    (``notify.mark_read_about``)."""
    return f"/staff/letters/{letter_id}"


class Letter(TimestampMixin, db.Model):
    """A citizen's letter and where it stands."""

    __tablename__ = "letters"
    __table_args__ = (
        # 来信选登 and the home page: only published letters, newest first. Partial, so the
        # list never walks past unpublished letters (PostgreSQL put the NULL published_at
        # of every unpublished letter first in a descending scan); the query's condition is
        # PUBLISHED_CONDITION, written the same way so both databases use the index.
        sa.Index("ix_letters_public_list", "published_at", "id",
                 sqlite_where=sa.text("published = 1"), postgresql_where=sa.text("published = true")),
        # One department's letters, newest first; the trailing columns let 类别, 渠道 and a
        # month be tested in the index (a department's help letters read the department's
        # entries, not every help letter's, nor each letter's row).
        sa.Index("ix_letters_public_department", "department_id", "published_at", "id", "kind", "channel",
                 "submitted_at", sqlite_where=sa.text("published = 1"), postgresql_where=sa.text("published = true")),
        # A month's published letters (来信选登 and its search within a month start from their
        # lowest and highest id and publication time, letters.services._month_range): an
        # index-only range read.
        sa.Index("ix_letters_public_submitted", "submitted_at", "id", "published_at",
                 sqlite_where=sa.text("published = 1"), postgresql_where=sa.text("published = true")),
        # 来信选登 and the API filtered by 类别 or 渠道 (any page, with or without the other
        # filters): without these the list read every published letter's row, newest first,
        # to test its kind (attack I7: 200 ms for a page of help letters at 100,000). The
        # trailing columns let the other filters be tested in the index too. (No plain index on
        # kind or channel: four and three values, SQLite chose one for the public count and
        # read every letter of the kind to test `published`.)
        sa.Index("ix_letters_public_kind", "kind", "published_at", "id", "channel", "department_id",
                 "submitted_at", sqlite_where=sa.text("published = 1"), postgresql_where=sa.text("published = true")),
        sa.Index("ix_letters_public_channel", "channel", "published_at", "id", "kind", "department_id",
                 "submitted_at", sqlite_where=sa.text("published = 1"), postgresql_where=sa.text("published = true")),
        # The statistics (month table and 12-month trend) aggregate by submission month: a
        # covering index, so they read index pages only, never the letters' text.
        sa.Index("ix_letters_statistics", "submitted_at", "department_id", "status", "answered_at",
                 "answered_on_time", "answered_workdays", "rating", "due_at"),
        sa.Index("ix_letters_department_status_due", "department_id", "status", "due_at"),
        # The sweep's and the overdue counts' index; submitted_at and department_id make the
        # statistics' live overdue count (by month and department) an index-only scan,
        # warn_at the sweep's look-up of letters due a warning (letters/jobs.py).
        sa.Index("ix_letters_status_due", "status", "due_at", "submitted_at", "department_id", "warn_at"),
        # By state and age: the sweep's three-month veto look-up (through an index on
        # submitted_at alone it took 1.7 s at a million letters).
        sa.Index("ix_letters_status_submitted", "status", "submitted_at"),
        # Columns that most letters leave empty are indexed only where they are set (a
        # lookup by one value implies IS NOT NULL, so both databases use them): a new or
        # changed letter writes fewer index entries.
        sa.Index("ix_letters_leader_id", "leader_id", sqlite_where=sa.text("leader_id IS NOT NULL"),
                 postgresql_where=sa.text("leader_id IS NOT NULL")),
        sa.Index("ix_letters_user_id", "user_id", sqlite_where=sa.text("user_id IS NOT NULL"),
                 postgresql_where=sa.text("user_id IS NOT NULL")),
        sa.Index("ix_letters_answered_at", "answered_at", sqlite_where=sa.text("answered_at IS NOT NULL"),
                 postgresql_where=sa.text("answered_at IS NOT NULL")),
        sa.Index("ix_letters_rating", "rating", sqlite_where=sa.text("rating IS NOT NULL"),
                 postgresql_where=sa.text("rating IS NOT NULL")),
        # Room on every page for a changed copy of its letters (PostgreSQL): an update that
        # changes no indexed column — the sweep's sent flags, which is why no index holds
        # them — is then written beside the old row without touching any of the indexes
        # (a HOT update: 2 ms per batch of 200 letters instead of 54 ms at 1,000,000).
        {"postgresql_with": {"fillfactor": 90}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public letter number, ``XJ20261122-0001`` (date of submission, Beijing time).
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)
    channel: Mapped[LetterChannel] = mapped_column(str_enum(LetterChannel, 16))
    kind: Mapped[LetterKind] = mapped_column(str_enum(LetterKind, 16))
    # active_history on the columns the statistics' running totals count
    # (letters/monthcounts.py): a change loads the value it replaces.
    status: Mapped[LetterStatus] = mapped_column(
        str_enum(LetterStatus, 16), default=LetterStatus.SUBMITTED, active_history=True
    )

    #: Department the citizen chose (NULL = 不确定); the office may route elsewhere.
    requested_department_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("departments.id"))
    #: Leader addressed through the leader mailbox.
    leader_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("leaders.id"))
    #: Department currently responsible (set when routed; kept after answering).
    #: Indexed first in ix_letters_department_status_due and ix_letters_public_department.
    department_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("departments.id"), active_history=True)

    title: Mapped[str] = mapped_column(sa.String(60))
    body: Mapped[str] = mapped_column(sa.Text)
    #: Personal data: never shown publicly (masked name only).
    name: Mapped[str] = mapped_column(sa.String(40))
    phone: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[Optional[str]] = mapped_column(sa.String(120))
    #: The citizen agrees that the letter and answer are published (masked).
    publish_consent: Mapped[bool] = mapped_column(default=False)
    #: Citizen account that submitted it (only pre-fills; "my letters").
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    #: HMAC-SHA256 of the query code (the code itself is shown once and never stored).
    query_code_hash: Mapped[str] = mapped_column(sa.String(64))
    #: Token of the submission form: a double submit finds the first letter.
    idempotency_key: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)

    #: Sensitive words hit on submission: the letter is held for the office's review and
    #: never published without it.
    held_for_review: Mapped[bool] = mapped_column(default=False)
    sensitive_words: Mapped[Optional[list[str]]] = mapped_column(sa.JSON)

    #: Forwarded letters: upstream source (主席信箱 …), its number and its own deadline.
    upstream_source: Mapped[Optional[str]] = mapped_column(sa.String(60))
    upstream_number: Mapped[Optional[str]] = mapped_column(sa.String(60))
    upstream_due_at: Mapped[Optional[datetime]]

    #: Indexed first in ix_letters_statistics.
    submitted_at: Mapped[datetime] = mapped_column(default=_utcnow, active_history=True)
    accepted_at: Mapped[Optional[datetime]]
    #: Latest routing to ``department_id`` (the answer deadline counts from here).
    assigned_at: Mapped[Optional[datetime]]
    #: Current deadline of whoever holds the letter (acceptance, routing or answer).
    due_at: Mapped[Optional[datetime]]
    #: Start of the warning period (黄牌): the working day before ``due_at``.
    warn_at: Mapped[Optional[datetime]]

    rejection_reason: Mapped[Optional[RejectReason]] = mapped_column(str_enum(RejectReason, 16))
    #: Reason text shown to the citizen.
    rejection_note: Mapped[Optional[str]] = mapped_column(sa.Text)

    #: Sanitised rich text (``core.sanitize.clean_html``).
    answer_html: Mapped[Optional[str]] = mapped_column(sa.Text)
    answered_at: Mapped[Optional[datetime]] = mapped_column(active_history=True)
    answered_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Working days from assignment (or acceptance) to the answer.
    answered_workdays: Mapped[Optional[int]] = mapped_column(active_history=True)
    #: Answered by ``due_at``.
    answered_on_time: Mapped[Optional[bool]] = mapped_column(active_history=True)
    #: Office review of the answer.
    reviewed_at: Mapped[Optional[datetime]]
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[Optional[datetime]]

    #: Shown in 来信选登 (only with consent and the office's approval).
    #: active_history: the running totals count published letters too (the public list's total).
    published: Mapped[bool] = mapped_column(default=False, active_history=True)
    #: Indexed only with ``published`` (ix_letters_public_*): a plain index on it made
    #: PostgreSQL walk backwards past every unpublished letter (NULLs first).
    published_at: Mapped[Optional[datetime]]
    withdrawn_at: Mapped[Optional[datetime]]

    rating: Mapped[Optional[LetterRating]] = mapped_column(str_enum(LetterRating, 16), active_history=True)
    rating_comment: Mapped[Optional[str]] = mapped_column(sa.Text)
    rated_at: Mapped[Optional[datetime]]
    #: A 不满意 rating lets the office reopen a letter once.
    reopen_count: Mapped[int] = mapped_column(default=0)

    # Idempotency flags of the deadline sweep. In no index (see __table_args__): setting
    # one is a HOT update on PostgreSQL.
    warning_sent_at: Mapped[Optional[datetime]]
    overdue_sent_at: Mapped[Optional[datetime]]
    #: Three months without an answer: a veto-level violation on the office dashboard.
    veto_flagged_at: Mapped[Optional[datetime]]

    #: The public copy — the title, body and answer as published (personal data hidden) and
    #: the names hidden in them — stored when the letter is published and by ``letters
    #: reindex`` (:meth:`store_public_copy`), so the public pages and the API never mask it
    #: again. Used only while ``masked_rules`` is the version of today's masking rules
    #: (``core.maskversion``) and none of the texts changed since (a change empties it).
    masked_rules: Mapped[Optional[str]] = mapped_column(sa.String(16))
    masked_names: Mapped[Optional[list[str]]] = mapped_column(sa.JSON)
    masked_title: Mapped[Optional[str]] = mapped_column(sa.Text)
    masked_body: Mapped[Optional[str]] = mapped_column(sa.Text)
    masked_answer_html: Mapped[Optional[str]] = mapped_column(sa.Text)
    #: Moves with every change of a published letter that its public page may show (the
    #: letter's own columns, its events), in the transaction of the change
    #: (``letters.pages``): a stored page (:class:`LetterPage`) of another serial is not shown.
    page_serial: Mapped[int] = mapped_column(default=0, server_default="0")

    department: Mapped[Optional[Department]] = relationship(foreign_keys=[department_id])
    requested_department: Mapped[Optional[Department]] = relationship(foreign_keys=[requested_department_id])
    leader: Mapped[Optional[Leader]] = relationship()
    user: Mapped[Optional[User]] = relationship(foreign_keys=[user_id])
    answered_by: Mapped[Optional[User]] = relationship(foreign_keys=[answered_by_id])
    events: Mapped[list["LetterEvent"]] = relationship(
        back_populates="letter", order_by="LetterEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["LetterAttachment"]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterAttachment.id"
    )
    extensions: Mapped[list["LetterExtension"]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterExtension.id"
    )

    # --- what the public sees (core.privacy: personal data hidden) -------------------

    @property
    def public_name(self) -> str:
        """王** — the name as published."""
        return privacy.mask_name(self.name)

    @property
    def public_copy_current(self) -> bool:
        """The stored public copy was made by today's masking rules from today's texts."""
        return self.masked_rules == MASK_RULES

    def store_public_copy(self) -> None:
        """Mask the title, body and answer with today's rules and keep the result (at
        publication, and again by ``letters reindex`` after the rules change)."""
        names = privacy.names_in((self.title, self.body), (self.name,), html=(self.answer_html,))
        self.masked_names = list(names)
        self.masked_title = privacy.mask_text(self.title, names=names)
        self.masked_body = privacy.mask_text(self.body, names=names)
        self.masked_answer_html = str(privacy.mask_html(self.answer_html, names=names))
        self.masked_rules = MASK_RULES

    @property
    def public_names(self) -> tuple[str, ...]:
        """The writer's name and every name found in the title, body or answer: each is
        hidden wherever it appears in the letter."""
        if self.public_copy_current:
            return tuple(self.masked_names or ())
        return privacy.names_in((self.title, self.body), (self.name,), html=(self.answer_html,))

    @property
    def public_title(self) -> str:
        if self.public_copy_current:
            return self.masked_title or ""
        return privacy.mask_text(self.title, names=self.public_names)

    @property
    def public_body(self) -> str:
        if self.public_copy_current:
            return self.masked_body or ""
        return privacy.mask_text(self.body, names=self.public_names)

    def public_excerpt(self, length: int = 120, names: tuple[str, ...] | None = None) -> str:
        """The masked body cut to ``length`` characters (masked first, so no number is cut
        into a part that escapes the masking). ``names``: the names hidden in a text that
        quotes this letter with others (a monthly summary), which include this letter's."""
        body = self.public_body if names is None else privacy.mask_text(self.body, names=names)
        return body[:length] + ("…" if len(body) > length else "")

    @property
    def public_answer_html(self):
        """The department's answer as published (sanitised, personal data hidden)."""
        if self.public_copy_current:
            return Markup(self.masked_answer_html or "")
        return privacy.mask_html(self.answer_html, names=self.public_names)

    # --- derived state ----------------------------------------------------------------

    @hybrid_property
    def overdue(self) -> bool:
        """Open (somebody owes an action) and past its deadline: the one overdue rule."""
        return self.status in OPEN_STATUSES and self.due_at is not None and self.due_at < clock.now()

    @overdue.inplace.expression
    @classmethod
    def _overdue_expression(cls):
        return sa.and_(cls.status.in_(OPEN_STATUSES), cls.due_at.is_not(None), cls.due_at < clock.now())

    @hybrid_property
    def warning(self) -> bool:
        """In the last working day before the deadline (黄牌), not yet overdue."""
        now = clock.now()
        return (
            self.status in OPEN_STATUSES
            and self.warn_at is not None
            and self.due_at is not None
            and self.warn_at <= now <= self.due_at
        )

    @warning.inplace.expression
    @classmethod
    def _warning_expression(cls):
        now = clock.now()
        return sa.and_(cls.status.in_(OPEN_STATUSES), cls.warn_at <= now, cls.due_at >= now)

    @property
    def deadline_state(self) -> str:
        """``overdue`` (红牌), ``warning`` (黄牌), ``normal`` or ``none`` (nothing owed)."""
        if self.status not in OPEN_STATUSES or self.due_at is None:
            return "none"
        if self.overdue:
            return "overdue"
        if self.warning:
            return "warning"
        return "normal"

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def public_status_label(self) -> str:
        return self.status.public_label

    @hybrid_property
    def has_final_answer(self) -> bool:
        """答复/办结: answered and approved by the office, so the citizen has the answer (may
        rate it) — the one rule of "answered" for the statistics, the reports and the API."""
        return self.status is LetterStatus.CLOSED and self.answered_at is not None

    @has_final_answer.inplace.expression
    @classmethod
    def _has_final_answer_expression(cls):
        return sa.and_(cls.status == LetterStatus.CLOSED, cls.answered_at.is_not(None))

    @hybrid_property
    def not_accepted(self) -> bool:
        """不予受理: the office refused the letter."""
        return self.status is LetterStatus.REJECTED

    @not_accepted.inplace.expression
    @classmethod
    def _not_accepted_expression(cls):
        return cls.status == LetterStatus.REJECTED

    @property
    def public_status(self) -> LetterStatus:
        return self.status.public

    @hybrid_property
    def held_by_office(self) -> bool:
        """The office holds the letter (to accept it, or to route it again)."""
        return self.status in OFFICE_STATUSES

    @held_by_office.inplace.expression
    @classmethod
    def _held_by_office_expression(cls):
        return cls.status.in_(OFFICE_STATUSES)

    @hybrid_property
    def held_by_department(self) -> bool:
        """The department holds the letter (to answer it, ask for more time or return it)."""
        return self.status in DEPARTMENT_STATUSES

    @held_by_department.inplace.expression
    @classmethod
    def _held_by_department_expression(cls):
        return cls.status.in_(DEPARTMENT_STATUSES)

    @property
    def public_department(self) -> Department | None:
        """The department a citizen is told handles the letter (none while the office holds
        it or after it was not accepted)."""
        if self.held_by_office or self.not_accepted:
            return None
        return self.department

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def channel_label(self) -> str:
        return self.channel.label

    @property
    def rating_label(self) -> str:
        return self.rating.label if self.rating else ""

    @property
    def pending_extension(self) -> Optional["LetterExtension"]:
        for extension in self.extensions:
            if extension.status is ExtensionStatus.PENDING:
                return extension
        return None

    @property
    def public_events(self) -> list["LetterEvent"]:
        return [e for e in self.events if e.public]

    def __repr__(self) -> str:
        return f"<Letter {self.number} {self.status.value}>"


class LetterPage(db.Model):
    """A published letter's public page as rendered (its article: everything between the
    site's header and footer), kept so a visit reads one row instead of loading the letter
    with its events and rendering them (``letters.pages``). Only what every visitor sees
    (the public copy, the public timeline); shown only while ``serial`` is the letter's
    ``page_serial``, ``code`` today's templates and masking rules and ``department_name``
    the department's name of today."""

    __tablename__ = "letter_pages"

    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True)
    #: The letter's ``page_serial`` the page was rendered from.
    serial: Mapped[int]
    #: The letter's number (an id SQLite gives again after a deletion is another letter).
    number: Mapped[str] = mapped_column(sa.String(32))
    #: Digest of the templates, the masking rules and the code that shaped the page.
    code: Mapped[str] = mapped_column(sa.String(16))
    #: The answering department's name as shown (a renamed department renders anew).
    department_name: Mapped[str] = mapped_column(sa.String(80), default="")
    #: The page's title (its public, masked title).
    title: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text)


class LetterNumberCounter(db.Model):
    """The last letter number issued per Beijing day: numbers are counted, never derived
    from the letters (no ``max()`` over strings), unbounded (``-10000`` follows ``-9999``)
    and unique under concurrency (the row is updated inside the submitting transaction)."""

    __tablename__ = "letter_number_counters"

    #: ``yyyymmdd`` (Beijing date of submission).
    day: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class LetterMonthCount(db.Model):
    """Running totals of the letter statistics per Beijing month of submission and holding
    department (``0``: none), kept in step by a flush hook (``letters/monthcounts.py``),
    so the statistics read a few hundred rows instead of aggregating a year of letters,
    and the public list (来信选登) its total of published letters instead of counting them.
    Overdue is not here: it depends on the clock and is counted live (few letters)."""

    __tablename__ = "letter_month_counts"

    #: ``YYYY-MM`` (Beijing month of ``Letter.submitted_at``).
    month: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    department_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    received: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    on_time: Mapped[int] = mapped_column(default=0)
    workdays_total: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)
    #: Published letters (来信选登) of the month and department.
    published: Mapped[int] = mapped_column(default=0)


class LetterEvent(db.Model):
    """One step of a letter's handling (办理流程): who, when, from/to, note."""

    __tablename__ = "letter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=_utcnow)
    #: Workflow action (``accept``, ``assign``, ``transfer``, ``answer``, ``extension_requested`` …).
    action: Mapped[str] = mapped_column(sa.String(32))
    from_status: Mapped[Optional[LetterStatus]] = mapped_column(str_enum(LetterStatus, 16))
    to_status: Mapped[Optional[LetterStatus]] = mapped_column(str_enum(LetterStatus, 16))
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Staff name for the office; the public timeline shows ``public_label`` instead.
    actor_label: Mapped[str] = mapped_column(sa.String(80), default="系统")
    #: Who acted as the citizen sees it (办公室, a department's name, 来信人).
    public_label: Mapped[str] = mapped_column(sa.String(80), default="")
    #: Internal note (comments of the review, reasons).
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Text shown in the citizen's timeline (never internal comments).
    public_note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Whether the citizen sees this step in the public timeline.
    public: Mapped[bool] = mapped_column(default=False)
    #: Department involved (the target of a routing).
    department_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("departments.id"))
    data: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)

    letter: Mapped[Letter] = relationship(back_populates="events")
    department: Mapped[Optional[Department]] = relationship()

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def to_status_label(self) -> str:
        return self.to_status.label if self.to_status is not None else ""


class LetterAttachment(db.Model):
    """A citizen's attachment (image/PDF), private: served to staff in scope only."""

    __tablename__ = "letter_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))

    letter: Mapped[Letter] = relationship(back_populates="attachments")
    file: Mapped[StoredFile] = relationship()


class LetterExtension(db.Model):
    """A department's request for more time (延期), decided by the office."""

    __tablename__ = "letter_extensions"
    __table_args__ = (
        # At most one request waits for the office per letter (a copy sent at the same
        # instant breaks this index; workflow.request_extension turns that into its 409).
        sa.Index("uq_letter_extensions_pending", "letter_id", unique=True,
                 sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExtensionStatus] = mapped_column(
        str_enum(ExtensionStatus, 16), default=ExtensionStatus.PENDING, index=True
    )
    #: Extra working days asked for, counted from the current deadline.
    extra_workdays: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=_utcnow)
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[Optional[datetime]]
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    old_due_at: Mapped[Optional[datetime]]
    new_due_at: Mapped[Optional[datetime]]

    letter: Mapped[Letter] = relationship(back_populates="extensions")
    requested_by: Mapped[Optional[User]] = relationship(foreign_keys=[requested_by_id])


class SummaryStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


#: Typical cases (典型案例) of a monthly summary: published letters, in order.
letter_summary_cases = sa.Table(
    "letter_summary_cases",
    db.metadata,
    sa.Column("summary_id", sa.ForeignKey("monthly_summaries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("letter_id", sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
)


class MonthlySummary(TimestampMixin, db.Model):
    """领导信箱每月汇总: drafted for a month, edited and published by the office."""

    __tablename__ = "monthly_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``YYYY-MM`` (Beijing time).
    month: Mapped[str] = mapped_column(sa.String(7), unique=True)
    status: Mapped[SummaryStatus] = mapped_column(
        str_enum(SummaryStatus, 16), default=SummaryStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(120))
    #: Sanitised rich text written by the office.
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    #: Counts by kind/department, on-time rate … as computed when drafted.
    stats: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[Optional[datetime]]

    cases: Mapped[list[Letter]] = relationship(
        secondary=letter_summary_cases, order_by=letter_summary_cases.c.position
    )

    # --- what the public sees (core.privacy: personal data hidden) -------------------

    @property
    def public_names(self) -> tuple[str, ...]:
        """The names hidden in its typical cases (the letters it quotes, withdrawn ones
        too) and those found in its own title and text: the office's text retelling a
        case (市民柏秀兰反映……) hides the people the letter page hides."""
        return privacy.names_in((self.title,), privacy.names_of(self.cases), html=(self.body_html,))

    @property
    def public_title(self) -> str:
        return privacy.mask_text(self.title, names=self.public_names)

    @property
    def public_body_html(self):
        return privacy.mask_html(self.body_html, names=self.public_names)


def _create_search_index(target, connection, **kw) -> None:
    create_search_index(connection)


def _drop_search_index(target, connection, **kw) -> None:
    drop_search_index(connection)


@sa.event.listens_for(Letter.title, "set")
@sa.event.listens_for(Letter.body, "set")
@sa.event.listens_for(Letter.name, "set")
@sa.event.listens_for(Letter.answer_html, "set")
def _texts_changed(target: Letter, value, old, _initiator) -> None:
    """A text of the letter changed: its stored public copy no longer shows it (the pages
    mask the letter at every view until the copy is stored again)."""
    if value != old:
        target.masked_rules = None


# ``db.create_all()`` builds the full-text index right after the letters table.
sa.event.listen(Letter.__table__, "after_create", _create_search_index)
sa.event.listen(Letter.__table__, "before_drop", _drop_search_index)

# The statistics' running totals follow every flush of letters (registers the hook).
from interact.letters import monthcounts as _monthcounts  # noqa: E402,F401
