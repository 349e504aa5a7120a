"""Interview API: ``GET /interviews``, ``GET /interviews/{id}``,
``GET /interviews/{id}/transcript`` (the live page's polling feed) and
``POST /interviews/{id}/questions``.

Only public interviews, approved questions and published entries are returned; nicknames
and question texts pass through ``core.privacy`` (the models' ``public_*`` texts); no staff
or citizen personal data.
"""
from __future__ import annotations

from typing import Any

from flask import make_response, request, url_for
from marshmallow import Schema, fields, post_dump, validate

from interact.api import bp
from interact.api.captcha import CaptchaHeaders, require_captcha
from interact.api.schemas import (
    ApiSchema,
    DepartmentRef,
    EnumValue,
    FileUrl,
    PageArgs,
    QueryInteger,
    SafeHtml,
    Url,
    choice,
    page_of,
    page_payload,
    text,
)
from interact.core.errors import MAX_ID
from interact.extensions import db, limiter, public_post_limit
from interact.interviews import services
from interact.interviews.models import InterviewStatus, SpeakerKind
from interact.interviews.views import store_summary_names

#: Seconds a poll response may be reused by browsers and shared caches.
FEED_MAX_AGE = 2


class Guest(Schema):
    name = fields.String(required=True, metadata={"example": "王五"})
    title = fields.String(required=True, metadata={"example": "市人力资源社会保障局局长"})
    photo_url = FileUrl(required=True, attribute="photo")


class InterviewSummary(Schema):
    id = fields.Integer(required=True)
    topic = fields.String(required=True, attribute="public_topic", metadata={"example": "稳就业 惠民生——2026 年就业政策解读"})
    status = EnumValue(InterviewStatus, required=True)
    status_label = fields.String(required=True, metadata={"description": "预告 / 直播中 / 已结束 / 回顾"})
    department = fields.Nested(DepartmentRef, required=True)
    host = fields.String(required=True)
    scheduled_start = fields.AwareDateTime(required=True)
    duration_minutes = fields.Integer(required=True)
    guests = fields.List(fields.Nested(Guest), required=True)
    cover_url = FileUrl(required=True, attribute="cover")
    url = Url("interviews.detail", interview_id="id")


class QuestionRef(Schema):
    id = fields.Integer(required=True)
    nickname = fields.String(required=True, attribute="public_nickname", metadata={"example": "网友"})
    body = fields.String(required=True, attribute="public_body", metadata={"description": "个人信息已隐去"})


class InterviewQuestion(QuestionRef):
    similar_count = fields.Integer(required=True, attribute="merged_count",
                                   metadata={"description": "合并进来的同类问题数"})
    answered = fields.Function(lambda q: q.answered_at is not None, required=True, metadata={"type": "boolean"})
    answered_after = fields.Boolean(required=True, metadata={"description": "会后答复"})
    after_answer = fields.Function(lambda q: q.public_after_answer if q.answered_after else None, required=True,
                                   allow_none=True, metadata={"type": "string"})
    after_responder = fields.Function(lambda q: q.public_after_responder if q.answered_after else None, required=True,
                                      allow_none=True, metadata={"type": "string"})
    asked_at = fields.AwareDateTime(required=True, attribute="created_at")


class Counts(Schema):
    received = fields.Integer(required=True)
    approved = fields.Integer(required=True)
    answered = fields.Integer(required=True)


class Image(Schema):
    url = FileUrl(required=True, attribute="file")
    caption = fields.String(required=True, attribute="public_caption", metadata={"description": "个人信息已隐去"})


class Interview(InterviewSummary):
    introduction_html = SafeHtml(required=True, attribute="public_introduction_html",
                                 metadata={"description": "已净化的 HTML，个人信息已隐去"})
    summary_html = SafeHtml(required=True, attribute="public_summary_html", metadata={"description": "个人信息已隐去"})
    video_url = fields.String(required=True, allow_none=True)
    images = fields.List(fields.Nested(Image), required=True)
    takes_questions = fields.Boolean(required=True)
    counts = fields.Nested(Counts, required=True)
    questions = fields.List(fields.Nested(InterviewQuestion), required=True,
                            metadata={"description": "已公开的网友提问中的第 page 页（每页 per_page 条，按提问先后）"})
    questions_total = fields.Integer(required=True, metadata={"description": "已公开的网友提问总条数"})
    transcript_url = Url("api.interview_transcript", external=False, interview_id="id")


