"""The intelligent-answer box keeps the question typed in it when a citizen switches
关怀版（大字） (polish left by #12, as B5 did for the letter and opinion forms).

Without JavaScript the header's switch of a page with a question box (the home page, the
answer page, the FAQ home and its search) is a button of that box's form, sent to the page
itself: the page comes back in the chosen size with the box as typed. Nothing is asked on
the way (the question log gets no row for it); an answer already on the screen stays there.
With JavaScript the switch works in place.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.browser.given import unique


@pytest.fixture
def page_without_js(new_page):
    return new_page(java_script_enabled=False)


def _large(page) -> bool:
    return "large-text" in (page.locator("html").get_attribute("class") or "")


def _switch(page, to: str) -> None:
    """Press the header's switch (关怀版（大字） or 标准版) and wait for the other one."""
    other = "标准版" if to == "关怀版（大字）" else "关怀版（大字）"
    page.locator("header").get_by_text(to, exact=True).click()
    page.locator("header").get_by_text(other, exact=True).wait_for()
    assert _large(page) == (to == "关怀版（大字）")


def _logged(stored, marker: str) -> int:
    from interact.faq.models import AskLog

    return stored(lambda db: db.session.scalar(
        db.select(db.func.count(AskLog.id)).where(AskLog.text.contains(marker))))


def _wait_logged(page, stored, marker: str, at_least: int) -> int:
    """The question log is kept in memory and written by the next request that comes at least
    DEFERRED_WRITE_SECONDS (2) after the last write: keep visiting a page while waiting, as
    other citizens' visits would."""
    deadline = time.monotonic() + 20
    while _logged(stored, marker) < at_least and time.monotonic() < deadline:
        time.sleep(0.5)
        page.request.get("/faq")
    return _logged(stored, marker)


def test_without_javascript_the_question_box_keeps_the_question(page_without_js, stored):
    page = page_without_js
    marker = unique("住房公积金退休提取")
    question = f"{marker}需要什么材料"

    # The home page: typed, not yet asked, then 关怀版.
    page.goto("/")
    box = page.get_by_role("searchbox", name="输入您的问题")
    box.fill(question)
    _switch(page, "关怀版（大字）")
    assert urlsplit(page.url).path == "/", page.url  # still on the home page
    assert page.get_by_role("searchbox", name="输入您的问题").input_value() == question
    assert page.locator(".faq-result").count() == 0

    # Asked from there: the answer page, in large text.
    page.get_by_role("button", name="智能问答").click()
    result = page.locator(".faq-result")
    result.wait_for()
    answer_heading = result.get_by_role("heading", level=2).inner_text()
    assert _large(page)

    # Back to standard text on the answer page: the answer and the question stay.
    _switch(page, "标准版")
    assert page.get_by_role("textbox", name="输入您的问题").input_value() == question
    assert page.locator(".faq-result").get_by_role("heading", level=2).inner_text() == answer_heading

    # A new question typed but not asked survives the switch too.
    second = f"{marker}可以委托别人办吗"
    page.get_by_role("textbox", name="输入您的问题").fill(second)
    _switch(page, "关怀版（大字）")
    assert page.get_by_role("textbox", name="输入您的问题").input_value() == second
    _switch(page, "标准版")

    # Only the one question the citizen asked reached the question log: the switches asked nothing.
    assert _wait_logged(page, stored, marker, 1) == 1
    time.sleep(2.5)
    page.request.get("/faq")  # a switch logged by mistake would be written by this request
    assert _logged(stored, marker) == 1


def test_without_javascript_the_faq_search_box_keeps_the_text(page_without_js):
    page = page_without_js
    page.goto("/faq")
    words = "社保卡补办"
    page.get_by_role("searchbox", name="搜索常见问题").fill(words)
    _switch(page, "关怀版（大字）")
    assert urlsplit(page.url).path == "/faq", page.url
    assert page.get_by_role("searchbox", name="搜索常见问题").input_value() == words
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("heading", name=f"“{words}”的搜索结果").wait_for()
    assert _large(page)
    page.get_by_role("searchbox", name="搜索常见问题").fill("公积金")
    _switch(page, "标准版")
    assert page.get_by_role("searchbox", name="搜索常见问题").input_value() == "公积金"


def test_with_javascript_the_switch_keeps_the_question_in_place(page):
    page.goto("/faq/ask")
    box = page.get_by_role("textbox", name="输入您的问题")
    box.fill("公积金怎么提取")
    url = page.url
    _switch(page, "关怀版（大字）")
    assert page.url == url  # switched in place, no new page
    assert box.input_value() == "公积金怎么提取"
    page.reload()
    assert _large(page)  # remembered
    _switch(page, "标准版")
