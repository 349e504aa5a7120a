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

from tests.browser.given import unique
from tests.browser.helpers import click_twice_on_a_slow_server, look_up, shows, solve_captcha

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


# --- 关怀版（大字） without JavaScript keeps what was typed ---------------------------------------


@pytest.fixture
def page_without_js(new_page):
    return new_page(java_script_enabled=False)


def _no_errors(page) -> bool:
    """Nothing was checked: no error message at the top or beside a field."""
    return page.locator(".flash-error, main .has-error, main [aria-invalid=true]").count() == 0


def _switch_to_large_text(page) -> None:
    page.get_by_role("button", name="关怀版（大字）", exact=True).click()
    page.get_by_role("button", name="标准版", exact=True).wait_for()
    assert _large(page)


@pytest.mark.parametrize("width", [375], indirect=True)
def test_without_javascript_large_text_keeps_a_letter_in_progress(page_without_js, stored):
    page = page_without_js
    title, body = "养老金调整后什么时候到账", "今年养老金调整后，补发的部分什么时候到账？"
    page.goto("/letters/new")
    page.get_by_role("combobox", name="咨询部门").select_option(label="市人力资源社会保障局")
    _box(page, "标题").fill(title)
    _box(page, "内容").fill(body)
    _box(page, "姓名").fill("赵大爷")
    _switch_to_large_text(page)
    assert _box(page, "标题").input_value() == title
    assert _box(page, "内容").input_value() == body
    assert _box(page, "姓名").input_value() == "赵大爷"
    assert page.get_by_role("combobox", name="咨询部门").input_value() != ""
    assert _no_errors(page) and "来信已提交" not in page.locator("main").inner_text()

    from interact.letters.models import Letter

    def count(db):
        return db.session.scalar(db.select(db.func.count(Letter.id)).where(Letter.title == title))

    assert stored(count) == 0
    # The letter is then sent in large text as usual, and the choice is remembered.
    _box(page, "手机号码").fill("13912345670")
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
    assert _large(page) and stored(count) == 1
    # And back to standard text on the receipt (no form there: a plain link).
    page.get_by_role("link", name="标准版").click()
    page.get_by_role("link", name="关怀版（大字）").wait_for()
    assert not _large(page)


@pytest.mark.parametrize("width", [375], indirect=True)
def test_without_javascript_large_text_keeps_an_opinion_and_questionnaire_answers(page_without_js, stored):
    page = page_without_js
    page.goto("/surveys/")
    page.get_by_role("link", name=OPEN_COLLECTION).first.click()
    opinion_text = "建议课后服务增加书法课，老年志愿者可以来教。"
    opinion = page.locator("#opinion-form")
    opinion.get_by_role("textbox", name="意见建议").fill(opinion_text)
    _switch_to_large_text(page)  # the header's switch: the opinion form comes back as typed
    assert page.locator("#opinion-form").get_by_role("textbox", name="意见建议").input_value() == opinion_text
    assert _no_errors(page)

    # The questionnaire has its own switch on the same page.
    questionnaire = page.locator("#questionnaire")
    first_choice = questionnaire.locator("fieldset").first.locator("input").first
    questionnaire.locator("fieldset").first.locator("label.check").first.click()
    questionnaire.get_by_role("textbox", name="您对课后服务还有哪些建议").fill("希望增加书法课。")
    questionnaire.get_by_role("button", name=re.compile("切换到标准版")).click()
    page.get_by_role("button", name="关怀版（大字）", exact=True).wait_for()
    assert not _large(page)
    questionnaire = page.locator("#questionnaire")
    assert questionnaire.get_by_role("textbox", name="您对课后服务还有哪些建议").input_value() == "希望增加书法课。"
    assert first_choice.is_checked()
    assert _no_errors(page)

    from interact.surveys.models import Opinion

    assert stored(lambda db: db.session.scalar(
        db.select(db.func.count(Opinion.id)).where(Opinion.content == opinion_text))) == 0


@pytest.mark.parametrize("width", [375], indirect=True)
def test_without_javascript_large_text_keeps_an_interview_question(page_without_js, stored):
    from tests.browser.given import announced_interview

    interview = announced_interview(stored)
    page = page_without_js
    page.goto(f"/interviews/{interview['id']}")
    question = "退休后异地居住，养老金资格认证怎么办？"
    page.get_by_role("textbox", name="您的问题").fill(question)
    _switch_to_large_text(page)
    assert page.get_by_role("textbox", name="您的问题").input_value() == question
    assert "提问已提交" not in page.locator("main").inner_text()


