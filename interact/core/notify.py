"""Notifications: the staff in-app inbox (通知) and the e-mail outbox.

Calling it (from a service or a job; the caller owns the transaction and commits)::

    from interact.core import notify

    notify.notify(handlers, kind="letter.overdue", title="来信已超期：XX2026…",
                  url=f"/staff/letters/{letter.id}", dedup_key=f"letter:{letter.id}:overdue")
    notify.email_citizen(letter.email, subject="您的来信已答复", template="letter_answered",
                         context={"letter_number": …, "url": …}, dedup_key=f"letter:{letter.id}:answered")

Both only add rows (``flush``, never ``commit``) and never raise because of mail.

- :func:`notify` creates one :class:`~interact.core.models.Notification` per active user;
  with a ``dedup_key`` it creates at most one per (user, key) — the unique constraint
  skips a pair already there (``ON CONFLICT DO NOTHING``), also one written a moment ago
  by another process — so a job that runs twice notifies once. :func:`notify_all` writes
  many notices in one statement (jobs that notify per letter, in batches). When
  ``MAIL_SERVER`` is configured it also queues an
  :class:`~interact.core.models.OutboundEmail` copy for users with an e-mail address.
- :func:`email_citizen` queues a mail to a citizen rendered from
  ``templates/email/<template>.txt`` and ``.html``.

Delivery design (one path, no threads in web workers): rows are only queued here; the
scheduler job ``notify.send_mail`` (every minute, see :data:`JOBS`) calls
:func:`send_pending`, which sends through SMTP, retries failures with back-off
(:data:`BACKOFF_MINUTES`) and gives up after :data:`MAX_ATTEMPTS`. A web request therefore
never waits for, or fails because of, a mail server, and the in-app copy exists whatever
happens to the mail. ``flask --app interact run-job notify.send_mail`` flushes the outbox at
once.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import sqlalchemy as sa
from flask import current_app
from jinja2 import TemplateError
from sqlalchemy.exc import IntegrityError

from interact.core import clock
from interact.core.jobs import Job
from interact.core.models import EmailStatus, Notification, OutboundEmail
from interact.extensions import db
from interact.core.lookup import get_or_404

log = logging.getLogger(__name__)

#: Attempts before a mail is marked failed for good.
MAX_ATTEMPTS = 6
#: Wait before the next attempt, by number of failed attempts so far (minutes).
BACKOFF_MINUTES = (1, 5, 15, 60, 240)


def mail_enabled() -> bool:
    """Whether e-mail is configured (``MAIL_SERVER``); otherwise in-app notices only."""
    return bool(current_app.config.get("MAIL_SERVER"))


def _one_line(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def _absolute(url: str | None) -> str | None:
    if not url:
        return None
    if url.startswith(("http://", "https://")):
        return url
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}/{url.lstrip('/')}"


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render ``email/<template>.txt`` and ``.html`` without a request (no context processors)."""
    env = current_app.jinja_env
    context = {
        "site_name": current_app.config.get("SITE_NAME", ""),
        "city_name": current_app.config.get("CITY_NAME", ""),
        "home_url": _absolute("/"),
        **context,
    }
    text = env.get_template(f"email/{template}.txt").render(context)
    html = env.get_template(f"email/{template}.html").render(context)
    return text, html


def _valid_address(address: str | None) -> bool:
    if not address or len(address) > 254 or any(c in address for c in "\r\n<>,;"):
        return False
    _, parsed = parseaddr(address)
    return parsed == address and "@" in address and "." in address.rsplit("@", 1)[-1]


def _subject(title: str) -> str:
    site = current_app.config.get("SITE_NAME", "")
    return _one_line(f"【{site}】{title}" if site else title, 200)


@dataclass(frozen=True)
class Notice:
    """One notice for several users (see :func:`notify`); :func:`notify_all` writes many at once."""

    users: Sequence[Any]
    kind: str
    title: str
    body: str = ""
    url: str | None = None
    dedup_key: str | None = None


def notify(
    users: Iterable[Any],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str | None = None,
    dedup_key: str | None = None,
) -> int:
    """Put a notice in each active user's inbox (and queue an e-mail copy when configured).

    :param users: recipients; inactive accounts and duplicates are skipped.
    :param kind: dotted kind (``letter.overdue``), used for filtering and icons.
    :param url: site-relative link to the object.
    :param dedup_key: idempotency key; a (user, key) pair is notified at most once.
    :returns: the number of notices created (0 when all were already there).
    """
    return notify_all([Notice(tuple(users), kind, title, body, url, dedup_key)])


