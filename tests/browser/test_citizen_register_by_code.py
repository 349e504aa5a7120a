"""A citizen registers with a code and later sets a new password with 忘记密码, as a demo
user does it: the code is read on the demo's page of messages (the demo sends no SMS).
At 375 and 1280 px, with and without JavaScript; every page of the way passes axe."""
from __future__ import annotations

import itertools

import pytest

from tests.browser.helpers import assert_accessible, code_sent_to, login, shows, solve_captcha

_fresh = itertools.count(1)


def _number(width: int, javascript: bool) -> str:
    return f"1361{width:04d}{int(javascript)}{next(_fresh):02d}"


def _fill_code_step(page, code: str, password: str, button: str) -> None:
    page.get_by_role("textbox", name="验证码", exact=True).fill(code)
    page.get_by_role("textbox", name="设置密码", exact=True).fill(password)
    page.get_by_role("textbox", name="确认密码", exact=True).fill(password)
    page.get_by_role("button", name=button).click()


def register(page, phone: str, password: str, name: str = "") -> None:
    page.goto("/register")
    page.get_by_role("textbox", name="手机号或电子邮箱", exact=True).fill(phone)
    if name:
        page.get_by_role("textbox", name="称呼（选填）", exact=True).fill(name)
    solve_captcha(page)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_role("heading", name="输入验证码，设置密码").wait_for()
    assert f"{phone[:3]}****{phone[-4:]}" in page.locator("main").inner_text()
    assert phone not in page.locator("main").inner_text()
    assert_accessible(page, context="registration: the code step")
    # A mistyped code first: the page says how many tries are left, nothing is created.
    _fill_code_step(page, "000000" if code_sent_to(page, phone) != "000000" else "111111", password, "完成注册")
    shows(page, "还可尝试 4 次")
    assert_accessible(page, context="registration: a wrong code")
    _fill_code_step(page, code_sent_to(page, phone), password, "完成注册")
    shows(page, "注册成功")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_registering_with_a_code_then_forgetting_the_password(new_page, stored, width, javascript):
    from interact.accounts.models import User

    phone = _number(width, javascript)
    page = new_page(java_script_enabled=javascript)
    page.goto("/register")
    assert_accessible(page, context="registration: step 1")
    register(page, phone, "first2026ok", name="赵阿姨")
    assert "我的" in page.locator("main").inner_text() or page.url.endswith("/account")
    assert stored(lambda db: db.session.scalar(db.select(User.display_name).where(User.phone == phone))) == "赵阿姨"

    # Another device stays logged in ... until the password is set anew.
    other = new_page(java_script_enabled=javascript)
    login(other, phone, "first2026ok")

    forgetful = new_page(java_script_enabled=javascript)
    forgetful.goto("/login")
    forgetful.get_by_role("link", name="用验证码重新设置").click()
    forgetful.get_by_role("heading", name="忘记密码").wait_for()
    assert_accessible(forgetful, context="忘记密码: step 1")
    forgetful.get_by_role("textbox", name="手机号或电子邮箱", exact=True).fill(phone)
    solve_captcha(forgetful)
    forgetful.get_by_role("button", name="获取验证码").click()
    forgetful.get_by_role("heading", name="输入验证码，设置新密码").wait_for()
    assert_accessible(forgetful, context="忘记密码: the code step")
    _fill_code_step(forgetful, code_sent_to(forgetful, phone), "second2026ok", "设置新密码")
    shows(forgetful, "密码已重新设置")
    login(forgetful, phone, "second2026ok")

    other.goto("/account")
    other.get_by_role("heading", name="登录").wait_for()  # logged out by the reset
    other.get_by_role("textbox", name="账号", exact=True).fill(phone)
    other.get_by_role("textbox", name="密码", exact=True).fill("first2026ok")
    other.locator("main form").get_by_role("button", name="登录").click()
    other.get_by_text("账号或密码错误").first.wait_for()


def test_the_demo_page_of_messages_reads_well(page):
    page.goto("/demo/messages")
    page.get_by_role("heading", name="演示：模拟收到的短信和邮件").wait_for()
    assert_accessible(page, context="demo messages")
