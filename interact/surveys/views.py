"""Public collection pages and the owner/office workspace pages. Routes stay thin."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    after_this_request,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from interact.accounts.views import account_links
from interact.core import audit, clock, contributions, pagecache
from interact.core.errors import DomainError, NotFound
from interact.core.forms import (
    ConfirmForm,
    attempt,
    first_error,
    forget_kept_form,
    keep_for_page,
    kept,
    perform,
    refusal_message,
    saved_elsewhere,
)
from interact.core.permissions import acts_for_every_department, has_role, roles_required
from interact.core.templating import switching_large_text
from interact.core.views import home_sections
from interact.departments.services import departments_for
from interact.extensions import db, limiter, public_post_limit
from interact.questionnaires import services as questionnaires
from interact.surveys import exports, participation, services, workflow
from interact.surveys.deadlines import DUE_SOON_DAYS
from interact.surveys.forms import (
    AdoptionForm,
    CollectionForm,
    DocumentForm,
    FeedbackForm,
    NoteForm,
    OpinionForm,
    ResponseForm,
)
from interact.surveys.models import Adoption, Collection, CollectionKind, CollectionStatus, ModerationStatus

bp = Blueprint("surveys", __name__)

STAFF_ROLES = services.STAFF_ROLES


# --------------------------------------------------------------------------- helpers


def _participant_token() -> str:
    """The browser's participation token; a new one is issued (cookie set) when absent."""
    if "survey_token" in g:
        return g.survey_token
    token = participation.read_token(request)
    if token is None:
        token = participation.new_token()

        @after_this_request
        def _remember(response):
            participation.set_token(response, token)
            return response

    g.survey_token = token
    return token


def _local(value: datetime | None) -> datetime | None:
    """A naive datetime typed in a form, read as Beijing wall-clock time."""
    return value.replace(tzinfo=clock.LOCAL_TZ) if value is not None else None


def _department(collection_id: int, **_kwargs) -> int:
    return services.get_collection(collection_id).department_id


def _collection_data(form: CollectionForm, default_department: int | None) -> services.CollectionData:
    return services.CollectionData(
        title=form.title.data or "", summary=form.summary.data or "", body=form.body.data or "",
        kind=CollectionKind(form.kind.data), starts_at=_local(form.starts_at.data), ends_at=_local(form.ends_at.data),
        department_id=form.department_id.data if acts_for_every_department(current_user) else default_department,
        contact_email=form.contact_email.data or "", contact_address=form.contact_address.data or "",
        name_required=bool(form.name_required.data), phone_required=bool(form.phone_required.data),
        show_opinions=bool(form.show_opinions.data),
    )


def _department_choices(form: CollectionForm) -> None:
    form.department_id.choices = [(d.id, d.name) for d in departments_for(current_user)]
    if not acts_for_every_department(current_user):
        form.department_id.render_kw = {"disabled": True}
        form.department_id.description = "部门办理人只能为本部门创建征集"


# --------------------------------------------------------------------------- public pages


@bp.get("/surveys/")
@pagecache.public_page(params=("phase", "page"),
                       values={"phase": lambda value: value if value in services.PUBLIC_PHASES else None})
def index():
    phase = request.args.get("phase", "")
    if phase not in services.PUBLIC_PHASES:
        phase = ""
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(services.public_collections_query(phase or None), page=page, per_page=15,
                             error_out=False)
    return render_template("surveys/index.html", pagination=pagination, phase=phase, phases=services.PUBLIC_PHASES)


#: Session key: the collection whose questionnaire this browser has just answered (the page
#: then says 已提交 once, in place of the "already answered" notice of later visits).
JUST_ANSWERED_KEY = "questionnaire_just_answered"


#: Beyond any collection's opinions: a larger page number is the last page's neighbour.
_LAST_OPINIONS_PAGE = 100_000


def _page_asked() -> int:
    """The page of a paged list asked for (``?page=``; 1 when missing or not a number)."""
    return min(max(request.args.get("page", 1, type=int), 1), _LAST_OPINIONS_PAGE)


def _opinions_page() -> int:
    """The page of 网民意见 asked for. The forms of the page post to an address that
    carries it, so they come back to it."""
    return _page_asked()


def _on_opinions_page() -> dict[str, int]:
    """``page=N`` for the form actions and redirects that lead back to the page a reader is on."""
    page = _opinions_page()
    return {"page": page} if page > 1 else {}


