"""Tables of the shared building blocks (audit trail, calendar, sensitive words, settings,
stored files, notifications and the e-mail outbox, job runs)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from interact.core import privacy
from interact.core.enums import LabeledEnum
from interact.db import TimestampMixin, _utcnow, str_enum
from interact.extensions import db


class AuditEvent(db.Model):
    """One recorded state change: who did what to which object, when."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it happened (UTC).
    occurred_at: Mapped[datetime] = mapped_column(default=_utcnow, index=True)
    #: The staff member or citizen account that acted; NULL for the public or the system.
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Display name of the actor at the time (kept even if the account is renamed).
    actor_label: Mapped[str] = mapped_column(sa.String(80), default="系统")
    #: Dotted action name, e.g. ``letter.assigned`` or ``user.locked``.
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: Kind of object acted on (``letter``, ``user``, ``department`` …).
    target_type: Mapped[str] = mapped_column(sa.String(32))
    target_id: Mapped[Optional[int]]
    #: Free-text note shown in histories.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Structured details (old/new values), never personal data of citizens.
    data: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    #: Remote address of the request, for security events (log-in failures).
    ip: Mapped[Optional[str]] = mapped_column(sa.String(45))


class SensitiveWordLevel(LabeledEnum):
    """How a hit is handled; the label is the list's 处理方式 column, its form and its lead."""

    #: Hold the text for manual review.
    REVIEW = "review", "转人工审核"
    #: Refuse the text outright (e.g. obvious spam or abuse).
    BLOCK = "block", "直接拒绝提交"


class SensitiveWord(TimestampMixin, db.Model):
    """An entry of the office-editable sensitive-word list (敏感词)."""

    __tablename__ = "sensitive_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The word as matched after normalisation (case, width, traditional → simplified).
    word: Mapped[str] = mapped_column(sa.String(64), unique=True)
    level: Mapped[SensitiveWordLevel] = mapped_column(
        str_enum(SensitiveWordLevel, 16), default=SensitiveWordLevel.REVIEW
    )
    #: Optional category shown to moderators (广告, 辱骂, 涉密 …).
    category: Mapped[str] = mapped_column(sa.String(32), default="")


class CalendarDayKind(LabeledEnum):
    """The kind of a calendar override; the label is the calendar's 类型 column, its form
    and the audit note."""

    #: A statutory holiday or rest day that would otherwise be a working day.
    HOLIDAY = "holiday", "放假"
    #: A make-up working day (调休上班) that would otherwise be a weekend.
    WORKDAY = "workday", "调休上班"


class CalendarDay(TimestampMixin, db.Model):
    """Admin-maintained override of the working-day calendar (节假日/调休设置).

    chinese-calendar covers the years its release knows; these rows add the years it does
    not cover yet and win over it where both speak of a day.
    """

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    kind: Mapped[CalendarDayKind] = mapped_column(str_enum(CalendarDayKind, 16))
    #: Holiday name shown to staff (春节, 国庆节 …).
    name: Mapped[str] = mapped_column(sa.String(32), default="")


class Setting(db.Model):
    """A small key/value store for admin settings and cross-process version stamps."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(default=_utcnow, onupdate=_utcnow)


class WriteLock(db.Model):
    """A named lock a transaction takes before a check-then-write rule
    (:func:`interact.core.atomic.serialize`); ``taken`` only counts how often."""

    __tablename__ = "write_locks"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    taken: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class StoredFile(db.Model):
    """An uploaded file kept outside ``static/`` under ``UPLOAD_FOLDER``."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random public key used in URLs (never the database id).
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: File name as uploaded, for downloads only (never used as a path).
    original_name: Mapped[str] = mapped_column(sa.String(200))
    #: MIME type detected from the file's content, not from the browser.
    content_type: Mapped[str] = mapped_column(sa.String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Public files (interview photos, draft documents) are served to anyone; private
    #: ones (letter attachments) only through the owning module's scoped route.
    public: Mapped[bool] = mapped_column(default=False)
    uploaded_at: Mapped[datetime] = mapped_column(default=_utcnow)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: One-time token of the upload form that stored it (``uploads.save_upload_once``): the
    #: form sent twice stores one file.
    form_token: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)

    @property
    def public_name(self) -> str:
        """The file name as the public sees it (a page's link, the API, the download name):
        what a clerk typed into it passes the publication masking (起草人王小明13800138000
        → 起草人王**[电话])."""
        return privacy.mask_text(self.original_name)


