"""Registering, as a stranger probing a citizen's number meets it: the demo citizen's phone
number (taken) and a fresh one get the same page, nobody is logged in, nothing is created
before the code, and no code typed takes the taken number. Only the message to the number
says it is registered (read here on the demo's page of messages)."""
from __future__ import annotations

import itertools

from tests.browser.helpers import assert_accessible, message_sent_to, solve_captcha

#: The demo citizen's number and e-mail (README): one width asks with each, as the same number
#: may ask for a new code only after a minute.
TAKEN = {375: "13800000000", 1280: "citizen@example.com"}
PASSWORD = "probe2026x"
_fresh = itertools.count(1)


def _ask_for_code(page, phone: str) -> str:
    page.goto("/register")
    page.get_by_role("textbox", name="手机号或电子邮箱", exact=True).fill(phone)
    solve_captcha(page)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_role("heading", name="输入验证码，设置密码").wait_for()
    local, at, domain = phone.partition("@")
    masked = f"{local[:1]}***@{domain}" if at else f"{phone[:3]}****{phone[-4:]}"
    return page.locator("main").inner_text().replace(masked, "NUMBER")


def test_a_taken_number_and_a_new_one_read_the_same(page, new_page, stored):
    from interact.accounts.models import User

    width = page.viewport_size["width"]
    taken = TAKEN[width]
    fresh = f"1390{width:04d}{next(_fresh):03d}"
    if "@" in taken:
        fresh = f"c{fresh}@example.com"
    taken_answer = _ask_for_code(page, taken)
    taken_url = page.url
    assert "退出" not in page.locator("header").inner_text()  # not logged in to the citizen's account
    assert_accessible(page, context="registration: the code step")

    other = new_page()
    assert _ask_for_code(other, fresh) == taken_answer and other.url == taken_url
    assert stored(lambda db: db.session.scalar(db.select(User.id).where(
        db.or_(User.phone == fresh, User.email == fresh)))) is None

    # A guessed code takes nothing, and reads as any wrong code.
    page.get_by_role("textbox", name="验证码", exact=True).fill("123456")
    page.get_by_role("textbox", name="设置密码", exact=True).fill(PASSWORD)
    page.get_by_role("textbox", name="确认密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="完成注册").click()
    page.get_by_text("验证码不正确").first.wait_for()
    assert "退出" not in page.locator("header").inner_text()
    said = message_sent_to(page, taken)
    assert "已经注册过" in said and "验证码 " not in said
