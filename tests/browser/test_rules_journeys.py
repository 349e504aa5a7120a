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


def test_admin_runs_a_job_named_in_words(page):
    login(page, "admin")
    page.goto("/staff/jobs")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="清理已过期的登录会话"))
    row.get_by_role("button", name="立即运行").click()  # confirms in a dialog, accepted
    shows(page, "任务“清理已过期的登录会话”：成功。")
    main = page.locator("main").inner_text()
    assert "sessions.purge" not in main and "notify.send_mail" not in main
    assert_accessible(page, context="jobs page")


def test_office_filters_the_audit_trail_by_what_it_reads(page):
    login(page, "office")
    page.goto("/staff/audit")
    page.get_by_label("对象类型").select_option(label="用户")
    page.get_by_label("操作").select_option(label="登录")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("tbody tr")
    rows.first.wait_for()
    texts = rows.all_inner_texts()
    assert texts and all("登录" in text and "用户 #" in text for text in texts), texts[:3]
    assert page.get_by_label("操作").input_value() == "user.login"
    assert_accessible(page, context="audit trail filtered")
