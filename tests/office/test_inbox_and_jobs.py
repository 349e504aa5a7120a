"""Staff inbox and the admin's job-runs page."""
from __future__ import annotations

import re
import time

import pytest

from interact import scheduler
from interact.core import notify
from interact.core.models import AuditEvent, JobOutcome, JobRun, Notification
from tests.helpers import assert_inert_html


def _notice(user, title="新来信待办理", url="/staff/dashboard", key=None):
    notify.notify([user], kind="letter.assigned", title=title, body="请及时办理。", url=url, dedup_key=key or title)


def test_inbox_lists_own_notices_only(client, auth, roles, db):
    _notice(roles.handler_a, "给A的通知")
    _notice(roles.handler_b, "给B的通知")
    db.session.commit()
    auth.login(roles.handler_a)
    html = client.get("/staff/inbox").get_data(as_text=True)
    assert "给A的通知" in html and "给B的通知" not in html
    assert "未读（1）" in html


def test_open_marks_read_and_redirects_to_object(client, auth, roles, db):
    _notice(roles.handler_a, url="/staff/letters/5")
    db.session.commit()
    note = db.session.scalar(db.select(Notification))
    auth.login(roles.handler_a)
    response = client.post(f"/staff/inbox/{note.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/letters/5")
    db.session.expire_all()
    assert note.read_at is not None
    assert notify.unread_count(roles.handler_a) == 0


@pytest.mark.parametrize("url", ["https://evil.example/x", "//evil.example/x", "/\\evil.example"])
def test_open_never_redirects_off_site(client, auth, roles, db, url):
    _notice(roles.handler_a, url=url)
    db.session.commit()
    note = db.session.scalar(db.select(Notification))
    auth.login(roles.handler_a)
    response = client.post(f"/staff/inbox/{note.id}/open")
    assert response.headers["Location"].endswith("/staff/inbox")


def test_cannot_touch_another_users_notice(client, auth, roles, db):
    _notice(roles.handler_b)
    db.session.commit()
    note = db.session.scalar(db.select(Notification))
    auth.login(roles.handler_a)
    assert client.post(f"/staff/inbox/{note.id}/read").status_code == 404
    assert client.post(f"/staff/inbox/{note.id}/open").status_code == 404
    db.session.expire_all()
    assert note.read_at is None


def test_mark_one_and_all_read(client, auth, roles, db):
    _notice(roles.office, "一")
    _notice(roles.office, "二")
    _notice(roles.office, "三")
    db.session.commit()
    first = db.session.scalar(db.select(Notification).where(Notification.title == "一"))
    auth.login(roles.office)
    assert client.post(f"/staff/inbox/{first.id}/read").status_code == 302
    assert notify.unread_count(roles.office) == 2
    response = client.post("/staff/inbox/read-all", follow_redirects=True)
    assert "已将 2 条通知标为已读" in response.get_data(as_text=True)
    assert notify.unread_count(roles.office) == 0
    assert "没有未读通知" in client.get("/staff/inbox?unread=1").get_data(as_text=True)


def test_inbox_needs_login(client):
    response = client.get("/staff/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_inbox_forms_need_csrf(csrf_app, roles, db):
    _notice(roles.handler_a)
    db.session.commit()
    note = db.session.scalar(db.select(Notification))
    client = csrf_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = roles.handler_a.get_id()
        session["_fresh"] = True
    assert client.post(f"/staff/inbox/{note.id}/read").status_code == 400
    assert client.post("/staff/inbox/read-all").status_code == 400
    html = client.get("/staff/inbox").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post(f"/staff/inbox/{note.id}/read", data={"csrf_token": token}).status_code == 302
    assert notify.unread_count(roles.handler_a) == 0


def test_inbox_shows_bad_input_inert(client, auth, roles, db):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "badinput" / "xss-sample.txt"
    if not path.exists():
        pytest.skip("bad-input data set not available")
    payloads = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:30]
    for i, payload in enumerate(payloads):
        notify.notify([roles.handler_a], kind="k", title=payload, body=payload, dedup_key=f"x{i}")
    db.session.commit()
    auth.login(roles.handler_a)
    html = client.get("/staff/inbox?unread=1").get_data(as_text=True)
    assert_inert_html(html, allow_page_chrome=True)


