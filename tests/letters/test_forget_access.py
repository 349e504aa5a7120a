"""K7: a citizen who wrote or looked up a letter on a shared computer (a library, a service
hall) can end that browser's access to it, and an idle browser forgets it by itself, so the
next visitor cannot open the letter from the history."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from interact.core import clock

COOKIE = "session"
FORM = {"channel": "consultation", "kind": "consultation", "department_id": "", "title": "家里的事想咨询",
        "body": "我家住幸福里小区3栋502，想咨询调解的办法。", "name": "赵敏", "phone": "13712345678",
        "email": "", "publish_consent": "y"}


def _field(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html).group(1)


def _send_letter(browser) -> tuple[str, str, str]:
    """(number, query code, the receipt page)."""
    page = browser.get("/letters/new").get_data(as_text=True)
    sent = browser.post("/letters/new", data=dict(FORM, csrf_token=_field(page, "csrf_token"),
                                                  token=_field(page, "token")))
    assert sent.status_code == 302
    receipt = browser.get(sent.headers["Location"]).get_data(as_text=True)
    number = re.search(r"XJ\d{8}-\d{4}", receipt).group(0)
    code = re.search(r'<strong class="code">([A-Z0-9]{8})</strong>', receipt).group(1)
    return number, code, receipt


def _forget_button(page: str) -> str:
    """The 结束查看 form's token (the form must be on the page)."""
    form = re.search(r'<form method="post" action="/letters/forget".*?</form>', page, re.S)
    assert form is not None and "结束查看" in form.group(0)
    return _field(form.group(0), "csrf_token")


@pytest.fixture
def moment(frozen):
    return frozen(2026, 12, 1, 10)


def test_ending_the_view_on_the_receipt_closes_the_letter_to_this_browser_and_to_the_old_cookie(csrf_app, moment):
    terminal = csrf_app.test_client()
    number, code, receipt = _send_letter(terminal)
    cookie_before = terminal.get_cookie(COOKIE).value
    track = terminal.get(f"/letters/track/{number}")
    assert track.status_code == 200 and "幸福里小区" in track.get_data(as_text=True)
    assert "结束查看" in track.get_data(as_text=True)

    ended = terminal.post("/letters/forget", data={"csrf_token": _forget_button(receipt)})
    assert ended.status_code == 303 and ended.headers["Location"].startswith("/letters/lookup")
    assert "已结束查看" in terminal.get(ended.headers["Location"]).get_data(as_text=True)

    # The next visitor of this browser, from the history:
    after = terminal.get(f"/letters/track/{number}")
    assert after.status_code == 302 and after.headers["Location"].startswith("/letters/lookup")
    assert terminal.get(f"/letters/receipt?number={number}").status_code == 404
    copy = csrf_app.test_client()
    copy.set_cookie(COOKIE, cookie_before)
    assert copy.get(f"/letters/track/{number}").status_code == 302

    # The writer can still look it up again with the number and the code.
    page = terminal.get("/letters/lookup").get_data(as_text=True)
    found = terminal.post("/letters/lookup", data={"number": number, "code": code,
                                                   "csrf_token": _field(page, "csrf_token")})
    assert found.status_code == 302 and terminal.get(found.headers["Location"]).status_code == 200


def test_a_forged_or_expired_end_changes_nothing(csrf_app, moment):
    terminal = csrf_app.test_client()
    number, _code, _receipt = _send_letter(terminal)
    refused = terminal.post("/letters/forget", data={"csrf_token": "not-the-token"})
    assert refused.status_code == 400 and "页面" in refused.get_data(as_text=True)  # CSRF's Chinese page
    assert terminal.get(f"/letters/track/{number}").status_code == 200


def test_a_browser_that_follows_a_letter_forgets_it_after_half_an_hour_idle(csrf_app, moment):
    terminal = csrf_app.test_client()
    number, _code, _receipt = _send_letter(terminal)
    for _ in range(6):  # reading on and off for an hour keeps it
        clock.advance(timedelta(minutes=20))
        assert terminal.get(f"/letters/track/{number}").status_code == 200
    clock.advance(timedelta(minutes=31))
    assert terminal.get(f"/letters/track/{number}").status_code == 302


def test_a_logged_in_citizen_keeps_the_account_and_its_letters(csrf_app, moment, db, roles):
    from tests.conftest import Auth  # noqa: PLC0415

    browser = csrf_app.test_client()
    Auth(browser).login(roles.citizen)
    number, _code, receipt = _send_letter(browser)
    assert "结束查看" not in receipt  # an account is ended with 退出登录, not with this button
    clock.advance(timedelta(hours=2))  # the account's own rules, not the half hour
    assert browser.get(f"/letters/track/{number}").status_code == 200
