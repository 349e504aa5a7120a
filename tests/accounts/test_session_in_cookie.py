"""G24: a visitor who only reads a page with a form gets its CSRF token (and captcha) in a
signed cookie, not a stored session per visitor; the form still sends (CSRF checked, no
JavaScript involved), and the first post stores the session once, under the id the cookie
carried, so a double click keeps showing the query code."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from interact.core import captcha
from interact.core.models import WebSession
from interact.extensions import db
from interact.letters import services
from interact.letters.models import Letter

COOKIE = "session"
FORM = {"channel": "consultation", "kind": "consultation", "department_id": "", "title": "社保卡补办",
        "body": "我的社保卡丢了，请问如何补办？", "name": "李四", "phone": "13712345678", "email": "",
        "publish_consent": "y"}


def stored_sessions() -> int:
    """Session records (the store also keeps the claims of checked captchas and sent forms,
    which hold nothing)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(WebSession).where(WebSession.data != "{}"))


def _field(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html).group(1)


def _code_on(receipt_page: str) -> str | None:
    found = re.search(r'<strong class="code">([A-Z0-9]{8})</strong>', receipt_page)
    return found.group(1) if found else None


@pytest.mark.parametrize("path", ["/letters/new", "/letters/lookup", "/login", "/register", "/captcha.png"])
def test_reading_a_form_stores_no_session(csrf_app, path):
    client = csrf_app.test_client()
    assert client.get(path).status_code == 200
    client.get(path)  # and again with the cookie it got
    assert stored_sessions() == 0
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.http_only and not re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie.value)


def test_the_letter_form_sends_with_the_token_in_the_cookie_and_a_double_click_shows_the_code(
        csrf_app, monkeypatch):
    csrf_app.config["CAPTCHA_ENABLED"] = True
    monkeypatch.setattr(captcha, "generate_code", lambda: "AB3K")
    client = csrf_app.test_client()
    page = client.get("/letters/new").get_data(as_text=True)
    client.get("/captcha.png")
    assert stored_sessions() == 0
    data = dict(FORM, csrf_token=_field(page, "csrf_token"), token=_field(page, "token"), captcha="AB3K")
    # The double click: two copies sent with the same cookie, before either answer came back.
    other = csrf_app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    first = client.post("/letters/new", data=data)
    second = other.post("/letters/new", data=data)
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 1
    assert stored_sessions() == 1  # both copies stored the one session they share
    letter = db.session.scalar(sa.select(Letter))
    code = _code_on(other.get(second.headers["Location"]).get_data(as_text=True))
    assert code is not None and services.lookup(letter.number, code) is letter


def test_a_cookie_not_signed_by_the_app_carries_nothing(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/letters/new").get_data(as_text=True)
    value = client.get_cookie(COOKIE).value
    payload, rest = value.split(".", 1)
    client.set_cookie(COOKIE, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest)
    response = client.post("/letters/new", data=dict(FORM, csrf_token=_field(page, "csrf_token"), token="t-1"))
    assert response.status_code == 400  # the token is not this browser's any more
    assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0
