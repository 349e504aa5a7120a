"""Letters API for 政务新媒体 clients (mini-program, app).

* ``POST /letters`` — submit a consultation or leader-mailbox letter (no account; rate
  limited; an ``Idempotency-Key`` header makes a retried request return the first letter);
* ``GET /letters/{number}`` with the query code in the ``X-Query-Code`` header — the
  citizen's look-up (the same 404 for a wrong number and a wrong code; failed look-ups are
  rate limited by ``RATELIMIT_LETTER_LOOKUP``);
* ``POST /letters/{number}/rating`` — the citizen rates the answer (code in the header too);
* ``GET /letters`` — published letters (来信选登), personal data masked;
* ``GET /stats/letters`` — reply statistics (咨询回复统计).

Forwarded letters (上级转办) are entered by staff only. The request rules are the schemas
below; the domain rules are the letters services'.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from interact.api import bp
from interact.api.captcha import CaptchaHeaders, require_captcha
from interact.api.schemas import (
    EMAIL_PATTERN,
    MOBILE_ERROR,
    MOBILE_PATTERN,
    ApiSchema,
    Boolean,
    DepartmentRef,
    EnumValue,
    PageArgs,
    Pattern,
    SafeHtml,
    String,
    Url,
    choice,
    page_of,
    page_payload,
    record_id,
    text,
)
from interact.api.spec import QUERY_CODE_HEADER
from interact.core.pagecache import arguments_key, not_stored, public_page
from interact.extensions import db, limiter, public_post_limit
from interact.letters import search, services, stats
from interact.letters.models import Letter, LetterChannel, LetterKind, LetterRating, LetterStatus

#: The statuses a citizen can be told (the office's review steps read as ``assigned``).
PUBLIC_STATUS_VALUES = sorted({status.public.value for status in LetterStatus})

SUBMIT_CHANNELS = [LetterChannel.CONSULTATION.value, LetterChannel.MAILBOX.value]
KINDS = [kind.value for kind in LetterKind]
NUMBER_PATH = {"in": "path", "name": "number", "required": True, "description": "信件编号",
               "schema": {"type": "string", "pattern": r"^XJ[0-9]{8}-[0-9]{4}$", "example": "XJ20260105-0001"}}
MONTH_PATTERN = r"^(?:20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])$"


def lookup_failure_limit() -> str:
    """Failed look-ups (404) allowed per client address (setting ``RATELIMIT_LETTER_LOOKUP``)."""
    return current_app.config["RATELIMIT_LETTER_LOOKUP"]


# --- submission ---------------------------------------------------------------------------


class LetterSubmission(ApiSchema):
    channel = choice(SUBMIT_CHANNELS, required=True,
                     error="必须是 consultation（在线咨询）或 mailbox（领导信箱）；上级转办来信由工作人员录入，不能通过接口提交",
                     description="consultation 在线咨询；mailbox 领导信箱")
    kind = choice(KINDS, required=True, error="必须是 consultation、suggestion、complaint 或 help",
                  description="consultation 咨询；suggestion 建议；complaint 投诉；help 求助")
    department_id = record_id(allow_none=True, load_default=None,
                              description="在线咨询的部门（GET /api/v1/departments 的 items）；null 为不确定，由办公室分办")
    leader_id = record_id(allow_none=True, load_default=None,
                          description="领导信箱的收信领导（GET /api/v1/departments 的 leaders）；channel 为 mailbox 时必填")
    title = text(services.TITLE_MAX, min_length=services.TITLE_MIN, required=True,
                 length_error=f"标题应为 {services.TITLE_MIN}–{services.TITLE_MAX} 个字",
                 description="标题", example="住房公积金提取需要哪些材料？")
    body = text(services.BODY_MAX, min_length=services.BODY_MIN, multiline=True, required=True,
                length_error=f"正文应为 {services.BODY_MIN}–{services.BODY_MAX} 个字",
                description="正文", example="我想提取住房公积金用于支付房租，请问需要准备哪些材料，在哪里办理？")
    name = text(services.NAME_MAX, required=True, length_error=f"请填写姓名（不超过 {services.NAME_MAX} 个字）",
                description="姓名（不公开）", example="张三")
    phone = String(required=True, validate=Pattern(MOBILE_PATTERN, error=MOBILE_ERROR),
                   metadata={"description": "11 位手机号码（不公开）", "example": "13800138000"})
    email = String(allow_none=True, load_default=None,
                   validate=[validate.Length(max=100, error="电子邮箱不超过 100 个字符"),
                             Pattern(EMAIL_PATTERN, error="电子邮箱格式不正确")],
                   metadata={"description": "电子邮箱（选填，不公开；答复后通知）", "example": "zhangsan@example.com"})
    publish_consent = Boolean(load_default=False, metadata={"description": "是否同意在来信选登中公开（个人信息不公开）"})

    #: The one rule across fields, in the document too (JSON Schema ``if``/``then``).
    openapi_extra = {
        "if": {"properties": {"channel": {"const": "mailbox"}}, "required": ["channel"]},
        "then": {"required": ["leader_id"], "properties": {"leader_id": {"type": "integer"}}},
    }

    @validates_schema
    def leader_for_mailbox(self, data, **kwargs):
        if data.get("channel") == LetterChannel.MAILBOX.value and data.get("leader_id") is None:
            raise ValidationError("请选择收信领导", field_name="leader_id")


def letter_input(data: dict[str, Any]) -> services.LetterInput:
    """A loaded :class:`LetterSubmission` as the service's input."""
    return services.LetterInput(
        channel=LetterChannel(data["channel"]), kind=LetterKind(data["kind"]), title=data["title"],
        body=data["body"], name=data["name"], phone=data["phone"], email=data["email"],
        department_id=data["department_id"], leader_id=data["leader_id"], publish_consent=data["publish_consent"],
    )


