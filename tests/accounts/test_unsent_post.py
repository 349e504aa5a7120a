"""A clerk without JavaScript writes on a staff page for longer than the idle log-out and
then saves: the save arrives after the session ended, so nothing is saved — but what was
sent is kept for that clerk. Logged in again, the clerk lands on a page showing the text
and a button that sends it again where it was going (the page's own checks run as for any
save). Nobody else who logs in on that browser sees it; a log-out button clicked after
the idle time keeps nothing."""
from __future__ import annotations

from tests.helpers import form_fields


def _login(client, username: str, **extra):
    return client.post("/login", data={"identifier": username, "password": "secret123", **extra})


def _idle(client, app) -> None:
    with client.session_transaction() as session:
        session["_seen"] -= app.config["STAFF_IDLE_MINUTES"] * 60 + 5


def _sent_after_the_idle_time(app, client, roles) -> tuple[str, dict]:
    department = roles.department_a
    url = f"/staff/departments/{department.id}"
    _login(client, "admin")
    opened = form_fields(client.get(url).get_data(as_text=True), "shown_version")
    _idle(client, app)
    response = client.post(url, data={**opened, "description": "负责全市就业、社会保险和劳动关系工作。"})
    assert response.status_code == 302 and "/login?next=/staff/unsent" in response.headers["Location"]
    return url, opened


def test_a_save_after_the_idle_log_out_is_kept_for_the_clerk_to_send_again(app, client, db, roles):
    url, _opened = _sent_after_the_idle_time(app, client, roles)
    db.session.refresh(roles.department_a)
    assert roles.department_a.description != "负责全市就业、社会保险和劳动关系工作。"  # not saved while logged out

    landed = _login(client, "admin", next="/staff/unsent")
    assert landed.headers["Location"].endswith("/staff/unsent")
    page = client.get("/staff/unsent")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "刚才提交的内容尚未保存" in text and "负责全市就业、社会保险和劳动关系工作。" in text

    again = form_fields(text, "description")
    assert client.post(url, data=again).status_code == 302
    db.session.refresh(roles.department_a)
    assert roles.department_a.description == "负责全市就业、社会保险和劳动关系工作。"
    assert client.get("/staff/unsent").status_code == 302  # sent: kept no longer


def test_another_user_logging_in_on_that_browser_does_not_see_it(app, client, roles):
    _sent_after_the_idle_time(app, client, roles)
    _login(client, "office", next="/staff/unsent")
    page = client.get("/staff/unsent")
    assert page.status_code == 302 and "负责全市就业" not in page.get_data(as_text=True)
    _login(client, "admin")
    assert client.get("/staff/unsent").status_code == 302  # dropped for good once another user came


def test_the_clerk_may_discard_it(app, client, roles):
    _sent_after_the_idle_time(app, client, roles)
    _login(client, "admin")
    assert client.get("/staff/unsent").status_code == 200
    assert client.post("/staff/unsent/discard").status_code == 302
    assert client.get("/staff/unsent").status_code == 302


def test_a_log_out_clicked_after_the_idle_time_keeps_nothing(app, client, roles):
    _login(client, "admin")
    client.get("/staff/")
    _idle(client, app)
    response = client.post("/logout")
    assert response.status_code == 302 and "next=" not in response.headers["Location"]
    _login(client, "admin")
    assert client.get("/staff/unsent").status_code == 302


def test_a_password_change_after_the_idle_time_keeps_no_password(app, client, roles):
    """The new password's confirmation is a password field called ``confirm``: kept neither
    in the session nor on the page that offers the post again."""
    _login(client, "admin")
    client.get("/account/password")
    _idle(client, app)
    response = client.post("/account/password", data={
        "old_password": "secret123", "new_password": "Neues1passwort", "confirm": "Neues1passwort"})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "Neues1passwort" not in repr(dict(session)) and "secret123" not in repr(dict(session))
    _login(client, "admin", next="/staff/unsent")
    page = client.get("/staff/unsent").get_data(as_text=True)
    assert "Neues1passwort" not in page and "secret123" not in page


def test_the_icon_the_browser_fetches_by_itself_neither_ends_nor_renews_the_session(app, client, roles):
    """Chromium fetches /favicon.ico after the page has loaded, on its own: when that lands
    after the idle time it must not log the clerk out (the save they then send would be
    lost instead of kept), nor count as the clerk being there."""
    department = roles.department_a
    url = f"/staff/departments/{department.id}"
    _login(client, "admin")
    opened = form_fields(client.get(url).get_data(as_text=True), "shown_version")
    _idle(client, app)
    with client.session_transaction() as session:
        idle_since = session["_seen"]
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
    with client.session_transaction() as session:
        assert session["_seen"] == idle_since and "_user_id" in session
    response = client.post(url, data={**opened, "description": "负责全市就业、社会保险和劳动关系工作。"})
    assert response.status_code == 302 and "/login?next=/staff/unsent" in response.headers["Location"]
