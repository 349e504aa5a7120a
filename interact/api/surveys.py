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

from flask import request, url_for

from interact.api import bp
from interact.api.common import json_body, page_args, page_payload
from interact.api.openapi import document, error_responses, page_schema
from interact.core.errors import DomainError, InvalidInput
from interact.core.sanitize import clean_html
from interact.extensions import db, limiter, public_post_limit
from interact.questionnaires import services as questionnaires
from interact.questionnaires.models import ResponseChannel
from interact.surveys import services

_DEVICE_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def collection_summary_json(collection) -> dict[str, Any]:
    return {
        "id": collection.id,
        "title": collection.title,
        "summary": collection.summary,
        "department": {"id": collection.department_id, "name": collection.department.name},
        "kind": collection.kind.value,
        "accepts_opinions": collection.accepts_opinions,
        "has_questionnaire": collection.has_questionnaire,
        "phase": collection.phase.value,
        "phase_label": collection.phase_label,
        "is_open": collection.is_open,
        "starts_at": _iso(collection.starts_at),
        "ends_at": _iso(collection.ends_at),
        "feedback_due_date": collection.feedback_due_date.isoformat(),
        "feedback_published_at": _iso(collection.feedback_published_at),
        "feedback_on_time": collection.feedback_on_time,
        "url": url_for("surveys.detail", collection_id=collection.id, _external=True),
    }


def _file_json(stored, label: str | None = None) -> dict[str, Any]:
    return {"name": label or stored.original_name, "url": url_for("site.public_file", key=stored.key, _external=True),
            "content_type": stored.content_type, "size": stored.size}


def feedback_json(collection) -> dict[str, Any] | None:
    if collection.feedback_published_at is None or collection.feedback is None:
        return None
    stats = services.adoption_stats(collection)
    tallies = questionnaires.tallies(collection.questionnaire) if collection.questionnaire else []
    return {
        "published_at": _iso(collection.feedback_published_at),
        "due_date": collection.feedback_due_date.isoformat(),
        "on_time": collection.feedback_on_time,
        "summary_html": clean_html(collection.feedback.summary),
        "not_adopted_explanation_html": clean_html(collection.feedback.not_adopted_explanation),
        "statistics": {
            "opinions_received": stats.received, "opinions_valid": stats.valid,
            "adopted": stats.adopted, "partly_adopted": stats.partly, "not_adopted": stats.not_adopted,
            "adopted_rate": stats.adopted_rate, "partly_adopted_rate": stats.partly_rate,
            "not_adopted_rate": stats.not_adopted_rate, "adoption_rate": stats.adoption_rate,
            "respondents": stats.respondents,
        },
        "not_adopted_reasons": [
            {"adoption": r["adoption"].value, "opinion": r["content"], "reason": r["reason"]}
            for r in services.not_adopted_opinions(collection)
        ],
        # Free-text answers are never published: text questions carry only their count.
        "tallies": [
            {
                "question_id": t.question.id, "text": t.question.text, "kind": t.question.kind.value,
                "answered": t.answered, "average": t.average,
                "options": [{"label": o.label, "count": o.count, "percent": o.percent, "is_other": o.is_other}
                            for o in t.options],
            }
            for t in tallies
        ],
    }


def collection_json(collection) -> dict[str, Any]:
    return {
        **collection_summary_json(collection),
        "body_html": clean_html(collection.body),
        "contact_email": collection.contact_email,
        "contact_address": collection.contact_address,
        "name_required": collection.name_required,
        "phone_required": collection.phone_required,
        "draft_document": _file_json(collection.draft_file) if collection.draft_file else None,
        "attachments": [_file_json(a.file, a.label) for a in collection.attachments],
        "questionnaire": (questionnaires.definition(collection.questionnaire)
                          if collection.has_questionnaire and collection.questionnaire else None),
        "opinions": [
            {"id": o.id, "author": o.author, "content": o.content, "submitted_at": _iso(o.submitted_at),
             "adoption": o.adoption.value if o.adoption else None}
            for o in services.public_opinions(collection)
        ],
        "feedback": feedback_json(collection),
    }


@bp.get("/collections")
def collections():
    phase = request.args.get("phase") or None
    if phase is not None and phase not in services.PUBLIC_PHASES:
        allowed = "、".join(services.PUBLIC_PHASES)
        raise InvalidInput(f"phase 取值无效，可选：{allowed}。", fields={"phase": f"可选：{allowed}"})
    page, per_page = page_args()
    pagination = db.paginate(services.public_collections_query(phase), page=page, per_page=per_page,
                             error_out=False)
    return page_payload([collection_summary_json(c) for c in pagination.items], page, per_page, pagination.total)