class SubmitHeaders(CaptchaHeaders):
    idempotency_key = String(
        data_key="Idempotency-Key", load_default=None, allow_none=False,
        validate=Pattern(r"^[!-~]{1,64}$", error="应为 1–64 个可见 ASCII 字符"),
        metadata={"description": "选填：同一键重复提交同一封信返回第一封信（200，query_code 为 null），用于网络重试；"
                                "同一键提交内容不同的信返回 409",
                  "example": "b7f1c2d4-0a1e-4c55-9d7e-3f2a9c1e8b10"},
    )


class LetterReceipt(Schema):
    number = fields.String(required=True, metadata={"example": "XJ20260105-0001"})
    query_code = fields.String(required=True, allow_none=True,
                               metadata={"description": "查询码，只返回这一次（重复提交时为 null），请提示用户保存",
                                         "example": "K7M2Q9XA"})
    status = EnumValue(LetterStatus, required=True, validate=validate.OneOf(PUBLIC_STATUS_VALUES))
    status_label = fields.String(required=True, metadata={"example": "待受理"})
    submitted_at = fields.AwareDateTime(required=True)
    lookup_url = Url("api.letter_status", external=False, number="number")
    duplicate = fields.Boolean(metadata={"description": "重复提交（同一 Idempotency-Key）时为 true"})


@bp.route("/letters", methods=["POST"], endpoint="submit_letter", tags=["letters"])
@limiter.limit(public_post_limit)
@bp.arguments(LetterSubmission, example={
    "channel": "consultation", "kind": "consultation", "department_id": None, "leader_id": None,
    "title": "住房公积金提取需要哪些材料？", "body": "我想提取住房公积金用于支付房租，请问需要准备哪些材料，在哪里办理？",
    "name": "张三", "phone": "13800138000", "email": None, "publish_consent": False,
})
@bp.arguments(SubmitHeaders, location="headers")
@bp.response(201, LetterReceipt, description="已提交：返回信件编号和查询码")
@bp.doc(responses={201: {"links": {
    "lookup": {"operationId": "letter_status", "description": "用返回的编号和查询码查询这封信",
               "parameters": {"number": "$response.body#/number", "header.X-Query-Code": "$response.body#/query_code"}},
    "rate": {"operationId": "rate_letter", "description": "办结后用编号和查询码评价答复",
             "parameters": {"number": "$response.body#/number", "header.X-Query-Code": "$response.body#/query_code"}},
}}})
@bp.alt_response(200, schema=LetterReceipt, description="重复提交（同一 Idempotency-Key）：返回第一封信，query_code 为 null")
@bp.errors(400, 404, 409, 413, 422, 429,
           e404=("所选部门或领导不存在（department_id / leader_id）", "所选部门不存在。", {"department_id": "所选部门不存在"}),
           e422=("字段校验失败，fields 中为各字段的中文说明", "提交的内容有误：phone " + MOBILE_ERROR + "。",
                 {"phone": MOBILE_ERROR}))
