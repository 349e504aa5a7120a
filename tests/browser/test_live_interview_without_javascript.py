"""The live interview page without JavaScript stays put (polish left by #12): it used to
reload itself every 30 s (a ``<noscript>`` meta refresh), wiping a question being typed and
throwing a screen reader back to the top. Now it never reloads by itself; 刷新实录, a button
of the question form (as 关怀版 is), shows it again with the question as typed, opened at
the first entry posted since the reader's copy, each new entry marked 新, or at the end of
the transcript when nothing is new. With JavaScript entries still appear by themselves
(``test_handler_interview.py``), and the page says so instead.
"""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, solve_captcha

#: The old page reloaded itself after this many seconds.
OLD_REFRESH_SECONDS = 30


@pytest.fixture
def page_without_js(new_page):
    return new_page(java_script_enabled=False)


def _go_live(stored, interview: dict) -> None:
    from interact.accounts.models import User
    from interact.interviews import services, workflow
    from interact.interviews.models import InterviewStatus

    def change(db):
        handler = db.session.scalar(db.select(User).where(User.username == "rsj"))
        workflow.transition(services.get_interview(interview["id"]), InterviewStatus.LIVE, handler)
        db.session.commit()

    stored.write(change)


def _post(stored, interview: dict, body: str) -> int:
    """The host posts ``body`` from the console (as ``test_handler_interview`` does in the browser)."""
    from interact.accounts.models import User
    from interact.interviews import services

    def change(db):
        handler = db.session.scalar(db.select(User).where(User.username == "rsj"))
        entry = services.post_entry(services.get_interview(interview["id"]), speaker="host", body=body, actor=handler)
        db.session.commit()
        return entry.id

    return stored.write(change)


def test_without_javascript_the_live_page_keeps_a_question_being_typed_and_refreshes_on_request(
        page_without_js, stored):
    interview = given.announced_interview(stored)
    _go_live(stored, interview)
    opening = _post(stored, interview, "各位网友大家好，欢迎收看本期在线访谈。")
    page = page_without_js
    loads = []
    # Pages shown (GET): 刷新实录 posts the form, whose answer is a redirect to the page.
    page.on("request", lambda r: r.is_navigation_request() and r.method == "GET"
            and f"/interviews/{interview['id']}" in r.url and loads.append(r.url))
    page.goto(f"/interviews/{interview['id']}")
    opened_at = time.monotonic()

    # The citizen starts typing a question while the host goes on.
    question = "灵活就业人员断缴后还能补缴养老保险吗？"
    page.get_by_role("textbox", name="您的问题").fill(question)
    page.get_by_role("textbox", name="您的问题").press("End")
    answer_one = _post(stored, interview, "关于灵活就业人员参保，我们先请嘉宾介绍一下今年的新政策。")
    answer_two = _post(stored, interview, "今年起灵活就业人员可以在户籍地或居住地参保。")
    page.wait_for_timeout(max(0.0, OLD_REFRESH_SECONDS + 2 - (time.monotonic() - opened_at)) * 1000)

    # Longer than the old refresh: still the same page, the question as typed, focus kept.
    assert len(loads) == 1, loads
    assert page.get_by_role("textbox", name="您的问题").input_value() == question
    expect(page.get_by_role("textbox", name="您的问题")).to_be_focused()
    assert page.locator(f"#entry-{answer_one}").count() == 0  # not shown until asked for
    note = page.locator("[data-feed-status]")
    assert "本页不会自动刷新" in note.inner_text()

    # 刷新实录: the page again with the question as typed, opened at the first new entry;
    # the new ones are marked 新.
    note.get_by_role("button", name="刷新实录").click()
    first_new = page.locator(f"#entry-{answer_one}")
    first_new.wait_for()
    assert page.url.endswith("#transcript-new"), page.url
    assert _in_view(page, first_new)
    assert first_new.get_by_text("新", exact=True).count() == 1
    assert page.locator(f"#entry-{answer_two}").get_by_text("新", exact=True).count() == 1
    assert page.locator(f"#entry-{opening}").get_by_text("新", exact=True).count() == 0
    assert page.get_by_role("textbox", name="您的问题").input_value() == question
    assert page.locator(".flash-error, main [aria-invalid=true]").count() == 0

    # Nothing new since: the button at the end of the transcript opens the page there.
    page.locator(".iv-refresh").get_by_role("button", name="刷新实录").click()
    page.locator(".iv-refresh").get_by_text("以上是截至").wait_for()
    assert page.locator("[role=log]").get_by_text("新", exact=True).count() == 0
    assert _in_view(page, page.locator(".iv-refresh"))
    assert len(loads) == 3, loads  # each 刷新实录 really loaded the page

    # The question, typed all along, is sent as usual.
    assert page.get_by_role("textbox", name="您的问题").input_value() == question
    solve_captcha(page)
    page.get_by_role("button", name="提交问题").click()
    page.get_by_text("提问已提交").wait_for()

    from interact.interviews.models import InterviewQuestion

    assert stored(lambda db: db.session.scalar(db.select(db.func.count(InterviewQuestion.id)).where(
        InterviewQuestion.interview_id == interview["id"], InterviewQuestion.body == question))) == 1


def _in_view(page, locator, seconds: float = 10) -> bool:
    """Whether ``locator``'s top comes inside the window once the page has loaded (no script:
    from its bounding box). The browser scrolls to the address's #fragment when the page has
    loaded, which on a loaded machine comes after the element is there: looked at until then."""
    page.wait_for_load_state("load")
    deadline = time.monotonic() + seconds
    while True:
        box = locator.bounding_box()
        if box is not None and 0 <= box["y"] < page.viewport_size["height"]:
            return True
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(100)


def test_with_javascript_the_live_page_says_it_updates_itself(page, stored):
    interview = given.announced_interview(stored)
    _go_live(stored, interview)
    page.goto(f"/interviews/{interview['id']}")
    note = page.locator("[data-feed-status]")
    note.get_by_text("正在直播，新内容会自动显示。").wait_for()
    assert page.locator(".iv-refresh").is_hidden()
    assert note.get_by_role("button", name="刷新实录").count() == 0
    assert_accessible(page, context="live interview page")
    body = "请嘉宾介绍一下今年养老金调整的情况。"
    entry = _post(stored, interview, body)
    page.locator(f"#entry-{entry}").get_by_text(body).wait_for(timeout=30_000)