@bp.get("/collections/<int:collection_id>")
def collection(collection_id: int):
    return collection_json(services.get_public_collection(collection_id))


def _text(data: dict[str, Any], name: str, errors: dict[str, str]) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = "必须是字符串"
        return ""
    return value


@bp.post("/collections/<int:collection_id>/opinions")
@limiter.limit(public_post_limit)
def submit_opinion(collection_id: int):
    collection = services.get_public_collection(collection_id)
    data = json_body()
    errors: dict[str, str] = {}
    opinion_data = services.OpinionData(
        content=_text(data, "content", errors), name=_text(data, "name", errors),
        phone=_text(data, "phone", errors), channel="api",
    )
    if errors:
        raise InvalidInput("提交内容有误。", fields=errors)
    opinion = services.submit_opinion(collection, opinion_data)
    db.session.commit()
    return {"id": opinion.id, "status": "pending",
            "message": "意见已提交，经审核后公开（不公开姓名和联系方式）。感谢您的参与！"}, 201


def _raw_answers(data: dict[str, Any]) -> dict[str, list[str]]:
    """``{"answers": {"<question id>": value, …}, "other": {"<question id>": text}}`` → form shape."""
    answers = data.get("answers")
    other = data.get("other") or {}
    if not isinstance(answers, dict) or not isinstance(other, dict):
        raise InvalidInput("answers 必须是以题目编号为键的对象。", fields={"answers": "必须是对象"})
    raw: dict[str, list[str]] = {}
    for key, value in answers.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, (dict, list)) for v in values):
            raise InvalidInput("答案格式有误。", fields={f"answers.{key}": "答案必须是字符串、数字或其数组"})
        raw[f"q{key}"] = [str(v) for v in values if v is not None]
    for key, value in other.items():
        if not isinstance(value, str):
            raise InvalidInput("答案格式有误。", fields={f"other.{key}": "必须是字符串"})
        raw[f"q{key}_other"] = [value]
    return raw


@bp.post("/collections/<int:collection_id>/responses")
@limiter.limit(public_post_limit)
def submit_response(collection_id: int):
    collection = services.get_public_collection(collection_id)
    data = json_body()
    device_id = request.headers.get("X-Device-Id", "").strip() or None
    if device_id is not None and not _DEVICE_ID.match(device_id):
        raise InvalidInput("X-Device-Id 格式无效（8–64 位字母、数字或 _ . : -）。",
                           fields={"X-Device-Id": "格式无效"})
    errors: dict[str, str] = {}
    phone = _text(data, "phone", errors)
    if errors:
        raise InvalidInput("提交内容有误。", fields=errors)
    try:
        response = services.submit_response(
            collection, _raw_answers(data), device_token=f"api:{device_id}" if device_id else None, phone=phone,
            channel=ResponseChannel.API, require_phone=True,
        )
    except DomainError as error:
        error.fields = {_api_field(k): v for k, v in error.fields.items()}
        raise
    db.session.commit()
    return {"id": response.id, "message": "问卷已提交，感谢您的参与！"}, 201


def _api_field(name: str) -> str:
    """Questionnaire field names (``q12``, ``q12_other``) as API paths (``answers.12``, ``other.12``)."""
    match = re.fullmatch(r"q(\d+)(_other)?", name)
    if not match:
        return name
    return f"{'other' if match.group(2) else 'answers'}.{match.group(1)}"


_WINDOW = "征集时间外提交：尚未开始为 403，已经结束为 409。"

