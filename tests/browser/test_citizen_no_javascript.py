"""The citizen's core forms in a browser with JavaScript switched off: each works end to end
and shows its result — a letter with its receipt, the look-up, the intelligent-answer box
and its hand-off to the letter form, the helpful vote, an opinion, a questionnaire and the
关怀版（大字） switch. (Once, at phone width: what JavaScript changes does not depend on it.)"""
from __future__ import annotations

import re

import pytest

from tests.browser.helpers import solve_captcha
from tests.browser.test_citizen_letter import write_letter

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)

OPEN_COLLECTION = "课后服务管理办法"


@pytest.fixture
def page_without_js(new_page):
    # Only Playwright's own locators run in such a page (no page.evaluate, no axe).
    return new_page(java_script_enabled=False)


def test_letter_and_look_up(page_without_js, stored):
    page = page_without_js
    title = "无障碍通道被占用能否处理"
    number, code = write_letter(page, title=title, body="小区无障碍通道经常停放电动车，轮椅无法通过。")
    from interact.letters.models import Letter

    assert stored(lambda db: db.session.scalar(db.select(Letter.title).where(Letter.number == number))) == title

    page.context.clear_cookies()
    page.goto("/letters/lookup")
    page.get_by_role("textbox", name="信件编号", exact=True).fill(number)
    page.get_by_role("textbox", name="查询码", exact=True).fill(code)
    page.get_by_role("button", name="查询").click()
    page.locator("main").get_by_text(title).first.wait_for()
    assert number in page.locator("main").inner_text()


def test_ask_box_vote_and_hand_off(page_without_js, stored):
    page = page_without_js
    page.goto("/faq/ask")
    box = page.get_by_role("textbox", name="输入您的问题")
    box.fill("社保卡丢了怎么补办")
    page.get_by_role("button", name="提问").click()
    result = page.get_by_role("region", name="社保卡丢了怎么补办？")
    result.wait_for()
    assert "补办" in result.inner_text()

    from interact.faq.models import FaqEntry

    def helpful(db):
        return db.session.scalar(db.select(FaqEntry.helpful).where(FaqEntry.question == "社保卡丢了怎么补办？"))

    before = stored(helpful)
    page.get_by_role("button", name="有帮助").click()
    page.get_by_text("感谢您的评价").first.wait_for()
    assert stored(helpful) == before + 1

    # A question the knowledge base cannot answer hands off to the letter form, kept.
    question = "我家楼下的排水沟堵了好几天没人管"
    box = page.get_by_role("textbox", name="输入您的问题")
    box.fill(question)
    page.get_by_role("button", name="提问").click()
    page.get_by_role("link", name="写信咨询这个问题").click()
    page.get_by_role("heading", name="我要写信").wait_for()
    assert page.get_by_role("textbox", name="标题", exact=True).input_value() == question


def test_opinion_and_questionnaire(page_without_js, stored):
    page = page_without_js
    page.goto("/surveys/")
    page.get_by_role("link", name=OPEN_COLLECTION).first.click()

    from interact.surveys.models import Opinion

    text = "建议课后服务时间延长到下午六点，方便双职工家庭。"
    opinion = page.locator("#opinion-form")
    opinion.get_by_role("textbox", name="意见建议").fill(text)
    solve_captcha(page, opinion.get_by_role("textbox", name="验证码"), slot="opinion")
    opinion.get_by_role("button", name="提交意见").click()
    page.get_by_text("您的意见已提交").wait_for()
    assert stored(lambda db: db.session.scalar(db.select(db.func.count(Opinion.id)).where(Opinion.content == text))) == 1

    questionnaire = page.locator("#questionnaire")
    for fieldset in questionnaire.locator("fieldset").all():
        fieldset.locator("label.check").first.click()
    questionnaire.get_by_role("textbox", name="您对课后服务还有哪些建议").fill("希望增加阅读课。")
    solve_captcha(page, questionnaire.get_by_role("textbox", name="验证码"), slot="questionnaire")
    questionnaire.get_by_role("button", name="提交问卷").click()
    page.get_by_text("问卷已提交").wait_for()
    assert page.locator("#questionnaire").get_by_text("已提交", exact=True).is_visible()


def test_large_text_switch(page_without_js):
    page = page_without_js
    page.goto("/surveys/")  # a page without a box: the switch is a plain link
    page.get_by_role("link", name="关怀版（大字）").click()
    page.get_by_role("link", name="标准版").wait_for()
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
    assert re.search(r"/surveys/\??$", page.url), page.url  # back on the page it was switched on
    page.get_by_role("link", name="标准版").click()
    page.get_by_role("link", name="关怀版（大字）").wait_for()
    assert "large-text" not in (page.locator("html").get_attribute("class") or "")
