"""Letter reports: the public statistics (咨询回复统计) and monthly summaries (每月汇总),
the office's statistics exports (CSV/XLSX) and the summary editor.

Endpoints: public ``letter_reports.stats``, ``letter_reports.summaries``,
``letter_reports.summary``; staff ``letter_reports.staff_stats``,
``letter_reports.export_csv``, ``letter_reports.export_xlsx``,
``letter_reports.staff_summaries`` (the workspace's 月度汇总), ``letter_reports.staff_summary``.
"""
from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from interact.accounts.forms import MultiCheckboxField
from interact.core import contributions
from interact.core.errors import InvalidInput, NotFound
from interact.core.pagecache import public_page
from interact.core.forms import ConfirmForm, Form, attempt, perform
from interact.core.permissions import has_role, roles_required
from interact.core.templating import month_choices
from interact.departments.services import active_departments
from interact.letters import stats, workflow
from interact.letters import summary as summaries
from interact.letters.models import LetterKind, SummaryStatus

bp = Blueprint("letter_reports", __name__)

_MONTH_URL = re.compile(r"\d{4}-\d{2}")


class SummaryGenerateForm(Form):
    #: A list of months in Chinese (a browser's own month picker speaks the browser's
    #: language); choices from :func:`interact.core.templating.month_choices`. What is
    #: posted is checked by ``summary.draft_summary`` (its messages), not by the list.
    month = SelectField("月份", validators=[DataRequired("请选择月份")], validate_choice=False,
                        description="已有汇总的月份直接打开已有的汇总")


class SummaryEditForm(Form):
    title = StringField("标题", validators=[DataRequired("请填写标题"),
                                          Length(summaries.TITLE_MIN, summaries.TITLE_MAX,
                                                 f"标题应为 {summaries.TITLE_MIN}–{summaries.TITLE_MAX} 个字")],
                        render_kw={"maxlength": summaries.TITLE_MAX})
    body_html = TextAreaField("正文", description="可使用段落、加粗、列表、表格等 HTML 标记；保存时自动清除不安全的内容",
                              render_kw={"rows": 14})
    cases = MultiCheckboxField("典型案例", coerce=str, validate_choice=False,
                               description=f"从本月已公开的来信中选择，最多 {summaries.MAX_CASES} 件，按列表顺序展示")


# --- query arguments ------------------------------------------------------------------


def _department_arg() -> int | None:
    raw = (request.args.get("department") or "").strip()
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > 9:
        raise InvalidInput("部门参数无效。", fields={"department": "请选择列表中的部门"})
    return int(raw)


def _report_from_args(build=stats.monthly_report) -> tuple[stats.StatsReport, str | None, int]:
    """The report the query asks for; a bad argument falls back to the current month
    with the error message (the page is re-shown with a 422)."""
    typed_month = (request.args.get("month") or "").strip()[:20]
    try:
        month = stats.parse_month(typed_month)
        department_id = _department_arg()
    except InvalidInput as error:
        return build(None), error.message, 422
    return build(month, department_id=department_id), None, 200


def _department_name(report: stats.StatsReport, departments) -> str | None:
    if report.department_id is None:
        return None
    return next((d.name for d in departments if d.id == report.department_id), "该部门")


# --- public pages ---------------------------------------------------------------------


@bp.get("/letters/stats", endpoint="stats")
@public_page(params=("month", "department"))
def stats_page():
    report, error, status = _report_from_args(stats.cached_monthly_report)
    departments = active_departments()
    return render_template(
        "letters/stats.html", report=report, error=error, departments=departments,
        typed_month=(request.args.get("month") or "")[:20], department_name=_department_name(report, departments),
        limits=workflow.reply_limits(), kind_labels=LetterKind.labels(), cache_minutes=stats.cache_seconds() // 60,
    ), status


@bp.get("/letters/summaries", endpoint="summaries")
@public_page(params=("page",))
def summaries_page():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return render_template("letters/summary_list.html", summaries=summaries.public_summaries(page=min(page, 1000)))


@bp.get("/letters/summaries/<month>", endpoint="summary")
@public_page(params=())
def summary_page(month: str):
    if not _MONTH_URL.fullmatch(month):
        raise NotFound("该月度汇总不存在或尚未发布。")
    item = summaries.get_public_summary(month)
    return render_template("letters/summary_detail.html", summary=item, cases=summaries.public_case_texts(item))


# --- staff: statistics and exports ------------------------------------------------------


@bp.get("/staff/letters/stats")
@roles_required("office", "admin")
def staff_stats():
    report, error, status = _report_from_args()
    departments = active_departments()
    kinds, channels = stats.kind_and_channel_rows(report.month)
    return render_template(
        "letters/stats_staff.html", report=report, error=error, departments=departments,
        typed_month=(request.args.get("month") or "")[:20], department_name=_department_name(report, departments),
        kinds=kinds, channels=channels,
    ), status


def _export_report() -> stats.StatsReport:
    return stats.monthly_report(stats.parse_month(request.args.get("month")), department_id=_department_arg())


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/staff/letters/stats.csv")
@roles_required("office", "admin")
def export_csv():
    report = _export_report()
    by = "month" if request.args.get("by") == "month" else "department"
    return _download(stats.to_csv(report, by=by), "text/csv; charset=utf-8",
                     f"letter-stats-{report.month}-{by}.csv")


