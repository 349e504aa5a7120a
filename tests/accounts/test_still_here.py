"""A clerk typing on a page is not idle: ``site.js`` tells the server (``/staff/still-here``)
while they type, so a long answer is not lost to the idle log-out; when the session has
ended all the same, the answer says so (a redirect to the log-in page)."""
from __future__ import annotations

from tests.accounts.test_auth import login


def _idle(client, app, minutes: float) -> None:
    """As if ``minutes`` had passed since the session's last request."""
    with client.session_transaction() as session:
        session["_seen"] -= minutes * 60


def test_typing_keeps_a_staff_session_past_the_idle_limit(app, client, roles):
    login(client, "office", "secret123")
    page = client.get("/staff/").get_data(as_text=True)
    assert 'data-still-here="/staff/still-here"' in page
    assert f'data-still-here-every="{app.config["STAFF_IDLE_MINUTES"] * 20}"' in page
    half = app.config["STAFF_IDLE_MINUTES"] * 0.6
    _idle(client, app, half)
    told = client.get("/staff/still-here")  # the clerk is typing an answer
    assert told.status_code == 204 and told.headers["Cache-Control"] == "no-store"
    _idle(client, app, half)  # longer than the limit since the page was opened
    assert client.get("/staff/").status_code == 200


def test_without_it_the_same_time_logs_the_clerk_out(app, client, roles):
    login(client, "office", "secret123")
    client.get("/staff/")
    half = app.config["STAFF_IDLE_MINUTES"] * 0.6
    _idle(client, app, half)
    _idle(client, app, half)
    response = client.get("/staff/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_after_the_idle_log_out_the_page_is_told(app, client, roles):
    login(client, "office", "secret123")
    client.get("/staff/")
    _idle(client, app, app.config["STAFF_IDLE_MINUTES"] + 1)
    response = client.get("/staff/still-here")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_only_staff_pages_ask(client, roles):
    assert client.get("/staff/still-here").status_code == 302  # nobody logged in
    assert "data-still-here" not in client.get("/").get_data(as_text=True)
    login(client, "citizen@example.com", "secret123")
    assert "data-still-here" not in client.get("/account").get_data(as_text=True)
    assert client.get("/staff/still-here").status_code == 403
