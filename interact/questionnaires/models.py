"""Questionnaire definition (questions, options) and the responses citizens submit."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from interact.core import privacy
from interact.core.enums import LabeledEnum
from interact.db import TimestampMixin, _utcnow, str_enum
from interact.extensions import db


class QuestionKind(LabeledEnum):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    SHORT_TEXT = "short_text", "填空题（短文本）"
    LONG_TEXT = "long_text", "简答题（长文本）"
    RATING = "rating", "评分题（1–5分）"


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})

#: Rating scale bounds and the labels shown next to the numbers.
RATING_MIN, RATING_MAX = 1, 5
RATING_LABELS = {1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "很满意"}

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
OTHER_TEXT_MAX = 200


class Questionnaire(TimestampMixin, db.Model):
    """A questionnaire attached to one owner object of another module."""

    __tablename__ = "questionnaires"
    __table_args__ = (sa.Index("ix_questionnaires_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Kind of owner (``collection``, ``interview`` …) as registered by the owning module.
    owner_type: Mapped[str] = mapped_column(sa.String(32))
    #: Id of the owner object in its module's table.
    owner_id: Mapped[int]
    #: Title shown above the questions.
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Introduction shown to respondents (plain text).
    intro: Mapped[str] = mapped_column(sa.Text, default="")

    questions: Mapped[list["Question"]] = relationship(
        back_populates="questionnaire", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def public_names(self) -> tuple[str, ...]:
        """The names the publication masking finds in the office's own text of the
        questionnaire (title, introduction, questions), hidden wherever they repeat there."""
        return privacy.names_in((self.title, self.intro, *(t for q in self.questions for t in (q.text, q.help_text))))

    @property
    def public_title(self) -> str:
        """The title as the public reads it, personal data hidden (the office's page keeps
        what was typed)."""
        return privacy.mask_text(self.title, names=self.public_names)

    @property
    def public_intro(self) -> str:
        return privacy.mask_text(self.intro, names=self.public_names)

    def __repr__(self) -> str:
        return f"<Questionnaire {self.id} {self.owner_type}:{self.owner_id}>"


class Question(TimestampMixin, db.Model):
    __tablename__ = "questionnaire_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    #: Order within the questionnaire (1, 2, 3 …; renumbered on every move).
    position: Mapped[int] = mapped_column(default=1)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, 16))
    #: The question as respondents read it.
    text: Mapped[str] = mapped_column(sa.String(500))
    #: Optional explanation under the question.
    help_text: Mapped[str] = mapped_column(sa.String(500), default="")
    required: Mapped[bool] = mapped_column(default=True)
    #: Multiple choice: least and most options a respondent may tick (NULL = no bound).
    min_choices: Mapped[Optional[int]]
    max_choices: Mapped[Optional[int]]
    #: Choice questions: offer an "other, please specify" option with a text box.
    allow_other: Mapped[bool] = mapped_column(default=False)
    #: Label of the "other" option.
    other_label: Mapped[str] = mapped_column(sa.String(40), default="其他（请注明）")

    #: One-time token of the 添加题目 form that added it: a double click adds one question.
    form_token: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")
    options: Mapped[list["QuestionOption"]] = relationship(
        back_populates="question", order_by="QuestionOption.position", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def public_text(self) -> str:
        """The question as the public reads it, personal data hidden. (The options are left
        as typed: the choices of a public vote may name people on purpose.)"""
        return privacy.mask_text(self.text, names=self.questionnaire.public_names)

    @property
    def public_help_text(self) -> str:
        return privacy.mask_text(self.help_text, names=self.questionnaire.public_names)

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    @property
    def field_name(self) -> str:
        """Name of the form field carrying this question's answer."""
        return f"q{self.id}"

    @property
    def other_field_name(self) -> str:
        return f"q{self.id}_other"

    @property
    def choice_hint(self) -> str:
        if self.kind is not QuestionKind.MULTIPLE:
            return ""
        low, high = self.min_choices, self.max_choices
        if low and high:
            return f"请选择 {low}–{high} 项" if low != high else f"请选择 {low} 项"
        if low:
            return f"至少选择 {low} 项"
        if high:
            return f"最多选择 {high} 项"
        return "可多选"


class QuestionOption(db.Model):
    __tablename__ = "questionnaire_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_questions.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(default=1)
    label: Mapped[str] = mapped_column(sa.String(200))

    question: Mapped[Question] = relationship(back_populates="options")


class ResponseChannel(LabeledEnum):
    """How a response (or a collection's opinion) came in."""

    WEB = "web", "网站"
    API = "api", "移动端接口"
    IMPORT = "import", "导入"


class Response(db.Model):
    """One respondent's submission. Who answered is never stored in clear.

    ``device_hash`` and ``phone_hash`` are keyed hashes (HMAC with the secret key and the
    questionnaire id) used only to refuse a second response; they cannot be turned back
    into a phone number or linked across questionnaires.
    """

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        sa.UniqueConstraint("questionnaire_id", "device_hash", name="uq_questionnaire_responses_device"),
        sa.UniqueConstraint("questionnaire_id", "phone_hash", name="uq_questionnaire_responses_phone"),
        sa.UniqueConstraint("questionnaire_id", "user_id", name="uq_questionnaire_responses_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=_utcnow)
    #: Keyed hash of the browser's signed participation cookie (or the API device id).
    device_hash: Mapped[Optional[str]] = mapped_column(sa.String(64))
    #: Keyed hash of the respondent's mobile number, when one was given.
    phone_hash: Mapped[Optional[str]] = mapped_column(sa.String(64))
    #: Citizen account that answered, when logged in.
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[ResponseChannel] = mapped_column(str_enum(ResponseChannel, 16), default=ResponseChannel.WEB)

    answers: Mapped[list["Answer"]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                   order_by="Answer.id")


class Answer(db.Model):
    """One value of a response: a ticked option, the "other" text, a text, or a rating.

    A multiple-choice answer is one row per ticked option.
    """

    __tablename__ = "questionnaire_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_responses.id", ondelete="CASCADE"),
                                             index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_questions.id", ondelete="CASCADE"),
                                             index=True)
    #: The ticked option; NULL for text, rating and the "other" choice.
    option_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("questionnaire_options.id", ondelete="CASCADE"))
    #: Choice questions: True when this row is the "other, please specify" choice.
    is_other: Mapped[bool] = mapped_column(default=False)
    #: Free text (text questions, or what the respondent wrote for "other").
    text: Mapped[str] = mapped_column(sa.Text, default="")
    #: Rating questions: 1–5.
    rating: Mapped[Optional[int]]

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    option: Mapped[Optional[QuestionOption]] = relationship()
