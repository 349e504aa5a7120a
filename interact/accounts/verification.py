"""One-time codes that prove a phone number or e-mail address: registering a citizen account
and 忘记密码 (setting a new password without the old one).

Nobody learns from these pages whether a number or address has an account: the request
for a code gets the same page, the same writes and one message either way. Only the
message — which only the owner of the number or address reads — says which case it was:

- **register**, no account yet: a 6-digit code; entered with a password within
  :data:`LIFETIME`, it creates the account. Nothing is created before.
- **register**, an account exists: "this number already has an account, use 忘记密码".
- **reset**, an active citizen account: a code; entered with a new password, it sets the
  password and ends every session of the account (also lifting a lock).
- **reset**, no account (or a staff or deactivated one): a message saying so, no code.

In the cases without a code, the row still holds the hash of a random code that was never
sent, so every code typed for it is wrong: the page answers as for a mistyped code.

Rules: the code is stored as a keyed hash; it is void after :data:`LIFETIME`, after
:data:`MAX_TRIES` wrong tries, on first successful use, or once a newer code was sent for
the same number and purpose (from any tab or device); a new code for the same number and
purpose only after :data:`RESEND_AFTER`; at most :data:`PER_IDENTIFIER` codes per number (any purpose) and
:data:`PER_ADDRESS` per client address within each window (besides the route's own rate
limit).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError

from interact.accounts.models import User, VerificationCode
from interact.accounts import services
from interact.core import audit, clock, notify, sms
from interact.core.errors import Conflict, DomainError, InvalidInput, Unavailable
from interact.core.jobs import Job
from interact.core.models import OutboxMessage
from interact.core.privacy import normalize_mobile
from interact.extensions import db

REGISTER = "register"
RESET = "reset"
PURPOSES = (REGISTER, RESET)
LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
RESEND_AFTER = timedelta(seconds=60)
#: (window, most codes) per number or address, and per client address.
PER_IDENTIFIER = ((timedelta(hours=1), 5), (timedelta(days=1), 10))
#: Per address, settings ``CODES_PER_ADDRESS_HOUR`` and ``CODES_PER_ADDRESS_DAY`` (the
#: browser tests play every citizen from one address).
PER_ADDRESS = ((timedelta(hours=1), "CODES_PER_ADDRESS_HOUR"), (timedelta(days=1), "CODES_PER_ADDRESS_DAY"))
#: Rows are kept this long (the longest window), then deleted.
KEEP = timedelta(days=1)
#: The subject of the message (an e-mail's, the outbox's label), the same whether or not
#: the number or address has an account.
SUBJECTS = {REGISTER: "注册账号验证", RESET: "重设密码验证"}
#: Prefix of the mail outbox key of an e-mail with a code (:func:`purge` deletes them).
MAIL_KEY = "code:"

audit.register_actions({
    "user.password_reset_by_code": "凭验证码重设密码",
})


class CodeRejected(DomainError):
    """A wrong, expired, used or void code: the try is counted, so the caller commits."""

    status_code = 422


class TooManyCodes(DomainError):
    status_code = 429


def parse_identifier(text: str | None) -> tuple[str, str]:
    """``("sms", "13912345678")`` or ``("email", "wang@example.com")`` from what was typed.

    :raises InvalidInput: neither a mobile number nor an e-mail address.
    """
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写手机号或电子邮箱。", fields={"identifier": "请填写手机号或电子邮箱"})
    if "@" in text:
        try:
            email = services._clean_email(text)
        except InvalidInput:
            raise InvalidInput("请输入正确的电子邮箱地址。", fields={"identifier": "请输入正确的电子邮箱地址"}) from None
        if not sms.email_available():
            raise InvalidInput("暂时无法向电子邮箱发送验证码，请改用手机号。",
                               fields={"identifier": "请改用手机号"})
        return "email", email
    mobile = normalize_mobile(text)
    if mobile is None:
        message = "请输入正确的 11 位手机号码或电子邮箱地址"
        raise InvalidInput(message + "。", fields={"identifier": message})
    return "sms", mobile


def identifier_key(target: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"verify:" + target.lower().encode(), hashlib.sha256).hexdigest()


def _code_hash(salt: str, code: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return salt + ":" + hmac.new(secret, f"code:{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def _matches(stored: str, code: str) -> bool:
    salt, _, _digest = stored.partition(":")
    return hmac.compare_digest(stored, _code_hash(salt, code))


def new_code() -> str:
    return f"{secrets.randbelow(10 ** 6):06d}"


def masked(channel: str, target: str) -> str:
    """What the page may show of where the code went: ``139****5678``, ``w***@example.com``."""
    if channel == "sms":
        return f"{target[:3]}****{target[-4:]}"
    local, _, domain = target.partition("@")
    return f"{local[:1]}***@{domain}"


def _count(*conditions, since) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(VerificationCode)
                             .where(VerificationCode.created_at >= since, *conditions)) or 0


def _check_limits(purpose: str, key: str, address: str) -> None:
    now = clock.now()
    last = db.session.scalar(sa.select(sa.func.max(VerificationCode.created_at))
                             .where(VerificationCode.identifier_key == key, VerificationCode.purpose == purpose))
    if last is not None:
        if last.tzinfo is None:
            last = last.replace(tzinfo=now.tzinfo)
        wait = int((last + RESEND_AFTER - now).total_seconds() + 0.999)
        if wait > 0:
            raise TooManyCodes(f"验证码已发送，请等 {wait} 秒后再重新获取。如未收到，请先核对号码或邮箱是否填写正确。")
    for window, most in PER_IDENTIFIER:
        if _count(VerificationCode.identifier_key == key, since=now - window) >= most:
            raise TooManyCodes("该手机号或邮箱获取验证码的次数过多，请过一段时间（最长 24 小时）再试。")
    for window, setting in PER_ADDRESS:
        most = int(current_app.config[setting])
        if _count(VerificationCode.address == address, since=now - window) >= most:
            raise TooManyCodes("您所在的网络获取验证码的次数过多，请稍后再试。")


def request_code(purpose: str, identifier: str, *, address: str, display_name: str = "") -> VerificationCode:
    """Send a code (or the message that takes its place) for ``purpose`` to ``identifier``.

    :raises InvalidInput: not a number or address (whatever accounts exist).
    :raises TooManyCodes: within the cooldown or over a limit (counted alike for all).
    :raises Unavailable: the gateway did not take the message; nothing is kept.
    """
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    channel, target = parse_identifier(identifier)
    address = (address or "")[:45]
    key = identifier_key(target)
    _check_limits(purpose, key, address)
    existing = services.find_login(target)
    return _send(purpose, channel, target, key, address=address, display_name=display_name.strip()[:40],
                 existing=existing)


def resend(code_id: int | None, *, address: str) -> VerificationCode:
    """A new code for the same request (the old one is void); the same limits apply."""
    row = db.session.get(VerificationCode, code_id) if code_id else None
    if row is None or row.target is None:
        raise CodeRejected("验证申请已失效，请重新填写手机号或邮箱。")
    address = (address or "")[:45]
    _check_limits(row.purpose, row.identifier_key, address)
    return _send(row.purpose, row.channel, row.target, row.identifier_key, address=address,
                 display_name=row.display_name, existing=services.find_login(row.target))


def _send(purpose: str, channel: str, target: str, key: str, *, address: str, display_name: str,
          existing: User | None) -> VerificationCode:
    code = new_code()
    if purpose == REGISTER:
        kind = "register_taken" if existing is not None else "register"
    elif existing is not None and not existing.is_staff and existing.active:
        kind = "reset"
    else:
        kind = "reset_staff" if existing is not None and existing.is_staff else "reset_unknown"
    sent_code = kind in ("register", "reset")
    minutes = int(LIFETIME.total_seconds() // 60)
    site = current_app.config.get("SITE_NAME", "")
    text = render_template(f"accounts/messages/{kind}.txt", code=code, minutes=minutes, site_name=site,
                           channel=channel, base_url=current_app.config.get("PUBLIC_BASE_URL", "")).strip()
    # One subject per purpose, whatever the case: the mail outbox's subjects must not list
    # which addresses have accounts.
    subject = SUBJECTS[purpose]
    # The message goes out before anything is written: on SQLite the first write takes the
    # site-wide writer lock until the commit, and a text message waits for the gateway's
    # answer (up to SMS_GATEWAY_TIMEOUT) — every other writer would wait with it. If the
    # gateway fails, nothing is written. (An e-mail is only queued in the mail outbox, a
    # write without any outside call.) A key that never repeats: SQLite gives a purged
    # table's ids again, and a queued mail's key is kept while the mail is.
    try:
        sms.deliver(channel, target, subject=subject, text=text, key=MAIL_KEY + secrets.token_hex(12))
    except sms.SendFailed:
        raise Unavailable("验证码暂时无法发送，请稍后再试。") from None
    now = clock.now()
    # A new code voids every earlier one for the same number and purpose (also one asked
    # for from another tab or device); _use also refuses a code once a newer row exists.
    db.session.execute(sa.update(VerificationCode).where(
        VerificationCode.identifier_key == key, VerificationCode.purpose == purpose,
        VerificationCode.ended_at.is_(None)).values(ended_at=now).execution_options(synchronize_session="fetch"))
    row = VerificationCode(
        purpose=purpose, channel=channel, identifier_key=key, target=target, display_name=display_name,
        # Without a code in the message, the stored hash is of a code nobody was sent.
        code_hash=_code_hash(secrets.token_hex(8), code if sent_code else new_code() + "x"),
        user_id=existing.id if kind == "reset" else None, address=address,
        created_at=now, expires_at=now + LIFETIME)
    db.session.add(row)
    db.session.flush()
    return row


def current(code_id: int | None, purpose: str) -> VerificationCode | None:
    """The request the visitor's session points at, while a code may still be entered."""
    row = db.session.get(VerificationCode, code_id) if code_id else None
    if row is None or row.purpose != purpose or row.target is None:
        return None
    return row


