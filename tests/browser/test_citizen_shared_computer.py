"""A shared computer (a library, a 政务大厅 terminal): what one visitor typed or was given
does not reach whoever uses the browser next, nor whoever read the browser's cookie.

- Attack J9: the cookie of the letter form's page is signed, not encrypted: its session id
  can be read from it without the secret. The next visitor of that browser writes a letter
  (or looks one up); the id read before follows neither letter from another machine.
- Attack J5: a refused opinion comes back with the visitor's name and phone; the visitor
  walks away without sending it. The next visitor's Back button, or the same collection
  opened again, shows neither (the page is ``no-store`` and the kept form lasts only while
  its visitor stays on that page; a reload keeps it: test_citizen_refused_forms_reload.py).
"""
from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.browser.given import open_collection, unique
from tests.browser.helpers import look_up, shows, solve_captcha
from tests.browser.test_citizen_letter import write_letter

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)


def _session_cookie(page) -> str:
    [cookie] = [c for c in page.context.cookies() if c["name"] == "session"]
    return cookie["value"]


def _id_read_from(cookie: str) -> str:
    """The session id a cookie carries, read as anybody can: without the secret."""
    signed, payload = URLSafeTimedSerializer("not-the-secret", salt="interact-session-in-cookie").loads_unsafe(cookie)
    assert not signed
    return payload[0]


def _follows(new_page, base_url: str, cookie: str, number: str, title: str) -> bool:
    """Whether a browser elsewhere with ``cookie`` as its session cookie reads the letter."""
    other = new_page(java_script_enabled=False)
    other.context.add_cookies([{"name": "session", "value": cookie, "url": base_url}])
    other.goto(f"/letters/track/{number}")
    return title in other.locator("main").inner_text()


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_cookie_read_on_a_shared_computer_does_not_follow_the_next_visitors_letter(
        new_page, live_server, javascript):
    terminal = new_page(java_script_enabled=javascript)
    terminal.goto("/letters/new")
    terminal.wait_for_load_state("load")
    copied = _session_cookie(terminal)  # someone at the terminal copies the cookie
    read_id = _id_read_from(copied)

    title = unique("住房公积金异地转移咨询")
    number, _code = write_letter(terminal, title=title, body="我家住在幸福路12号3栋，想咨询公积金异地转移手续。")
    assert title in terminal.locator("main").inner_text()  # the receipt, in the visitor's own browser
    terminal.goto(f"/letters/track/{number}")
    assert title in terminal.locator("main").inner_text()

    assert not _follows(new_page, live_server.url, read_id, number, title)
    assert not _follows(new_page, live_server.url, copied, number, title)


def test_an_id_read_before_a_look_up_does_not_follow_the_letter_looked_up(new_page, stored, live_server):
    title = unique("失业保险金申领咨询")
    writer = new_page(java_script_enabled=False)
    number, code = write_letter(writer, title=title, body="失业后如何申领失业保险金？需要什么材料？")

    terminal = new_page(java_script_enabled=False)
    terminal.goto(f"/faq/{_published_entry(stored)}")  # the first visitor rates an FAQ answer
    terminal.get_by_role("button", name="有帮助").click()
    shows(terminal, "感谢您的评价")
    read_id = _session_cookie(terminal)  # a stored session's id: what the cookie now holds
    assert _id_read_from_stored(read_id)

    look_up(terminal, number, code)  # the next visitor follows their letter
    assert title in terminal.locator("main").inner_text()
    assert not _follows(new_page, live_server.url, read_id, number, title)


def _published_entry(stored) -> int:
    from interact.faq.models import FaqEntry, FaqStatus

    return stored(lambda db: db.session.scalar(
        db.select(FaqEntry.id).where(FaqEntry.status == FaqStatus.PUBLISHED).order_by(FaqEntry.id)))


def _id_read_from_stored(value: str) -> bool:
    """A stored session's cookie is the id itself (43 characters, nothing signed)."""
    return len(value) == 43 and "." not in value


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_refused_opinion_left_unsent_is_not_shown_to_the_next_visitor(new_page, stored, live_server, javascript):
    collection = open_collection(stored, opinions=[])
    url = f"{live_server.url}/surveys/{collection['id']}"
    name, phone = "陈大文", "13987654321"
    text = unique("建议社区图书室周末延长开放时间，第") + "条"
    page = new_page(java_script_enabled=javascript)
    page.goto(url)
    form = page.locator("#opinion-form")
    form.get_by_role("textbox", name="意见建议").fill(text)
    form.get_by_role("textbox", name="姓名").fill(name)
    form.get_by_role("textbox", name="手机号码").fill(phone)
    form.get_by_role("textbox", name="验证码", exact=True).fill("XXXX")  # a wrong captcha
    form.get_by_role("button", name="提交意见").click()
    shows(page, "验证码不正确")
    assert form.get_by_role("textbox", name="手机号码").input_value() == phone
    page.reload()  # the visitor's own reload keeps it
    assert page.locator("#opinion-form").get_by_role("textbox", name="手机号码").input_value() == phone

    page.get_by_role("link", name="首页").first.click()  # the visitor walks away, the form unsent
    page.wait_for_load_state()

    page.go_back()  # the next visitor of that computer
    page.wait_for_load_state()
    form = page.locator("#opinion-form")
    form.get_by_role("textbox", name="意见建议").wait_for()
    assert [form.get_by_role("textbox", name=label).input_value() for label in ("意见建议", "姓名", "手机号码")] \
        == ["", "", ""]
    assert phone not in page.content() and name not in page.content()
    page.goto(url)
    assert phone not in page.content() and name not in page.content()
