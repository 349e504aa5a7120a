import re

import pytest

from tests.helpers import register_by_code


def login(client, identifier, password, **extra):
    return client.post("/login", data={"identifier": identifier, "password": password, **extra})


def test_staff_login_goes_to_workspace(client, roles):
    response = login(client, "office", "secret123")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200


def test_wrong_password_is_refused_in_chinese(client, roles):
    response = login(client, "office", "nope")
    assert response.status_code == 401
    assert "账号或密码错误" in response.get_data(as_text=True)


def test_unknown_account_gets_same_message(client, roles):
    response = login(client, "ghost", "whatever1")
    assert response.status_code == 401 and "账号或密码错误" in response.get_data(as_text=True)


def test_login_is_rate_limited(client, roles):
    statuses = [login(client, "ghost", "x1234567").status_code for _ in range(11)]
    assert statuses[-1] == 429
    assert "频繁" in login(client, "ghost", "x1234567").get_data(as_text=True)


def test_open_redirect_is_refused(client, roles):
    response = login(client, "office", "secret123", next="https://evil.example.com/")
    assert response.headers["Location"].endswith("/staff/")


def test_citizen_registers_with_phone_and_logs_in(client, db):
    response = register_by_code(client, "139 0000 1111")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    client.post("/logout")
    assert login(client, "13900001111", "abc12345").status_code == 302


def test_the_password_is_confirmed_as_a_required_field(client, db, auth, roles):
    """确认密码 was shown without the required mark beside 密码 *, so a citizen could leave
    it empty as optional (and was told 两次输入的密码不一致)."""
    assert client.post("/register", data={"identifier": "13900001111"}).status_code == 302
    page = client.get("/register/verify").get_data(as_text=True)
    assert re.search(r'<label for="confirm">确认密码<span class="req"', page)
    response = client.post("/register/verify", data={"code": "123456", "password": "abc12345", "confirm": ""})
    assert "请再次输入密码" in response.get_data(as_text=True)
    client.get("/register/verify")
    auth.login(roles.citizen)
    page = client.get("/account/password").get_data(as_text=True)
    assert re.search(r'<label for="confirm">确认新密码<span class="req"', page)
    response = client.post("/account/password", data={"old_password": "secret123", "new_password": "newpass123", "confirm": ""})
    assert "请再次输入新密码" in response.get_data(as_text=True)


def test_registration_requires_phone_or_email(client, db):
    response = client.post("/register", data={"identifier": ""})
    assert response.status_code == 422 and "请填写手机号或电子邮箱" in response.get_data(as_text=True)
    response = client.post("/register", data={"identifier": "1390000"})
    assert response.status_code == 422 and "手机号" in response.get_data(as_text=True)


def test_weak_password_refused(client, db):
    response = register_by_code(client, "13900001111", password="12345678")
    assert response.status_code == 422 and "字母和数字" in response.get_data(as_text=True)


def test_password_change_logs_out_other_sessions(app, db, client, auth, roles):
    other = app.test_client()
    Auth = type(auth)
    Auth(other).login(roles.citizen)
    auth.login(roles.citizen)
    response = client.post("/account/password", data={"old_password": "secret123", "new_password": "newpass123", "confirm": "newpass123"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this session continues
    assert other.get("/account").status_code == 302  # the other one is logged out


def test_staff_session_times_out_when_idle(app, client, roles):
    login(client, "office", "secret123")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session["_seen"] -= app.config["STAFF_IDLE_MINUTES"] * 60 + 5
    response = client.get("/staff/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_anonymous_is_sent_to_login(client):
    response = client.get("/staff/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_cookie_flags(app, client, roles):
    response = login(client, "office", "secret123")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is False  # tests only; the default is True
    from interact.config import DefaultConfig

    assert DefaultConfig.SESSION_COOKIE_SECURE is True


def test_csrf_is_enforced_on_login(csrf_app, roles):
    client = csrf_app.test_client()
    response = client.post("/login", data={"identifier": "office", "password": "secret123"})
    assert response.status_code == 400  # no token: refused before the view
    assert client.get("/staff/").status_code == 302


def test_csrf_failure_on_plain_post_is_chinese_400(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/letters/lookup", data={"number": "XJ20260101-0001", "code": "ABCDEF"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
