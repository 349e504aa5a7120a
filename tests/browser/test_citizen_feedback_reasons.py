"""A collection's result feedback with many opinions not adopted (session 14): the reasons
came all on one page, each opinion masked at every view (5.4 s of a cold worker at 1,410
opinions, a long page on a phone). They now come 30 a page, partly adopted first; a reader
turns the page with the keyboard and lands on the reasons again."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible


def _published_feedback(stored, count: int) -> dict:
    from interact.surveys import services
    from interact.surveys.models import Adoption

    collection = given.ended_collection(stored, opinions=[f"第{n + 1}条意见：建议延长社保窗口服务时间。"
                                                          for n in range(count)])

    def decide(db):
        handler, office = given._user(db, "rsj"), given._user(db, "office")
        found = services.get_collection(collection["id"])
        for n, opinion in enumerate(services.staff_opinions(found)):
            services.moderate_opinion(opinion, True, actor=handler)
            services.record_adoption(opinion, Adoption.NOT_ADOPTED, f"理由{n + 1}：超出本次征集范围",
                                     actor=handler)
        services.save_feedback(found, "<p>感谢参与，意见已研究。</p>", "", actor=handler)
        services.submit_feedback(found, actor=handler)
        services.publish_feedback(found, actor=office)
        db.session.commit()

    stored.write(decide)
    return collection


def test_the_reasons_come_a_page_at_a_time(page, stored):
    collection = _published_feedback(stored, 32)
    page.goto(f"/surveys/{collection['id']}/results")
    reasons = page.locator("#reasons")
    expect(reasons.locator("tbody tr")).to_have_count(30)
    expect(reasons).to_contain_text("第 1 / 2 页，共 32 条")
    next_page = reasons.get_by_role("link", name="下一页")
    next_page.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2#reasons")
    expect(reasons.locator("tbody tr")).to_have_count(2)
    expect(reasons.get_by_role("link", name="上一页")).to_be_visible()
    assert_accessible(page, context="results, second page of reasons")