def submit_letter(data: dict[str, Any], headers: dict[str, Any]):
    """提交来信（在线咨询 / 领导信箱），无需登录

    成功返回信件编号和查询码（查询码只返回这一次）。含敏感词的来信先由办公室审核。
    需要验证码（GET /api/v1/captcha，请求头 X-Captcha-Id、X-Captcha-Answer）；
    带 Idempotency-Key 重试已成功提交的来信时不再检查验证码。
    """
    key = f"api:{headers['idempotency_key']}" if headers["idempotency_key"] else None
    if services.find_by_idempotency_key(key) is None:  # a retry of a stored letter needs no new image
        require_captcha(headers)
    result = services.submit_letter(letter_input(data), idempotency_key=key)
    letter = result.letter
    # Read before the commit, which would expire the letter and load it again.
    receipt = {"number": letter.number, "query_code": result.query_code, "status": letter.public_status,
               "status_label": letter.public_status_label, "submitted_at": letter.submitted_at}
    db.session.commit()
    if result.duplicate:
        return {**receipt, "duplicate": True}, 200
    return receipt


# --- the citizen's look-up ----------------------------------------------------------------


class TimelineStep(Schema):
    at = fields.AwareDateTime(required=True)
    action = fields.String(required=True, metadata={"example": "submit"})
    by = fields.String(required=True, metadata={"example": "来信人"})
    note = fields.String(required=True, metadata={"example": "来信已提交，等待受理。"})


class Answer(Schema):
    html = SafeHtml(required=True, metadata={"description": "已净化的 HTML"})
    department = fields.Nested(DepartmentRef, required=True, allow_none=True)
    answered_at = fields.AwareDateTime(required=True, allow_none=True)


class Rating(Schema):
    value = EnumValue(LetterRating, required=True)
    label = fields.String(required=True, metadata={"example": "满意"})
    comment = fields.String(required=True, allow_none=True)
    rated_at = fields.AwareDateTime(required=True, allow_none=True)


class LetterTracking(Schema):
    number = fields.String(required=True)
    status = EnumValue(LetterStatus, required=True, validate=validate.OneOf(PUBLIC_STATUS_VALUES))
    status_label = fields.String(required=True, metadata={"description": "公众看到的状态", "example": "办理中"})
    channel = EnumValue(LetterChannel, required=True)
    channel_label = fields.String(required=True)
    kind = EnumValue(LetterKind, required=True)
    kind_label = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "个人信息已隐去"})
    body = fields.String(required=True, metadata={"description": "个人信息已隐去"})
    submitted_at = fields.AwareDateTime(required=True)
    department = fields.Nested(DepartmentRef, required=True, allow_none=True,
                               metadata={"description": "承办部门（分办后）"})
    rejection_reason = fields.String(required=True, allow_none=True)
    timeline = fields.List(fields.Nested(TimelineStep), required=True)
    answer = fields.Nested(Answer, required=True, allow_none=True)
    rating = fields.Nested(Rating, required=True, allow_none=True)
    can_rate = fields.Boolean(required=True)


def letter_status_json(letter: Letter) -> dict[str, Any]:
    """What the citizen sees with number + code (as on the web's tracking page)."""
    closed = letter.has_final_answer
    return {
        "number": letter.number,
        "status": letter.public_status,
        "status_label": letter.public_status_label,
        "channel": letter.channel,
        "channel_label": letter.channel_label,
        "kind": letter.kind,
        "kind_label": letter.kind_label,
        "title": letter.public_title,
        "body": letter.public_body,
        "submitted_at": letter.submitted_at,
        "department": letter.public_department,
        "rejection_reason": letter.rejection_note or None,
        "timeline": [
            {"at": event.occurred_at, "action": event.action, "by": event.public_label, "note": event.public_note}
            for event in letter.public_events
        ],
        "answer": {"html": letter.answer_html, "department": letter.department,
                   "answered_at": letter.answered_at} if closed else None,
        "rating": {"value": letter.rating, "label": letter.rating_label, "comment": letter.rating_comment,
                   "rated_at": letter.rated_at} if letter.rating is not None else None,
        "can_rate": closed and letter.rating is None,
    }


NO_STORE = {"Cache-Control": "no-store"}
QUERY_CODE = Pattern(r"^[0-9A-Za-z]{1,16}$", error="查询码为 1–16 位字母和数字")


class LookupHeaders(Schema):
    code = String(data_key=QUERY_CODE_HEADER, required=True, validate=QUERY_CODE,
                  metadata={"description": "查询码（提交来信时返回，不区分大小写）。它是查看这封信的凭证："
                                           "放在请求头中，不要放进 URL，以免进入访问日志和浏览器历史。",
                            "example": "K7M2Q9XA"})


