"""A handler without JavaScript writes an answer for longer than the idle log-out (nothing
tells the server they are typing) and sends it: the session has ended, so nothing is
saved — but the answer is not lost. The log-in page says so; logged in again, the handler
sees the answer and sends it again with one button, and it is saved. (With JavaScript the
page keeps the session while they type: test_handler_still_here.py.)"""
from __future__ import annotations

import pytest

from tests.browser.given import routed_letter
from tests.browser.helpers import DEMO_PASSWORD, shows

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)

ANSWER = "您好，关于您反映的社保转移接续问题，经核实，已为您办理转入手续，请于十个工作日后查询缴费记录。"


def _idle_for_longer_than_the_limit(stored, page) -> None:
    """The clerk's last request was longer ago than the idle limit (the session's mark moved back)."""
    from flask import current_app
    from flask.json.tag import TaggedJSONSerializer

    from interact.core.models import WebSession
    from interact.core.sessions import key_for

    [cookie] = [c for c in page.context.cookies() if c["name"] == "session"]

    def move_back(db):
        row = db.session.get(WebSession, key_for(cookie["value"]))
        data = TaggedJSONSerializer().loads(row.data)
        data["_seen"] -= current_app.config["STAFF_IDLE_MINUTES"] * 60 + 60
        row.data = TaggedJSONSerializer().dumps(data)
        db.session.commit()

    stored.write(move_back)


def test_an_answer_sent_after_the_idle_log_out_is_not_lost(new_page, stored):
    from interact.letters.models import Letter

    letter = routed_letter(stored)
    page = new_page(java_script_enabled=False)
    page.goto("/login")
    page.get_by_role("textbox", name="账号", exact=True).fill("rsj")
    page.get_by_role("textbox", name="密码", exact=True).fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="登录").click()
    page.goto(f"/staff/letters/{letter['id']}")
    page.get_by_role("textbox", name="答复内容").fill(ANSWER)
    _idle_for_longer_than_the_limit(stored, page)
    page.get_by_role("button", name="提交答复（送办公室审核）").click()

    shows(page, "刚才提交的内容尚未保存，已为您保留")
    assert stored(lambda db: db.session.get(Letter, letter["id"]).answer_html) in (None, "")
    page.get_by_role("textbox", name="账号", exact=True).fill("rsj")
    page.get_by_role("textbox", name="密码", exact=True).fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="刚才提交的内容尚未保存").wait_for()
    assert ANSWER in page.locator("main").inner_text()

    page.get_by_role("button", name="重新提交").click()
    page.wait_for_load_state()
    assert ANSWER in (stored(lambda db: db.session.get(Letter, letter["id"]).answer_html) or "")
    page.goto("/staff/unsent")  # sent: nothing is kept any more
    assert "/staff/unsent" not in page.url
