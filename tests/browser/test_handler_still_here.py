"""A handler writes a long answer: typing for longer than the idle log-out (30 minutes
without a request) does not log them out, since the page tells the server they are still
there while they type; when the session has ended all the same (here: logged out in
another tab), the page says so while they type, before anything is sent, with the text
still in the box. The page's clock is moved forward by an offset on ``Date.now`` (all the
page's keep-alive reads): Playwright's own clock (``page.clock``) hung this journey in the
whole browser suite, with no timeout to end it."""
from __future__ import annotations

from tests.browser.given import routed_letter
from tests.browser.helpers import login, shows

ANSWER = "您好，关于您反映的社保转移接续问题，经核实，"
#: Date.now with an offset the test moves forward (``_later``).
_MOVABLE_NOW = """(() => {
  const realNow = Date.now.bind(Date);
  window.__clockOffset = 0;
  Date.now = () => realNow() + window.__clockOffset;
})();"""


def _later(page, milliseconds: int) -> None:
    page.evaluate("ms => { window.__clockOffset += ms; }", milliseconds)


def test_typing_an_answer_is_not_idle(page, stored, live_server):
    from interact.letters.models import Letter

    letter = routed_letter(stored)
    page.context.add_init_script(_MOVABLE_NOW)
    login(page, "rsj")
    page.goto(f"/staff/letters/{letter['id']}")
    every = int(page.locator("body").get_attribute("data-still-here-every"))
    box = page.get_by_role("textbox", name="答复内容")
    box.fill(ANSWER)

    _later(page, every * 1000 + 1000)
    with page.expect_response(lambda r: r.url.endswith("/staff/still-here")) as told:
        box.press_sequentially("已为您办理")
    assert told.value.status == 204
    assert page.locator("[role=alert]").count() == 0

    # Logged out elsewhere (another tab of the same browser): the page says so as they type.
    other = page.context.new_page()
    other.goto("/staff/")
    other.get_by_role("button", name="退出").click()
    other.close()
    _later(page, every * 1000 + 1000)
    box.press_sequentially("。")
    shows(page, "已自动退出登录，现在提交不会保存")
    assert box.input_value() == ANSWER + "已为您办理。"
    assert stored(lambda db: db.session.get(Letter, letter["id"]).answer_html) in (None, "")
