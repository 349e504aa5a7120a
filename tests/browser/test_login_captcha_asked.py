"""After failed log-ins the owner opening the log-in page anew is asked for the captcha, not
told it was wrong (attack I3): the page shows no captcha until the account is typed, so
the next try comes without one."""
from __future__ import annotations

from interact.accounts import throttle
from tests.browser.helpers import DEMO_PASSWORD, shows, solve_captcha
from tests.browser.test_trust_journeys import no_failed_logins  # noqa: F401 - fixture

CITIZEN = "13800000000"


def _try(page, password: str) -> None:
    page.get_by_role("textbox", name="账号", exact=True).fill(CITIZEN)
    page.get_by_role("textbox", name="密码", exact=True).fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_the_owner_is_asked_for_the_captcha_after_failures(page, no_failed_logins):  # noqa: F811
    for _ in range(throttle.CAPTCHA_AFTER_ACCOUNT):
        page.goto("/login")
        _try(page, "wrong-password-1")
    page.goto("/login")  # opened anew: the account is not known yet, no captcha is shown
    assert page.get_by_role("textbox", name="验证码", exact=True).count() == 0
    _try(page, DEMO_PASSWORD)
    shows(page, "请输入图片中的验证码")
    assert "验证码不正确" not in page.locator("main").inner_text()
    page.get_by_role("textbox", name="密码", exact=True).fill(DEMO_PASSWORD)
    solve_captcha(page)
    page.locator("main form").get_by_role("button", name="登录").click()
    shows(page, "欢迎")
