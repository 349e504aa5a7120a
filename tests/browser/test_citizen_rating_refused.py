"""A rating sent without a choice, as a hurried citizen does it: the tracking page comes back
(its own address, not the form's POST-only one) saying what is missing, with the comment as
typed; reloading it sends nothing again and keeps the comment; choosing a rating then sends
it. With and without JavaScript."""
from __future__ import annotations

import pytest

from tests.browser.given import answered_letter
from tests.browser.helpers import look_up, shows

COMMENT = "答复里说的窗口在哪里？希望写清楚地址。"


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_refused_rating_keeps_the_comment_and_survives_a_reload(new_page, stored, javascript):
    from interact.letters.models import Letter, LetterRating

    letter = answered_letter(stored)
    page = new_page(java_script_enabled=javascript)
    look_up(page, letter["number"], letter["code"])
    track_url = page.url
    page.get_by_role("textbox", name="评价意见（选填）").fill(COMMENT)
    page.get_by_role("button", name="提交评价").click()
    shows(page, "请选择评价")
    assert page.url == track_url  # the page's own address: a reload is a plain GET
    assert page.get_by_role("textbox", name="评价意见（选填）").input_value() == COMMENT

    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    response = page.reload()
    assert response.status == 200 and posts == []
    assert page.get_by_role("textbox", name="评价意见（选填）").input_value() == COMMENT
    assert stored(lambda db: db.session.get(Letter, letter["id"]).rating) is None

    page.get_by_role("radio", name="不满意").check()
    page.get_by_role("button", name="提交评价").click()
    shows(page, "感谢您的评价")
    assert stored(lambda db: db.session.get(Letter, letter["id"]).rating) is LetterRating.UNSATISFIED
    assert stored(lambda db: db.session.get(Letter, letter["id"]).rating_comment) == COMMENT
