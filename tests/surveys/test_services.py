"""Service rules: window, lifecycle, participation, moderation, adoption, feedback, compliance."""
from __future__ import annotations

from datetime import date

import pytest

from interact.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from interact.core.models import SensitiveWord, SensitiveWordLevel
from interact.questionnaires import services as qs
from interact.questionnaires.models import Response
from interact.surveys import services, workflow
from interact.surveys.models import Adoption, CollectionKind, CollectionStatus, FeedbackStatus, ModerationStatus

from .conftest import answers_for, local


def _opinion(collection, content="建议夜间停车免费。", **kw):
    return services.submit_opinion(collection, services.OpinionData(content=content, **kw))


# ---- window -------------------------------------------------------------------------------


def test_window_refuses_before_start_and_after_end(make_collection, frozen):
    collection = make_collection()
    frozen(2026, 2, 28, 23, 59)
    with pytest.raises(PermissionDenied, match="尚未开始"):
        _opinion(collection)
    frozen(2026, 3, 1, 9, 0)  # the start moment itself is open
    assert collection.is_open
    _opinion(collection)
    frozen(2026, 3, 31, 17, 59)
    _opinion(collection)
    frozen(2026, 3, 31, 18, 0)  # the end moment is closed
    assert not collection.is_open
    with pytest.raises(Conflict, match="已于 2026年03月31日 18:00 结束"):
        _opinion(collection)


def test_open_state_is_derived_in_sql_too(make_collection, frozen, db):
    collection = make_collection()
    frozen(2026, 3, 10)
    assert services.open_collections() == [collection]
    frozen(2026, 4, 1)
    assert services.open_collections() == []
    assert db.session.scalars(db.select(services.Collection).where(services.Collection.awaiting_feedback)).all() == [
        collection]


def test_draft_and_withdrawn_collections_refuse_submissions(make_collection, frozen, roles):
    draft = make_collection(publish=False)
    frozen(2026, 3, 10)
    with pytest.raises(NotFound):
        _opinion(draft)
    published = make_collection()
    frozen(2026, 3, 10)
    workflow.transition(published, CollectionStatus.WITHDRAWN, actor=roles.office, note="内容需调整")
    with pytest.raises(NotFound):
        _opinion(published)


# ---- lifecycle ----------------------------------------------------------------------------


def test_handler_creates_for_own_department_only(roles, frozen):
    frozen(2026, 2, 20)
    data = services.CollectionData(title="征集", summary="", body="", kind=CollectionKind.OPINIONS,
                                   starts_at=local(2026, 3, 1), ends_at=local(2026, 3, 31),
                                   department_id=roles.department_b.id)
    with pytest.raises(PermissionDenied):
        services.create_collection(data, actor=roles.handler_a)
    data.department_id = roles.department_a.id
    collection = services.create_collection(data, actor=roles.handler_a)
    assert collection.status is CollectionStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.create_collection(data, actor=roles.citizen)


def test_collection_data_validation(roles, frozen):
    frozen(2026, 2, 20)
    data = services.CollectionData(title=" ", summary="", body="<script>x</script><p>说明</p>",
                                   kind=CollectionKind.OPINIONS, starts_at=local(2026, 3, 2),
                                   ends_at=local(2026, 3, 1), department_id=roles.department_a.id)
    with pytest.raises(InvalidInput) as error:
        services.create_collection(data, actor=roles.office)
    assert set(error.value.fields) == {"title", "ends_at"}
    data.title, data.ends_at = "征集", local(2026, 4, 1)
    collection = services.create_collection(data, actor=roles.office)
    assert "<script>" not in collection.body and "<p>说明</p>" in collection.body


def test_publication_workflow_and_roles(make_collection, roles, frozen):
    collection = make_collection(publish=False)
    with pytest.raises(PermissionDenied):
        workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.handler_a)
    with pytest.raises(PermissionDenied):
        workflow.transition(collection, CollectionStatus.SUBMITTED, actor=roles.handler_b)
    workflow.transition(collection, CollectionStatus.SUBMITTED, actor=roles.handler_a)
    assert services.collections_awaiting_publication() == [collection]
    workflow.transition(collection, CollectionStatus.DRAFT, actor=roles.office, note="请补充征求意见稿")
    assert collection.review_note == "请补充征求意见稿"
    workflow.transition(collection, CollectionStatus.SUBMITTED, actor=roles.handler_a)
    workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
    assert collection.published_at is not None
    with pytest.raises(InvalidInput, match="撤回原因"):
        workflow.transition(collection, CollectionStatus.WITHDRAWN, actor=roles.office)
    with pytest.raises(InvalidTransition):
        workflow.transition(collection, CollectionStatus.SUBMITTED, actor=roles.office)


