"""Interview pages: public list/detail/questions, and the staff workspace (records,
moderation, live console, archive)."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Callable

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from interact.core import clock, contributions, pagecache
from interact.core.errors import InvalidInput
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
from interact.core.permissions import has_role, roles_required
from interact.core.templating import switching_large_text
from interact.core.views import home_sections
from interact.departments.services import departments_for
from interact.extensions import db, limiter, public_post_limit
from interact.interviews import services, workflow
from interact.interviews.forms import (
    AfterAnswerForm,
    ArchiveForm,
    CorrectForm,
    EntryForm,
    GuestForm,
    ImageForm,
    InterviewForm,
    MergeForm,
    QuestionForm,
    ReasonForm,
    RejectForm,
)
from interact.interviews.models import Interview, InterviewGuest, InterviewStatus, QuestionStatus

bp = Blueprint("interviews", __name__)
log = logging.getLogger(__name__)


STAFF_ROLES = workflow.STAFF_ROLES


def _interview_department(interview_id: int, **_kwargs) -> int | None:
    return services.department_of(interview_id)


def runs_interview(view):
    """Staff pages of one interview: handler of its department, or the office."""
    return roles_required(*STAFF_ROLES, department=_interview_department)(view)


# --------------------------------------------------------------------------- public

def store_summary_names(interview) -> None:
    """A reader's view (the page, the API's GET) stores the names the summary hides when they
    were stale (``services.store_summary_names``), in a commit of its own — only with nothing
    else pending, so it never commits what another action of the request is doing; a database
    that refuses the write gathers them again next time."""
    if not interview.summary or db.session.new or db.session.dirty:
        return
    try:
        if services.store_summary_names(interview):
            db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.warning("interview %s: the summary's names could not be stored", interview.id, exc_info=True)



@bp.get("/interviews")
@pagecache.public_page(params=("page",))
def index():
    page = max(request.args.get("page", 1, type=int), 1)
    past = db.paginate(services.past_interviews_stmt(), page=page, per_page=10, error_out=False)
    return render_template(
        "interviews/index.html",
        live=services.live_interviews() if page == 1 else [],
        upcoming=services.upcoming_interviews() if page == 1 else [],
        past=past,
    )


#: Beyond any interview's questions: a larger page number is the last page's neighbour.
_LAST_QUESTIONS_PAGE = 100_000


def _questions_page() -> int:
    """The page of 网友提问 asked for (``?page=``; 1 when missing or not a number)."""
    page = request.args.get("page", 1, type=int)  # the question form's address carries it too
    return min(max(page, 1), _LAST_QUESTIONS_PAGE)


def _on_questions_page() -> dict[str, int]:
    """``page=N`` for the links and redirects that lead back to the page a reader is on."""
    page = _questions_page()
    return {"page": page} if page > 1 else {}


def _render_detail(interview, form: QuestionForm | None = None, *, seen: int | None = None, unsent: str = ""):
    """The public page; ``seen``: the transcript revision of the reader's previous copy
    (刷新实录 without JavaScript), whose later entries are marked 新; ``unsent``: this
    visitor's question sent after the interview stopped taking questions (shown with a
    link that takes it to the letter form)."""
    if form is None and interview.takes_questions:
        form = QuestionForm(formdata=None)
    entries = services.transcript(interview) if "read_transcript" in workflow.actions(interview, None) else []
    return render_template(
        "interviews/detail.html",
        interview=interview,
        actions=workflow.actions(interview, current_user),
        form=form if interview.takes_questions else None,
        entries=entries,
        pinned=next((e for e in entries if e.pinned), None),
        questions=services.public_questions_page(interview, _questions_page()),
        counts=services.question_counts(interview),
        summary_html=services.public_summary_html(interview) if interview.summary else "",
        seen=seen,
        on_questions_page=_on_questions_page(),
        as_of=clock.now(),
        unsent=unsent,
    )


@bp.get("/interviews/<int:interview_id>")
def detail(interview_id: int):
    """The public page; with the question as typed when the question form was just sent and
    refused, or its 关怀版 / 刷新实录 button pressed (``?seen=``: the transcript revision of
    the reader's copy before 刷新实录)."""
    interview = services.get_public_interview(interview_id)
    store_summary_names(interview)
    typed = kept(_question_place(interview))
    seen = request.args.get("seen", "")
    if typed and not interview.takes_questions:
        # Sent as the interview ended: no form any more, but the question is not lost.
        return _render_detail(interview, unsent=(typed.data.get("body") or "").strip())
    return _render_detail(interview, typed.form(QuestionForm) if typed else None,
                          seen=int(seen) if seen.isdecimal() and len(seen) < 12 else None)


def _question_place(interview) -> str:
    return f"question:{interview.id}"


#: The 刷新实录 button of the live page (no JavaScript): a button of the question form, as
#: the 关怀版 switch is, whose value is the transcript revision the reader's copy showed.
REFRESH_FIELD = "refresh"


def _refreshing() -> int | None:
    """The revision sent by 刷新实录, or ``None`` when the question form was sent to ask."""
    value = request.form.get(REFRESH_FIELD, "") if request.method == "POST" else ""
    return int(value) if value.isdecimal() and len(value) < 12 else None


def _showing_again() -> bool:
    """关怀版 or 刷新实录: the page again with the question as typed (no limit, no check)."""
    return switching_large_text() or _refreshing() is not None


@bp.get("/interviews/<int:interview_id>/questions")
def question_address(interview_id: int):
    """The question form's address opened with GET (a shared link, a history entry of a page
    shown there before every answer became a redirect): the interview, not 405."""
    return redirect(url_for("interviews.detail", interview_id=interview_id, _anchor="ask"), code=303)


@bp.post("/interviews/<int:interview_id>/questions")
@limiter.limit(public_post_limit, exempt_when=_showing_again)
def ask(interview_id: int):
    """A question sent; or the form's 关怀版 / 刷新实录 button (no JavaScript): the page again
    with the question as typed, nothing checked or stored. 刷新实录 is how a reader without
    JavaScript sees new entries (the page never reloads itself, which would wipe what is
    being typed and lose a screen reader's place): the page opens at ``#transcript-new``,
    which it puts at the first entry posted or corrected since the reader's copy (each
    marked 新), or at the end of the transcript.

    Every answer is a redirect to the interview's page (post/redirect/get), which shows the
    question as typed after a refusal or either button: a reload neither sends it again nor
    meets this POST-only address."""
    interview = services.get_public_interview(interview_id)
    form, place = QuestionForm(), _question_place(interview)
    if _showing_again():
        keep_for_page(form, place)
        seen = _refreshing()
        if seen is None:
            return redirect(url_for("interviews.detail", interview_id=interview.id, **_on_questions_page(), _anchor="ask"), code=303)
        return redirect(url_for("interviews.detail", interview_id=interview.id, seen=seen,
                                **_on_questions_page(), _anchor="transcript-new"), code=303)
    if not interview.takes_questions:
        flash("该访谈已结束，不再接收提问。", "error")
        keep_for_page(form, place)  # the page shows the question, to be sent as a letter
        return redirect(url_for("interviews.detail", interview_id=interview.id, **_on_questions_page(), _anchor="unsent"), code=303)
    if not form.validate_on_submit():
        flash(refusal_message(form), "error")
    elif perform(lambda: services.submit_question(interview, nickname=form.nickname.data or "",
                                                  body=form.body.data or ""), form=form) is None:
        forget_kept_form(place)
        flash("提问已提交，审核通过后将公开显示。感谢您的参与！", "success")
        return redirect(url_for("interviews.detail", interview_id=interview.id, **_on_questions_page(), _anchor="ask"))
    keep_for_page(form, place)
    return redirect(url_for("interviews.detail", interview_id=interview.id, **_on_questions_page(), _anchor="ask"), code=303)


# --------------------------------------------------------------------------- staff: records

def _department_choices(form: InterviewForm) -> None:
    form.department_id.choices = [(str(d.id), d.name) for d in departments_for(current_user)]


def _form_data(form: InterviewForm) -> services.InterviewData:
    start: datetime | None = form.scheduled_start.data
    try:
        department_id = int(form.department_id.data)
    except (TypeError, ValueError):
        raise InvalidInput("请选择主办部门。", fields={"department_id": "请选择部门"}) from None
    return services.InterviewData(
        topic=form.topic.data or "",
        department_id=department_id,
        host=form.host.data or "",
        scheduled_start=start.replace(tzinfo=clock.LOCAL_TZ) if start else None,
        duration_minutes=form.duration_minutes.data or 0,
        introduction=form.introduction.data or "",
    )


@bp.get("/staff/interviews")
@roles_required(*STAFF_ROLES)
def staff_list():
    status_arg = request.args.get("status", "")
    status = next((s for s in InterviewStatus if s.value == status_arg), None)
    page = max(request.args.get("page", 1, type=int), 1)
    interviews = db.paginate(services.staff_interviews_stmt(current_user, status), page=page, per_page=20,
                             error_out=False)
    return render_template("interviews/staff_list.html", interviews=interviews, status=status,
                           actions_of=lambda interview: workflow.actions(interview, current_user),
                           statuses=InterviewStatus.labels(), unannounced=services.unannounced_upcoming()
                           if has_role(current_user, "office", "admin") else [])


@bp.route("/staff/interviews/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def new():
    form = InterviewForm()
    _department_choices(form)
    if request.method == "GET":
        form.token.data = secrets.token_hex(16)
    if form.validate_on_submit():
        # A copy of the form (a double click) lands on the draft the first copy created.
        interview, error = attempt(lambda: services.create_interview(
            _form_data(form), actor=current_user, cover=form.cover.data, form_token=form.token.data), form=form)
        if error is not None:
            return render_template("interviews/form.html", form=form, interview=None), error.status_code
        flash("访谈已创建（草稿）。请添加嘉宾，再请办公室发布预告。", "success")
        return redirect(url_for("interviews.manage", interview_id=interview.id))
    status = 422 if request.method == "POST" else 200
    return render_template("interviews/form.html", form=form, interview=None), status


@bp.route("/staff/interviews/<int:interview_id>/edit", methods=["GET", "POST"])
@runs_interview
def edit(interview_id: int):
    interview = services.get_interview(interview_id)
    form = _filled_interview_form(interview) if request.method == "GET" else InterviewForm()
    _department_choices(form)
    if request.method == "GET":
        form.token.data = secrets.token_hex(16)
    if form.validate_on_submit():
        shown = form.cover_shown.data or ""
        error = perform(lambda: services.update_interview(
            interview, _form_data(form), actor=current_user, cover=form.cover.data,
            cover_shown=int(shown) if shown.isdigit() else None, form_token=form.token.data,
            shown_version=form.shown_version.data), form=form)
        if error is not None:
            # The page shows the cover as it is now; the form sent again replaces that one.
            form.cover_shown.data = str(interview.cover_id or "")
            differences = saved_elsewhere(error, form, services.edit_version(interview), lambda: _filled_interview_form(interview))
            return render_template("interviews/form.html", form=form, interview=interview,
                                   differences=differences), error.status_code
        flash("已保存。", "success")
        return redirect(url_for("interviews.manage", interview_id=interview.id))
    status = 422 if request.method == "POST" else 200
    return render_template("interviews/form.html", form=form, interview=interview), status


def _filled_interview_form(interview) -> InterviewForm:
    """The edit form as it opens: the interview as saved, its cover and its version."""
    form = InterviewForm(formdata=None, obj=interview)
    _department_choices(form)
    form.department_id.data = str(interview.department_id)
    form.scheduled_start.data = clock.to_local(interview.scheduled_start).replace(tzinfo=None)
    form.cover_shown.data = str(interview.cover_id or "")
    form.shown_version.data = services.edit_version(interview)
    return form


def _render_manage(interview, guest_form: GuestForm | None = None, status: int = 200):
    return render_template(
        "interviews/manage.html",
        interview=interview,
        actions=workflow.actions(interview, current_user),
        guest_form=guest_form or GuestForm(formdata=None),
        steps=workflow.available_steps(interview, current_user),
        events=services.events_of(interview),
        counts=services.question_counts(interview),
        action_form=ConfirmForm(),
    ), status


@bp.get("/staff/interviews/<int:interview_id>")
@runs_interview
def manage(interview_id: int):
    return _render_manage(services.get_interview(interview_id))


@bp.post("/staff/interviews/<int:interview_id>/guests")
@runs_interview
def add_guest(interview_id: int):
    interview = services.get_interview(interview_id)
    form = GuestForm()
    if form.validate_on_submit():
        error = perform(lambda: services.add_guest(interview, name=form.name.data, title=form.title.data or "",
                                                   photo=form.photo.data, actor=current_user), form=form)
        if error is not None:
            return _render_manage(interview, form, error.status_code)
        flash("已添加嘉宾。", "success")
        return redirect(url_for("interviews.manage", interview_id=interview.id, _anchor="guests"))
    flash(first_error(form) or "请填写嘉宾信息。", "error")
    return _render_manage(interview, form, 422)


def _act(call: Callable[[], object], success: str, target: str):
    """Run one service for a button: commit and flash, or roll back and flash the error."""
    if not ConfirmForm().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "error")
        return redirect(target)
    if perform(call) is None:
        flash(success, "success")
    return redirect(target)


@bp.post("/staff/interviews/<int:interview_id>/guests/<int:guest_id>/delete")
@runs_interview
def remove_guest(interview_id: int, guest_id: int):
    interview = services.get_interview(interview_id)
    return _act(lambda: services.remove_guest(interview, guest_id, actor=current_user), "已删除嘉宾。",
                url_for("interviews.manage", interview_id=interview.id, _anchor="guests"))


@bp.post("/staff/interviews/<int:interview_id>/transition")
@runs_interview
def transition(interview_id: int):
    interview = services.get_interview(interview_id)
    target = next((s for s in InterviewStatus if s.value == request.form.get("to")), None)
    if target is None:
        flash("未知的操作。", "error")
        return redirect(url_for("interviews.manage", interview_id=interview.id))
    destination = url_for("interviews.console", interview_id=interview.id) if target is InterviewStatus.LIVE \
        else url_for("interviews.manage", interview_id=interview.id)
    return _act(lambda: workflow.transition(interview, target, current_user),
                f"访谈状态已变更为“{target.label}”。", destination)


# --------------------------------------------------------------------------- staff: questions

@bp.get("/staff/interviews/<int:interview_id>/questions")
@runs_interview
def questions(interview_id: int):
    interview = services.get_interview(interview_id)
    status_arg = request.args.get("status", QuestionStatus.PENDING.value)
    status = next((s for s in QuestionStatus if s.value == status_arg), None)
    items = services.questions_of(interview, status)
    return render_template(
        "interviews/questions.html", interview=interview, items=items, status=status,
        actions=workflow.actions(interview, current_user), question_actions=workflow.question_actions,
        statuses=QuestionStatus.labels(), back=(status or QuestionStatus.PENDING).value,
        merge_targets=services.merge_targets(interview), counts=services.question_counts(interview),
        action_form=ConfirmForm(), reject_form=RejectForm(formdata=None),
    )


def _questions_url(interview, status: str | None = None) -> str:
    """Where a moderation button returns: the console, or the list it was pressed in."""
    back = request.form.get("back", "")
    if status is None and back == "console":
        return url_for("interviews.console", interview_id=interview.id)
    if status is None:
        status = back if back in {s.value for s in QuestionStatus} else QuestionStatus.PENDING.value
    return url_for("interviews.questions", interview_id=interview.id, status=status)


@bp.post("/staff/interviews/<int:interview_id>/questions/<int:question_id>/approve")
@runs_interview
def approve_question(interview_id: int, question_id: int):
    interview = services.get_interview(interview_id)
    question = services.get_question(interview, question_id)
    return _act(lambda: services.approve_question(question, actor=current_user), "已通过，问题已公开。",
                _questions_url(interview))


@bp.post("/staff/interviews/<int:interview_id>/questions/<int:question_id>/reject")
@runs_interview
def reject_question(interview_id: int, question_id: int):
    interview = services.get_interview(interview_id)
    question = services.get_question(interview, question_id)
    form = RejectForm()
    return _act(lambda: services.reject_question(question, reason=form.reason.data or "", actor=current_user),
                "已设为不通过。", _questions_url(interview))


@bp.post("/staff/interviews/<int:interview_id>/questions/<int:question_id>/merge")
@runs_interview
def merge_question(interview_id: int, question_id: int):
    interview = services.get_interview(interview_id)
    question = services.get_question(interview, question_id)
    form = MergeForm()
    raw = form.into.data or request.form.get("into", "")
    if not str(raw).isdecimal():
        flash("请选择要合并到的问题。", "error")
        return redirect(_questions_url(interview))

    def merge():
        services.merge_question(question, services.get_question(interview, int(raw)), actor=current_user)

    return _act(merge, "已合并为同类问题。", _questions_url(interview))


@bp.route("/staff/interviews/<int:interview_id>/questions/<int:question_id>/answer", methods=["GET", "POST"])
@runs_interview
def answer_question(interview_id: int, question_id: int):
    interview = services.get_interview(interview_id)
    question = services.get_question(interview, question_id)
    form = AfterAnswerForm()
    if form.validate_on_submit():
        error = perform(lambda: services.answer_after(question, body=form.body.data,
                                                      responder=form.responder.data or "", actor=current_user),
                        form=form)
        if error is not None:
            return render_template("interviews/answer.html", interview=interview, question=question,
                                   form=form), error.status_code
        flash("会后答复已发布。", "success")
        return redirect(_questions_url(interview, QuestionStatus.APPROVED.value))
    status = 422 if request.method == "POST" else 200
    return render_template("interviews/answer.html", interview=interview, question=question, form=form), status


# --------------------------------------------------------------------------- staff: live console

def _entry_form(interview, form: EntryForm | None = None) -> EntryForm:
    if form is None:
        form = EntryForm(formdata=None)
        form.token.data = secrets.token_hex(16)
    form.speaker.choices = [("host", interview.host_label)] + [
        (f"guest:{g.id}", f"嘉宾 {g.name}（{g.title}）" if g.title else f"嘉宾 {g.name}") for g in interview.guests
    ]
    form.question_id.choices = [("", "（不是答复网友提问）")] + [
        (str(q.id), f"#{q.id} {q.display_nickname}：{q.body[:40]}") for q in services.unanswered_questions(interview)
    ]
    return form


def _render_console(interview, form: EntryForm | None = None, status: int = 200):
    entries = services.transcript(interview, include_retracted=True)
    return render_template(
        "interviews/console.html",
        interview=interview,
        form=_entry_form(interview, form),
        entries=entries,
        pending=services.questions_of(interview, QuestionStatus.PENDING),
        unanswered=services.unanswered_questions(interview),
        steps=workflow.available_steps(interview, current_user),
        actions=workflow.actions(interview, current_user), question_actions=workflow.question_actions,
        action_form=ConfirmForm(), image_form=_new_image_form(),
    ), status


def _new_image_form() -> ImageForm:
    form = ImageForm(formdata=None)
    form.token.data = secrets.token_hex(16)
    return form


@bp.get("/staff/interviews/<int:interview_id>/console")
@runs_interview
def console(interview_id: int):
    return _render_console(services.get_interview(interview_id))


@bp.post("/staff/interviews/<int:interview_id>/entries")
@runs_interview
def post_entry(interview_id: int):
    interview = services.get_interview(interview_id)
    form = _entry_form(interview, EntryForm())
    if form.validate_on_submit():
        raw_question = form.question_id.data or ""
        error = perform(lambda: services.post_entry(
            interview, speaker=form.speaker.data, body=form.body.data or "", actor=current_user,
            question_id=int(raw_question) if raw_question.isdecimal() else None, image=form.image.data,
            form_token=(form.token.data or "")[:64] or None,
        ), form=form, flash_error=False)
        if isinstance(error, services.PostedAlready):  # the first copy of this form said 已发布
            return redirect(url_for("interviews.console", interview_id=interview.id, _anchor="entry-form"))
        if error is not None:
            flash(error.message, "error")
            return _render_console(interview, form, error.status_code)
        flash("已发布。", "success")
        return redirect(url_for("interviews.console", interview_id=interview.id, _anchor="entry-form"))
    flash(first_error(form) or "提交的内容有误。", "error")
    return _render_console(interview, form, 422)


def _render_entry(interview, entry, correct_form=None, retract_form=None, status: int = 200):
    if correct_form is None:
        correct_form = CorrectForm(formdata=None)
        correct_form.body.data = entry.body
    return render_template(
        "interviews/entry.html", interview=interview, entry=entry, history=services.entry_history(entry),
        correct_form=correct_form, retract_form=retract_form or ReasonForm(formdata=None),
    ), status


@bp.get("/staff/interviews/<int:interview_id>/entries/<int:entry_id>")
@runs_interview
def entry(interview_id: int, entry_id: int):
    interview = services.get_interview(interview_id)
    return _render_entry(interview, services.get_entry(interview, entry_id))


@bp.post("/staff/interviews/<int:interview_id>/entries/<int:entry_id>/correct")
@runs_interview
def correct_entry(interview_id: int, entry_id: int):
    interview = services.get_interview(interview_id)
    item = services.get_entry(interview, entry_id)
    form = CorrectForm()
    if form.validate_on_submit():
        error = perform(lambda: services.correct_entry(item, body=form.body.data, reason=form.reason.data or "",
                                                       actor=current_user), form=form)
        if error is not None:
            return _render_entry(interview, item, correct_form=form, status=error.status_code)
        flash("已更正，更正记录已保存。", "success")
        return redirect(url_for("interviews.console", interview_id=interview.id, _anchor=f"entry-{item.id}"))
    flash(first_error(form) or "提交的内容有误。", "error")
    return _render_entry(interview, item, correct_form=form, status=422)


@bp.post("/staff/interviews/<int:interview_id>/entries/<int:entry_id>/retract")
@runs_interview
def retract_entry(interview_id: int, entry_id: int):
    interview = services.get_interview(interview_id)
    item = services.get_entry(interview, entry_id)
    form = ReasonForm()
    if form.validate_on_submit():
        error = perform(lambda: services.retract_entry(item, reason=form.reason.data, actor=current_user), form=form)
        if error is not None:
            return _render_entry(interview, item, retract_form=form, status=error.status_code)
        flash("已撤回。", "success")
        return redirect(url_for("interviews.console", interview_id=interview.id))
    flash(first_error(form) or "请填写撤回原因。", "error")
    return _render_entry(interview, item, retract_form=form, status=422)


@bp.post("/staff/interviews/<int:interview_id>/entries/<int:entry_id>/pin")
@runs_interview
def pin_entry(interview_id: int, entry_id: int):
    interview = services.get_interview(interview_id)
    item = services.get_entry(interview, entry_id)
    pinned = request.form.get("pinned") == "1"
    return _act(lambda: services.set_pinned(item, pinned, actor=current_user),
                "已置顶。" if pinned else "已取消置顶。",
                url_for("interviews.console", interview_id=interview.id, _anchor=f"entry-{item.id}"))


# --------------------------------------------------------------------------- staff: archive

def _render_archive(interview, form: ArchiveForm | None = None, image_form: ImageForm | None = None,
                    status: int = 200):
    if form is None:
        form = ArchiveForm(formdata=None)
        form.summary.data = interview.summary
        form.video_url.data = interview.video_url
    return render_template(
        "interviews/archive_edit.html", interview=interview, form=form,
        image_form=image_form or _new_image_form(), action_form=ConfirmForm(),
        steps=workflow.available_steps(interview, current_user), actions=workflow.actions(interview, current_user),
    ), status


@bp.route("/staff/interviews/<int:interview_id>/archive", methods=["GET", "POST"])
@runs_interview
def archive(interview_id: int):
    interview = services.get_interview(interview_id)
    if request.method == "GET":
        return _render_archive(interview)
    form = ArchiveForm()
    if form.validate_on_submit():
        error = perform(lambda: services.update_archive(
            interview, summary=form.summary.data or "", video_url=form.video_url.data or "",
            video=form.video.data, remove_video=form.remove_video.data, actor=current_user,
        ), form=form)
        if error is not None:
            return _render_archive(interview, form, status=error.status_code)
        # The step buttons (发布回顾 …) are in the same form: what was typed is saved first.
        target = next((s for s in InterviewStatus if s.value == request.form.get("to")), None)
        if target is None:
            flash("回顾内容已保存。", "success")
        elif perform(lambda: workflow.transition(interview, target, current_user)) is None:
            flash(f"回顾内容已保存，访谈状态已变更为“{target.label}”。", "success")
        return redirect(url_for("interviews.archive", interview_id=interview.id))
    flash(first_error(form) or "提交的内容有误。", "error")
    return _render_archive(interview, form, status=422)


@bp.post("/staff/interviews/<int:interview_id>/images")
@runs_interview
def add_image(interview_id: int):
    interview = services.get_interview(interview_id)
    form = ImageForm()
    back = request.form.get("back") == "console"
    if form.validate_on_submit():
        # A copy of the form (a double click) adds nothing more and is told the same.
        error = perform(lambda: services.add_image(interview, form.image.data, caption=form.caption.data or "",
                                                   actor=current_user, form_token=form.token.data), form=form)
        if error is not None:
            return _render_archive(interview, image_form=form, status=error.status_code)
        flash("图片已添加。", "success")
        endpoint = "interviews.console" if back else "interviews.archive"
        return redirect(url_for(endpoint, interview_id=interview.id))
    flash(first_error(form) or "请选择图片。", "error")
    return _render_archive(interview, image_form=form, status=422)


@bp.post("/staff/interviews/<int:interview_id>/images/<int:image_id>/delete")
@runs_interview
def remove_image(interview_id: int, image_id: int):
    interview = services.get_interview(interview_id)
    return _act(lambda: services.remove_image(interview, image_id, actor=current_user), "图片已删除。",
                url_for("interviews.archive", interview_id=interview.id))


# --------------------------------------------------------------------------- extension points

def _workspace_cards(user) -> list[dict]:
    if not has_role(user, *STAFF_ROLES):
        return []
    cards = []
    pending = services.pending_question_count(user)
    if pending:
        cards.append({"title": "访谈提问待审核", "count": pending, "url": url_for("interviews.staff_list"),
                      "hint": "网友提问审核通过后才会公开", "level": "warning"})
    upcoming = services.upcoming_for(user)
    if upcoming:
        cards.append({"title": "近 7 天的在线访谈", "count": len(upcoming),
                      "url": url_for("interviews.manage", interview_id=upcoming[0].id),
                      "hint": f"最近一场：{upcoming[0].topic}", "level": "normal"})
    if has_role(user, "office", "admin"):
        missing = services.unannounced_upcoming()
        if missing:
            cards.append({"title": "访谈预告未发布（3 天内开始）", "count": len(missing),
                          "url": url_for("interviews.staff_list", status=InterviewStatus.DRAFT.value),
                          "hint": "访谈预告应至少提前 3 天发布", "level": "danger"})
    return cards


def _home_section():
    interview = services.featured_interview()
    if interview is None:
        return None
    return "interviews/_home_section.html", {"interview": interview, "actions": workflow.actions(interview, None)}


contributions.workspace_cards.append(_workspace_cards)
contributions.contribute_to_office(
    unannounced_upcoming=services.unannounced_upcoming, interviews_count=services.interviews_count,
    department_interviews=services.department_interviews,
)
home_sections.append(_home_section)
# The public list shows each interview's guests on its card: a guest row changed on its own renews it too.
pagecache.watch(Interview, InterviewGuest)
