"""The office writes a month's summary naming a citizen and a phone number: after saving,
the edit page says what the public page will hide, and the public page hides it while the
rest of the text is published as typed (#11: staff texts through the one masking)."""
from __future__ import annotations

from tests.browser.helpers import assert_accessible, login


def test_office_sees_what_its_summary_will_hide_and_the_public_page_hides_it(page, width):
    month = "2025-05" if width < 600 else "2025-06"  # one month per run: the server is shared
    login(page, "office")
    page.goto("/staff/letters/summaries")
    page.get_by_label("月份").select_option(month)
    page.get_by_role("button", name="生成草稿").click()
    page.get_by_role("button", name="保存并发布").wait_for()
    page.get_by_role("textbox", name="正文").fill(
        "<p>典型案例：市民司空摘星（手机138，0013，7777）反映的公积金提取问题已办结。</p>")
    page.get_by_role("button", name="保存", exact=True).click()
    notice = page.get_by_role("note")
    notice.wait_for()
    assert "公开页面将隐去标题和正文中的个人信息：姓名 1 处、电话 1 处" in notice.inner_text()
    assert_accessible(page, context="summary edit with the masking notice")
    # Staff still read what they typed.
    assert "司空摘星" in page.get_by_role("textbox", name="正文").input_value()
    page.get_by_role("button", name="保存并发布").click()
    page.get_by_text("已保存并发布。").wait_for()
    page.goto(f"/letters/summaries/{month}")
    text = page.locator("main").inner_text()
    assert "典型案例：市民司空**（手机[电话]）反映的公积金提取问题已办结。" in text
    assert "摘星" not in text and "7777" not in text
