"""Registration tells a stranger nothing about which phone numbers and e-mail addresses have
accounts: a taken one gets the same status, the same page and the same work (password
hashing, writes) as a new one, nothing is created and nobody is logged in to the existing
account; the office sees the attempt in the audit log."""
from __future__ import annotations

import sqlalchemy as sa

from interact.accounts import services
from interact.accounts.models import User
from interact.core.models import AuditEvent
from interact.extensions import db as _db

FORM = {"password": "abc12345", "confirm": "abc12345"}


def _register(client, **fields):
    response = client.post("/register", data={**FORM, **fields})
    page = client.get(response.headers["Location"]) if response.status_code == 302 else response
    return response, page.get_data(as_text=True)


def _accounts(**where) -> int:
    condition = [getattr(User, k) == v for k, v in where.items()]
    return _db.session.scalar(sa.select(sa.func.count()).select_from(User).where(*condition))


def test_a_taken_phone_number_gets_the_answer_of_a_new_one(app, client, roles):
    taken = roles.citizen.phone
    stranger = app.test_client()
    new_response, new_page = _register(client, phone="13900007777")
    taken_response, taken_page = _register(stranger, phone=taken)

    assert new_response.status_code == taken_response.status_code == 302
    assert new_response.headers["Location"] == taken_response.headers["Location"]
    assert new_page == taken_page and "已注册" not in taken_page.replace("此前已注册", "").replace("此前未注册", "")
    assert services.REGISTERED in taken_page
    # Nobody is logged in by registering: not the new account, least of all the existing one.
    assert client.get("/account").status_code == stranger.get("/account").status_code == 302
    # The new number has an account that logs in; the taken one kept its owner's password.
    assert _accounts(phone="13900007777") == 1 and _accounts(phone=taken) == 1
    assert client.post("/login", data={"identifier": "13900007777", "password": "abc12345"}).status_code == 302
    assert stranger.post("/login", data={"identifier": taken, "password": "abc12345"}).status_code == 401


def test_a_taken_email_address_in_other_letters_case_gets_the_same_answer(app, client, db):
    services.register_citizen(phone=None, email="wang.hong@example.com", password="owner1234")
    db.session.commit()
    new_response, new_page = _register(client, email="li.hua@example.com")
    taken_response, taken_page = _register(app.test_client(), email="Wang.Hong@Example.com")
    assert (new_response.status_code, new_page) == (taken_response.status_code, taken_page)
    assert _accounts() == 2


def test_a_new_number_with_a_taken_address_creates_nothing(app, client, db):
    services.register_citizen(phone=None, email="wang.hong@example.com", password="owner1234")
    db.session.commit()
    response, page = _register(client, phone="13900008888", email="wang.hong@example.com")
    assert response.status_code == 302 and services.REGISTERED in page
    assert _accounts(phone="13900008888") == 0


def test_both_answers_cost_the_same_work_and_the_office_sees_the_attempt(app, db, roles, monkeypatch):
    hashed: list[str] = []
    hash_password = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda password: hashed.append(password) or hash_password(password))

    def events(action):
        return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()

    services.register_citizen(phone="13900009999", email=None, password="abc12345")
    services.register_citizen(phone=roles.citizen.phone, email=None, password="abc12345")
    db.session.commit()
    assert hashed == ["abc12345", "abc12345"]  # scrypt for the taken number too
    assert len(events("user.registered")) == 1
    again = events("user.registered_again")
    assert [e.target_id for e in again] == [roles.citizen.id]


def test_what_is_wrong_whatever_accounts_exist_is_still_said(client, roles):
    response = client.post("/register", data={"phone": "12345", **FORM})
    assert response.status_code == 422 and "手机号码" in response.get_data(as_text=True)
    response = client.post("/register", data={"phone": roles.citizen.phone, "password": "abcdefgh",
                                              "confirm": "abcdefgh"})
    assert response.status_code == 422 and "字母和数字" in response.get_data(as_text=True)


def test_a_number_registered_by_another_request_meanwhile_gets_the_same_answer(db, roles, monkeypatch):
    # The look-up misses the account (another request inserts it between the look-up and
    # the insert): the unique constraint decides, and the answer is the taken number's.
    scalar, calls = _db.session.scalar, []

    def first_look_misses(*args, **kwargs):
        calls.append(args)
        return None if len(calls) == 1 else scalar(*args, **kwargs)

    monkeypatch.setattr(_db.session, "scalar", first_look_misses)
    assert services.register_citizen(phone=roles.citizen.phone, email=None, password="abc12345") is None
    monkeypatch.undo()
    db.session.commit()
    assert _accounts(phone=roles.citizen.phone) == 1
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("user.registered%"))).all()
    assert actions == ["user.registered_again"]