#: The columns a notice is written with (:func:`notify_all`).
_COLUMNS = ("user_id", "kind", "title", "body", "url", "dedup_key", "created_at")
_INSERTS: dict[str, Any] = {}


def _insert_new_notifications(dialect: str):
    """``INSERT … ON CONFLICT (user_id, dedup_key) DO NOTHING RETURNING …``: a (user, key)
    pair already notified — by an earlier run or by another process a moment ago — is
    skipped by the database itself, without failing the caller's transaction. (A NULL key
    never conflicts: every call without one is a new notice.)

    PostgreSQL takes the rows as one array per column (``INSERT … SELECT * FROM
    unnest(…)``): one short statement whatever the number of rows, where a multi-row
    ``VALUES`` has seven parameters per row for the server to parse and plan — the deadline
    sweep's 36,000 notices over a backlog took 6.0 s that way at 1,000,000 letters. SQLite
    takes the rows as an ``executemany`` (a multi-row ``VALUES``). Built once per dialect."""
    if dialect not in _INSERTS:
        table = Notification.__table__
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY, insert

            arrays = sa.func.unnest(*[sa.bindparam(name, type_=ARRAY(table.c[name].type)) for name in _COLUMNS])
            rows = arrays.table_valued(*_COLUMNS).render_derived()
            statement = insert(table).from_select(list(_COLUMNS), sa.select(*[rows.c[name] for name in _COLUMNS]))
        else:
            from sqlalchemy.dialects.sqlite import insert

            statement = insert(table)
        _INSERTS[dialect] = (statement.on_conflict_do_nothing(index_elements=["user_id", "dedup_key"])
                             .returning(table.c.id, table.c.user_id, table.c.title, table.c.body, table.c.url))
    return _INSERTS[dialect]


def notify_all(notices: Iterable[Notice]) -> int:
    """:func:`notify` for many notices in one statement (the deadline sweep's batches):
    the rows are inserted together, duplicates skipped by the unique (user, key)
    constraint, e-mail copies queued for the rows created. Flushes, never commits.

    :returns: the number of notices created."""
    rows: list[dict[str, Any]] = []
    users: dict[int, Any] = {}
    for notice in notices:
        seen: set[int] = set()
        for user in notice.users:
            if user is None or getattr(user, "id", None) is None or not user.active or user.id in seen:
                continue
            seen.add(user.id)
            users[user.id] = user
            rows.append({"user_id": user.id, "kind": notice.kind[:48], "title": _one_line(notice.title, 200),
                         "body": notice.body or "", "url": notice.url,
                         "dedup_key": notice.dedup_key[:160] if notice.dedup_key else None,
                         "created_at": clock.now()})
    if not rows:
        return 0
    db.session.flush()  # pending ORM rows first (a user created in this transaction)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        created = db.session.execute(_insert_new_notifications(dialect),
                                     {name: [row[name] for row in rows] for name in _COLUMNS}).all()
    else:
        created = db.session.execute(_insert_new_notifications(dialect), rows).all()
    if mail_enabled():
        for notification_id, user_id, title, body, url in created:
            if users[user_id].email:
                _queue_copy(users[user_id], notification_id, title, body, url)
        db.session.flush()
    return len(created)


def _queue_copy(user, notification_id: int, title: str, body: str, url: str | None) -> None:
    """Queue the e-mail copy of an in-app notice; a rendering problem is logged, not raised."""
    try:
        text, html = _render(
            "notification",
            {"user": user, "title": title, "body": body, "url": _absolute(url)},
        )
    except TemplateError:
        log.exception("Could not render the e-mail for notification %s", notification_id)
        return
    if not _valid_address(user.email):
        log.warning("User %s has an unusable e-mail address; in-app notice only", user.id)
        return
    db.session.add(
        OutboundEmail(
            to_address=user.email,
            subject=_subject(title),
            text_body=text,
            html_body=html,
            dedup_key=f"notification:{notification_id}",
            notification_id=notification_id,
            next_attempt_at=clock.now(),
        )
    )