def test_job_runs_page_and_run_now(client, auth, roles, db):
    auth.login(roles.admin)
    html = client.get("/staff/jobs").get_data(as_text=True)
    mail = scheduler.get_job("notify.send_mail").description
    assert mail in html and scheduler.get_job("office.daily_digest").description in html and "尚未运行" in html
    response = client.post("/staff/jobs/notify.send_mail/run", follow_redirects=True)
    page = response.get_data(as_text=True)
    # The job is named by its description, the outcome by JobOutcome.label; no job id is read.
    assert response.status_code == 200 and f"任务“{mail}”：{JobOutcome.OK.label}。" in page
    assert ">notify.send_mail<" not in page and "任务 notify.send_mail" not in page
    run = db.session.scalar(db.select(JobRun))
    assert run.outcome is JobOutcome.OK and run.trigger == "web:admin"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "job.run_manually")).note == mail
    assert client.post("/staff/jobs/no.such/run").status_code == 404


@pytest.mark.parametrize("who", ["office", "handler_a", "curator"])
def test_job_runs_admin_only(client, auth, roles, who):
    auth.login(getattr(roles, who))
    assert client.get("/staff/jobs").status_code == 403
    assert client.post("/staff/jobs/notify.send_mail/run").status_code == 403


def test_unread_badge_in_staff_nav(client, auth, roles, db):
    _notice(roles.handler_a)
    _notice(roles.handler_a, "第二条")
    db.session.commit()
    auth.login(roles.handler_a)
    html = client.get("/staff/inbox").get_data(as_text=True)
    assert '通知 <span class="badge">2</span>' in html


def test_opening_a_staff_page_reads_the_openers_notices_linking_to_it(client, auth, roles, db):
    # A collection's 征集已结束 notice, opened from the desk rather than from the inbox.
    _notice(roles.handler_a, "征集已结束", url="/staff/")
    _notice(roles.handler_a, "新来信", url="/staff/letters/5")
    _notice(roles.handler_b, "给B的", url="/staff/")
    db.session.commit()
    auth.login(roles.handler_a)
    assert client.post("/staff/", data={}).status_code in (302, 400, 405)  # not a GET: nothing read
    assert notify.unread_count(roles.handler_a) == 2
    page = client.get("/staff/").get_data(as_text=True)
    unread = {n.title for n in db.session.scalars(db.select(Notification).where(Notification.read_at.is_(None)))}
    assert unread == {"新来信", "给B的"}
    assert '通知 <span class="badge">1</span>' in page  # counted after reading


def test_a_clerk_sent_to_log_in_after_idling_has_read_nothing(client, auth, roles, db):
    """The idle log-out sends the clerk to the log-in page: the page was never shown, so its
    notices stay unread (review 13: they were read before the idle check)."""
    _notice(roles.handler_a, "新来信", url="/staff/letters/mine")
    db.session.commit()
    auth.login(roles.handler_a)
    with client.session_transaction() as session:
        session["_seen"] = time.time() - 24 * 3600
    response = client.get("/staff/letters/mine")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert notify.unread_count(roles.handler_a) == 1


def test_an_error_page_reads_no_notice(client, auth, roles, db):
    """A page that could not be shown (a letter that does not exist: refused) reads nothing."""
    _notice(roles.handler_a, "新来信", url="/staff/letters/999999")
    db.session.commit()
    auth.login(roles.handler_a)
    assert client.get("/staff/letters/999999").status_code == 403
    assert notify.unread_count(roles.handler_a) == 1
