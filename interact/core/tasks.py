"""Background work outside the web workers, from durable job tables.

A feature with long work (the FAQ import) keeps its jobs in a table of its own — status,
progress and a ``heartbeat_at`` that the running process refreshes as it commits
progress — and lists in ``TASKS`` functions that each claim and run one waiting job,
returning ``True`` if they did work. The modules are named in
``interact.scheduler.TASK_MODULES``.

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

from flask import Flask

log = logging.getLogger(__name__)

#: A job whose heartbeat is older than this is taken to be abandoned by a dead process.
STALE_SECONDS = 120
#: Runs of one job (first run + resumptions) before it is marked failed.
MAX_ATTEMPTS = 3
#: Seconds the worker waits when there is nothing to do.
POLL_SECONDS = 2.0


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
        from interact.extensions import db

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
