"""A department's handler works its letters: asks for more time (the office approves it in
its own browser) and answers; returns a letter that is not the department's business (the
office routes it to the right one)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login, shows


def _letter(stored, letter_id):
    from interact.core import clock
    from interact.letters.models import Letter

    def read(db):
        letter = db.session.get(Letter, letter_id)
        return {"status": letter.status.value, "department": letter.department.name if letter.department else None,
                "due": clock.to_local(letter.due_at).date() if letter.due_at else None,
                "extensions": [(e.status.value, e.extra_workdays, e.reason) for e in letter.extensions]}

    return stored(read)


def _workdays_between(stored, a, b) -> int:
    from interact.core import workdays

    return stored(lambda db: workdays.workdays_between(a, b))


def _open_from_my_list(page, letter):
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="本部门来信").click()
    page.get_by_role("link", name=letter["number"]).click()
    page.get_by_role("heading", name=letter["title"]).wait_for()


def test_handler_gets_more_time_then_answers(page, stored, new_page):
    letter = given.routed_letter(stored, title=given.unique("工伤认定需要多长时间"))
    first_due = _letter(stored, letter["id"])["due"]
    login(page, "rsj")
    _open_from_my_list(page, letter)
    assert_accessible(page, context="letter to answer, handler")

    extension = page.locator("form", has=page.get_by_role("heading", name="申请延期"))
    extension.get_by_role("spinbutton", name="延期工作日数").fill("3")
    extension.get_by_role("textbox", name="延期理由").fill("需要向用人单位调取劳动合同。")
    extension.get_by_role("button", name="申请延期").click()
    shows(page, "延期申请已提交，等待办公室审批。")
    expect(page.locator("main")).to_contain_text("等待办公室审批。")
    assert _letter(stored, letter["id"])["extensions"] == [("pending", 3, "需要向用人单位调取劳动合同。")]

    office = new_page()
    login(office, "office")
    office.goto("/staff/letters/review")
    request = office.locator("li", has_text=letter["number"])
    expect(request).to_contain_text("需要向用人单位调取劳动合同。")
    request.get_by_text("批准", exact=True).click()
    request.get_by_role("button", name="提交").click()
    shows(office, "已批准延期。")
    extended = _letter(stored, letter["id"])
    assert extended["extensions"][0][0] == "approved"
    assert _workdays_between(stored, first_due, extended["due"]) == 3

    page.reload()
    expect(page.locator("main")).to_contain_text(re.compile(rf"当前期限\s*{extended['due']:%Y-%m-%d}"))
    expect(page.locator("main")).to_contain_text("同意延期")  # in the letter's record
    page.get_by_role("textbox", name="答复内容").fill("您好，工伤认定自受理之日起60日内作出决定。")
    page.get_by_role("button", name="提交答复（送办公室审核）").click()
    shows(page, "答复已提交，等待办公室审核。")
    assert _letter(stored, letter["id"])["status"] == "answered"


def test_handler_returns_a_letter_and_the_office_routes_it_elsewhere(page, stored, new_page):
    letter = given.routed_letter(stored, title=given.unique("小学课后服务收费标准"),
                                 body="孩子所在小学课后服务怎么收费？")
    login(page, "rsj")
    _open_from_my_list(page, letter)
    back = page.locator("form", has=page.get_by_role("heading", name="退回办公室（非本部门职责）"))
    back.get_by_role("textbox", name="退回理由").fill("属于教育部门职责，建议转市教育局。")
    back.get_by_role("button", name="退回").click()  # confirms in a dialog, accepted
    shows(page, "已退回办公室重新转办。")
    expect(page.get_by_role("link", name=letter["number"])).to_have_count(0)  # no longer in the list
    returned = _letter(stored, letter["id"])
    assert (returned["status"], returned["department"]) == ("returned", None)
    assert page.goto(f"/staff/letters/{letter['id']}").status == 403  # not the department's any more

    office = new_page()
    login(office, "office")
    office.goto("/staff/letters/queue")
    expect(office.locator("tr", has_text=letter["number"])).to_contain_text("退回")
    office.get_by_role("link", name=letter["number"]).click()
    expect(office.locator("main")).to_contain_text("属于教育部门职责，建议转市教育局。")
    route = office.locator("form", has=office.get_by_role("heading", name="转办"))
    route.get_by_role("combobox", name="办理部门").select_option(label="市教育局")
    route.get_by_role("button", name="转交办理").click()
    shows(office, "已转交市教育局办理。")
    assert _letter(stored, letter["id"])["department"] == "市教育局"

    education = new_page()
    login(education, "jyj")
    education.goto("/staff/letters/mine")
    expect(education.get_by_role("link", name=letter["number"])).to_be_visible()
