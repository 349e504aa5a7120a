"""A clerk types a citizen's details into an interview's introduction (访谈简介) and saves
it: the public page shows them hidden, while the clerk's form keeps what was typed (attack
batch 7, H9: the introduction was published as typed)."""
from __future__ import annotations

from tests.browser import given
from tests.browser.helpers import login

INTRODUCTION = "上期网友反映的问题本期答复：家长：穆念慈（手机❶❸❽⓿⓿❶❸❽❸⓿❶），钉钉号 xuanzp88。"


def test_an_introduction_typed_by_a_clerk_is_published_masked(page, stored, new_page):
    interview = given.announced_interview(stored)
    login(page, "rsj")
    page.goto(f"/staff/interviews/{interview['id']}/edit")
    page.get_by_role("textbox", name="访谈简介").fill(INTRODUCTION)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存").first.wait_for()

    public = new_page()
    public.goto(f"/interviews/{interview['id']}")
    intro = public.locator("section[aria-labelledby=intro-title]")
    intro.get_by_text("家长：穆**（手机[电话]），钉钉号 [微信/QQ号]").wait_for()
    shown = intro.inner_text()
    assert "念慈" not in shown and "❶" not in shown and "xuanzp88" not in shown

    page.goto(f"/staff/interviews/{interview['id']}/edit")
    assert "家长：穆念慈" in page.get_by_role("textbox", name="访谈简介").input_value()


def test_a_topic_typed_by_a_clerk_is_published_masked(page, stored, new_page):
    # (attack batch 9: the titles staff write reach the page's heading, its <title> and
    # every list; they pass the same masking as the rest of the staff's text)
    interview = given.announced_interview(stored)
    login(page, "rsj")
    page.goto(f"/staff/interviews/{interview['id']}/edit")
    page.get_by_role("textbox", name="访谈主题").fill("退伍军人岳不群（准考证号 202644030112）反映的就业问题")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存").first.wait_for()

    public = new_page()
    public.goto(f"/interviews/{interview['id']}")
    heading = public.get_by_role("heading", level=1)
    heading.get_by_text("退伍军人岳**（准考证号 [证件号]）反映的就业问题").wait_for()
    assert "不群" not in public.title() and "202644030112" not in public.content()

    page.goto(f"/staff/interviews/{interview['id']}/edit")
    assert "岳不群" in page.get_by_role("textbox", name="访谈主题").input_value()
