"""Details a citizen on a phone found wanting (session 10), standard and 关怀版 at 375 px:

- the examples in the question boxes and the 来信选登 keyword box were cut off mid-word
  (例如：公积金怎么提取？社保卡丢…), and the file box of the letter form was drawn in the
  browser's 13.33 px where 关怀版 reads at 20 px (``helpers.layout_problems`` now finds
  both on every page the walks visit);
- the departments' chart of 咨询回复统计 was a 640 px SVG that scrolled sideways, with the
  on-time rates past the right edge and long department names cut to 12 characters;
- an opinion's box said its limit twice, 不超过2000字 under 已输入 0 / 2000 字;
- a long label's required mark (*) wrapped to a line of its own;
- 来信选登 showed five fields before the first letter.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.browser.helpers import assert_accessible, layout_problems

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)

MODES = pytest.mark.parametrize("large_text", [False, True], ids=["standard", "large-text"])


def _large_text_on(page) -> None:
    page.goto("/departments")
    page.locator("header").get_by_role("link", name="关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()


@MODES
def test_examples_in_boxes_and_the_file_box_are_whole_and_legible(page, large_text):
    if large_text:
        _large_text_on(page)
    problems = []
    for path in ("/", "/faq", "/faq/ask", "/faq/search?q=" + quote("社保"), "/letters/", "/letters/new"):
        page.goto(path)
        problems += [f"{path}: {found}" for found in layout_problems(page)
                     if found.startswith(("placeholder cut off", "control text"))]
    assert not problems, "\n".join(problems)


@MODES
def test_every_departments_figures_are_on_screen_in_the_chart(page, large_text):
    if large_text:
        _large_text_on(page)
    page.goto("/letters/stats?month=2026-11")
    width = page.viewport_size["width"]
    chart = page.get_by_role("figure", name=re.compile("各部门来信办理情况$"))
    assert chart.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the chart scrolls sideways"
    rows = page.get_by_role("table", name=re.compile("各部门来信办理情况统计表")).locator("tbody tr")
    assert rows.count() >= 2
    off_screen = []
    for n in range(rows.count()):
        name = rows.nth(n).locator("th").inner_text().strip()
        rate = rows.nth(n).locator("td").nth(4).inner_text().strip()
        item = chart.get_by_role("listitem").filter(has_text=name)
        if item.count() != 1:
            off_screen.append(f"{name}: {item.count()} items in the chart")
            continue
        for text in (name, f"按期答复率 {rate}"):
            box = item.get_by_text(text, exact=True).bounding_box()
            if box is None or box["x"] < 0 or box["x"] + box["width"] > width + 0.5:
                off_screen.append(f"{name}: {text} at {box}")
    assert not off_screen, "not on screen:\n" + "\n".join(off_screen)
    assert layout_problems(page) == []
    assert_accessible(page, context="statistics' departments on a phone")


@MODES
def test_an_opinions_limit_is_said_once_and_counts_what_is_typed(page, stored, large_text):
    from interact.surveys.models import Collection

    collection_id = stored(lambda db: db.session.scalar(
        db.select(Collection.id).where(Collection.title.contains("课后服务管理办法"))))
    if large_text:
        _large_text_on(page)
    page.goto(f"/surveys/{collection_id}")
    field = page.locator("#opinion-form .field").filter(has=page.get_by_role("textbox", name="意见建议"))
    said = field.inner_text()
    assert said.count("2000") == 1, said
    field.get_by_role("textbox", name="意见建议").fill("建议增加科学实验课。")
    assert "不超过 2000 字，已输入 10 字" in field.inner_text()
    # The published opinions' author and time are spaced by the line's gap, without a dot
    # beside the gap (刘** ·    2026-11-29 03:44).
    metas = page.get_by_role("region", name=re.compile("网民意见")).locator(".meta").all_inner_texts()
    assert metas and not [meta for meta in metas if "·" in meta], metas


@MODES
def test_required_marks_stay_beside_their_labels(page, stored, large_text):
    """A long label's * wrapped to a line of its own (4. 您对现有课后服务的满意程度 / *)."""
    from interact.surveys.models import Collection

    collection_id = stored(lambda db: db.session.scalar(
        db.select(Collection.id).where(Collection.title.contains("课后服务管理办法"))))
    if large_text:
        _large_text_on(page)
    problems = []
    for path in (f"/surveys/{collection_id}", "/letters/new", "/register"):
        page.goto(path)
        problems += [f"{path}: {found}" for found in layout_problems(page) if found.startswith("required mark")]
    assert not problems, "\n".join(problems)


@MODES
def test_the_published_letters_begin_on_the_first_screen(page, large_text):
    """来信选登 on a phone opened with five fields one under another (a whole screen in
    关怀版) before the first letter: the conditions other than the keyword are folded under
    更多条件, open when one of them is set."""
    if large_text:
        _large_text_on(page)
    page.goto("/letters/")
    first = page.locator("main .letter-item h2 a").first
    assert first.bounding_box()["y"] + first.bounding_box()["height"] <= page.viewport_size["height"], first.bounding_box()
    assert not page.get_by_role("combobox", name="类别").is_visible()
    page.get_by_text("更多条件", exact=False).click()
    page.get_by_role("combobox", name="类别").select_option(label="咨询")
    page.get_by_role("button", name="按条件搜索").click()
    page.wait_for_url("**kind=consultation**")
    assert page.get_by_role("combobox", name="类别").is_visible()  # open while a condition is set
    assert layout_problems(page) == []
    assert_accessible(page, context="来信选登 with a condition")
