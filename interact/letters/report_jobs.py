"""Scheduled work of the letter reports: last month's summary draft.

On the first working day of a month (and on any later day of it, should the scheduler
have been down then) the job drafts last month's summary if there is none yet — a second
run finds the draft and changes nothing.
"""
from __future__ import annotations

from datetime import date

from interact.core import clock, workdays
from interact.core.jobs import Job
from interact.letters import stats, summary


def first_workday_of_month(day: date) -> date:
    return workdays.get_calendar().next_workday(day.replace(day=1))


def draft_last_month_summary() -> dict[str, int | str]:
    today = clock.today()
    if today < first_workday_of_month(today):
        return {"skipped_before_first_workday": 1}
    month = stats.previous_month(today.strftime("%Y-%m"))
    _summary, created = summary.draft_summary(month, actor=None)
    return {"month": month, "drafted": int(created)}


JOBS = [
    Job("letters.monthly_summary_draft", draft_last_month_summary, {"trigger": "cron", "hour": 7, "minute": 10},
        "每月第一个工作日起草上月来信办理情况汇总（已有草稿则跳过）",
        {"month": "月份", "drafted": "新起草", "skipped_before_first_workday": "未到首个工作日"}),
]
