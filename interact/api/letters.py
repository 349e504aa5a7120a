"""Letters API for 政务新媒体 clients (mini-program, app).

* ``POST /letters`` — submit a consultation or leader-mailbox letter (no account; rate
  limited; an ``Idempotency-Key`` header makes a retried request return the first letter);
* ``GET /letters/{number}?code=`` — the citizen's look-up: status, public timeline, answer
  and rating (the same 404 for a wrong number and a wrong code; failed look-ups are rate
  limited);
* ``POST /letters/{number}/rating`` — the citizen rates the answer (with the code);
* ``GET /letters`` — published letters (来信选登) with full-text search and filters,
  personal data masked;
* ``GET /stats/letters?month=YYYY-MM`` — reply statistics (咨询回复统计).

Forwarded letters (上级转办) are entered by staff only and are not accepted here. All rules
are the letters services'; this module checks JSON shapes and shapes the answers.
"""
from __future__ import annotations

from typing import Any

from flask import request, url_for

from interact.api import bp
from interact.api.common import json_body, page_args, page_payload
from interact.api.openapi import document, error_responses, page_schema
from interact.core.errors import InvalidInput
from interact.core.sanitize import clean_html
from interact.extensions import db, limiter, public_post_limit
from interact.letters import services, stats
from interact.letters.models import (
    Letter,
    LetterChannel,
    LetterKind,
    LetterRating,
    LetterStatus,
)

#: Failed look-ups (404) allowed per client address: guessing codes is not practical.
LOOKUP_FAILURE_LIMIT = "20 per minute;200 per day"
SUBMIT_CHANNELS = {LetterChannel.CONSULTATION.value: LetterChannel.CONSULTATION,
                   LetterChannel.MAILBOX.value: LetterChannel.MAILBOX}
KINDS = {kind.value: kind for kind in LetterKind}
_MAX_ID = 2**31 - 1
_TEXT_FIELDS = ("title", "body", "name", "phone")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _optional_id(data: dict[str, Any], name: str, errors: dict[str, str]) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_ID:
        errors[name] = "必须是有效的编号（正整数）或 null"
        return None
    return value


def _submission(data: dict[str, Any]) -> services.LetterInput:
    """The JSON body as the service's input; wrong types are 422 with Chinese field errors."""
    errors: dict[str, str] = {}
    channel_value = data.get("channel")
    channel = SUBMIT_CHANNELS.get(channel_value) if isinstance(channel_value, str) else None
    if channel is None:
        errors["channel"] = ("上级转办来信由工作人员录入，不能通过接口提交" if channel_value == "forwarded"
                             else "必须是 consultation（在线咨询）或 mailbox（领导信箱）")
    kind = KINDS.get(data.get("kind")) if isinstance(data.get("kind"), str) else None
    if kind is None:
        errors["kind"] = "必须是 consultation、suggestion、complaint 或 help"
    department_id = _optional_id(data, "department_id", errors)
    leader_id = _optional_id(data, "leader_id", errors)
    texts = {}
    for name in _TEXT_FIELDS:
        value = data.get(name)
        if not isinstance(value, str):
            errors[name] = "必填，必须是字符串"
        texts[name] = value if isinstance(value, str) else ""
    email = data.get("email")
    if email is not None and not isinstance(email, str):
        errors["email"] = "必须是字符串或 null"
    consent = data.get("publish_consent", False)
    if not isinstance(consent, bool):
        errors["publish_consent"] = "必须是 true 或 false"
    if errors:
        raise InvalidInput("提交的内容有误：" + "；".join(f"{k} {v}" for k, v in errors.items()) + "。",
                           fields=errors)
    return services.LetterInput(
        channel=channel, kind=kind, title=texts["title"], body=texts["body"], name=texts["name"],
        phone=texts["phone"], email=email or None, department_id=department_id, leader_id=leader_id,
        publish_consent=consent,
    )


@bp.post("/letters")
@limiter.limit(public_post_limit)
def submit_letter():
    data = _submission(json_body())
    key = (request.headers.get("Idempotency-Key") or "").strip()[:64] or None
    result = services.submit_letter(data, idempotency_key=f"api:{key}" if key else None)
    db.session.commit()
    letter = result.letter
    body = {
        "number": letter.number,
        "query_code": result.query_code,
        "status": letter.status.value,
        "status_label": letter.public_status_label,
        "submitted_at": _iso(letter.submitted_at),
        "lookup_url": url_for("api.letter_status", number=letter.number),
    }
    if result.duplicate:
        body["duplicate"] = True
        return body, 200
    return body, 201


def _department_json(letter: Letter) -> dict | None:
    if letter.department is None:
        return None
    return {"id": letter.department.id, "name": letter.department.name}


