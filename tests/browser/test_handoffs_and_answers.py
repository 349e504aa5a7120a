"""The FAQ → letter hand-off keeps the question (defect #12.4); a plain-text answer keeps its
lines for the office and the citizen (defect #12.3)."""
from __future__ import annotations

from urllib.parse import quote

from tests.browser import given
from tests.browser.helpers import assert_accessible, login


def test_faq_hand_off_prefills_the_letter(page):
    question = "小区门口的路灯坏了好几天没人修怎么办"
    page.goto("/faq/ask?q=" + quote(question))
    page.get_by_role("link", name="写信咨询这个问题").click()
    page.get_by_role("heading", name="我要写信").wait_for()
    assert page.get_by_role("textbox", name="标题", exact=True).input_value() == question
    assert_accessible(page, context="letter form from the FAQ hand-off")


def test_plain_text_answer_keeps_its_lines(page, stored):
    letter = given.routed_letter(stored)
    login(page, "rsj")
    page.goto(f"/staff/letters/{letter['id']}")
    lines = ["您好，办理需要以下材料：", "1. 身份证原件；", "2. 社保卡；", "3. 申请表。"]
    page.get_by_role("textbox", name="答复内容").fill("\n".join(lines))
    page.get_by_role("button", name="提交答复（送办公室审核）").click()
    answer = page.locator(".answer-body")
    answer.wait_for()
    # innerText is the text as laid out: each typed line on a line of its own.
    shown = [line.strip() for line in answer.inner_text().splitlines() if line.strip()]
    assert shown == lines, shown

    from interact.letters.models import Letter

    stored_html = stored(lambda db: db.session.get(Letter, letter["id"]).answer_html)
    assert stored_html.count("<br>") == 3, stored_html


def test_large_text_toggle_keeps_a_letter_in_progress(page):
    """Defect #12.5: the toggle reloaded the page and emptied the letter form."""
    page.goto("/letters/new")
    page.get_by_role("textbox", name="标题", exact=True).fill("养老金调整什么时候发放")
    page.get_by_role("textbox", name="内容", exact=True).fill("今年养老金调整后什么时候补发到账？")
    # On a form page the switch is a button of the form (it keeps the text without JavaScript too).
    page.get_by_role("button", name="关怀版（大字）").click()
    page.get_by_role("button", name="标准版").wait_for()
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
    assert page.get_by_role("textbox", name="标题", exact=True).input_value() == "养老金调整什么时候发放"
    assert page.get_by_role("textbox", name="内容", exact=True).input_value() == "今年养老金调整后什么时候补发到账？"
    page.reload()  # the choice is remembered
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
