"""Office services: working-day calendar, the compliance dashboard and department performance."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from interact.core import audit, clock, contributions, periods, workdays
from interact.core.atomic import unique_or_conflict
from interact.core.errors import Conflict, InvalidInput, NotFound
from interact.core.models import AuditEvent, CalendarDay, CalendarDayKind
from interact.core.permissions import ensure_role
from interact.office.models import CHECK_STATUS_LABELS, CHECK_TONES
from interact.extensions import db
from interact.core.lookup import get_or_404

audit.register_actions({
    "calendar.day_added": "新增节假日设置", "calendar.day_removed": "删除节假日设置", "job.run_manually": "手动运行任务",
}, targets={"calendar_day": "工作日历", "job_run": "定时任务"})


@dataclass(frozen=True)
class CalendarCoverage:
    year: int
    configured: bool
    source: str  # "package", "table" or "none"


def calendar_coverage(year: int) -> CalendarCoverage:
    if workdays.CC_FIRST_YEAR <= year <= workdays.CC_LAST_YEAR:
        return CalendarCoverage(year, True, "package")
    has_rows = db.session.scalar(
        db.select(db.func.count(CalendarDay.id)).where(
            CalendarDay.day >= date(year, 1, 1),
            CalendarDay.day <= date(year, 12, 31),
            CalendarDay.kind == CalendarDayKind.HOLIDAY,
        )
    )
    return CalendarCoverage(year, bool(has_rows), "table" if has_rows else "none")


def next_year_warning() -> str | None:
    """The dashboard warning when the coming year's holidays are not configured (who
    enters them is said beside it: the staff header, by whether the reader may open
    节假日设置)."""
    year = clock.today().year + 1
    if calendar_coverage(year).configured:
        return None
    return f"{year} 年的法定节假日和调休安排尚未配置，跨年后的办理期限将只按周末计算。"


def calendar_days(year: int) -> list[CalendarDay]:
    return list(
        db.session.scalars(
            db.select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day)
        )
    )


def add_calendar_day(day: date, kind: CalendarDayKind, name: str, *, actor) -> CalendarDay:
    ensure_role(actor, "admin")
    if kind is CalendarDayKind.HOLIDAY and not name.strip():
        raise InvalidInput("请填写节假日名称。", fields={"name": "请填写名称"})
    taken = f"{day:%Y-%m-%d} 已有设置，请先删除再添加。"
    if db.session.scalar(db.select(CalendarDay).where(CalendarDay.day == day)):
        raise Conflict(taken)
    row = CalendarDay(day=day, kind=kind, name=name.strip())
    with unique_or_conflict(taken):  # the same form sent twice at once: one row, one 409
        db.session.add(row)
    workdays.invalidate()
    audit.record("calendar.day_added", "calendar_day", row.id, actor=actor,
                 note=f"{day:%Y-%m-%d} {kind.label} {name}")
    return row


def remove_calendar_day(day_id: int, *, actor) -> None:
    ensure_role(actor, "admin")
    row = get_or_404(CalendarDay, day_id, "该日期设置不存在。")
    audit.record("calendar.day_removed", "calendar_day", row.id, actor=actor, note=f"{row.day:%Y-%m-%d} {row.name}")
    db.session.delete(row)
    db.session.flush()
    workdays.invalidate()


def recent_audit_events(*, action: str = "", target_type: str = "", page: int = 1, per_page: int = 50):
    """The audit trail, newest first, of one action and/or one object type (empty: all)."""
    stmt = db.select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if target_type:
        stmt = stmt.where(AuditEvent.target_type == target_type)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


# --- compliance dashboard ("would we pass a portal inspection today?") ----------------------

#: Yearly targets of the city rules: six collections and six interviews a year.
YEARLY_TARGET = 6
#: The dashboard line (and list title) of the veto rule.
VETO_LABEL = f"超过{periods.VETO_MONTHS}个月未答复的来信（一票否决）"
#: Interviews starting within this many days should be announced by now (dashboard line).
UNANNOUNCED_DAYS = 3
UNANNOUNCED_LABEL = f"{UNANNOUNCED_DAYS}日内开始但未发布预告的访谈"
FEEDBACK_OVERDUE_LABEL = "逾期未反馈的征集"


def feedback_due_label() -> str:
    """The dashboard line of result feedback falling due, with the surveys' own window
    (``surveys.deadlines.DUE_SOON_DAYS``, contributed), never a copy of it."""
    days = contributions.office.feedback_due_soon_days
    return f"{days}日内到期的征集结果反馈" if days else "即将到期的征集结果反馈"


def dashboard_title(kind: str) -> str:
    """The title of a dashboard line and of the list behind it."""
    titles = {"veto": VETO_LABEL, "feedback_due": feedback_due_label(), "feedback_overdue": FEEDBACK_OVERDUE_LABEL,
              "unannounced": UNANNOUNCED_LABEL}
    if kind not in titles:
        raise NotFound("没有这一项。")
    return titles[kind]


#: Who holds a letter that no department holds yet (dashboard rows).
OFFICE_HOLDER = "办公室（待受理、待转办或退回）"
#: The consultation channel is flagged when nothing was answered for this many months.
SILENT_MONTHS = 2


@dataclass
class Check:
    """One line of the dashboard: a number, whether it passes, and the list behind it."""

    key: str
    label: str
    #: ``ok`` (passes), ``warn`` (act soon), ``fail`` (an inspection would fail), ``missing``
    #: (that module is not installed).
    status: str
    value: Any = None
    #: Short Chinese explanation shown beside the number.
    note: str = ""
    #: Link target: a dashboard detail list (``office.dashboard_list``) or another page.
    link: tuple[str, dict[str, Any]] | None = None
    rows: list[Any] = field(default_factory=list)

    @property
    def is_missing(self) -> bool:
        return self.status == "missing"

    @property
    def status_label(self) -> str:
        return CHECK_STATUS_LABELS[self.status]

    @property
    def tone(self) -> str:
        return CHECK_TONES[self.status]




@dataclass
class Dashboard:
    today: date
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return not any(check.status == "fail" for check in self.checks)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if check.is_missing]

    def get(self, key: str) -> Check:
        return next(check for check in self.checks if check.key == key)


def _missing(key: str, label: str) -> Check:
    return Check(key, label, "missing", note="模块未安装")


def department_names() -> dict[int, str]:
    from interact.departments.models import Department

    return dict(db.session.execute(db.select(Department.id, Department.name)).all())


def dashboard_items(kind: str) -> list[Any] | None:
    """The objects behind a dashboard number (``None`` if that module is not installed)."""
    sources = {
        "veto": (contributions.office.veto_letters, {}),
        "feedback_due": (contributions.office.feedback_due_soon, {}),
        "feedback_overdue": (contributions.office.feedback_overdue, {}),
        "unannounced": (contributions.office.unannounced_upcoming, {"days": UNANNOUNCED_DAYS}),
    }
    if kind not in sources:
        raise NotFound("没有这一项。")
    source, kwargs = sources[kind]
    return None if source is None else list(source(**kwargs))


def compliance_dashboard() -> Dashboard:
    """Every inspection check for today, computed from the modules' services."""
    today = clock.today()
    checks: list[Check] = []

    veto = dashboard_items("veto")
    if veto is None:
        checks.append(_missing("veto", VETO_LABEL))
    else:
        checks.append(Check("veto", VETO_LABEL, "fail" if veto else "ok",
                            len(veto), "必须立即答复" if veto else "无",
                            ("office.dashboard_list", {"kind": "veto"}), veto))

    overdue_counts = contributions.office.overdue_counts_by_department
    if overdue_counts is None:
        checks.append(_missing("overdue", "超期未答复来信"))
    else:
        counts = {k: v for k, v in overdue_counts().items() if v}
        names = department_names()
        rows = sorted(((names.get(dept_id, "未分配部门") if dept_id is not None else OFFICE_HOLDER, dept_id, n)
                       for dept_id, n in counts.items()), key=lambda row: (-row[2], row[0]))
        total = sum(counts.values())
        checks.append(Check("overdue", "超期未答复来信", "warn" if total else "ok", total,
                            f"涉及 {len(rows)} 个办理单位" if total else "无",
                            ("letters.staff_list", {"deadline": "overdue"}), rows))

    due = dashboard_items("feedback_due")
    overdue = dashboard_items("feedback_overdue")
    if due is None or overdue is None:
        checks.append(_missing("feedback_due", feedback_due_label()))
        checks.append(_missing("feedback_overdue", FEEDBACK_OVERDUE_LABEL))
    else:
        checks.append(Check("feedback_due", feedback_due_label(), "warn" if due else "ok", len(due),
                            "征集结束后一个月内须公布反馈", ("office.dashboard_list", {"kind": "feedback_due"}), due))
        checks.append(Check("feedback_overdue", FEEDBACK_OVERDUE_LABEL, "fail" if overdue else "ok", len(overdue),
                            "已超过一个月期限" if overdue else "无",
                            ("office.dashboard_list", {"kind": "feedback_overdue"}), overdue))

    for key, count_of, label, endpoint in (
        ("collections", contributions.office.collections_count, "本年度民意征集", "surveys.staff_list"),
        ("interviews", contributions.office.interviews_count, "本年度在线访谈", "interviews.staff_list"),
    ):
        if count_of is None:
            checks.append(_missing(key, f"{label}（目标 {YEARLY_TARGET} 次）"))
            continue
        n = int(count_of(today.year))
        # Pace: by the end of each two months one more is expected; the year's end is the deadline.
        expected = min(YEARLY_TARGET, -(-today.month * YEARLY_TARGET // 12))
        status = "ok" if n >= YEARLY_TARGET else ("warn" if n >= expected or today.month < 12 else "fail")
        note = "已达标" if n >= YEARLY_TARGET else f"还差 {YEARLY_TARGET - n} 次" + ("，进度落后" if n < expected else "")
        checks.append(Check(key, f"{label}（目标 {YEARLY_TARGET} 次）", status, n, note, (endpoint, {})))

    unannounced = dashboard_items("unannounced")
    if unannounced is None:
        checks.append(_missing("unannounced", UNANNOUNCED_LABEL))
    else:
        checks.append(Check("unannounced", UNANNOUNCED_LABEL, "warn" if unannounced else "ok",
                            len(unannounced), "访谈前须发布预告",
                            ("office.dashboard_list", {"kind": "unannounced"}), unannounced))

    last_reply_at = contributions.office.last_reply_at
    if last_reply_at is None:
        checks.append(_missing("last_reply", "在线咨询栏目最近一次答复"))
    else:
        last = last_reply_at(channel="consultation")
        cutoff = periods.months_before(today, SILENT_MONTHS)
        last_day = clock.to_local(last).date() if last is not None else None
        silent = last_day is None or last_day < cutoff
        note = (f"已超过{SILENT_MONTHS}个月没有答复，栏目可能被认定为不更新" if silent
                else f"{(today - last_day).days} 天前")
        checks.append(Check("last_reply", "在线咨询栏目最近一次答复", "fail" if silent else "ok",
                            last_day.isoformat() if last_day else "从未答复", note,
                            ("letters.staff_list", {"channel": "consultation"})))

    next_year = today.year + 1
    coverage = calendar_coverage(next_year)
    checks.append(Check("calendar", f"{next_year} 年工作日历", "ok" if coverage.configured else "warn",
                        "已配置" if coverage.configured else "未配置",
                        {"package": "内置日历已包含", "table": "已手工录入"}.get(coverage.source,
                                                                     "期限将只按周末计算，请录入节假日"),
                        ("office.calendar", {"year": next_year})))
    return Dashboard(today, checks)


#: Staff page of each kind of object listed behind a dashboard number: (endpoint, id argument).
STAFF_PAGES = {
    "Letter": ("letters.staff_detail", "letter_id"),
    "Collection": ("surveys.staff_detail", "collection_id"),
    "Interview": ("interviews.manage", "interview_id"),
}


@dataclass
class ItemLine:
    title: str
    number: str
    department: str
    when: Any
    when_label: str
    endpoint: tuple[str, dict[str, Any]] | None


def describe_item(obj: Any) -> ItemLine:
    """A uniform line for a letter, collection or interview in a dashboard list."""
    kind = type(obj).__name__
    title = getattr(obj, "title", None) or getattr(obj, "topic", None) or f"#{getattr(obj, 'id', '')}"
    department = getattr(obj, "department", None)
    when, when_label = None, ""
    for attribute, label in (("due_at", "办理期限"), ("feedback_due_at", "反馈期限"),
                             ("scheduled_start", "开始时间"), ("ends_at", "结束时间"), ("submitted_at", "来信时间")):
        value = getattr(obj, attribute, None)
        if value is not None and not callable(value):
            when, when_label = value, label
            break
    page = STAFF_PAGES.get(kind)
    endpoint = (page[0], {page[1]: obj.id}) if page and getattr(obj, "id", None) is not None else None
    return ItemLine(str(title), str(getattr(obj, "number", "") or ""), getattr(department, "name", "") or "",
                    when, when_label, endpoint)
