"""A first-time, older citizen on a phone (375 px), with and without JavaScript, who makes
the mistakes people make: every problem of a refused form is named in the same round (a
wrong captcha does not hide a short phone number or an unanswered question), nothing
typed is lost, the receipt says how long an answer takes, and a 不满意 rating says what
happens next."""
from __future__ import annotations

import pytest

from tests.browser.given import answered_letter, unique
from tests.browser.helpers import look_up, shows, solve_captcha

pytestmark = [pytest.mark.parametrize("width", [375], indirect=True),
              pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])]

OPEN_COLLECTION = "课后服务管理办法"


def _box(page, name):
    return page.get_by_role("textbox", name=name, exact=True)


def test_a_letter_with_mistakes_is_fixed_in_one_round(new_page, stored, javascript):
    from interact.letters.models import Letter

    page = new_page(java_script_enabled=javascript)
    title = unique("小区门口路灯坏了")
    page.goto("/letters/new")
    _box(page, "标题").fill(title)
    _box(page, "内容").fill("路灯坏了")             # shorter than the 10 characters asked
    _box(page, "姓名").fill("孙奶奶")
    _box(page, "手机号码").fill("1391234")          # a digit group missing
    _box(page, "验证码").fill("XXXX")               # misread
    page.get_by_role("button", name="提交来信").click()
    shows(page, "有 3 处需要修改")
    main = page.locator("main").inner_text()
    assert "请填写正确的 11 位手机号码" in main and "正文应为 10–2000 个字" in main and "验证码不正确" in main
    assert _box(page, "标题").input_value() == title and _box(page, "手机号码").input_value() == "1391234"
    assert stored(lambda db: db.session.scalar(db.select(db.func.count(Letter.id)).where(Letter.title == title))) == 0

    _box(page, "内容").fill("小区门口的路灯坏了一个多月，晚上出门看不清路。")
    _box(page, "手机号码").fill("139 1234 5672")
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
    assert "咨询类来信在 5 个工作日内答复" in page.locator("main").inner_text()
    assert stored(lambda db: db.session.scalar(db.select(Letter.phone).where(Letter.title == title))) == "13912345672"


def test_an_unsatisfied_rating_says_what_happens_next(new_page, stored, javascript):
    letter = answered_letter(stored)
    page = new_page(java_script_enabled=javascript)
    look_up(page, letter["number"], letter["code"])
    page.get_by_role("button", name="提交评价").click()  # nothing chosen
    shows(page, "请选择评价")
    page.get_by_role("radio", name="不满意").check()
    page.get_by_role("textbox", name="评价意见（选填）").fill("只说了去窗口，没说哪个窗口。")
    page.get_by_role("button", name="提交评价").click()
    shows(page, "可安排有关部门重新办理一次")
    assert "您的评价：不满意" in page.locator("main").inner_text()


def test_a_questionnaire_sent_empty_names_the_unanswered_questions(new_page, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto("/surveys/")
    page.get_by_role("link", name=OPEN_COLLECTION).first.click()
    questionnaire = page.locator("#questionnaire")
    questionnaire.get_by_role("textbox", name="您对课后服务还有哪些建议").fill("希望增加书法课。")
    questionnaire.get_by_role("textbox", name="验证码").fill("XXXX")
    questionnaire.get_by_role("button", name="提交问卷").click()
    shows(page, "处需要修改")
    questionnaire = page.locator("#questionnaire")
    text = questionnaire.inner_text()
    assert "此题为必答题" in text and "验证码不正确" in text
    assert questionnaire.get_by_role("textbox", name="您对课后服务还有哪些建议").input_value() == "希望增加书法课。"


def test_a_captcha_picture_that_cannot_be_read(new_page, stored, javascript):
    """换一张 brings a new picture in place with JavaScript (the question typed stays); the
    hint never tells anyone to reload the page, which can lose what was typed."""
    from interact.interviews.models import InterviewQuestion
    from tests.browser.given import announced_interview

    interview = announced_interview(stored)
    page = new_page(java_script_enabled=javascript)
    page.goto(f"/interviews/{interview['id']}")
    question = unique("异地就医备案以后，回老家看病还要再备案吗？")
    page.get_by_role("textbox", name="您的问题").fill(question)
    assert "刷新页面" not in page.locator("main").inner_text()
    again = page.get_by_role("button", name="换一张")
    if not javascript:
        assert again.count() == 0 or not again.is_visible()
        return
    solve_captcha(page)
    with page.expect_response("**/captcha.png*"):
        again.click()
    assert page.get_by_role("textbox", name="验证码").input_value() == ""  # emptied for the new one
    solve_captcha(page)  # the new picture's code: the old one no longer counts
    page.get_by_role("button", name="提交问题").click()
    shows(page, "提问已提交")

    def asked(db):
        return db.session.scalar(db.select(db.func.count(InterviewQuestion.id)).where(InterviewQuestion.body == question))

    assert stored(asked) == 1
