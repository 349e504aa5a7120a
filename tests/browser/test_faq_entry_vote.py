"""A reader of an FAQ entry page gets no cookie (the page is shared from the page cache; its
vote form carries no session token) and can still vote, once, from the page."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)

QUESTION = "居住证怎么办理？"


def test_read_an_entry_without_a_cookie_then_vote(page, stored):
    from interact.faq.models import FaqEntry

    def entry(db):
        return db.session.execute(db.select(FaqEntry.id, FaqEntry.helpful).where(FaqEntry.question == QUESTION)).one()

    entry_id, before = stored(entry)
    page.goto(f"/faq/{entry_id}")
    page.get_by_role("heading", name=QUESTION).wait_for()
    assert page.context.cookies() == []

    page.get_by_role("button", name="有帮助").click()
    page.get_by_text("感谢您的评价").first.wait_for()
    assert stored(entry)[1] == before + 1
    # Back on the page: it remembers the vote for this browser and offers no second one.
    page.goto(f"/faq/{entry_id}")
    assert page.get_by_role("button", name="有帮助").count() == 0
