"""The scheduler: job loading, the recorded runner, advisory locks, CLI, office jobs."""
from __future__ import annotations

import logging
import socket
from datetime import datetime, timezone
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from interact import scheduler
from interact.core import clock, notify
from interact.core.jobs import Job
from interact.core.models import AuditEvent, JobOutcome, JobRun, Notification
from interact.office import jobs as office_jobs


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def smtp(app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield sink
    controller.stop()


def _audit_job():
    from interact.core import audit

    audit.record("test.job", "job", 1, note=clock.local_now().strftime("%Y-%m-%d %H:%M"))
    return {"written": 1, "when": clock.local_now().date()}


def _failing_job():
    from interact.core import audit

    audit.record("test.job", "job", 2, note="should be rolled back")
    raise RuntimeError("任务出错")


def test_run_job_records_ok_run_and_commits(app, db, frozen):
    frozen(2026, 3, 2, 9)
    run = scheduler.run_job(app, Job("test.audit", _audit_job), trigger="cli")
    assert run.outcome is JobOutcome.OK
    assert run.counts == {"written": 1, "when": "2026-03-02"}
    assert run.trigger == "cli" and run.started_at == clock.now() and run.finished_at is not None
    db.session.rollback()  # committed, so a rollback keeps it
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "test.job")) == 1


def test_run_job_rolls_back_and_records_error(app, db):
    run = scheduler.run_job(app, Job("test.fail", _failing_job))
    assert run.outcome is JobOutcome.ERROR
    assert "RuntimeError" in run.error and "任务出错" in run.error
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "test.job")) == 0
    assert db.session.scalar(db.select(db.func.count(JobRun.id))) == 1


def test_run_job_at_freezes_the_clock(app, db):
    at = scheduler.parse_local_moment("2026-12-10 09:00")
    assert at == datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc)
    run = scheduler.run_job(app, Job("test.audit", _audit_job), at=at)
    assert run.counts["when"] == "2026-12-10"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "test.job"))
    assert event.note == "2026-12-10 09:00"
    assert clock._fixed is None  # unfrozen afterwards


def test_run_job_pushes_its_own_context_from_a_thread_like_caller(app, db):
    """The scheduler's worker threads have no app context; run_job pushes one."""
    import threading

    results = []
    thread = threading.Thread(target=lambda: results.append(scheduler.run_job(app, Job("test.audit", _audit_job))))
    thread.start()
    thread.join()
    run = results[0]
    assert run.outcome is JobOutcome.OK and run.counts["written"] == 1  # detached but loaded


def test_describe_trigger_in_chinese():
    assert scheduler.describe_trigger(Job("a.b", _audit_job, {"trigger": "interval", "minutes": 30})) == "每 30 分钟"
    assert scheduler.describe_trigger(Job("a.b", _audit_job, {"trigger": "cron", "hour": 8, "minute": 30})) == "每天 8:30"
    assert scheduler.describe_trigger(Job("a.b", _audit_job, {"trigger": "cron", "hour": "8-20", "minute": 0})) == "每天 8-20 时 0 分"
    assert scheduler.describe_trigger(Job("a.b", _audit_job, {"trigger": "cron", "day": 1, "hour": 7})) == "每月 1 日 7:00"


def test_parse_local_moment_rejects_garbage():
    import click

    with pytest.raises(click.BadParameter):
        scheduler.parse_local_moment("明天早上")


def test_lock_key_is_stable_and_distinct():
    assert scheduler.lock_key("letters.deadline_sweep") == scheduler.lock_key("letters.deadline_sweep")
    assert scheduler.lock_key("letters.deadline_sweep") != scheduler.lock_key("surveys.feedback_reminders")
    assert -(2**63) <= scheduler.lock_key("x") < 2**63