document(
    paths={
        "/collections": {
            "get": {
                "summary": "民意征集列表", "tags": ["collections"],
                "parameters": [
                    {"name": "phase", "in": "query", "schema": {"type": "string",
                                                               "enum": list(services.PUBLIC_PHASES)},
                     "description": "open 征集中；upcoming 即将开始；awaiting 已结束待反馈；done 已反馈"},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
                ],
                "responses": {
                    "200": {"description": "已发布的征集",
                            "content": {"application/json": {"schema": page_schema("#/components/schemas/CollectionSummary")}}},
                    **error_responses(422),
                },
            }
        },
        "/collections/{id}": {
            "get": {
                "summary": "征集详情（含问卷定义；结果反馈发布后含反馈与统计）", "tags": ["collections"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "征集详情",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Collection"}}}},
                    **error_responses(404),
                },
            }
        },
        "/collections/{id}/opinions": {
            "post": {
                "summary": "提交意见（审核后公开，不公开个人信息）", "tags": ["collections"],
                "description": _WINDOW,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["content"],
                    "properties": {
                        "content": {"type": "string", "maxLength": 2000},
                        "name": {"type": "string", "maxLength": 40, "description": "征集要求时必填"},
                        "phone": {"type": "string", "description": "11 位手机号；征集要求时必填"},
                    },
                }}}},
                "responses": {
                    "201": {"description": "已提交，待审核", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"},
                                                         "message": {"type": "string"}}}}}},
                    **error_responses(400, 403, 404, 409, 422, 429),
                },
            }
        },
        "/collections/{id}/responses": {
            "post": {
                "summary": "提交问卷答卷（每人一次）", "tags": ["collections"],
                "description": (
                    "每人限答一次：接口没有浏览器 Cookie，因此必须提供手机号 phone（只保存不可逆的校验值，"
                    "同一手机号第二次提交返回 409）；可选请求头 X-Device-Id（应用安装标识）同样限答一次；"
                    "另按 IP 限制频率（429）。" + _WINDOW
                    + " answers 以题目编号为键：单选为选项编号，多选为选项编号数组，评分为 1–5，文字题为字符串；"
                    "选择“其他”时值为 \"other\"，并在 other 中以题目编号为键填写内容。"
                ),
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {"name": "X-Device-Id", "in": "header", "required": False,
                     "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,64}$"}},
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["phone", "answers"],
                    "properties": {
                        "phone": {"type": "string"},
                        "answers": {"type": "object", "additionalProperties": {}},
                        "other": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                }}}},
                "responses": {
                    "201": {"description": "已提交", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"id": {"type": "integer"}, "message": {"type": "string"}}}}}},
                    **error_responses(400, 403, 404, 409, 422, 429),
                },
            }
        },
    },
    schemas={
        "CollectionSummary": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
                "department": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "kind": {"type": "string", "enum": ["opinions", "questionnaire", "both"]},
                "accepts_opinions": {"type": "boolean"}, "has_questionnaire": {"type": "boolean"},
                "phase": {"type": "string", "enum": ["upcoming", "open", "awaiting", "overdue", "done"]},
                "phase_label": {"type": "string"}, "is_open": {"type": "boolean"},
                "starts_at": {"type": "string", "format": "date-time"},
                "ends_at": {"type": "string", "format": "date-time"},
                "feedback_due_date": {"type": "string", "format": "date"},
                "feedback_published_at": {"type": "string", "format": "date-time", "nullable": True},
                "feedback_on_time": {"type": "boolean", "nullable": True},
                "url": {"type": "string"},
            },
        },
        "Collection": {
            "allOf": [
                {"$ref": "#/components/schemas/CollectionSummary"},
                {"type": "object", "properties": {
                    "body_html": {"type": "string"}, "contact_email": {"type": "string"},
                    "contact_address": {"type": "string"}, "name_required": {"type": "boolean"},
                    "phone_required": {"type": "boolean"},
                    "draft_document": {"type": "object", "nullable": True},
                    "attachments": {"type": "array", "items": {"type": "object"}},
                    "questionnaire": {"$ref": "#/components/schemas/Questionnaire"},
                    "opinions": {"type": "array", "items": {"type": "object"}},
                    "feedback": {"type": "object", "nullable": True,
                                 "description": "结果反馈（发布后）：统计、综述、未采纳理由、问卷统计（不含文字作答）"},
                }},
            ],
        },
        "Questionnaire": {
            "type": "object", "nullable": True,
            "properties": {
                "id": {"type": "integer"}, "title": {"type": "string"}, "intro": {"type": "string"},
                "questions": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "position": {"type": "integer"},
                    "kind": {"type": "string", "enum": ["single", "multiple", "short_text", "long_text", "rating"]},
                    "text": {"type": "string"}, "help_text": {"type": "string"}, "required": {"type": "boolean"},
                    "min_choices": {"type": "integer", "nullable": True},
                    "max_choices": {"type": "integer", "nullable": True},
                    "allow_other": {"type": "boolean"}, "other_label": {"type": "string", "nullable": True},
                    "options": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "label": {"type": "string"}}}},
                    "max_length": {"type": "integer", "nullable": True},
                }}},
            },
        },
    },
)
