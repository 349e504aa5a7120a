"""The one scheduler process: APScheduler 3 running every module's ``JOBS``.

APScheduler does not coordinate processes, so the app factory never starts it:

- production: ``flask --app interact scheduler`` — exactly one process beside any number of
  web workers (under systemd/supervisor);
- demo: ``flask --app 'interact.scheduler:create_demo_app()' run --debug`` builds the app and
  starts a background scheduler in the serving process only (:func:`start_background_scheduler`
  skips the debug reloader's watcher process and never starts twice in one process);
- by hand: ``flask --app interact run-job letters.deadline_sweep --at "2026-12-10 09:00"``
  runs one job once, optionally with the clock set to that Beijing time;
  ``flask --app interact jobs`` lists the jobs and their last runs.

Every run goes through :func:`run_job`: an application context, on PostgreSQL a
``pg_try_advisory_lock`` per job (a second scheduler started by mistake skips the job and
records "skipped: locked"), a :class:`~interact.core.models.JobRun` row with outcome and
counts, commit on success and rollback on error.
"""
from __future__ import annotations

import atexit
import hashlib
import importlib
import logging
import os
import sys
import traceback
from contextlib import ExitStack, nullcontext
from datetime import datetime, timezone
from typing import Any

import click
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext

from interact.core import clock, contributions
from interact.core.jobs import Job
from interact.core.tasks import TaskWorker
from interact.core.models import JobOutcome, JobRun
from interact.extensions import db

log = logging.getLogger(__name__)

#: Modules whose ``JOBS`` the scheduler runs, in this order.
JOB_MODULES = [
    "interact.core.dbsetup",
    "interact.core.notify",
    "interact.core.sessions",
    "interact.accounts.throttle",
    "interact.accounts.verification",
    "interact.letters.jobs",
    "interact.letters.report_jobs",
    "interact.surveys.jobs",
    "interact.interviews.jobs",
    "interact.office.jobs",
]

#: Modules whose ``TASKS`` (claim-and-run functions of durable job tables) the background
#: worker runs (``interact.core.tasks``).
TASK_MODULES = [
    "interact.faq.importexport",
    "interact.faq.learning",
]

#: Defaults for every scheduled job: a job never overlaps itself and missed runs collapse.
#: Why a run was skipped (shown to the admin on the jobs page).
SKIPPED_LOCKED = "另一进程正在运行此任务"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 600}

_background: BackgroundScheduler | None = None
_worker: TaskWorker | None = None


def load_jobs(modules: list[str] | None = None) -> list[Job]:
    """Collect ``JOBS`` from each module; a module that is not installed is skipped with a warning."""
    jobs: list[Job] = []
    seen: set[str] = set()
    for name in modules or JOB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            # Only the module itself (or its package) missing is tolerated; a broken import
            # inside an existing module is a bug and must surface.
            if error.name and (name == error.name or name.startswith(error.name + ".")):
                log.warning("Scheduler: %s is not installed; its jobs are not scheduled", name)
                continue
            raise
        for job in getattr(module, "JOBS", []):
            if job.id in seen:
                raise RuntimeError(f"duplicate job id {job.id!r} in {name}")
            seen.add(job.id)
            jobs.append(job)
    return jobs


def load_tasks(modules: list[str] | None = None) -> list:
    """Collect ``TASKS`` from each module (a module that is not installed is skipped)."""
    tasks = []
    for name in modules or TASK_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name and (name == error.name or name.startswith(error.name + ".")):
                log.warning("Worker: %s is not installed; its background jobs do not run", name)
                continue
            raise
        tasks.extend(getattr(module, "TASKS", []))
    return tasks


def start_task_worker(app: Flask) -> TaskWorker:
    """The background worker (durable job tables) in a thread of this process."""
    return TaskWorker(app, load_tasks()).start()


def get_job(job_id: str) -> Job | None:
    return next((job for job in load_jobs() if job.id == job_id), None)


