"""The receipt without JavaScript: no button that does nothing (打印回执 needs a script)."""
from __future__ import annotations

from tests.browser.test_citizen_letter import write_letter


def test_receipt_without_javascript_offers_no_dead_print_button(new_page):
    page = new_page(java_script_enabled=False)
    number, code = write_letter(page, title="无脚本时回执页面的打印按钮", body="请问灵活就业人员的社保补贴怎么申请？")
    assert number and code
    assert page.get_by_role("button", name="打印回执").count() == 0 or \
        not page.get_by_role("button", name="打印回执").is_visible()
    # The page still tells the person to keep the code (write it down, screenshot, print).
    assert "请立即记录、截图或打印本页" in page.locator("main").inner_text()
