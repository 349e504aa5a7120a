"""A department clerk's notices follow the letters they announce (session 13's walk at 1280 px):

- a letter opened from the desk still had its 新的来信待办理 notice unread (the badge kept
  counting it) — opening the letter reads its notices, whichever way the clerk came;
- a letter a colleague answered kept its notice unread for everybody else;
- a letter the office moved to another department: its notice stayed unread, and 查看 led
  to a bare 无权访问 — the notice is read at the move and the page says what became of it.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login

pytestmark = pytest.mark.parametrize("width", [1280], indirect=True)

DEPARTMENT = "市城市管理局"
PASSWORD = "Banshi2026ok"


def _handlers(stored, *usernames: str) -> None:
    from interact.accounts import services
    from interact.accounts.models import Role, User
    from interact.departments.models import Department

    def make(db):
        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        department_id = db.session.scalar(db.select(Department.id).where(Department.name == DEPARTMENT))
        for username in usernames:
            services.create_staff_user(services.StaffData(username=username, display_name="王办事", roles={Role.HANDLER},
                                                          department_id=department_id), PASSWORD, actor=admin)
        db.session.commit()

    stored.write(make)


def _answered_by(stored, letter: dict, username: str) -> None:
    from interact.accounts.models import User
    from interact.letters import services

    def answer(db):
        clerk = db.session.scalar(db.select(User).where(User.username == username))
        services.answer_letter(services.get_letter(letter["id"]), actor=clerk, answer_html="<p>已安排维修。</p>")
        db.session.commit()

    stored.write(answer)


def _moved_to(stored, letter: dict, department: str) -> None:
    from interact.accounts.models import User
    from interact.departments.models import Department
    from interact.letters import services

    def move(db):
        office = db.session.scalar(db.select(User).where(User.username == "office"))
        target = db.session.scalar(db.select(Department.id).where(Department.name == department))
        services.assign_letter(services.get_letter(letter["id"]), target, actor=office)
        db.session.commit()

    stored.write(move)


def test_notices_are_read_with_their_letters(page, stored):
    clerk, colleague = given.unique("wangbs"), given.unique("libs")
    _handlers(stored, clerk, colleague)
    lamp = given.routed_letter(stored, department=DEPARTMENT, title=given.unique("小区路灯不亮"),
                               body="小区东门的路灯坏了两周，晚上看不清路。")
    bins = given.routed_letter(stored, department=DEPARTMENT, title=given.unique("垃圾桶满了没人清"),
                               body="菜市场门口的垃圾桶三天没有清运。")
    school = given.routed_letter(stored, department=DEPARTMENT, title=given.unique("学校门口接送拥堵"),
                                 body="放学时校门口车辆拥堵，希望安排疏导。")
    login(page, clerk, PASSWORD)
    menu = page.get_by_role("navigation", name="工作台导航")
    expect(menu.get_by_role("link", name="通知")).to_have_text("通知 3")

    # Opened from the desk, not from its notice: the notice is read, the badge says so at once.
    menu.get_by_role("link", name="本部门来信").click()
    page.get_by_role("region", name="待答复", exact=True).get_by_role("link", name=lamp["number"]).click()
    page.get_by_role("heading", name=lamp["title"]).wait_for()
    expect(menu.get_by_role("link", name="通知")).to_have_text("通知 2")

    # A colleague answered one; the office moved another to the education bureau.
    _answered_by(stored, bins, colleague)
    _moved_to(stored, school, "市教育局")
    menu.get_by_role("link", name="通知").click()
    page.get_by_role("heading", name="通知", level=1).wait_for()
    expect(menu.get_by_role("link", name="通知")).to_have_text("通知")
    expect(page.locator("li.notice-unread")).to_have_count(0)
    assert_accessible(page, context="inbox")

    # 查看 on the moved letter's notice says what became of it, and leads back to the desk.
    page.locator("li.notice", has_text=school["number"]).get_by_role("button", name="查看").click()
    page.get_by_role("heading", name="来信已不由本部门办理").wait_for()
    expect(page.get_by_text("无权访问")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(f"来信 {school['number']} 于")
    expect(page.locator("main")).to_contain_text("已由办公室改派其他部门办理，本部门无需再办理")
    expect(page.locator("main")).not_to_contain_text("市教育局")
    assert_accessible(page, context="letter moved away")
    page.get_by_role("link", name="返回工作台").click()
    page.get_by_role("heading", name="工作台", level=1).wait_for()