def email_citizen(address: str, *, subject: str, template: str, context: dict, dedup_key: str) -> bool:
    """Queue an e-mail to a citizen (e.g. "your letter's answer is published").

    Renders ``templates/email/<template>.txt`` and ``.html`` with ``context``.

    :returns: ``True`` if queued; ``False`` if mail is not configured, the address is
        unusable, the template fails, or a mail with ``dedup_key`` was already queued.
    """
    if not mail_enabled() or not _valid_address((address or "").strip()):
        return False
    address = address.strip()
    dedup_key = dedup_key[:200]
    if db.session.scalar(db.select(OutboundEmail.id).where(OutboundEmail.dedup_key == dedup_key)):
        return False
    try:
        text, html = _render(template, dict(context))
    except TemplateError:
        log.exception("Could not render e-mail template %s", template)
        return False
    mail = OutboundEmail(to_address=address, subject=_subject(subject), text_body=text, html_body=html,
                         dedup_key=dedup_key, next_attempt_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(mail)
    except IntegrityError:
        return False
    return True


def forget_mails(key_prefix: str, *, unsent_before: datetime) -> int:
    """Delete the queued mails whose key starts with ``key_prefix`` once sent or given up,
    and give up (blanking address and text) those still unsent created before
    ``unsent_before`` — deleted at the next call, so a send run holding one meanwhile
    still finds its row. For mail that must not outlive its use (one-time codes).

    :returns: the number of mails deleted. Flushes; the caller commits.
    """
    keyed = OutboundEmail.dedup_key.startswith(key_prefix, autoescape=True)
    deleted = db.session.execute(db.delete(OutboundEmail).where(
        keyed, OutboundEmail.status.in_((EmailStatus.SENT, EmailStatus.FAILED)))).rowcount or 0
    db.session.execute(db.update(OutboundEmail).where(
        keyed, OutboundEmail.status == EmailStatus.PENDING, OutboundEmail.created_at < unsent_before)
        .values(status=EmailStatus.FAILED, to_address="", text_body="", html_body="", last_error="expired")
        .execution_options(synchronize_session=False))
    return deleted


# --- sending -----------------------------------------------------------------------------


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), config.get("MAIL_TIMEOUT") or 10
    if config.get("MAIL_USE_SSL"):
        connection: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                    context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            connection.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        connection.close()
        raise
    return connection


def build_message(mail: OutboundEmail) -> EmailMessage:
    """The multipart (plain text + HTML) message for an outbox row."""
    sender = current_app.config.get("MAIL_SENDER") or "noreply@localhost"
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(idstring=f"outbox{mail.id}", domain=domain)
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    return message


def _record_failure(mail: OutboundEmail, error: BaseException, *, permanent: bool = False) -> str:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:2000]
    if permanent or mail.attempts >= MAX_ATTEMPTS:
        mail.status = EmailStatus.FAILED
        log.error("Giving up on e-mail %s: %s", mail.id, _log_reason(error))
        return "failed"
    wait = BACKOFF_MINUTES[min(mail.attempts, len(BACKOFF_MINUTES)) - 1]
    mail.next_attempt_at = clock.now() + timedelta(minutes=wait)
    log.warning("E-mail %s failed (attempt %s), retry in %s min: %s",
                mail.id, mail.attempts, wait, _log_reason(error))
    return "retried"


def _log_reason(error: BaseException) -> str:
    """The error's kind and SMTP code for the log: never its text, which may name the
    recipient (``SMTPRecipientsRefused`` carries the address). The full text stays on the
    row, visible to the admin only."""
    code = getattr(error, "smtp_code", None)
    if code is None and isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code = next(iter(error.recipients.values()))[0]
    return f"{type(error).__name__}" + (f" (SMTP {code})" if code else "")


