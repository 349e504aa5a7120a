"""Public questions: submission, sensitive words, moderation (approve, reject, merge),
answers after the interview and the counts."""
from __future__ import annotations

import pytest

from interact.core import audit, sensitive
from interact.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from interact.core.models import SensitiveWordLevel
from interact.interviews import services
from interact.interviews.models import InterviewStatus, QuestionStatus

S = InterviewStatus


def test_question_waits_for_moderation(db, roles, make_interview):
    interview = make_interview(S.ANNOUNCED)
    question = services.submit_question(interview, nickname="  老王 ", body="灵活就业人员怎么缴纳社保？")
    db.session.commit()
    assert question.status is QuestionStatus.PENDING
    assert question.nickname == "老王"
    assert not question.asked_live
    assert services.public_questions(interview) == []
    assert [e.action for e in audit.history("interview_question", question.id)] == ["interview_question.submitted"]


def test_question_during_live_is_marked(db, roles, make_interview):
    question = services.submit_question(make_interview(S.LIVE), nickname="", body="失业保险金怎么领取？")
    assert question.asked_live and question.display_nickname == "网友"


@pytest.mark.parametrize("status, error", [(S.DRAFT, NotFound), (S.ENDED, Conflict), (S.ARCHIVED, Conflict)])
def test_questions_only_while_announced_or_live(db, roles, make_interview, status, error):
    interview = make_interview(status)
    with pytest.raises(error):
        services.submit_question(interview, nickname="", body="这个问题能提交吗？")


@pytest.mark.parametrize("nickname, body, field", [
    ("", "短", "body"), ("", "", "body"), ("", "长" * 501, "body"), ("名" * 21, "正常的一个问题内容", "nickname"),
])
def test_question_shape(db, roles, make_interview, nickname, body, field):
    with pytest.raises(InvalidInput) as info:
        services.submit_question(make_interview(), nickname=nickname, body=body)
    assert field in info.value.fields


def test_sensitive_words_flag_or_block(db, roles, make_interview):
    sensitive.add_word("刷单", SensitiveWordLevel.BLOCK, "广告", actor=roles.office)
    sensitive.add_word("机密文件", SensitiveWordLevel.REVIEW, "涉密", actor=roles.office)
    interview = make_interview()
    with pytest.raises(InvalidInput):
        services.submit_question(interview, nickname="", body="高薪刷单兼职，加我联系")
    flagged = services.submit_question(interview, nickname="", body="能公开那份机密文件吗？")
    assert flagged.flagged and flagged.flagged_words == "机密文件"
    assert flagged.status is QuestionStatus.PENDING


def test_approve_reject_and_scope(db, roles, make_interview):
    interview = make_interview()
    q1 = services.submit_question(interview, nickname="", body="问题一：高校毕业生有哪些补贴？")
    q2 = services.submit_question(interview, nickname="", body="问题二：与访谈无关的广告内容")
    with pytest.raises(PermissionDenied):
        services.approve_question(q1, actor=roles.handler_b)
    services.approve_question(q1, actor=roles.handler_a)
    services.reject_question(q2, reason="与主题无关", actor=roles.office)
    db.session.commit()
    assert q1.status is QuestionStatus.APPROVED and q1.moderated_by_id == roles.handler_a.id
    assert q2.status is QuestionStatus.REJECTED and q2.reject_reason == "与主题无关"
    assert services.public_questions(interview) == [q1]
    with pytest.raises(Conflict):
        services.approve_question(q1, actor=roles.office)


def test_merge_duplicates_keeps_counts(db, roles, make_interview):
    interview = make_interview()
    main = services.submit_question(interview, nickname="", body="公积金能不能用来付房租？")
    dup1 = services.submit_question(interview, nickname="", body="租房可以提取公积金吗？")
    dup2 = services.submit_question(interview, nickname="", body="提取公积金交房租怎么办？")
    # dup2 first absorbs dup1, then is itself merged into main: all end up on main.
    services.merge_question(dup1, dup2, actor=roles.handler_a)
    services.merge_question(dup2, main, actor=roles.handler_a)
    services.approve_question(main, actor=roles.handler_a)
    db.session.commit()
    assert main.merged_count == 2
    assert dup1.merged_into_id == main.id and dup2.merged_into_id == main.id
    assert dup1.status is QuestionStatus.MERGED and dup2.status is QuestionStatus.MERGED
    counts = services.question_counts(interview)
    assert (counts.received, counts.pending, counts.approved, counts.answered) == (3, 0, 3, 0)


def test_merge_refuses_self_other_interview_and_closed_targets(db, roles, make_interview):
    a, b = make_interview(), make_interview()
    qa = services.submit_question(a, nickname="", body="第一个访谈的问题")
    qb = services.submit_question(b, nickname="", body="第二个访谈的问题")
    rejected = services.submit_question(a, nickname="", body="被拒绝的问题内容")
    services.reject_question(rejected, reason="", actor=roles.office)
    with pytest.raises(InvalidInput):
        services.merge_question(qa, qa, actor=roles.office)
    with pytest.raises(InvalidInput):
        services.merge_question(qa, qb, actor=roles.office)
    with pytest.raises(Conflict):
        services.merge_question(qa, rejected, actor=roles.office)


def test_answer_after_the_interview(db, roles, make_interview):
    interview = make_interview(S.LIVE)
    question = services.submit_question(interview, nickname="", body="会后能否答复我的问题？")
    services.approve_question(question, actor=roles.office)
    with pytest.raises(Conflict):  # still live: answer in the console
        services.answer_after(question, body="答复", responder="", actor=roles.handler_a)
    from interact.interviews import workflow

    workflow.transition(interview, S.ENDED, roles.handler_a)
    with pytest.raises(PermissionDenied):
        services.answer_after(question, body="答复", responder="", actor=roles.handler_b)
    with pytest.raises(InvalidInput):
        services.answer_after(question, body="  ", responder="", actor=roles.handler_a)
    services.answer_after(question, body="可以，已答复。", responder="", actor=roles.handler_a)
    db.session.commit()
    assert question.answered_after and question.answered_at
    assert question.after_responder == interview.department.name
    counts = services.question_counts(interview)
    assert (counts.answered, counts.answered_after) == (1, 1)
    with pytest.raises(Conflict):
        services.answer_after(question, body="再答一次", responder="", actor=roles.handler_a)
