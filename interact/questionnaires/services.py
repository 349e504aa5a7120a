"""Questionnaire rules: building, validating and recording responses, tallies.

Owners (survey collections, interviews …) register a resolver with :func:`register_owner`;
the builder asks it for the department that may edit the questionnaire and where to link
back to. Once a questionnaire has responses its questions can no longer change, so every
tally counts answers to the questions as they were asked.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Callable

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from interact.core import atomic, audit
from interact.core.errors import Conflict, InvalidInput, NotFound
from interact.core.lookup import get_or_404
from interact.core.textnorm import strip_controls
from interact.core.permissions import ensure_department_scope
from interact.extensions import db
from interact.questionnaires.models import (
    CHOICE_KINDS,
    LONG_TEXT_MAX,
    OTHER_TEXT_MAX,
    RATING_LABELS,
    RATING_MAX,
    RATING_MIN,
    SHORT_TEXT_MAX,
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionOption,
    Response,
    ResponseChannel,
)

audit.register_actions({
    "questionnaire.created": "创建问卷", "questionnaire.info_updated": "修改问卷说明",
    "questionnaire.question_added": "添加题目", "questionnaire.question_updated": "修改题目",
    "questionnaire.question_deleted": "删除题目", "questionnaire.question_moved": "调整题目顺序",
    "questionnaire.response_received": "收到问卷答卷",
}, targets={"questionnaire": "问卷"})

MAX_QUESTIONS = 60
MAX_OPTIONS = 30
OTHER_VALUE = "other"


# --------------------------------------------------------------------------- owners


@dataclass(frozen=True)
class OwnerInfo:
    """What the builder needs to know about a questionnaire's owner."""

    #: Department whose handlers may edit (office and admin always may).
    department_id: int | None
    #: Human label, e.g. "民意征集：……".
    label: str
    #: Endpoint and arguments of the owner's staff page (the builder's "back" link).
    back_endpoint: str
    back_values: dict = field(default_factory=dict)
    #: A reason the owner forbids editing (e.g. the collection has ended), or None.
    locked_reason: str | None = None

    @property
    def back_url(self) -> str:
        return url_for(self.back_endpoint, **self.back_values)


_owners: dict[str, Callable[[int], OwnerInfo | None]] = {}


def register_owner(owner_type: str, resolver: Callable[[int], OwnerInfo | None]) -> None:
    """Register how to resolve ``(owner_type, owner_id)``; called at import by owner modules."""
    _owners[owner_type] = resolver


def owner_info(questionnaire: Questionnaire) -> OwnerInfo:
    resolver = _owners.get(questionnaire.owner_type)
    info = resolver(questionnaire.owner_id) if resolver else None
    if info is None:
        raise NotFound("该问卷所属的事项不存在。")
    return info


# --------------------------------------------------------------------------- building


def create_questionnaire(owner_type: str, owner_id: int, *, title: str = "", intro: str = "",
                         actor=None) -> Questionnaire:
    """Create an empty questionnaire for an owner (the owner module checks permissions)."""
    questionnaire = Questionnaire(owner_type=owner_type, owner_id=owner_id, title=title.strip()[:200],
                                  intro=(intro or "").strip())
    db.session.add(questionnaire)
    db.session.flush()
    audit.record("questionnaire.created", "questionnaire", questionnaire.id, actor=actor,
                 note=f"{audit.target_label(owner_type)} #{owner_id}")  # read in 操作记录: no raw code
    return questionnaire


def get_questionnaire(questionnaire_id: int) -> Questionnaire:
    return get_or_404(Questionnaire, questionnaire_id, "该问卷不存在。")


def response_count(questionnaire: Questionnaire) -> int:
    return db.session.scalar(
        db.select(db.func.count(Response.id)).where(Response.questionnaire_id == questionnaire.id)
    ) or 0