def letter_status_json(letter: Letter) -> dict[str, Any]:
    """What the citizen sees with number + code (as on the web's tracking page)."""
    closed = letter.status is LetterStatus.CLOSED and bool(letter.answer_html)
    held_by_department = letter.status not in (LetterStatus.SUBMITTED, LetterStatus.ACCEPTED,
                                               LetterStatus.RETURNED, LetterStatus.REJECTED)
    return {
        "number": letter.number,
        "status": letter.status.value,
        "status_label": letter.public_status_label,
        "channel": letter.channel.value,
        "channel_label": letter.channel_label,
        "kind": letter.kind.value,
        "kind_label": letter.kind_label,
        "title": letter.public_title,
        "body": letter.public_body,
        "submitted_at": _iso(letter.submitted_at),
        "department": _department_json(letter) if held_by_department else None,
        "rejection_reason": letter.rejection_note if letter.status is LetterStatus.REJECTED else None,
        "timeline": [
            {"at": _iso(event.occurred_at), "action": event.action, "by": event.public_label,
             "note": event.public_note}
            for event in letter.public_events
        ],
        "answer": {
            "html": clean_html(letter.answer_html),
            "department": _department_json(letter),
            "answered_at": _iso(letter.answered_at),
        } if closed else None,
        "rating": {
            "value": letter.rating.value,
            "label": letter.rating_label,
            "comment": letter.rating_comment,
            "rated_at": _iso(letter.rated_at),
        } if letter.rating is not None else None,
        "can_rate": closed and letter.rating is None,
    }


def _code_arg(source: dict | None = None) -> str:
    value = (source if source is not None else request.args).get("code")
    return value if isinstance(value, str) else ""


@bp.get("/letters/<number>")
@limiter.limit(LOOKUP_FAILURE_LIMIT, deduct_when=lambda response: response.status_code == 404)
def letter_status(number: str):
    letter = services.lookup(number, _code_arg())
    response = letter_status_json(letter)
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/letters/<number>/rating")
@limiter.limit(public_post_limit)
def rate_letter(number: str):
    data = json_body()
    letter = services.lookup(number, _code_arg(data))
    rating_value = data.get("rating")
    comment = data.get("comment") or ""
    errors = {}
    if not isinstance(rating_value, str) or rating_value not in {r.value for r in LetterRating}:
        errors["rating"] = "必须是 satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）"
    if not isinstance(comment, str) or len(comment) > 500:
        errors["comment"] = "必须是不超过 500 字的字符串"
    if errors:
        raise InvalidInput("评价内容有误。", fields=errors)
    services.rate_letter(letter, LetterRating(rating_value), comment)
    db.session.commit()
    return letter_status_json(letter), 200, {"Cache-Control": "no-store"}


# --- published letters -----------------------------------------------------------------


def published_letter_json(letter: Letter) -> dict[str, Any]:
    """A published letter with personal data masked (name, numbers in the text)."""
    return {
        "id": letter.id,
        "number": letter.number,
        "title": letter.public_title,
        "body": letter.public_body,
        "name": letter.public_name,
        "channel": letter.channel.value,
        "channel_label": letter.channel_label,
        "kind": letter.kind.value,
        "kind_label": letter.kind_label,
        "department": _department_json(letter),
        "submitted_at": _iso(letter.submitted_at),
        "answered_at": _iso(letter.answered_at),
        "published_at": _iso(letter.published_at),
        "answer_html": str(letter.public_answer_html),
        "url": url_for("letters.public_detail", letter_id=letter.id, _external=True),
    }


