"""Interview API: ``GET /interviews``, ``GET /interviews/{id}``,
``GET /interviews/{id}/transcript?after=`` (the live page's polling feed) and
``POST /interviews/{id}/questions``.

Only public interviews, approved questions and published entries are returned; nicknames
and question texts pass through ``core.privacy`` (the models' ``public_*`` texts); no staff or citizen personal data.
"""
from __future__ import annotations

from flask import make_response, request, url_for

from interact.api import bp
from interact.api.common import json_body, page_args, page_payload
from interact.api.openapi import document, error_responses, page_schema
from interact.core.errors import InvalidInput
from interact.core.sanitize import clean_html
from interact.extensions import db, limiter, public_post_limit
from interact.interviews import services
from interact.interviews.models import Interview, TranscriptEntry

#: Seconds a poll response may be reused by browsers and shared caches.
FEED_MAX_AGE = 2


def _file_url(stored) -> str | None:
    return url_for("site.public_file", key=stored.key) if stored is not None else None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def interview_summary_json(interview: Interview) -> dict:
    return {
        "id": interview.id,
        "topic": interview.topic,
        "status": interview.status.value,
        "status_label": interview.status_label,
        "department": {"id": interview.department_id, "name": interview.department.name},
        "host": interview.host,
        "scheduled_start": _iso(interview.scheduled_start),
        "duration_minutes": interview.duration_minutes,
        "guests": [
            {"name": g.name, "title": g.title, "photo_url": _file_url(g.photo)} for g in interview.guests
        ],
        "cover_url": _file_url(interview.cover),
        "url": url_for("interviews.detail", interview_id=interview.id, _external=True),
    }


def question_json(question) -> dict:
    return {
        "id": question.id,
        "nickname": question.public_nickname,
        "body": question.public_body,
        "similar_count": question.merged_count,
        "answered": question.answered_at is not None,
        "answered_after": question.answered_after,
        "after_answer": question.public_after_answer if question.answered_after else None,
        "after_responder": question.after_responder if question.answered_after else None,
        "asked_at": _iso(question.created_at),
    }


def entry_json(entry: TranscriptEntry) -> dict:
    """One transcript entry as the public sees it; a retracted entry keeps only its id."""
    base = {"id": entry.id, "seq": entry.seq, "retracted": entry.retracted}
    if entry.retracted:
        return base
    question = entry.question
    return {
        **base,
        "speaker_kind": entry.speaker_kind.value,
        "speaker": entry.speaker_name,
        "body": entry.public_body,
        "question": {
            "id": question.id,
            "nickname": question.public_nickname,
            "body": question.public_body,
        } if question is not None else None,
        "image_url": _file_url(entry.image),
        "pinned": entry.pinned,
        "corrected": entry.revision > 0,
        "posted_at": _iso(entry.created_at),
    }


@bp.get("/interviews")
def interviews():
    page, per_page = page_args()
    state = request.args.get("state", "")
    if state and state not in ("upcoming", "live", "past"):
        raise InvalidInput("state 只能是 upcoming、live 或 past。", fields={"state": "取值无效"})
    result = db.paginate(services.public_list_stmt(state or None), page=page, per_page=per_page, error_out=False)
    return page_payload([interview_summary_json(i) for i in result.items], page, per_page, result.total or 0)


@bp.get("/interviews/<int:interview_id>")
def interview(interview_id: int):
    item = services.get_public_interview(interview_id)
    counts = services.question_counts(item)
    return {
        **interview_summary_json(item),
        "introduction_html": clean_html(item.introduction),
        "summary_html": clean_html(item.summary),
        "video_url": _file_url(item.video) or item.video_url or None,
        "images": [{"url": _file_url(i.file), "caption": i.caption} for i in item.images],
        "takes_questions": item.takes_questions,
        "counts": {"received": counts.received, "approved": counts.approved, "answered": counts.answered},
        "questions": [question_json(q) for q in services.public_questions(item)],
        "transcript_url": url_for("api.interview_transcript", interview_id=item.id),
    }


