"""咨询回复统计 on a phone (found walking the public pages in session 9): the chart of the
last 12 months, drawn at a legible size in a box that scrolls sideways, opened at its first
months — empty ones, with the months that have letters past the right edge; and a month
without answers read "— 个工作日"."""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)


@pytest.mark.parametrize("large_text", [False, True], ids=["standard", "large-text"])
def test_the_chart_of_months_opens_at_the_latest_months(page, large_text):
    if large_text:
        page.goto("/departments")
        page.locator("header").get_by_role("link", name="关怀版（大字）", exact=True).click()
        page.locator("header").get_by_text("标准版", exact=True).wait_for()
    page.goto("/letters/stats")
    chart = page.get_by_role("img", name=re.compile(r"^近\d+个月来信办理趋势"))
    months = chart.locator("text").filter(has_text=re.compile(r"^\d{1,2}月$"))
    assert months.count() >= 6
    width = page.viewport_size["width"]
    latest = months.last.bounding_box()
    assert 0 <= latest["x"] and latest["x"] + latest["width"] <= width, f"the latest month is at {latest}"
    assert_accessible(page, context="statistics on a phone")


def test_a_month_without_answers_has_no_unit_after_its_dash(page):
    page.goto("/letters/stats?month=2026-01")
    overview = page.get_by_role("region", name="本月概况")
    said = overview.inner_text()
    assert re.search(r"平均答复用时\s*—\s*(满意率|$)", said), said
    assert "— 个工作日" not in said
