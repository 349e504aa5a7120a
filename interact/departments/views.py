"""Department administration (admin) and the public department directory."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from interact.core import pagecache
from interact.core.forms import ConfirmForm, attempt, first_error, perform, saved_elsewhere
from interact.core.permissions import roles_required
from interact.core.lookup import get_or_404
from interact.departments import services
from interact.departments.forms import DepartmentForm, LeaderForm
from interact.departments.models import Department, DepartmentKind, Leader
from interact.extensions import db

bp = Blueprint("departments", __name__)

# Department names appear on every public list and filter.
pagecache.watch(Department, Leader)


@bp.get("/departments")
@pagecache.public_page(params=())
def directory():
    return render_template("departments/directory.html", departments=services.active_departments(include_city=False))


@bp.get("/staff/departments")
@roles_required("admin")
def admin_list():
    return render_template("departments/admin_list.html", departments=services.all_departments(), action_form=ConfirmForm())


def _form_data(form: DepartmentForm) -> services.DepartmentData:
    return services.DepartmentData(
        name=form.name.data, code=form.code.data, kind=DepartmentKind(form.kind.data),
        parent_id=int(form.parent_id.data) if form.parent_id.data else None,
        phone=form.phone.data or "", email=form.email.data or "", address=form.address.data or "",
        office_hours=form.office_hours.data or "", description=form.description.data or "",
        sort_order=form.sort_order.data or 100,
    )


def _parent_choices(exclude_id: int | None = None):
    return [("", "（无，顶级）")] + [
        (str(d.id), d.name) for d in services.all_departments() if d.id != exclude_id
    ]


@bp.route("/staff/departments/new", methods=["GET", "POST"])
@roles_required("admin")
def new():
    form = DepartmentForm()
    form.parent_id.choices = _parent_choices()
    if form.validate_on_submit():
        department, error = attempt(lambda: services.create_department(_form_data(form), actor=current_user), form=form)
        if error is not None:
            return render_template("departments/form.html", form=form, department=None), error.status_code
        flash(f"已创建部门“{department.name}”。", "success")
        return redirect(url_for("departments.edit", department_id=department.id))
    return render_template("departments/form.html", form=form, department=None)


@bp.route("/staff/departments/<int:department_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(department_id: int):
    department = services.get_department(department_id)
    if request.method == "GET":
        return _edit_page(department)
    form = DepartmentForm()
    form.parent_id.choices = _parent_choices(department.id)
    if not form.validate_on_submit():
        return _edit_page(department, form=form, status=422)
    error = perform(lambda: services.update_department(department, _form_data(form), actor=current_user,
                                                       shown_version=form.shown_version.data), form=form)
    if error is not None:
        differences = saved_elsewhere(error, form, services.edit_version(department), lambda: _filled_form(department))
        return _edit_page(department, form=form, status=error.status_code, differences=differences)
    flash("部门信息已保存。", "success")
    return redirect(url_for("departments.edit", department_id=department.id))


def _edit_page(department, *, form: DepartmentForm | None = None, leader_form: LeaderForm | None = None,
               status: int = 200, differences: list | None = None):
    """A department's page: its form and its leaders; a form that failed keeps what was typed
    (``differences``: what is saved now where it differs, after another page saved first)."""
    form = form or _filled_form(department)
    form.parent_id.choices = _parent_choices(department.id)
    return render_template("departments/form.html", form=form, department=department, differences=differences or [],
                           leader_form=leader_form or LeaderForm(formdata=None), action_form=ConfirmForm()), status


def _filled_form(department) -> DepartmentForm:
    """The edit form as it opens: the department as saved, and its version."""
    form = DepartmentForm(formdata=None, obj=department)
    form.parent_id.choices = _parent_choices(department.id)
    form.kind.data = department.kind.value
    form.parent_id.data = str(department.parent_id or "")
    form.shown_version.data = services.edit_version(department)
    return form


@bp.post("/staff/departments/<int:department_id>/active")
@roles_required("admin")
def set_active(department_id: int):
    department = services.get_department(department_id)
    if ConfirmForm().validate_on_submit():
        services.set_department_active(department, request.form.get("active") == "1", actor=current_user)
        db.session.commit()
        flash("部门状态已更新。" if department.active else "部门已停用，历史记录保留。", "success")
    return redirect(url_for("departments.admin_list"))


@bp.post("/staff/departments/<int:department_id>/leaders")
@roles_required("admin")
def add_leader(department_id: int):
    department = services.get_department(department_id)
    form = LeaderForm()
    if not form.validate_on_submit():
        flash(first_error(form) or "请填写领导姓名和职务。", "error")
        return _edit_page(department, leader_form=form, status=422)
    error = perform(lambda: services.save_leader(
        department, name=form.name.data, title=form.title.data, duties=form.duties.data or "",
        in_mailbox=form.in_mailbox.data, sort_order=form.sort_order.data or 100, actor=current_user,
    ), form=form)
    if error is not None:
        return _edit_page(services.get_department(department_id), leader_form=form, status=error.status_code)
    flash("已添加领导。", "success")
    return redirect(url_for("departments.edit", department_id=department.id))


@bp.post("/staff/leaders/<int:leader_id>/active")
@roles_required("admin")
def set_leader_active(leader_id: int):
    leader = get_or_404(Leader, leader_id, "该领导不存在。")
    if ConfirmForm().validate_on_submit():
        services.set_leader_active(leader, request.form.get("active") == "1", actor=current_user)
        db.session.commit()
        flash("已更新。", "success")
    return redirect(url_for("departments.edit", department_id=leader.department_id))
