"""G24 in a browser without JavaScript, at phone width: reading the letter form (and its
captcha image) stores no session; the form's CSRF token travels in the signed cookie, and
sending the form works and stores the visitor's session then."""
from __future__ import annotations

import re

import pytest

from tests.browser.test_citizen_letter import write_letter

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)


def _stored_sessions(stored) -> int:
    import sqlalchemy as sa

    from interact.core.models import WebSession

    # Records of sessions (the store also keeps claims of checked captchas, which hold nothing).
    return stored(lambda db: db.session.scalar(
        sa.select(sa.func.count()).select_from(WebSession).where(WebSession.data != "{}")))


def test_reading_the_letter_form_stores_nothing_and_sending_it_works(new_page, stored):
    page = new_page(java_script_enabled=False)
    before = _stored_sessions(stored)
    page.goto("/letters/new")
    page.wait_for_load_state("load")  # the captcha image too
    page.reload()
    page.wait_for_load_state("load")
    assert _stored_sessions(stored) == before
    [cookie] = [c for c in page.context.cookies() if c["name"] == "session"]
    assert cookie["httpOnly"] and not re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie["value"])

    number, code = write_letter(page, title="小区路灯不亮", body="小区东门路灯已坏两周，夜间出行不便。")
    assert re.fullmatch(r"[A-Z]{2}\d{8}-\d{4}", number) and code
    assert _stored_sessions(stored) == before + 1  # the receipt's session, stored at the post
