"""A clerk's work lists on a phone (session 13's walk at 375 px): the desk's tables scrolled
sideways, and what a clerk looks for first — the deadline (红牌/黄牌 and its date), the
state — was past the right edge. Each row is now a card whose cells say their column; on
a desk the columns share the width (session 12's journey checks 1280 px). The lists' names
no longer say （可横向滚动）: a screen reader on a phone was told of a scrolling that is not
there (session 14's walk)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)


def _fits(page, locator) -> None:
    """Nothing of ``locator`` lies past the screen's right edge, and no table scrolls sideways."""
    right = locator.evaluate("el => el.getBoundingClientRect().right")
    assert right <= page.viewport_size["width"], f"{right} px: past the right edge"
    scrolling = page.evaluate("() => [...document.querySelectorAll('.table-wrap')]"
                              ".filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.getAttribute('aria-label'))")
    assert scrolling == [], scrolling


def _no_scrolling_promised(page) -> None:
    """No list on the page is named as scrolling sideways, since none does."""
    expect(page.get_by_role("region", name=re.compile("横向滚动"))).to_have_count(0)


def test_a_handler_reads_the_deadline_of_each_letter_without_scrolling_sideways(page, stored):
    letter = given.routed_letter(stored, title=given.unique("失业保险金怎么领取"))
    login(page, "rsj")
    page.goto("/staff/letters/mine")
    row = page.get_by_role("region", name="待答复", exact=True).locator("tr", has_text=letter["number"])
    deadline = row.locator("td[data-label='期限']")
    expect(deadline).to_contain_text("期限")
    _fits(page, deadline)
    _fits(page, row.locator("td[data-label='状态']"))
    _no_scrolling_promised(page)
    assert_accessible(page, context="handler's desk at 375 px")

    # The other lists a clerk works from.
    for path, heading in (("/staff/surveys/", "民意征集"), ("/staff/interviews", "在线访谈")):
        page.goto(path)
        page.get_by_role("heading", name=heading, level=1).wait_for()
        _fits(page, page.locator("main td[data-label='状态']").first)
        _no_scrolling_promised(page)


def test_the_office_queue_shows_the_suggested_department_and_deadline_on_a_phone(page, stored):
    letter = given.new_letter(stored, title=given.unique("老小区加装电梯怎么申请"), department=None)
    login(page, "office")
    page.goto("/staff/letters/queue")
    row = page.locator("main tr", has_text=letter["number"])
    _fits(page, row.locator("td[data-label='期限']"))
    _fits(page, row.locator("td[data-label='建议部门']"))
    _no_scrolling_promised(page)
    assert_accessible(page, context="office queue at 375 px")
