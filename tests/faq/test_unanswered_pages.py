"""The unanswered list shows every group (attack H6): it says how many groups there are and
pages through them, and among groups asked as often the most recently asked come first
(before, it stopped at 50 groups in code-point order and said nothing of the rest)."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

from interact.core import clock
from interact.faq import services
from interact.faq.models import AskLog

#: Unrelated questions (distinct characters: text similarity never groups them).
CHARS = [chr(c) for c in range(0x4E00, 0x9FA5, 37)]


def _questions(count: int) -> list[str]:
    rng = random.Random(16)
    return ["".join(rng.sample(CHARS, 8)) for _ in range(count)]


@pytest.fixture
def lexical(app):
    """Group by text similarity (the sentence model finds strings of random characters alike)."""
    app.config["FAQ_SEMANTIC"] = False
    app.extensions.pop("faq_index", None)
    yield
    app.extensions.pop("faq_index", None)


def test_more_than_a_page_of_groups_is_paged_and_counted(client, auth, db, roles, kb, frozen, lexical):
    frozen(2026, 5, 6)
    questions = _questions(54)
    start = clock.now() - timedelta(days=3)
    for n, text in enumerate(questions):  # each asked once, the last one most recently
        db.session.add(AskLog(text=text, answered=False, confidence=0.0, asked_at=start + timedelta(minutes=n)))
    db.session.commit()
    total = len(services.unanswered_clusters(days=7))
    assert total > 50, "the questions should make more than a page of groups"
    assert services.unanswered_clusters(days=7)[0].text == questions[-1]  # most recent first among equals

    auth.login(roles.curator)
    first = client.get("/staff/faq/unanswered?days=7").get_data(as_text=True)
    assert f"共 {total} 组，本页显示第 1–50 组" in first
    assert questions[-1] in first and questions[0] not in first
    assert "下一页" in first
    second = client.get("/staff/faq/unanswered?days=7&page=2").get_data(as_text=True)
    assert f"第 51–{total} 组" in second
    assert questions[0] in second  # the oldest question is not cut off
    assert f'start="51"' in second


def test_an_empty_list_says_so(client, auth, roles, kb):
    auth.login(roles.curator)
    html = client.get("/staff/faq/unanswered").get_data(as_text=True)
    assert "这段时间没有未命中的问题" in html and "共 0 组" not in html
