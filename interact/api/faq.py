"""``GET /api/v1/faq/answer``, ``/faq/entries`` and ``/faq/entries/{id}`` (published entries only)."""
from __future__ import annotations

from flask import current_app, request, url_for

from interact.api import bp
from interact.api.common import page_args, page_payload
from interact.api.openapi import document, error_responses, page_schema
from interact.core.errors import InvalidInput, NotFound
from interact.extensions import db, limiter
from interact.faq import services
from interact.faq.models import FaqCategory


def _answer_limit() -> str:
    return current_app.config.get("RATELIMIT_FAQ_API", "60 per minute")


def _url(entry_id: int) -> str:
    return url_for("faq.entry", entry_id=entry_id, _external=True)


def entry_summary_json(entry) -> dict:
    return {
        "id": entry.id,
        "question": entry.question,
        "category_id": entry.category_id,
        "category": entry.category.path if entry.category else None,
        "department_id": entry.department_id,
        "url": _url(entry.id),
    }


def entry_json(entry) -> dict:
    return {
        **entry_summary_json(entry),
        "answer_html": entry.answer_html,
        "phrasings": entry.phrasing_texts,
        "keywords": entry.keyword_list,
        "hits": entry.hits,
        "helpful": entry.helpful,
        "not_helpful": entry.not_helpful,
        "updated_at": entry.updated_at.isoformat() if entry.updated_at else None,
    }


@bp.get("/faq/answer")
@limiter.limit(_answer_limit)
def faq_answer():
    question = services.clean_query(request.args.get("q"))
    if not question:
        raise InvalidInput("请提供问题参数 q。", fields={"q": "不能为空"})
    # suggest=1: suggestions while typing, neither logged nor counted.
    suggest = request.args.get("suggest") == "1"
    answer = services.ask(question, source="api", log=not suggest)
    if not suggest:
        db.session.commit()
    best = answer.best
    return {
        "answered": answer.answered,
        "confidence": round(answer.confidence, 4),
        "confidence_label": answer.confidence_label if answer.answered else None,
        "best": {"id": best.id, "question": best.question, "answer_html": best.answer_html, "url": _url(best.id)}
        if best is not None else None,
        "related": [
            {"id": e.id, "question": e.question, "url": _url(e.id), "confidence": round(score, 4)}
            for e, score in answer.related
        ],
    }


@bp.get("/faq/entries")
def faq_entries():
    page, per_page = page_args()
    category = None
    category_arg = request.args.get("category", "").strip()
    if category_arg:
        if not category_arg.isdecimal():
            raise InvalidInput("category 必须是分类编号。", fields={"category": "必须是整数"})
        category = db.session.get(FaqCategory, int(category_arg))
        if category is None:
            raise NotFound("该分类不存在。")
    text = services.clean_query(request.args.get("q"))
    if text:
        entries = services.search_entries(text, limit=50)
        if category is not None:
            allowed = set(services.descendant_ids(category))
            entries = [e for e in entries if e.category_id in allowed]
        total = len(entries)
        items = entries[(page - 1) * per_page : page * per_page]
    else:
        result = db.paginate(services.published_query(category=category), page=page, per_page=per_page,
                             error_out=False)
        items, total = list(result.items), result.total or 0
    return page_payload([entry_summary_json(e) for e in items], page, per_page, total)


@bp.get("/faq/entries/<int:entry_id>")
def faq_entry(entry_id: int):
    return entry_json(services.get_published_entry(entry_id))


document(
    paths={
        "/faq/answer": {
            "get": {
                "summary": "智能问答：对一个问题给出最佳答案与相关问题，或明确表示没有合适答案",
                "tags": ["faq"],
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 200},
                     "description": "市民的问题（超过 200 字的部分忽略）"},
                    {"name": "suggest", "in": "query", "required": False, "schema": {"type": "string", "enum": ["1"]},
                     "description": "输入过程中的联想请求：不记录、不计点击"},
                ],
                "responses": {
                    "200": {"description": "answered 为 false 时 best 为 null，请引导市民写信咨询",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FaqAnswer"}}}},
                    **error_responses(422, 429),
                },
            }
        },
        "/faq/entries": {
            "get": {
                "summary": "已发布的常见问题列表（可按分类、关键词筛选）",
                "tags": ["faq"],
                "parameters": [
                    {"name": "category", "in": "query", "schema": {"type": "integer"}, "description": "分类编号（含下级分类）"},
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "检索词"},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
                ],
                "responses": {
                    "200": {"description": "分页结果",
                            "content": {"application/json": {"schema": page_schema("#/components/schemas/FaqEntrySummary")}}},
                    **error_responses(404, 422),
                },
            }
        },
        "/faq/entries/{id}": {
            "get": {
                "summary": "一个已发布的常见问题",
                "tags": ["faq"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "条目",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FaqEntry"}}}},
                    **error_responses(404),
                },
            }
        },
    },
    schemas={
        "FaqAnswer": {
            "type": "object",
            "properties": {
                "answered": {"type": "boolean", "description": "是否找到足够可信的答案"},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "confidence_label": {"type": "string", "nullable": True, "description": "匹配度的中文描述"},
                "best": {
                    "type": "object", "nullable": True,
                    "properties": {"id": {"type": "integer"}, "question": {"type": "string"},
                                   "answer_html": {"type": "string", "description": "已净化的 HTML"},
                                   "url": {"type": "string"}},
                },
                "related": {
                    "type": "array", "maxItems": 4,
                    "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "question": {"type": "string"}, "url": {"type": "string"},
                        "confidence": {"type": "number"}}},
                },
            },
            "required": ["answered", "confidence", "best", "related"],
        },
        "FaqEntrySummary": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"}, "question": {"type": "string"},
                "category_id": {"type": "integer", "nullable": True}, "category": {"type": "string", "nullable": True},
                "department_id": {"type": "integer", "nullable": True}, "url": {"type": "string"},
            },
        },
        "FaqEntry": {
            "allOf": [
                {"$ref": "#/components/schemas/FaqEntrySummary"},
                {"type": "object", "properties": {
                    "answer_html": {"type": "string"}, "phrasings": {"type": "array", "items": {"type": "string"}},
                    "keywords": {"type": "array", "items": {"type": "string"}}, "hits": {"type": "integer"},
                    "helpful": {"type": "integer"}, "not_helpful": {"type": "integer"},
                    "updated_at": {"type": "string", "format": "date-time", "nullable": True}}},
            ]
        },
    },
)