def test_advisory_lock_skips_when_held(app, db):
    if db.engine.dialect.name != "postgresql":
        # On SQLite the lock is a no-op: the job always runs.
        lock = scheduler._AdvisoryLock("test.audit")
        assert lock.acquire() is True and lock.connection is None
        assert scheduler.run_job(app, Job("test.audit", _audit_job)).outcome is JobOutcome.OK
        return
    key = scheduler.lock_key("test.audit")
    with db.engine.connect() as other:  # "another scheduler" holds the lock
        assert other.scalar(sa.select(sa.func.pg_try_advisory_lock(key)))
        other.commit()
        run = scheduler.run_job(app, Job("test.audit", _audit_job))
        assert run.outcome is JobOutcome.SKIPPED and run.error == scheduler.SKIPPED_LOCKED
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "test.job")) == 0
        other.scalar(sa.select(sa.func.pg_advisory_unlock(key)))
        other.commit()
    assert scheduler.run_job(app, Job("test.audit", _audit_job)).outcome is JobOutcome.OK
    # and the runner released its own lock
    with db.engine.connect() as other:
        assert other.scalar(sa.select(sa.func.pg_try_advisory_lock(key)))
        other.scalar(sa.select(sa.func.pg_advisory_unlock(key)))
        other.commit()


