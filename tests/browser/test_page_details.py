"""Smaller things a person notices (defect #12.8): a favicon, a Chinese month selector on
the statistics page, readable staff tables and charts on a phone."""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import assert_accessible, login


def test_favicon(page):
    response = page.request.get("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/")


def test_statistics_month_selector_is_chinese(page):
    page.goto("/letters/stats")
    month = page.get_by_role("combobox", name="统计月份")
    options = month.locator("option").all_inner_texts()
    assert all(re.fullmatch(r"\d{4}年\d{1,2}月", o.strip()) for o in options), options[:5]
    previous = month.locator("option").nth(1)
    value, label = previous.get_attribute("value"), previous.inner_text().strip()
    month.select_option(value)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(rf"month={value}"))
    assert page.get_by_role("combobox", name="统计月份").input_value() == value
    assert label in page.locator("main").inner_text()


@pytest.mark.parametrize("width", [375], indirect=True)
def test_staff_table_titles_are_readable_on_a_phone(page):
    login(page, "office")
    page.goto("/staff/letters/all")
    header = page.locator("main table thead th", has_text="标题").first
    # At least six characters a line (two-character columns were the defect).
    font_px = float(header.evaluate("th => parseFloat(getComputedStyle(th).fontSize)"))
    cell = page.locator("main table tbody tr").first.locator("td").nth(1)
    assert cell.bounding_box()["width"] >= 6 * font_px
    assert_accessible(page, context="all letters on a phone")


@pytest.mark.parametrize("width", [375], indirect=True)
def test_chart_labels_keep_a_readable_size_on_a_phone(page):
    page.goto("/letters/stats")
    sizes = page.locator("main svg.chart text").evaluate_all(
        "texts => texts.map(t => t.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 10, sorted(sizes)[:5]
