"""The list of interviews (在线访谈) is a public page of the page store: rendered once for
anonymous visitors, renewed at once when an interview or one of its guests changes, never
shared with a logged-in user."""
from __future__ import annotations

import pytest

from interact.extensions import db
from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus
from tests.conftest import Auth


@pytest.fixture
def cached(app):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    return app


def test_interview_list_is_shared_and_follows_a_change(cached, client, roles, make_interview):
    interview = make_interview(InterviewStatus.ANNOUNCED, topic="稳就业政策在线解读")
    first = client.get("/interviews")
    assert first.headers["Cache-Control"] == "public, max-age=30"
    assert "稳就业政策在线解读" in first.get_data(as_text=True)
    assert client.get("/interviews").get_data() == first.get_data()

    interview.topic = "稳就业惠民生政策在线解读"
    db.session.commit()
    assert "稳就业惠民生政策在线解读" in client.get("/interviews").get_data(as_text=True)

    workflow.transition(interview, InterviewStatus.LIVE, roles.office)
    db.session.commit()
    assert "正在直播" in client.get("/interviews").get_data(as_text=True)

    Auth(client).login(roles.office)
    assert "public" not in client.get("/interviews").headers.get("Cache-Control", "")


def test_a_guest_added_shows_on_the_cached_list(cached, client, roles, make_interview):
    interview = make_interview(InterviewStatus.ANNOUNCED, guests=0)
    assert "嘉宾：" not in client.get("/interviews").get_data(as_text=True)
    services.add_guest(interview, name="王局长", title="市人社局", actor=roles.office)
    db.session.commit()
    assert "市人社局王局长" in client.get("/interviews").get_data(as_text=True)
