"""A date in a step of a letter's 办理流程 stays on one line (found walking the public pages
in session 9: "已转交市教育局办理，答复期限：2026-" / "12-04。" in 关怀版 at 375 px).

The steps' notes are sentences with dates in them; where the line breaks depends on the
department's name, so the citizen's tracking page is read for letters routed to
departments whose names have 4 to 10 characters, in the standard version and in 关怀版.
"""
from __future__ import annotations

import pytest

from tests.browser.given import routed_letter
from tests.browser.helpers import LAYOUT_PROBLEMS, MIN_TARGET, look_up

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)

DEPARTMENTS = ["市教育局", "市交通运输局", "东城区人民政府", "市市场监督管理局", "市发展和改革委员会", "市住房公积金管理中心"]


def _split_dates(page) -> list[str]:
    page.wait_for_load_state("load")
    return [p for p in page.evaluate(LAYOUT_PROBLEMS, MIN_TARGET) if p.startswith("date split")]


@pytest.mark.parametrize("large_text", [False, True], ids=["standard", "large-text"])
def test_the_dates_of_a_letters_steps_stay_whole(page, stored, large_text):
    letters = [routed_letter(stored, department=name) for name in DEPARTMENTS]
    if large_text:
        page.goto("/departments")
        page.locator("header").get_by_role("link", name="关怀版（大字）", exact=True).click()
        page.locator("header").get_by_text("标准版", exact=True).wait_for()
    found = []
    for name, letter in zip(DEPARTMENTS, letters):
        look_up(page, letter["number"], letter["code"])
        steps = page.get_by_role("list").filter(has_text="答复期限")
        assert name in steps.inner_text()
        found += [f"{name}: {problem}" for problem in _split_dates(page)]
    assert not found, "\n".join(found)
