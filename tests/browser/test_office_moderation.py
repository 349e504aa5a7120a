"""The office moderates what citizens post: interview questions (one approved and shown on
the public page, one refused with a reason) and opinions on an open collection."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login, shows


def _question_statuses(stored, ids):
    from interact.interviews.models import InterviewQuestion

    return stored(lambda db: [(q.status.value, q.reject_reason)
                              for q in (db.session.get(InterviewQuestion, i) for i in ids)])


def test_office_approves_one_question_and_refuses_another(page, stored, new_page):
    interview = given.announced_interview(stored)
    good, off_topic = "退休后养老金每年什么时候调整？", "我家楼下的路灯坏了谁来修？"
    ids = given.asked_questions(stored, interview, [good, off_topic])

    login(page, "office")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="在线访谈").click()
    page.get_by_role("link", name=interview["topic"]).click()
    page.get_by_role("link", name="提问审核").click()
    page.get_by_role("heading", name="提问审核").wait_for()
    assert_accessible(page, context="questions to moderate")

    # Each question's item (the merge list of the other one quotes it too).
    page.locator("li", has=page.get_by_text(good, exact=True)).get_by_role("button", name="通过", exact=True).click()
    shows(page, "已通过，问题已公开。")
    refused = page.locator("li", has=page.get_by_text(off_topic, exact=True))
    refused.get_by_role("textbox", name="不通过原因").fill("与本期访谈主题无关，请通过来信反映。")
    refused.get_by_role("button", name="不通过", exact=True).click()
    shows(page, "已设为不通过。")
    assert _question_statuses(stored, ids) == [("approved", ""), ("rejected", "与本期访谈主题无关，请通过来信反映。")]

    page.get_by_role("link", name="未通过").click()
    expect(page.locator("main")).to_contain_text("不通过原因：与本期访谈主题无关")

    citizen = new_page()
    citizen.goto(f"/interviews/{interview['id']}")
    questions = citizen.get_by_role("region", name="网友提问")
    expect(questions).to_contain_text(good)
    expect(questions).not_to_contain_text(off_topic)


def _opinions(stored, collection_id):
    from interact.surveys.models import Opinion

    return stored(lambda db: sorted((o.content, o.moderation.value, o.moderation_note or "") for o in
                                    db.session.scalars(db.select(Opinion).where(Opinion.collection_id == collection_id))))


def test_office_moderates_opinions_of_an_open_collection(page, stored, new_page):
    useful, advert = "建议社保经办大厅延长午间服务时间。", "低价代办社保，加微信咨询。"
    collection = given.open_collection(stored, opinions=[useful, advert])

    login(page, "office")
    page.goto(f"/staff/surveys/{collection['id']}/opinions")
    assert_accessible(page, context="opinions of an open collection")
    page.locator("li", has_text=useful).get_by_role("button", name="审核通过").click()
    shows(page, "已审核通过。")
    spam = page.locator("li", has_text=advert)
    spam.get_by_role("textbox", name="无效原因").fill("广告信息")
    spam.get_by_role("button", name="标记无效").click()
    shows(page, "已标记为无效意见。")
    assert _opinions(stored, collection["id"]) == sorted([(useful, "approved", ""), (advert, "rejected", "广告信息")])

    citizen = new_page()
    citizen.goto(f"/surveys/{collection['id']}")
    main = citizen.locator("main")
    expect(main).to_contain_text(useful)
    expect(main).not_to_contain_text(advert)
