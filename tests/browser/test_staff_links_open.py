"""A link on a staff page opens for the person who sees it (attack, Batch 5: the city-wide
curator saw 来源 来信 #N as a link on an FAQ entry made from a letter and got 403)."""
from __future__ import annotations

import re

from tests.browser import given
from tests.browser.helpers import login


def test_faq_entry_from_a_letter_links_the_letter_only_for_who_may_open_it(page, new_page, stored):
    letter = given.answered_letter(stored, title=given.unique("住房公积金提取进度咨询"))
    office = new_page()
    login(office, "office")
    office.goto(f"/staff/letters/{letter['id']}")
    office.get_by_role("button", name="转为常见问题").click()
    entry_id = stored(lambda db: _entry_of(db, letter["id"]))
    office.goto(f"/staff/faq/{entry_id}")
    source = office.get_by_role("link", name=f"来信 #{letter['id']}")
    source.click()
    assert re.search(rf"/staff/letters/{letter['id']}$", office.url)
    assert office.get_by_role("heading", level=1).inner_text()  # the letter page, not an error

    login(page, "curator")
    page.goto(f"/staff/faq/{entry_id}")
    assert page.get_by_text(f"来信 #{letter['id']}", exact=True).is_visible()
    assert page.get_by_role("link", name=f"来信 #{letter['id']}").count() == 0


def _entry_of(db, letter_id: int) -> int:
    from interact.faq.models import FaqEntry

    return db.session.scalar(db.select(FaqEntry.id).where(FaqEntry.source_letter_id == letter_id))
