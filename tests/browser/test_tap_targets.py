"""Tap targets in the standard version (not 关怀版) on a 375 px phone.

A citizen on a phone and a clerk checking a letter on theirs tap the same links, buttons and
choices as on a desktop: every control outside running text — navigation, pagers, buttons,
list and table links, fields, choices with their labels, summaries — is at least 44 × 44 px
(WCAG 2.5.5; links inside a sentence are exempt, as in 2.5.8). The walk also reports what
else a person at that width would find wrong (``helpers.layout_problems``: sideways
scrolling, cut-off or overlapping text, split dates, focus not shown).

Public pages: every public GET page (``given.public_pages``) and a citizen's own pages.
Staff pages: every page of each role's menu, the forms and detail pages linked from them
(the first item of each kind), and a letter at each desk (to accept, to answer, to review).
Each role's scene is made here, not left by other journeys: the letters at the desks, and
for the curator a published entry of their own with decisions on asked questions (the
decision-model page then lists labelled examples, the entry's page links its public page).
"""
from __future__ import annotations

import re

import pytest

from tests.browser.given import (
    answered_letter,
    curated_entry,
    letter_in_review,
    new_letter,
    public_pages,
    routed_letter,
)
from tests.browser.helpers import layout_problems, login, look_up

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)

#: Pages one step below a menu page, walked once per kind: a detail page or a form.
DETAIL_PAGES = re.compile(
    r"^/staff/(letters/\d+|surveys/(\d+|new)(/opinions|/tallies)?|interviews/(\d+|new)(/console|/questions)?"
    r"|faq/(\d+|new|model|categories|synonyms)|users/(\d+|new)|departments/(\d+|new)|questionnaires/\d+"
    r"|dashboard/\w+|reports/(annual/\d+/records/\w+|monthly/\d{4}-\d{2}))$"
)


def _walk(page, paths: list[str]) -> list[str]:
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response.status in (200, 404), (path, response.status)
        assert "large-text" not in (page.locator("html").get_attribute("class") or ""), path
        problems += [f"{path}: {problem}" for problem in layout_problems(page)]
    return problems


def test_public_pages_at_phone_width(page, stored):
    problems = _walk(page, public_pages(stored))
    assert not problems, "\n".join(problems)


def test_a_citizens_own_pages_at_phone_width(page, stored):
    """The tracking page with its rating form, and a citizen account's pages."""
    letter = answered_letter(stored)
    look_up(page, letter["number"], letter["code"])
    problems = [f"tracking page: {problem}" for problem in layout_problems(page)]
    login(page, "13800000000")
    problems += _walk(page, ["/account", "/account/letters", "/account/password", "/surveys/mine"])
    assert not problems, "\n".join(problems)


def _staff_paths(page) -> list[str]:
    """The account's menu pages, then the first detail page or form of each kind linked
    from them."""
    page.goto("/staff/")
    menu = page.locator(".staff-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    found: dict[str, str] = {}
    for path in menu:
        page.goto(path)
        for href in page.locator("main a[href^='/staff/']").evaluate_all(
                "links => links.map(a => a.getAttribute('href').split('?')[0].split('#')[0])"):
            match = DETAIL_PAGES.match(href)
            if match:
                kind = re.sub(r"\d+", "N", href)
                found.setdefault(kind, href)
    return [*menu, *found.values()]


@pytest.mark.parametrize("account", ["office", "rsj", "curator", "admin"])
def test_staff_work_pages_at_phone_width(page, stored, account):
    scene = []
    if account == "office":
        scene = [f"/staff/letters/{letter['id']}" for letter in (new_letter(stored), letter_in_review(stored))]
    elif account == "rsj":
        scene = [f"/staff/letters/{routed_letter(stored)['id']}"]
    elif account == "curator":
        scene = [f"/staff/faq/{curated_entry(stored)['id']}"]
    login(page, account)
    paths = _staff_paths(page) + scene
    problems = _walk(page, paths)
    assert not problems, f"{account}:\n" + "\n".join(problems)
