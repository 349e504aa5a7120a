"""Double clicks in an interview's staff pages (attack N13): 开始直播 sent four times at
once starts the interview once; a console line whose form is sent three times at once
is published once (the form carries a one-time token, as the letter form does); a 会后答复
sent twice at once is published once, the copy is told 该问题已经答复."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from interact.core import clock
from interact.extensions import db as _db
from interact.interviews import services, workflow
from interact.interviews.models import InterviewEvent, InterviewStatus, TranscriptEntry
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import count, gjj_office_and_handler, hold_together, logged_in_cookie, post_copies


def _interview(app, status: InterviewStatus) -> tuple[int, int]:
    """An interview of the 公积金 department in ``status``; (interview id, its handler's id)."""
    def build():
        department, office, handler = gjj_office_and_handler()
        interview = services.create_interview(services.InterviewData(
            topic="住房公积金新政解读", department_id=department.id, host="主持人小林",
            scheduled_start=clock.now().replace(microsecond=0) + timedelta(hours=1), duration_minutes=60,
            introduction="<p>介绍</p>"), actor=office)
        path = [InterviewStatus.ANNOUNCED, InterviewStatus.LIVE]
        for step in path[: path.index(status) + 1]:
            workflow.transition(interview, step, office)
        _db.session.commit()
        return interview.id, handler.id

    return in_app(app, build)


def test_going_live_clicked_four_times_at_once_starts_once(racing_app, monkeypatch):
    interview_id, handler_id = _interview(racing_app, InterviewStatus.ANNOUNCED)
    hold_together(monkeypatch, workflow, "transition", 4)
    statuses = post_copies(racing_app, handler_id, f"/staff/interviews/{interview_id}/transition", {"to": "live"}, 4)
    assert statuses == [302] * 4  # each copy goes back to a page that says what happened
    started = count(racing_app, sa.select(InterviewEvent.id).where(InterviewEvent.interview_id == interview_id,
                                                                   InterviewEvent.to_status == InterviewStatus.LIVE))
    assert started == 1


def test_a_console_line_sent_three_times_at_once_is_published_once(racing_app, monkeypatch):
    interview_id, handler_id = _interview(racing_app, InterviewStatus.LIVE)
    hold_together(monkeypatch, services, "post_entry", 3)
    statuses = post_copies(racing_app, handler_id, f"/staff/interviews/{interview_id}/entries",
                           {"token": "5f0c2a7e9b1d4c3a8e6f2b0d1c9a7e5f", "speaker": "host", "body": "各位网友，大家好！"}, 3)
    assert statuses == [302] * 3
    assert count(racing_app, sa.select(TranscriptEntry.id).where(TranscriptEntry.interview_id == interview_id)) == 1


def test_the_console_form_carries_a_new_token_each_time(racing_app):
    interview_id, handler_id = _interview(racing_app, InterviewStatus.LIVE)
    from flask.testing import FlaskClient

    browser = FlaskClient(racing_app, racing_app.response_class, use_cookies=True)
    browser.set_cookie("session", logged_in_cookie(racing_app, handler_id))
    pages = [browser.get(f"/staff/interviews/{interview_id}/console").get_data(as_text=True) for _ in range(2)]
    tokens = [page.split('name="token" type="hidden" value="')[1].split('"')[0] for page in pages]
    assert len(tokens[0]) == 32 and tokens[0] != tokens[1]
    # A line typed again later (a new copy of the form) is published again.
    for n, token in enumerate(tokens):
        assert browser.post(f"/staff/interviews/{interview_id}/entries",
                            data={"token": token, "speaker": "host", "body": "请继续提问。"}).status_code == 302
    assert count(racing_app, sa.select(TranscriptEntry.id).where(TranscriptEntry.interview_id == interview_id)) == 2



def test_an_answer_after_sent_twice_at_once_is_published_once(racing_app, monkeypatch):
    from interact.accounts.models import User
    from interact.core.models import AuditEvent

    interview_id, handler_id = _interview(racing_app, InterviewStatus.LIVE)

    def ended_with_question():
        interview = services.get_interview(interview_id)
        office = _db.session.scalar(sa.select(User).where(User.username == "office"))
        question = services.submit_question(interview, nickname="网友", body="灵活就业人员怎么缴纳公积金？")
        services.approve_question(question, actor=office)
        workflow.transition(interview, InterviewStatus.ENDED, office)
        _db.session.commit()
        return question.id

    question_id = in_app(racing_app, ended_with_question)
    hold_together(monkeypatch, services, "answer_after", 2)
    texts: list[str] = []
    statuses = post_copies(racing_app, handler_id, f"/staff/interviews/{interview_id}/questions/{question_id}/answer",
                           lambda n: {"responder": "嘉宾", "body": f"第{n}稿：可以按月缴存。"}, 2, texts)
    assert sorted(statuses) == [302, 409], statuses
    assert "该问题已经答复" in texts[statuses.index(409)]
    assert count(racing_app, sa.select(AuditEvent.id).where(AuditEvent.action == "interview_question.answered_after")) == 1
