"""The office drafts the monthly summary (领导信箱每月汇总) of a month that has ended, picks
a typical case, publishes it and a citizen reads it. Months are chosen from a list in
Chinese (the browser's own month picker showed "September 2026")."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login, shows


def _month_ago(months: int) -> tuple[str, str, object]:
    """``(YYYY-MM, "2026年9月", the 14th of that month at 10:00 Beijing)`` ``months`` back."""
    from interact.core import clock, periods

    month = periods.shift_month(periods.current_month(), -months)
    return month, periods.month_label(month), clock.local_datetime(periods.first_day(month) + timedelta(days=13), 10)


def _summary(stored, month):
    from interact.letters import summary

    def read(db):
        item = summary.summary_for_month(month)
        return item and (item.status.value, [letter.id for letter in item.cases], item.body_html)

    return stored(read)


def test_office_drafts_and_publishes_the_summary_of_an_ended_month(page, stored, new_page, width):
    # Each width drafts its own month (the server is shared): months that have ended and
    # that the demo data left without a summary.
    month, label, moment = _month_ago(2 if width < 600 else 3)
    case = given.answered_letter(stored, at=moment, title=given.unique("医保异地就医备案办理咨询"))

    login(page, "office")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="月度汇总").click()
    page.get_by_role("combobox", name="月份").select_option(label=label)
    page.get_by_role("button", name="生成草稿").click()
    shows(page, "已生成汇总草稿，请编辑后发布。")
    page.get_by_role("heading", name=f"{month} 月度汇总").wait_for()
    assert _summary(stored, month)[0] == "draft"
    assert_accessible(page, context="summary editor")

    page.get_by_role("checkbox", name=re.compile(case["number"])).check()
    body = page.get_by_role("textbox", name="正文")
    body.fill(body.input_value() + "<p>本月典型案例见下。</p>")
    page.get_by_role("button", name="保存并发布").click()  # confirms in a dialog, accepted
    shows(page, "已保存并发布。")
    status, cases, stored_body = _summary(stored, month)
    assert (status, cases) == ("published", [case["id"]])
    assert "本月典型案例见下。" in stored_body

    # The month's inspection report is chosen from the same Chinese list of months.
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="月度监测").click()
    page.get_by_role("combobox", name="月份").select_option(label=label)
    page.get_by_role("button", name="查看").click()
    page.get_by_role("heading", name=f"{label} 政府网站监测报告 · 互动交流").wait_for()

    citizen = new_page()
    citizen.goto("/letters/summaries")
    citizen.get_by_role("link", name=re.compile(label)).first.click()
    main = citizen.locator("main")
    expect(main).to_contain_text("本月典型案例见下。")
    expect(main.get_by_role("link", name=re.compile(case["title"]))).to_be_visible()
    assert_accessible(citizen, context="published monthly summary")