def _permanent(error: BaseException) -> bool:
    """A refusal that retrying will not fix: every recipient refused with a 5xx code."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    return False


def send_pending(limit: int = 100) -> dict[str, int]:
    """Send queued e-mails that are due; record each outcome on its row.

    One SMTP connection per batch. A failure is recorded on the row (attempts, last
    error, next attempt after back-off; failed after :data:`MAX_ATTEMPTS` or a permanent
    refusal). Never raises into the caller; flushes, the caller commits.

    :returns: counts ``sent``, ``retried``, ``failed`` and ``due`` (rows looked at).
    """
    counts = {"due": 0, "sent": 0, "retried": 0, "failed": 0}
    if not mail_enabled():
        return counts
    try:
        rows = list(
            db.session.scalars(
                db.select(OutboundEmail)
                .where(OutboundEmail.status == EmailStatus.PENDING, OutboundEmail.next_attempt_at <= clock.now())
                .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
                .limit(limit)
            )
        )
        counts["due"] = len(rows)
        connection: smtplib.SMTP | None = None
        connect_error: BaseException | None = None
        try:
            for mail in rows:
                if connect_error is not None:
                    counts[_record_failure(mail, connect_error)] += 1
                    continue
                try:
                    if connection is None:
                        connection = _connect()
                except (OSError, smtplib.SMTPException) as error:
                    connect_error = error
                    counts[_record_failure(mail, error)] += 1
                    continue
                try:
                    connection.send_message(build_message(mail))
                except (OSError, smtplib.SMTPException, ValueError) as error:
                    counts[_record_failure(mail, error, permanent=_permanent(error))] += 1
                    if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                        _close(connection)
                        connection = None
                else:
                    mail.attempts += 1
                    mail.status = EmailStatus.SENT
                    mail.sent_at = clock.now()
                    mail.last_error = ""
                    counts["sent"] += 1
        finally:
            _close(connection)
        db.session.flush()
    except Exception:  # never break the job or request that asked for the mail
        log.exception("send_pending failed")
    return counts


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def send_mail_job() -> dict[str, int]:
    """Scheduler job: flush the outbox."""
    return send_pending()


def retry_failed(mail_id: int) -> OutboundEmail:
    """Put a failed mail back in the queue (admin action)."""
    mail = get_or_404(OutboundEmail, mail_id, "该邮件不存在。")
    mail.status = EmailStatus.PENDING
    mail.attempts = 0
    mail.next_attempt_at = clock.now()
    db.session.flush()
    return mail


def outbox_counts() -> dict[str, int]:
    """Number of outbox rows per status (for the job-runs page)."""
    rows = db.session.execute(
        db.select(OutboundEmail.status, db.func.count(OutboundEmail.id)).group_by(OutboundEmail.status)
    ).all()
    counts = {status.value: 0 for status in EmailStatus}
    counts.update({status.value: n for status, n in rows})
    return counts


# --- inbox ---------------------------------------------------------------------------------


def unread_count(user) -> int:
    if user is None or getattr(user, "id", None) is None:
        return 0
    return db.session.scalar(
        db.select(db.func.count(Notification.id)).where(Notification.user_id == user.id,
                                                        Notification.read_at.is_(None))
    ) or 0


def inbox(user, *, unread_only: bool = False, page: int = 1, per_page: int = 30):
    """The user's notices, newest first (a Flask-SQLAlchemy pagination)."""
    stmt = db.select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def mark_read(user, notification_id: int) -> Notification:
    """Mark one of the user's own notices read (another user's notice is "not found").

    Reading one's own inbox is not a business state change, so it is not audited; the
    ``read_at`` time is the record.
    """
    notification = get_or_404(Notification, notification_id, "该通知不存在。",
                              where=lambda notification: notification.user_id == user.id)
    if notification.read_at is None:
        notification.read_at = clock.now()
        db.session.flush()
    return notification


def mark_read_about(url: str, *, user=None) -> int:
    """Mark read the unread notices that link to ``url``: ``user``'s when they open that page,
    or everybody's when what the notices announced has been dealt with (a step on the letter
    they are about: a colleague answered it, the office moved it to another department).
    The queues and the page itself say what is still to do; a notice is news, and stale news
    left unread hides the new. Flushes, never commits; no write when nothing is unread.

    :returns: how many notices were marked read."""
    return mark_ids_read(unread_about(url, user=user))


def unread_about(url: str, *, user=None) -> list[int]:
    """The ids of the unread notices that link to ``url`` (``user``'s only, when given)."""
    if not url:
        return []
    unread = sa.select(Notification.id).where(Notification.url == url, Notification.read_at.is_(None))
    if user is not None:
        if getattr(user, "id", None) is None:
            return []
        unread = unread.where(Notification.user_id == user.id)
    return list(db.session.scalars(unread))


def mark_ids_read(ids: Sequence[int]) -> int:
    """Mark the notices ``ids`` read (those still unread). Flushes, never commits.

    :returns: how many ids were given."""
    if not ids:
        return 0
    db.session.execute(
        db.update(Notification).where(Notification.id.in_(ids), Notification.read_at.is_(None))
        .values(read_at=clock.now()).execution_options(synchronize_session="fetch")
    )
    return len(ids)


def mark_all_read(user) -> int:
    """Mark every unread notice of the user read; returns how many."""
    result = db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def header_counts(user) -> dict[str, int]:
    """Context contributor: the unread count shown in the header (``inbox_unread``)."""
    return {"inbox_unread": unread_count(user)}


JOBS = [
    Job("notify.send_mail", send_mail_job, {"trigger": "interval", "minutes": 1},
        "发送待发邮件（失败按间隔自动重试）",
        {"due": "待发送", "sent": "已发送", "retried": "将重试", "failed": "发送失败"}),
]