def _detail_page(collection, *, opinion_form=None, response_form=None, values=None, errors=None,
                 just_answered=False):
    answered = None
    if collection.has_questionnaire and collection.is_open and not just_answered:
        user_id = current_user.id if current_user.is_authenticated and not current_user.is_staff else None
        answered = services.response_refusal(collection, device_token=participation.read_token(request),
                                             user_id=user_id)
    return render_template(
        "surveys/detail.html",
        collection=collection,
        answered_message=answered,
        just_answered=just_answered,
        opinion_form=opinion_form or OpinionForm(formdata=None),
        response_form=response_form or ResponseForm(formdata=None),
        values=values or {},
        errors=errors or {},
        opinions=services.public_opinions_page(collection, _opinions_page()),
        on_opinions_page=_on_opinions_page(),
        window_message=_window_message(collection),
    )


def _window_message(collection) -> str | None:
    try:
        services.ensure_open(collection)
    except DomainError as error:
        return error.message
    return None


@bp.get("/surveys/<int:collection_id>")
def detail(collection_id: int):
    collection = services.get_public_collection(collection_id)
    if collection.is_open:
        _participant_token()
    just_answered = session.get(JUST_ANSWERED_KEY) == collection.id
    if just_answered:
        session.pop(JUST_ANSWERED_KEY)
    # A form sent from this page and refused (or its 关怀版 button) comes back as typed.
    opinion, response = kept(_opinion_place(collection)), kept(_response_place(collection))
    response_form = response.form(ResponseForm) if response else None
    return _detail_page(
        collection, just_answered=just_answered, opinion_form=opinion.form(OpinionForm) if opinion else None,
        response_form=response_form, values=response.data.to_dict(flat=False) if response else None,
        # The answers' messages (the questions are not fields of the form class).
        errors={name: found[0] for name, found in response.errors.items() if name not in response_form}
        if response else None)


def _opinion_place(collection) -> str:
    return f"opinion:{collection.id}"


def _response_place(collection) -> str:
    return f"questionnaire:{collection.id}"


def _back_to_form(form, place: str, collection, section: str, *, errors: dict[str, str] | None = None):
    """Every answer of a public form but its success: the form kept as sent for the
    collection's page, and a redirect there (post/redirect/get), so a reload neither sends
    it again nor shows a page of the POST-only address."""
    keep_for_page(form, place, errors=errors)
    return redirect(url_for("surveys.detail", collection_id=collection.id, **_on_opinions_page(), _anchor=section),
                    code=303)


@bp.get("/surveys/<int:collection_id>/opinions")
@bp.get("/surveys/<int:collection_id>/responses")
def form_address(collection_id: int):
    """A form's address opened with GET (a shared link, a history entry of a page shown
    there before every answer became a redirect): the collection's page, not 405."""
    section = "questionnaire" if request.path.endswith("/responses") else "opinion-form"
    return redirect(url_for("surveys.detail", collection_id=collection_id, _anchor=section), code=303)


@bp.post("/surveys/<int:collection_id>/opinions")
@limiter.limit(public_post_limit, methods=["POST"], exempt_when=switching_large_text)
def submit_opinion(collection_id: int):
    collection = services.get_public_collection(collection_id)
    form, place = OpinionForm(), _opinion_place(collection)
    if switching_large_text():  # the 关怀版 button: the page again, with what was typed
        return _back_to_form(form, place, collection, "opinion-form")
    if not form.validate_on_submit():
        flash(refusal_message(form), "error")
        return _back_to_form(form, place, collection, "opinion-form")
    user_id = current_user.id if current_user.is_authenticated and not current_user.is_staff else None
    error = perform(lambda: services.submit_opinion(collection, services.OpinionData(
        content=form.content.data, name=form.name.data or "", phone=form.phone.data or "", user_id=user_id,
    )), form=form)
    if error is not None:
        return _back_to_form(form, place, collection, "opinion-form")
    forget_kept_form(place)
    flash("您的意见已提交，经审核后{}。感谢您的参与！".format(
        "将在本页公开展示（隐去个人信息）" if collection.show_opinions else "将由主办部门研究办理"), "success")
    return redirect(url_for("surveys.detail", collection_id=collection.id) + "#opinions")