class _Detail:
    """An interview with what the detail adds (counts, public questions, video URL)."""

    def __init__(self, interview, page: int, per_page: int):
        self._interview = interview
        self.counts = services.question_counts(interview)
        # One page of them: a popular interview has thousands (attack N6: 13-17 s a call).
        questions = services.public_questions_page(interview, page, per_page)
        self.questions, self.questions_total = questions.items, questions.total
        # Only with a summary: its masking reads every public question (a live interview polled
        # through the API has none, and thousands of questions: review 2, F7).
        self.public_summary_html = str(services.public_summary_html(interview)) if interview.summary else ""
        video = interview.video
        self.video_url = (url_for("site.public_file", key=video.key) if video is not None
                          else interview.video_url or None)

    def __getattr__(self, name: str):
        return getattr(self._interview, name)


class InterviewArgs(PageArgs):
    state = choice(["upcoming", "live", "past"], load_default=None, error="只能是 upcoming、live 或 past",
                   description="upcoming 预告；live 直播中；past 往期")


@bp.route("/interviews", endpoint="interviews", tags=["interviews"])
@bp.arguments(InterviewArgs, location="query")
@bp.response(200, page_of(InterviewSummary, "InterviewPage"), description="按访谈时间倒序")
@bp.errors(422)
def interviews(args: dict[str, Any]):
    """在线访谈列表（预告、直播中、往期）"""
    result = db.paginate(services.public_list_stmt(args["state"]), page=args["page"], per_page=args["per_page"],
                         error_out=False)
    return page_payload(list(result.items), args, result.total)


@bp.route("/interviews/<int:interview_id>", endpoint="interview", tags=["interviews"])
@bp.arguments(PageArgs, location="query")
@bp.response(200, Interview, description="访谈")
@bp.errors(404, 422)
def interview(args: dict[str, Any], interview_id: int):
    """访谈详情：嘉宾、简介、已公开的网友提问（分页：page、per_page）、回顾（摘要、视频、图片）"""
    interview = services.get_public_interview(interview_id)
    store_summary_names(interview)
    return _Detail(interview, args["page"], args["per_page"])


class TranscriptEntry(Schema):
    """One transcript entry as the public sees it; a retracted entry keeps only its id."""

    id = fields.Integer(required=True)
    seq = fields.Integer(required=True)
    retracted = fields.Boolean(required=True, metadata={"description": "为 true 时请从页面移除该记录"})
    speaker_kind = EnumValue(SpeakerKind)
    speaker = fields.String(attribute="speaker_name", metadata={"example": "主持人"})
    body = fields.String(attribute="public_body", metadata={"description": "纯文本，个人信息已隐去"})
    question = fields.Nested(QuestionRef, allow_none=True, metadata={"description": "所回答的网友提问"})
    image_url = FileUrl(attribute="image")
    pinned = fields.Boolean()
    corrected = fields.Function(lambda e: e.revision > 0, metadata={"type": "boolean"})
    posted_at = fields.AwareDateTime(attribute="created_at")

    @post_dump(pass_original=True)
    def only_id_when_retracted(self, data, original, **kwargs):
        return {key: data[key] for key in ("id", "seq", "retracted")} if original.retracted else data


class TranscriptFeed(Schema):
    interview_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": [s.value for s in InterviewStatus]})
    cursor = fields.Integer(required=True, metadata={"description": "下次请求的 after / since"})
    more = fields.Boolean(required=True, metadata={"description": "还有更多变化，请立即再次请求"})
    items = fields.List(fields.Nested(TranscriptEntry), required=True)


_FEED = TranscriptFeed()