def _use(row: VerificationCode | None, code: str) -> VerificationCode:
    """Check ``code`` against the request; the right code ends it (once, even for two
    requests at the same instant), a wrong one counts a try.

    :raises CodeRejected: the caller commits, so the try counts.
    """
    if row is None or row.target is None:
        raise CodeRejected("验证申请已失效，请重新获取验证码。")
    code = "".join(ch for ch in (code or "") if not ch.isspace())
    code = code.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    now = clock.now()
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=now.tzinfo)
    newer = sa.select(VerificationCode.id).where(
        VerificationCode.identifier_key == row.identifier_key, VerificationCode.purpose == row.purpose,
        VerificationCode.id > row.id).limit(1)
    if row.ended_at is not None or db.session.scalar(newer) is not None:
        raise CodeRejected("该验证码已失效（已使用、输错次数过多或已重新获取），请重新获取验证码。")
    if expires <= now:
        raise CodeRejected(f"验证码已过期（有效期 {int(LIFETIME.total_seconds() // 60)} 分钟），请重新获取。")
    if not (len(code) == 6 and code.isdigit() and _matches(row.code_hash, code)):
        tried = sa.update(VerificationCode).where(
            VerificationCode.id == row.id, VerificationCode.ended_at.is_(None),
            VerificationCode.attempts < MAX_TRIES).values(attempts=VerificationCode.attempts + 1)
        db.session.execute(tried.execution_options(synchronize_session=False))
        db.session.refresh(row)
        left = MAX_TRIES - row.attempts
        if left <= 0:
            db.session.execute(sa.update(VerificationCode).where(
                VerificationCode.id == row.id, VerificationCode.ended_at.is_(None)).values(ended_at=now)
                .execution_options(synchronize_session=False))
            db.session.refresh(row)
            raise CodeRejected("验证码输错次数过多，已失效。请重新获取验证码。")
        raise CodeRejected(f"验证码不正确，请核对后重新输入（还可尝试 {left} 次）。")
    ended = sa.update(VerificationCode).where(
        VerificationCode.id == row.id, VerificationCode.ended_at.is_(None)).values(ended_at=now)
    if db.session.execute(ended.execution_options(synchronize_session=False)).rowcount != 1:
        raise CodeRejected("该验证码已使用，请重新获取验证码。")
    db.session.refresh(row)
    return row