class Notification(db.Model):
    """An in-app notice in a staff member's inbox (通知)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # One notice per user and dedup key: a job that runs twice notifies once.
        sa.UniqueConstraint("user_id", "dedup_key", name="uq_notifications_user_dedup"),
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
        # The unread notices about one object, whoever holds them (``notify.mark_read_about``:
        # a step on a letter settles its notices); partial, so it holds only what is unread.
        sa.Index("ix_notifications_unread_url", "url", sqlite_where=sa.text("read_at IS NULL"),
                 postgresql_where=sa.text("read_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: Dotted kind, e.g. ``letter.assigned``, ``letter.overdue``, ``survey.feedback_due``.
    kind: Mapped[str] = mapped_column(sa.String(48))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: Site-relative link to the object (``/staff/letters/12``); the notices with the same
    #: link are about the same object (opening it, or a step on it, marks them read).
    url: Mapped[Optional[str]] = mapped_column(sa.String(500))
    #: Idempotency key chosen by the caller (``letter:12:overdue``); NULL = always new.
    dedup_key: Mapped[Optional[str]] = mapped_column(sa.String(160))
    #: Not indexed: a user's notices are found by ix_notifications_user_read (and the
    #: deadline sweep writes tens of thousands of them at once over a backlog).
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    #: When the user opened or dismissed it; NULL = unread.
    read_at: Mapped[Optional[datetime]]


class EmailStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboundEmail(db.Model):
    """A queued e-mail (the outbox); sent by the ``notify.send_mail`` job, retried on failure."""

    __tablename__ = "outbound_emails"
    __table_args__ = (sa.Index("ix_outbound_emails_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[EmailStatus] = mapped_column(str_enum(EmailStatus, 16), default=EmailStatus.PENDING)
    #: Delivery attempts made so far.
    attempts: Mapped[int] = mapped_column(default=0)
    #: The SMTP error of the last failed attempt.
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    #: Not tried before this moment (back-off after a failure).
    next_attempt_at: Mapped[datetime] = mapped_column(default=_utcnow)
    sent_at: Mapped[Optional[datetime]]
    #: Idempotency key: ``notification:<id>`` or the caller's key for citizen mail.
    dedup_key: Mapped[Optional[str]] = mapped_column(sa.String(200), unique=True)
    #: The in-app notice this mail copies, if any (kept when the mail fails).
    notification_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)


class OutboxMessage(db.Model):
    """A text message or one-time-code e-mail recorded instead of sent (``SMS_BACKEND=outbox``:
    the demo and the tests, :mod:`interact.core.sms`); a production process refuses that
    backend, so this table stays empty there. Rows are forgotten after a day
    (``accounts.purge_codes``)."""

    __tablename__ = "message_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``sms`` or ``email``.
    channel: Mapped[str] = mapped_column(sa.String(8))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow, index=True)


class JobOutcome(LabeledEnum):
    RUNNING = "running", "运行中"
    OK = "ok", "成功"
    ERROR = "error", "出错"
    SKIPPED = "skipped", "跳过"


class JobRun(db.Model):
    """One run of a scheduled job (定时任务运行记录), shown to the admin."""

    __tablename__ = "job_runs"
    __table_args__ = (sa.Index("ix_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``<module>.<name>`` as in the module's ``JOBS``.
    job_id: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(default=_utcnow)
    finished_at: Mapped[Optional[datetime]]
    outcome: Mapped[JobOutcome] = mapped_column(str_enum(JobOutcome, 16), default=JobOutcome.RUNNING)
    #: What the job did, as returned by its function (``{"warned": 3, "overdue": 1}``).
    counts: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    #: Error text (exception and message) or the reason for a skip.
    error: Mapped[str] = mapped_column(sa.Text, default="")
    #: ``scheduler``, ``cli`` or ``web:<username>`` (run now).
    trigger: Mapped[str] = mapped_column(sa.String(64), default="scheduler")

    @property
    def trigger_label(self) -> str:
        """Who started the run, in Chinese (``web:<username>`` → 手动运行（username）)."""
        if self.trigger.startswith("web:"):
            return f"手动运行（{self.trigger[4:]}）"
        return {"scheduler": "定时调度", "cli": "命令行"}.get(self.trigger, "其他")


class WebSession(db.Model):
    """A browser session kept on the server (:mod:`interact.core.sessions`); the cookie holds
    only a random id."""

    __tablename__ = "web_sessions"

    #: SHA-256 (hex) of the id in the cookie; the id itself is never stored.
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: The session's contents (Flask's tagged JSON).
    data: Mapped[str] = mapped_column(sa.Text)
    #: The logged-in account, so its sessions can all be ended (no foreign key: a session
    #: row is disposable and never blocks deleting a user).
    user_id: Mapped[Optional[int]] = mapped_column(index=True)
    #: After this the session no longer opens; the ``sessions.purge`` job removes it.
    expires_at: Mapped[datetime] = mapped_column(index=True)