def test_publication_needs_questions_and_a_future_end(make_collection, roles, frozen):
    collection = make_collection(publish=False, questions=False, kind=CollectionKind.QUESTIONNAIRE)
    with pytest.raises(Conflict, match="问卷还没有题目"):
        workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
    other = make_collection(publish=False, kind=CollectionKind.OPINIONS)
    frozen(2026, 4, 1)
    with pytest.raises(Conflict, match="结束时间已过"):
        workflow.transition(other, CollectionStatus.PUBLISHED, actor=roles.office)


# ---- opinions and moderation ------------------------------------------------------------------


def test_opinion_field_rules(make_collection, frozen):
    collection = make_collection(name_required=True, phone_required=True)
    frozen(2026, 3, 10)
    with pytest.raises(InvalidInput) as error:
        _opinion(collection, content="很" * 2001, phone="123")
    assert set(error.value.fields) == {"content", "name", "phone"}
    opinion = _opinion(collection, name="张三", phone="139-0000-1234")
    assert opinion.phone == "13900001234"
    assert opinion.moderation is ModerationStatus.PENDING


def test_opinions_are_not_public_until_approved(make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 3, 10)
    opinion = _opinion(collection, content="电话13912345678联系我", name="李四")
    assert services.public_opinions_page(collection, 1).items == []
    with pytest.raises(PermissionDenied):
        services.moderate_opinion(opinion, True, actor=roles.handler_b)
    services.moderate_opinion(opinion, True, actor=roles.handler_a)
    shown = services.public_opinions_page(collection, 1).items
    assert len(shown) == 1
    assert shown[0].author == "李*" and "13912345678" not in shown[0].content


def test_sensitive_words_flag_or_block(make_collection, frozen, db):
    db.session.add_all([SensitiveWord(word="滚蛋", level=SensitiveWordLevel.REVIEW),
                        SensitiveWord(word="代开发票", level=SensitiveWordLevel.BLOCK)])
    db.session.commit()
    collection = make_collection()
    frozen(2026, 3, 10)
    flagged = _opinion(collection, content="收费太贵，让定价的人滚蛋")
    assert flagged.flagged_words == ["滚蛋"] and flagged.moderation is ModerationStatus.PENDING
    with pytest.raises(InvalidInput, match="不允许发布"):
        _opinion(collection, content="代开发票请联系")


def test_questionnaire_only_collection_refuses_opinions(make_collection, frozen):
    collection = make_collection(kind=CollectionKind.QUESTIONNAIRE)
    frozen(2026, 3, 10)
    with pytest.raises(Conflict):
        _opinion(collection)


# ---- one response per person -------------------------------------------------------------------


def test_one_response_per_browser_token(make_collection, frozen, db):
    collection = make_collection()
    frozen(2026, 3, 10)
    raw = answers_for(collection.questionnaire)
    services.submit_response(collection, raw, device_token="browser-one-token-123")
    services.submit_response(collection, raw, device_token="browser-two-token-456")
    with pytest.raises(Conflict, match="只能提交一次"):
        services.submit_response(collection, raw, device_token="browser-one-token-123")
    stored = db.session.scalars(db.select(Response)).all()
    assert len(stored) == 2
    assert all("browser" not in r.device_hash for r in stored)


def test_one_response_per_phone_when_required(make_collection, frozen):
    collection = make_collection(phone_required=True)
    frozen(2026, 3, 10)
    raw = answers_for(collection.questionnaire)
    with pytest.raises(InvalidInput) as error:
        services.submit_response(collection, raw, device_token="a" * 20, phone="")
    assert "phone" in error.value.fields
    services.submit_response(collection, raw, device_token="a" * 20, phone="13900001111")
    with pytest.raises(Conflict, match="该手机号"):
        services.submit_response(collection, raw, device_token="b" * 20, phone="+86 139 0000 1111")


def test_one_response_per_account(make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 3, 10)
    raw = answers_for(collection.questionnaire)
    services.submit_response(collection, raw, device_token="c" * 20, user_id=roles.citizen.id)
    with pytest.raises(Conflict, match="账号"):
        services.submit_response(collection, raw, device_token="d" * 20, user_id=roles.citizen.id)


def test_response_refused_outside_window(make_collection, frozen):
    collection = make_collection()
    frozen(2026, 4, 1)
    with pytest.raises(Conflict):
        services.submit_response(collection, answers_for(collection.questionnaire), device_token="e" * 20)


# ---- adoption -----------------------------------------------------------------------------------


