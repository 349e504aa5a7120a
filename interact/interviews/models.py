"""Interview records, guests, public questions, transcript entries and their history."""
from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from interact.core import privacy
from interact.core.models import StoredFile
from interact.core.enums import LabeledEnum
from interact.db import TimestampMixin, _utcnow, str_enum
from interact.departments.models import Department
from interact.extensions import db


class InterviewStatus(LabeledEnum):
    #: Prepared by the department; not public.
    DRAFT = "draft", "草稿"
    #: Announcement published by the office (访谈预告); questions accepted.
    ANNOUNCED = "announced", "预告"
    #: On air (直播中); questions accepted, transcript growing.
    LIVE = "live", "直播中"
    #: Over; questions may still be answered afterwards (会后答复).
    ENDED = "ended", "已结束"
    #: Archive complete and shown as a review (回顾).
    ARCHIVED = "archived", "回顾"


#: States the public can see.
PUBLIC_STATUSES = (
    InterviewStatus.ANNOUNCED,
    InterviewStatus.LIVE,
    InterviewStatus.ENDED,
    InterviewStatus.ARCHIVED,
)
#: States in which citizens may send questions.
QUESTION_STATUSES = (InterviewStatus.ANNOUNCED, InterviewStatus.LIVE)
#: Colour of the status tag on every page (``tag-<tone>``).
STATUS_TONES = {
    InterviewStatus.DRAFT: "muted",
    InterviewStatus.ANNOUNCED: "amber",
    InterviewStatus.LIVE: "red",
    InterviewStatus.ENDED: "",
    InterviewStatus.ARCHIVED: "green",
}


