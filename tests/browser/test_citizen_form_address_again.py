"""A refused opinion or interview question is shown at the form's own address (it keeps a
4xx status and what was typed). A citizen who then taps the address bar and goes there
again — the usual "reload" on a phone — or comes back to it from the history, finds the
collection's or the interview's page at the form, never 405 (方法不允许)."""
from __future__ import annotations

from tests.browser.given import announced_interview
from tests.browser.helpers import shows


def _open_again(page) -> None:
    """Enter in the address bar: a GET of the address shown."""
    response = page.goto(page.url)
    assert response.status == 200, (page.url, response.status)


def test_the_opinion_forms_address_opened_again(page):
    page.goto("/surveys/")
    page.get_by_role("link", name="课后服务管理办法").first.click()
    form = page.locator("#opinion-form")
    form.get_by_role("textbox", name="意见建议").fill("建议课后服务增加书法课。")
    form.get_by_role("textbox", name="验证码", exact=True).fill("XXXX")  # a wrong captcha
    form.get_by_role("button", name="提交意见").click()
    shows(page, "验证码不正确")
    assert page.url.endswith("/opinions")
    _open_again(page)
    assert page.url.split("#")[0].rsplit("/", 1)[-1].isdigit()  # /surveys/<id>
    page.locator("#opinion-form").get_by_role("textbox", name="意见建议").wait_for()


def test_the_question_forms_address_opened_again(page, stored):
    interview = announced_interview(stored)
    page.goto(f"/interviews/{interview['id']}")
    page.get_by_role("textbox", name="您的问题").fill("短")  # too short
    page.get_by_role("button", name="提交问题").click()
    shows(page, "问题应为 5–500 个字")
    assert page.url.endswith("/questions")
    _open_again(page)
    assert page.url.endswith(f"/interviews/{interview['id']}#ask")
    page.get_by_role("textbox", name="您的问题").wait_for()
