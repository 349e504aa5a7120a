"""Staff workspace home and the office/admin settings pages."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from interact.accounts.forms import ConfirmForm
from interact.core import clock, notify, sensitive
from interact.core.errors import DomainError
from interact.core.forms import apply_field_errors
from interact.core.models import CalendarDayKind, SensitiveWord, SensitiveWordLevel
from interact.core.permissions import has_role, roles_required, staff_required
from interact.core.templating import context_contributors
from interact.extensions import db
from interact.office import services
from interact.office.forms import CalendarDayForm, SensitiveWordForm

bp = Blueprint("office", __name__, url_prefix="/staff")

#: Workspace cards contributed by feature modules: callables taking the user and returning
#: a list of ``{"title", "count", "url", "hint", "level"}`` dicts (empty when not relevant).
workspace_cards: list = []


def _calendar_warning(user) -> dict:
    if has_role(user, "admin", "office"):
        return {"calendar_warning": services.next_year_warning()}
    return {}


context_contributors.append(_calendar_warning)
context_contributors.append(notify.header_counts)


@bp.get("/")
@staff_required
def workspace():
    cards = [card for contribute in workspace_cards for card in contribute(current_user)]
    return render_template("office/workspace.html", cards=cards)


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required("admin")
def calendar():
    year = request.args.get("year", type=int) or clock.today().year + 1
    year = min(max(year, 2000), 2100)
    form = CalendarDayForm()
    if form.validate_on_submit():
        try:
            services.add_calendar_day(form.day.data, CalendarDayKind(form.kind.data), form.name.data or "",
                                      actor=current_user)
        except DomainError as error:
            db.session.rollback()
            apply_field_errors(form, error.fields)
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("已保存。", "success")
            return redirect(url_for("office.calendar", year=form.day.data.year))
    return render_template(
        "office/calendar.html", form=form, year=year, days=services.calendar_days(year),
        coverage=services.calendar_coverage(year), action_form=ConfirmForm(), today=clock.today(),
    )


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
    if form.validate_on_submit():
        try:
            sensitive.add_word(form.word.data, SensitiveWordLevel(form.level.data), form.category.data or "",
                               actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("已添加。", "success")
            return redirect(url_for("office.sensitive_words"))
    words = db.session.scalars(db.select(SensitiveWord).order_by(SensitiveWord.category, SensitiveWord.word)).all()
    return render_template("office/sensitive_words.html", form=form, words=words, action_form=ConfirmForm())


@bp.post("/sensitive-words/<int:word_id>/delete")
@roles_required("office", "admin")
def delete_sensitive_word(word_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            sensitive.remove_word(word_id, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("已删除。", "success")
    return redirect(url_for("office.sensitive_words"))


@bp.get("/audit")
@roles_required("office", "admin")
def audit_log():
    page = max(request.args.get("page", 1, type=int), 1)
    action = request.args.get("action", "").strip()[:64]
    target_type = request.args.get("type", "").strip()[:32]
    events = services.recent_audit_events(action_prefix=action, target_type=target_type, page=page)
    return render_template("office/audit.html", events=events, action=action, target_type=target_type)


