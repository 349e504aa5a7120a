"""Working-day calendar administration and coverage warnings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from interact.core import audit, clock, workdays
from interact.core.errors import Conflict, InvalidInput, NotFound
from interact.core.models import AuditEvent, CalendarDay, CalendarDayKind
from interact.core.permissions import ensure_role
from interact.extensions import db


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
    """The dashboard warning when the coming year's holidays are not configured."""
    year = clock.today().year + 1
    if calendar_coverage(year).configured:
        return None
    return f"{year} 年的法定节假日和调休安排尚未配置，跨年后的办理期限将只按周末计算。请在“节假日设置”中录入。"


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
    if db.session.scalar(db.select(CalendarDay).where(CalendarDay.day == day)):
        raise Conflict(f"{day:%Y-%m-%d} 已有设置，请先删除再添加。")
    row = CalendarDay(day=day, kind=kind, name=name.strip())
    db.session.add(row)
    db.session.flush()
    workdays.invalidate()
    audit.record("calendar.day_added", "calendar_day", row.id, actor=actor,
                 note=f"{day:%Y-%m-%d} {'放假' if kind is CalendarDayKind.HOLIDAY else '调休上班'} {name}")
    return row


def remove_calendar_day(day_id: int, *, actor) -> None:
    ensure_role(actor, "admin")
    row = db.session.get(CalendarDay, day_id)
    if row is None:
        raise NotFound("该日期设置不存在。")
    audit.record("calendar.day_removed", "calendar_day", row.id, actor=actor, note=f"{row.day:%Y-%m-%d} {row.name}")
    db.session.delete(row)
    db.session.flush()
    workdays.invalidate()


def recent_audit_events(*, action_prefix: str = "", target_type: str = "", page: int = 1, per_page: int = 50):
    stmt = db.select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action_prefix:
        stmt = stmt.where(AuditEvent.action.startswith(action_prefix))
    if target_type:
        stmt = stmt.where(AuditEvent.target_type == target_type)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
