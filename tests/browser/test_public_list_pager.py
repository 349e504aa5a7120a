"""来信选登's pager in a browser without JavaScript, at phone width: 下一页 and 上一页 are plain
links that say where their page starts, so a link to page 2 keeps showing the same letters
after new ones are published (a page found by number moves by one), and 上一页 back to the
first page goes to the list's own address."""
from __future__ import annotations

import re

import pytest

from tests.browser.given import answered_letter, unique

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)


def _titles(page) -> list[str]:
    return page.locator(".letter-list h2 a").all_inner_texts()


def test_next_and_previous_pages_without_javascript(new_page, stored):
    for _ in range(21):
        answered_letter(stored, title=unique("翻页测试来信"))
    page = new_page(java_script_enabled=False)
    page.goto("/letters/")
    first = _titles(page)
    assert len(first) == 20

    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state("load")
    assert re.search(r"[?&]after=\d+", page.url) and "page=2" in page.url
    assert page.get_by_text(re.compile(r"第 2 / \d+ 页")).is_visible()
    second = _titles(page)
    assert second and not set(second) & set(first)
    link_to_second = page.url

    newest = answered_letter(stored, title=unique("翻页测试新公开来信"))["title"]
    page.goto(link_to_second)
    assert _titles(page) == second  # the shared link still shows the same letters

    page.get_by_role("link", name="上一页").click()
    page.wait_for_load_state("load")
    assert "after=" not in page.url and "before=" not in page.url
    assert _titles(page)[0] == newest and _titles(page)[1:] == first[:19]
