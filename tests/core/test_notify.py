"""Notifications: in-app inbox, outbox and SMTP delivery against a real local SMTP server."""
from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from interact.core.errors import NotFound
from interact.core import clock, notify
from interact.core.models import EmailStatus, Notification, OutboundEmail
from tests import sql
from tests.helpers import assert_inert_html

BADINPUT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "badinput"


class Sink:
    """aiosmtpd handler keeping received messages; can refuse or defer on demand."""

    def __init__(self):
        self.messages = []
        self.defer = 0  # answer DATA with 451 this many times
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.defer > 0:
                self.defer -= 1
                return "451 4.3.0 Try again later"
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    yield sink
    controller.stop()


def test_notify_creates_inbox_rows_and_dedups(roles, db, frozen):
    frozen(2026, 3, 2, 9)
    users = [roles.handler_a, roles.handler_b, roles.handler_a]
    assert notify.notify(users, kind="letter.overdue", title="来信已超期", url="/staff/x", dedup_key="letter:1:overdue") == 2
    assert notify.notify(users, kind="letter.overdue", title="来信已超期", dedup_key="letter:1:overdue") == 0
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 2
    # Without a key, every call is a new notice.
    assert notify.notify([roles.office], kind="x", title="a") == 1
    assert notify.notify([roles.office], kind="x", title="a") == 1
    assert notify.unread_count(roles.office) == 2


