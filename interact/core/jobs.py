"""What a scheduled job is. Each feature's ``jobs.py`` lists its jobs as ``JOBS``.

A job function takes no arguments, runs inside an application context, does its work
through services (selecting by state and due date, setting ``…_sent_at`` flags so that a
second run changes nothing) and returns a dict of counts for the job-run record. The runner
in :mod:`interact.scheduler` owns the transaction: it commits after the function returns
and rolls back if it raises.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Job:
    #: Stable id, ``<module>.<name>`` (e.g. ``letters.deadline_sweep``).
    id: str
    func: Callable[[], dict[str, Any] | None]
    #: APScheduler trigger arguments, e.g. ``{"trigger": "interval", "minutes": 15}`` or
    #: ``{"trigger": "cron", "hour": 7, "minute": 30}`` (times in Asia/Shanghai).
    trigger: dict[str, Any] = field(default_factory=dict)
    #: Chinese description shown to the admin.
    description: str = ""
    #: Chinese names of the counts the function returns (``{"sent": "已发送"}``), shown on
    #: the jobs page instead of the keys.
    count_labels: dict[str, str] = field(default_factory=dict)