def edit_refusal(questionnaire: Questionnaire) -> str | None:
    """Why the questions cannot be edited now, or None when they can."""
    count = response_count(questionnaire)
    if count:
        return f"该问卷已收到 {count} 份答卷，题目不能再修改（否则统计结果将失真）。"
    return owner_info(questionnaire).locked_reason


def ensure_editable(questionnaire: Questionnaire, actor) -> None:
    """Department scope of the owner, then no responses and no lock by the owner."""
    ensure_department_scope(actor, owner_info(questionnaire).department_id)
    reason = edit_refusal(questionnaire)
    if reason:
        raise Conflict(reason)


@dataclass
class QuestionData:
    kind: QuestionKind
    text: str
    help_text: str = ""
    required: bool = True
    options: list[str] = field(default_factory=list)
    min_choices: int | None = None
    max_choices: int | None = None
    allow_other: bool = False
    other_label: str = ""


def parse_option_lines(text: str | None) -> list[str]:
    """Options typed one per line in the builder form."""
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


def _check_question(data: QuestionData) -> QuestionData:
    errors: dict[str, str] = {}
    data.text = (data.text or "").strip()
    data.help_text = (data.help_text or "").strip()
    data.other_label = (data.other_label or "").strip() or "其他（请注明）"
    if not data.text:
        errors["text"] = "请填写题目"
    elif len(data.text) > 500:
        errors["text"] = "题目不超过500字"
    if len(data.help_text) > 500:
        errors["help_text"] = "说明不超过500字"
    if len(data.other_label) > 40:
        errors["other_label"] = "不超过40字"
    if data.kind in CHOICE_KINDS:
        options = [o.strip() for o in data.options if o and o.strip()]
        if len(options) + (1 if data.allow_other else 0) < 2:
            errors["options"] = "选择题至少需要两个选项（每行一个）"
        elif len(options) > MAX_OPTIONS:
            errors["options"] = f"选项不超过{MAX_OPTIONS}个"
        elif len(set(options)) != len(options):
            errors["options"] = "选项不能重复"
        elif any(len(o) > 200 for o in options):
            errors["options"] = "每个选项不超过200字"
        data.options = options
        if data.kind is QuestionKind.MULTIPLE:
            total = len(options) + (1 if data.allow_other else 0)
            low, high = data.min_choices, data.max_choices
            if low is not None and (low < 0 or low > total):
                errors["min_choices"] = f"最少选择数应在 0–{total} 之间"
            elif high is not None and (high < 1 or high > total):
                errors["max_choices"] = f"最多选择数应在 1–{total} 之间"
            elif low is not None and high is not None and low > high:
                errors["max_choices"] = "最多选择数不能小于最少选择数"
            data.min_choices = low or None
            data.max_choices = high
        else:
            data.min_choices = data.max_choices = None
    else:
        data.options = []
        data.allow_other = False
        data.min_choices = data.max_choices = None
    if errors:
        raise InvalidInput("题目设置有误，请按提示修改。", fields=errors)
    return data


def _set_options(question: Question, labels: list[str]) -> None:
    question.options.clear()
    db.session.flush()
    for position, label in enumerate(labels, start=1):
        question.options.append(QuestionOption(position=position, label=label))


def add_question(questionnaire: Questionnaire, data: QuestionData, *, actor,
                 form_token: str | None = None) -> Question:
    """Add a question at the end.

    :param form_token: the 添加题目 form's one-time token: the form sent several times (a
        double click, also at the same instant) adds the question once; a copy returns it.
    """
    ensure_editable(questionnaire, actor)
    data = _check_question(data)

    def make(token: str | None) -> Question:
        if len(questionnaire.questions) >= MAX_QUESTIONS:
            raise Conflict(f"一份问卷最多{MAX_QUESTIONS}道题。")
        return Question(
            questionnaire_id=questionnaire.id, position=len(questionnaire.questions) + 1, kind=data.kind,
            text=data.text, help_text=data.help_text, required=data.required, min_choices=data.min_choices,
            max_choices=data.max_choices, allow_other=data.allow_other, other_label=data.other_label,
            form_token=token,
        )

    question, created = atomic.create_once(Question, atomic.form_token(form_token), actor, make, creator=None)
    if not created:
        return question
    db.session.expire(questionnaire, ["questions"])
    _set_options(question, data.options)
    db.session.flush()
    audit.record("questionnaire.question_added", "questionnaire", questionnaire.id, actor=actor,
                 note=data.text[:100])
    return question


