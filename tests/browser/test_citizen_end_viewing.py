"""结束查看 on a shared computer (attack K7): the citizen who wrote or looked up a letter in a
library or a service hall ends that browser's access before leaving; the next visitor opens
the letter's tracking page from the history and finds the look-up form, not the letter."""
from __future__ import annotations

import pytest

from tests.browser.given import unique
from tests.browser.helpers import assert_accessible, look_up, shows
from tests.browser.test_citizen_letter import write_letter

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_the_next_visitor_does_not_reopen_a_letter_whose_viewing_was_ended(new_page, javascript):
    page = new_page(java_script_enabled=javascript)
    title = unique("公共电脑上写的来信")
    number, code = write_letter(page, title=title, body="我家住在幸福路12号3栋，想咨询居住证办理。")
    assert "记下信件编号和查询码后" in page.locator("main").inner_text()
    if javascript:  # (axe needs the page's scripts: see rules' fix of assert_accessible without them)
        assert_accessible(page, context="receipt with 结束查看")

    page.goto(f"/letters/track/{number}")
    assert title in page.locator("main").inner_text()
    page.get_by_role("button", name="结束查看").click()
    shows(page, "已结束查看")

    # the next visitor of that browser, from its history
    page.goto(f"/letters/track/{number}")
    page.get_by_role("heading", name="来信查询").wait_for(timeout=10_000)
    assert title not in page.locator("main").inner_text()
    page.go_back()
    page.wait_for_load_state()
    assert title not in page.locator("main").inner_text()

    look_up(page, number, code)  # the number and the code still open it
    assert title in page.locator("main").inner_text()
