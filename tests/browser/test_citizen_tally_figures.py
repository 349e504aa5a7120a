"""A collection's result feedback on a phone shows each option's figures (found walking the
public pages in session 9): the questionnaire's bars were an SVG drawn at a width of its
own, so at 375 px — standard and 关怀版 — the counts after the bars were past the right edge
of a box scrolled sideways, and the citizen saw bars without numbers.

Every figure of the data table (查看数据表) must be on screen beside its option's bar."""
from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible, layout_problems


def _results_page(stored) -> str:
    from interact.surveys.models import Collection

    collection_id = stored(lambda db: db.session.scalar(
        db.select(Collection.id).where(Collection.title.contains("跨省通办"),
                                       Collection.feedback_published_at.is_not(None))))
    assert collection_id, "the demo's collection with a published feedback"
    return f"/surveys/{collection_id}/results"


@pytest.mark.parametrize("large_text", [False, True], ids=["standard", "large-text"])
def test_each_options_figures_are_on_screen(page, stored, large_text):
    path = _results_page(stored)
    if large_text:
        page.goto("/departments")
        page.locator("header").get_by_role("link", name="关怀版（大字）", exact=True).click()
        page.locator("header").get_by_text("标准版", exact=True).wait_for()
    page.goto(path)
    width = page.viewport_size["width"]
    tables = page.locator("main").get_by_text("查看数据表", exact=True)
    assert tables.count() >= 3
    off_screen = []
    for n in range(tables.count()):
        tables.nth(n).click()
        tally = tables.nth(n).locator("xpath=ancestor::section[1]")  # the question's
        rows = tally.get_by_role("table").locator("tbody tr")
        assert rows.count() >= 2
        for r in range(rows.count()):
            option, count, share = (cell.strip() for cell in rows.nth(r).locator("td").all_inner_texts())
            shown = tally.get_by_text(f"{count}（{share}）", exact=True).all()  # two options may share it
            boxes = [figure.bounding_box() for figure in shown]
            if not boxes or any(box is None or box["x"] < 0 or box["x"] + box["width"] > width + 0.5 for box in boxes):
                off_screen.append(f"{option}: {count}（{share}）at {boxes}")
    assert not off_screen, "figures not on screen:\n" + "\n".join(off_screen)
    if width < 600:
        assert layout_problems(page) == []
    assert_accessible(page, context="result feedback")
