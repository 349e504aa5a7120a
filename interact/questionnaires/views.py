"""Questionnaire builder pages (staff): questions, ordering without JavaScript, preview."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from interact.core.errors import DomainError, NotFound
from interact.core.forms import perform
from interact.core.permissions import roles_required
from interact.extensions import db
from interact.core.lookup import get_or_404
from interact.questionnaires import services
from interact.questionnaires.forms import InfoForm, MoveForm, QuestionForm
from interact.questionnaires.models import Question, QuestionKind

bp = Blueprint("questionnaires", __name__, url_prefix="/staff/questionnaires")

STAFF_ROLES = ("handler", "office", "admin")


def _department(questionnaire_id: int, **_kwargs) -> int | None:
    try:
        questionnaire = services.get_questionnaire(questionnaire_id)
        return services.owner_info(questionnaire).department_id
    except NotFound:
        abort(404)


def _question(questionnaire_id: int, question_id: int) -> Question:
    return get_or_404(Question, question_id, "该题目不存在。",
                      where=lambda question: question.questionnaire_id == questionnaire_id)


def _question_data(form: QuestionForm) -> services.QuestionData:
    return services.QuestionData(
        kind=QuestionKind(form.kind.data),
        text=form.text.data or "",
        help_text=form.help_text.data or "",
        required=bool(form.required.data),
        options=services.parse_option_lines(form.options.data),
        min_choices=form.min_choices.data,
        max_choices=form.max_choices.data,
        allow_other=bool(form.allow_other.data),
        other_label=form.other_label.data or "",
    )


def _new_question_form() -> QuestionForm:
    form = QuestionForm(formdata=None)
    form.token.data = secrets.token_hex(16)
    return form


def _builder_page(questionnaire, form=None, info_form=None, status=200):
    info = services.owner_info(questionnaire)
    if info_form is None:
        info_form = InfoForm(obj=questionnaire, formdata=None)
    return render_template(
        "questionnaires/builder.html",
        questionnaire=questionnaire,
        owner=info,
        form=form or _new_question_form(),
        info_form=info_form,
        refusal=services.edit_refusal(questionnaire),
        responses=services.response_count(questionnaire),
        action_form=MoveForm(),
    ), status


@bp.get("/<int:questionnaire_id>")
@roles_required(*STAFF_ROLES, department=_department)
def builder(questionnaire_id: int):
    return _builder_page(services.get_questionnaire(questionnaire_id))


@bp.post("/<int:questionnaire_id>/info")
@roles_required(*STAFF_ROLES, department=_department)
def update_info(questionnaire_id: int):
    questionnaire = services.get_questionnaire(questionnaire_id)
    form = InfoForm()
    if not form.validate_on_submit():
        return _builder_page(questionnaire, info_form=form, status=422)
    error = perform(lambda: services.update_info(questionnaire, form.title.data, form.intro.data, actor=current_user),
                    form=form)
    if error is not None:
        return _builder_page(questionnaire, info_form=form, status=error.status_code)
    flash("问卷说明已保存。", "success")
    return redirect(url_for("questionnaires.builder", questionnaire_id=questionnaire_id))


@bp.post("/<int:questionnaire_id>/questions")
@roles_required(*STAFF_ROLES, department=_department)
def add_question(questionnaire_id: int):
    questionnaire = services.get_questionnaire(questionnaire_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _builder_page(questionnaire, form=form, status=422)
    # A copy of the form (a double click) adds nothing more and is told the same.
    error = perform(lambda: services.add_question(questionnaire, _question_data(form), actor=current_user,
                                                  form_token=form.token.data), form=form)
    if error is not None:
        return _builder_page(services.get_questionnaire(questionnaire_id), form=form, status=error.status_code)
    flash("题目已添加。", "success")
    return redirect(url_for("questionnaires.builder", questionnaire_id=questionnaire_id) + "#add-question")


@bp.route("/<int:questionnaire_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES, department=_department)
def edit_question(questionnaire_id: int, question_id: int):
    question = _question(questionnaire_id, question_id)
    questionnaire = question.questionnaire
    if request.method == "GET":
        form = QuestionForm(obj=question, formdata=None)
        form.kind.data = question.kind.value
        form.options.data = "\n".join(o.label for o in question.options)
    else:
        form = QuestionForm()
    status = 200
    if form.validate_on_submit():
        error = perform(lambda: services.update_question(question, _question_data(form), actor=current_user), form=form)
        if error is None:
            flash("题目已修改。", "success")
            return redirect(url_for("questionnaires.builder", questionnaire_id=questionnaire_id))
        status = error.status_code
        question = _question(questionnaire_id, question_id)
    elif request.method == "POST":
        status = 422
    return render_template("questionnaires/question_form.html", form=form, question=question,
                           questionnaire=questionnaire, owner=services.owner_info(questionnaire),
                           refusal=services.edit_refusal(questionnaire)), status


@bp.post("/<int:questionnaire_id>/questions/<int:question_id>/delete")
@roles_required(*STAFF_ROLES, department=_department)
def delete_question(questionnaire_id: int, question_id: int):
    question = _question(questionnaire_id, question_id)
    if MoveForm().validate_on_submit() and perform(lambda: services.delete_question(question, actor=current_user)) is None:
        flash("题目已删除。", "success")
    return redirect(url_for("questionnaires.builder", questionnaire_id=questionnaire_id))


@bp.post("/<int:questionnaire_id>/questions/<int:question_id>/move/<any(up, down):direction>")
@roles_required(*STAFF_ROLES, department=_department)
def move_question(questionnaire_id: int, question_id: int, direction: str):
    question = _question(questionnaire_id, question_id)
    if MoveForm().validate_on_submit():
        perform(lambda: services.move_question(question, -1 if direction == "up" else 1, actor=current_user))
    return redirect(url_for("questionnaires.builder", questionnaire_id=questionnaire_id) + f"#question-{question_id}")


@bp.route("/<int:questionnaire_id>/preview", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES, department=_department)
def preview(questionnaire_id: int):
    """The respondents' form as citizens will see it; a submission is only checked, never stored."""
    questionnaire = services.get_questionnaire(questionnaire_id)
    values: dict = {}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if not MoveForm().validate_on_submit():
            abort(400)
        values = request.form.to_dict(flat=False)
        try:
            services.validate_answers(questionnaire, values)
        except DomainError as error:
            errors = error.fields
            flash(error.message, "error")
            status = error.status_code
        else:
            flash("预览校验通过（预览提交不会保存）。", "success")
    return render_template("questionnaires/preview.html", questionnaire=questionnaire,
                           owner=services.owner_info(questionnaire), values=values, errors=errors,
                           action_form=MoveForm()), status
