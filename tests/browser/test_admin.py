"""The system administrator: creates a handler account (who then logs in), creates and
renames a department (and adds its leader), and adds a make-up working day (调休上班) to the
holiday calendar, which the next deadline counts."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login, shows

RSJ = "市人力资源社会保障局"
#: Per width (the server is shared): a department to create and its new name.
NEW_DEPARTMENTS = {375: ("市数据资源管理局", "SJZY", "市大数据发展管理局"),
                   1280: ("市退役军人事务局", "TYJR", "市退役军人服务局")}


def _nav(page, label: str) -> None:
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name=label).click()


def test_admin_creates_a_handler_who_then_logs_in(page, stored, new_page, width):
    from interact.accounts.models import User

    username, password = f"wangfang{width}", "Chuangjian2026"
    login(page, "admin")
    _nav(page, "用户与角色")
    page.get_by_role("link", name="新建账号").click()
    assert_accessible(page, context="new staff account")
    page.get_by_role("textbox", name="用户名").fill(username)
    page.get_by_role("textbox", name="姓名").fill("王芳")
    page.get_by_role("checkbox", name="部门办理人").check()
    page.get_by_role("combobox", name="所属部门").select_option(label=RSJ)
    page.get_by_role("textbox", name="初始密码").fill(password)
    page.get_by_role("button", name="保存").click()
    shows(page, "已创建账号")
    row = page.get_by_role("row", name=re.compile(username))
    expect(row).to_contain_text("部门办理人")
    expect(row).to_contain_text(RSJ)

    def account(db):
        user = db.session.scalar(db.select(User).where(User.username == username))
        return sorted(role.value for role in user.roles), user.department.name

    assert stored(account) == (["handler"], RSJ)

    newcomer = new_page()
    login(newcomer, username, password)
    nav = newcomer.get_by_role("navigation", name="工作台导航")
    expect(nav).to_contain_text(f"部门办理人 · {RSJ}")
    expect(nav.get_by_role("link", name="用户与角色")).to_have_count(0)
    _nav(newcomer, "本部门来信")
    newcomer.get_by_role("heading", name="本部门来信").wait_for()


def test_admin_creates_renames_a_department_and_adds_its_leader(page, stored, new_page, width):
    from interact.departments.models import Department

    name, code, new_name = NEW_DEPARTMENTS[width]
    login(page, "admin")
    _nav(page, "部门管理")
    page.get_by_role("link", name="新建部门").click()
    page.get_by_role("textbox", name="部门名称").fill(name)
    page.get_by_role("textbox", name="部门代码").fill(code)
    page.get_by_role("textbox", name="咨询电话").fill("0571-12345699")
    expect(page.get_by_role("combobox", name="类型")).to_have_value("department")  # 市直部门, not a second 市政府
    page.get_by_role("button", name="保存").click()
    shows(page, f"已创建部门“{name}”。")
    assert_accessible(page, context="department page with its leaders")  # two forms: department, leader

    page.get_by_role("textbox", name="部门名称").fill(new_name)
    page.get_by_role("button", name="保存", exact=True).click()
    shows(page, "部门信息已保存。")
    assert stored(lambda db: db.session.scalar(db.select(Department.name).where(Department.code == code))) == new_name

    # The leader's form: a missing 职务 is reported and the name typed is kept.
    leader = page.locator("form", has=page.get_by_role("button", name="添加"))
    leader.get_by_role("textbox", name="姓名").fill("赵国强")
    leader.get_by_role("button", name="添加").click()
    shows(page, "请输入职务")
    leader = page.locator("form", has=page.get_by_role("button", name="添加"))
    expect(leader.get_by_role("textbox", name="姓名")).to_have_value("赵国强")
    leader.get_by_role("textbox", name="职务").fill("局长")
    leader.get_by_role("button", name="添加").click()
    shows(page, "已添加领导。")
    expect(page.get_by_role("region", name="领导信箱")).to_contain_text("局长 赵国强")

    citizen = new_page()
    citizen.goto("/departments")
    expect(citizen.locator("main")).to_contain_text(new_name)
    expect(citizen.locator("main")).not_to_contain_text(name)


def test_admin_adds_a_make_up_working_day_and_the_next_deadline_counts_it(page, stored, new_page):
    from interact.core import clock, workdays
    from interact.letters import workflow
    from interact.letters.models import LetterKind

    today = clock.today()
    calendar, limit = stored(lambda db: (workdays.load_calendar(), workflow.reply_limit(LetterKind.CONSULTATION)))
    due_before = calendar.add_workdays(today, limit)
    day_off = next(today + timedelta(days=n) for n in range(1, 30) if not calendar.is_workday(today + timedelta(days=n)))
    assert day_off < due_before, "no day off before the deadline to turn into a working day"
    calendar.overrides[day_off] = True
    calendar._memo.clear()  # noqa: SLF001 - the calendar as the admin's row makes it
    due_after = calendar.add_workdays(today, limit)
    assert due_after < due_before

    login(page, "admin")
    _nav(page, "节假日设置")
    page.get_by_role("textbox", name="日期").fill(f"{day_off:%Y-%m-%d}")
    page.get_by_role("combobox", name="类型").select_option(label="调休上班")
    page.get_by_role("textbox", name="名称").fill("调休上班")
    page.get_by_role("button", name="添加").click()
    shows(page, "已保存。")
    row = page.get_by_role("row", name=re.compile(f"{day_off:%Y-%m-%d}"))
    expect(row).to_contain_text("调休上班")
    assert_accessible(page, context="holiday calendar")

    try:
        letter = given.new_letter(stored, title=given.unique("调休期间社保窗口是否办公"))
        office = new_page()
        login(office, "office")
        office.goto(f"/staff/letters/{letter['id']}")
        route = office.locator("form", has=office.get_by_role("heading", name="转办"))
        route.get_by_role("combobox", name="办理部门").select_option(label=RSJ)
        route.get_by_role("button", name="转交办理").click()
        shows(office, f"已转交{RSJ}办理。")
        expect(office.locator("main")).to_contain_text(re.compile(rf"当前期限\s*{due_after:%Y-%m-%d}"))
    finally:
        # The calendar is shared by every journey: the admin removes the day again.
        row.get_by_role("button", name="删除").click()
        shows(page, "已删除。")
    expect(page.get_by_role("row", name=re.compile(f"{day_off:%Y-%m-%d}"))).to_have_count(0)