@bp.post("/surveys/<int:collection_id>/responses")
@limiter.limit(public_post_limit, methods=["POST"], exempt_when=switching_large_text)
def submit_response(collection_id: int):
    collection = services.get_public_collection(collection_id)
    form, place = ResponseForm(), _response_place(collection)
    values = request.form.to_dict(flat=False)
    if switching_large_text():  # the 关怀版 button: the page again, with what was answered
        return _back_to_form(form, place, collection, "questionnaire")
    if not form.validate_on_submit():
        # The answers are checked too (nothing stored), so a wrong captcha does not hide an
        # unanswered question until the next captcha.
        answers = _answer_errors(collection, values)
        flash(refusal_message(form, more=len(answers)), "error")
        return _back_to_form(form, place, collection, "questionnaire", errors=answers)
    user_id = current_user.id if current_user.is_authenticated and not current_user.is_staff else None
    error = perform(lambda: services.submit_response(collection, values, device_token=_participant_token(),
                                                     phone=form.phone.data, user_id=user_id), form=form)
    if error is not None:
        return _back_to_form(form, place, collection, "questionnaire", errors=error.fields)
    forget_kept_form(place)
    session[JUST_ANSWERED_KEY] = collection.id  # the questionnaire's section says so, once
    return redirect(url_for("surveys.detail", collection_id=collection.id) + "#questionnaire")


def _answer_errors(collection, values) -> dict[str, str]:
    """What is wrong with the questionnaire's answers (``questionnaires.validate_answers``)."""
    if collection.questionnaire is None:
        return {}
    try:
        questionnaires.validate_answers(collection.questionnaire, values)
    except DomainError as error:
        return error.fields
    return {}


@bp.get("/surveys/<int:collection_id>/results")
def results(collection_id: int):
    collection = services.get_public_collection(collection_id)
    if collection.feedback_published_at is None:
        raise NotFound("该征集的结果反馈尚未发布。")
    tallies = questionnaires.tallies(collection.questionnaire) if collection.questionnaire else []
    return render_template("surveys/results.html", collection=collection, feedback=collection.feedback,
                           text=services.public_feedback_text(collection),
                           stats=services.adoption_stats(collection), tallies=tallies,
                           reasons=services.not_adopted_page(collection, _page_asked()))


@bp.get("/surveys/mine")
@login_required
def mine():
    return render_template("surveys/mine.html", opinions=services.user_opinions(current_user))


# --------------------------------------------------------------------------- staff: collections


@bp.get("/staff/surveys/")
@roles_required(*STAFF_ROLES)
def staff_list():
    phase = request.args.get("phase", "")
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(services.staff_collections_query(current_user, phase or None), page=page,
                             per_page=20, error_out=False)
    return render_template("surveys/staff_list.html", pagination=pagination, phase=phase,
                           year=clock.today().year, year_count=services.collections_count(clock.today().year))


