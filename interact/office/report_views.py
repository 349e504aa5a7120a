"""The office's official reports: the annual report's 互动交流 section (with its department
breakdown and the records behind each figure) and the monthly inspection report."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from interact.core import clock, contributions, periods
from interact.core.errors import DomainError
from interact.core.forms import ConfirmForm, perform
from interact.core.permissions import has_role, roles_required
from interact.extensions import db
from interact.office import inspection, report_records, reports

bp = Blueprint("office_reports", __name__, url_prefix="/staff/reports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, filename: str) -> Response:
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _year(value) -> int:
    try:
        return reports.check_year(value)
    except DomainError:
        abort(404)


# --- annual report -----------------------------------------------------------------------------


@bp.get("/annual")
@roles_required("office", "admin")
def annual():
    """The year chosen in the form (default: last year, the one the report is filed for)."""
    value = request.args.get("year", "").strip()
    default = clock.today().year - 1
    try:
        year = reports.check_year(value) if value else default
    except DomainError as error:
        return _annual_page(default, error=error.message, year_value=value), 422
    return _annual_page(year)


def _annual_page(year: int, *, error: str | None = None, year_value=None) -> str:
    return render_template("office/annual.html", report=reports.annual_report(year), error=error,
                           year_value=year if year_value is None else year_value,
                           breakdown_keys=reports.BREAKDOWN_KEYS, specs=reports.SPEC_BY_KEY, display=reports.display)


@bp.get("/annual/<int:year>/print")
@roles_required("office", "admin")
def annual_print(year: int):
    return render_template("office/annual_print.html", report=reports.annual_report(_year(year)))


@bp.get("/annual/<int:year>.xlsx")
@roles_required("office", "admin")
def annual_xlsx(year: int):
    report = reports.annual_report(_year(year))
    return _download(reports.to_xlsx(report), f"annual-report-{year}.xlsx")


@bp.get("/annual/<int:year>/departments.xlsx")
@roles_required("office", "admin")
def breakdown_xlsx(year: int):
    report = reports.annual_report(_year(year))
    return _download(reports.breakdown_xlsx(report), f"assessment-{year}.xlsx")


@bp.get("/annual/<int:year>/records/<kind>")
@roles_required("office", "admin")
def records(year: int, kind: str):
    year = _year(year)
    source = report_records.source(kind)
    department = (request.args.get("department") or "").strip()[:12] or None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination = db.paginate(report_records.records_query(kind, year, department), page=page, per_page=30,
                             error_out=False)
    department_name = report_records.department_label(department) if department else None
    return render_template("office/report_records.html", year=year, kind=kind, source=source,
                           pagination=pagination, lines=report_records.lines(list(pagination.items)),
                           department=department, department_name=department_name)


# --- monthly inspection report -------------------------------------------------------------------


@bp.get("/monthly")
@roles_required("office", "admin")
def monthly():
    value = request.args.get("month", "").strip()
    if value:
        try:
            month = periods.parse_month(value)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("office_reports.monthly"))
        return redirect(url_for("office_reports.monthly_report", month=month))
    return render_template("office/monthly_list.html", reports=inspection.recent_reports(),
                           default_month=periods.previous_month(), action_form=ConfirmForm())


@bp.get("/monthly/<month>")
@roles_required("office", "admin")
def monthly_report(month: str):
    try:
        month = periods.parse_month(month)
    except DomainError:
        abort(404)
    report = inspection.report_for_month(month)
    return render_template("office/monthly.html", month=month, month_label=periods.month_label(month), report=report,
                           action_form=ConfirmForm(),
                           can_draft=month <= periods.current_month())


@bp.post("/monthly/<month>/draft")
@roles_required("office", "admin")
def draft_monthly(month: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if perform(lambda: inspection.refresh_report(month, actor=current_user)) is None:
        flash("监测报告已按当前数据统计。", "success")
        return redirect(url_for("office_reports.monthly_report", month=month))
    return redirect(url_for("office_reports.monthly"))


@bp.get("/monthly/<month>.xlsx")
@roles_required("office", "admin")
def monthly_xlsx(month: str):
    report = inspection.get_report(month[:7])
    return _download(inspection.to_xlsx(report), f"inspection-{report.month}.xlsx")


def _workspace_cards(user) -> list[dict]:
    """Last month's inspection report on the office's workspace (and so in its daily digest)
    while any item fails."""
    if not has_role(user, "office", "admin"):
        return []
    month = periods.previous_month()
    report = inspection.report_for_month(month)
    url = url_for("office_reports.monthly_report", month=month)
    if report is None:
        # No report, no figure: a 0 would read as "nothing failed".
        return [{"title": f"{periods.month_label(month)}监测报告尚未生成", "count": None, "url": url,
                 "hint": "进入后可按当前数据生成", "level": None}]
    failed = len(report.failed)
    return [{"title": f"{periods.month_label(month)}监测报告不通过项", "count": failed, "url": url,
             "hint": "已生成", "level": "danger" if failed else None}]


contributions.workspace_cards.append(_workspace_cards)
