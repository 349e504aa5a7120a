"""Leftovers a citizen found (session 11):

- the answer page's question box was one line: a question of a sentence or two was shown
  back cut off (and scrolled sideways while it was typed); it is now a box of several lines
  that shows the whole question, and Enter still asks;
- on a phone, /faq opened with the lists by category and by department (more than a
  screen) and 热门问题 under them; the popular questions now come first;
- an interview held without guests on record said 嘉宾信息稍后公布 after it had ended.
"""
from __future__ import annotations

import pytest

from tests.browser import given

QUESTION = ("我今年六十岁刚退休，以前在两个城市都交过养老保险，现在想把外地的社保转回本市，"
            "请问公积金怎么提取，需要带哪些材料？")


def _shown_whole(box) -> bool:
    return box.evaluate("el => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1")


def test_the_answer_page_shows_a_long_question_whole_and_enter_asks(page):
    page.goto("/faq/ask")
    box = page.get_by_role("textbox", name="输入您的问题")
    box.fill(QUESTION)
    assert _shown_whole(box), "the question being typed is cut off"
    with page.expect_navigation():
        box.press("Enter")
    page.locator(".faq-result").wait_for()
    box = page.get_by_role("textbox", name="输入您的问题")
    assert box.input_value() == QUESTION
    assert _shown_whole(box), "the question asked is shown cut off on the answer page"
    # The button stays beside (or under) the box, not stretched over several lines.
    button = page.get_by_role("button", name="提问").bounding_box()
    assert button["height"] < 80, button


def test_without_javascript_the_box_keeps_the_question_asked(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/faq/ask")
    page.get_by_role("textbox", name="输入您的问题").fill(QUESTION)
    page.get_by_role("button", name="提问").click()
    page.locator(".faq-result").wait_for()
    box = page.get_by_role("textbox", name="输入您的问题")
    assert box.input_value() == QUESTION
    assert _shown_whole(box)


@pytest.mark.parametrize("width", [375], indirect=True)
def test_popular_questions_come_first_on_a_phone(page):
    page.goto("/faq")
    popular = page.get_by_role("heading", name="热门问题", level=2).bounding_box()
    by_category = page.get_by_role("heading", name="按分类", level=2).bounding_box()
    assert popular["y"] < by_category["y"], (popular, by_category)
    first = page.get_by_role("region", name="热门问题").get_by_role("listitem").first.bounding_box()
    assert first["y"] + first["height"] <= page.viewport_size["height"], "the first popular question is below the first screen"


def test_an_ended_interview_without_guests_does_not_promise_them(page, stored):
    ended = given.ended_interview(stored)
    page.goto(f"/interviews/{ended['id']}")
    guests = page.get_by_role("region", name="访谈嘉宾")
    assert "稍后公布" not in guests.inner_text()
    assert "本期访谈未公布嘉宾信息" in guests.inner_text()
    announced = given.announced_interview(stored)
    page.goto(f"/interviews/{announced['id']}")
    assert "嘉宾信息稍后公布" in page.get_by_role("region", name="访谈嘉宾").inner_text()
