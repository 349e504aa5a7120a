"""Log-in throttling that slows an attacker without letting a stranger lock an account.

Every failed log-in is recorded under a keyed hash of what was typed as the account (known
or not, so the counts reveal nothing) and under the client's address. From those:

- **captcha** — after :data:`CAPTCHA_AFTER_ACCOUNT` failures for the typed account, or
  :data:`CAPTCHA_AFTER_ADDRESS` from the address, within :data:`WINDOW`, the log-in form
  asks for a captcha. The owner can still log in; a script has to solve images.
- **delay per address** — beyond :data:`DELAY_AFTER_ADDRESS` failures from one address in
  the window, that address waits 2, 4, 8 … seconds (at most :data:`MAX_DELAY`) between
  attempts. Only the address that fails waits, never the account's owner elsewhere.
- **lock** — an existing account is locked for :data:`LOCK_DURATION` only after
  :data:`LOCK_FAILURES` failures from at least :data:`LOCK_ADDRESSES` different addresses
  within :data:`LOCK_WINDOW` (a distributed guessing attack). The lock is audited and the
  office and administrators are notified; an administrator can unlock at once.

The Flask-Limiter limit per address on the log-in route stays in front of all this. An
"address" is the client's IPv4 address or its IPv6 /64 network
(:func:`interact.extensions.client_address`).
"""
from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from interact.accounts.models import LoginFailure
from interact.core import clock
from interact.core.privacy import normalize_mobile
from interact.core.jobs import Job
from interact.extensions import db

WINDOW = timedelta(minutes=15)
CAPTCHA_AFTER_ACCOUNT = 3
CAPTCHA_AFTER_ADDRESS = 5
DELAY_AFTER_ADDRESS = 5
MAX_DELAY = timedelta(minutes=5)
LOCK_WINDOW = timedelta(hours=1)
LOCK_FAILURES = 20
LOCK_ADDRESSES = 5
LOCK_DURATION = timedelta(minutes=30)


def account_key(identifier: str | None) -> str:
    """A keyed hash of the typed account, normalised as log-in finds accounts."""
    text = (identifier or "").strip()
    text = normalize_mobile(text) or text.lower()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"login:" + text.encode(), hashlib.sha256).hexdigest()


def _count(*conditions, since) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.at >= since, *conditions)
    ) or 0


def record_failure(identifier: str | None, address: str) -> None:
    db.session.add(LoginFailure(account_key=account_key(identifier), address=address[:45], at=clock.now()))
    db.session.flush()


def captcha_required(identifier: str | None, address: str) -> bool:
    since = clock.now() - WINDOW
    if _count(LoginFailure.address == address, since=since) >= CAPTCHA_AFTER_ADDRESS:
        return True
    return bool(identifier) and _count(LoginFailure.account_key == account_key(identifier),
                                       since=since) >= CAPTCHA_AFTER_ACCOUNT


def wait_seconds(address: str) -> int:
    """Seconds this address must still wait before its next attempt (0: go ahead)."""
    now = clock.now()
    since = now - WINDOW
    failures = _count(LoginFailure.address == address, since=since)
    if failures < DELAY_AFTER_ADDRESS:
        return 0
    delay = min(timedelta(seconds=2 ** (failures - DELAY_AFTER_ADDRESS + 1)), MAX_DELAY)
    last = db.session.scalar(sa.select(sa.func.max(LoginFailure.at)).where(LoginFailure.address == address))
    if last is None:
        return 0
    if last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    return max(0, math.ceil((last + delay - now).total_seconds()))


def distributed_attack(identifier: str | None) -> bool:
    """Many failures for this account from many addresses within the lock window."""
    since = clock.now() - LOCK_WINDOW
    key = account_key(identifier)
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(LoginFailure.address)))
        .where(LoginFailure.account_key == key, LoginFailure.at >= since)
    ).one()
    return row[0] >= LOCK_FAILURES and row[1] >= LOCK_ADDRESSES


def clear_account(identifier: str | None) -> None:
    """After a successful log-in the account's own failures no longer count."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.account_key == account_key(identifier)))


def purge() -> dict[str, int]:
    """Scheduled job: forget failures older than any window."""
    cutoff = clock.now() - max(WINDOW, LOCK_WINDOW)
    result = db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < cutoff))
    return {"purged": result.rowcount or 0}


JOBS = [
    Job("accounts.purge_login_failures", purge, {"trigger": "cron", "minute": 25},
        "清理过期的登录失败记录", {"purged": "已清理"}),
]
