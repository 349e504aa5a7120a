"""letters.workflow.actions(letter, user): the one answer the staff page, the API and the
cards use; the defects of issue 13 (empty publish panel, review steps shown to citizens)."""
from __future__ import annotations

from interact.extensions import db
from interact.letters import services, workflow
from interact.letters.models import LetterRating, LetterStatus

ANSWER = "<p>请携带身份证到服务大厅办理。</p>"


def test_actions_follow_the_state_and_the_user(assigned, submit, roles):
    new, _ = submit()
    assert {"accept", "reject", "assign"} <= workflow.actions(new, roles.office)
    assert workflow.actions(new, roles.handler_a) == set()
    letter, _ = assigned()
    assert {"answer", "return", "request_extension", } <= workflow.actions(letter, roles.handler_a)
    assert workflow.actions(letter, roles.handler_b) == set()
    assert "transfer" in workflow.actions(letter, roles.office) and "transfer" not in workflow.actions(letter, roles.handler_a)
    services.answer_letter(letter, actor=roles.handler_a, answer_html=ANSWER)
    assert {"close", "send_back"} <= workflow.actions(letter, roles.office)
    assert "close" not in workflow.actions(letter, roles.handler_a)


def test_to_faq_is_offered_once_after_the_answer_is_approved(assigned, roles, db):
    letter, _ = assigned()
    services.answer_letter(letter, actor=roles.handler_a, answer_html=ANSWER)
    # The answer may still be sent back: not yet material for the knowledge base.
    assert "to_faq" not in workflow.actions(letter, roles.office)
    services.approve_answer(letter, actor=roles.office, publish=False)
    assert "to_faq" in workflow.actions(letter, roles.office)
    assert "to_faq" in workflow.actions(letter, roles.handler_a)
    assert "to_faq" not in workflow.actions(letter, roles.handler_b)
    draft = services.to_faq(letter, actor=roles.office)
    db.session.commit()
    assert "to_faq" not in workflow.actions(letter, roles.office)
    # A second conversion (a stale page) gives back the same draft, not a second one.
    assert services.to_faq(letter, actor=roles.office).entry.id == draft.entry.id


def test_reopen_only_after_an_unsatisfied_rating_and_once(closed, roles):
    letter, _ = closed()
    assert "reopen" not in workflow.actions(letter, roles.office)
    services.rate_letter(letter, LetterRating.UNSATISFIED)
    assert "reopen" in workflow.actions(letter, roles.office)
    services.reopen_letter(letter, actor=roles.office)
    services.answer_letter(letter, actor=roles.handler_a, answer_html=ANSWER)
    services.approve_answer(letter, actor=roles.office, publish=False)
    services.rate_letter(letter, LetterRating.UNSATISFIED)
    db.session.commit()
    assert "reopen" not in workflow.actions(letter, roles.office)


def test_no_empty_publish_panel_without_consent(closed, roles, client, auth):
    letter, _ = closed(publish_consent=False)
    assert not {"publish", "withdraw"} & workflow.actions(letter, roles.office)
    auth.login(roles.office)
    html = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert f"/staff/letters/{letter.id}/publish" not in html
    consenting, _ = closed(publish=False)
    assert "publish" in workflow.actions(consenting, roles.office)
    html = client.get(f"/staff/letters/{consenting.id}").get_data(as_text=True)
    assert "在来信选登中公开" in html


def test_citizens_never_see_review_steps(assigned, roles, client):
    letter, code = assigned()
    services.answer_letter(letter, actor=roles.handler_a, answer_html=ANSWER)
    services.send_back(letter, actor=roles.office, note="请补充办理地点")
    db.session.commit()
    assert letter.status is LetterStatus.SENT_BACK
    response = client.get(f"/api/v1/letters/{letter.number}", headers={"X-Query-Code": code})
    data = response.get_json()
    assert data["status"] == "assigned" and data["status_label"] == "办理中"
    assert "sent_back" not in response.get_data(as_text=True)
    spec = client.get("/api/v1/openapi.json").get_json()
    tracking = spec["components"]["schemas"]["LetterTracking"]["properties"]["status"]
    assert "sent_back" not in tracking["enum"] and "assigned" in tracking["enum"]


def test_a_month_summary_is_published_only_after_the_month(app, roles, frozen, client, auth):
    from interact.core.errors import InvalidTransition
    from interact.letters import summary
    import pytest

    frozen(2026, 11, 30, 10)
    draft, _ = summary.draft_summary("2026-11", actor=roles.office)
    db.session.commit()
    assert "publish" not in summary.actions(draft, roles.office)
    with pytest.raises(InvalidTransition):
        summary.publish_summary(draft, actor=roles.office)
    auth.login(roles.office)
    html = client.get(f"/staff/letters/summaries/{draft.id}").get_data(as_text=True)
    assert f"/staff/letters/summaries/{draft.id}/publish" not in html and "月末之后才能发布" in html
    frozen(2026, 12, 1, 8)
    assert "publish" in summary.actions(draft, roles.office)
    summary.publish_summary(draft, actor=roles.office)
    assert summary.actions(draft, roles.office) == {"edit", "withdraw", "view_public"}
    assert summary.actions(draft, roles.handler_a) == set()
