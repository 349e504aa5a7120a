"""The office clerk files the annual report (互动交流) and the monthly inspection report."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, login

BEIJING = timezone(timedelta(hours=8))


def _letters_submitted_in(year: int):
    def count(db):
        from interact.core import periods
        from interact.letters.models import Letter

        start, end = periods.year_range(year)
        return db.session.scalar(db.select(db.func.count(Letter.id))
                                 .where(Letter.submitted_at >= start, Letter.submitted_at < end))
    return count


def test_clerk_reads_the_annual_report_follows_a_figure_exports_and_prints(page, stored):
    year = datetime.now(BEIJING).year
    login(page, "office")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="年度报表").click()
    page.get_by_role("spinbutton", name="年度").fill(str(year))
    page.get_by_role("button", name="统计").click()
    page.get_by_role("heading", name=f"{year} 年度", exact=True).wait_for()

    received = page.locator("#figure-letters_received .figure-value a")
    count = int(received.inner_text())
    assert count == stored(_letters_submitted_in(year)) and count > 0
    assert "统计年度内" in page.locator("#figure-letters_received .definition").inner_text()
    assert_accessible(page, context="annual report")

    received.click()
    page.get_by_role("heading", name=re.compile(rf"{year} 年度 · 收到的留言（{count}）")).wait_for()
    rows = page.locator("main table tbody tr")
    assert rows.count() == min(count, 30)
    page.get_by_role("link", name=f"‹ 返回 {year} 年度报表").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel", exact=True).click()
    assert download.value.suggested_filename == f"annual-report-{year}.xlsx"
    with open(download.value.path(), "rb") as saved:
        sheet = load_workbook(saved)["互动交流"]
    form = {row[1]: row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[1]}
    assert form["收到留言数量"] == count

    page.get_by_role("link", name="打印版（报表样式）").click()
    page.get_by_role("heading", name="政府网站工作年度报表").wait_for()
    sheet_table = page.locator("table.sheet")
    assert "收到留言数量" in sheet_table.inner_text() and f"{count} 条" in sheet_table.inner_text()
    page.emulate_media(media="print")
    expect(page.locator(".staff-nav")).to_be_hidden()
    expect(sheet_table).to_be_visible()
    page.emulate_media(media="screen")
    assert_accessible(page, context="annual report print view")


def test_clerk_drafts_and_exports_the_monthly_inspection_report(page):
    login(page, "office")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="月度监测").click()
    page.get_by_role("button", name="查看").click()
    page.get_by_role("heading", name=re.compile("政府网站监测报告")).wait_for()
    draft = page.get_by_role("button", name="按当前数据生成")
    (draft if draft.count() else page.get_by_role("button", name="按当前数据重新统计")).click()
    page.get_by_text("监测报告已按当前数据统计。").wait_for()
    items = page.locator(".inspection-item")
    assert items.count() == 6
    assert "超过三个月未答复的留言（一票否决）" in items.first.inner_text()
    assert "统计口径" in items.first.inner_text()
    assert_accessible(page, context="monthly inspection report")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert re.fullmatch(r"inspection-\d{4}-\d{2}\.xlsx", download.value.suggested_filename)