def update_question(question: Question, data: QuestionData, *, actor) -> Question:
    ensure_editable(question.questionnaire, actor)
    data = _check_question(data)
    question.kind = data.kind
    question.text = data.text
    question.help_text = data.help_text
    question.required = data.required
    question.min_choices, question.max_choices = data.min_choices, data.max_choices
    question.allow_other, question.other_label = data.allow_other, data.other_label
    _set_options(question, data.options)
    db.session.flush()
    audit.record("questionnaire.question_updated", "questionnaire", question.questionnaire_id, actor=actor,
                 note=data.text[:100])
    return question


def delete_question(question: Question, *, actor) -> None:
    questionnaire = question.questionnaire
    ensure_editable(questionnaire, actor)
    audit.record("questionnaire.question_deleted", "questionnaire", questionnaire.id, actor=actor,
                 note=question.text[:100])
    questionnaire.questions.remove(question)
    db.session.flush()
    _renumber(questionnaire)


def move_question(question: Question, offset: int, *, actor) -> None:
    """Move a question up (``-1``) or down (``+1``); the ends stay where they are."""
    questionnaire = question.questionnaire
    ensure_editable(questionnaire, actor)
    questions = list(questionnaire.questions)
    index = questions.index(question)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(questions):
        return
    questions[index], questions[target] = questions[target], questions[index]
    for position, item in enumerate(questions, start=1):
        item.position = position
    db.session.flush()
    db.session.expire(questionnaire, ["questions"])
    audit.record("questionnaire.question_moved", "questionnaire", questionnaire.id, actor=actor,
                 note=f"{question.text[:60]} → 第{target + 1}题")


def _renumber(questionnaire: Questionnaire) -> None:
    for position, item in enumerate(sorted(questionnaire.questions, key=lambda q: q.position), start=1):
        item.position = position
    db.session.flush()


def update_info(questionnaire: Questionnaire, title: str, intro: str, *, actor) -> None:
    """Title and introduction may change even after responses (they do not affect tallies)."""
    ensure_department_scope(actor, owner_info(questionnaire).department_id)
    title, intro = (title or "").strip(), (intro or "").strip()
    if len(title) > 200:
        raise InvalidInput("标题不超过200字。", fields={"title": "不超过200字"})
    if len(intro) > 2000:
        raise InvalidInput("说明不超过2000字。", fields={"intro": "不超过2000字"})
    questionnaire.title, questionnaire.intro = title, intro
    db.session.flush()
    audit.record("questionnaire.info_updated", "questionnaire", questionnaire.id, actor=actor)


# --------------------------------------------------------------------------- answering


@dataclass
class AnswerValue:
    """A validated answer to one question."""

    question: Question
    option_ids: list[int] = field(default_factory=list)
    #: Text written for "other" (not None means the "other" choice was ticked).
    other_text: str | None = None
    text: str = ""
    rating: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.option_ids or self.other_text is not None or self.text or self.rating is not None)


def _values(raw: Mapping[str, Sequence[str] | str], name: str) -> list[str]:
    value = raw.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    # (control characters dropped as every form's text fields drop them: a NUL in a text
    # answer made PostgreSQL refuse the submission, attack Q3)
    texts = (strip_controls(str(v)).strip() for v in value if v is not None)
    return [text for text in texts if text]


