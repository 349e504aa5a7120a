"""Staff workspace home, inbox, settings, job runs, compliance dashboard and performance."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from interact.core import audit, clock, contributions, notify, sensitive
from interact.core.errors import DomainError
from interact.core.forms import ConfirmForm, perform
from interact.core.models import CalendarDayKind, JobOutcome, SensitiveWord, SensitiveWordLevel
from interact.core.permissions import has_role, roles_required, staff_required
from interact.core.templating import context_contributors
from interact.core.views import safe_next
from interact.extensions import db
from interact.office import performance as perf
from interact.office import services
from interact.office.forms import CalendarDayForm, SensitiveWordForm

bp = Blueprint("office", __name__, url_prefix="/staff")
log = logging.getLogger(__name__)


def _calendar_warning(user) -> dict:
    if has_role(user, "admin", "office"):
        return {"calendar_warning": services.next_year_warning()}
    return {}


def _header_counts(user) -> dict:
    """The header's unread count, without the clerk's notices that link to the page shown:
    it is rendered for them, so those are read (stored once the page was served:
    :func:`_read_the_notices_of_this_page`)."""
    counts = notify.header_counts(user)
    if request.method == "GET" and request.path.startswith("/staff/"):
        g.notices_read_here = notify.unread_about(request.path, user=user)
        counts["inbox_unread"] -= len(g.notices_read_here)
    return counts


@bp.after_app_request
def _read_the_notices_of_this_page(response: Response) -> Response:
    """A clerk who was shown a staff page has read their notices that link to it (a letter, a
    collection's feedback, an interview's console), whichever way they came — the desk, a
    search, the notice. Stored only when the page was served: not for a request that ended
    in the log-in page (idle log-out) or in an error page (review 13). Best effort: a
    write that fails (a lock) leaves them unread and the page is served all the same."""
    ids = g.pop("notices_read_here", None)
    if ids and response.status_code == 200:
        try:
            notify.mark_ids_read(ids)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("notices %s not marked read", ids, exc_info=True)
    return response


context_contributors.append(_calendar_warning)
context_contributors.append(_header_counts)


@bp.get("/")
@staff_required
def workspace():
    cards = [card for contribute in contributions.workspace_cards for card in contribute(current_user)]
    return render_template("office/workspace.html", cards=cards)


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required("admin")
def calendar():
    year = request.args.get("year", type=int) or clock.today().year + 1
    year = min(max(year, 2000), 2100)
    form = CalendarDayForm()
    status = 200
    if form.validate_on_submit():
        error = perform(lambda: services.add_calendar_day(
            form.day.data, CalendarDayKind(form.kind.data), form.name.data or "", actor=current_user), form=form)
        if error is None:
            flash("已保存。", "success")
            return redirect(url_for("office.calendar", year=form.day.data.year))
        status = error.status_code
    elif form.is_submitted():
        status = 422
    return render_template(
        "office/calendar.html", form=form, year=year, days=services.calendar_days(year),
        coverage=services.calendar_coverage(year), action_form=ConfirmForm(), today=clock.today(),
    ), status


@bp.post("/calendar/<int:day_id>/delete")
@roles_required("admin")
def delete_calendar_day(day_id: int):
    year = request.form.get("year", type=int)
    if ConfirmForm().validate_on_submit():
        services.remove_calendar_day(day_id, actor=current_user)
        db.session.commit()
        flash("已删除。", "success")
    return redirect(url_for("office.calendar", year=year))


@bp.route("/sensitive-words", methods=["GET", "POST"])
@roles_required("office", "admin")
def sensitive_words():
    form = SensitiveWordForm()
    status = 200
    if form.validate_on_submit():
        error = perform(lambda: sensitive.add_word(
            form.word.data, SensitiveWordLevel(form.level.data), form.category.data or "", actor=current_user), form=form)
        if error is None:
            flash("已添加。", "success")
            return redirect(url_for("office.sensitive_words"))
        status = error.status_code
    elif form.is_submitted():
        status = 422
    words = db.session.scalars(db.select(SensitiveWord).order_by(SensitiveWord.category, SensitiveWord.word)).all()
    return render_template("office/sensitive_words.html", form=form, words=words, levels=SensitiveWordLevel,
                           action_form=ConfirmForm()), status


@bp.post("/sensitive-words/<int:word_id>/delete")
@roles_required("office", "admin")
def delete_sensitive_word(word_id: int):
    if ConfirmForm().validate_on_submit() and perform(lambda: sensitive.remove_word(word_id, actor=current_user)) is None:
        flash("已删除。", "success")
    return redirect(url_for("office.sensitive_words"))


@bp.get("/audit")
@roles_required("office", "admin")
def audit_log():
    page = max(request.args.get("page", 1, type=int), 1)
    action = request.args.get("action", "").strip()[:64]
    target_type = request.args.get("type", "").strip()[:32]
    events = services.recent_audit_events(action=action, target_type=target_type, page=page)
    return render_template("office/audit.html", events=events, action=action, target_type=target_type,
                           actions=audit.action_choices(), targets=audit.target_choices())




# --- inbox -----------------------------------------------------------------------------------


@bp.get("/inbox")
@staff_required
def inbox():
    page = max(request.args.get("page", 1, type=int), 1)
    unread_only = request.args.get("unread") == "1"
    notices = notify.inbox(current_user, unread_only=unread_only, page=page)
    return render_template("office/inbox.html", notices=notices, unread_only=unread_only,
                           unread=notify.unread_count(current_user), action_form=ConfirmForm())


@bp.post("/inbox/<int:notification_id>/open")
@staff_required
def open_notification(notification_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notification = notify.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(safe_next(notification.url, url_for("office.inbox")))


@bp.post("/inbox/<int:notification_id>/read")
@staff_required
def read_notification(notification_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notify.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(url_for("office.inbox", unread=request.form.get("unread") or None))


@bp.post("/inbox/read-all")
@staff_required
def read_all_notifications():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = notify.mark_all_read(current_user)
    db.session.commit()
    flash(f"已将 {count} 条通知标为已读。", "success")
    return redirect(url_for("office.inbox"))


# --- scheduled jobs (admin) ------------------------------------------------------------------

def _job_runner() -> contributions.JobRunner:
    if contributions.job_runner is None:  # an application without the scheduler
        abort(404)
    return contributions.job_runner


@bp.get("/jobs")
@roles_required("admin")
def job_runs():
    scheduler = _job_runner()
    jobs = scheduler.load_jobs()
    selected = request.args.get("job", "").strip()[:64]
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template(
        "office/job_runs.html", jobs=jobs, last=scheduler.last_runs([job.id for job in jobs]),
        runs=scheduler.recent_runs(selected or None, page=page), selected=selected,
        describe=scheduler.describe_trigger, outbox=notify.outbox_counts(), action_form=ConfirmForm(),
        count_labels={job.id: job.count_labels for job in jobs}, names={job.id: job.description for job in jobs},
    )


@bp.post("/jobs/<job_id>/run")
@roles_required("admin")
def run_job_now(job_id: str):
    scheduler = _job_runner()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = scheduler.get_job(job_id)
    if job is None:
        abort(404)
    db.session.commit()
    run = scheduler.run_job(current_app._get_current_object(), job, trigger=f"web:{current_user.username}")
    audit.record("job.run_manually", "job_run", run.id, actor=current_user, note=job.description)
    db.session.commit()
    reason = f"（{run.error}）" if run.outcome is JobOutcome.SKIPPED and run.error else ""
    flash(f"任务“{job.description}”：{run.outcome.label}{reason}。", "success" if run.outcome is JobOutcome.OK else "error")
    return redirect(url_for("office.job_runs", job=job.id))


# --- compliance dashboard and performance (office) -----------------------------------------


@bp.get("/dashboard")
@roles_required("office", "admin")
def dashboard():
    return render_template("office/dashboard.html", board=services.compliance_dashboard())


@bp.get("/dashboard/<kind>")
@roles_required("office", "admin")
def dashboard_list(kind: str):
    title = services.dashboard_title(kind)  # 404 for an unknown kind
    items = services.dashboard_items(kind)
    return render_template("office/dashboard_list.html", kind=kind, title=title,
                           items=[services.describe_item(item) for item in items or []],
                           installed=items is not None)


def _period_from_args():
    return perf.make_period(
        request.args.get("period") or None, year=request.args.get("year", type=int),
        month=request.args.get("month", type=int), quarter=request.args.get("quarter", type=int),
        start=request.args.get("start"), end=request.args.get("end"),
    )


@bp.get("/performance")
@roles_required("office", "admin")
def performance():
    error = None
    try:
        period = _period_from_args()
    except DomainError as exc:
        error = exc.message
        period = perf.make_period()
    report = perf.department_report(period)
    status = 422 if error else 200
    return render_template(
        "office/performance.html", report=report, chart=perf.letters_chart(report.rows), error=error,
        kinds=perf.PERIOD_KINDS, args=request.args, this_year=clock.today().year,
    ), status


@bp.get("/performance.<fmt>")
@roles_required("office", "admin")
def performance_export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    report = perf.department_report(_period_from_args())
    name = f"performance-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        body, mimetype = perf.to_csv(report), "text/csv; charset=utf-8"
    else:
        body = perf.to_xlsx(report)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