def test_load_jobs_skips_missing_modules_with_warning(app, caplog, monkeypatch):
    # Alembic's fileConfig() (run by the migration tests) disables existing loggers.
    monkeypatch.setattr(logging.getLogger("interact.scheduler"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="interact.scheduler"):
        jobs = scheduler.load_jobs(["interact.core.notify", "interact.nosuchmodule.jobs"])
    assert [j.id for j in jobs] == ["notify.send_mail"]
    assert "interact.nosuchmodule.jobs is not installed" in caplog.text


def test_load_jobs_surfaces_broken_modules(app, tmp_path, monkeypatch):
    (tmp_path / "brokenjobs_mod.py").write_text("import no_such_dependency_xyz\nJOBS = []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError):
        scheduler.load_jobs(["brokenjobs_mod"])


def test_all_registered_job_ids_are_unique_and_described(app):
    jobs = scheduler.load_jobs()
    ids = [j.id for j in jobs]
    assert "notify.send_mail" in ids and "office.daily_digest" in ids
    assert len(ids) == len(set(ids))
    for job in jobs:
        assert job.description and "." in job.id
        assert scheduler.describe_trigger(job)


def test_build_scheduler_uses_beijing_time_and_one_instance(app):
    sched = scheduler.build_scheduler(app)
    assert str(sched.timezone) == "Asia/Shanghai"
    jobs = {job.id: job for job in sched.get_jobs()}
    assert "notify.send_mail" in jobs and "office.daily_digest" in jobs
    digest = jobs["office.daily_digest"]
    assert str(digest.trigger.timezone) == "Asia/Shanghai"
    assert "hour='8'" in str(digest.trigger)
    assert sched._job_defaults["max_instances"] == 1 and sched._job_defaults["coalesce"] is True
    assert digest.args[0] is app and digest.func is scheduler.run_job


def test_background_scheduler_is_not_started_by_the_reloader_watcher(app, monkeypatch):
    monkeypatch.setattr(scheduler, "_background", None)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    app.debug = True
    assert scheduler.start_background_scheduler(app) is None
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    started = scheduler.start_background_scheduler(app)
    try:
        assert started is not None and started.running
        assert scheduler.start_background_scheduler(app) is None  # never twice in a process
    finally:
        scheduler._shutdown_background()
    assert scheduler._background is None


def test_send_mail_job_twice_sends_once(app, db, roles, smtp):
    roles.handler_a.email = "a@example.gov.cn"
    db.session.commit()
    notify.notify([roles.handler_a], kind="letter.overdue", title="来信已超期", dedup_key="letter:9:overdue")
    db.session.commit()
    job = scheduler.get_job("notify.send_mail")
    first = scheduler.run_job(app, job)
    second = scheduler.run_job(app, job)
    assert first.counts["sent"] == 1 and second.counts["sent"] == 0
    assert len(smtp.messages) == 1


def test_cli_jobs_and_run_job(app, db, roles, frozen):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs"])
    assert result.exit_code == 0, result.output
    assert "notify.send_mail" in result.output and "office.daily_digest" in result.output
    result = runner.invoke(args=["run-job", "office.daily_digest", "--at", "2026-03-01 08:00"])  # a Sunday
    assert result.exit_code == 0, result.output
    assert "office.daily_digest: ok" in result.output and "skipped_non_workday" in result.output
    result = runner.invoke(args=["run-job", "no.such_job"])
    assert result.exit_code != 0 and "Unknown job" in result.output
    result = runner.invoke(args=["run-job", "office.daily_digest", "--at", "yesterday"])
    assert result.exit_code == 2
    assert db.session.scalar(db.select(db.func.count(JobRun.id))) == 1
    assert "last: 2026-03-01 08:00 ok" in runner.invoke(args=["jobs"]).output


def test_daily_digest_once_per_day(app, db, roles, frozen, monkeypatch):
    from interact.core import contributions

    def cards(user):
        if user.has_role("office"):
            return [{"title": "待办理来信", "count": 3, "url": "/staff/x", "hint": "1 件明天到期", "level": "warning"},
                    {"title": "空的", "count": 0, "url": "/staff/y"}]
        return []

    monkeypatch.setattr(contributions, "workspace_cards", [cards])
    frozen(2026, 3, 2, 8)  # Monday, a working day
    assert office_jobs.daily_digest() == {"users": 1, "sent": 1}
    assert office_jobs.daily_digest() == {"users": 1, "sent": 0}
    db.session.commit()
    notes = db.session.scalars(db.select(Notification).order_by(Notification.user_id)).all()
    assert [n.user_id for n in notes] == [roles.office.id]
    assert notes[0].title == "03月02日待办提醒：共 3 项"
    assert "待办理来信：3（1 件明天到期）" in notes[0].body and "空的" not in notes[0].body
    frozen(2026, 3, 3, 8)
    assert office_jobs.daily_digest()["sent"] == 1  # a new day, a new digest


def test_daily_digest_skips_holidays(app, db, roles, frozen):
    frozen(2026, 10, 1, 8)  # National Day
    assert office_jobs.daily_digest() == {"skipped_non_workday": 1}


def test_letters_sweep_twice_notifies_once_in_inbox_and_mail(app, db, roles, smtp, frozen):
    """The acceptance walk-through: past a letter's due date the sweep notifies the handler in
    the inbox and by e-mail; a second run adds nothing."""
    letters = pytest.importorskip("interact.letters.models")
    if scheduler.get_job("letters.deadline_sweep") is None:
        pytest.skip("letters jobs not installed")
    roles.handler_a.email = "handler_a@example.gov.cn"
    frozen(2026, 6, 15, 10)
    db.session.add(letters.Letter(
        number="ZX2026060001", channel=letters.LetterChannel.CONSULTATION, kind=letters.LetterKind.CONSULTATION,
        status=letters.LetterStatus.ASSIGNED, title="社保转移咨询", body="内容", name="张三", phone="13900000000",
        query_code_hash="x" * 64, department_id=roles.department_a.id,
        submitted_at=datetime(2026, 6, 1, 2, tzinfo=timezone.utc), assigned_at=datetime(2026, 6, 1, 3, tzinfo=timezone.utc),
        due_at=datetime(2026, 6, 8, 15, 59, tzinfo=timezone.utc),
    ))
    db.session.commit()
    sweep, mail = scheduler.get_job("letters.deadline_sweep"), scheduler.get_job("notify.send_mail")
    assert scheduler.run_job(app, sweep).outcome is JobOutcome.OK
    scheduler.run_job(app, mail)
    inbox_after_first = notify.unread_count(roles.handler_a)
    mails_after_first = len(smtp.messages)
    assert inbox_after_first >= 1 and mails_after_first == inbox_after_first
    assert scheduler.run_job(app, sweep).outcome is JobOutcome.OK
    scheduler.run_job(app, mail)
    assert notify.unread_count(roles.handler_a) == inbox_after_first
    assert len(smtp.messages) == mails_after_first
