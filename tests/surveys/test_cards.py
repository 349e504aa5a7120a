"""The collections' workspace cards count what workflow.actions() offers."""
from __future__ import annotations

from interact.extensions import db
from interact.surveys import services, workflow
from interact.surveys.models import Collection, CollectionStatus, FeedbackStatus
from tests.cards import card_counts


def _with_action(user, action) -> int:
    return sum(1 for c in db.session.scalars(db.select(Collection)) if action in workflow.actions(c, user))


def test_office_cards_count_the_collections_actions_offer(app, make_collection, frozen, roles):
    # Two drafts, one of them submitted to the office; one open; two ended, one with its
    # feedback submitted for review.
    make_collection(publish=False, title="草稿征集")
    submitted = make_collection(publish=False, title="已提交的征集")
    workflow.transition(submitted, CollectionStatus.SUBMITTED, actor=roles.handler_a)
    make_collection(start=(2026, 3, 1), end=(2026, 5, 31), title="进行中的征集")
    ended = make_collection(title="已结束的征集")
    reviewed = make_collection(title="反馈待审核的征集")
    frozen(2026, 4, 2)
    services.save_feedback(reviewed, "<p>共收到意见0条。</p>", "", actor=roles.handler_a)
    services.submit_feedback(reviewed, actor=roles.handler_a)
    db.session.commit()
    assert reviewed.feedback.status is FeedbackStatus.SUBMITTED and ended.has_ended

    cards = card_counts(app, roles.office)
    # 征集待发布审核: submitted by a department; the office publishes it or sends it back.
    assert cards["征集待发布审核"] == _with_action(roles.office, "return") == 1
    assert cards["结果反馈待审核"] == _with_action(roles.office, "review_feedback") == 1
    # The list behind the card shows the same collections.
    listed = db.session.scalars(services.staff_collections_query(roles.office, "review")).all()
    assert [c.id for c in listed] == [reviewed.id]
    # A withdrawn collection's submitted feedback is no longer waiting for review.
    workflow.transition(reviewed, CollectionStatus.WITHDRAWN, actor=roles.office, note="政策调整")
    db.session.commit()
    assert "结果反馈待审核" not in card_counts(app, roles.office)
    assert _with_action(roles.office, "review_feedback") == 0
