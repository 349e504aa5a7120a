"""A popular interview's questions a page at a time (attack N6), as a reader meets them on
a phone and a desk, without JavaScript: 下一页 goes on numbering, and the question form sent
from page 2 (here its 关怀版 button) comes back to page 2 with the question as typed."""
from __future__ import annotations

import pytest

from tests.browser import given
from tests.browser.helpers import assert_accessible


@pytest.fixture
def page_without_js(new_page):
    return new_page(java_script_enabled=False)


def _approved_questions(stored, interview: dict, count: int) -> None:
    from interact.accounts.models import User
    from interact.interviews import services, workflow
    from interact.interviews.models import InterviewStatus

    def change(db):
        handler = db.session.scalar(db.select(User).where(User.username == "rsj"))
        record = services.get_interview(interview["id"])
        workflow.transition(record, InterviewStatus.LIVE, handler)
        for n in range(count):
            question = services.submit_question(record, nickname=f"网友{n + 1}", body=f"第{n + 1}个问题：灵活就业怎么参保？")
            services.approve_question(question, actor=handler)
        db.session.commit()

    stored.write(change)


def test_questions_come_a_page_at_a_time_and_the_form_keeps_the_page(page_without_js, stored):
    from interact.interviews.services import QUESTIONS_PER_PAGE

    interview = given.announced_interview(stored)
    _approved_questions(stored, interview, QUESTIONS_PER_PAGE + 2)
    page = page_without_js
    page.goto(f"/interviews/{interview['id']}")
    questions = page.locator(".iv-questions > li")
    assert questions.count() == QUESTIONS_PER_PAGE
    assert page.get_by_text(f"第 1 / 2 页，共 {QUESTIONS_PER_PAGE + 2} 条").is_visible()

    page.get_by_role("navigation", name="网友提问分页").get_by_role("link", name="下一页").click()
    assert page.url.endswith("page=2#questions-title"), page.url
    assert questions.count() == 2
    assert page.get_by_text(f"第{QUESTIONS_PER_PAGE + 1}个问题").is_visible()
    assert page.locator(".iv-questions").get_attribute("start") == str(QUESTIONS_PER_PAGE + 1)
    assert_accessible(page)

    # Typing a question on page 2 and switching to 关怀版 keeps both.
    page.get_by_role("textbox", name="您的问题").fill("第二页上写的问题")
    page.get_by_role("banner").get_by_role("button", name="关怀版（大字）").click()
    page.wait_for_load_state()
    assert "page=2" in page.url, page.url
    assert page.get_by_role("textbox", name="您的问题").input_value() == "第二页上写的问题"
    assert questions.count() == 2