def validate_answers(questionnaire: Questionnaire, raw: Mapping[str, Sequence[str] | str]) -> list[AnswerValue]:
    """Check a submission against the questions.

    :param raw: field name → submitted values: ``q<id>`` holds option ids (or ``other``), the
        text, or the rating; ``q<id>_other`` the text for "other". A browser form's
        ``to_dict(flat=False)`` has exactly this shape.
    :raises InvalidInput: with ``fields`` keyed by ``q<id>`` (Chinese messages).
    """
    errors: dict[str, str] = {}
    answers: list[AnswerValue] = []
    if not questionnaire.questions:
        raise InvalidInput("该问卷还没有题目。")
    for question in questionnaire.questions:
        name = question.field_name
        values = _values(raw, name)
        answer = AnswerValue(question)
        try:
            if question.kind in CHOICE_KINDS:
                _choice_answer(question, values, _values(raw, question.other_field_name), answer)
            elif question.kind is QuestionKind.RATING:
                _rating_answer(values, answer)
            else:
                _text_answer(question, values, answer)
        except ValueError as error:
            errors[name] = str(error)
            continue
        if question.required and answer.is_empty:
            errors[name] = "此题为必答题"
            continue
        answers.append(answer)
    if errors:
        raise InvalidInput(f"问卷有 {len(errors)} 处需要修改，请按提示填写。", fields=errors)
    return answers


def _choice_answer(question: Question, values: list[str], other_values: list[str], answer: AnswerValue) -> None:
    valid = {str(option.id): option.id for option in question.options}
    chosen: list[int] = []
    other = False
    for value in dict.fromkeys(values):
        if value == OTHER_VALUE and question.allow_other:
            other = True
        elif value in valid:
            chosen.append(valid[value])
        else:
            raise ValueError("所选选项无效，请重新选择")
    count = len(chosen) + (1 if other else 0)
    if question.kind is QuestionKind.SINGLE and count > 1:
        raise ValueError("此题只能选择一项")
    if question.kind is QuestionKind.MULTIPLE and count:
        if question.min_choices and count < question.min_choices:
            raise ValueError(f"此题至少选择 {question.min_choices} 项")
        if question.max_choices and count > question.max_choices:
            raise ValueError(f"此题最多选择 {question.max_choices} 项")
    if question.kind is QuestionKind.MULTIPLE and not count and question.required and question.min_choices:
        raise ValueError(f"此题为必答题，至少选择 {question.min_choices} 项")
    if other:
        text = other_values[0] if other_values else ""
        if not text:
            raise ValueError(f"选择“{question.other_label}”时请注明具体内容")
        if len(text) > OTHER_TEXT_MAX:
            raise ValueError(f"“其他”内容不超过{OTHER_TEXT_MAX}字")
        answer.other_text = text
    answer.option_ids = chosen


def _rating_answer(values: list[str], answer: AnswerValue) -> None:
    if not values:
        return
    if len(values) > 1:
        raise ValueError("评分只能选择一个分值")
    try:
        rating = int(values[0])
    except ValueError:
        raise ValueError(f"评分应为 {RATING_MIN}–{RATING_MAX} 分") from None
    if not RATING_MIN <= rating <= RATING_MAX:
        raise ValueError(f"评分应为 {RATING_MIN}–{RATING_MAX} 分")
    answer.rating = rating


def _text_answer(question: Question, values: list[str], answer: AnswerValue) -> None:
    text = "\n".join(values).strip()
    limit = SHORT_TEXT_MAX if question.kind is QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
    if len(text) > limit:
        raise ValueError(f"不超过{limit}字（当前{len(text)}字）")
    answer.text = text