@pytest.mark.parametrize("width", [375], indirect=True)
def test_large_text_on_a_page_shown_after_a_refused_opinion_keeps_the_text(page):
    """With JavaScript: a collection page shown after a refused opinion (the answer to a POST)
    has no address to go back to; the switch still works in place and keeps the text (it
    used to follow the switch's redirect to the POST-only address: 405, text gone)."""
    page.goto("/surveys/")
    page.get_by_role("link", name=OPEN_COLLECTION).first.click()
    opinion = page.locator("#opinion-form")
    opinion.get_by_role("textbox", name="意见建议").fill("建议课后服务增加书法课。")
    opinion.get_by_role("button", name="提交意见").click()  # no captcha typed: refused
    shows(page, "验证码")
    opinion = page.locator("#opinion-form")
    opinion.get_by_role("textbox", name="意见建议").fill("建议课后服务增加书法课和围棋课。")
    page.locator("header").get_by_text("关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()
    assert _large(page)
    assert opinion.get_by_role("textbox", name="意见建议").input_value() == "建议课后服务增加书法课和围棋课。"
    page.reload()
    assert _large(page)


# --- a double submission still shows the receipt -----------------------------------------------


def _fill_letter(page, title: str) -> None:
    page.goto("/letters/new")
    page.get_by_role("combobox", name="咨询部门").select_option(label="市人力资源社会保障局")
    _box(page, "标题").fill(title)
    _box(page, "内容").fill("小区门口的路灯坏了一个多月，晚上老人出门很不方便，请帮忙联系修理。")
    _box(page, "姓名").fill("钱阿姨")
    _box(page, "手机号码").fill("13912345671")
    solve_captcha(page)


def _receipt(page) -> tuple[str, str]:
    page.get_by_role("heading", name="来信已提交").wait_for()
    codes = page.locator(".receipt-codes strong.code")
    assert codes.count() == 2, page.locator("main").inner_text()  # number and query code
    return codes.nth(0).inner_text().strip(), codes.nth(1).inner_text().strip()


def _letters_titled(stored, title: str) -> int:
    from interact.letters.models import Letter

    return stored(lambda db: db.session.scalar(db.select(db.func.count(Letter.id)).where(Letter.title == title)))


def test_a_second_click_while_the_letter_is_being_sent_sends_nothing(page, stored):
    """On a slow server a person clicks 提交来信 again while the letter is on its way: the
    button no longer takes the click, one copy is sent, the receipt shows number and code."""
    title = unique("路灯坏了一个多月没人修理")
    _fill_letter(page, title)
    sent = click_twice_on_a_slow_server(page, page.get_by_role("button", name="提交来信"), "**/letters/new")
    assert sent == 1, "the form was sent a second time"
    number, code = _receipt(page)
    assert _letters_titled(stored, title) == 1 and code


@pytest.mark.parametrize("width", [375], indirect=True)
def test_a_second_copy_of_the_letter_form_shows_the_first_ones_receipt(page_without_js, stored):
    """Without JavaScript nothing stops a second click: the first copy reaches the server
    (stored, its captcha used) and the browser shows the answer to the second copy only.
    That answer is the receipt of the one letter, with its number and query code."""
    page = page_without_js
    title = unique("楼道灯坏了请物业修理")
    _fill_letter(page, title)
    fields = {name: page.locator(f"#letter-form [name={name}]").input_value()
              for name in ("csrf_token", "token", "department_id", "title", "body", "name", "phone", "captcha")}
    fields.update(channel="consultation", kind="consultation")
    first_copy = page.context.request.post("/letters/new", form=fields, max_redirects=0)
    assert first_copy.status == 302  # stored; the browser never shows this answer
    page.get_by_role("button", name="提交来信").click()  # the second click
    number, code = _receipt(page)
    assert _letters_titled(stored, title) == 1
    page.context.clear_cookies()
    look_up(page, number, code)
    assert title in page.locator("main").inner_text()


def test_the_letters_month_filter_is_a_chinese_month_list(page):
    """来信选登's month filter reads as Chinese (2026年11月), whatever the browser's language;
    a browser's own month picker showed "--------- ----" / "November 2026"."""
    page.goto("/letters/")
    page.get_by_text("更多条件", exact=False).click()  # folded under the keyword (a phone's first screen shows letters)
    month = page.get_by_role("combobox", name="来信月份")
    labels = month.locator("option").all_inner_texts()
    assert labels[0] == "全部月份" and all(re.fullmatch(r"\d{4}年\d{1,2}月", label) for label in labels[1:]), labels
    month.select_option(index=1)
    page.get_by_role("button", name=re.compile("筛选|搜索|查询")).first.click()
    page.wait_for_load_state()
    assert re.search(r"month=\d{4}-\d{2}", page.url), page.url
    assert page.get_by_role("combobox", name="来信月份").input_value() != ""