def test_adoption_rules(make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 3, 10)
    opinion = _opinion(collection)
    pending = _opinion(collection, content="第二条")
    services.moderate_opinion(opinion, True, actor=roles.handler_a)
    with pytest.raises(Conflict, match="结束后"):
        services.record_adoption(opinion, Adoption.ADOPTED, actor=roles.handler_a)
    frozen(2026, 4, 2)
    with pytest.raises(Conflict, match="审核通过"):
        services.record_adoption(pending, Adoption.ADOPTED, actor=roles.handler_a)
    with pytest.raises(InvalidInput, match="理由"):
        services.record_adoption(opinion, Adoption.NOT_ADOPTED, "  ", actor=roles.handler_a)
    with pytest.raises(InvalidInput, match="理由"):
        services.record_adoption(opinion, Adoption.PARTLY, actor=roles.handler_a)
    with pytest.raises(PermissionDenied):
        services.record_adoption(opinion, Adoption.ADOPTED, actor=roles.handler_b)
    services.record_adoption(opinion, Adoption.NOT_ADOPTED, "与上位法规定不符", actor=roles.handler_a)
    assert opinion.adoption is Adoption.NOT_ADOPTED
    services.record_adoption(opinion, Adoption.ADOPTED, actor=roles.handler_a)
    assert opinion.adoption is Adoption.ADOPTED


def test_adoption_statistics(make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 3, 10)
    opinions = [_opinion(collection, content=f"意见{i}") for i in range(6)]
    for opinion in opinions[:5]:
        services.moderate_opinion(opinion, True, actor=roles.office)
    services.moderate_opinion(opinions[5], False, "与主题无关", actor=roles.office)
    services.submit_response(collection, answers_for(collection.questionnaire), device_token="f" * 20)
    frozen(2026, 4, 2)
    services.record_adoption(opinions[0], Adoption.ADOPTED, actor=roles.handler_a)
    services.record_adoption(opinions[1], Adoption.ADOPTED, actor=roles.handler_a)
    services.record_adoption(opinions[2], Adoption.PARTLY, "部分已在第五条体现", actor=roles.handler_a)
    services.record_adoption(opinions[3], Adoption.NOT_ADOPTED, "超出本办法调整范围", actor=roles.handler_a)
    stats = services.adoption_stats(collection)
    assert (stats.received, stats.valid, stats.rejected, stats.pending) == (6, 5, 1, 0)
    assert (stats.adopted, stats.partly, stats.not_adopted, stats.unrecorded) == (2, 1, 1, 1)
    assert stats.adopted_rate == 40.0 and stats.adoption_rate == 60.0 and stats.not_adopted_rate == 20.0
    assert stats.respondents == 1
    reasons = services.not_adopted_opinions(collection)
    assert [r["reason"] for r in reasons] == ["部分已在第五条体现", "超出本办法调整范围"]


# ---- feedback -----------------------------------------------------------------------------------


def _ready_for_feedback(make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 3, 10)
    opinion = _opinion(collection)
    services.moderate_opinion(opinion, True, actor=roles.handler_a)
    frozen(2026, 4, 2)
    services.record_adoption(opinion, Adoption.ADOPTED, actor=roles.handler_a)
    return collection


def test_feedback_workflow_and_on_time_mark(make_collection, frozen, roles):
    collection = _ready_for_feedback(make_collection, frozen, roles)
    with pytest.raises(InvalidTransition):
        services.submit_feedback(collection, actor=roles.handler_a)
    services.save_feedback(collection, "", "", actor=roles.handler_a)
    with pytest.raises(Conflict, match="结果综述"):
        services.submit_feedback(collection, actor=roles.handler_a)
    services.save_feedback(collection, "<p>共收到意见1条，已采纳。</p><script>x()</script>", "", actor=roles.handler_a)
    assert "<script>" not in collection.feedback.summary
    with pytest.raises(PermissionDenied):
        services.submit_feedback(collection, actor=roles.handler_b)
    services.submit_feedback(collection, actor=roles.handler_a)
    with pytest.raises(Conflict):
        services.save_feedback(collection, "改", "", actor=roles.handler_a)
    with pytest.raises(PermissionDenied):
        services.publish_feedback(collection, actor=roles.handler_a)
    with pytest.raises(InvalidInput):
        services.return_feedback(collection, "", actor=roles.office)
    services.return_feedback(collection, "请补充问卷分析", actor=roles.office)
    assert collection.feedback.status is FeedbackStatus.RETURNED
    services.save_feedback(collection, "<p>已补充</p>", "", actor=roles.handler_a)
    services.submit_feedback(collection, actor=roles.handler_a)
    frozen(2026, 4, 30, 23, 59)  # deadline day (31 March + 1 month → 30 April), last minute
    services.publish_feedback(collection, actor=roles.office)
    assert collection.feedback_on_time is True
    assert collection.feedback.status is FeedbackStatus.PUBLISHED
    assert not collection.feedback_overdue


