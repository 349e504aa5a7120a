"""Registering and 忘记密码 tell a stranger nothing about which phone numbers and e-mail
addresses have accounts, and nobody can take someone else's number: a code sent to the
number proves it before an account exists. A taken number gets the same status, the same
page and the same writes as a new one; only the message to the number differs ("already
registered, use 忘记密码"), and no code typed on the page creates or opens anything."""
from __future__ import annotations

import re

from datetime import timedelta

import sqlalchemy as sa

from interact.accounts.models import User, VerificationCode
from interact.core import clock
from interact.core.models import AuditEvent
from interact.extensions import db as _db
from tests.helpers import code_in, messages_to, register_by_code


def _accounts(**where) -> int:
    condition = [getattr(User, k) == v for k, v in where.items()]
    return _db.session.scalar(sa.select(sa.func.count()).select_from(User).where(*condition))


def _step_one(client, identifier, url="/register"):
    response = client.post(url, data={"identifier": identifier})
    page = client.get(response.headers["Location"]) if response.status_code == 302 else response
    return response, page.get_data(as_text=True)


def _neutral(page: str, number: str) -> str:
    """The page with the masked number taken out (the one thing that differs by design)."""
    masked = f"{number[:3]}****{number[-4:]}"
    page = page.replace(masked, "NUMBER")
    return re.sub(r'(name="csrf_token"[^>]*value=|csrf-token" content=)"[^"]*"', "", page)


def test_a_taken_phone_number_gets_the_page_of_a_new_one_and_nothing_is_created(app, client, roles):
    taken = roles.citizen.phone
    stranger = app.test_client()
    new_response, new_page = _step_one(client, "13900007777")
    taken_response, taken_page = _step_one(stranger, taken)

    assert new_response.status_code == taken_response.status_code == 302
    assert new_response.headers["Location"] == taken_response.headers["Location"] == "/register/verify"
    assert _neutral(new_page, "13900007777") == _neutral(taken_page, taken)
    # Nothing is created before the code, and nobody is logged in.
    assert _accounts(phone="13900007777") == 0
    assert client.get("/account").status_code == stranger.get("/account").status_code == 302
    # The new number got a code; the taken one a message saying it is registered, no code.
    assert code_in(messages_to("13900007777")[-1])
    owner_reads = messages_to(taken)[-1]
    assert code_in(owner_reads) is None and "已经注册过" in owner_reads and "忘记密码" in owner_reads


def test_no_code_typed_for_a_taken_number_takes_it(app, client, roles):
    taken = roles.citizen.phone
    _step_one(client, taken)
    statuses = {client.post("/register/verify", data={"code": code, "password": "abc12345", "confirm": "abc12345"})
                .status_code for code in ("000000", "123456", "999999", "654321", "111111")}
    assert statuses == {422}
    assert _accounts(phone=taken) == 1
    assert client.post("/login", data={"identifier": taken, "password": "abc12345"}).status_code == 401


def test_a_wrong_code_reads_the_same_for_a_taken_and_a_new_number(app, client, roles):
    stranger = app.test_client()
    _step_one(client, "13900007777")
    _step_one(stranger, roles.citizen.phone)
    form = {"code": "000001", "password": "abc12345", "confirm": "abc12345"}
    new = client.post("/register/verify", data=form)
    taken = stranger.post("/register/verify", data=form)
    assert new.status_code == taken.status_code == 422
    assert (_neutral(new.get_data(as_text=True), "13900007777")
            == _neutral(taken.get_data(as_text=True), roles.citizen.phone))
    assert "还可尝试 4 次" in new.get_data(as_text=True)


def test_a_taken_email_address_in_other_letters_case_gets_the_same_page(app, client, db):
    register_by_code(app.test_client(), "wang.hong@example.com")
    clock.set_fixed(clock.now() + timedelta(seconds=61))  # past the resend cooldown of the number
    new_response, _ = _step_one(client, "li.hua@example.com")
    taken_response, _ = _step_one(app.test_client(), "Wang.Hong@Example.com")
    assert new_response.status_code == taken_response.status_code == 302
    assert "已经注册过" in messages_to("Wang.Hong@example.com")[-1]
    assert _accounts() == 1


def test_the_right_code_creates_the_account_and_logs_it_in(client, db):
    response = register_by_code(client, "13900008888", display_name="李阿姨")
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.phone == "13900008888"))
    assert user.display_name == "李阿姨" and not user.is_staff
    assert client.get("/account").status_code == 200
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.target_id == user.id)).all()
    assert "user.registered" in actions
    # The request keeps no number once used.
    assert db.session.scalar(sa.select(VerificationCode.target)) is None


def test_what_is_wrong_whatever_accounts_exist_is_still_said(client, roles):
    response = client.post("/register", data={"identifier": "12345"})
    assert response.status_code == 422 and "手机号码" in response.get_data(as_text=True)
    client.post("/register", data={"identifier": roles.citizen.phone})
    response = client.post("/register/verify", data={"code": "123456", "password": "abcdefgh", "confirm": "abcdefgh"})
    assert response.status_code == 422 and "字母和数字" in response.get_data(as_text=True)


def test_the_code_page_without_a_request_sends_back_to_step_one(client, db):
    response = client.get("/register/verify")
    assert response.status_code == 302 and response.headers["Location"] == "/register"
    response = client.post("/register/verify", data={"code": "123456", "password": "abc12345", "confirm": "abc12345"})
    assert response.status_code == 302 and _accounts() == 0