class Interview(TimestampMixin, db.Model):
    """One online interview with a department's leaders (在线访谈)."""

    __tablename__ = "interviews"
    __table_args__ = (sa.Index("ix_interviews_status_start", "status", "scheduled_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Topic shown as the title (访谈主题).
    topic: Mapped[str] = mapped_column(sa.String(200))
    #: Host department: its handlers run the interview.
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    #: Name of the host (主持人), e.g. the portal's presenter.
    host: Mapped[str] = mapped_column(sa.String(40), default="主持人")
    #: Planned start (UTC).
    scheduled_start: Mapped[datetime]
    #: Planned length in minutes.
    duration_minutes: Mapped[int] = mapped_column(default=60)
    #: Introduction (rich text, cleaned with ``clean_html`` when saved).
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    cover_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    status: Mapped[InterviewStatus] = mapped_column(
        str_enum(InterviewStatus, 16), default=InterviewStatus.DRAFT, index=True
    )
    announced_at: Mapped[Optional[datetime]]
    started_at: Mapped[Optional[datetime]]
    ended_at: Mapped[Optional[datetime]]
    archived_at: Mapped[Optional[datetime]]
    #: Summary shown in the archive (rich text, cleaned).
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: The names the approved questions hide (each question's ``public_names``), for the
    #: summary's masking, and what they were gathered from (``summary_names_key``: the masking
    #: rules' version and the approved questions' count, last id and last change). Gathered
    #: again only when that changes, not at the first view after every restart (2,000
    #: questions: 3–11 s of a worker; ``services.summary_names``).
    summary_names: Mapped[Optional[list]] = mapped_column(sa.JSON)
    summary_names_key: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    #: Uploaded video (MP4, served with Range requests at ``/files/<key>``).
    video_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    #: Or a link to the video on another site (http/https).
    video_url: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Per-interview revision counter: bumped by every transcript change (new entry,
    #: correction, retraction, pin). Entries store the value of their last change in
    #: ``seq``, so pollers ask for ``seq > after``.
    transcript_seq: Mapped[int] = mapped_column(default=0)
    #: When the "announcement still missing" reminder went out (idempotent job).
    announce_reminder_sent_at: Mapped[Optional[datetime]]
    #: When the "start time reached" reminder went out (idempotent job).
    live_reminder_sent_at: Mapped[Optional[datetime]]
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: One-time token of the 新建访谈 form that created it: a double click creates one draft.
    form_token: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)

    department: Mapped[Department] = relationship()
    cover: Mapped[Optional[StoredFile]] = relationship(foreign_keys=[cover_id])
    video: Mapped[Optional[StoredFile]] = relationship(foreign_keys=[video_id])
    guests: Mapped[list["InterviewGuest"]] = relationship(
        back_populates="interview", order_by="InterviewGuest.sort_order, InterviewGuest.id",
        cascade="all, delete-orphan",
    )
    images: Mapped[list["InterviewImage"]] = relationship(
        order_by="InterviewImage.sort_order, InterviewImage.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def status_tone(self) -> str:
        return STATUS_TONES[self.status]

    @property
    def public_names(self) -> tuple[str, ...]:
        """The names the publication masking finds in the department's own public text of
        the interview (its topic, introduction and images' captions), to be hidden wherever
        they are repeated there."""
        return privacy.names_in((self.topic, *(image.caption for image in self.images)), html=(self.introduction,))

    @property
    def public_topic(self) -> str:
        """The topic (the interview's title) as lists, the page and the API show it,
        personal data hidden (the office's pages keep what was typed)."""
        return privacy.mask_text(self.topic, names=self.public_names)

    @property
    def public_introduction_html(self) -> Markup:
        """The introduction (访谈简介) as the public reads it: sanitised, personal data hidden
        (attack H9: it was published as typed)."""
        return privacy.mask_html(self.introduction, names=self.public_names)

    @property
    def is_live(self) -> bool:
        return self.status is InterviewStatus.LIVE

    @property
    def host_label(self) -> str:
        """The host in the console's speaker list: 主持人 林晓 (the field may already say 主持人)."""
        return self.host if self.host.startswith("主持人") else f"主持人 {self.host}"

    @property
    def planned_end(self) -> datetime:
        return self.scheduled_start + timedelta(minutes=self.duration_minutes)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def takes_questions(self) -> bool:
        return self.status in QUESTION_STATUSES

    @property
    def is_upcoming(self) -> bool:
        """Not yet on air: what is missing (the guests) may still be announced."""
        return self.status in (InterviewStatus.DRAFT, InterviewStatus.ANNOUNCED)

    @property
    def is_past(self) -> bool:
        return self.status in (InterviewStatus.ENDED, InterviewStatus.ARCHIVED)

    def guest(self, guest_id: int | None) -> Optional["InterviewGuest"]:
        return next((g for g in self.guests if g.id == guest_id), None)

    def __repr__(self) -> str:
        return f"<Interview {self.id} {self.status.value}>"


class InterviewGuest(db.Model):
    """A guest of an interview (访谈嘉宾): name, title and photo."""

    __tablename__ = "interview_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    #: Official title, e.g. 市人力资源社会保障局局长.
    title: Mapped[str] = mapped_column(sa.String(80), default="")
    photo_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    sort_order: Mapped[int] = mapped_column(default=100)

    interview: Mapped[Interview] = relationship(back_populates="guests")
    photo: Mapped[Optional[StoredFile]] = relationship()


class InterviewImage(db.Model):
    """A picture in the interview's gallery (图片直播 / 回顾)."""

    __tablename__ = "interview_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))
    #: Caption, also used as the image's alternative text.
    caption: Mapped[str] = mapped_column(sa.String(200), default="")
    sort_order: Mapped[int] = mapped_column(default=100)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)

    file: Mapped[StoredFile] = relationship()

    @property
    def public_caption(self) -> str:
        """The caption (and alternative text) as the public reads it, personal data hidden."""
        return privacy.mask_text(self.caption)


class QuestionStatus(LabeledEnum):
    #: Waiting for moderation; never public.
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    #: A duplicate merged into another question (``merged_into_id``).
    MERGED = "merged", "已合并"


class InterviewQuestion(TimestampMixin, db.Model):
    """A question a member of the public sent to an interview (网友提问)."""

    __tablename__ = "interview_questions"
    __table_args__ = (sa.Index("ix_interview_questions_interview_status", "interview_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"))
    #: Optional nickname; empty shows as 网友.
    nickname: Mapped[str] = mapped_column(sa.String(20), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[QuestionStatus] = mapped_column(str_enum(QuestionStatus, 16), default=QuestionStatus.PENDING)
    #: Sensitive-word hits found at submission (held for a moderator's attention).
    flagged: Mapped[bool] = mapped_column(default=False)
    flagged_words: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Whether it arrived while the interview was live.
    asked_live: Mapped[bool] = mapped_column(default=False)
    #: The question this duplicate was merged into.
    merged_into_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("interview_questions.id", ondelete="SET NULL")
    )
    #: Number of duplicates merged into this question (shown as "同类问题 N 条").
    merged_count: Mapped[int] = mapped_column(default=0)
    moderated_at: Mapped[Optional[datetime]]
    moderated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Reason for a rejection (staff only).
    reject_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    #: When it was answered (live in the transcript, or afterwards).
    answered_at: Mapped[Optional[datetime]]
    #: Answered after the interview (会后答复) rather than live.
    answered_after: Mapped[bool] = mapped_column(default=False)
    #: Who answered afterwards (guest name or department) and the answer (plain text).
    after_responder: Mapped[str] = mapped_column(sa.String(80), default="")
    after_answer: Mapped[str] = mapped_column(sa.Text, default="")

    interview: Mapped[Interview] = relationship()
    merged_into: Mapped[Optional["InterviewQuestion"]] = relationship(remote_side=[id])

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def display_nickname(self) -> str:
        return self.nickname or "网友"

    # What the public sees (core.privacy): the nickname is the asker's choice, but numbers,
    # addresses and names written in it or in the texts are hidden.

    @property
    def public_names(self) -> tuple[str, ...]:
        """The nickname when it is a person's name (诸葛亮) and every name found in the
        question or in the answer given afterwards: each is hidden in all three."""
        nickname = privacy.as_name(self.nickname)
        return privacy.names_in((self.nickname, self.body, self.after_answer), (nickname,) if nickname else ())

    @property
    def public_nickname(self) -> str:
        return privacy.mask_text(self.display_nickname, names=self.public_names)

    @property
    def public_body(self) -> str:
        return privacy.mask_text(self.body, names=self.public_names)

    @property
    def public_after_answer(self) -> str:
        return privacy.mask_text(self.after_answer, names=self.public_names)

    @property
    def public_after_responder(self) -> str:
        """Who answered afterwards, as typed by staff (a department, a guest's post and name):
        a number or an asker's name written there is hidden like in the answer itself."""
        return privacy.mask_text(self.after_responder, names=self.public_names)


class SpeakerKind(enum.Enum):
    HOST = "host"
    GUEST = "guest"


class EntryStatus(enum.Enum):
    PUBLISHED = "published"
    #: Withdrawn by the editor; no longer shown, kept for the record.
    RETRACTED = "retracted"


class TranscriptEntry(TimestampMixin, db.Model):
    """One entry of the text transcript (文字直播), by the host or a guest.

    An entry answering a public question names it in ``question_id``.
    """

    __tablename__ = "interview_entries"
    __table_args__ = (
        # The full transcript of an interview in order: a range scan on (interview_id, id).
        sa.Index("ix_interview_entries_interview_id_id", "interview_id", "id"),
        # The polling feed: changes since a revision, a range scan on (interview_id, seq).
        sa.Index("ix_interview_entries_interview_id_seq", "interview_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"))
    speaker_kind: Mapped[SpeakerKind] = mapped_column(str_enum(SpeakerKind, 16))
    guest_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("interview_guests.id", ondelete="SET NULL"))
    #: Speaker's name at the time (kept if the guest record changes).
    speaker_name: Mapped[str] = mapped_column(sa.String(40))
    #: Plain text; escaped when shown.
    body: Mapped[str] = mapped_column(sa.Text, default="")
    question_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("interview_questions.id", ondelete="SET NULL")
    )
    image_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    pinned: Mapped[bool] = mapped_column(default=False)
    status: Mapped[EntryStatus] = mapped_column(str_enum(EntryStatus, 16), default=EntryStatus.PUBLISHED)
    #: Number of corrections made.
    revision: Mapped[int] = mapped_column(default=0)
    #: Value of the interview's ``transcript_seq`` at this entry's last change.
    seq: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The one-time token of the console form that posted the entry: a copy of the form
    #: (a double click) carries the same token and publishes nothing.
    form_token: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)

    question: Mapped[Optional[InterviewQuestion]] = relationship()
    image: Mapped[Optional[StoredFile]] = relationship()

    @property
    def public_body(self) -> str:
        """The entry as published: a host reading out a question may repeat what the asker
        wrote (a phone number, an address, the names the question's page hides)."""
        return privacy.mask_text(self.body, names=self.question.public_names if self.question else ())

    @property
    def retracted(self) -> bool:
        return self.status is EntryStatus.RETRACTED


class EntryRevision(db.Model):
    """History of corrections and retractions of a transcript entry."""

    __tablename__ = "interview_entry_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("interview_entries.id", ondelete="CASCADE"), index=True)
    #: ``corrected`` or ``retracted``.
    action: Mapped[str] = mapped_column(sa.String(16))
    old_body: Mapped[str] = mapped_column(sa.Text, default="")
    new_body: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)


class InterviewEvent(db.Model):
    """One workflow step of an interview (who moved it from which state to which)."""

    __tablename__ = "interview_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[Optional[InterviewStatus]] = mapped_column(str_enum(InterviewStatus, 16))
    to_status: Mapped[InterviewStatus] = mapped_column(str_enum(InterviewStatus, 16))
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(80), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(default=_utcnow)

    @property
    def to_label(self) -> str:
        return self.to_status.label
