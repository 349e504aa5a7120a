"""关怀版（大字） on every public page at phone width (375 px), as an older citizen reads it:

- the page does not scroll sideways (a wide table or chart scrolls inside its own box);
- no text is cut off by a box too small for it, and no two pieces of text overlap;
- every control a finger taps (links outside running text, buttons, fields, choices) is at
  least 44 × 44 px (links inside a sentence are exempt, as in WCAG 2.5.8);
- Tab shows where the focus is at every stop (outline or box shadow);
- axe finds no serious or critical violation;
- the switch keeps what was typed in the look-up form, with and without JavaScript (the
  letter, opinion, questionnaire, interview and question boxes: test_citizen_forms_kept.py
  and test_citizen_ask_box_kept.py), and in the rating form of an answered letter.

Every public GET page of the URL map is walked here (``given.public_pages``); the measures
are ``helpers.layout_problems``. The standard version at 375 px: test_tap_targets.py.
"""
from __future__ import annotations

import pytest

from tests.browser.given import answered_letter, new_letter, public_pages
from tests.browser.helpers import assert_accessible, layout_problems, login, look_up, solve_captcha

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)


def _large_text_on(page) -> None:
    page.goto("/departments")  # a page whose switch is a plain link
    page.locator("header").get_by_role("link", name="关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()


def _walk(page, paths: list[str]) -> None:
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response.status in (200, 404), (path, response.status)
        assert "large-text" in (page.locator("html").get_attribute("class") or ""), path
        found = layout_problems(page)
        problems += [f"{path}: {problem}" for problem in found]
        assert_accessible(page, context=f"{path} in 关怀版")
    assert not problems, "\n".join(problems)


def test_every_public_page_in_large_text(page, stored):
    paths = public_pages(stored)
    _large_text_on(page)
    _walk(page, paths)


def test_a_citizens_own_pages_in_large_text(page, stored):
    """The receipt, the tracking page with the rating form, and a citizen account's pages."""
    letter = answered_letter(stored)
    _large_text_on(page)
    page.goto("/letters/new")
    page.get_by_role("textbox", name="标题", exact=True).fill("小区路灯坏了请帮忙修理")
    page.get_by_role("textbox", name="内容", exact=True).fill("小区门口的路灯坏了一个多月，晚上老人出门不方便。")
    page.get_by_role("textbox", name="姓名", exact=True).fill("孙奶奶")
    page.get_by_role("textbox", name="手机号码", exact=True).fill("13912345672")
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
    problems = layout_problems(page)
    assert not problems, "receipt:\n" + "\n".join(problems)
    assert_accessible(page, context="receipt in 关怀版")
    look_up(page, letter["number"], letter["code"])
    problems = layout_problems(page)
    assert not problems, "tracking page:\n" + "\n".join(problems)
    assert_accessible(page, context="tracking page in 关怀版")
    login(page, "13800000000")
    _walk(page, ["/account", "/account/letters", "/account/password", "/surveys/mine"])


# --- the switch keeps what was typed --------------------------------------------------------


def _large(page) -> bool:
    return "large-text" in (page.locator("html").get_attribute("class") or "")


def _lookup_boxes(page):
    return (page.get_by_role("textbox", name="信件编号", exact=True),
            page.get_by_role("textbox", name="查询码", exact=True))


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_large_text_keeps_the_typed_number_and_code_of_the_look_up(new_page, stored, javascript):
    letter = new_letter(stored)
    page = new_page(java_script_enabled=javascript)
    page.goto("/letters/lookup")
    number, code = _lookup_boxes(page)
    number.fill(letter["number"])
    code.fill(letter["code"])
    page.locator("header").get_by_text("关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()
    assert _large(page)
    number, code = _lookup_boxes(page)
    assert number.input_value() == letter["number"] and code.input_value() == letter["code"]
    assert page.locator(".flash-error, main .has-error").count() == 0  # nothing was checked
    assert "办理流程" not in page.locator("main").inner_text()         # nor looked up
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="办理流程").wait_for()
    assert _large(page)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_large_text_keeps_the_rating_being_written(new_page, stored, javascript):
    from interact.letters.models import Letter

    letter = answered_letter(stored)
    page = new_page(java_script_enabled=javascript)
    look_up(page, letter["number"], letter["code"])
    page.get_by_role("radio", name="基本满意").check()
    page.get_by_role("textbox", name="评价意见（选填）").fill("答复清楚，就是等得久了点。")
    page.locator("header").get_by_text("关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()
    assert _large(page)
    assert page.get_by_role("radio", name="基本满意").is_checked()
    assert page.get_by_role("textbox", name="评价意见（选填）").input_value() == "答复清楚，就是等得久了点。"
    assert stored(lambda db: db.session.get(Letter, letter["id"]).rating) is None
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价").first.wait_for()
    assert stored(lambda db: db.session.get(Letter, letter["id"]).rating_comment) == "答复清楚，就是等得久了点。"
