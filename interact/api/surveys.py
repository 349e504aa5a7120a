"""Collections API: ``GET /collections``, ``GET /collections/{id}``,
``POST /collections/{id}/opinions`` and ``POST /collections/{id}/responses``.

Only published collections are returned; opinions are masked; no personal data leaves.

One response per person through the API: there is no browser cookie, so a questionnaire
response must carry a mainland mobile number (``phone``), of which only a keyed hash is
stored and which may answer a questionnaire once (409 otherwise). An optional
``X-Device-Id`` header (the app's installation id) is also held to one response. Both sit
behind the per-IP rate limit (429). See docs/surveys.md for the limits of this rule.
"""
from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, fields, validate

from interact.api import bp
from interact.api.captcha import CaptchaHeaders, require_captcha
from interact.api.schemas import (
    MOBILE_ERROR,
    MOBILE_PATTERN,
    ApiSchema,
    DepartmentRef,
    Dict,
    EnumValue,
    PageArgs,
    Pattern,
    SafeHtml,
    String,
    Url,
    choice,
    page_of,
    page_payload,
    text,
)
from interact.core.errors import DomainError
from interact.extensions import db, limiter, public_post_limit
from interact.questionnaires import services as questionnaires
from interact.questionnaires.models import QuestionKind, ResponseChannel
from interact.surveys import services
from interact.surveys.models import Adoption, CollectionKind, CollectionPhase

QUESTION_KEY = r"^[1-9][0-9]{0,9}$"
#: The phases a published collection can be in (drafts and withdrawn ones are never listed).
SHOWN_PHASES = (CollectionPhase.UPCOMING, CollectionPhase.OPEN, CollectionPhase.AWAITING, CollectionPhase.OVERDUE,
                CollectionPhase.DONE)


class CollectionSummary(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True, attribute="public_title", metadata={"example": "《示范市养老服务条例（草案）》公开征求意见"})
    summary = fields.String(required=True, attribute="public_summary", metadata={"description": "个人信息已隐去"})
    department = fields.Nested(DepartmentRef, required=True)
    kind = EnumValue(CollectionKind, required=True, metadata={"description": "opinions 征集意见；questionnaire 问卷；both 两者"})
    accepts_opinions = fields.Boolean(required=True)
    has_questionnaire = fields.Boolean(required=True)
    phase = EnumValue(CollectionPhase, required=True, validate=validate.OneOf([p.value for p in SHOWN_PHASES]), metadata={
                                                   "description": "upcoming 即将开始；open 征集中；awaiting 待反馈；overdue 反馈逾期；done 已反馈"})
    phase_label = fields.String(required=True, metadata={"example": "征集中"})
    is_open = fields.Boolean(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    feedback_due_date = fields.Date(required=True, metadata={"description": "结果反馈的期限（结束后一个月内）"})
    feedback_published_at = fields.AwareDateTime(required=True, allow_none=True)
    feedback_on_time = fields.Boolean(required=True, allow_none=True)
    url = Url("surveys.detail", collection_id="id")


class FileOut(Schema):
    """A stored public file (draft document)."""

    name = fields.String(required=True, attribute="public_name")
    url = Url("site.public_file", key="key")
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)


class AttachmentOut(Schema):
    name = fields.String(required=True, attribute="public_label")
    url = Url("site.public_file", key="file.key")
    content_type = fields.String(required=True, attribute="file.content_type")
    size = fields.Integer(required=True, attribute="file.size")


class QuestionOption(Schema):
    id = fields.Integer(required=True)
    label = fields.String(required=True)


