"""K7: a browser that follows a letter without an account (the receipt, a look-up) forgets it
after half an hour without a request — the writer on a shared computer who forgot 结束查看
leaves nothing for whoever opens the history an hour later. An account is not cut short."""
from __future__ import annotations

from datetime import timedelta

import pytest

from interact.core import clock
from tests.conftest import Auth
from tests.helpers import send_letter_form


@pytest.fixture
def moment(frozen):
    return frozen(2026, 12, 1, 10)


def test_a_browser_that_follows_a_letter_forgets_it_after_half_an_hour_idle(csrf_app, moment):
    terminal = csrf_app.test_client()
    number, _code = send_letter_form(terminal)
    for _ in range(6):  # reading on and off for two hours keeps it
        clock.advance(timedelta(minutes=20))
        assert terminal.get(f"/letters/track/{number}").status_code == 200
    clock.advance(timedelta(minutes=31))
    left = terminal.get(f"/letters/track/{number}")
    assert left.status_code == 302 and left.headers["Location"].startswith("/letters/lookup")


def test_a_logged_in_citizen_is_not_cut_short(csrf_app, moment, db, roles):
    browser = csrf_app.test_client()
    Auth(browser).login(roles.citizen)
    number, _code = send_letter_form(browser)
    clock.advance(timedelta(hours=2))  # the account's own rules, not the half hour
    assert browser.get(f"/letters/track/{number}").status_code == 200
    assert browser.get("/account/letters").status_code == 200


def test_the_half_hour_counts_from_the_last_request(csrf_app, moment):
    """A reload at 14 minutes keeps the letter until 44 (not until the first save's 30)."""
    terminal = csrf_app.test_client()
    number, _code = send_letter_form(terminal)
    clock.advance(timedelta(minutes=14))
    assert terminal.get(f"/letters/track/{number}").status_code == 200
    clock.advance(timedelta(minutes=17))
    assert terminal.get(f"/letters/track/{number}").status_code == 200