def _int_arg(name: str) -> int:
    raw = request.args.get(name, "0").strip() or "0"
    if not raw.isdecimal() or len(raw) > 12:
        raise InvalidInput(f"{name} 必须是非负整数。", fields={name: "必须是非负整数"})
    return int(raw)


@bp.get("/interviews/<int:interview_id>/transcript")
def interview_transcript(interview_id: int):
    """The transcript feed, in two forms.

    - ``?after=<entry id>``: published entries posted after that entry (0 = from the start);
    - ``?since=<cursor>``: every change since that revision — new, corrected, retracted or
      (un)pinned entries — which is what the live page polls, so corrections show too.

    Cheap for many pollers: one primary-key lookup gives the current revision; if the
    client is up to date the answer is a 304 without reading entries; otherwise one range
    scan on (interview_id, id) or (interview_id, seq). Responses are cacheable for
    ``FEED_MAX_AGE`` seconds and carry an ETag built from the revision.
    """
    by_revision = "since" in request.args
    position = _int_arg("since" if by_revision else "after")
    head = services.feed_head(interview_id)
    etag = f"{head.seq}-{'s' if by_revision else 'a'}{position}-{head.status.value}"
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        if by_revision:
            page = services.transcript_changes(interview_id, position, head_seq=head.seq)
        else:
            page = services.transcript_after_entry(interview_id, position, head_seq=head.seq)
        response = make_response({
            "interview_id": interview_id,
            "status": head.status.value,
            "cursor": page.cursor,
            "more": page.more,
            "items": [entry_json(e) for e in page.entries],
        })
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response


@bp.post("/interviews/<int:interview_id>/questions")
@limiter.limit(public_post_limit)
def interview_question(interview_id: int):
    item = services.get_public_interview(interview_id)
    data = json_body()
    nickname, body = data.get("nickname") or "", data.get("body")
    fields = {}
    if not isinstance(nickname, str):
        fields["nickname"] = "必须是字符串"
    if not isinstance(body, str) or not body.strip():
        fields["body"] = "请写下您的问题"
    if fields:
        raise InvalidInput("提问内容有误。", fields=fields)
    question = services.submit_question(item, nickname=nickname, body=body)
    db.session.commit()
    return {"id": question.id, "status": "pending", "message": "提问已提交，审核通过后将公开显示。"}, 201


_INTERVIEW_PROPS = {
    "id": {"type": "integer"},
    "topic": {"type": "string"},
    "status": {"type": "string", "enum": ["announced", "live", "ended", "archived"]},
    "status_label": {"type": "string", "description": "预告 / 直播中 / 已结束 / 回顾"},
    "department": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
    "host": {"type": "string"},
    "scheduled_start": {"type": "string", "format": "date-time"},
    "duration_minutes": {"type": "integer"},
    "guests": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "title": {"type": "string"},
        "photo_url": {"type": "string", "nullable": True}}}},
    "cover_url": {"type": "string", "nullable": True},
    "url": {"type": "string", "description": "公开页面地址"},
}