class TranscriptArgs(Schema):
    after = QueryInteger(load_default=0, validate=validate.Range(min=0, max=MAX_ID, error=f"必须是 0–{MAX_ID} 的整数"),
                         metadata={"description": "记录 id：返回此 id 之后发布的记录（0 = 从头开始）"})
    since = QueryInteger(load_default=None, allow_none=False, validate=validate.Range(min=0, max=MAX_ID, error=f"必须是 0–{MAX_ID} 的整数"),
                         metadata={"description": "修订号（上次返回的 cursor）：返回此后新增、更正、撤回或置顶变化的记录；"
                                                  "给出 since 时忽略 after"})


@bp.route("/interviews/<int:interview_id>/transcript", endpoint="interview_transcript", tags=["interviews"])
@bp.arguments(TranscriptArgs, location="query")
@bp.response(200, TranscriptFeed, description="变化的记录（按修订号）；可缓存 2 秒，带 ETag")
@bp.alt_response(304, description="自上次请求以来没有变化（If-None-Match）")
@bp.errors(404, 422)
def interview_transcript(args: dict[str, Any], interview_id: int):
    """文字实录（轮询）：after=记录 id 取其后发布的记录；since=修订号 取其后的全部变化

    简单客户端：以最后一条记录的 id 作为 after 轮询，只得到新发布的记录。需要同步更正和撤回的客户端：
    首次请求 since=0 得到全部记录和 cursor，之后每隔几秒以上次的 cursor 作为 since 再请求；
    retracted 为 true 的记录应从页面移除。

    Cheap for many pollers: one primary-key lookup gives the current revision; if the client
    is up to date the answer is a 304 without reading entries; otherwise one range scan.
    """
    by_revision = args["since"] is not None
    position = args["since"] if by_revision else args["after"]
    head = services.feed_head(interview_id)
    etag = f"{head.seq}-{'s' if by_revision else 'a'}{position}-{head.status.value}"
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        if by_revision:
            page = services.transcript_changes(interview_id, position, head_seq=head.seq)
        else:
            page = services.transcript_after_entry(interview_id, position, head_seq=head.seq)
        response = make_response(_FEED.dump({"interview_id": interview_id, "status": head.status.value,
                                             "cursor": page.cursor, "more": page.more, "items": page.entries}))
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response


class QuestionIn(ApiSchema):
    nickname = text(services.NICKNAME_MAX, min_length=0, allow_none=True, load_default="",
                    length_error=f"昵称不超过{services.NICKNAME_MAX}个字", description="昵称（选填）", example="热心市民")
    body = text(services.QUESTION_MAX, min_length=services.QUESTION_MIN, multiline=True, required=True,
                length_error=f"请写下您的问题（{services.QUESTION_MIN}–{services.QUESTION_MAX} 个字）",
                description="问题", example="今年高校毕业生的就业补贴怎么申请？")


class QuestionSubmitted(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["pending"]})
    message = fields.String(required=True, metadata={"example": "提问已提交，审核通过后将公开显示。"})


@bp.route("/interviews/<int:interview_id>/questions", methods=["POST"], endpoint="interview_question",
          tags=["interviews"])
@limiter.limit(public_post_limit)
@bp.arguments(QuestionIn, example={"nickname": "热心市民", "body": "今年高校毕业生的就业补贴怎么申请？"})
@bp.arguments(CaptchaHeaders, location="headers")
@bp.response(201, QuestionSubmitted, description="已提交，等待审核")
@bp.errors(400, 404, 409, 413, 422, 429, e409="访谈已结束，不再接收提问")
def interview_question(data: dict[str, Any], headers: dict[str, Any], interview_id: int):
    """网友提问（无需登录，审核后公开）

    需要验证码（GET /api/v1/captcha，请求头 X-Captcha-Id、X-Captcha-Answer）。
    """
    item = services.get_public_interview(interview_id)
    require_captcha(headers)
    question = services.submit_question(item, nickname=data["nickname"] or "", body=data["body"])
    db.session.commit()
    return {"id": question.id, "status": "pending", "message": "提问已提交，审核通过后将公开显示。"}
