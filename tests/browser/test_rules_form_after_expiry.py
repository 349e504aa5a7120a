"""A letter typed on a page whose form token no longer holds is not lost: the page says why
and offers 继续提交, which sends what was typed; the captcha answer, never carried, is then
asked for on the letter form with the text still in it. Both reasons a visitor meets: the
session ended since the page was opened (here the browser's cookies cleared), and the page
was opened more than 8 hours ago (the token's lifetime) — a citizen's tab left open since
the morning, or a clerk's answer page opened at the start of the day.

A page opened 8 hours ago is made by the test as the server would have made it then: the
page's token is signed again with a time 8 hours back (``_opened_hours_ago``), the rest of
the page, its cookies and the server's clock are today's."""
from __future__ import annotations

import re
import time

import pytest

from tests.browser.given import routed_letter, unique
from tests.browser.helpers import assert_accessible, layout_problems, login, shows, solve_captcha

#: What the page says for each reason (``core.resend.REASONS``).
SAYS = {"session-ended": "登录状态或会话有了变化", "eight-hours": "这个页面打开已超过 8 小时"}


def _box(page, name):
    return page.get_by_role("textbox", name=name, exact=True)


def _opened_hours_ago(page, stored, path: str, hours: float) -> None:
    """Serve ``path`` with its form token signed ``hours`` ago (Flask-WTF's token: the
    session's random value, signed with the time it was made)."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    config = stored.app.config
    secret = config.get("WTF_CSRF_SECRET_KEY") or stored.app.secret_key
    assert config["WTF_CSRF_TIME_LIMIT"] < hours * 3600, "the page would still be valid"

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - hours * 3600)

    today = URLSafeTimedSerializer(secret, salt="wtf-csrf-token")
    then = URLSafeTimedSerializer(secret, salt="wtf-csrf-token", signer=Earlier)

    def serve(route):
        if route.request.method != "GET":
            route.continue_()
            return
        response = route.fetch()
        html = response.text()
        tokens = {re.search(r'value="([^"]+)"', field).group(1)
                  for field in re.findall(r'<input[^>]*name="csrf_token"[^>]*>', html)}
        assert tokens, "no form token on the page"
        for token in tokens:
            html = html.replace(token, then.dumps(today.loads(token)))
        route.fulfill(response=response, body=html)

    page.route(re.compile(re.escape(path) + r"(\?.*)?$"), serve)


@pytest.mark.parametrize("width", [375], indirect=True)
@pytest.mark.parametrize("reason", ["session-ended", "eight-hours"])
@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_letter_sent_from_a_page_that_no_longer_holds_is_sent_again_with_what_was_typed(
        new_page, stored, javascript, reason):
    from interact.letters.models import Letter

    page = new_page(java_script_enabled=javascript)
    title = unique("小区门口的路灯坏了")
    body = "小区门口的路灯坏了两个星期，晚上回家很不方便。\n请尽快派人维修，谢谢！"
    if reason == "eight-hours":
        _opened_hours_ago(page, stored, "/letters/new", 8.1)
    page.goto("/letters/new")
    page.get_by_role("combobox", name="咨询部门").select_option(label="市人力资源社会保障局")
    _box(page, "标题").fill(title)
    _box(page, "内容").fill(body)
    _box(page, "姓名").fill("钱多多")
    _box(page, "手机号码").fill("13912345671")
    solve_captcha(page)
    if reason == "session-ended":
        page.context.clear_cookies()  # the session is gone (cookies cleared, or it ran out)
    page.unroute_all()  # the pages from now on are today's
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="页面已过期，填写的内容还在").wait_for()
    said = page.locator("main").inner_text()
    other = next(text for key, text in SAYS.items() if key != reason)
    assert SAYS[reason] in said and other not in said
    assert layout_problems(page) == []
    assert_accessible(page, context="form sent again")

    def letters(db):
        return db.session.scalars(db.select(Letter).where(Letter.title == title)).all()

    assert stored(letters) == []
    page.get_by_role("button", name="继续提交").click()
    # The captcha answer is never carried: the form asks for it, with the text in it.
    shows(page, "请输入图片中的验证码")
    assert _box(page, "标题").input_value() == title
    assert _box(page, "内容").input_value() == body
    assert _box(page, "姓名").input_value() == "钱多多"
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
    (letter,) = stored(letters)
    assert letter.body.replace("\r\n", "\n") == body and letter.name == "钱多多"


@pytest.mark.parametrize("width", [1280], indirect=True)
def test_a_clerks_answer_from_a_page_opened_in_the_morning_is_sent_with_one_click(page, stored):
    """The handler opened the letter first thing, worked in other tabs all day (so the
    session lasts) and writes the answer in that tab in the afternoon."""
    from interact.letters.models import Letter

    letter = routed_letter(stored)
    answer = "您好，经核实，您反映的问题已转交街道办理，预计本周内修复。\n如有疑问请拨打12345。"
    login(page, "rsj")
    _opened_hours_ago(page, stored, f"/staff/letters/{letter['id']}", 8.5)
    page.goto(f"/staff/letters/{letter['id']}")
    page.unroute_all()
    page.get_by_role("textbox", name="答复内容").fill(answer)
    page.get_by_role("button", name="提交答复（送办公室审核）").click()
    page.get_by_role("heading", name="页面已过期，填写的内容还在").wait_for()
    assert SAYS["eight-hours"] in page.locator("main").inner_text()
    assert stored(lambda db: db.session.get(Letter, letter["id"]).answer_html) in (None, "")
    # The clerk is still in the workspace (its menu beside the page), not on a public page.
    assert page.get_by_role("navigation", name="工作台导航").is_visible()
    assert_accessible(page, context="a clerk's form sent again")
    page.get_by_role("button", name="继续提交").click()
    shows(page, "答复已提交，等待办公室审核")
    saved = stored(lambda db: (db.session.get(Letter, letter["id"]).status.value,
                               db.session.get(Letter, letter["id"]).answer_html))
    assert saved[0] == "answered" and "预计本周内修复" in saved[1], saved
