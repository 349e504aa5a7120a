"""Staff pages found wanting when tried from outside: a label that fills another form's
field, a row of buttons running off a phone's screen, an unreachable scrolling table."""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import assert_accessible, login


def _overflow(page) -> int:
    """How far the page scrolls sideways (0: it fits the screen)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_annual_report_fits_and_passes_axe(page):
    login(page, "office")
    page.goto("/staff/reports/annual?year=2026")
    page.get_by_role("link", name="导出部门考核 Excel").wait_for()
    assert _overflow(page) <= 1
    # Its wide tables scroll sideways: the scrolling region is reachable by keyboard.
    assert_accessible(page, context="annual report")


@pytest.mark.parametrize("path, account", [
    ("/staff/interviews/1", "rsj"),  # 查看公开页面 beside the edit buttons
    ("/staff/interviews/2/questions", "gjj"),  # approve / reject / merge per question
])
def test_interview_staff_pages_fit(page, path, account):
    login(page, account)
    page.goto(path)
    assert _overflow(page) <= 1, f"{path} scrolls sideways"


def test_retract_reason_label_fills_the_retract_form(page):
    """The correction and the retraction form both have a 原因 field: the retraction's
    label must lead to its own box, not the correction's."""
    login(page, "rsj")
    page.goto("/staff/interviews/1/console")
    entry = page.locator("main a[href*='/entries/']").first.get_attribute("href")
    page.goto(entry)
    page.get_by_role("textbox", name="原因", exact=True).fill("嘉宾口误")
    assert page.locator("form[action$='/retract'] input[name='reason']").input_value() == "嘉宾口误"
    assert page.locator("form[action$='/correct'] input[name='reason']").input_value() == ""
    assert_accessible(page, context="transcript entry")


def test_leader_name_label_fills_the_leader_form(page):
    login(page, "admin")
    page.goto("/staff/departments")
    page.locator("main a[href^='/staff/departments/']").filter(has_text=re.compile("局")).first.click()
    department_name = page.locator("main form").first.locator("input[name='name']")
    before = department_name.input_value()
    page.get_by_role("textbox", name="姓名", exact=True).fill("王建国")
    assert page.locator("form[action$='/leaders'] input[name='name']").input_value() == "王建国"
    assert department_name.input_value() == before
    assert_accessible(page, context="department form")


@pytest.mark.parametrize("width", [375], indirect=True)
def test_the_opinions_lines_carry_no_dot_beside_their_gap(page, stored):
    """The moderation list's line of an opinion read #12 ·   2026-11-29 03:44 ·   未留姓名 ·
    (dots beside the line's flex gap, as the public list did before b43b050)."""
    from tests.browser import given

    collection = given.ended_collection(stored, opinions=["建议延长窗口服务时间。", "建议增加自助设备。"])
    login(page, "rsj")
    page.goto(f"/staff/surveys/{collection['id']}/opinions")
    metas = page.locator(".opinion-list .meta").all_inner_texts()
    assert len(metas) == 2 and all("未留姓名" in meta for meta in metas), metas
    assert not [meta for meta in metas if "·" in meta], metas
