"""Log-in reveals nothing and cannot be used to lock a named account: the same answer for
known and unknown accounts, a captcha after failures, a delay for the failing address only,
and a lock only under failures from many addresses (audited, the office told, staff unlock)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from interact.accounts import services, throttle
from interact.core import captcha, clock
from interact.core.models import AuditEvent, Notification


@pytest.fixture
def throttled(app, frozen):
    """Throttling on its own: the per-address rate limit out of the way, captcha images
    answerable by the test."""
    app.config.update(RATELIMIT_LOGIN="1000 per minute", CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True)
    frozen(2026, 11, 30, 10)
    return app


def attempt(client, identifier, password, address="10.0.0.1", **extra):
    return client.post("/login", data={"identifier": identifier, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": address})


def captcha_answer(client, address="10.0.0.1") -> str:
    return client.get("/captcha.png", environ_base={"REMOTE_ADDR": address}).headers[captcha.TEST_ANSWER_HEADER]


def error_text(response) -> str:
    html = response.get_data(as_text=True)
    return " ".join(part.strip() for part in html.split('class="error"')[1:])[:200]


def test_known_and_unknown_accounts_get_the_same_answers(throttled, client, roles):
    """Every attempt, the first and the tenth, answers alike for 'office' and 'ghost'."""
    for n in range(6):
        clock.advance(timedelta(minutes=10))  # past any delay
        known = attempt(client, "office", "wrong-1234", address=f"10.0.1.{n}")
        unknown = attempt(client, "ghost", "wrong-1234", address=f"10.0.2.{n}")
        assert known.status_code == unknown.status_code
        assert error_text(known).replace("office", "ghost") == error_text(unknown).replace("office", "ghost")
        assert ('name="captcha"' in known.get_data(as_text=True)) == ('name="captcha"' in unknown.get_data(as_text=True))
        assert "还可尝试" not in known.get_data(as_text=True)


def test_unknown_account_costs_a_password_check_too(app, db, roles, monkeypatch):
    checks = []
    original = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: checks.append(h) or original(h, p))
    for identifier in ("office", "ghost"):
        with pytest.raises(services.LoginFailed, match="^账号或密码错误。$"):
            services.authenticate(identifier, "wrong-1234", address="10.0.0.9")
    assert len(checks) == 2 and checks[1].startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0])


def test_captcha_after_failures_and_the_owner_still_gets_in(throttled, client, roles, db):
    for n in range(throttle.CAPTCHA_AFTER_ACCOUNT):
        attempt(client, "office", "wrong-1234", address=f"10.9.0.{n}")
    owner = client.application.test_client()
    page = owner.get("/login").get_data(as_text=True)
    assert 'name="captcha"' not in page  # nothing is asked before the account is typed
    response = attempt(owner, "office", "secret123", address="10.8.0.1")
    assert response.status_code == 422 and 'name="captcha"' in response.get_data(as_text=True)
    answer = captcha_answer(owner, "10.8.0.1")
    response = attempt(owner, "office", "secret123", address="10.8.0.1", captcha=answer)
    assert response.status_code == 302
    db.session.refresh(roles.office)
    assert roles.office.locked_until is None


def test_one_stranger_cannot_lock_an_account(throttled, client, roles, db):
    for _ in range(40):
        clock.advance(throttle.MAX_DELAY)
        answer = captcha_answer(client, "10.6.6.6")
        attempt(client, "admin", "wrong-1234", address="10.6.6.6", captcha=answer)
    db.session.refresh(roles.admin)
    assert not roles.admin.is_locked
    owner = client.application.test_client()
    answer = captcha_answer(owner, "10.1.1.1")
    assert attempt(owner, roles.admin.username, "secret123", address="10.1.1.1", captcha=answer).status_code == 302


def test_failing_address_waits_longer_each_time_others_do_not(throttled, client, roles):
    for _ in range(throttle.DELAY_AFTER_ADDRESS):
        attempt(client, "ghost", "wrong-1234", address="10.7.7.7", captcha=captcha_answer(client, "10.7.7.7"))
    response = attempt(client, "ghost", "wrong-1234", address="10.7.7.7")
    assert response.status_code == 429 and "秒后再试" in response.get_data(as_text=True)
    assert throttle.wait_seconds("10.7.7.7") == 2
    clock.advance(timedelta(seconds=3))
    attempt(client, "ghost", "wrong-1234", address="10.7.7.7", captcha=captcha_answer(client, "10.7.7.7"))
    assert throttle.wait_seconds("10.7.7.7") == 4
    # Another address is not slowed down.
    other = client.application.test_client()
    assert attempt(other, roles.office.username, "secret123", address="10.7.7.8").status_code == 302


def test_distributed_attack_locks_the_account_and_tells_the_office(throttled, client, roles, db):
    addresses = [f"10.5.0.{n}" for n in range(throttle.LOCK_ADDRESSES)]
    per_address = throttle.LOCK_FAILURES // len(addresses)
    for address in addresses:
        for _ in range(per_address):
            clock.advance(timedelta(seconds=40))
            response = attempt(client, roles.handler_a.username, "wrong-1234", address=address,
                               captcha=captcha_answer(client, address))
            assert "锁定" not in response.get_data(as_text=True)  # an attacker is not told
    db.session.refresh(roles.handler_a)
    assert roles.handler_a.is_locked
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.locked",
                                                         AuditEvent.target_id == roles.handler_a.id))
    told = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "user.locked")))
    assert {roles.office.id, roles.admin.id} <= told

    owner = client.application.test_client()
    response = attempt(owner, roles.handler_a.username, "secret123", address="10.4.4.4",
                       captcha=captcha_answer(owner, "10.4.4.4"))
    assert response.status_code == 401 and "锁定" in response.get_data(as_text=True)  # only with the password
    response = attempt(owner, roles.handler_a.username, "wrong-9999", address="10.4.4.4",
                       captcha=captcha_answer(owner, "10.4.4.4"))
    assert "账号或密码错误" in response.get_data(as_text=True) and "锁定" not in response.get_data(as_text=True)

    services.unlock_user(roles.handler_a, actor=roles.admin)
    db.session.commit()
    response = attempt(owner, roles.handler_a.username, "secret123", address="10.4.4.4",
                       captcha=captcha_answer(owner, "10.4.4.4"))
    assert response.status_code == 302


def test_failures_keep_no_personal_data_and_are_purged(throttled, client, roles, db):
    from interact.accounts.models import LoginFailure

    attempt(client, "13900001111", "wrong-1234")
    row = db.session.scalar(sa.select(LoginFailure))
    assert "13900001111" not in row.account_key and len(row.account_key) == 64
    clock.advance(throttle.LOCK_WINDOW + timedelta(minutes=1))
    assert throttle.purge() == {"purged": 1}


def test_addresses_of_one_ipv6_network_count_as_one_client(throttled, client, roles):
    """Every connection gets a /64: a password spray moving through it is slowed as if from
    one address (attack L2) — the captcha after five failures, then the delay."""
    for n in range(throttle.CAPTCHA_AFTER_ADDRESS):
        response = attempt(client, f"spray{n}@example.com", "Passw0rd2026", address=f"2001:db8:7:2::{n + 1:x}")
        assert response.status_code == 401
    response = attempt(client, "spray9@example.com", "Passw0rd2026", address="2001:db8:7:2:ffff::9")
    assert 'name="captcha"' in response.get_data(as_text=True)
    # Another /64 is another client.
    assert attempt(client, "spray10@example.com", "Passw0rd2026", address="2001:db8:7:3::1").status_code == 401


def test_the_per_address_limit_counts_an_ipv6_network_once(app, client, roles):
    app.config.update(RATELIMIT_LOGIN="3 per minute")
    statuses = [attempt(client, "ghost", "wrong-1234", address=f"2001:db8:9:1::{n + 1:x}").status_code
                for n in range(4)]
    assert statuses[-1] == 429


@pytest.mark.parametrize(("address", "counted_as"), [
    ("2001:db8:7:2::1", "2001:db8:7:2::/64"),
    ("::ffff:198.51.100.7", "198.51.100.7"),
    # IPv4 citizens behind an IPv6-only front end (NAT64, SIIT): each keeps its own address,
    # not one key for all of them (review of L2).
    ("64:ff9b::c633:6407", "198.51.100.7"),
    ("64:ff9b::cb00:7101", "203.0.113.1"),
    ("::ffff:0:c633:6407", "198.51.100.7"),
    ("::1", "::1"),
])
def test_the_address_a_limit_counts(app, address, counted_as):
    from interact.extensions import client_address

    with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
        assert client_address() == counted_as