@bp.route("/staff/surveys/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def new():
    form = CollectionForm()
    _department_choices(form)
    status = 200
    if request.method == "GET":
        form.token.data = secrets.token_hex(16)
    if form.validate_on_submit():
        collection, error = attempt(lambda: services.create_collection(
            _collection_data(form, current_user.department_id), actor=current_user,
            form_token=form.token.data or None), form=form)
        if error is None:
            flash("征集草稿已创建。请补充文件和问卷，然后提交办公室发布。", "success")
            return redirect(url_for("surveys.staff_detail", collection_id=collection.id))
        status = error.status_code
    elif request.method == "POST":
        status = 422
    return render_template("surveys/form.html", form=form, collection=None), status


@bp.route("/staff/surveys/<int:collection_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES, department=_department)
def edit(collection_id: int):
    collection = services.get_collection(collection_id)
    form = _filled_collection_form(collection) if request.method == "GET" else CollectionForm()
    _department_choices(form)
    status, differences = 200, []
    if form.validate_on_submit():
        error = perform(lambda: services.update_collection(collection, _collection_data(form, collection.department_id),
                                                           actor=current_user, shown_version=form.shown_version.data),
                        form=form)
        if error is None:
            flash("已保存。", "success")
            return redirect(url_for("surveys.staff_detail", collection_id=collection.id))
        status = error.status_code
        collection = services.get_collection(collection_id)
        differences = saved_elsewhere(error, form, services.edit_version(collection), lambda: _filled_collection_form(collection))
    elif request.method == "POST":
        status = 422
    return render_template("surveys/form.html", form=form, collection=collection, differences=differences), status


def _filled_collection_form(collection) -> CollectionForm:
    """The edit form as it opens: the collection as saved, and its version."""
    form = CollectionForm(obj=collection, formdata=None)
    _department_choices(form)
    form.kind.data = collection.kind.value
    form.starts_at.data = clock.to_local(collection.starts_at).replace(tzinfo=None)
    form.ends_at.data = clock.to_local(collection.ends_at).replace(tzinfo=None)
    form.shown_version.data = services.edit_version(collection)
    return form


@bp.get("/staff/surveys/<int:collection_id>")
@roles_required(*STAFF_ROLES, department=_department)
def staff_detail(collection_id: int):
    return _staff_detail_page(services.get_collection(collection_id))


def _new_document_form() -> DocumentForm:
    form = DocumentForm(formdata=None)
    form.token.data = secrets.token_hex(16)
    return form


def _staff_detail_page(collection, *, document_form: DocumentForm | None = None, upload_as: str = "draft",
                       status: int = 200):
    return render_template(
        "surveys/staff_detail.html", collection=collection, stats=services.adoption_stats(collection),
        steps=workflow.available_steps(collection, current_user),
        actions=workflow.actions(collection, current_user), action_form=ConfirmForm(),
        note_form=NoteForm(formdata=None), document_form=document_form or _new_document_form(),
        upload_as=upload_as, history=audit.history("collection", collection.id)[-30:],
    ), status


@bp.post("/staff/surveys/<int:collection_id>/transition/<any(submitted, draft, published, withdrawn):to>")
@roles_required(*STAFF_ROLES, department=_department)
def change_status(collection_id: int, to: str):
    collection = services.get_collection(collection_id)
    form = NoteForm()
    if form.validate_on_submit():
        if perform(lambda: workflow.transition(collection, CollectionStatus(to), actor=current_user,
                                               note=form.note.data or "")) is None:
            flash(f"征集状态已更新为“{collection.status_label}”。", "success")
    else:
        flash(first_error(form) or "操作未完成，请重试。", "error")
    return redirect(url_for("surveys.staff_detail", collection_id=collection_id))


@bp.post("/staff/surveys/<int:collection_id>/document")
@roles_required(*STAFF_ROLES, department=_department)
def upload_document(collection_id: int):
    collection = services.get_collection(collection_id)
    form = DocumentForm()
    which = "attachment" if request.form.get("which") == "attachment" else "draft"
    if not form.validate_on_submit():
        return _staff_detail_page(collection, document_form=form, upload_as=which, status=422)
    # A copy of the form (a double click) stores nothing more and is told the same.
    if which == "draft":
        error = perform(lambda: services.set_draft_document(collection, form.file.data, actor=current_user,
                                                            form_token=form.token.data), form=form, flash_error=False)
    else:
        error = perform(lambda: services.add_attachment(collection, form.file.data, form.label.data or "",
                                                        actor=current_user, form_token=form.token.data),
                        form=form, flash_error=False)
    if error is not None:
        # Shown at the file field, with the chosen kind and the typed name kept.
        form.file.errors = [*form.file.errors, error.message]
        return _staff_detail_page(services.get_collection(collection_id), document_form=form, upload_as=which,
                                  status=error.status_code)
    flash("文件已上传。", "success")
    return redirect(url_for("surveys.staff_detail", collection_id=collection_id) + "#documents")


@bp.post("/staff/surveys/<int:collection_id>/document/delete")
@roles_required(*STAFF_ROLES, department=_department)
def delete_document(collection_id: int):
    collection = services.get_collection(collection_id)
    if ConfirmForm().validate_on_submit():
        attachment_id = request.form.get("attachment_id", type=int)
        if attachment_id:
            error = perform(lambda: services.remove_attachment(collection, attachment_id, actor=current_user))
        else:
            error = perform(lambda: services.remove_draft_document(collection, actor=current_user))
        if error is None:
            flash("文件已删除。", "success")
    return redirect(url_for("surveys.staff_detail", collection_id=collection_id) + "#documents")


# --------------------------------------------------------------------------- staff: opinions


@bp.get("/staff/surveys/<int:collection_id>/opinions")
@roles_required(*STAFF_ROLES, department=_department)
def staff_opinions(collection_id: int):
    collection = services.get_collection(collection_id)
    status = request.args.get("status", "")
    moderation = ModerationStatus(status) if status in {m.value for m in ModerationStatus} else None
    return render_template(
        "surveys/staff_opinions.html", collection=collection, status=status,
        opinions=services.staff_opinions(collection, moderation), stats=services.adoption_stats(collection),
        note_form=NoteForm(formdata=None), adoption_form=AdoptionForm(formdata=None),
        locked=workflow.feedback_locked(collection), actions=workflow.actions(collection, current_user),
        opinion_actions=workflow.opinion_actions,
    )


@bp.post("/staff/surveys/<int:collection_id>/opinions/<int:opinion_id>/<any(approve, reject):decision>")
@roles_required(*STAFF_ROLES, department=_department)
def moderate(collection_id: int, opinion_id: int, decision: str):
    collection = services.get_collection(collection_id)
    opinion = services.get_opinion(collection, opinion_id)
    form = NoteForm()
    if form.validate_on_submit() and perform(lambda: services.moderate_opinion(
            opinion, decision == "approve", form.note.data or "", actor=current_user)) is None:
        flash("已审核通过。" if decision == "approve" else "已标记为无效意见。", "success")
    return redirect(url_for("surveys.staff_opinions", collection_id=collection_id,
                            status=request.args.get("status", "")) + f"#opinion-{opinion_id}")


@bp.post("/staff/surveys/<int:collection_id>/opinions/<int:opinion_id>/adoption")
@roles_required(*STAFF_ROLES, department=_department)
def adoption(collection_id: int, opinion_id: int):
    collection = services.get_collection(collection_id)
    opinion = services.get_opinion(collection, opinion_id)
    form = AdoptionForm()
    if form.validate_on_submit():
        if perform(lambda: services.record_adoption(opinion, Adoption(form.adoption.data), form.reason.data or "",
                                                    actor=current_user)) is None:
            flash("采纳情况已登记。", "success")
    else:
        flash(first_error(form) or "请选择采纳情况。", "error")
    return redirect(url_for("surveys.staff_opinions", collection_id=collection_id) + f"#opinion-{opinion_id}")


@bp.get("/staff/surveys/<int:collection_id>/tallies")
@roles_required(*STAFF_ROLES, department=_department)
def staff_tallies(collection_id: int):
    collection = services.get_collection(collection_id)
    if collection.questionnaire is None:
        raise NotFound("本次征集没有问卷。")
    return render_template("surveys/staff_tallies.html", collection=collection,
                           tallies=questionnaires.tallies(collection.questionnaire, include_text=True),
                           responses=questionnaires.response_count(collection.questionnaire))


@bp.get("/staff/surveys/<int:collection_id>/export/<any(opinions, responses):what>.<any(csv, xlsx):fmt>")
@roles_required(*STAFF_ROLES, department=_department)
def export(collection_id: int, what: str, fmt: str):
    collection = services.get_collection(collection_id)
    header, rows = (exports.opinions_table if what == "opinions" else exports.responses_table)(collection)
    audit.record("collection.exported", "collection", collection.id, actor=current_user,
                          note=f"{what}.{fmt}", data={"rows": len(rows)})
    db.session.commit()
    filename = f"collection-{collection.id}-{what}-{clock.today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        body, mimetype = exports.to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(header, rows, "意见" if what == "opinions" else "答卷")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- staff: feedback


@bp.route("/staff/surveys/<int:collection_id>/feedback", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES, department=_department)
def feedback(collection_id: int):
    collection = services.get_collection(collection_id)
    form = FeedbackForm(obj=collection.feedback) if request.method == "GET" else FeedbackForm()
    status = 200
    if form.validate_on_submit():
        error = perform(lambda: services.save_feedback(collection, form.summary.data or "",
                                                       form.not_adopted_explanation.data or "", actor=current_user),
                        form=form)
        if error is None:
            # 提交办公室审核 is a button of the same form: the text is saved first, so a
            # refused submission still keeps what was typed.
            if request.form.get("step") != "submit":
                flash("结果反馈草稿已保存。", "success")
            elif perform(lambda: services.submit_feedback(collection, actor=current_user)) is None:
                flash("已保存并提交办公室审核。", "success")
            else:
                flash("草稿已保存。", "info")
            return redirect(url_for("surveys.feedback", collection_id=collection_id))
        status = error.status_code
        collection = services.get_collection(collection_id)
    elif request.method == "POST":
        status = 422
    tallies = questionnaires.tallies(collection.questionnaire) if collection.questionnaire else []
    return render_template(
        "surveys/feedback.html", collection=collection, form=form, stats=services.adoption_stats(collection),
        problems=services.feedback_problems(collection),
        reasons=services.not_adopted_page(collection, _page_asked()),
        tallies=tallies, action_form=ConfirmForm(), note_form=NoteForm(formdata=None),
        actions=workflow.actions(collection, current_user),
    ), status


@bp.post("/staff/surveys/<int:collection_id>/feedback/<any(submit, return, publish):step>")
@roles_required(*STAFF_ROLES, department=_department)
def feedback_step(collection_id: int, step: str):
    collection = services.get_collection(collection_id)
    form = NoteForm()
    if form.validate_on_submit():
        def take_step() -> str:
            """Take the step and return its success message."""
            if step == "submit":
                services.submit_feedback(collection, actor=current_user)
                return "已提交办公室审核。"
            if step == "return":
                services.return_feedback(collection, form.note.data or "", actor=current_user)
                return "已退回主办部门修改。"
            services.publish_feedback(collection, actor=current_user)
            return "结果反馈已发布。" + ("（按期）" if collection.feedback_on_time else "（已逾期发布）")

        message, error = attempt(take_step)
        if error is None:
            flash(message, "success")
    return redirect(url_for("surveys.feedback", collection_id=collection_id))


# --------------------------------------------------------------------------- extension points


def _home_section():
    collections = services.open_collections(limit=5)
    if not collections:
        return None
    return "surveys/_home_section.html", {"collections": collections}


def _workspace_cards(user) -> list[dict]:
    cards: list[dict] = []
    if not has_role(user, *STAFF_ROLES):
        return cards
    url = url_for("surveys.staff_list")
    pending = services.pending_opinion_count(user)
    if pending:
        cards.append({"title": "征集意见待审核", "count": pending, "url": url, "hint": "意见审核通过后才会公开",
                      "level": "warning"})
    if has_role(user, "office", "admin"):
        waiting = services.collections_awaiting_publication()
        if waiting:
            cards.append({"title": "征集待发布审核", "count": len(waiting), "url": url_for("surveys.staff_list", phase="draft"),
                          "hint": "部门提交的民意征集，请审核后发布", "level": "normal"})
        review = services.feedback_awaiting_review()
        if review:
            cards.append({"title": "结果反馈待审核", "count": len(review), "url": url_for("surveys.staff_list", phase="review"),
                          "hint": "最近截止：" + review[0].feedback_due_date.strftime("%Y-%m-%d"), "level": "warning"})
        soon = services.feedback_due_soon()
        if soon:
            cards.append({"title": f"结果反馈{DUE_SOON_DAYS}日内到期", "count": len(soon), "url": url_for("surveys.staff_list", phase="awaiting"),
                          "hint": "最近截止：" + soon[0].feedback_due_date.strftime("%Y-%m-%d"), "level": "warning"})
        overdue = services.feedback_overdue()
        if overdue:
            cards.append({"title": "结果反馈已逾期", "count": len(overdue), "url": url_for("surveys.staff_list", phase="overdue"),
                          "hint": "超过结束后一个月仍未发布结果反馈", "level": "danger"})
        year = clock.today().year
        cards.append({"title": f"{year}年已开展民意征集", "count": services.collections_count(year), "url": url,
                      "hint": "年度目标：6次以上", "level": "normal"})
    else:
        awaiting = [c for c in db.session.scalars(
            services.staff_collections_query(user, "awaiting")) if not workflow.feedback_locked(c)]
        for collection in awaiting[:5]:
            days = collection.feedback_days_left
            cards.append({
                "title": f"结果反馈：{collection.title[:24]}",
                "count": f"{days}天" if days >= 0 else f"逾期{-days}天",
                "url": url_for("surveys.feedback", collection_id=collection.id),
                "hint": f"须于 {collection.feedback_due_date:%Y-%m-%d} 前发布结果反馈",
                "level": "danger" if days < 0 else "warning" if days <= 7 else "normal",
            })
    return cards


def _account_link(user):
    if user.is_staff:
        return None
    return "我的意见", url_for("surveys.mine")


home_sections.append(_home_section)
pagecache.watch(Collection)
contributions.workspace_cards.append(_workspace_cards)
contributions.contribute_to_office(
    feedback_due_soon=services.feedback_due_soon, feedback_due_soon_days=DUE_SOON_DAYS,
    feedback_overdue=services.feedback_overdue,
    collections_count=services.collections_count, department_collections=services.department_collections,
)
account_links.append(_account_link)