@bp.route("/letters/<number>", endpoint="letter_status", tags=["letters"], parameters=[NUMBER_PATH])
@limiter.limit(lookup_failure_limit, deduct_when=lambda response: response.status_code == 404)
@bp.arguments(LookupHeaders, location="headers")
@bp.response(200, LetterTracking, description="来信办理情况（不缓存）")
@bp.errors(404, 422, 429, e404=("编号或查询码错误（两者不区分，均为 404）", services.LOOKUP_FAILED),
           e422=("缺少请求头 X-Query-Code 或格式不对", "提交的内容有误：X-Query-Code 必填。", {"X-Query-Code": "必填"}),
           e429="查询失败次数过多（按 IP 计，设置项 RATELIMIT_LETTER_LOOKUP）")
def letter_status(headers: dict[str, str], number: str):
    """来信查询：凭信件编号和查询码查看办理状态、办理流程、答复和评价

    查询码放在请求头 X-Query-Code 中（不要放进 URL）。编号或查询码错误时统一返回 404；
    失败次数过多时返回 429。
    """
    letter = services.lookup(number, headers["code"])
    return letter_status_json(letter), 200, NO_STORE


class RatingIn(ApiSchema):
    rating = choice([r.value for r in LetterRating], required=True,
                    error="必须是 satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）",
                    description="satisfied 满意；basic 基本满意；unsatisfied 不满意")
    comment = text(500, min_length=0, multiline=True, load_default="", length_error="不超过 500 字",
                   description="评价意见（选填）", example="答复很及时，谢谢！")


@bp.route("/letters/<number>/rating", methods=["POST"], endpoint="rate_letter", tags=["letters"],
          parameters=[NUMBER_PATH])
@limiter.limit(public_post_limit)
@bp.arguments(LookupHeaders, location="headers")
@bp.arguments(RatingIn, example={"rating": "satisfied", "comment": "答复很及时，谢谢！"})
@bp.response(200, LetterTracking, description="已评价，返回最新办理情况")
@bp.errors(400, 404, 409, 413, 422, 429, e404=("编号或查询码错误", services.LOOKUP_FAILED),
           e409="尚未办结或已经评价过")
def rate_letter(headers: dict[str, str], data: dict[str, Any], number: str):
    """评价答复（办结后，每次答复评价一次）

    与查询一样，查询码放在请求头 X-Query-Code 中。
    """
    letter = services.lookup(number, headers["code"])
    services.rate_letter(letter, LetterRating(data["rating"]), data["comment"])
    db.session.commit()
    return letter_status_json(letter), 200, NO_STORE


# --- published letters ----------------------------------------------------------------------


