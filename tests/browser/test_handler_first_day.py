"""A new department handler's first day at the desk (session 11's walk at 1280 and 375 px):

- 本部门来信 showed a second 本部门来信 link under its heading (the letters' sub-navigation
  with the handler's only page in it); the bar is shown only when it leads elsewhere, and
  the page's own link is marked;
- the two tables (待答复, 最近答复) were two scrolling regions of the same name (axe
  landmark-unique), and their 部门 column said the handler's department on every row, so
  even at 1280 px 来信时间 was past the right edge;
- the letter's 期限 and its date were split across two lines on a phone;
- a letter the handler returned, opened from its notification, led to 无权访问 with only
  返回首页 (the public site); staff get 返回工作台 (and since session 13 the page says the
  letter went back to the office: 来信已不由本部门办理).
"""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import _axe_violations, assert_accessible, login, shows

DEPARTMENT = "市城市管理局"
PASSWORD = "Xinren2026ok"


def _new_handler(stored, username: str) -> None:
    from interact.accounts import services
    from interact.accounts.models import Role, User
    from interact.departments.models import Department

    def make(db):
        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        department_id = db.session.scalar(db.select(Department.id).where(Department.name == DEPARTMENT))
        services.create_staff_user(services.StaffData(username=username, display_name="李新", roles={Role.HANDLER},
                                                      department_id=department_id), PASSWORD, actor=admin)
        db.session.commit()

    stored.write(make)


def test_a_new_handler_works_the_desk(page, stored, width):
    username = f"lixin{width}"
    _new_handler(stored, username)
    streetlight = given.routed_letter(stored, department=DEPARTMENT, title=given.unique("幸福路路灯不亮"),
                                      body="幸福路东段有五盏路灯坏了一个多月，晚上走路很危险。")
    school = given.routed_letter(stored, department=DEPARTMENT, title=given.unique("孩子入学需要什么材料"),
                                 body="孩子明年上小学，户口不在本市，需要什么材料？")
    login(page, username, PASSWORD)
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="本部门来信").click()
    page.get_by_role("heading", name="本部门来信", level=1).wait_for()

    # One way to this page (the workspace menu), not a second link to itself under the heading.
    expect(page.get_by_role("link", name="本部门来信")).to_have_count(1)
    waiting = page.get_by_role("region", name="待答复", exact=True)
    expect(waiting.get_by_role("link", name=streetlight["number"])).to_be_visible()
    expect(page.get_by_role("region", name="最近答复", exact=True)).to_have_count(1)
    expect(waiting.get_by_role("columnheader", name="部门")).to_have_count(0)
    if width >= 1280:
        assert waiting.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the desk's table scrolls sideways at 1280 px"
    assert not [v["id"] for v in _axe_violations(page) if v["id"] == "landmark-unique"]
    assert_accessible(page, context="handler's letters")

    # The letter: its deadline reads 期限 2026-… on one line.
    waiting.get_by_role("link", name=streetlight["number"]).click()
    page.get_by_role("heading", name=streetlight["title"]).wait_for()
    due = page.locator("main small").filter(has_text="期限").first
    assert due.evaluate(
        "el => { const words = document.createRange(); words.selectNodeContents(el.firstChild);"
        " return Math.abs(words.getBoundingClientRect().bottom - el.querySelector('time').getBoundingClientRect().bottom) < 2; }"
    ), "期限 and its date are on two lines"

    # Not the department's business: returned, then opened again from its notification.
    page.goto(f"/staff/letters/{school['id']}")
    back = page.locator("form", has=page.get_by_role("heading", name="退回办公室（非本部门职责）"))
    back.get_by_role("textbox", name="退回理由").fill("属于教育部门职责，建议转市教育局。")
    back.get_by_role("button", name="退回").click()
    shows(page, "已退回办公室重新转办。")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="通知").click()
    page.locator("li.notice", has_text=school["number"]).get_by_role("button", name="查看").click()
    page.get_by_role("heading", name="来信已不由本部门办理").wait_for()
    expect(page.locator("main")).to_contain_text("已退回办公室重新转办")
    page.get_by_role("link", name="返回工作台").click()
    page.get_by_role("heading", name="工作台", level=1).wait_for()
