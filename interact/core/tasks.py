"""Background work outside the web workers, from durable job tables.

A feature with long work (the FAQ import, a refit of the FAQ decision model) keeps its jobs
in a table of its own — status, ``attempts`` and a ``heartbeat_at`` that the running process
refreshes as it commits progress — describes it with a :class:`JobQueue`, and lists in
``TASKS`` functions that each recover abandoned jobs (:func:`recover_abandoned`), claim one
waiting job (:func:`claim`) and run it, returning ``True`` if they did work. The modules
are named in ``interact.scheduler.TASK_MODULES``.

:class:`TaskWorker` calls them in a loop, in the scheduler process (``flask scheduler``
starts one) or alone (``flask worker``), never in a web worker. A job is claimed with a
conditional ``UPDATE`` so two processes never run the same job; a job whose process died
(no heartbeat for ``STALE_SECONDS``) is claimed again and resumed, or marked failed with a
message after ``MAX_ATTEMPTS``.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask import Flask

from interact.core import clock
from interact.extensions import db

log = logging.getLogger(__name__)

#: A job whose heartbeat is older than this is taken to be abandoned by a dead process.
STALE_SECONDS = 120
#: Runs of one job (first run + resumptions) before it is marked failed.
MAX_ATTEMPTS = 3
#: Seconds the worker waits when there is nothing to do.
POLL_SECONDS = 2.0


@dataclass(frozen=True)
class JobQueue:
    """A feature's job table as the worker sees it. The model has ``id``, ``status``,
    ``attempts``, ``heartbeat_at``, ``finished_at`` and a column for the failure message."""

    model: Any
    #: Status of a job waiting for a process.
    waiting: Enum
    #: Status a claim gives it.
    claimed: Enum
    #: Statuses of a job a process is running (abandoned if its heartbeat is stale).
    running: tuple[Enum, ...]
    failed: Enum
    #: Column that receives :attr:`abandoned_message`.
    message_column: str
    #: What the job's page says when the job was given up after its process died.
    abandoned_message: str
    #: Runs (first run + resumptions) before an abandoned job is failed instead of resumed;
    #: 0: never resumed (a job that writes nothing before its end is simply asked for again).
    max_attempts: int = MAX_ATTEMPTS


def claim(queue: JobQueue, job_id: int | None = None) -> int | None:
    """Take a waiting job (``job_id``, or the oldest) for this process and commit; ``None``
    if another process has it or nothing waits. A conditional ``UPDATE``, so exactly one
    of racing processes wins."""
    model = queue.model
    if job_id is None:
        job_id = db.session.scalar(sa.select(model.id).where(model.status == queue.waiting)
                                   .order_by(model.id).limit(1))
        if job_id is None:
            return None
    result = db.session.execute(
        sa.update(model).where(model.id == job_id, model.status == queue.waiting)
        .values(status=queue.claimed, heartbeat_at=clock.now(), attempts=model.attempts + 1))
    db.session.commit()
    return job_id if result.rowcount == 1 else None


def recover_abandoned(queue: JobQueue) -> tuple[int, int]:
    """Jobs whose process died (running, no heartbeat for ``STALE_SECONDS``): back to the
    queue to be resumed, or failed with ``queue.abandoned_message`` once they ran
    ``queue.max_attempts`` times. Returns (resumed, failed); an idle poll writes nothing."""
    model = queue.model
    abandoned = sa.and_(model.status.in_(queue.running), sa.or_(
        model.heartbeat_at.is_(None), model.heartbeat_at < clock.now() - timedelta(seconds=STALE_SECONDS)))
    # Looked for first: the worker asks every few seconds.
    if db.session.scalar(sa.select(model.id).where(abandoned).limit(1)) is None:
        return 0, 0
    failed = db.session.execute(
        sa.update(model).where(abandoned, model.attempts >= queue.max_attempts)
        .values(status=queue.failed, finished_at=clock.now(), **{queue.message_column: queue.abandoned_message}))
    resumed = db.session.execute(sa.update(model).where(abandoned).values(status=queue.waiting))
    db.session.commit()
    if failed.rowcount or resumed.rowcount:
        log.warning("%s abandoned by a dead process: %s resumed, %s failed",
                    model.__tablename__, resumed.rowcount, failed.rowcount)
    return resumed.rowcount, failed.rowcount


@dataclass
class TaskWorker:
    """Runs every task function until none has work, then sleeps ``poll_seconds``."""

    app: Flask
    tasks: list[Callable[[], bool]]
    poll_seconds: float = POLL_SECONDS
    stopping: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One pass over the tasks; returns how many jobs ran."""
        ran = 0
        for task in self.tasks:
            with self.app.app_context():
                try:
                    ran += bool(task())
                except Exception:  # the task records its own failure; keep the worker alive
                    log.exception("Background task %s failed", getattr(task, "__name__", task))
                    db.session.rollback()
                finally:
                    db.session.remove()
        return ran

    def loop(self) -> None:
        log.info("Background worker running %d task kinds", len(self.tasks))
        while not self.stopping.is_set():
            if not self.run_once():
                self.stopping.wait(self.poll_seconds)

    def start(self) -> TaskWorker:
        self.thread = threading.Thread(target=self.loop, name="interact-tasks", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)