def test_many_notices_are_written_in_one_statement_each_pair_once_with_its_mail(roles, db, smtp, frozen):
    """``notify_all`` (the deadline sweep's batches): one INSERT for every notice, whatever
    their number; a (user, key) pair already there, or twice in the batch, is written once,
    inactive users get nothing, and only the notices created get an e-mail copy."""
    import sqlalchemy as sa

    frozen(2026, 3, 2, 9)
    roles.handler_a.email, roles.handler_b.email = "a@example.com", "b@example.com"
    roles.handler_b.active = False
    db.session.commit()
    notify.notify([roles.handler_a], kind="letter.overdue", title="早先的提醒", dedup_key="letter:0:overdue")
    notices = [notify.Notice([roles.handler_a, roles.handler_b, roles.office], kind="letter.overdue",
                             title=f"来信已逾期（红牌）：第{n}封\n", body="来信标题", url=f"/staff/letters/{n}",
                             dedup_key=f"letter:{n}:overdue")
               for n in [*range(300), 0, 5]]
    with sql.captured(lambda text: text.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS")) as inserts:
        created = notify.notify_all(notices)
    db.session.commit()
    assert created == 300 + 299  # handler_a's letter:0 existed; handler_b is inactive; repeats once
    assert len(inserts) == 1
    rows = db.session.execute(sa.select(Notification.user_id, Notification.dedup_key, Notification.title,
                                        Notification.created_at)).all()
    assert len(rows) == len({(user, key) for user, key, *_ in rows}) == 600
    assert {user for user, *_ in rows} == {roles.handler_a.id, roles.office.id}
    by_key = {(user, key): (title, at) for user, key, title, at in rows}
    assert by_key[(roles.office.id, "letter:7:overdue")] == ("来信已逾期（红牌）：第7封", clock.now())
    assert by_key[(roles.handler_a.id, "letter:0:overdue")][0] == "早先的提醒"
    mails = db.session.scalars(sa.select(OutboundEmail.to_address)).all()
    assert mails.count("a@example.com") == 1 + 299 and "b@example.com" not in mails


def test_notify_skips_inactive_users(roles, db):
    roles.handler_b.active = False
    db.session.commit()
    assert notify.notify([roles.handler_a, roles.handler_b], kind="k", title="t", dedup_key="k1") == 1


def test_dedup_race_keeps_callers_transaction(roles, db, monkeypatch):
    """A concurrent insert of the same (user, key) loses only its own row (savepoint)."""
    db.session.add(Notification(user_id=roles.handler_a.id, kind="k", title="别处先写入", dedup_key="race"))
    db.session.flush()
    # Simulate the race: the pre-check misses the row another process has just written.
    original = db.session.scalars

    def blind(stmt, *a, **kw):
        if "notifications" in str(stmt) and "dedup_key" in str(stmt):
            return iter(())
        return original(stmt, *a, **kw)

    monkeypatch.setattr(db.session, "scalars", blind)
    created = notify.notify([roles.handler_a, roles.handler_b], kind="k", title="t", dedup_key="race")
    monkeypatch.undo()
    assert created == 1
    db.session.commit()
    rows = db.session.scalars(db.select(Notification).where(Notification.dedup_key == "race")).all()
    assert sorted(r.user_id for r in rows) == sorted([roles.handler_a.id, roles.handler_b.id])


def test_no_mail_without_mail_server(roles, db, app):
    app.config["MAIL_SERVER"] = None
    assert notify.notify([roles.citizen, roles.handler_a], kind="k", title="t") >= 1
    assert db.session.scalar(db.select(db.func.count(OutboundEmail.id))) == 0
    assert notify.email_citizen("a@example.com", subject="s", template="letter_answered", context={}, dedup_key="d") is False
    assert notify.send_pending() == {"due": 0, "sent": 0, "retried": 0, "failed": 0}


def test_mail_delivered_multipart_in_chinese(roles, db, smtp, app):
    roles.handler_a.email = "handler_a@example.gov.cn"
    db.session.commit()
    notify.notify([roles.handler_a], kind="letter.assigned", title="新来信待办理：关于社保转移",
                  body="请在 5 个工作日内答复。", url="/staff/letters/7", dedup_key="letter:7:assigned")
    db.session.commit()
    counts = notify.send_pending()
    db.session.commit()
    assert counts == {"due": 1, "sent": 1, "retried": 0, "failed": 0}
    assert len(smtp.messages) == 1
    rcpt, message = smtp.messages[0]
    assert rcpt == ["handler_a@example.gov.cn"]
    assert "新来信待办理：关于社保转移" in message["Subject"]
    assert message.is_multipart()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "请在 5 个工作日内答复。" in text and "http://127.0.0.1:5000/staff/letters/7" in text
    assert 'href="http://127.0.0.1:5000/staff/letters/7"' in html
    mail = db.session.scalar(db.select(OutboundEmail))
    assert mail.status is EmailStatus.SENT and mail.attempts == 1 and mail.sent_at is not None
    # A second run sends nothing more.
    assert notify.send_pending()["sent"] == 0
    assert len(smtp.messages) == 1


def test_temporary_failure_is_retried_with_backoff(roles, db, smtp, frozen):
    frozen(2026, 3, 2, 9)
    roles.handler_a.email = "a@example.gov.cn"
    db.session.commit()
    smtp.defer = 1
    notify.notify([roles.handler_a], kind="k", title="提醒", dedup_key="k")
    db.session.commit()
    counts = notify.send_pending()
    db.session.commit()
    assert counts["retried"] == 1 and counts["sent"] == 0
    mail = db.session.scalar(db.select(OutboundEmail))
    assert mail.status is EmailStatus.PENDING and mail.attempts == 1
    assert "451" in mail.last_error
    assert mail.next_attempt_at == clock.now() + timedelta(minutes=notify.BACKOFF_MINUTES[0])
    # Not due yet: nothing is tried.
    assert notify.send_pending()["due"] == 0
    clock.advance(timedelta(minutes=1))
    assert notify.send_pending()["sent"] == 1
    db.session.commit()
    assert mail.status is EmailStatus.SENT and mail.attempts == 2
    assert len(smtp.messages) == 1
    # The in-app copy is there throughout.
    assert notify.unread_count(roles.handler_a) == 1


def test_unreachable_server_gives_up_after_max_attempts_but_keeps_inbox(roles, db, app, frozen):
    frozen(2026, 3, 2, 9)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)  # nothing listens
    roles.handler_a.email = "a@example.gov.cn"
    db.session.commit()
    notify.notify([roles.handler_a], kind="k", title="提醒", dedup_key="k")
    db.session.commit()
    outcomes = []
    for _ in range(notify.MAX_ATTEMPTS):
        counts = notify.send_pending()
        outcomes.append(counts)
        db.session.commit()
        clock.advance(timedelta(hours=5))
    assert all(c["sent"] == 0 for c in outcomes)
    assert outcomes[-1]["failed"] == 1 and sum(c["retried"] for c in outcomes) == notify.MAX_ATTEMPTS - 1
    mail = db.session.scalar(db.select(OutboundEmail))
    assert mail.status is EmailStatus.FAILED and mail.attempts == notify.MAX_ATTEMPTS
    assert "ConnectionRefused" in mail.last_error or "Errno" in mail.last_error
    assert notify.send_pending()["due"] == 0
    assert notify.unread_count(roles.handler_a) == 1
    # The admin can put it back in the queue.
    notify.retry_failed(mail.id)
    assert mail.status is EmailStatus.PENDING and mail.attempts == 0


def test_refused_recipient_fails_permanently(db, smtp):
    assert notify.email_citizen("nobody@example.com", subject="答复", template="letter_answered",
                                context={"letter_number": "X1"}, dedup_key="letter:1:answered")
    assert notify.email_citizen("ok@example.com", subject="答复", template="letter_answered",
                                context={"letter_number": "X2"}, dedup_key="letter:2:answered")
    db.session.commit()
    counts = notify.send_pending()
    assert counts == {"due": 2, "sent": 1, "retried": 0, "failed": 1}
    failed = db.session.scalar(db.select(OutboundEmail).where(OutboundEmail.status == EmailStatus.FAILED))
    assert failed.to_address == "nobody@example.com" and "550" in failed.last_error
    assert [r for r, _ in smtp.messages] == [["ok@example.com"]]


