"""workflow.actions(interview, user): the one answer to "what may this user do now", and the
pages that ask it instead of comparing statuses."""
from __future__ import annotations

import pytest

from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus, QuestionStatus

S = InterviewStatus

STAFF_ONLY = {"moderate", "edit", "console", "post_entry", "revise_entry", "add_image", "edit_archive",
              "answer_after", "announce", "unannounce", "start", "end", "archive"}

#: What the office may do in each state (the steps and the work of the state).
OFFICE = {
    S.DRAFT: {"moderate", "edit", "announce"},
    S.ANNOUNCED: {"moderate", "edit", "unannounce", "start", "add_image", "view_public", "ask"},
    S.LIVE: {"moderate", "edit", "end", "console", "post_entry", "revise_entry", "add_image", "view_public",
             "read_transcript", "ask"},
    S.ENDED: {"moderate", "edit", "archive", "console", "post_entry", "revise_entry", "add_image",
              "edit_archive", "answer_after", "view_public", "read_transcript"},
    S.ARCHIVED: {"moderate", "console", "revise_entry", "add_image", "edit_archive", "answer_after",
                 "view_public", "read_transcript"},
}


@pytest.mark.parametrize("status", list(S))
def test_actions_per_state_and_user(db, roles, make_interview, status):
    interview = make_interview(status)
    assert workflow.actions(interview, roles.office) == OFFICE[status]
    # The department's handler: everything but the office's steps (announcing).
    handler = workflow.actions(interview, roles.handler_a)
    assert handler == OFFICE[status] - {"announce", "unannounce"}
    # Another department's handler, a citizen and a visitor see only what the public sees.
    public = OFFICE[status] - STAFF_ONLY
    assert workflow.actions(interview, roles.handler_b) == public
    assert workflow.actions(interview, roles.citizen) == public
    assert workflow.actions(interview, None) == public


def test_every_step_in_actions_is_accepted_by_transition(db, roles, make_interview):
    """The buttons and the rule agree: a step offered by actions() is taken by transition()."""
    for status in S:
        interview = make_interview(status)
        for to, step in workflow.available_steps(interview, roles.handler_a):
            assert step.action in workflow.actions(interview, roles.handler_a)
            workflow.transition(interview, to, roles.handler_a)
            db.session.rollback()


def test_question_actions_follow_the_services(db, roles, make_interview):
    interview = make_interview(S.LIVE)
    question = services.submit_question(interview, nickname="小王", body="公积金怎么提取？")
    actions = workflow.actions(interview, roles.handler_a)
    assert workflow.question_actions(question, actions) == {"approve", "reject", "merge"}
    assert workflow.question_actions(question, workflow.actions(interview, roles.handler_b)) == set()
    services.approve_question(question, actor=roles.handler_a)
    assert workflow.question_actions(question, actions) == {"reject", "merge"}
    services.reject_question(question, reason="重复", actor=roles.handler_a)
    assert question.status is QuestionStatus.REJECTED
    assert workflow.question_actions(question, actions) == {"approve"}
    services.approve_question(question, actor=roles.handler_a)
    workflow.transition(interview, S.ENDED, roles.handler_a)
    assert workflow.question_actions(question, workflow.actions(interview, roles.handler_a)) == {
        "reject", "merge", "answer_after"}
    services.answer_after(question, body="可以在网上办理。", responder="", actor=roles.handler_a)
    assert workflow.question_actions(question, workflow.actions(interview, roles.handler_a)) == set()


def test_manage_page_offers_what_actions_allows(db, client, auth, roles, make_interview):
    auth.login(roles.handler_a)
    draft = make_interview(S.DRAFT)
    html = client.get(f"/staff/interviews/{draft.id}").get_data(as_text=True)
    assert "编辑基本信息" in html and "添加嘉宾" in html and "草稿不公开" in html
    assert "直播控制台" not in html and "回顾编辑" not in html and "查看公开页面" not in html
    archived = make_interview(S.ARCHIVED)
    html = client.get(f"/staff/interviews/{archived.id}").get_data(as_text=True)
    assert "编辑基本信息" not in html and "添加嘉宾" not in html and "草稿不公开" not in html
    assert "直播控制台" in html and "回顾编辑" in html and "查看公开页面" in html


def test_after_answer_button_only_for_approved_questions_of_a_past_interview(db, client, auth, roles,
                                                                             make_interview):
    interview = make_interview(S.LIVE)
    question = services.submit_question(interview, nickname="小李", body="社保怎么转移？")
    services.approve_question(question, actor=roles.office)
    db.session.commit()
    auth.login(roles.handler_a)
    url = f"/staff/interviews/{interview.id}/questions?status=approved"
    assert "会后答复" not in client.get(url).get_data(as_text=True).replace("（会后答复", "")
    workflow.transition(interview, S.ENDED, roles.office)
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert f"/questions/{question.id}/answer" in html


def test_public_page_shows_the_transcript_only_from_the_start(db, client, make_interview):
    announced = make_interview(S.ANNOUNCED)
    assert "文字实录" not in client.get(f"/interviews/{announced.id}").get_data(as_text=True)
    live = make_interview(S.LIVE)
    assert "文字直播" in client.get(f"/interviews/{live.id}").get_data(as_text=True)


def test_unannounced_card_counts_the_interviews_actions_offer_to_announce(app, db, roles, make_interview):
    from datetime import timedelta

    from interact.core import clock
    from interact.interviews.models import Interview
    from tests.cards import card_counts

    soon = clock.now() + timedelta(days=2)
    make_interview(S.DRAFT, start=soon, topic="三天内开始的草稿")
    make_interview(S.DRAFT, start=soon + timedelta(hours=3), topic="另一场草稿")
    make_interview(S.ANNOUNCED, start=soon, topic="已发布预告")
    make_interview(S.DRAFT, topic="五天后的草稿")
    within = [i for i in db.session.scalars(db.select(Interview))
              if "announce" in workflow.actions(i, roles.office) and i.scheduled_start <= clock.now() + timedelta(days=3)]
    assert card_counts(app, roles.office)["访谈预告未发布（3 天内开始）"] == len(within) == 2
    # A handler may not announce: the card is the office's.
    assert "访谈预告未发布（3 天内开始）" not in card_counts(app, roles.handler_a)
