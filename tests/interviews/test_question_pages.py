"""A popular interview's questions come a page at a time, on its page and in the API
(attack N6: 2,058 approved questions made a 705 KB page of 9-10 s per view and an API
answer of 13-17 s, most of it masking every question)."""
from __future__ import annotations

import re

from interact.interviews import services
from interact.interviews.models import InterviewStatus
from tests.helpers import send_api_captcha


def _approved(db, roles, interview, count: int) -> list[int]:
    ids = []
    for n in range(count):
        question = services.submit_question(interview, nickname=f"网友{n + 1}", body=f"第{n + 1}个问题：社保怎么转移？")
        services.approve_question(question, actor=roles.office)
        ids.append(question.id)
    db.session.commit()
    return ids


def test_the_page_shows_the_questions_a_page_at_a_time(db, client, roles, make_interview):
    interview = make_interview(InterviewStatus.LIVE)
    ids = _approved(db, roles, interview, services.QUESTIONS_PER_PAGE + 5)

    first = client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'<li id="question-(\d+)"', first)]
    assert shown == ids[:services.QUESTIONS_PER_PAGE]
    assert "第 1 / 2 页，共 35 条" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">下一页</a>', first).group(1)
    assert next_link == f"/interviews/{interview.id}?page=2#questions-title"

    second = client.get(next_link.split("#")[0]).get_data(as_text=True)
    assert [int(n) for n in re.findall(r'<li id="question-(\d+)"', second)] == ids[services.QUESTIONS_PER_PAGE:]
    assert '<ol class="iv-questions" start="31">' in second  # numbered on from the first page
    assert 'rel="prev">上一页</a>' in second and "我要提问" in second  # the form is on every page

    beyond = client.get(f"/interviews/{interview.id}?page=9")
    assert beyond.status_code == 200 and "没有这一页" in beyond.get_data(as_text=True)
    assert client.get(f"/interviews/{interview.id}?page=abc").status_code == 200


def test_the_api_gives_one_page_of_questions_and_their_total(db, client, roles, make_interview):
    send_api_captcha(client)
    interview = make_interview(InterviewStatus.LIVE)
    ids = _approved(db, roles, interview, 25)

    data = client.get(f"/api/v1/interviews/{interview.id}").get_json()
    assert [q["id"] for q in data["questions"]] == ids[:20] and data["questions_total"] == 25
    data = client.get(f"/api/v1/interviews/{interview.id}?page=2&per_page=10").get_json()
    assert [q["id"] for q in data["questions"]] == ids[10:20]
    assert client.get(f"/api/v1/interviews/{interview.id}?per_page=500").status_code == 422


def test_sending_a_question_or_switching_on_page_two_comes_back_to_page_two(db, client, roles, make_interview):
    # Without JavaScript the question form, its 关怀版 and 刷新实录 buttons post and come back:
    # to the page of questions the reader was on, not to page 1 (review 2, F9).
    interview = make_interview(InterviewStatus.LIVE)
    _approved(db, roles, interview, services.QUESTIONS_PER_PAGE + 1)
    page = client.get(f"/interviews/{interview.id}?page=2").get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)" novalidate id="question-form"', page).group(1)
    assert action == f"/interviews/{interview.id}/questions?page=2"
    switched = client.post(action, data={"body": "半句问题", "large_text": "1"})
    assert switched.headers["Location"].endswith(f"/interviews/{interview.id}?page=2#ask")
    refreshed = client.post(action, data={"body": "半句问题", "refresh": "0"})
    assert refreshed.headers["Location"].endswith(f"/interviews/{interview.id}?seen=0&page=2#transcript-new")
    again = client.get(f"/interviews/{interview.id}?seen=0&page=2").get_data(as_text=True)
    assert "半句问题" in again and 'start="31"' in again
