"""A citizen's typed text and outcomes are never lost or hidden (#12, findings B5–B7):

- the letter being typed goes to the suggestions in a POST body, never in a URL (access logs,
  the browser's history);
- after a questionnaire is sent the page says so once (已提交), not also "already answered";
- without JavaScript, 关怀版（大字） on a form page keeps what was typed (letter, opinion,
  questionnaire, interview question) and stores nothing;
- a double submission of the letter form (an impatient second click) still shows the
  receipt with its number and query code, and stores one letter.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import shows, solve_captcha

OPEN_COLLECTION = "课后服务管理办法"


def _box(page, name):
    return page.get_by_role("textbox", name=name, exact=True)


def _large(page) -> bool:
    return "large-text" in (page.locator("html").get_attribute("class") or "")


def test_typed_letter_goes_to_the_suggestions_in_a_post_body(page):
    requests = []
    page.on("request", lambda r: "/letters/suggestions" in r.url and requests.append(r))
    page.goto("/letters/new")
    title = "社保卡丢了怎么补办"
    _box(page, "标题").press_sequentially(title, delay=30)
    region = page.get_by_role("region", name="相关的常见问题和已公开来信")
    region.get_by_role("link", name=re.compile("^社保卡丢了怎么补办？")).wait_for()
    assert requests
    for request in requests:
        assert request.method == "POST", request.url
        assert "?" not in request.url and "%E7%A4%BE" not in request.url, request.url
        assert request.headers.get("x-csrftoken"), "the form's CSRF token goes with the question"
        assert "title=" in (request.post_data or "")


@pytest.mark.parametrize("width", [375], indirect=True)
def test_after_answering_the_questionnaire_only_the_success_is_shown(page, stored):
    page.goto("/surveys/")
    page.get_by_role("link", name=OPEN_COLLECTION).first.click()
    questionnaire = page.locator("#questionnaire")
    for fieldset in questionnaire.locator("fieldset").all():
        fieldset.locator("label.check").first.click()
    solve_captcha(page, questionnaire.get_by_role("textbox", name="验证码"), slot="questionnaire")
    questionnaire.get_by_role("button", name="提交问卷").click()
    shows(page, "问卷已提交")
    section = page.locator("#questionnaire")
    assert section.get_by_text("已提交", exact=True).is_visible()
    assert "已经在本设备上提交过" not in page.locator("main").inner_text()
    assert page.get_by_text("问卷已提交").count() == 1  # one notice, not a flash and a second one
    assert section.get_by_role("button", name="提交问卷").count() == 0
