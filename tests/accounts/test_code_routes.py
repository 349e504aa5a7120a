"""The pages of registering and 忘记密码 by a one-time code: CSRF on every step, the rate
limits, 忘记密码's non-revealing answer, resending, and the demo-only page of messages."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from interact.accounts.models import User, VerificationCode
from interact.core import clock
from tests.helpers import code_in, messages_to, register_by_code

PASSWORD = {"password": "newpass123", "confirm": "newpass123"}


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("path", ["/register", "/password/forgot", "/register/verify", "/password/forgot/verify",
                                  "/register/resend", "/password/forgot/resend"])
def test_every_step_refuses_a_post_without_the_csrf_token(csrf_app, db, path):
    client = csrf_app.test_client()
    response = client.post(path, data={"identifier": "13912345678", "code": "123456", **PASSWORD})
    assert response.status_code == 400
    assert _count(db, VerificationCode) == 0 and messages_to("13912345678") == []


def test_with_the_token_the_code_arrives_and_registers(csrf_app, db):
    client = csrf_app.test_client()
    token = _token(client.get("/register").get_data(as_text=True))
    assert client.post("/register", data={"identifier": "13912345678", "csrf_token": token}).status_code == 302
    page = client.get("/register/verify").get_data(as_text=True)
    assert "139****5678" in page and "13912345678" not in page
    code = code_in(messages_to("13912345678")[-1])
    response = client.post("/register/verify", data={"code": code, "csrf_token": _token(page), **PASSWORD})
    assert response.status_code == 302 and _count(db, User) == 1


def test_asking_for_codes_is_rate_limited_per_address(app, client, db):
    app.config["RATELIMIT_PUBLIC_POST"] = "3 per minute"
    statuses = [client.post("/register", data={"identifier": f"1391234560{n}"}).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_guessing_codes_is_rate_limited_per_address(app, client, db):
    app.config["RATELIMIT_PUBLIC_POST"] = "3 per minute"
    client.post("/register", data={"identifier": "13912345678"})
    statuses = [client.post("/register/verify", data={"code": "00000x", **PASSWORD}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_the_cooldown_is_said_in_chinese_with_the_seconds_left(client, db):
    client.post("/register", data={"identifier": "13912345678"})
    response = client.post("/register", data={"identifier": "13912345678"})
    assert response.status_code == 429 and re.search(r"请等 \d+ 秒后再重新获取", response.get_data(as_text=True))


def test_resend_gives_a_new_code_after_the_cooldown(client, db):
    client.post("/register", data={"identifier": "13912345678"})
    first = code_in(messages_to("13912345678")[-1])
    response = client.post("/register/resend")
    assert response.status_code == 302 and "秒后" in client.get("/register/verify").get_data(as_text=True)
    clock.set_fixed(clock.now() + timedelta(seconds=61))
    client.post("/register/resend")
    second = code_in(messages_to("13912345678")[-1])
    assert "新的验证码已发送" in client.get("/register/verify").get_data(as_text=True)
    assert client.post("/register/verify", data={"code": first, **PASSWORD}).status_code == 422
    if first != second:
        assert client.post("/register/verify", data={"code": second, **PASSWORD}).status_code == 302


def test_forgot_password_reads_the_same_for_an_account_and_for_none(app, client, db, roles):
    stranger = app.test_client()
    known = client.post("/password/forgot", data={"identifier": roles.citizen.phone})
    unknown = stranger.post("/password/forgot", data={"identifier": "13912345678"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/password/forgot/verify"
    known_page = client.get("/password/forgot/verify").get_data(as_text=True)
    unknown_page = stranger.get("/password/forgot/verify").get_data(as_text=True)
    strip = lambda page, number: re.sub(r'(name="csrf_token"[^>]*value=|csrf-token" content=)"[^"]*"', "",  # noqa: E731
                                        page.replace(f"{number[:3]}****{number[-4:]}", "N"))
    assert strip(known_page, roles.citizen.phone) == strip(unknown_page, "13912345678")
    assert code_in(messages_to(roles.citizen.phone)[-1])
    assert code_in(messages_to("13912345678")[-1]) is None


def test_forgot_password_sets_the_password_and_logs_out_every_device(app, client, db, roles):
    from tests.conftest import Auth

    device = app.test_client()
    Auth(device).login(roles.citizen)
    assert device.get("/account").status_code == 200
    client.post("/password/forgot", data={"identifier": roles.citizen.email})
    code = code_in(messages_to(roles.citizen.email)[-1])
    response = client.post("/password/forgot/verify", data={"code": code, **PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert device.get("/account").status_code == 302  # the other device is logged out
    assert client.post("/login", data={"identifier": roles.citizen.phone, "password": "newpass123"}).status_code == 302
    # The code is spent: the same form again changes nothing.
    assert client.post("/password/forgot/verify", data={"code": code, "password": "other1234",
                                                         "confirm": "other1234"}).status_code == 302
    assert client.post("/login", data={"identifier": roles.citizen.phone, "password": "other1234"}).status_code == 401


def test_login_page_links_to_forgot_password(client):
    assert "/password/forgot" in client.get("/login").get_data(as_text=True)


def test_the_demo_page_of_messages_exists_only_in_the_demo(app, client, db):
    register_by_code(client, "13912345678")
    assert client.get("/demo/messages").status_code == 404
    app.config["DEMO"] = True
    page = client.get("/demo/messages")
    assert page.status_code == 200 and "13912345678" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    app.config["SMS_BACKEND"] = "http"  # a real gateway: nothing recorded to show
    assert client.get("/demo/messages").status_code == 404


def test_the_code_page_links_to_the_demo_messages_only_in_the_demo(app, client, db):
    client.post("/register", data={"identifier": "13912345678"})
    assert "/demo/messages" not in client.get("/register/verify").get_data(as_text=True)
    app.config["DEMO"] = True
    assert "/demo/messages" in client.get("/register/verify").get_data(as_text=True)


def test_the_code_page_states_the_services_resend_wait(client, db, monkeypatch):
    """The hint beside 重新发送验证码 says the wait the service enforces (it said a fixed
    60 s in the template)."""
    from datetime import timedelta

    from interact.accounts import verification

    monkeypatch.setattr(verification, "RESEND_AFTER", timedelta(seconds=90))
    client.post("/register", data={"identifier": "13912345678"})
    assert "每 90 秒可重新发送一次" in client.get("/register/verify").get_data(as_text=True)
