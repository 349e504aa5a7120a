"""关怀版（大字） on the log-in and registration pages without JavaScript: the header's switch
is a button of the page's form (as on /letters/lookup), so the form comes back in large text
with what was typed — nothing checked, counted as a failed log-in, registered or rate
limited. A password is never written back into the page; the page says it needs typing
again."""
from __future__ import annotations

import re

import sqlalchemy as sa

from interact.accounts.models import LoginFailure, User, VerificationCode
from interact.extensions import db

RETYPE = "为安全起见，切换字号后密码不会保留，请重新输入密码。"


def test_log_in_page_switch_keeps_the_account_and_checks_nothing(app, client, roles):
    app.config["RATELIMIT_LOGIN"] = "1 per minute"
    page = client.get("/login?next=/account").get_data(as_text=True)
    assert 'form="login-form" name="large_text" value="1"' in page and 'id="login-form"' in page
    for _ in range(3):  # more often than the log-in limit allows
        response = client.post("/login?next=/account", data={
            "large_text": "1", "identifier": "13800138000", "password": "typed-secret-9", "remember": "y",
            "next": "/account"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'class="large-text"' in html
        assert 'value="13800138000"' in html and 'value="/account"' in html
        assert re.search(r'<input[^>]*checked[^>]*id="remember"|<input[^>]*id="remember"[^>]*checked', html)
        assert "typed-secret-9" not in html and RETYPE in html
        assert "has-error" not in html and "账号或密码错误" not in html
    assert response.headers.getlist("Set-Cookie") and "large_text=1" in response.headers["Set-Cookie"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 0
    # The real log-in afterwards is not refused by the rate limit the switch did not use.
    assert client.post("/login", data={"identifier": "office", "password": "secret123"}).status_code == 302


def test_switch_back_without_a_typed_password_says_nothing_about_it(client, roles):
    html = client.post("/login", data={"large_text": "0", "identifier": "office"}).get_data(as_text=True)
    assert 'class="large-text"' not in html and 'value="office"' in html and RETYPE not in html


def test_register_page_switch_keeps_what_was_typed_and_registers_nobody(app, client, db):
    app.config["RATELIMIT_PUBLIC_POST"] = "1 per minute"
    page = client.get("/register").get_data(as_text=True)
    assert 'form="register-form" name="large_text" value="1"' in page and 'id="register-form"' in page
    for _ in range(2):
        response = client.post("/register", data={
            "large_text": "1", "identifier": "13912345678", "display_name": "老王", "captcha": "WXYZ"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'class="large-text"' in html
        assert 'value="13912345678"' in html and 'value="老王"' in html and "has-error" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VerificationCode)) == 0
    sent = client.post("/register", data={"identifier": "13912345678"})
    assert sent.status_code == 302  # the allowance was not used by the switch
    # Step 2: the switch keeps the code typed, never the password, and uses no try.
    response = client.post("/register/verify", data={"large_text": "1", "code": "123456", "password": "abc12345",
                                                     "confirm": "abc12345"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="large-text"' in html and 'value="123456"' in html
    assert "abc12345" not in html and RETYPE in html
    assert db.session.scalar(sa.select(VerificationCode.attempts)) == 0
