"""The browser tests' page checks work on a page without JavaScript (citizen's journeys
hung in them): axe awaits timers, and in such a page an evaluation that awaits never ends
(Playwright's ``evaluate`` has no timeout), so axe runs on a copy of the page as it is now
in a page of its own that runs scripts; the layout check reads the page itself."""
from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible, layout_problems, scripts_run

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)


@pytest.mark.parametrize("path", ["/letters/new", "/faq/ask?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1%E4%B8%A2%E4%BA%86"])
def test_a_page_without_javascript_gets_the_same_checks(new_page, path):
    page = new_page(java_script_enabled=False)
    page.goto(path)
    assert not scripts_run(page)
    assert_accessible(page, context=f"{path} without JavaScript")
    assert layout_problems(page) == []


def test_axe_without_javascript_checks_the_page_as_it_is_now(new_page):
    """What the person has done to the page counts, not the address loaded afresh: a
    nameless button added to this page is found."""
    page = new_page(java_script_enabled=False)
    page.goto("/letters/lookup")
    assert_accessible(page)
    page.evaluate("() => { document.querySelector('main form').append(document.createElement('button')); }")
    with pytest.raises(AssertionError, match="button-name"):
        assert_accessible(page)