def respondent_hash(questionnaire_id: int, kind: str, value: str) -> str:
    """Keyed hash of a device token or phone number, specific to one questionnaire."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"questionnaire:{questionnaire_id}:{kind}:{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


DUPLICATE_MESSAGES = {
    "device": "您已经在本设备上提交过这份问卷，每人只能提交一次。感谢您的参与！",
    "phone": "该手机号已经提交过这份问卷，每人只能提交一次。",
    "user": "您的账号已经提交过这份问卷，每人只能提交一次。",
}


def _existing(questionnaire_id: int, **where) -> str | None:
    columns = {"device": Response.device_hash, "phone": Response.phone_hash, "user": Response.user_id}
    for kind, value in where.items():
        if value is None:
            continue
        found = db.session.scalar(
            db.select(Response.id).where(Response.questionnaire_id == questionnaire_id, columns[kind] == value)
        )
        if found:
            return kind
    return None


def answered_message(questionnaire: Questionnaire, *, device_hash: str | None = None,
                     user_id: int | None = None) -> str | None:
    """Why this browser or account may not answer again (the page shows it instead of the
    form), or ``None`` while it may answer."""
    duplicate = _existing(questionnaire.id, device=device_hash, user=user_id)
    return DUPLICATE_MESSAGES[duplicate] if duplicate else None


def record_response(
    questionnaire: Questionnaire,
    answers: list[AnswerValue],
    *,
    device_hash: str | None = None,
    phone_hash: str | None = None,
    user_id: int | None = None,
    channel: ResponseChannel = ResponseChannel.WEB,
) -> Response:
    """Store a validated response; a second one for the same device, phone or account is a 409.

    The owner module checks the owner's rules first (e.g. the collection is open).
    """
    duplicate = _existing(questionnaire.id, device=device_hash, phone=phone_hash, user=user_id)
    if duplicate:
        raise Conflict(DUPLICATE_MESSAGES[duplicate])
    response = Response(questionnaire_id=questionnaire.id, device_hash=device_hash, phone_hash=phone_hash,
                        user_id=user_id, channel=channel)
    for value in answers:
        question_id = value.question.id
        for option_id in value.option_ids:
            response.answers.append(Answer(question_id=question_id, option_id=option_id))
        if value.other_text is not None:
            response.answers.append(Answer(question_id=question_id, is_other=True, text=value.other_text))
        if value.text:
            response.answers.append(Answer(question_id=question_id, text=value.text))
        if value.rating is not None:
            response.answers.append(Answer(question_id=question_id, rating=value.rating))
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        # Two submissions raced past the check above: the unique constraints decide.
        raise Conflict(DUPLICATE_MESSAGES["device"]) from None
    audit.record("questionnaire.response_received", "questionnaire", questionnaire.id,
                 data={"response_id": response.id, "channel": channel.value})
    return response


# --------------------------------------------------------------------------- tallies


@dataclass
class OptionTally:
    label: str
    count: int
    #: Share of the respondents who answered the question (multiple choice may sum > 100).
    percent: float
    is_other: bool = False


@dataclass
class QuestionTally:
    question: Question
    #: Respondents who answered this question.
    answered: int
    options: list[OptionTally] = field(default_factory=list)
    #: Rating questions: mean score (None when nobody answered).
    average: float | None = None
    #: Text answers and "other" texts; filled only when asked for (never on public pages).
    texts: list[str] = field(default_factory=list)

    @property
    def chartable(self) -> bool:
        return not self.question.is_text


def _percent(count: int, total: int) -> float:
    return round(count * 100.0 / total, 1) if total else 0.0


def tallies(questionnaire: Questionnaire, *, include_text: bool = False) -> list[QuestionTally]:
    """Counts and percentages per option (and per score for ratings).

    Free-text answers are only counted unless ``include_text`` (staff pages and exports).
    """
    qid = questionnaire.id
    answered = dict(db.session.execute(
        db.select(Answer.question_id, db.func.count(db.distinct(Answer.response_id)))
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == qid)
        .group_by(Answer.question_id)
    ).all())
    option_counts = dict(db.session.execute(
        db.select(Answer.option_id, db.func.count(Answer.id))
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == qid, Answer.option_id.is_not(None))
        .group_by(Answer.option_id)
    ).all())
    other_counts = dict(db.session.execute(
        db.select(Answer.question_id, db.func.count(Answer.id))
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == qid, Answer.is_other.is_(True))
        .group_by(Answer.question_id)
    ).all())
    rating_rows = db.session.execute(
        db.select(Answer.question_id, Answer.rating, db.func.count(Answer.id))
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == qid, Answer.rating.is_not(None))
        .group_by(Answer.question_id, Answer.rating)
    ).all()
    ratings: dict[int, dict[int, int]] = {}
    for question_id, rating, count in rating_rows:
        ratings.setdefault(question_id, {})[rating] = count

    result = []
    for question in questionnaire.questions:
        total = answered.get(question.id, 0)
        tally = QuestionTally(question=question, answered=total)
        if question.is_choice:
            for option in question.options:
                count = option_counts.get(option.id, 0)
                tally.options.append(OptionTally(option.label, count, _percent(count, total)))
            if question.allow_other:
                count = other_counts.get(question.id, 0)
                tally.options.append(OptionTally(question.other_label, count, _percent(count, total), True))
        elif question.kind is QuestionKind.RATING:
            scores = ratings.get(question.id, {})
            for score in range(RATING_MAX, RATING_MIN - 1, -1):
                count = scores.get(score, 0)
                tally.options.append(OptionTally(f"{score}分 {RATING_LABELS[score]}", count, _percent(count, total)))
            if total:
                tally.average = round(sum(s * c for s, c in scores.items()) / total, 2)
        if include_text and (question.is_text or question.allow_other):
            tally.texts = list(db.session.scalars(
                db.select(Answer.text)
                .where(Answer.question_id == question.id, Answer.text != "")
                .order_by(Answer.id)
            ))
        result.append(tally)
    return result


def definition(questionnaire: Questionnaire) -> dict:
    """The questionnaire as JSON for API clients (what to ask and how to answer), its
    text with personal data hidden as on the page (the options as typed)."""
    return {
        "id": questionnaire.id,
        "title": questionnaire.public_title,
        "intro": questionnaire.public_intro,
        "questions": [
            {
                "id": q.id,
                "position": q.position,
                "kind": q.kind.value,
                "text": q.public_text,
                "help_text": q.public_help_text,
                "required": q.required,
                "min_choices": q.min_choices,
                "max_choices": q.max_choices,
                "allow_other": q.allow_other,
                "other_label": q.other_label if q.allow_other else None,
                "options": [{"id": o.id, "label": o.label} for o in q.options],
                "rating_scale": [RATING_MIN, RATING_MAX] if q.kind is QuestionKind.RATING else None,
                "max_length": (SHORT_TEXT_MAX if q.kind is QuestionKind.SHORT_TEXT
                               else LONG_TEXT_MAX if q.kind is QuestionKind.LONG_TEXT else None),
            }
            for q in questionnaire.questions
        ],
    }


def responses_for_export(questionnaire: Questionnaire) -> tuple[list[str], list[list]]:
    """Header and one row per response (answers joined per question) for staff exports."""
    questions = list(questionnaire.questions)
    header = ["答卷编号", "提交时间", "渠道"] + [f"{q.position}. {q.text}" for q in questions]
    responses = db.session.scalars(
        db.select(Response).where(Response.questionnaire_id == questionnaire.id).order_by(Response.id)
    ).all()
    option_labels = {o.id: o.label for q in questions for o in q.options}
    rows = []
    for response in responses:
        by_question: dict[int, list[str]] = {}
        for answer in response.answers:
            if answer.option_id is not None:
                text = option_labels.get(answer.option_id, "")
            elif answer.is_other:
                text = f"{answer.question.other_label}：{answer.text}"
            elif answer.rating is not None:
                text = str(answer.rating)
            else:
                text = answer.text
            by_question.setdefault(answer.question_id, []).append(text)
        rows.append([response.id, response.submitted_at, response.channel.label]
                    + ["；".join(by_question.get(q.id, [])) for q in questions])
    return header, rows
