"""JSON API: list, detail, question submission codes, no personal data, OpenAPI."""
from __future__ import annotations

import json

import pytest

from interact.extensions import limiter
from interact.interviews import services
from interact.interviews.models import InterviewQuestion, InterviewStatus, QuestionStatus
from tests.helpers import send_api_captcha


@pytest.fixture(autouse=True)
def _api_captcha(client):
    """The API's writes need captcha headers (the captcha itself is off in unit tests)."""
    send_api_captcha(client)

S = InterviewStatus


def test_list_filters_by_state_and_hides_drafts(db, client, make_interview):
    make_interview(S.LIVE, topic="直播")
    make_interview(S.ANNOUNCED, topic="预告")
    make_interview(S.ARCHIVED, topic="回顾")
    make_interview(S.DRAFT, topic="草稿")
    data = client.get("/api/v1/interviews").get_json()
    assert data["total"] == 3 and "草稿" not in {i["topic"] for i in data["items"]}
    assert [i["topic"] for i in client.get("/api/v1/interviews?state=live").get_json()["items"]] == ["直播"]
    assert [i["topic"] for i in client.get("/api/v1/interviews?state=past").get_json()["items"]] == ["回顾"]
    bad = client.get("/api/v1/interviews?state=secret")
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["state"]


def test_detail_shows_only_approved_questions_without_personal_data(db, client, roles, make_interview):
    interview = make_interview(S.ANNOUNCED)
    approved = services.submit_question(interview, nickname="13912345678",
                                        body="我的电话13912345678，请问社保怎么转移？")
    services.submit_question(interview, nickname="", body="还没审核的问题内容")
    services.approve_question(approved, actor=roles.office)
    db.session.commit()
    data = client.get(f"/api/v1/interviews/{interview.id}").get_json()
    assert [q["id"] for q in data["questions"]] == [approved.id]
    assert "13912345678" not in json.dumps(data, ensure_ascii=False)
    assert data["takes_questions"] is True and data["counts"] == {"received": 2, "approved": 1, "answered": 0}
    assert "<script>" not in data["introduction_html"]
    assert data["guests"][0]["name"] == "嘉宾1"
    assert "created_by_id" not in data and "email" not in json.dumps(data)


def test_detail_of_draft_or_missing_is_404(db, client, make_interview):
    assert client.get(f"/api/v1/interviews/{make_interview(S.DRAFT).id}").status_code == 404
    response = client.get("/api/v1/interviews/4242")
    assert response.status_code == 404 and response.get_json()["error"]["message"]


def test_post_question(db, client, make_interview):
    interview = make_interview(S.LIVE)
    response = client.post(f"/api/v1/interviews/{interview.id}/questions",
                           json={"nickname": "网友甲", "body": "养老保险最低缴费多少年？"})
    assert response.status_code == 201 and response.get_json()["status"] == "pending"
    question = db.session.get(InterviewQuestion, response.get_json()["id"])
    assert question.status is QuestionStatus.PENDING and question.asked_live


def test_post_question_errors(db, client, make_interview):
    live = make_interview(S.LIVE)
    url = f"/api/v1/interviews/{live.id}/questions"
    short = client.post(url, json={"body": "短"})
    assert short.status_code == 422 and "body" in short.get_json()["error"]["fields"]
    wrong_type = client.post(url, json={"body": 42, "nickname": ["x"]})
    assert wrong_type.status_code == 422
    assert set(wrong_type.get_json()["error"]["fields"]) == {"body", "nickname"}
    assert client.post(url, data="not json", content_type="text/plain").status_code == 400
    ended = make_interview(S.ENDED)
    closed = client.post(f"/api/v1/interviews/{ended.id}/questions", json={"body": "结束后还能问吗？"})
    assert closed.status_code == 409 and "不再接收提问" in closed.get_json()["error"]["message"]
    draft = make_interview(S.DRAFT)
    assert client.post(f"/api/v1/interviews/{draft.id}/questions", json={"body": "草稿能提问吗？"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(InterviewQuestion.id))) == 0


def test_post_question_rate_limited(app, db, client, make_interview):
    app.config["RATELIMIT_PUBLIC_POST"] = "2 per minute"
    limiter.reset()
    url = f"/api/v1/interviews/{make_interview(S.LIVE).id}/questions"
    codes = [client.post(url, json={"body": f"第{n}个问题的内容"}).status_code for n in range(3)]
    assert codes == [201, 201, 429]


def test_openapi_documents_the_interview_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/interviews", "/interviews/{interview_id}", "/interviews/{interview_id}/transcript",
                 "/interviews/{interview_id}/questions"):
        assert "/api/v1" + path in spec["paths"]
    assert "429" in spec["paths"]["/api/v1/interviews/{interview_id}/questions"]["post"]["responses"]
    assert "TranscriptFeed" in spec["components"]["schemas"]


def test_a_question_needs_a_solved_captcha(app, db, make_interview):
    from tests.helpers import api_captcha_headers as headers, api_challenge as challenge

    app.config.update(CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True)
    visitor = app.test_client()
    url = f"/api/v1/interviews/{make_interview(S.LIVE).id}/questions"
    captcha_id, answer = challenge(visitor)
    wrong = visitor.post(url, json={"body": "养老保险最低缴费多少年？"}, headers=headers(captcha_id, "0000"))
    assert wrong.status_code == 422 and "X-Captcha-Answer" in wrong.get_json()["error"]["fields"]
    assert db.session.query(InterviewQuestion).count() == 0
    captcha_id, answer = challenge(visitor)
    assert visitor.post(url, json={"body": "养老保险最低缴费多少年？"}, headers=headers(captcha_id, answer)).status_code == 201