@bp.get("/staff/letters/stats.xlsx")
@roles_required("office", "admin")
def export_xlsx():
    report = _export_report()
    return _download(stats.to_xlsx(report),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"letter-stats-{report.month}.xlsx")


# --- staff: monthly summaries -----------------------------------------------------------


@bp.route("/staff/letters/summaries", methods=["GET", "POST"])
@roles_required("office", "admin")
def staff_summaries():
    form = SummaryGenerateForm()
    form.month.choices = month_choices()
    if not form.is_submitted():
        form.month.data = stats.previous_month()
    status = 200
    if form.validate_on_submit():
        drafted, error = attempt(lambda: summaries.draft_summary(form.month.data.strip(), actor=current_user),
                                 form=form)
        if error is not None:
            status = error.status_code
        else:
            item, created = drafted
            flash("已生成汇总草稿，请编辑后发布。" if created else "该月份已有汇总，已为您打开。", "success")
            return redirect(url_for("letter_reports.staff_summary", summary_id=item.id))
    elif form.is_submitted():
        status = 422
    return render_template("letters/summary_staff_list.html", form=form, items=summaries.staff_summaries(),
                           action_form=ConfirmForm()), status


def _case_choices(item) -> list[tuple[str, str]]:
    return [(str(letter.id), f"{letter.number} {letter.public_title}（{letter.kind_label}，"
             f"{letter.department.name if letter.department else '—'}）")
            for letter in summaries.case_candidates(item.month)]


def _case_ids(values) -> list[int]:
    ids = []
    for value in values or []:
        if not str(value).isdecimal() or len(str(value)) > 12:
            raise InvalidInput("典型案例选择无效。", fields={"cases": "选择无效"})
        ids.append(int(value))
    return ids


def _render_edit(item, form: SummaryEditForm | None = None, status: int = 200):
    if form is None:
        form = SummaryEditForm(formdata=None, obj=item)
        form.cases.data = [str(letter.id) for letter in item.cases]
    form.cases.choices = _case_choices(item)
    return render_template("letters/summary_edit.html", summary=item, form=form, action_form=ConfirmForm(),
                           actions=summaries.actions(item, current_user),
                           hidden=summaries.hidden_on_publication(item)), status


@bp.route("/staff/letters/summaries/<int:summary_id>", methods=["GET", "POST"])
@roles_required("office", "admin")
def staff_summary(summary_id: int):
    item = summaries.get_summary(summary_id)
    if request.method == "GET":
        return _render_edit(item)
    form = SummaryEditForm()
    if not form.validate_on_submit():
        return _render_edit(item, form, 422)
    publish = request.form.get("then") == "publish"

    def save():
        # 保存并发布: the text as typed is saved and published in one step (a separate
        # publish button would publish the text saved before and drop what was typed).
        summaries.update_summary(item, title=form.title.data, body_html=form.body_html.data or "",
                                 case_ids=_case_ids(form.cases.data), actor=current_user)
        if publish:
            summaries.publish_summary(item, actor=current_user)

    error = perform(save, form=form)
    if error is not None:
        return _render_edit(summaries.get_summary(summary_id), form, error.status_code)
    flash("已保存并发布。" if publish else "已保存。", "success")
    return redirect(url_for("letter_reports.staff_summary", summary_id=item.id))


def _summary_action(summary_id: int, action, message: str):
    item = summaries.get_summary(summary_id)
    if not ConfirmForm().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return _render_edit(item, status=400)
    error = perform(lambda: action(item))
    if error is not None:
        return _render_edit(summaries.get_summary(summary_id), status=error.status_code)
    flash(message, "success")
    return redirect(url_for("letter_reports.staff_summary", summary_id=item.id))


@bp.post("/staff/letters/summaries/<int:summary_id>/publish")
@roles_required("office", "admin")
def publish_summary(summary_id: int):
    return _summary_action(summary_id, lambda s: summaries.publish_summary(s, actor=current_user), "已发布。")


@bp.post("/staff/letters/summaries/<int:summary_id>/withdraw")
@roles_required("office", "admin")
def withdraw_summary(summary_id: int):
    return _summary_action(summary_id, lambda s: summaries.withdraw_summary(s, actor=current_user),
                           "已撤回，公众不再可见。")


@bp.post("/staff/letters/summaries/<int:summary_id>/refresh")
@roles_required("office", "admin")
def refresh_summary(summary_id: int):
    return _summary_action(summary_id, lambda s: summaries.refresh_stats(s, actor=current_user), "已重新统计。")


# --- workspace card ---------------------------------------------------------------------


def _workspace_cards(user) -> list[dict]:
    if not has_role(user, "office", "admin"):
        return []
    drafts = summaries.draft_count()
    return [{"title": "月度汇总草稿待发布", "count": drafts, "url": url_for("letter_reports.staff_summaries"),
             "hint": "领导信箱每月汇总", "level": "warning" if drafts else None}]


contributions.workspace_cards.append(_workspace_cards)
