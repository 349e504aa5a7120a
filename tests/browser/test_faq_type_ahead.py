"""The intelligent-answer box suggests questions while a citizen types (static/js/faq.js):
the suggestions are fetched without the visitor's cookies — they are the same for everyone,
so the browser, a proxy and the server's page store can reuse them — and typing is never
logged for the curators."""
from __future__ import annotations

import re

from tests.browser.given import unique


def _logged(stored, marker: str) -> int:
    from interact.faq.models import AskLog

    return stored(lambda db: db.session.scalar(
        db.select(db.func.count(AskLog.id)).where(AskLog.text.contains(marker))))


def test_suggestions_while_typing_carry_no_cookie_and_are_not_logged(page, width, stored):
    page.goto("/letters/new")  # a visitor who opened a form has a session cookie
    assert page.context.cookies(), "the form gave this visitor a cookie"
    sent = []
    page.on("request", lambda r: "/api/v1/faq/answer" in r.url and sent.append(r))
    page.goto("/faq/ask")
    marker = unique("测试标记")
    box = page.get_by_label("输入您的问题")
    box.press_sequentially("社保卡丢了怎么补", delay=30)
    suggestion = page.get_by_role("link", name=re.compile("^社保卡丢了怎么补办？"))
    suggestion.first.wait_for()
    assert page.get_by_text("您可能想问").is_visible()
    assert sent, "the box asked the API"
    for request in sent:
        assert "suggest=1" in request.url
        assert "cookie" not in request.all_headers(), request.url
    response = sent[-1].response()
    assert response is not None and response.headers.get("cache-control", "").startswith("public")
    # What was typed is not a question asked: nothing for the curators' list.
    box.fill(f"社保卡{marker}")
    page.wait_for_timeout(600)
    assert _logged(stored, marker) == 0
