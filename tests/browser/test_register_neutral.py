"""Registering, as a stranger probing a citizen's number meets it: the demo citizen's phone
number (taken) and a fresh one get the same page, nobody is logged in, and only the fresh
number's owner can then log in with the password just chosen."""
from __future__ import annotations

import itertools

from tests.browser.helpers import assert_accessible, login, solve_captcha

TAKEN = "13800000000"  # the demo citizen's log-in (README)
PASSWORD = "probe2026x"
_fresh = itertools.count(1)


def _register(page, phone: str) -> str:
    page.goto("/register")
    page.get_by_role("textbox", name="手机号", exact=True).fill(phone)
    page.get_by_role("textbox", name="密码", exact=True).fill(PASSWORD)
    page.get_by_role("textbox", name="确认密码", exact=True).fill(PASSWORD)
    solve_captcha(page)
    page.get_by_role("button", name="注册").click()
    page.get_by_role("heading", name="注册申请已提交").wait_for()
    return page.locator("main").inner_text()


def test_a_taken_number_and_a_new_one_read_the_same(page, new_page):
    fresh = f"1390{page.viewport_size['width']:04d}{next(_fresh):03d}"
    taken_answer = _register(page, TAKEN)
    taken_url = page.url
    assert "已注册，请直接登录" not in taken_answer
    assert "退出" not in page.locator("header").inner_text()  # not logged in to the citizen's account
    assert_accessible(page, context="registration answer")

    other = new_page()
    assert _register(other, fresh) == taken_answer and other.url == taken_url
    assert "退出" not in other.locator("header").inner_text()

    # The owner of the fresh number logs in with the password chosen; the prober does not
    # get into the taken account with it.
    login(other, fresh, PASSWORD)
    page.goto("/login")
    page.get_by_role("textbox", name="账号", exact=True).fill(TAKEN)
    page.get_by_role("textbox", name="密码", exact=True).fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="登录").click()
    page.get_by_text("账号或密码错误").first.wait_for()