def _int_arg(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > 9:
        raise InvalidInput(f"{name} 必须是正整数。", fields={name: "必须是正整数"})
    return int(raw)


def _enum_arg(name: str, enum_cls, allowed: str):
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        raise InvalidInput(f"{name} 取值无效，可选：{allowed}。", fields={name: f"可选：{allowed}"}) from None


@bp.get("/letters")
def published_letters():
    page, per_page = page_args()
    month = (request.args.get("month") or "").strip()
    if month:
        stats.parse_month(month)
    query = services.PublicQuery(
        q=(request.args.get("q") or "").strip()[:60],
        department_id=_int_arg("department_id"),
        kind=_enum_arg("kind", LetterKind, "consultation, suggestion, complaint, help"),
        channel=_enum_arg("channel", LetterChannel, "consultation, mailbox, forwarded"),
        month=month,
    )
    result = services.public_letters(query, page=min(page, 10_000), per_page=per_page)
    return page_payload([published_letter_json(letter) for letter in result.items], page, per_page,
                        result.total or 0)


# --- statistics -------------------------------------------------------------------------


@bp.get("/stats/letters")
def letter_stats():
    month = stats.parse_month(request.args.get("month"))
    department_id = _int_arg("department_id")

    def build() -> dict:
        report = stats.monthly_report(month, department_id=department_id)
        return {
            **report.as_dict(),
            "month_label": report.month_label,
            "by_kind": [row.as_dict() for row in stats.kind_rows(month)],
            "by_channel": [row.as_dict() for row in stats.channel_rows(month)],
        }

    return stats.cached(("api", month, department_id), build)


# --- OpenAPI ----------------------------------------------------------------------------

_STATUS_ENUM = [s.value for s in LetterStatus]
_KIND_ENUM = [k.value for k in LetterKind]
_DEPARTMENT_REF = {"type": "object", "nullable": True,
                   "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}

document(
    paths={
        "/letters": {
            "post": {
                "summary": "提交来信（在线咨询 / 领导信箱），无需登录",
                "description": "成功返回信件编号和查询码（查询码只返回这一次，请提示用户保存）。"
                               "请求头 Idempotency-Key 可选：同一键重复提交返回第一封信（200，query_code 为 null）。"
                               "上级转办来信由工作人员录入，不能通过接口提交。",
                "tags": ["letters"],
                "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                                "schema": {"type": "string", "maxLength": 64}}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/LetterSubmission"}}}},
                "responses": {
                    "201": {"description": "已提交", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/LetterReceipt"}}}},
                    "200": {"description": "重复提交（同一 Idempotency-Key），返回第一封信", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/LetterReceipt"}}}},
                    **error_responses(400, 409, 422, 429),
                },
            },
            "get": {
                "summary": "来信选登：已公开的来信及答复（个人信息已隐去）",
                "tags": ["letters"],
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 60},
                     "description": "全文检索关键词，如 公积金 提取"},
                    {"name": "department_id", "in": "query", "schema": {"type": "integer"}},
                    {"name": "kind", "in": "query", "schema": {"type": "string", "enum": _KIND_ENUM}},
                    {"name": "channel", "in": "query",
                     "schema": {"type": "string", "enum": [c.value for c in LetterChannel]}},
                    {"name": "month", "in": "query", "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                     "description": "来信月份 YYYY-MM"},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
                ],
                "responses": {
                    "200": {"description": "按相关度（有关键词时）或公开时间倒序", "content": {"application/json": {
                        "schema": page_schema("#/components/schemas/PublishedLetter")}}},
                    **error_responses(422),
                },
            },
        },
        "/letters/{number}": {"get": {
            "summary": "来信查询：凭信件编号和查询码查看办理状态、办理流程、答复和评价",
            "description": "编号或查询码错误时统一返回 404；查询失败次数过多时返回 429。",
            "tags": ["letters"],
            "parameters": [
                {"name": "number", "in": "path", "required": True, "schema": {"type": "string"},
                 "example": "XJ20260105-0001"},
                {"name": "code", "in": "query", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "来信办理情况", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/LetterTracking"}}}},
                **error_responses(404, 429),
            },
        }},
        "/letters/{number}/rating": {"post": {
            "summary": "评价答复（办结后，每次答复评价一次）",
            "tags": ["letters"],
            "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["code", "rating"],
                "properties": {
                    "code": {"type": "string", "description": "查询码"},
                    "rating": {"type": "string", "enum": [r.value for r in LetterRating],
                               "description": "满意 / 基本满意 / 不满意"},
                    "comment": {"type": "string", "maxLength": 500},
                }}}}},
            "responses": {
                "200": {"description": "已评价，返回最新办理情况", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/LetterTracking"}}}},
                **error_responses(400, 404, 409, 422, 429),
            },
        }},
        "/stats/letters": {"get": {
            "summary": "咨询回复统计：某月各部门收到、答复、按期答复率、平均用时、满意率，及近12个月趋势",
            "tags": ["letters"],
            "parameters": [
                {"name": "month", "in": "query", "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                 "description": "统计月份 YYYY-MM，默认本月"},
                {"name": "department_id", "in": "query", "schema": {"type": "integer"}},
            ],
            "responses": {
                "200": {"description": "统计", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/LetterStats"}}}},
                **error_responses(422),
            },
        }},
    },
    schemas={
        "LetterSubmission": {
            "type": "object",
            "required": ["channel", "kind", "title", "body", "name", "phone"],
            "properties": {
                "channel": {"type": "string", "enum": ["consultation", "mailbox"],
                            "description": "consultation 在线咨询；mailbox 领导信箱"},
                "kind": {"type": "string", "enum": _KIND_ENUM, "description": "咨询 / 建议 / 投诉 / 求助"},
                "department_id": {"type": "integer", "nullable": True,
                                  "description": "在线咨询的部门（GET /departments）；null 为不确定"},
                "leader_id": {"type": "integer", "nullable": True, "description": "领导信箱必填"},
                "title": {"type": "string", "minLength": services.TITLE_MIN, "maxLength": services.TITLE_MAX},
                "body": {"type": "string", "minLength": services.BODY_MIN, "maxLength": services.BODY_MAX},
                "name": {"type": "string", "maxLength": services.NAME_MAX},
                "phone": {"type": "string", "description": "11 位手机号码（不公开）"},
                "email": {"type": "string", "nullable": True, "format": "email"},
                "publish_consent": {"type": "boolean", "default": False,
                                    "description": "是否同意在来信选登中公开（个人信息不公开）"},
            },
        },
        "LetterReceipt": {"type": "object", "properties": {
            "number": {"type": "string"},
            "query_code": {"type": "string", "nullable": True, "description": "只返回一次"},
            "status": {"type": "string", "enum": _STATUS_ENUM},
            "status_label": {"type": "string"},
            "submitted_at": {"type": "string", "format": "date-time"},
            "lookup_url": {"type": "string"},
            "duplicate": {"type": "boolean"},
        }},
        "LetterTracking": {"type": "object", "properties": {
            "number": {"type": "string"},
            "status": {"type": "string", "enum": _STATUS_ENUM},
            "status_label": {"type": "string", "description": "公众看到的状态"},
            "channel": {"type": "string"}, "channel_label": {"type": "string"},
            "kind": {"type": "string"}, "kind_label": {"type": "string"},
            "title": {"type": "string"}, "body": {"type": "string"},
            "submitted_at": {"type": "string", "format": "date-time"},
            "department": _DEPARTMENT_REF,
            "rejection_reason": {"type": "string", "nullable": True},
            "timeline": {"type": "array", "items": {"type": "object", "properties": {
                "at": {"type": "string", "format": "date-time"}, "action": {"type": "string"},
                "by": {"type": "string"}, "note": {"type": "string"}}}},
            "answer": {"type": "object", "nullable": True, "properties": {
                "html": {"type": "string", "description": "已净化的 HTML"},
                "department": _DEPARTMENT_REF,
                "answered_at": {"type": "string", "format": "date-time"}}},
            "rating": {"type": "object", "nullable": True, "properties": {
                "value": {"type": "string", "enum": [r.value for r in LetterRating]},
                "label": {"type": "string", "enum": [r.label for r in LetterRating]},
                "comment": {"type": "string", "nullable": True},
                "rated_at": {"type": "string", "format": "date-time"}}},
            "can_rate": {"type": "boolean"},
        }},
        "PublishedLetter": {"type": "object", "properties": {
            "id": {"type": "integer"}, "number": {"type": "string"},
            "title": {"type": "string"}, "body": {"type": "string"},
            "name": {"type": "string", "description": "已隐去，如 张**"},
            "channel": {"type": "string"}, "channel_label": {"type": "string", "enum": [c.label for c in LetterChannel]},
            "kind": {"type": "string"}, "kind_label": {"type": "string", "enum": [k.label for k in LetterKind]},
            "department": _DEPARTMENT_REF,
            "submitted_at": {"type": "string", "format": "date-time"},
            "answered_at": {"type": "string", "format": "date-time"},
            "published_at": {"type": "string", "format": "date-time"},
            "answer_html": {"type": "string"},
            "url": {"type": "string", "description": "公开页面地址"},
        }},
        "LetterStatsRow": {"type": "object", "properties": {
            "key": {"type": "string", "description": "部门编号、月份或类别"},
            "label": {"type": "string"},
            "department_id": {"type": "integer", "nullable": True},
            "received": {"type": "integer"}, "rejected": {"type": "integer"},
            "answered": {"type": "integer", "description": "已审核办结的答复"},
            "on_time": {"type": "integer"},
            "on_time_rate": {"type": "number", "nullable": True, "description": "0–1"},
            "avg_workdays": {"type": "number", "nullable": True},
            "overdue": {"type": "integer", "description": "仍在办理且已逾期"},
            "rated": {"type": "integer"}, "satisfied": {"type": "integer", "description": "满意 + 基本满意"},
            "satisfaction_rate": {"type": "number", "nullable": True, "description": "0–1"},
        }},
        "LetterStats": {"type": "object", "properties": {
            "month": {"type": "string"}, "month_label": {"type": "string"},
            "department_id": {"type": "integer", "nullable": True},
            "total": {"$ref": "#/components/schemas/LetterStatsRow"},
            "departments": {"type": "array", "items": {"$ref": "#/components/schemas/LetterStatsRow"}},
            "trend": {"type": "array", "items": {"$ref": "#/components/schemas/LetterStatsRow"},
                      "description": "截至该月的近 12 个月"},
            "by_kind": {"type": "array", "items": {"$ref": "#/components/schemas/LetterStatsRow"}},
            "by_channel": {"type": "array", "items": {"$ref": "#/components/schemas/LetterStatsRow"}},
        }},
    },
)
