"""The rules of one-time codes (interact/accounts/verification.py), one test per rule: a
code is stored hashed, expires, allows a few tries, is used once, is replaced by a resend
after the cooldown, and is limited per number and per address; the message to a taken number
says so; nothing is created before the code; 忘记密码 ends every session of the account."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from interact.accounts import verification as v
from interact.accounts.models import User, VerificationCode
from interact.core import clock
from interact.core import sms
from interact.core.errors import InvalidInput, Unavailable
from interact.core.models import AuditEvent, EmailStatus, OutboundEmail
from tests.helpers import code_in, messages_to

ADDRESS = "203.0.113.7"


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def now(ctx):
    """Move the clock by hand: ``now(seconds)`` advances it."""
    moment = [clock.now()]
    clock.set_fixed(moment[0])

    def advance(seconds: float = 0):
        moment[0] += timedelta(seconds=seconds)
        clock.set_fixed(moment[0])
        return moment[0]

    return advance


def _request(number="13900002222", purpose=v.REGISTER, address=ADDRESS, **kwargs) -> tuple[VerificationCode, str]:
    row = v.request_code(purpose, number, address=address, **kwargs)
    return row, code_in(messages_to(row.target)[-1]) if row.target else None


def _accounts(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_the_code_is_stored_only_as_a_keyed_hash(db, now):
    row, code = _request()
    assert len(code) == 6 and code.isdigit()
    assert code not in row.code_hash and row.identifier_key != "13900002222"
    assert "13900002222" not in row.identifier_key


def test_nothing_is_created_before_the_code_and_the_code_creates_the_account(db, now):
    row, code = _request(display_name="王大爷")
    assert _accounts(db) == 0
    user = v.complete_registration(row.id, code, "abc12345")
    assert (user.phone, user.display_name, _accounts(db)) == ("13900002222", "王大爷", 1)
    assert check_password_hash(user.password_hash, "abc12345")


def test_a_code_expires_after_ten_minutes(db, now):
    row, code = _request()
    now(10 * 60 + 1)
    with pytest.raises(v.CodeRejected, match="过期"):
        v.complete_registration(row.id, code, "abc12345")
    assert _accounts(db) == 0


def test_a_code_still_works_just_before_it_expires(db, now):
    row, code = _request()
    now(10 * 60 - 5)
    assert v.complete_registration(row.id, code, "abc12345").id


def test_five_wrong_tries_void_the_code(db, now):
    row, code = _request()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(v.CodeRejected, match=f"还可尝试 {left} 次"):
            v.complete_registration(row.id, wrong, "abc12345")
    with pytest.raises(v.CodeRejected, match="输错次数过多"):
        v.complete_registration(row.id, wrong, "abc12345")
    # Even the right code is refused now.
    with pytest.raises(v.CodeRejected):
        v.complete_registration(row.id, code, "abc12345")
    assert _accounts(db) == 0


def test_a_weak_password_does_not_use_up_a_try(db, now):
    row, code = _request()
    with pytest.raises(InvalidInput):
        v.complete_registration(row.id, "000000", "weakweak")
    assert db.session.get(VerificationCode, row.id).attempts == 0


def test_a_code_is_used_once(db, now):
    row, code = _request()
    v.complete_registration(row.id, code, "abc12345")
    db.session.commit()
    with pytest.raises(v.CodeRejected):
        v.complete_registration(row.id, code, "abc12345")
    assert _accounts(db) == 1


def test_a_new_code_only_after_the_cooldown_and_it_voids_the_old(db, now):
    row, first = _request()
    with pytest.raises(v.TooManyCodes, match="秒后"):
        v.resend(row.id, address=ADDRESS)
    with pytest.raises(v.TooManyCodes):
        _request()  # a fresh request for the same number: the same cooldown
    now(61)
    again = v.resend(row.id, address=ADDRESS)
    second = code_in(messages_to("13900002222")[-1])
    with pytest.raises(v.CodeRejected):
        v.complete_registration(row.id, first, "abc12345")
    assert v.complete_registration(again.id, second, "abc12345").phone == "13900002222"


def test_the_cooldown_of_registering_does_not_hold_up_forgot_password(db, now):
    _request()
    with pytest.raises(v.TooManyCodes):
        _request()
    assert _request(purpose=v.RESET)[0].purpose == v.RESET


def test_codes_per_number_are_limited_whatever_the_address(db, now):
    for n in range(5):
        _request(address=f"198.51.100.{n}")
        now(61)
    with pytest.raises(v.TooManyCodes, match="次数过多"):
        _request(address="198.51.100.99")
    now(3600)  # the hour passed: allowed again until the day's limit
    _request(address="198.51.100.100")


def test_codes_per_address_are_limited_whatever_the_number(db, now):
    for n in range(20):
        _request(number=f"1390000{n:04d}")
    with pytest.raises(v.TooManyCodes, match="网络"):
        _request(number="13900009999")
    _request(number="13900009999", address="198.51.100.1")  # another address is not held up


def test_a_taken_number_gets_the_already_registered_message_and_no_code(db, roles, now):
    row, code = _request(number=roles.citizen.phone)
    text = messages_to(roles.citizen.phone)[-1]
    assert code is None and "已经注册过" in text and "忘记密码" in text
    # The stored hash is of a code nobody was sent: nothing typed matches it.
    for guess in ("000000", "123456"):
        with pytest.raises(v.CodeRejected):
            v.complete_registration(row.id, guess, "abc12345")
    assert _accounts(db) == 6  # the roles fixture's accounts, no new one


def test_a_taken_number_costs_the_same_writes_as_a_new_one(db, roles, now):
    new, _ = _request(number="13900003333")
    taken, _ = _request(number=roles.citizen.phone)
    columns = ("purpose", "channel", "address", "attempts", "user_id", "ended_at")
    assert [getattr(new, c) for c in columns] == [getattr(taken, c) for c in columns]
    assert len(messages_to("13900003333")) == len(messages_to(roles.citizen.phone)) == 1


def test_forgotten_password_by_code_ends_every_session(app, db, roles, now):
    citizen = roles.citizen
    token = citizen.session_token
    row, code = _request(number=citizen.phone, purpose=v.RESET)
    assert code and "重新设置" in messages_to(citizen.phone)[-1]
    citizen.failed_logins, citizen.locked_until = 3, clock.now() + timedelta(minutes=30)
    user = v.complete_reset(row.id, code, "newpass123")
    db.session.commit()
    assert user.id == citizen.id and check_password_hash(user.password_hash, "newpass123")
    assert user.session_token != token and not user.is_locked and user.failed_logins == 0
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "user.password_reset_by_code"))


def test_forgotten_password_for_an_unknown_or_staff_number_sends_no_code(db, roles, make_user, now):
    staff = make_user("office", username="clerk", phone="13900004444")
    for number, says in (("13900005555", "还没有注册"), (staff.phone, "联系系统管理员")):
        row, code = _request(number=number, purpose=v.RESET, address=f"198.51.100.{len(number) + len(says)}")
        assert code is None and says in messages_to(number)[-1]
        with pytest.raises(v.CodeRejected):
            v.complete_reset(row.id, "123456", "newpass123")
    assert check_password_hash(db.session.get(User, staff.id).password_hash, "secret123")


def test_a_registration_code_cannot_reset_a_password(db, roles, now):
    row, code = _request(number="13900006666")
    with pytest.raises(v.CodeRejected):
        v.complete_reset(row.id, code, "newpass123")


def test_the_purge_forgets_numbers_of_dead_requests_and_old_rows(db, now):
    row, _ = _request()
    db.session.commit()
    now(11 * 60)
    assert v.purge()["blanked"] == 1
    assert db.session.get(VerificationCode, row.id).target is None
    now(24 * 3600)
    assert v.purge()["purged"] == 1 and messages_to("13900002222") == []


def _real_senders(app):
    """The production backends: texts to a gateway, e-mails through the mail outbox."""
    app.config.update(SMS_BACKEND="http", SMS_GATEWAY_URL="https://sms.example/send", SMS_GATEWAY_TOKEN="t",
                      MAIL_SERVER="smtp.example")


def test_e_mail_codes_still_go_out_after_a_purge_emptied_the_table(app, db, now):
    # SQLite gives id 1 again once every row is purged; the queued mail of the first code
    # stays in the mail outbox, so a key made of the row id met it and every later request
    # for that id answered 503.
    _real_senders(app)
    first = v.request_code(v.REGISTER, "first@example.com", address=ADDRESS)
    db.session.commit()
    now(24 * 3600 + 600)
    assert v.purge()["purged"] == 1
    db.session.commit()
    second = v.request_code(v.REGISTER, "second@example.com", address="198.51.100.9")
    db.session.commit()
    assert second.target == "second@example.com"
    addresses = db.session.scalars(sa.select(OutboundEmail.to_address)).all()
    assert "second@example.com" in addresses, (first.id, second.id)


@pytest.fixture
def gateway(app, db, monkeypatch):
    """A fake SMS gateway noting, for each text it is handed, which statements of the
    request had run by then; ``gateway.fail = True`` makes it refuse."""
    _real_senders(app)
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement.lstrip()[:9].upper())

    class Gateway:
        fail = False
        calls: list[list[str]] = []

        def __call__(self, phone, text):
            self.calls.append(list(statements))
            if self.fail:
                raise sms.SendFailed("HTTP 500")

        def start(self):
            statements.clear()

    fake = Gateway()
    monkeypatch.setattr(sms, "_post_to_gateway", fake)
    sa.event.listen(db.engine, "before_cursor_execute", note)
    yield fake
    sa.event.remove(db.engine, "before_cursor_execute", note)


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))]


def test_the_sms_gateway_is_called_before_anything_is_written(db, now, gateway):
    # On SQLite the first write takes the site-wide writer lock until the commit: a slow
    # gateway would hold every other writer of the site.
    gateway.start()
    row = v.request_code(v.REGISTER, "13900002222", address=ADDRESS)
    db.session.commit()
    now(61)
    gateway.start()
    v.resend(row.id, address=ADDRESS)
    db.session.commit()
    assert len(gateway.calls) == 2
    assert [_writes(call) for call in gateway.calls] == [[], []]


def test_a_refusing_gateway_keeps_nothing(db, now, gateway):
    gateway.fail = True
    with pytest.raises(Unavailable):
        v.request_code(v.REGISTER, "13900002222", address=ADDRESS)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VerificationCode)) == 0
    gateway.fail = False
    row = v.request_code(v.REGISTER, "13900002222", address=ADDRESS)  # no cooldown: nothing was kept
    db.session.commit()
    now(61)
    gateway.fail = True
    with pytest.raises(Unavailable):
        v.resend(row.id, address=ADDRESS)
    db.session.rollback()
    assert db.session.get(VerificationCode, row.id).ended_at is None  # the first code still works


def test_a_new_request_for_the_same_number_voids_the_earlier_code(db, now):
    # From another tab or device, after the cooldown: only the newest code works.
    first_row, first = _request()
    now(61)
    second_row, second = _request()
    with pytest.raises(v.CodeRejected, match="已失效"):
        v.complete_registration(first_row.id, first, "abc12345")
    assert db.session.get(VerificationCode, first_row.id).ended_at is not None
    assert v.complete_registration(second_row.id, second, "abc12345").phone == "13900002222"


def test_a_code_is_void_once_a_newer_row_exists_even_if_it_was_not_ended(db, now):
    # Two requests at the same instant both pass the cooldown; the later row wins.
    first_row, first = _request()
    now(61)
    _request()
    db.session.execute(sa.update(VerificationCode).where(VerificationCode.id == first_row.id).values(ended_at=None))
    db.session.expire_all()
    with pytest.raises(v.CodeRejected):
        v.complete_registration(first_row.id, first, "abc12345")
    assert _accounts(db) == 0


def test_code_e_mails_do_not_stay_in_the_mail_outbox_nor_tell_which_addresses_have_accounts(
        app, db, make_user, now):
    _real_senders(app)
    make_user(email="taken@example.com")
    v.request_code(v.REGISTER, "new@example.com", address=ADDRESS)
    v.request_code(v.REGISTER, "taken@example.com", address=ADDRESS)
    v.request_code(v.RESET, "taken@example.com", address=ADDRESS)
    v.request_code(v.RESET, "nobody@example.com", address=ADDRESS)
    db.session.commit()
    # register: new, taken; reset: taken, unknown — one subject per purpose.
    subjects = list(db.session.scalars(sa.select(OutboundEmail.subject).order_by(OutboundEmail.id)))
    assert len(subjects) == 4 and subjects[0] == subjects[1] != subjects[2] == subjects[3]

    def addresses():
        db.session.expire_all()
        return sorted(db.session.scalars(sa.select(OutboundEmail.to_address)))

    # Sent: gone at the next run (the code may still be used, the mail is not needed).
    db.session.execute(sa.update(OutboundEmail).where(OutboundEmail.to_address == "new@example.com")
                       .values(status=EmailStatus.SENT))
    assert v.purge()["mails"] == 1
    assert "new@example.com" not in addresses()
    # Still unsent when the codes expire: address and text blanked, then deleted.
    now(10 * 60 + 1)
    v.purge()
    assert set(addresses()) == {""}
    assert all(body == "" for body in db.session.scalars(sa.select(OutboundEmail.text_body)))
    v.purge()
    db.session.commit()
    assert addresses() == []