class Question(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    kind = EnumValue(QuestionKind, required=True)
    text = fields.String(required=True)
    help_text = fields.String(required=True)
    required = fields.Boolean(required=True)
    min_choices = fields.Integer(required=True, allow_none=True)
    max_choices = fields.Integer(required=True, allow_none=True)
    allow_other = fields.Boolean(required=True)
    other_label = fields.String(required=True, allow_none=True)
    options = fields.List(fields.Nested(QuestionOption), required=True)
    rating_scale = fields.List(fields.Integer(), required=True, allow_none=True,
                               metadata={"description": "评分题的最低分和最高分，如 [1, 5]"})
    max_length = fields.Integer(required=True, allow_none=True, metadata={"description": "文字题的最大字数"})


class Questionnaire(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    intro = fields.String(required=True)
    questions = fields.List(fields.Nested(Question), required=True)


class PublicOpinion(Schema):
    id = fields.Integer(required=True)
    author = fields.String(required=True, metadata={"description": "已隐去，如 张*"})
    content = fields.String(required=True, metadata={"description": "个人信息已隐去"})
    submitted_at = fields.AwareDateTime(required=True)
    adoption = EnumValue(Adoption, required=True, allow_none=True)


class AdoptionStatistics(Schema):
    opinions_received = fields.Integer(required=True)
    opinions_valid = fields.Integer(required=True)
    adopted = fields.Integer(required=True)
    partly_adopted = fields.Integer(required=True)
    not_adopted = fields.Integer(required=True)
    adopted_rate = fields.Float(required=True, metadata={"description": "百分比（0–100）"})
    partly_adopted_rate = fields.Float(required=True)
    not_adopted_rate = fields.Float(required=True)
    adoption_rate = fields.Float(required=True, metadata={"description": "采纳和部分采纳占有效意见的百分比"})
    respondents = fields.Integer(required=True)


class NotAdoptedReason(Schema):
    adoption = EnumValue(Adoption, required=True)
    opinion = fields.String(required=True, metadata={"description": "个人信息已隐去"})
    reason = fields.String(required=True)


class OptionTally(Schema):
    label = fields.String(required=True)
    count = fields.Integer(required=True)
    percent = fields.Float(required=True)
    is_other = fields.Boolean(required=True)


class QuestionTally(Schema):
    question_id = fields.Integer(required=True)
    text = fields.String(required=True)
    kind = EnumValue(QuestionKind, required=True)
    answered = fields.Integer(required=True)
    average = fields.Float(required=True, allow_none=True)
    options = fields.List(fields.Nested(OptionTally), required=True)


class Feedback(Schema):
    published_at = fields.AwareDateTime(required=True)
    due_date = fields.Date(required=True)
    on_time = fields.Boolean(required=True, allow_none=True)
    summary_html = SafeHtml(required=True)
    not_adopted_explanation_html = SafeHtml(required=True)
    statistics = fields.Nested(AdoptionStatistics, required=True)
    not_adopted_reasons = fields.List(fields.Nested(NotAdoptedReason), required=True)
    tallies = fields.List(fields.Nested(QuestionTally), required=True,
                          metadata={"description": "问卷统计；文字题只给作答人数，不公开文字内容"})


class Collection(CollectionSummary):
    body_html = SafeHtml(required=True, attribute="public_body_html", metadata={"description": "个人信息已隐去"})
    contact_email = fields.String(required=True)
    contact_address = fields.String(required=True)
    name_required = fields.Boolean(required=True, metadata={"description": "提交意见时必须填写姓名"})
    phone_required = fields.Boolean(required=True, metadata={"description": "提交意见时必须填写手机号"})
    draft_document = fields.Nested(FileOut, required=True, allow_none=True, attribute="draft_file")
    attachments = fields.List(fields.Nested(AttachmentOut), required=True)
    questionnaire = fields.Nested(Questionnaire, required=True, allow_none=True)
    opinions = fields.List(fields.Nested(PublicOpinion), required=True,
                           metadata={"description": "审核公开的意见中的第 page 页（每页 per_page 条，新的在前）"})
    opinions_total = fields.Integer(required=True, metadata={"description": "审核公开的意见总条数"})
    feedback = fields.Nested(Feedback, required=True, allow_none=True,
                             metadata={"description": "结果反馈（发布后）：统计、综述、未采纳理由、问卷统计"})


def _feedback(collection) -> dict[str, Any] | None:
    if collection.feedback_published_at is None or collection.feedback is None:
        return None
    stats = services.adoption_stats(collection)
    tallies = questionnaires.tallies(collection.questionnaire) if collection.questionnaire else []
    text = services.public_feedback_text(collection)
    return {
        "published_at": collection.feedback_published_at,
        "due_date": collection.feedback_due_date,
        "on_time": collection.feedback_on_time,
        "summary_html": str(text.summary_html),
        "not_adopted_explanation_html": str(text.not_adopted_explanation_html),
        "statistics": {
            "opinions_received": stats.received, "opinions_valid": stats.valid,
            "adopted": stats.adopted, "partly_adopted": stats.partly, "not_adopted": stats.not_adopted,
            "adopted_rate": stats.adopted_rate, "partly_adopted_rate": stats.partly_rate,
            "not_adopted_rate": stats.not_adopted_rate, "adoption_rate": stats.adoption_rate,
            "respondents": stats.respondents,
        },
        "not_adopted_reasons": [
            {"adoption": r["adoption"], "opinion": r["content"], "reason": r["reason"]}
            for r in services.not_adopted_opinions(collection)
        ],
        # Free-text answers are never published: text questions carry only their count.
        "tallies": [
            {"question_id": t.question.id, "text": t.question.text, "kind": t.question.kind,
             "answered": t.answered, "average": t.average, "options": t.options}
            for t in tallies
        ],
    }


class _Detail:
    """A collection with the parts the detail adds (questionnaire, opinions, feedback)."""

    def __init__(self, collection, page: int, per_page: int):
        self._collection = collection
        self.questionnaire = (questionnaires.definition(collection.questionnaire)
                              if collection.has_questionnaire and collection.questionnaire else None)
        # One page of them: a popular collection has thousands (attack P6: 21-28 s a call).
        opinions = services.public_opinions_page(collection, page, per_page)
        self.opinions, self.opinions_total = opinions.items, opinions.total
        self.feedback = _feedback(collection)

    def __getattr__(self, name: str):
        return getattr(self._collection, name)


class CollectionArgs(PageArgs):
    phase = choice(list(services.PUBLIC_PHASES), load_default=None, error="可选：" + "、".join(services.PUBLIC_PHASES),
                   description="open 征集中；upcoming 即将开始；awaiting 已结束待反馈；done 已反馈")


@bp.route("/collections", endpoint="collections", tags=["collections"])
@bp.arguments(CollectionArgs, location="query")
@bp.response(200, page_of(CollectionSummary, "CollectionPage"), description="已发布的征集")
@bp.errors(422)
def collections(args: dict[str, Any]):
    """民意征集列表"""
    pagination = db.paginate(services.public_collections_query(args["phase"]), page=args["page"],
                             per_page=args["per_page"], error_out=False)
    return page_payload(list(pagination.items), args, pagination.total)


@bp.route("/collections/<int:collection_id>", endpoint="collection", tags=["collections"])
@bp.arguments(PageArgs, location="query")
@bp.response(200, Collection, description="征集详情")
@bp.errors(404, 422)
def collection(args: dict[str, Any], collection_id: int):
    """征集详情（含问卷定义、已公开的意见（分页：page、per_page）；结果反馈发布后含反馈与统计）"""
    return _Detail(services.get_public_collection(collection_id), args["page"], args["per_page"])


class OpinionIn(ApiSchema):
    content = text(services.OPINION_MAX, multiline=True, required=True,
                   length_error=f"请填写您的意见或建议（不超过{services.OPINION_MAX}字）",
                   description="意见或建议", example="建议在社区增设老年食堂，方便高龄老人就餐。")
    name = text(40, min_length=0, allow_none=True, load_default="", length_error="姓名不超过40字",
                description="姓名（不公开）；征集要求（name_required）时必填", example="李四")
    phone = String(allow_none=True, load_default="", validate=Pattern(MOBILE_PATTERN, error=MOBILE_ERROR),
                   metadata={"description": "11 位手机号（不公开）；征集要求（phone_required）时必填",
                             "example": "13900139000"})


class Submitted(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["pending"], "description": "pending 待审核"})
    message = fields.String(required=True, metadata={"example": "意见已提交，经审核后公开（不公开姓名和联系方式）。感谢您的参与！"})


@bp.route("/collections/<int:collection_id>/opinions", methods=["POST"], endpoint="submit_opinion",
          tags=["collections"])
@limiter.limit(public_post_limit)
@bp.arguments(OpinionIn, example={"content": "建议在社区增设老年食堂，方便高龄老人就餐。", "name": "李四", "phone": ""})
@bp.arguments(CaptchaHeaders, location="headers")
@bp.response(201, Submitted, description="已提交，待审核")
@bp.errors(400, 403, 404, 409, 413, 422, 429, e403="征集尚未开始", e409="征集已结束，或本次征集不接受文字意见",
           e422="字段校验失败；或本次征集要求填写姓名/手机号（见 GET /collections/{id} 的 name_required、phone_required）")
def submit_opinion(data: dict[str, Any], headers: dict[str, Any], collection_id: int):
    """提交意见（审核后公开，不公开个人信息）

    需要验证码（GET /api/v1/captcha，请求头 X-Captcha-Id、X-Captcha-Answer）。
    """
    target = services.get_public_collection(collection_id)
    require_captcha(headers)
    opinion = services.submit_opinion(target, services.OpinionData(
        content=data["content"], name=data["name"] or "", phone=data["phone"] or "", channel="api"))
    db.session.commit()
    return {"id": opinion.id, "status": "pending",
            "message": "意见已提交，经审核后公开（不公开姓名和联系方式）。感谢您的参与！"}


class AnswerValue(fields.Field):
    """One answer: an option id, a rating, a text, or (multiple choice) an array of option ids."""

    default_error_messages = {"invalid": "答案必须是字符串、整数或其数组", "required": "必填", "null": "不能为 null"}

    def _deserialize(self, value, attr, data, **kwargs):
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            raise self.make_error("invalid")
        return [str(v) for v in values]


ANSWER_VALUE_DOC = {"anyOf": [
    {"type": "string", "maxLength": 2000}, {"type": "integer"},
    {"type": "array", "items": {"anyOf": [{"type": "string", "maxLength": 2000}, {"type": "integer"}]}},
]}


class ResponseIn(ApiSchema):
    phone = String(required=True, validate=Pattern(MOBILE_PATTERN, error=MOBILE_ERROR),
                   metadata={"description": "11 位手机号：每个手机号限答一次（只保存不可逆的校验值）",
                             "example": "13900139000"})
    answers = Dict(keys=String(validate=Pattern(QUESTION_KEY, error="键必须是题目编号")),
                   values=AnswerValue(metadata=ANSWER_VALUE_DOC), required=True,
                   metadata={"description": "以题目编号为键：单选为选项编号，多选为选项编号数组，评分为 1–5，文字题为字符串；"
                                            "选择“其他”时值为 \"other\"",
                             "example": {"12": 31, "13": [35, 36], "14": 5, "15": "希望增加夜间门诊"}})
    other = Dict(keys=String(validate=Pattern(QUESTION_KEY, error="键必须是题目编号")),
                 values=text(2000, min_length=0, multiline=True, description="“其他”的内容"),
                 load_default=dict, metadata={"description": "选择“其他”的题目：题目编号 → 填写的内容"})


class DeviceHeaders(CaptchaHeaders):
    device_id = String(data_key="X-Device-Id", load_default=None, allow_none=False,
                       validate=Pattern(r"^[A-Za-z0-9_.:-]{8,64}$", error="格式无效（8–64 位字母、数字或 _ . : -）"),
                       metadata={"description": "选填：应用安装标识，同一标识限答一次"})


class ResponseSubmitted(Schema):
    id = fields.Integer(required=True)
    message = fields.String(required=True, metadata={"example": "问卷已提交，感谢您的参与！"})


def _raw_answers(data: dict[str, Any]) -> dict[str, list[str]]:
    """``answers``/``other`` as the questionnaire form's fields (``q12``, ``q12_other``)."""
    raw = {f"q{key}": values for key, values in data["answers"].items()}
    raw.update({f"q{key}_other": [value] for key, value in data["other"].items()})
    return raw


def _api_field(name: str) -> str:
    """Questionnaire field names (``q12``, ``q12_other``) as API paths (``answers.12``, ``other.12``)."""
    match = re.fullmatch(r"q(\d+)(_other)?", name)
    if not match:
        return name
    return f"{'other' if match.group(2) else 'answers'}.{match.group(1)}"


@bp.route("/collections/<int:collection_id>/responses", methods=["POST"], endpoint="submit_response",
          tags=["collections"])
@limiter.limit(public_post_limit)
@bp.arguments(ResponseIn, example={"phone": "13900139000", "answers": {"12": 31, "13": [35, 36], "14": 5},
                                   "other": {}})
@bp.arguments(DeviceHeaders, location="headers")
@bp.response(201, ResponseSubmitted, description="已提交")
@bp.errors(400, 403, 404, 409, 413, 422, 429, e403="征集尚未开始",
           e409="征集已结束、没有问卷，或该手机号/设备已经答过",
           e422="字段校验失败；或答案与问卷不符（必答题未答、选项不属于该题等），fields 以 answers.<题目编号> 指出")
def submit_response(data: dict[str, Any], headers: dict[str, Any], collection_id: int):
    """提交问卷答卷（每人一次）

    每人限答一次：接口没有浏览器 Cookie，因此必须提供手机号 phone（同一手机号第二次提交返回 409）；
    可选请求头 X-Device-Id 同样限答一次；另按 IP 限制频率（429）。征集尚未开始为 403，已经结束为 409。
    需要验证码（GET /api/v1/captcha，请求头 X-Captcha-Id、X-Captcha-Answer）。
    """
    target = services.get_public_collection(collection_id)
    require_captcha(headers)
    device_id = headers["device_id"]
    try:
        response = services.submit_response(
            target, _raw_answers(data), device_token=f"api:{device_id}" if device_id else None,
            phone=data["phone"], channel=ResponseChannel.API, require_phone=True,
        )
    except DomainError as error:
        error.fields = {_api_field(k): v for k, v in error.fields.items()}
        raise
    db.session.commit()
    return {"id": response.id, "message": "问卷已提交，感谢您的参与！"}

