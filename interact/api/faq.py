"""``GET /api/v1/faq/answer``, ``/faq/entries`` and ``/faq/entries/{id}`` (published entries only)."""
from __future__ import annotations

from typing import Any

from flask import current_app, request
from marshmallow import Schema, fields, validate

from interact.api import bp
from interact.api.schemas import PageArgs, SafeHtml, String, Url, page_of, page_payload, record_id, text
from interact.core.pagecache import arguments_key, no_arguments, public_page
from interact.extensions import client_address, db, limiter
from interact.core.lookup import get_or_404
from interact.faq import services
from interact.faq.matching import MAX_QUERY_CHARS
from interact.faq.models import FaqCategory


def _answer_limit() -> str:
    return current_app.config["RATELIMIT_FAQ_API"]


class FaqEntrySummary(Schema):
    id = fields.Integer(required=True)
    question = fields.String(required=True, metadata={"example": "怎样提取住房公积金？"})
    category_id = fields.Integer(required=True, allow_none=True)
    category = fields.Function(lambda entry: entry.category.path if entry.category else None, required=True,
                               allow_none=True, metadata={"type": "string", "example": "住房 / 公积金"})
    department_id = fields.Integer(required=True, allow_none=True)
    url = Url("faq.entry", entry_id="id")


class FaqEntry(FaqEntrySummary):
    answer_html = SafeHtml(required=True, metadata={"description": "已净化的 HTML"})
    phrasings = fields.List(fields.String(), required=True, attribute="phrasing_texts",
                            metadata={"description": "相似问法"})
    keywords = fields.List(fields.String(), required=True, attribute="keyword_list")
    hits = fields.Integer(required=True)
    helpful = fields.Integer(required=True)
    not_helpful = fields.Integer(required=True)
    updated_at = fields.AwareDateTime(required=True, allow_none=True)


class FaqBest(Schema):
    id = fields.Integer(required=True)
    question = fields.String(required=True)
    answer_html = SafeHtml(required=True, metadata={"description": "已净化的 HTML"})
    url = Url("faq.entry", entry_id="id")


class FaqRelated(Schema):
    id = fields.Integer(required=True)
    question = fields.String(required=True)
    url = Url("faq.entry", entry_id="id")
    confidence = fields.Float(required=True, validate=validate.Range(0, 1))


class FaqAnswer(Schema):
    answered = fields.Boolean(required=True, metadata={"description": "是否找到足够可信的答案"})
    confidence = fields.Float(required=True, validate=validate.Range(0, 1))
    confidence_label = fields.String(required=True, allow_none=True,
                                     metadata={"description": "匹配度的中文描述", "example": "匹配度高"})
    best = fields.Nested(FaqBest, required=True, allow_none=True)
    related = fields.List(fields.Nested(FaqRelated), required=True, validate=validate.Length(max=4))


class FaqAnswerArgs(Schema):
    q = text(MAX_QUERY_CHARS, required=True, length_error=f"请提供问题（1–{MAX_QUERY_CHARS} 个字）",
             description="市民的问题", example="公积金怎么提取")
    suggest = String(load_default=None, allow_none=False, validate=validate.OneOf(["1"], error="只能是 1"),
                     metadata={"description": "输入过程中的联想请求（suggest=1）：不记录、不计点击"})


def _suggestion() -> bool:
    """A suggestion while typing (``suggest=1``): neither logged nor counted, the same for
    every visitor — served from the page store and cacheable by browsers and proxies."""
    return request.args.get("suggest") == "1"


@bp.route("/faq/answer", endpoint="faq_answer", tags=["faq"])
@limiter.limit(_answer_limit)
@public_page(when=_suggestion, vary=services.engine_generation)
@bp.arguments(FaqAnswerArgs, location="query")
@bp.response(200, FaqAnswer, description="answered 为 false 时 best 为 null，请引导市民写信咨询")
@bp.errors(422, 429, 503, e429="请求过于频繁（设置项 RATELIMIT_FAQ_API）")
def faq_answer(args: dict[str, Any]):
    """智能问答：对一个问题给出最佳答案与相关问题，或明确表示没有合适答案"""
    suggest = args["suggest"] == "1"
    card = services.answer_card(args["q"], source="api", log=not suggest, viewer=client_address())
    payload = {
        "answered": card.answered,
        "confidence": round(card.confidence, 4),
        "confidence_label": card.confidence_label if card.answered else None,
        "best": dict(zip(("id", "question", "answer_html"), card.best)) if card.best else None,
        "related": [{"id": id_, "question": question, "confidence": round(score, 4)}
                    for id_, question, score in card.related],
    }
    if not suggest:
        db.session.commit()
    return payload


class FaqEntryArgs(PageArgs):
    category = record_id(query=True, load_default=None, description="分类编号（含下级分类）")
    q = text(MAX_QUERY_CHARS, min_length=0, load_default="", description="检索词", example="提取")


@bp.route("/faq/entries", endpoint="faq_entries", tags=["faq"])
@public_page(key=arguments_key(FaqEntryArgs))
@bp.arguments(FaqEntryArgs, location="query")
@bp.response(200, page_of(FaqEntrySummary, "FaqEntryPage"), description="分页结果")
@bp.errors(404, 422, 503, e404="该分类不存在")
def faq_entries(args: dict[str, Any]):
    """已发布的常见问题列表（可按分类、关键词筛选）"""
    page, per_page = args["page"], args["per_page"]
    category = None
    if args["category"] is not None:
        category = get_or_404(FaqCategory, args["category"], "该分类不存在。")
    text_query = services.clean_query(args["q"])
    if text_query:
        entries = services.search_entries(text_query, limit=50)
        if category is not None:
            allowed = set(services.descendant_ids(category))
            entries = [e for e in entries if e.category_id in allowed]
        return page_payload(entries[(page - 1) * per_page : page * per_page], args, len(entries))
    result = services.published_page(category=category, page=page, per_page=per_page)
    return page_payload(result.items, args, result.total)


@bp.route("/faq/entries/<int:entry_id>", endpoint="faq_entry", tags=["faq"])
@public_page(key=no_arguments)
@bp.response(200, FaqEntry, description="条目")
@bp.errors(404)
def faq_entry(entry_id: int):
    """一个已发布的常见问题"""
    return services.get_published_entry(entry_id)