def complete_registration(code_id: int | None, code: str, password: str) -> User:
    """Create the account once the code is right (the password is checked first: a weak
    password does not use up a try).

    :raises InvalidInput: weak password. :raises CodeRejected: see :func:`_use`.
    :raises Conflict: the number got an account meanwhile (only the code's owner learns it).
    """
    services.check_password_strength(password)
    row = _use(current(code_id, REGISTER), code)
    password_hash = services.hash_password(password)
    phone, email = (row.target, None) if row.channel == "sms" else (None, row.target)
    user = User(phone=phone, email=email, display_name=row.display_name, is_staff=False, password_hash="")
    services._set_password_hash(user, password_hash)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise Conflict("该手机号或邮箱已有账号，请直接登录；忘记密码可点击“忘记密码”重新设置。") from None
    row.target, row.display_name = None, ""
    audit.record("user.registered", "user", user.id, actor=None)
    return user


def complete_reset(code_id: int | None, code: str, password: str) -> User:
    """Set a new password once the code is right; every session of the account ends and a
    lock is lifted (the owner proved the number). Only a code sent for an active citizen
    account can match.

    :raises InvalidInput: weak password. :raises CodeRejected: see :func:`_use`.
    """
    services.check_password_strength(password)
    row = _use(current(code_id, RESET), code)
    user = db.session.get(User, row.user_id) if row.user_id else None
    row.target, row.display_name = None, ""
    if user is None or user.is_staff or not user.active:
        raise CodeRejected("验证申请已失效，请重新获取验证码。")
    services._set_password(user, password)  # ends every session of the account
    user.failed_logins = 0
    user.locked_until = None
    audit.record("user.password_reset_by_code", "user", user.id, actor=None)
    return user


def purge() -> dict[str, int]:
    """Scheduled job: blank the number or address of requests that can no longer be used,
    delete rows (and outbox messages) older than :data:`KEEP`; delete the code e-mails of the
    mail outbox once sent or given up, and give up (blanking address and text) those still
    unsent when their code expired (deleted at the next run: a send job that holds one
    meanwhile finds it still there)."""
    now = clock.now()
    mails = notify.forget_mails(MAIL_KEY, unsent_before=now - LIFETIME)
    blanked = db.session.execute(
        sa.update(VerificationCode)
        .where(VerificationCode.target.is_not(None),
               sa.or_(VerificationCode.ended_at.is_not(None), VerificationCode.expires_at <= now))
        .values(target=None, display_name="")).rowcount or 0
    deleted = db.session.execute(sa.delete(VerificationCode).where(VerificationCode.created_at < now - KEEP)).rowcount or 0
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.created_at < now - KEEP))
    return {"blanked": blanked, "purged": deleted, "mails": mails}


JOBS = [
    Job("accounts.purge_codes", purge, {"trigger": "cron", "minute": "*/10"},
        "清理过期的验证码记录", {"blanked": "已清除号码", "purged": "已删除", "mails": "已删除验证码邮件"}),
]
