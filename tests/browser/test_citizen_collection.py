"""A citizen gives an opinion and answers the questionnaire of an open collection (one page,
two forms with a captcha each); afterwards the page says the questionnaire was answered
instead of offering it again (defect #12.8)."""
from __future__ import annotations

from tests.browser.helpers import assert_accessible, solve_captcha

OPEN_COLLECTION = "课后服务管理办法"


def _responses(stored, title):
    from interact.questionnaires.models import Response
    from interact.surveys.models import Collection

    def count(db):
        collection = db.session.scalar(db.select(Collection).where(Collection.title.contains(title)))
        return db.session.scalar(db.select(db.func.count(Response.id))
                                 .where(Response.questionnaire_id == collection.questionnaire.id))

    return stored(count)


def test_opinion_and_questionnaire_on_one_page(page, stored):
    page.goto("/surveys/")
    page.get_by_role("link", name=OPEN_COLLECTION).first.click()
    assert_accessible(page, context="open collection")

    opinion = page.locator("#opinion-form")
    opinion.get_by_role("textbox", name="意见建议").fill("建议课后服务增加编程和科学实验课程。")
    # Both forms show a captcha; the opinion's own image must be the one that counts.
    solve_captcha(page, opinion.get_by_role("textbox", name="验证码"), slot="opinion")
    opinion.get_by_role("button", name="提交意见").click()
    page.get_by_text("您的意见已提交").wait_for()

    before = _responses(stored, OPEN_COLLECTION)
    questionnaire = page.locator("#questionnaire")
    for fieldset in questionnaire.locator("fieldset").all():
        fieldset.locator("label.check").first.click()
    questionnaire.get_by_role("textbox", name="您对课后服务还有哪些建议").fill("希望增加篮球课。")
    solve_captcha(page, questionnaire.get_by_role("textbox", name="验证码"), slot="questionnaire")
    questionnaire.get_by_role("button", name="提交问卷").click()
    page.get_by_text("问卷已提交").wait_for()
    assert _responses(stored, OPEN_COLLECTION) == before + 1

    # The questionnaire is not offered again to this browser.
    page.reload()
    questionnaire = page.locator("#questionnaire")
    assert questionnaire.get_by_text("已经在本设备上提交过这份问卷").is_visible()
    assert questionnaire.get_by_role("button", name="提交问卷").count() == 0
    assert_accessible(page, context="collection after answering")
