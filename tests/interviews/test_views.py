"""Web routes: public pages and the question form; staff pages with role and department
scope; CSRF; uploads; XSS inertness."""
from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape

from interact.interviews import services
from interact.interviews.models import Interview, InterviewQuestion, InterviewStatus, QuestionStatus
from interact.extensions import limiter
from tests.helpers import assert_inert_html, badinput_strings

from .conftest import mp4_bytes, png_bytes

S = InterviewStatus


def test_public_list_groups_live_upcoming_past(db, client, make_interview):
    make_interview(S.LIVE, topic="正在直播的访谈")
    make_interview(S.ANNOUNCED, topic="即将开始的访谈")
    make_interview(S.ARCHIVED, topic="往期回顾的访谈")
    make_interview(S.DRAFT, topic="尚未发布的草稿")
    html = client.get("/interviews").get_data(as_text=True)
    assert html.index("正在直播的访谈") < html.index("即将开始的访谈") < html.index("往期回顾的访谈")
    assert "尚未发布的草稿" not in html


def test_draft_is_not_public(db, client, make_interview):
    assert client.get(f"/interviews/{make_interview(S.DRAFT).id}").status_code == 404


def test_ask_a_question_on_the_web(db, client, make_interview):
    interview = make_interview(S.ANNOUNCED)
    response = client.post(f"/interviews/{interview.id}/questions", data={"nickname": "小张", "body": "请问社保断缴有影响吗？"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#ask")
    question = db.session.scalar(db.select(InterviewQuestion))
    assert question.status is QuestionStatus.PENDING and question.body == "请问社保断缴有影响吗？"
    html = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    assert "审核通过后将公开显示" in html and "请问社保断缴有影响吗？" not in html


def test_a_question_with_control_characters_is_stored_without_them(db, client, make_interview):
    """Attack Q3: on PostgreSQL a NUL in the nickname or the question was a 400 about numbers
    and the question was lost."""
    interview = make_interview(S.ANNOUNCED)
    response = client.post(f"/interviews/{interview.id}/questions",
                           data={"nickname": "小\x00张", "body": "请问社保\x00断缴有\x1b影响吗？"})
    assert response.status_code == 302
    question = db.session.scalar(db.select(InterviewQuestion))
    assert question.nickname == "小张" and question.body == "请问社保断缴有影响吗？"


def _sent_back(client, response, interview, anchor: str = "#ask") -> str:
    """A refused question: a redirect to the interview's page (never a page of the
    POST-only address, which a reload would post again); that page's HTML."""
    assert response.status_code == 303, response.status_code
    assert response.headers["Location"].endswith(f"/interviews/{interview.id}{anchor}")
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_bad_question_is_shown_again_with_the_text(db, client, make_interview):
    interview = make_interview(S.ANNOUNCED)
    response = client.post(f"/interviews/{interview.id}/questions", data={"nickname": "小张", "body": "短"})
    html = _sent_back(client, response, interview)
    assert "问题应为 5–500 个字" in html and 'value="小张"' in html and "短</textarea>" in html
    # A reload: what was typed is still there, the message was said once.
    again = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    assert 'value="小张"' in again and "问题应为 5–500 个字" not in again
    assert db.session.scalar(db.select(db.func.count(InterviewQuestion.id))) == 0
    # Sent right, the form is empty again.
    client.post(f"/interviews/{interview.id}/questions", data={"nickname": "小张", "body": "社保断缴有影响吗？"})
    assert 'value="小张"' not in client.get(f"/interviews/{interview.id}").get_data(as_text=True)


def test_the_question_forms_address_opened_again_leads_to_the_interview(db, client, make_interview):
    interview = make_interview()
    response = client.get(f"/interviews/{interview.id}/questions")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/interviews/{interview.id}#ask")


def test_question_to_ended_interview_is_refused(db, client, make_interview):
    interview = make_interview(S.ENDED)
    response = client.post(f"/interviews/{interview.id}/questions", data={"body": "结束后还能提问吗？"})
    html = _sent_back(client, response, interview, anchor="#unsent")
    assert "不再接收提问" in html and "您的问题未能提交" in html
    # The question is not lost: shown, with a link that takes it to the letter form.
    assert "结束后还能提问吗？</blockquote>" in html
    link = re.search(r'href="(/letters/new\?[^"]+)"[^>]*>写信咨询这个问题', html).group(1).replace("&amp;", "&")
    letter_form = client.get(link).get_data(as_text=True)
    assert 'value="结束后还能提问吗？"' in letter_form
    assert f'<option selected value="{interview.department_id}">' in letter_form
    assert db.session.scalar(db.select(db.func.count(InterviewQuestion.id))) == 0
    # Another visitor's page says nothing of it.
    assert "您的问题未能提交" not in client.application.test_client().get(f"/interviews/{interview.id}").get_data(as_text=True)


def test_captcha_is_checked(app, db, client, make_interview):
    app.config["CAPTCHA_ENABLED"] = True
    interview = make_interview(S.ANNOUNCED)
    response = client.post(f"/interviews/{interview.id}/questions", data={"body": "没有验证码的提问", "captcha": "XXXX"})
    assert "验证码不正确" in _sent_back(client, response, interview)
    assert db.session.scalar(db.select(db.func.count(InterviewQuestion.id))) == 0


def test_questions_are_rate_limited(app, db, client, make_interview):
    app.config["RATELIMIT_PUBLIC_POST"] = "2 per minute"
    limiter.reset()
    interview = make_interview(S.ANNOUNCED)
    codes = [client.post(f"/interviews/{interview.id}/questions", data={"body": f"第{n}个问题的内容"}).status_code
             for n in range(3)]
    assert codes == [302, 302, 429]


def test_csrf_is_required(csrf_app, db, make_interview):
    interview = make_interview(S.ANNOUNCED)
    client = csrf_app.test_client()
    response = client.post(f"/interviews/{interview.id}/questions", data={"body": "没有令牌的提问内容"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(InterviewQuestion.id))) == 0
    page = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post(f"/interviews/{interview.id}/questions", data={"body": "带令牌的提问内容", "csrf_token": token})
    assert ok.status_code == 302


# --------------------------------------------------------------------------- staff access

STAFF_PAGES = ["/staff/interviews/{id}", "/staff/interviews/{id}/edit", "/staff/interviews/{id}/questions",
               "/staff/interviews/{id}/console", "/staff/interviews/{id}/archive"]


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_pages_scope(db, client, auth, roles, make_interview, page):
    interview = make_interview(S.LIVE)
    url = page.format(id=interview.id)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    auth.login(roles.handler_b)
    assert client.get(url).status_code == 403
    auth.login(roles.citizen)
    assert client.get(url).status_code == 403
    auth.login(roles.handler_a)
    assert client.get(url).status_code == 200
    auth.login(roles.office)
    assert client.get(url).status_code == 200


def test_staff_list_shows_own_department_only(db, client, auth, roles, make_interview):
    make_interview(S.DRAFT, topic="人社局的访谈")
    make_interview(S.DRAFT, topic="公积金中心的访谈", department=roles.department_b)
    auth.login(roles.handler_a)
    html = client.get("/staff/interviews").get_data(as_text=True)
    assert "人社局的访谈" in html and "公积金中心的访谈" not in html
    auth.login(roles.office)
    html = client.get("/staff/interviews").get_data(as_text=True)
    assert "人社局的访谈" in html and "公积金中心的访谈" in html
    auth.login(roles.curator)
    assert client.get("/staff/interviews").status_code == 403


def test_handler_cannot_post_to_other_department(db, client, auth, roles, make_interview):
    interview = make_interview(S.LIVE)
    auth.login(roles.handler_b)
    response = client.post(f"/staff/interviews/{interview.id}/entries", data={"speaker": "host", "body": "越权发布"})
    assert response.status_code == 403
    response = client.post(f"/staff/interviews/{interview.id}/transition", data={"to": "ended"})
    assert response.status_code == 403
    assert interview.transcript_seq == 0 and interview.status is S.LIVE


def test_create_interview_through_the_form(db, client, auth, roles):
    auth.login(roles.handler_a)
    response = client.post("/staff/interviews/new", data={
        "topic": "2026年高校毕业生就业政策", "department_id": str(roles.department_a.id), "host": "主持人",
        "scheduled_start": "2026-06-18T15:00", "duration_minutes": "90", "introduction": "<p>简介</p>",
        "cover": (io.BytesIO(png_bytes()), "cover.png"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    interview = db.session.scalar(db.select(Interview))
    assert interview.status is S.DRAFT and interview.department_id == roles.department_a.id
    assert interview.scheduled_start.isoformat() == "2026-06-18T07:00:00+00:00"  # 15:00 Beijing
    assert interview.cover is not None and interview.cover.public


def test_handler_cannot_create_for_other_department(db, client, auth, roles):
    auth.login(roles.handler_a)
    response = client.post("/staff/interviews/new", data={
        "topic": "越权", "department_id": str(roles.department_b.id), "host": "主持人",
        "scheduled_start": "2026-06-18T15:00", "duration_minutes": "60",
    })
    assert response.status_code == 422  # not among the handler's choices
    assert db.session.scalar(db.select(db.func.count(Interview.id))) == 0


def test_invalid_interview_form_keeps_input(db, client, auth, roles):
    auth.login(roles.office)
    response = client.post("/staff/interviews/new", data={
        "topic": "保留我输入的主题", "department_id": str(roles.department_a.id), "host": "主持人",
        "scheduled_start": "", "duration_minutes": "5",
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="保留我输入的主题"' in html and "计划时长应为 10–600 分钟" in html


def test_run_an_interview_from_the_pages(db, client, auth, roles, make_interview):
    interview = make_interview(S.DRAFT)
    auth.login(roles.handler_a)
    client.post(f"/staff/interviews/{interview.id}/transition", data={"to": "announced"})
    assert interview.status is S.DRAFT  # only the office publishes the announcement
    auth.login(roles.office)
    client.post(f"/staff/interviews/{interview.id}/transition", data={"to": "announced"})
    assert interview.status is S.ANNOUNCED
    question = services.submit_question(interview, nickname="", body="直播中我想问一个问题")
    db.session.commit()
    auth.login(roles.handler_a)
    client.post(f"/staff/interviews/{interview.id}/questions/{question.id}/approve", data={"back": "console"})
    response = client.post(f"/staff/interviews/{interview.id}/transition", data={"to": "live"})
    assert response.headers["Location"].endswith(f"/staff/interviews/{interview.id}/console")
    guest = interview.guests[0]
    response = client.post(f"/staff/interviews/{interview.id}/entries", data={
        "speaker": f"guest:{guest.id}", "question_id": str(question.id), "body": "这是嘉宾的答复。",
    })
    assert response.status_code == 302
    entry = services.transcript(interview)[0]
    assert entry.question_id == question.id and question.answered_at is not None
    client.post(f"/staff/interviews/{interview.id}/entries/{entry.id}/pin", data={"pinned": "1"})
    assert entry.pinned
    response = client.post(f"/staff/interviews/{interview.id}/entries/{entry.id}/correct",
                           data={"body": "这是嘉宾更正后的答复。", "reason": "补充"})
    assert response.status_code == 302 and entry.revision == 1
    page = client.get(f"/staff/interviews/{interview.id}/entries/{entry.id}").get_data(as_text=True)
    assert "这是嘉宾的答复。" in page and "这是嘉宾更正后的答复。" in page
    missing = client.post(f"/staff/interviews/{interview.id}/entries/{entry.id}/retract", data={"reason": ""})
    assert missing.status_code == 422
    client.post(f"/staff/interviews/{interview.id}/transition", data={"to": "ended"})
    assert interview.status is S.ENDED


def test_empty_entry_is_refused_and_form_kept(db, client, auth, roles, live_interview):
    auth.login(roles.handler_a)
    response = client.post(f"/staff/interviews/{live_interview.id}/entries", data={"speaker": "host", "body": ""})
    assert response.status_code == 422 and "请填写内容" in response.get_data(as_text=True)


def test_moderation_pages(db, client, auth, roles, make_interview):
    interview = make_interview(S.ANNOUNCED)
    a = services.submit_question(interview, nickname="", body="第一个问题的内容")
    b = services.submit_question(interview, nickname="", body="重复的问题的内容")
    c = services.submit_question(interview, nickname="", body="不相关的内容")
    db.session.commit()
    auth.login(roles.handler_a)
    html = client.get(f"/staff/interviews/{interview.id}/questions").get_data(as_text=True)
    assert "第一个问题的内容" in html and "合并到" in html
    client.post(f"/staff/interviews/{interview.id}/questions/{b.id}/merge", data={"into": str(a.id)})
    client.post(f"/staff/interviews/{interview.id}/questions/{a.id}/approve")
    client.post(f"/staff/interviews/{interview.id}/questions/{c.id}/reject", data={"reason": "无关"})
    assert (a.status, b.status, c.status) == (QuestionStatus.APPROVED, QuestionStatus.MERGED, QuestionStatus.REJECTED)
    public = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    assert "第一个问题的内容" in public and "同类问题 2 条" in public
    assert "重复的问题的内容" not in public and "不相关的内容" not in public


def test_archive_video_gallery_and_after_answers(db, client, auth, roles, make_interview):
    interview = make_interview(S.LIVE)
    question = services.submit_question(interview, nickname="", body="直播中没答的问题")
    services.approve_question(question, actor=roles.office)
    db.session.commit()
    auth.login(roles.handler_a)
    client.post(f"/staff/interviews/{interview.id}/transition", data={"to": "ended"})
    response = client.post(f"/staff/interviews/{interview.id}/archive", data={
        "summary": "<p>本次访谈解读了<strong>就业政策</strong>。</p><script>alert(1)</script>",
        "video_url": "", "video": (io.BytesIO(mp4_bytes()), "interview.mp4"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    assert interview.video is not None and interview.video.content_type == "video/mp4"
    assert "<script>" not in interview.summary
    bad = client.post(f"/staff/interviews/{interview.id}/archive", data={"summary": "保留摘要", "video_url": "javascript:alert(1)"})
    assert bad.status_code == 422 and "保留摘要" in bad.get_data(as_text=True)
    client.post(f"/staff/interviews/{interview.id}/images", data={
        "image": (io.BytesIO(png_bytes()), "photo.png"), "caption": "访谈现场",
    }, content_type="multipart/form-data")
    assert [i.caption for i in interview.images] == ["访谈现场"]
    client.post(f"/staff/interviews/{interview.id}/questions/{question.id}/answer",
                data={"responder": "嘉宾1", "body": "会后答复的内容"})
    client.post(f"/staff/interviews/{interview.id}/transition", data={"to": "archived"})
    assert interview.status is S.ARCHIVED
    auth.logout()
    html = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    assert "访谈回顾" in html and "就业政策" in html and "<video" in html and "访谈现场" in html
    assert "会后答复" in html and "会后答复的内容" in html
    assert "共收到网友提问 <strong>1</strong> 条" in html
    video = client.get(f"/files/{interview.video.key}", headers={"Range": "bytes=0-99"})
    try:
        assert video.status_code == 206 and len(video.data) == 100
    finally:
        video.close()


def test_uploaded_script_disguised_as_image_is_refused(db, client, auth, roles, make_interview):
    interview = make_interview(S.ANNOUNCED)
    auth.login(roles.handler_a)
    response = client.post(f"/staff/interviews/{interview.id}/guests", data={
        "name": "嘉宾二", "title": "副局长",
        "photo": (io.BytesIO(b"<script>alert(1)</script>"), "photo.jpg"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422 and "类型不支持" in response.get_data(as_text=True)
    assert len(interview.guests) == 1


def test_xss_in_questions_and_transcript_is_inert(db, client, roles, make_interview):
    payloads = [p for p in badinput_strings() if "<" in p or "javascript" in p.lower()][:60]
    if not payloads:
        pytest.skip("../shared/data/badinput not present")
    interview = make_interview(S.LIVE)
    guest = f"guest:{interview.guests[0].id}"
    for payload in payloads:
        body = (payload + " 这是一个问题")[:500]
        question = services.submit_question(interview, nickname=payload[:20], body=body)
        services.approve_question(question, actor=roles.office)
        services.post_entry(interview, speaker=guest, body=payload + " 答复", actor=roles.handler_a,
                            question_id=question.id)
    services.post_entry(interview, speaker="host", body=payloads[0], actor=roles.handler_a)
    db.session.commit()
    html = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    # Everything citizens and editors wrote: the transcript and the question list (no forms).
    body = html.split('aria-labelledby="transcript-title"', 1)[1].split('aria-labelledby="ask"', 1)[0]
    assert str(escape(payloads[0])) in body  # the host's entry is shown, escaped
    assert_inert_html(body)
    data = client.get(f"/api/v1/interviews/{interview.id}/transcript").get_json()
    assert data["items"][-1]["body"] == payloads[0]  # JSON carries text; the page script uses textContent


def test_workspace_cards_and_home_section(db, client, auth, roles, make_interview, frozen):
    frozen(2026, 3, 2, 9)
    from datetime import timedelta
    from interact.core import clock

    soon = make_interview(S.DRAFT, topic="两天后的访谈", start=clock.now() + timedelta(days=2))
    announced = make_interview(S.ANNOUNCED, topic="已预告的访谈")
    services.submit_question(announced, nickname="", body="待审核的问题内容")
    db.session.commit()
    auth.login(roles.office)
    html = client.get("/staff/").get_data(as_text=True)
    assert "访谈提问待审核" in html and "访谈预告未发布" in html and "近 7 天的在线访谈" in html
    auth.login(roles.handler_b)
    html = client.get("/staff/").get_data(as_text=True)
    assert "访谈提问待审核" not in html
    auth.logout()
    home = client.get("/").get_data(as_text=True)
    assert "已预告的访谈" in home and soon.topic not in home