class PublishedLetter(Schema):
    """A published letter with personal data masked (name, numbers in the text)."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True, attribute="public_title", metadata={"description": "个人信息已隐去"})
    body = fields.String(required=True, attribute="public_body", metadata={"description": "个人信息已隐去"})
    name = fields.String(required=True, attribute="public_name", metadata={"description": "已隐去，如 张**"})
    channel = EnumValue(LetterChannel, required=True)
    channel_label = fields.String(required=True, metadata={"example": "在线咨询"})
    kind = EnumValue(LetterKind, required=True)
    kind_label = fields.String(required=True, metadata={"example": "咨询"})
    department = fields.Nested(DepartmentRef, required=True, allow_none=True)
    submitted_at = fields.AwareDateTime(required=True)
    answered_at = fields.AwareDateTime(required=True, allow_none=True)
    published_at = fields.AwareDateTime(required=True, allow_none=True)
    answer_html = fields.Function(lambda letter: str(letter.public_answer_html), required=True,
                                  metadata={"type": "string", "description": "已净化的答复 HTML，个人信息已隐去"})
    url = Url("letters.public_detail", letter_id="id")


class PublishedLetterArgs(PageArgs):
    q = text(search.MAX_QUERY_CHARS, min_length=0, load_default="",
             description="全文检索关键词", example="公积金 提取")
    department_id = record_id(query=True, load_default=None, description="承办部门")
    kind = choice(KINDS, load_default=None, error="可选：" + "、".join(KINDS), description="来信类别")
    channel = choice([c.value for c in LetterChannel], load_default=None,
                     error="可选：" + "、".join(c.value for c in LetterChannel), description="来信渠道")
    month = String(load_default=None, allow_none=False,
                   validate=Pattern(MONTH_PATTERN, error="格式应为 YYYY-MM（2000–2100 年）"),
                   metadata={"description": "来信月份 YYYY-MM", "example": "2026-01"})


def _as_searched(args: dict[str, Any]) -> dict[str, Any]:
    """The list's arguments as it uses them: a search by its terms (``公积金 `` and
    ``公积金！`` are one stored answer)."""
    return {**args, "q": tuple(search.query_terms(args["q"])) if args["q"].strip() else ()}


@bp.route("/letters", endpoint="published_letters", tags=["letters"])
@public_page(key=arguments_key(PublishedLetterArgs, _as_searched))
@bp.arguments(PublishedLetterArgs, location="query")
@bp.response(200, page_of(PublishedLetter, "PublishedLetterPage"),
             description="按相关度（有关键词时）或公开时间倒序")
@bp.errors(422)
def published_letters(args: dict[str, Any]):
    """来信选登：已公开的来信及答复（个人信息已隐去）"""
    query = services.PublicQuery(
        q=args["q"], department_id=args["department_id"],
        kind=LetterKind(args["kind"]) if args["kind"] else None,
        channel=LetterChannel(args["channel"]) if args["channel"] else None,
        month=args["month"] or "",
    )
    result = services.public_letters(query, page=args["page"], per_page=args["per_page"])
    items = list(result.items)
    if not items or result.page != args["page"]:
        # Past the last page (a search shows its last), or no hit: cheap to answer again,
        # and stored it made one answer per number or query asked.
        not_stored()
    return page_payload(items, args, result.total)


# --- statistics -------------------------------------------------------------------------------


class LetterStatsRow(Schema):
    key = fields.String(required=True, metadata={"description": "部门编号、月份或类别"})
    label = fields.String(required=True, metadata={"example": "市住房公积金管理中心"})
    department_id = fields.Integer(required=True, allow_none=True)
    received = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    answered = fields.Integer(required=True, metadata={"description": "已审核办结的答复"})
    on_time = fields.Integer(required=True)
    on_time_rate = fields.Float(required=True, allow_none=True, metadata={"description": "0–1"})
    avg_workdays = fields.Float(required=True, allow_none=True, metadata={"description": "平均答复用时（工作日）"})
    overdue = fields.Integer(required=True, metadata={"description": "仍在办理且已逾期"})
    rated = fields.Integer(required=True)
    satisfied = fields.Integer(required=True, metadata={"description": "满意 + 基本满意"})
    satisfaction_rate = fields.Float(required=True, allow_none=True, metadata={"description": "0–1"})


class LetterStats(Schema):
    month = fields.String(required=True, metadata={"example": "2026-01"})
    month_label = fields.String(required=True, metadata={"example": "2026年1月"})
    department_id = fields.Integer(required=True, allow_none=True)
    total = fields.Nested(LetterStatsRow, required=True)
    departments = fields.List(fields.Nested(LetterStatsRow), required=True)
    trend = fields.List(fields.Nested(LetterStatsRow), required=True, metadata={"description": "截至该月的近 12 个月"})
    by_kind = fields.List(fields.Nested(LetterStatsRow), required=True)
    by_channel = fields.List(fields.Nested(LetterStatsRow), required=True)


class LetterStatsArgs(Schema):
    month = String(load_default=None, allow_none=False,
                   validate=Pattern(MONTH_PATTERN, error="格式应为 YYYY-MM（2000–2100 年）"),
                   metadata={"description": "统计月份 YYYY-MM，默认本月", "example": "2026-01"})
    department_id = record_id(query=True, load_default=None, description="只统计这个部门")


@bp.route("/stats/letters", endpoint="letter_stats", tags=["letters"])
@public_page(key=arguments_key(LetterStatsArgs))
@bp.arguments(LetterStatsArgs, location="query")
@bp.response(200, LetterStats, description="统计（同一进程内缓存几分钟）")
@bp.errors(422)
def letter_stats(args: dict[str, Any]):
    """咨询回复统计：某月各部门收到、答复、按期答复率、平均用时、满意率，及近12个月趋势"""
    month = args["month"] or stats.current_month()
    department_id = args["department_id"]

    def build() -> dict:
        report = stats.cached_monthly_report(month, department_id=department_id)
        kinds, channels = stats.kind_and_channel_rows(month)
        return {
            **report.as_dict(),
            "month_label": report.month_label,
            "by_kind": [row.as_dict() for row in kinds],
            "by_channel": [row.as_dict() for row in channels],
        }

    return stats.cached(("api", month, department_id), build)

