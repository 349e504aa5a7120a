"""Journeys of issue 13 (one home per rule): what a staff member is offered comes from the
workflow, and the pages say it in words (no raw codes, no figure for what does not exist)."""
from __future__ import annotations

from tests.browser.given import _user, unique
from tests.browser.helpers import assert_accessible, login, shows


def _draft_entry(stored, question: str) -> int:
    def make(db):
        from interact.faq import services

        entry = services.create_entry(services.EntryData(question=question, answer_html="<p>请到服务大厅办理。</p>"),
                                      actor=_user(db, "curator"))
        db.session.commit()
        return entry.id

    return stored.write(make)


def test_a_draft_faq_entry_is_given_up_not_taken_down(page, stored):
    entry_id = _draft_entry(stored, unique("临时身份证明怎么开具"))
    login(page, "curator")
    page.goto(f"/staff/faq/{entry_id}")
    # A draft was never public: nothing to take down (撤下), it is given up (放弃草稿).
    assert page.get_by_role("button", name="撤下", exact=True).count() == 0
    assert page.get_by_role("heading", name="放弃草稿", exact=True).is_visible()
    assert_accessible(page, context="draft FAQ entry")
    page.get_by_role("button", name="放弃草稿", exact=True).click()  # confirms in a dialog, accepted
    shows(page, "已放弃草稿。")
    assert "放弃草稿" in page.locator("section[aria-labelledby=history-title]").inner_text()
    # Given up, it can be published again (重新发布), and there is nothing left to give up.
    assert page.get_by_role("button", name="放弃草稿", exact=True).count() == 0
    assert page.get_by_role("button", name="发布", exact=True).count() == 1
