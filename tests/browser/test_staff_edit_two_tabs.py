"""A clerk has an edit form open in two tabs (or a colleague saved meanwhile) and saves the
older one: the page does not throw the other save away unseen. It says the record was just
changed elsewhere, keeps everything typed in the form, shows what is saved now where it
differs; the clerk takes that over and saves, and both changes are kept.
The server side (each edit form, a double click, a phrasing added meanwhile) is in
tests/{faq,surveys,interviews,departments}/test_edit_two_tabs.py."""
from __future__ import annotations

import re

from tests.browser import given
from tests.browser.helpers import assert_accessible, login, shows


def _entry(stored, entry_id: int) -> tuple[str, str]:
    from interact.faq.models import FaqEntry

    return stored(lambda db: (lambda e: (e.keywords, e.answer_html))(db.session.get(FaqEntry, entry_id)))


def test_an_faq_entry_saved_in_another_tab_is_not_overwritten_unseen(page, stored):
    entry = given.curated_entry(stored)
    login(page, "curator")
    url = f"/staff/faq/{entry['id']}/edit"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)

    page.get_by_role("textbox", name="关键词").fill("暑托 报名")
    page.get_by_role("button", name="保存").click()
    shows(page, "已保存。")

    answer = "<p>暑期托管由学校组织，7 月 1 日起在学校公众号报名，额满为止；低保家庭免费。</p>"
    other.get_by_role("textbox", name="答案").fill(answer)
    other.get_by_role("button", name="保存").click()
    shows(other, "已在另一个页面修改并保存")
    assert other.get_by_role("textbox", name="答案").input_value() == answer  # nothing typed is lost
    saved_now = other.get_by_role("region", name="现在保存的内容")
    assert "暑托 报名" in saved_now.inner_text()
    assert_accessible(other, context="edit refused: saved in another tab")
    assert _entry(stored, entry["id"]) == ("暑托 报名", "<p>暑期托管由学校组织，7 月初在学校公众号报名，额满为止。</p>")

    other.get_by_role("textbox", name="关键词").fill("暑托 报名")  # takes the other tab's change over
    other.get_by_role("button", name="保存").click()
    shows(other, "已保存。")
    keywords, saved_answer = _entry(stored, entry["id"])
    assert keywords == "暑托 报名" and "低保家庭免费" in saved_answer


def test_a_department_saved_in_another_tab_is_not_overwritten_unseen(page, stored):
    login(page, "admin")
    page.goto("/staff/departments")
    page.get_by_role("link", name="市教育局").first.click()
    page.wait_for_url(re.compile(r"/staff/departments/\d+$"))  # (a click does not wait for the page)
    url = page.url
    other = page.context.new_page()
    other.goto(url)

    hours = given.unique("工作日 8:30–17:30，第") + "版"
    page.get_by_role("textbox", name="办公时间").fill(hours)
    page.get_by_role("button", name="保存").first.click()
    shows(page, "部门信息已保存")

    other.get_by_role("textbox", name="咨询电话").fill("0755-88886666")
    other.get_by_role("button", name="保存").first.click()
    shows(other, "已在另一个页面修改并保存")
    assert other.get_by_role("textbox", name="咨询电话").input_value() == "0755-88886666"
    assert hours in other.get_by_role("region", name="现在保存的内容").inner_text()