def test_email_citizen_renders_and_dedups(db, smtp):
    ok = notify.email_citizen("citizen@example.com", subject="您的来信已答复", template="letter_answered",
                              context={"letter_number": "ZX20260302001", "url": "http://portal/letters/1"},
                              dedup_key="letter:1:answered")
    again = notify.email_citizen("citizen@example.com", subject="您的来信已答复", template="letter_answered",
                                 context={"letter_number": "ZX20260302001"}, dedup_key="letter:1:answered")
    assert ok is True and again is False
    db.session.commit()
    notify.send_pending()
    _, message = smtp.messages[0]
    assert "ZX20260302001" in message.get_body(("plain",)).get_content()
    assert "您的来信已答复" in message["Subject"]


@pytest.mark.parametrize("address", ["", "no-at-sign", "a@b.c\r\nBcc: x@y.z", "x" * 300 + "@a.cn"])
def test_email_citizen_rejects_bad_addresses(db, smtp, address):
    assert notify.email_citizen(address, subject="s", template="letter_answered", context={}, dedup_key=address or "e") is False


def test_missing_template_does_not_raise(db, smtp):
    assert notify.email_citizen("a@example.com", subject="s", template="no_such_template", context={}, dedup_key="z") is False


def test_subject_newlines_are_flattened(db, smtp):
    notify.email_citizen("a@example.com", subject="第一行\r\nBcc: evil@example.com", template="letter_answered",
                         context={}, dedup_key="nl")
    db.session.commit()
    assert notify.send_pending()["sent"] == 1
    _, message = smtp.messages[0]
    assert message["Bcc"] is None and "\n" not in message["Subject"]


def test_mail_html_escapes_bad_input(roles, db, smtp):
    path = BADINPUT / "xss-sample.txt"
    if not path.exists():
        pytest.skip("bad-input data set not available")
    payloads = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:40]
    roles.handler_a.email = "a@example.gov.cn"
    db.session.commit()
    for i, payload in enumerate(payloads):
        notify.notify([roles.handler_a], kind="k", title=payload, body=payload, dedup_key=f"xss{i}")
    db.session.commit()
    mails = db.session.scalars(db.select(OutboundEmail)).all()
    assert len(mails) == len(payloads)
    for mail in mails:
        assert_inert_html(mail.html_body, allow_page_chrome=True)  # a whole document: <meta> is ours


def test_blns_titles_are_stored_and_sent(roles, db, smtp):
    path = BADINPUT / "blns.json"
    if not path.exists():
        pytest.skip("bad-input data set not available")
    strings = [s for s in json.loads(path.read_text(encoding="utf-8")) if s.strip()][:60]
    roles.handler_a.email = "a@example.gov.cn"
    db.session.commit()
    for i, text in enumerate(strings):
        assert notify.notify([roles.handler_a], kind="k", title=text, body=text, dedup_key=f"blns{i}") == 1
    db.session.commit()
    counts = notify.send_pending(limit=200)
    assert counts["sent"] + counts["failed"] + counts["retried"] == len(strings)
    assert notify.unread_count(roles.handler_a) == len(strings)


def test_inbox_mark_read_and_scope(roles, db):
    notify.notify([roles.handler_a], kind="k", title="一", dedup_key="1")
    notify.notify([roles.handler_a], kind="k", title="二", dedup_key="2")
    notify.notify([roles.handler_b], kind="k", title="别人的", dedup_key="3")
    db.session.commit()
    page = notify.inbox(roles.handler_a)
    assert [n.title for n in page.items] == ["二", "一"]
    first = page.items[0]
    with pytest.raises(NotFound):
        notify.mark_read(roles.handler_b, first.id)
    notify.mark_read(roles.handler_a, first.id)
    assert notify.unread_count(roles.handler_a) == 1
    assert [n.title for n in notify.inbox(roles.handler_a, unread_only=True).items] == ["一"]
    assert notify.mark_all_read(roles.handler_a) == 1
    assert notify.unread_count(roles.handler_a) == 0
    assert notify.unread_count(roles.handler_b) == 1


def test_unread_count_in_header(roles, db, client, auth):
    notify.notify([roles.handler_a], kind="k", title="新通知", dedup_key="h")
    db.session.commit()
    auth.login(roles.handler_a)
    html = client.get("/staff/").get_data(as_text=True)
    assert 'aria-label="1 条未读通知"' in html
