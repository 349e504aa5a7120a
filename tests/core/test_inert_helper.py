"""The inertness check itself: it must catch what a page's chrome does not excuse."""
from __future__ import annotations

import pytest

from tests.helpers import assert_inert_html

CHROME = ('<html><head><meta charset="utf-8"><link rel="stylesheet" href="/static/css/site.css"></head><body>'
          '<form method="post" action="/logout"></form>{}<script src="/static/js/site.js" defer></script></body></html>')


def test_the_page_chrome_alone_passes():
    assert_inert_html(CHROME.format("<p>ok</p>"), allow_page_chrome=True)


@pytest.mark.parametrize("payload", [
    "<p>ok</p><script>alert(1)</script>",
    '<script src="https://evil.example/x.js"></script>',
    '<script src="/static/js/site.js">alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
])
def test_anything_else_is_reported_even_with_chrome_allowed(payload):
    with pytest.raises(AssertionError):
        assert_inert_html(CHROME.format(payload), allow_page_chrome=True)
    with pytest.raises(AssertionError):
        assert_inert_html(payload)