document(
    paths={
        "/interviews": {"get": {
            "summary": "在线访谈列表（预告、直播中、往期）",
            "tags": ["interviews"],
            "parameters": [
                {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["upcoming", "live", "past"]}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
            ],
            "responses": {
                "200": {"description": "按访谈时间倒序", "content": {"application/json": {
                    "schema": page_schema("#/components/schemas/InterviewSummary")}}},
                **error_responses(422),
            },
        }},
        "/interviews/{id}": {"get": {
            "summary": "访谈详情：嘉宾、简介、已公开的网友提问、回顾（摘要、视频、图片）",
            "tags": ["interviews"],
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": {"description": "访谈", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Interview"}}}},
                **error_responses(404),
            },
        }},
        "/interviews/{id}/transcript": {"get": {
            "summary": "文字实录（轮询）：after=记录 id 取其后发布的记录；since=修订号 取其后的全部变化",
            "description": "简单客户端：以最后一条记录的 id 作为 after 轮询，只得到新发布的记录。"
                           "需要同步更正和撤回的客户端：首次请求 since=0 得到全部记录和 cursor，之后每隔几秒以上次的 "
                           "cursor 作为 since 再请求；retracted 为 true 的记录应从页面移除。"
                           "响应可缓存 2 秒并带 ETag，未变化时可返回 304。",
            "tags": ["interviews"],
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0},
                 "description": "记录 id：返回此 id 之后发布的记录（0 = 从头开始）"},
                {"name": "since", "in": "query", "schema": {"type": "integer", "minimum": 0},
                 "description": "修订号（上次返回的 cursor）：返回此后新增、更正、撤回或置顶变化的记录；给出 since 时忽略 after"},
            ],
            "responses": {
                "200": {"description": "变化的记录（按修订号）", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/TranscriptFeed"}}}},
                "304": {"description": "自上次请求以来没有变化（If-None-Match）"},
                **error_responses(404, 422),
            },
        }},
        "/interviews/{id}/questions": {"post": {
            "summary": "网友提问（无需登录，审核后公开）",
            "tags": ["interviews"],
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["body"],
                "properties": {"nickname": {"type": "string", "maxLength": 20, "description": "昵称（选填）"},
                               "body": {"type": "string", "minLength": 5, "maxLength": 500}}}}}},
            "responses": {
                "201": {"description": "已提交，等待审核", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"},
                                                     "message": {"type": "string"}}}}}},
                **error_responses(400, 404, 409, 422, 429),
            },
        }},
    },
    schemas={
        "InterviewSummary": {"type": "object", "properties": _INTERVIEW_PROPS},
        "Interview": {"type": "object", "properties": {
            **_INTERVIEW_PROPS,
            "introduction_html": {"type": "string", "description": "已净化的 HTML"},
            "summary_html": {"type": "string"},
            "video_url": {"type": "string", "nullable": True},
            "images": {"type": "array", "items": {"type": "object", "properties": {
                "url": {"type": "string"}, "caption": {"type": "string"}}}},
            "takes_questions": {"type": "boolean"},
            "counts": {"type": "object", "properties": {
                "received": {"type": "integer"}, "approved": {"type": "integer"}, "answered": {"type": "integer"}}},
            "questions": {"type": "array", "items": {"$ref": "#/components/schemas/InterviewQuestion"}},
            "transcript_url": {"type": "string"},
        }},
        "InterviewQuestion": {"type": "object", "properties": {
            "id": {"type": "integer"}, "nickname": {"type": "string"}, "body": {"type": "string"},
            "similar_count": {"type": "integer", "description": "合并进来的同类问题数"},
            "answered": {"type": "boolean"},
            "answered_after": {"type": "boolean", "description": "会后答复"},
            "after_answer": {"type": "string", "nullable": True},
            "after_responder": {"type": "string", "nullable": True},
            "asked_at": {"type": "string", "format": "date-time"},
        }},
        "TranscriptEntry": {"type": "object", "required": ["id", "seq", "retracted"], "properties": {
            "id": {"type": "integer"}, "seq": {"type": "integer"}, "retracted": {"type": "boolean"},
            "speaker_kind": {"type": "string", "enum": ["host", "guest"]},
            "speaker": {"type": "string"}, "body": {"type": "string", "description": "纯文本"},
            "question": {"type": "object", "nullable": True, "properties": {
                "id": {"type": "integer"}, "nickname": {"type": "string"}, "body": {"type": "string"}}},
            "image_url": {"type": "string", "nullable": True},
            "pinned": {"type": "boolean"}, "corrected": {"type": "boolean"},
            "posted_at": {"type": "string", "format": "date-time"},
        }},
        "TranscriptFeed": {"type": "object", "properties": {
            "interview_id": {"type": "integer"},
            "status": {"type": "string"},
            "cursor": {"type": "integer", "description": "下次请求的 after"},
            "more": {"type": "boolean", "description": "还有更多变化，请立即再次请求"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/TranscriptEntry"}},
        }},
    },
)
