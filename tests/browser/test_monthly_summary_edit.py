"""The office edits a finished month's summary and publishes it: the published text is
the text just typed (before, 发布 was a form of its own and dropped the edit)."""
from __future__ import annotations

import re

from tests.browser.helpers import assert_accessible, login


def test_office_edits_and_publishes_a_month_summary(page, width):
    month = "2025-03" if width < 600 else "2025-04"  # one month per run: the server is shared
    login(page, "office")
    page.goto("/staff/letters/summaries")
    # A long-finished month: its summary can be published at once.
    page.get_by_label("月份").select_option(month)
    page.get_by_role("button", name="生成草稿").click()
    page.get_by_role("button", name="保存并发布").wait_for()
    assert_accessible(page, context="summary edit")
    page.get_by_role("textbox", name="标题").fill(f"{month} 来信办理情况（办公室改写）")
    page.get_by_role("textbox", name="正文").fill("<p>本月综述：来信量平稳。</p>")
    page.get_by_role("button", name="保存并发布").click()
    page.get_by_text("已保存并发布。").wait_for()
    page.goto(f"/letters/summaries/{month}")
    assert page.get_by_role("heading", name=re.compile("办公室改写")).is_visible()
    assert "本月综述：来信量平稳。" in page.locator("main").inner_text()
