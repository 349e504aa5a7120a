"""关怀版（大字） on the log-in and registration pages, with and without JavaScript, as an
older citizen does it: the account (or the number, e-mail and name being registered) and the
"stay logged in" choice come back as typed, in large text, and nothing is checked — no
failed log-in is counted, nobody is registered. Without JavaScript the switch is a button of
the page's form (as on /letters/lookup); a password is never written back into a page, and
the page says to type it again. With JavaScript the switch works in place and keeps it."""
from __future__ import annotations

import itertools

import pytest

from tests.browser.helpers import DEMO_PASSWORD, assert_accessible, code_sent_to, shows, solve_captcha

RETYPE = "为安全起见，切换字号后密码不会保留，请重新输入密码。"
_fresh = itertools.count(1)


def _switch_to_large_text(page) -> None:
    page.locator("header").get_by_text("关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()
    assert "large-text" in (page.locator("html").get_attribute("class") or "")


def _failed_log_ins(stored) -> int:
    from interact.accounts.models import LoginFailure

    return stored(lambda db: db.session.scalar(db.select(db.func.count()).select_from(LoginFailure)))


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_large_text_keeps_the_log_in_being_typed(new_page, stored, javascript):
    page = new_page(java_script_enabled=javascript)
    failures = _failed_log_ins(stored)
    page.goto("/login")
    account = page.get_by_role("textbox", name="账号", exact=True)
    password = page.get_by_role("textbox", name="密码", exact=True)
    stay = page.get_by_role("checkbox", name="在此设备上保持登录（公共电脑请勿勾选）")
    account.fill("13800000000")
    password.fill(DEMO_PASSWORD)
    stay.check()
    _switch_to_large_text(page)
    assert account.input_value() == "13800000000" and stay.is_checked()
    assert page.locator("main .has-error, .flash-error").count() == 0  # nothing was checked
    assert _failed_log_ins(stored) == failures
    if javascript:
        assert password.input_value() == DEMO_PASSWORD
        assert_accessible(page, context="log-in page in 关怀版")
    else:
        assert password.input_value() == "" and page.get_by_text(RETYPE).is_visible()
        password.fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="登录").click()
    shows(page, "欢迎")
    assert "large-text" in (page.locator("html").get_attribute("class") or "")


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_large_text_keeps_the_registration_being_typed(new_page, stored, width, javascript):
    from interact.accounts.models import User, VerificationCode

    phone = f"1370{width:04d}{int(javascript)}{next(_fresh):02d}"
    page = new_page(java_script_enabled=javascript)
    page.goto("/register")
    boxes = {name: page.get_by_role("textbox", name=name, exact=True) for name in ("手机号或电子邮箱", "称呼（选填）")}
    typed = {"手机号或电子邮箱": phone, "称呼（选填）": "王阿姨"}
    for name, value in typed.items():
        boxes[name].fill(value)
    sent = lambda db: db.session.scalar(db.select(db.func.count()).select_from(VerificationCode))  # noqa: E731
    before = stored(sent)
    _switch_to_large_text(page)
    assert {name: boxes[name].input_value() for name in typed} == typed
    assert page.locator("main .has-error, .flash-error").count() == 0
    assert stored(sent) == before  # no code was asked for
    solve_captcha(page)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_role("heading", name="输入验证码，设置密码").wait_for()
    code = page.get_by_role("textbox", name="验证码", exact=True)
    password = page.get_by_role("textbox", name="设置密码", exact=True)
    confirm = page.get_by_role("textbox", name="确认密码", exact=True)
    code.fill(code_sent_to(page, phone))
    password.fill("wang2026ok")
    confirm.fill("wang2026ok")
    if not javascript:  # the page's form switches back to 标准版 and keeps the code, not the password
        page.locator("header").get_by_text("标准版", exact=True).click()
        page.locator("header").get_by_text("关怀版（大字）", exact=True).wait_for()
        page.get_by_text(RETYPE).wait_for()
        assert password.input_value() == "" and code.input_value()
        password.fill("wang2026ok")
        confirm.fill("wang2026ok")
    page.get_by_role("button", name="完成注册").click()
    shows(page, "注册成功")
    assert stored(lambda db: db.session.scalar(db.select(User.display_name).where(User.phone == phone))) == "王阿姨"
