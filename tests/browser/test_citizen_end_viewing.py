"""Attack K7: a citizen who wrote a letter on a shared computer (a library, a 政务大厅
terminal) ends that browser's access with 「结束查看」; the next visitor then opens neither the
receipt nor the letter from the browser's history, and the writer can still look it up with
the number and the query code."""
from __future__ import annotations

import pytest

from tests.browser.given import unique
from tests.browser.helpers import assert_accessible, look_up, shows
from tests.browser.test_citizen_letter import write_letter

pytestmark = pytest.mark.parametrize("width", [375, 1280], indirect=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_ending_the_view_closes_the_letter_to_the_next_visitor(new_page, width, javascript):
    page = new_page(java_script_enabled=javascript)
    title = unique("家庭纠纷调解咨询")
    number, code = write_letter(page, title=title, body="我家住幸福里小区3栋502，想咨询家庭纠纷调解的办法。")
    button = page.get_by_role("button", name="结束查看（公共电脑请点此）")
    button.scroll_into_view_if_needed()
    assert button.is_visible()
    if javascript:
        assert_accessible(page, context=f"receipt with 结束查看 at {width}px")
    receipt_url = page.url

    page.goto(f"/letters/track/{number}")
    assert title in page.locator("main").inner_text()
    page.get_by_role("button", name="结束查看（公共电脑请点此）").click()
    shows(page, "已结束查看")
    assert page.get_by_role("textbox", name="查询码", exact=True).is_visible()

    # The next visitor, from the history: Back, and the addresses typed again.
    page.go_back()
    page.wait_for_load_state()
    assert title not in page.locator("body").inner_text()
    for address in (f"/letters/track/{number}", receipt_url):
        page.goto(address)
        page.wait_for_load_state()
        assert title not in page.locator("body").inner_text(), address
        assert "幸福里" not in page.content(), address

    look_up(page, number, code)  # the writer, with the number and the code
    assert title in page.locator("main").inner_text()