def lock_key(job_id: str) -> int:
    """A stable signed 64-bit advisory-lock key for a job id (same in every process)."""
    digest = hashlib.sha256(f"interact.job:{job_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class _AdvisoryLock:
    """A PostgreSQL session advisory lock held on a dedicated connection; a no-op elsewhere.

    The lock lives on its own connection so that the job's commits (which return the
    session's connection to the pool) do not release it or leave it on a pooled connection.
    """

    def __init__(self, job_id: str):
        self.key = lock_key(job_id)
        self.connection: sa.Connection | None = None

    def acquire(self) -> bool:
        if db.engine.dialect.name != "postgresql":
            return True
        self.connection = db.engine.connect()
        acquired = bool(self.connection.scalar(sa.select(sa.func.pg_try_advisory_lock(self.key))))
        self.connection.commit()
        if not acquired:
            self.connection.close()
            self.connection = None
        return acquired

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.scalar(sa.select(sa.func.pg_advisory_unlock(self.key)))
            self.connection.commit()
        finally:
            self.connection.close()
            self.connection = None


def _jsonable_counts(counts: Any) -> dict[str, Any] | None:
    if counts is None:
        return None
    if not isinstance(counts, dict):
        return {"result": str(counts)}
    return {str(k): (v if isinstance(v, (int, float, str, bool)) or v is None else str(v)) for k, v in counts.items()}


def run_job(app: Flask, job: Job, *, trigger: str = "scheduler", at: datetime | None = None) -> JobRun:
    """Run ``job`` once and record it.

    Pushes an application context unless one of ``app`` is active (then the caller's
    session is used: commit it before). On PostgreSQL the job runs only if its advisory
    lock is free. The job function's work is committed when it returns and rolled back if
    it raises; the error is recorded on the run, never raised.

    :param trigger: who started it (``scheduler``, ``cli``, ``web:<username>``).
    :param at: run with the clock frozen at this aware moment (demo and checks).
    :returns: the recorded run (detached when this function pushed the context).
    """
    own_context = not (has_app_context() and current_app._get_current_object() is app)
    with ExitStack() as stack:
        stack.enter_context(app.app_context() if own_context else nullcontext())
        stack.enter_context(clock.freeze(at) if at is not None else nullcontext())
        lock = _AdvisoryLock(job.id)
        if not lock.acquire():
            run = JobRun(job_id=job.id, started_at=clock.now(), finished_at=clock.now(),
                         outcome=JobOutcome.SKIPPED, error=SKIPPED_LOCKED, trigger=trigger[:64])
            db.session.add(run)
            db.session.commit()
            log.info("Job %s skipped: another scheduler holds its lock", job.id)
            return _settle(run, own_context)
        try:
            run = JobRun(job_id=job.id, started_at=clock.now(), trigger=trigger[:64])
            db.session.add(run)
            db.session.commit()
            run_id = run.id
            try:
                counts = job.func()
            except Exception as error:
                db.session.rollback()
                log.exception("Job %s failed", job.id)
                run = db.session.get(JobRun, run_id)
                run.outcome = JobOutcome.ERROR
                run.error = "".join(traceback.format_exception_only(type(error), error)).strip()[:4000]
            else:
                run.outcome = JobOutcome.OK
                run.counts = _jsonable_counts(counts)
            run.finished_at = clock.now()
            db.session.commit()
            log.info("Job %s: %s %s", job.id, run.outcome.value, run.counts or "")
            return _settle(run, own_context)
        finally:
            lock.release()


def _settle(run: JobRun, own_context: bool) -> JobRun:
    if own_context:
        db.session.refresh(run)
        db.session.expunge(run)
    return run


def last_runs(job_ids: list[str] | None = None) -> dict[str, JobRun]:
    """The latest run of each job (by start time)."""
    latest = (
        db.select(JobRun.job_id, sa.func.max(JobRun.id).label("last_id")).group_by(JobRun.job_id).subquery()
    )
    stmt = db.select(JobRun).join(latest, JobRun.id == latest.c.last_id)
    if job_ids is not None:
        stmt = stmt.where(JobRun.job_id.in_(job_ids))
    return {run.job_id: run for run in db.session.scalars(stmt)}


def recent_runs(job_id: str | None = None, *, page: int = 1, per_page: int = 50):
    stmt = db.select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
    if job_id:
        stmt = stmt.where(JobRun.job_id == job_id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def describe_trigger(job: Job) -> str:
    """A Chinese description of a job's schedule for the admin page."""
    args = dict(job.trigger)
    kind = args.pop("trigger", "interval")
    if kind == "interval":
        for unit, label in (("weeks", "周"), ("days", "天"), ("hours", "小时"), ("minutes", "分钟"), ("seconds", "秒")):
            if unit in args:
                return f"每 {args[unit]} {label}"
        return "定时"
    if kind == "cron":
        parts = []
        if "day" in args:
            parts.append(f"每月 {args['day']} 日")
        if "day_of_week" in args:
            parts.append(f"星期 {args['day_of_week']}")
        hour, minute = str(args.get("hour", "*")), str(args.get("minute", 0))
        if hour == "*":
            parts.append(f"每小时第 {minute} 分")
        elif hour.isdecimal() and minute.isdecimal():
            parts.append(f"{'' if parts else '每天 '}{hour}:{int(minute):02d}")
        else:
            parts.append(f"{'' if parts else '每天 '}{hour} 时 {minute} 分")
        return " ".join(parts)
    return kind


def build_scheduler(app: Flask, *, blocking: bool = False, jobs: list[Job] | None = None) -> BaseScheduler:
    """An APScheduler (Asia/Shanghai) with every job wrapped in :func:`run_job`."""
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=clock.LOCAL_TZ, job_defaults=JOB_DEFAULTS)
    with app.app_context():
        jobs = load_jobs() if jobs is None else jobs
    for job in jobs:
        args = dict(job.trigger)
        trigger = args.pop("trigger", "interval")
        if trigger == "interval" and not any(k in args for k in ("weeks", "days", "hours", "minutes", "seconds")):
            args["minutes"] = 5
        scheduler.add_job(run_job, trigger, args=[app, job], id=job.id, name=job.description or job.id,
                          replace_existing=True, **args)
    return scheduler


def start_background_scheduler(app: Flask) -> BackgroundScheduler | None:
    """Start the scheduler inside this process (demo ``make run`` only).

    Skipped in the debug reloader's watcher process (it has no ``WERKZEUG_RUN_MAIN``) and
    when already started in this process, so the reloader never doubles the jobs.
    """
    global _background
    if _background is not None:
        return None
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return None
    global _worker
    _background = build_scheduler(app)
    _background.start()
    _worker = start_task_worker(app)
    atexit.register(_shutdown_background)
    log.info("Background scheduler started with %d jobs", len(_background.get_jobs()))
    return _background


def _shutdown_background() -> None:
    global _background, _worker
    if _background is not None and _background.running:
        _background.shutdown(wait=False)
    _background = None
    if _worker is not None:
        _worker.stop(timeout=5)
    _worker = None


def create_demo_app() -> Flask:
    """App factory for a debug server with the in-process scheduler (``make run`` uses
    ``flask serve-demo``, which does the same without the reloader)."""
    from interact import create_app

    app = create_app()
    start_background_scheduler(app)
    return app


# --- command line --------------------------------------------------------------------------


def parse_local_moment(text: str) -> datetime:
    """``2026-12-10 09:00`` (or a date alone, 09:00) in Beijing time → aware UTC."""
    text = text.strip()
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            naive = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            naive = naive.replace(hour=9)
        return naive.replace(tzinfo=clock.LOCAL_TZ).astimezone(timezone.utc)
    raise click.BadParameter("时间格式应为 YYYY-MM-DD HH:MM（北京时间）")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler in the foreground (one process per installation)."""
    from interact.core import production

    app = current_app._get_current_object()
    try:
        production.check(app.config, strict=True)
    except production.NotReadyForProduction as error:
        raise click.ClickException(str(error)) from None
    scheduler = build_scheduler(app, blocking=True)
    for job in scheduler.get_jobs():
        click.echo(f"  {job.id:<32} {job.trigger}")
    worker = start_task_worker(app)
    click.echo(f"Scheduler running {len(scheduler.get_jobs())} jobs (Asia/Shanghai) and the background "
               "worker (FAQ imports). Ctrl+C to stop.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
    finally:
        worker.stop()


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run only the background worker (FAQ imports), e.g. on another machine than the scheduler."""
    app = current_app._get_current_object()
    worker = TaskWorker(app, load_tasks())
    click.echo("Background worker running. Ctrl+C to stop.")
    try:
        worker.loop()
    except KeyboardInterrupt:
        click.echo("Worker stopped.")


@click.command("run-job")
@click.argument("job_id")
@click.option("--at", "at_text", default=None, help='Run as if it were this Beijing time, e.g. "2026-12-10 09:00".')
@with_appcontext
def run_job_command(job_id: str, at_text: str | None) -> None:
    """Run one job once now and print its outcome."""
    app = current_app._get_current_object()
    job = get_job(job_id)
    if job is None:
        known = ", ".join(j.id for j in load_jobs())
        raise click.ClickException(f"Unknown job {job_id!r}. Known: {known}")
    at = parse_local_moment(at_text) if at_text else None
    run = run_job(app, job, trigger="cli", at=at)
    click.echo(f"{run.job_id}: {run.outcome.value} {run.counts or ''} {run.error or ''}".rstrip())
    if run.outcome is JobOutcome.ERROR:
        raise SystemExit(1)


@click.command("jobs")
@with_appcontext
def jobs_command() -> None:
    """List the scheduled jobs and their last runs."""
    jobs = load_jobs()
    last = last_runs([job.id for job in jobs])
    for job in jobs:
        run = last.get(job.id)
        when = clock.to_local(run.started_at).strftime("%Y-%m-%d %H:%M") if run else "never"
        outcome = run.outcome.value if run else "-"
        click.echo(f"{job.id:<32} {describe_trigger(job):<20} last: {when} {outcome}  {job.description}")


def register_cli(app: Flask) -> None:
    # The office's jobs page runs and lists jobs through this module (core.contributions).
    contributions.job_runner = sys.modules[__name__]
    app.cli.add_command(scheduler_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(run_job_command)
    app.cli.add_command(jobs_command)
