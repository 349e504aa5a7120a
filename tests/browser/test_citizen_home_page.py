"""The home page as a citizen sees it, on a phone and on a desk (found walking the public
pages in session 9): its sections look as on their own pages.

The home page loads only the site's style sheet; a section of another module brings its own.
Without them, 正在征集 showed the collection as a bare bulleted item with its department, kind
and dates run together, and the interview card's 我要提问 button touched 更多访谈, its label at
the top of the button on a phone.
"""
from __future__ import annotations

import re

from tests.browser.given import announced_interview, open_collection
from tests.browser.helpers import assert_accessible

#: What makes a list item look like a collection's card: its bullet, frame, ground and room.
LOOK = """item => {
  const s = getComputedStyle(item);
  return {bullet: s.listStyleType, frame: s.borderTopWidth + ' ' + s.borderTopStyle,
          ground: s.backgroundColor, room: s.paddingLeft};
}"""

#: Room above and below the text of a button, in px.
LABEL_ROOM = """button => {
  const range = document.createRange();
  range.selectNodeContents(button);
  const text = range.getBoundingClientRect(), box = button.getBoundingClientRect();
  return {above: text.top - box.top, below: box.bottom - text.bottom};
}"""


def test_the_open_collection_on_the_home_page_looks_as_on_the_collections_page(page, stored):
    open_collection(stored, opinions=[])  # one at least
    page.goto("/surveys/?phase=open")
    on_its_page = page.locator("main").get_by_role("listitem").filter(has=page.get_by_role("heading")).first.evaluate(LOOK)
    page.goto("/")
    on_home = page.get_by_role("region", name="正在征集").get_by_role("listitem").first.evaluate(LOOK)
    assert on_home == on_its_page
    assert on_its_page["bullet"] == "none" and on_its_page["frame"] != "0px none"


def test_the_interview_cards_button_stands_apart_from_its_link(page, stored):
    announced_interview(stored)
    page.goto("/")
    card = page.get_by_role("region", name=re.compile("^在线访谈"))  # 预告, or 正在直播 if one is live
    button = card.get_by_role("link", name=re.compile("^(我要提问|进入直播间)$"))
    more = card.get_by_role("link", name="更多访谈", exact=True)
    ask, other = button.bounding_box(), more.bounding_box()
    side_by_side = other["y"] < ask["y"] + ask["height"] and ask["y"] < other["y"] + other["height"]
    gap = other["x"] - (ask["x"] + ask["width"]) if side_by_side else other["y"] - (ask["y"] + ask["height"])
    assert gap >= 8, f"我要提问 and 更多访谈 are {gap:.1f} px apart"
    room = button.evaluate(LABEL_ROOM)
    assert abs(room["above"] - room["below"]) <= 3, f"the button's label is not in its middle: {room}"
    assert_accessible(page, context="home page")