def test_late_feedback_is_recorded_as_late(make_collection, frozen, roles):
    collection = _ready_for_feedback(make_collection, frozen, roles)
    services.save_feedback(collection, "<p>综述</p>", "", actor=roles.handler_a)
    services.submit_feedback(collection, actor=roles.handler_a)
    frozen(2026, 5, 1, 0, 1)
    assert collection.feedback_overdue
    assert services.feedback_overdue() == [collection]
    services.publish_feedback(collection, actor=roles.office)
    assert collection.feedback_on_time is False
    assert services.feedback_overdue() == []


def test_feedback_blocked_by_unmoderated_or_unrecorded_opinions(make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 3, 10)
    opinion = _opinion(collection)
    frozen(2026, 4, 2)
    services.save_feedback(collection, "<p>综述</p>", "", actor=roles.handler_a)
    with pytest.raises(Conflict, match="未审核"):
        services.submit_feedback(collection, actor=roles.handler_a)
    services.moderate_opinion(opinion, True, actor=roles.handler_a)
    with pytest.raises(Conflict, match="未登记采纳"):
        services.submit_feedback(collection, actor=roles.handler_a)
    services.record_adoption(opinion, Adoption.PARTLY, "部分采纳", actor=roles.handler_a)
    services.submit_feedback(collection, actor=roles.handler_a)
    with pytest.raises(Conflict, match="不能再更改"):
        services.record_adoption(opinion, Adoption.ADOPTED, actor=roles.handler_a)


def test_feedback_cannot_start_before_end(make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 3, 10)
    with pytest.raises(Conflict, match="结束后"):
        services.save_feedback(collection, "<p>综述</p>", "", actor=roles.handler_a)


# ---- compliance functions for the office dashboard ---------------------------------------------


def test_due_soon_and_overdue(make_collection, frozen, roles):
    soon = make_collection(start=(2026, 3, 1), end=(2026, 3, 31, 18), title="甲")
    later = make_collection(start=(2026, 3, 1), end=(2026, 4, 20, 18), title="乙")
    frozen(2026, 4, 24)  # soon is due 30 April (6 days), later on 20 May
    assert services.feedback_due_soon(7) == [soon]
    assert services.feedback_due_soon(30) == [soon, later]
    assert services.feedback_overdue() == []
    frozen(2026, 5, 1)
    assert services.feedback_overdue() == [soon]
    assert services.feedback_due_soon(7) == []
    assert soon.feedback_days_left == -1


def test_collections_count_and_department_figures(make_collection, frozen, roles):
    make_collection(start=(2026, 1, 1, 0, 0), end=(2026, 1, 20), created=(2025, 12, 20), title="一")
    make_collection(start=(2026, 3, 1), end=(2026, 3, 31, 18), title="二", department=roles.department_b)
    make_collection(start=(2025, 12, 31, 23, 59), end=(2026, 1, 20), created=(2025, 12, 20), title="去年")
    make_collection(start=(2026, 3, 1), end=(2026, 3, 31), publish=False, title="草稿")
    assert services.collections_count(2026) == 2
    assert services.collections_count(2025) == 1
    figures = services.department_collections(date(2026, 1, 1), date(2026, 12, 31))
    assert figures == {
        roles.department_a.id: {"run": 1, "feedback_published": 0, "feedback_on_time": 0},
        roles.department_b.id: {"run": 1, "feedback_published": 0, "feedback_on_time": 0},
    }


def test_department_figures_count_published_feedback(make_collection, frozen, roles):
    collection = _ready_for_feedback(make_collection, frozen, roles)
    services.save_feedback(collection, "<p>综述</p>", "", actor=roles.handler_a)
    services.submit_feedback(collection, actor=roles.handler_a)
    services.publish_feedback(collection, actor=roles.office)
    figures = services.department_collections(date(2026, 3, 1), date(2026, 3, 31))
    assert figures[roles.department_a.id] == {"run": 1, "feedback_published": 1, "feedback_on_time": 1}


def test_questionnaire_locked_after_end(make_collection, frozen, roles):
    collection = make_collection(questions=True)
    frozen(2026, 4, 1)
    with pytest.raises(Conflict, match="已结束"):
        qs.add_question(collection.questionnaire, qs.QuestionData(kind=qs.QuestionKind.RATING, text="新题"),
                        actor=roles.office)
