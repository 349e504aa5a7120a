"""axe-core on every public page and the main staff pages, at 375 px and 1280 px."""
from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible, login

PUBLIC_PAGES = [
    "/", "/letters/new", "/letters/", "/letters/lookup", "/letters/stats", "/letters/summaries",
    "/surveys/", "/interviews", "/faq", "/faq/ask", "/faq/ask?q=公积金怎么提取", "/faq/search?q=社保",
    "/departments", "/login", "/register",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page(page, path):
    response = page.goto(path)
    assert response.status == 200
    assert_accessible(page)


def _follow_links(page, index_path: str, selector: str, limit: int = 6) -> list[str]:
    page.goto(index_path)
    hrefs = page.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    seen = []
    for href in hrefs:
        if href not in seen:
            seen.append(href)
    return seen[:limit]


@pytest.mark.parametrize("index_path, selector", [
    ("/letters/", "main a[href^='/letters/']:not([href*='new']):not([href*='lookup']):not([href*='stats']):not([href*='summaries'])"),
    ("/letters/summaries", "main a[href^='/letters/summaries/']"),
    ("/surveys/", "main a[href^='/surveys/']"),
    ("/interviews", "main a[href^='/interviews/']"),
    ("/faq", "main a[href^='/faq/']"),
])
def test_public_detail_pages(page, index_path, selector):
    paths = _follow_links(page, index_path, selector)
    assert paths, f"no detail links on {index_path}"
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page, context=path)


STAFF_PAGES = {
    "office": ["/staff/", "/staff/letters/queue", "/staff/letters/review", "/staff/letters/all",
               "/staff/dashboard", "/staff/letters/stats", "/staff/letters/summaries", "/staff/performance",
               "/staff/surveys/", "/staff/interviews", "/staff/inbox", "/staff/audit"],
    "rsj": ["/staff/", "/staff/letters/mine", "/staff/surveys/", "/staff/interviews"],
    "curator": ["/staff/faq", "/staff/faq/unanswered", "/staff/faq/synonyms", "/staff/faq/categories"],
    "admin": ["/staff/users", "/staff/departments", "/staff/calendar", "/staff/jobs"],
}


@pytest.mark.parametrize("account", list(STAFF_PAGES))
def test_staff_pages(page, account):
    login(page, account)
    for path in STAFF_PAGES[account]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page, context=path)
