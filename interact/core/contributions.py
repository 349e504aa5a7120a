"""Typed extension points through which features contribute to the levels above them.

A feature never imports the office (or the app); it registers here when its views module
is imported (that is, when :func:`interact.create_app` registers its blueprint), and the
office reads what was registered:

* :data:`workspace_cards` — callables ``(user) -> list[Card]`` for the staff workspace
  home and the daily digest;
* :data:`office` — the :class:`OfficeSources` the compliance dashboard and the department
  performance report read (a feature that is not installed leaves its fields ``None`` and
  the dashboard says 模块未安装);
* :data:`job_runner` — the application's scheduler (:mod:`interact.scheduler`, which
  imports every feature's jobs) for the admin's jobs page in the office.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Callable, Optional, Protocol, TypedDict


class Card(TypedDict, total=False):
    """One card of the staff workspace."""

    title: str
    #: A number, a short text such as ``"3天"``, or ``None`` when there is no figure (the
    #: card then shows only its title; the digest leaves it out).
    count: int | str | None
    url: str
    hint: Optional[str]
    #: ``normal``, ``warning``, ``danger`` or ``None``.
    level: Optional[str]


#: Card contributors: ``(user) -> list[Card]`` (empty when nothing concerns the user).
workspace_cards: list[Callable[[Any], list[Card]]] = []


@dataclass
class OfficeSources:
    """What the office's dashboard and performance report read from the features."""

    #: letters: letters unanswered for longer than the veto rule allows.
    veto_letters: Optional[Callable[[], list]] = None
    #: letters: ``{department id or None (held by the office): overdue letters}``.
    overdue_counts_by_department: Optional[Callable[[], dict]] = None
    #: letters: when a letter of the channel was last answered (``channel=``).
    last_reply_at: Optional[Callable[..., Optional[datetime]]] = None
    #: letters: ``(start, end) -> {department id: StatsRow}``.
    department_performance: Optional[Callable[[date, date], dict]] = None
    #: surveys: collections whose feedback is due within ``days`` days.
    feedback_due_soon: Optional[Callable[..., list]] = None
    #: surveys: how many days ahead ``feedback_due_soon`` looks by default (the dashboard's
    #: label says it: "7日内到期…").
    feedback_due_soon_days: Optional[int] = None
    #: surveys: collections whose feedback is overdue.
    feedback_overdue: Optional[Callable[[], list]] = None
    #: surveys: collections run in a year.
    collections_count: Optional[Callable[[int], int]] = None
    #: surveys: ``(start, end) -> {department id: {...}}``.
    department_collections: Optional[Callable[[date, date], dict]] = None
    #: interviews: interviews starting within ``days`` days without an announcement.
    unannounced_upcoming: Optional[Callable[..., list]] = None
    #: interviews: interviews held in a year.
    interviews_count: Optional[Callable[[int], int]] = None
    #: interviews: ``(start, end) -> {department id: interviews}``.
    department_interviews: Optional[Callable[[date, date], dict]] = None


office = OfficeSources()


class JobRunner(Protocol):
    """What the jobs page needs of the scheduler."""

    def load_jobs(self) -> list: ...

    def get_job(self, job_id: str) -> Any: ...

    def last_runs(self, job_ids: list[str] | None = None) -> dict: ...

    def recent_runs(self, job_id: str | None = None, *, page: int = 1, per_page: int = 50) -> Any: ...

    def describe_trigger(self, job: Any) -> str: ...

    def run_job(self, app: Any, job: Any, *, trigger: str = "scheduler", at: datetime | None = None) -> Any: ...


#: Set by :mod:`interact.scheduler` when the application registers it.
job_runner: Optional[JobRunner] = None


def contribute_to_office(**sources: Callable) -> None:
    """Register a feature's sources by their :class:`OfficeSources` field names."""
    known = {field.name for field in fields(OfficeSources)}
    unknown = set(sources) - known
    if unknown:
        raise TypeError(f"unknown office sources: {', '.join(sorted(unknown))}")
    for name, source in sources.items():
        setattr(office, name, source)
