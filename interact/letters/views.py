"""Letters: the citizen's pages (write, receipt, look-up, rating, 来信选登, my letters) and
the staff workspaces (office queue, all letters, review, handler queue, letter page)."""
from __future__ import annotations

import secrets
import time
from datetime import date, timedelta
from typing import Callable, NamedTuple

import sqlalchemy as sa

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from interact.accounts import views as account_views
from interact.core import contributions, datetext, pagecache, sessions, uploads
from interact.core.pagecache import public_page
from interact.core.templating import switching_large_text
from interact.core.errors import MAX_ID, DomainError
from interact.core.forms import (
    ConfirmForm,
    attempt,
    first_error,
    forget_kept_form,
    keep_for_page,
    kept,
    perform,
    refusal_message,
)
from interact.core.permissions import can_act_for_department, has_role, roles_required
from interact.core.views import home_sections
from interact.departments.services import active_departments, mailbox_leaders
from interact.extensions import db, limiter, public_post_limit
from interact.letters import cli, pages, services, workflow
from interact.letters.forms import (
    AnswerForm,
    AssignForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ForwardedLetterForm,
    LetterForm,
    LookupForm,
    NoteForm,
    RatingForm,
    RejectForm,
    ReplyLimitsForm,
    ReturnForm,
    ReviewForm,
)
from interact.letters.models import (
    Letter,
    LetterChannel,
    LetterKind,
    LetterRating,
    LetterStatus,
    MonthlySummary,
    RejectReason,
)

bp = Blueprint("letters", __name__)
cli.register(bp)

#: Session key: letters the visitor unlocked with number + query code in this session.
ACCESS_KEY = "letter_access"
RECEIPT_KEY = "letter_receipt"
STAFF_ROLES = ("office", "admin", "handler")




def _department_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + pagecache.remember(
        ("letters.department_choices",), lambda: [(str(d.id), d.name) for d in active_departments()])


class _DepartmentOption(NamedTuple):
    id: int
    name: str


def _public_departments() -> list[_DepartmentOption]:
    """The departments of the public list's filter, reused until a public change."""
    return pagecache.remember(
        ("letters.public_departments",), lambda: [_DepartmentOption(d.id, d.name) for d in active_departments()])


def _leader_choices() -> list[tuple[str, str]]:
    return [("", "请选择")] + pagecache.remember(
        ("letters.leader_choices",), lambda: [(str(l.id), l.label) for l in mailbox_leaders()])


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _letter_id_or_none(value) -> int | None:
    """A letter id from a query string; anything else (a broken or edited link) is none."""
    number = _int_or_none(value)
    return number if number is not None and 0 < number <= MAX_ID else None


def _enum_or_none(enum_cls, value):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


# --- writing a letter -------------------------------------------------------------------


def _letter_form() -> LetterForm:
    form = LetterForm()
    form.department_id.choices = _department_choices("不确定（由办公室转交）")
    form.leader_id.choices = _leader_choices()
    if current_user.is_authenticated:
        del form.captcha
    return form


def _previewing() -> bool:
    return "preview" in request.form


def _displaying() -> bool:
    """预览 or the 关怀版 button: the form is shown again as typed, nothing checked or stored."""
    return _previewing() or switching_large_text()


def _suggestion_limit() -> str:
    return current_app.config["RATELIMIT_FAQ_API"]


@bp.route("/letters/new", methods=["GET", "POST"])
# Sending a letter counts as a public post; 预览 and the 关怀版 button only read (as the
# suggestions do while typing), so using them does not use up the letter's allowance.
@limiter.limit(public_post_limit, methods=["POST"], exempt_when=_displaying)
@limiter.limit(_suggestion_limit, methods=["POST"], exempt_when=lambda: not _displaying())
def new():
    form = _letter_form()
    if request.method == "GET":
        form.token.data = secrets.token_hex(16)
        form.department_id.data = request.args.get("department", "")
        # The FAQ hand-off (写信咨询这个问题) brings the citizen's question as ``q``: a short
        # one becomes the title, a long one the letter's text with its start as the title.
        question = (request.args.get("title") or request.args.get("q") or "").strip()
        form.title.data = question[:services.TITLE_MAX]
        if len(question) > services.TITLE_MAX:
            form.body.data = question[:services.BODY_MAX]
        if current_user.is_authenticated and not current_user.is_staff:
            form.name.data = current_user.display_name
            form.phone.data = current_user.phone or ""
            form.email.data = current_user.email or ""
        if _blank_for_anyone(form):
            return _blank_form_page(form)
        return _new_page(form)
    if _previewing():
        return _preview(form)
    elif switching_large_text():
        return _new_page(form)
    # The attachments are stored before the first write (the token's claim below), so the
    # transaction does not hold the database's writer while they are copied; and only when
    # the captcha's answer is right: a wrong one (a robot's guesses) stores no file.
    files = (form.attachments.data or []) if _captcha_may_pass(form) else []
    with services.staged_attachments(files) as attachments:
        return _send(form, attachments)


def _captcha_may_pass(form: LetterForm) -> bool:
    field = getattr(form, "captcha", None)
    return field is None or field.may_pass()


def _send(form: LetterForm, attachments: services.StagedAttachments):
    token = (form.token.data or "")[:64]
    # The form token's and the captcha's claims, the letter and the session that shows its
    # receipt: one write transaction, committed when the session is saved.
    sessions.commit_with_session()
    earlier = _earlier_copy(token)
    if earlier is not None:  # a double click, a second tab: the receipt of the first copy
        return _receipt_again(earlier, token)
    if form.validate_on_submit():
        data = _letter_input(form)
        result, error = attempt(lambda: services.submit_letter(
            data, user=current_user if current_user.is_authenticated else None,
            idempotency_key=token or None, attachments=attachments,
            query_code=_query_code(token) if token else None,
        ), form=form, commit=False)
        if error is not None:
            _release(token)
            _attachments_not_kept(form)
            return _new_page(form, error.status_code)
        if result.duplicate:
            return _receipt_again(result.letter, token)
        _show_receipt(result.number, result.letter_id, result.query_code)
        return redirect(url_for("letters.receipt", number=result.number))
    _release(token)
    _letter_rule_errors(form)
    _attachments_not_kept(form)
    flash(refusal_message(form), "error")
    return _new_page(form, 422)


def _letter_input(form: LetterForm) -> services.LetterInput:
    return services.LetterInput(
        channel=LetterChannel(form.channel.data), kind=LetterKind(form.kind.data),
        title=form.title.data, body=form.body.data, name=form.name.data, phone=form.phone.data,
        email=form.email.data, department_id=_int_or_none(form.department_id.data),
        leader_id=_int_or_none(form.leader_id.data), publish_consent=form.publish_consent.data,
    )


def _letter_rule_errors(form: LetterForm) -> None:
    """The letter's own rules (``services.validate_input``) on what was sent, beside the
    form's checks: a citizen whose captcha was wrong also learns now that the phone number
    is short or the text too brief, instead of after the next captcha."""
    try:
        services.validate_input(_letter_input(form))
    except ValueError:  # no channel or kind chosen: the form already says so
        return
    except DomainError as error:
        for name, message in error.fields.items():
            field = getattr(form, name, None)
            if field is not None and not field.errors:
                field.errors = [message]


def _attachments_not_kept(form: LetterForm) -> None:
    """A refused letter comes back with everything typed, but a browser cannot be handed
    files back: say beside the box that the chosen attachments must be chosen again."""
    attached = _chosen_files(form)
    if attached:
        form.attachments.errors = list(form.attachments.errors) + [
            f"所选的 {len(attached)} 个附件没有保存，请重新选择后再提交。"]


def _chosen_files(form: LetterForm) -> list:
    """The files chosen in the form's attachment box (a browser cannot be handed them back)."""
    return [f for f in (form.attachments.data or []) if getattr(f, "filename", "")]



#: A copy of a letter being sent (a double click on a slow server) waits this long for the
#: first copy to be stored, then shows its receipt.
COPY_WAIT_SECONDS = 15
SENDING_CLAIM_TTL = timedelta(minutes=2)


def _sending_claim(token: str) -> str:
    return f"letter-form:{token}"


def _earlier_copy(token: str):
    """The letter an earlier copy of this submission (same form token) stored — waiting
    while such a copy is still being sent — or ``None`` when this request is the one that
    sends it (it then holds the token's claim until it has stored the letter or is refused)."""
    if not token:
        return None
    deadline = time.monotonic() + COPY_WAIT_SECONDS
    while True:
        letter = services.find_by_idempotency_key(token)
        if letter is not None or sessions.claim_once(_sending_claim(token), SENDING_CLAIM_TTL):
            return letter
        if time.monotonic() > deadline:
            return None  # the database's unique key still keeps the letter single
        db.session.rollback()  # end the read, so the next one sees the other copy's commit
        time.sleep(0.2)


def _release(token: str) -> None:
    """This copy was refused (a wrong captcha, a bad phone number): a corrected one may go."""
    if token:
        sessions.release_claim(_sending_claim(token))


def _query_code(token: str) -> str:
    """The code of the letter this browser sends with ``token`` (see ``_receipt_again``)."""
    return services.derived_query_code(getattr(session, "sid", ""), token)


def _show_receipt(number: str, letter_id: int, code: str) -> None:
    session[RECEIPT_KEY] = {"number": number, "code": code}
    _grant_access(letter_id)


def _receipt_again(letter, token: str):
    """The receipt of a letter a copy of this submission stored: with its query code when
    this browser sent it moments ago, so a double click never hides the code."""
    code = services.repeated_receipt_code(letter, _query_code(token))
    if code is not None:
        _show_receipt(letter.number, letter.id, code)
    return redirect(url_for("letters.receipt", number=letter.number))


def _preview(form):
    """预览: the letter as it will be sent, with the FAQ entries and published letters
    like it (the list the form shows while typing when JavaScript runs). Nothing is stored
    and nothing checked (CSRFProtect has checked the token; the fields are checked when the
    letter is sent, and the captcha is not used up); every field keeps what was typed except
    the attachments, which a browser cannot be handed back."""
    return _new_page(form, preview={
        "attachments_dropped": len(_chosen_files(form)),
        "suggestions": services.writing_suggestions(form.title.data, form.body.data),
    })


#: Where a visitor's own tokens go in the stored copy of the blank letter form (random per
#: process, so no typed text can contain them).
_CSRF_MARK = f"csrf-{secrets.token_hex(12)}"
_TOKEN_MARK = f"token-{secrets.token_hex(12)}"


def _blank_for_anyone(form) -> bool:
    """The form is the blank one every visitor who is not logged in gets (nothing taken from
    the address or the session but the two tokens)."""
    return (not current_user.is_authenticated and not request.args and "_flashes" not in session
            and not form.errors)


def _blank_form_page(form):
    """The blank letter form from a copy rendered once per process (until a public change,
    a new reply limit or ``PUBLIC_PAGE_CACHE_SECONDS``), with this visitor's CSRF token and
    form token put in: rendering the form's fields took most of the page's 5 ms of CPU, and
    crawlers and citizens fetch this page far more often than they send it."""
    csrf = getattr(form, "csrf_token", None)
    token = form.token.data
    consultation_days = workflow.reply_limit(LetterKind.CONSULTATION)

    def render() -> str:
        if csrf is not None:
            real, csrf.current_token = csrf.current_token, _CSRF_MARK
        form.token.data = _TOKEN_MARK
        try:
            return render_template("letters/new.html", form=form, preview=None, consultation_days=consultation_days)
        finally:
            if csrf is not None:
                csrf.current_token = real
            form.token.data = token

    page = pagecache.remember(("letters.blank_form", request.cookies.get("large_text"), consultation_days), render)
    if csrf is not None:
        page = page.replace(_CSRF_MARK, csrf.current_token)
    return page.replace(_TOKEN_MARK, token)


def _new_page(form, status: int = 200, *, preview: dict | None = None):
    """The letter form; it states the current reply limit for consultations."""
    return render_template("letters/new.html", form=form, preview=preview,
                           consultation_days=workflow.reply_limit(LetterKind.CONSULTATION)), status


@bp.post("/letters/suggestions")
@limiter.limit(_suggestion_limit)
def suggestions():
    """FAQ entries and published letters like the letter being written (the letter form's
    script asks while the citizen types; without it, 预览 shows the same list). A POST with
    the form's CSRF token (header ``X-CSRFToken``): the typed letter never travels in a URL,
    so it stays out of access logs, proxies and the browser's history."""
    found = services.writing_suggestions((request.form.get("title") or "")[:services.TITLE_MAX],
                                         (request.form.get("body") or "")[:services.BODY_MAX])
    status, items = (get_template_attribute("letters/_suggestions.html", name) for name in ("status", "items"))
    response = jsonify(count=found.count, status=str(status(found)), html=str(items(found)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/letters/receipt")
def receipt():
    """The receipt, for the browser that submitted the letter only: a letter number alone
    never shows a letter (numbers are sequential and letters are not public)."""
    number = (request.args.get("number") or "")[:24]
    stored = session.get(RECEIPT_KEY)
    letter = services.find_by_number(number) if number else None
    if letter is None:
        abort(404)
    code = None
    if stored and stored.get("number") == number:
        code = stored["code"]  # shown once
        session.pop(RECEIPT_KEY, None)
        _grant_access(letter.id)
    elif not _may_track(letter):
        abort(404)
    response = current_app.make_response(render_template("letters/receipt.html", letter=letter, code=code,
                                                                  reply_limit=workflow.reply_limit(letter.kind)))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- look-up, tracking and rating -------------------------------------------------------


def _grant_access(letter_id: int) -> None:
    """Let this browser follow the letter; the session then goes by a new id, so a copy of
    its cookie read earlier (a shared computer) does not follow it too (not again for a
    letter it follows already: the receipt after the post), and ends after
    ``LETTER_ACCESS_IDLE_MINUTES`` without a request (the writer who forgot 结束查看)."""
    if letter_id not in session.get(ACCESS_KEY, []):
        sessions.promote()
    allowed = [i for i in session.get(ACCESS_KEY, []) if i != letter_id][-19:]
    session[ACCESS_KEY] = allowed + [letter_id]
    sessions.limit_idle(timedelta(minutes=current_app.config["LETTER_ACCESS_IDLE_MINUTES"]))


def _may_track(letter) -> bool:
    """Whether this browser looked the letter up with its code, or its account owns it."""
    owns = current_user.is_authenticated and letter.user_id == current_user.id
    return owns or letter.id in session.get(ACCESS_KEY, [])


def _tracked_letter(number: str):
    """The letter if this browser may see it; ``None`` (unknown or not granted alike, so
    the answer does not tell which numbers exist)."""
    letter = services.find_by_number(number)
    if letter is None or not _may_track(letter):
        return None
    return letter


@bp.route("/letters/lookup", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"], exempt_when=switching_large_text)
def lookup():
    form = LookupForm()
    if request.method == "GET" and request.args.get("number"):
        form.number.data = request.args["number"][:24]
    if switching_large_text():  # the 关怀版 button: the form again, as typed, nothing looked up
        return render_template("letters/lookup.html", form=form)
    if form.validate_on_submit():
        try:
            letter = services.lookup(form.number.data, form.code.data)
        except DomainError as error:
            form.code.errors = [error.message]
            return render_template("letters/lookup.html", form=form), error.status_code
        _grant_access(letter.id)
        return redirect(url_for("letters.track", number=letter.number))
    status = 422 if request.method == "POST" else 200
    return render_template("letters/lookup.html", form=form), status


@bp.post("/letters/end-viewing")
def end_viewing():
    """结束查看: a citizen on a shared computer (a library, a service hall) ends what this
    browser may see of their letters. An anonymous session ends as at log-out — the letters
    it follows, a receipt, a form kept for it are forgotten and its id stops working — so
    the next visitor of that browser reopens neither the receipt nor the letter from the
    history. An account keeps its own letters (its log-out ends that)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        session.pop(ACCESS_KEY, None)
        session.pop(RECEIPT_KEY, None)
        flash("已结束查看。您登录了账号，离开公共电脑前请点“退出登录”。", "info")
    else:
        sessions.end_current()
        flash("已结束查看：这台电脑的浏览器不能再打开您的来信。以后请凭信件编号和查询码查询。", "success")
    return redirect(url_for("site.home"), 303)


@bp.get("/letters/track/<number>")
def track(number: str):
    letter = _tracked_letter(number)
    if letter is None:
        return redirect(url_for("letters.lookup", number=number))
    typed = kept(_rating_place(letter))
    rating_form = typed.form(RatingForm) if typed else RatingForm()
    response = current_app.make_response(
        render_template("letters/track.html", letter=letter, rating_form=rating_form)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _rating_place(letter: Letter) -> str:
    return f"rating:{letter.number}"


@bp.get("/letters/track/<number>/rate")
def rating_address(number: str):
    """The rating form's address opened (an old history entry, a shared link): the tracking
    page (which asks for the look-up again where this browser may not see it), not 405."""
    return redirect(url_for("letters.track", number=number, _anchor="rate-title"), code=303)


@bp.post("/letters/track/<number>/rate")
@limiter.limit(public_post_limit, exempt_when=switching_large_text)
def rate(number: str):
    letter = _tracked_letter(number)
    if letter is None:
        return redirect(url_for("letters.lookup", number=number))
    form, place = RatingForm(), _rating_place(letter)
    # Every answer is a redirect to the tracking page (post/redirect/get), which shows the
    # rating as chosen and typed: after the 关怀版 button, or a refusal with its message, a
    # reload neither sends the rating again nor meets this POST-only address.
    if switching_large_text():  # the 关怀版 button: nothing checked or stored
        keep_for_page(form, place)
        return redirect(url_for("letters.track", number=letter.number, _anchor="rate-title"), code=303)
    if not form.validate_on_submit():
        flash(first_error(form) or "请选择评价。", "error")
        keep_for_page(form, place)
        return redirect(url_for("letters.track", number=letter.number), code=303)
    rating = LetterRating(form.rating.data)
    if perform(lambda: services.rate_letter(letter, rating, form.comment.data or ""), form=form) is not None:
        keep_for_page(form, place)
        return redirect(url_for("letters.track", number=letter.number), code=303)
    forget_kept_form(place)
    # What happens next (services.rate_letter tells the office of a 不满意 rating).
    flash("感谢您的评价。" + ("办公室会看到您的不满意评价，可安排有关部门重新办理一次，有进展时本页会显示。"
                             if rating is LetterRating.UNSATISFIED else ""), "success")
    return redirect(url_for("letters.track", number=letter.number))


@bp.get("/account/letters")
@login_required
def my_letters():
    if current_user.is_staff:
        abort(403)
    return render_template("letters/my_letters.html", letters=services.citizen_letters(current_user))


def _my_letters_link(user):
    return None if user.is_staff else ("我的来信", url_for("letters.my_letters"))


account_views.account_links.append(_my_letters_link)


# --- 来信选登 (public) ---------------------------------------------------------------------


def _as_read(read) -> Callable[[str], str | None]:
    """A filter's value as the list reads it (``str`` of what ``read`` gives), ``None`` when it
    is ignored: the page store's key (``pagecache.public_page``'s ``values``)."""
    def rule(value: str) -> str | None:
        found = read(value)
        return None if found is None else str(getattr(found, "value", found))
    return rule


def _list_query_text() -> str:
    """The search words of 来信选登 as the list reads them."""
    return (request.args.get("q") or "").strip()[:60]


def _anchor_as_read(value: str) -> str | None:
    """``after`` / ``before`` as the list reads them: a letter id, and none at all in a
    search — a search is paged by number (``services.public_letters``), so
    ``?q=办理&after=<any id>`` was the same page rendered and stored once per id (attack N6:
    0.8 s each for a common word on PostgreSQL)."""
    if services.searches(_list_query_text()):
        return None
    return _as_read(_letter_id_or_none)(value)


@bp.get("/letters/")
@public_page(params=("q", "department", "kind", "channel", "month", "page", "after", "before"),
             values={"department": _as_read(_int_or_none), "kind": _as_read(lambda v: _enum_or_none(LetterKind, v)),
                     "channel": _as_read(lambda v: _enum_or_none(LetterChannel, v)),
                     "after": _anchor_as_read, "before": _anchor_as_read})
def public_list():
    query = services.PublicQuery(
        q=_list_query_text(),
        department_id=_int_or_none(request.args.get("department")),
        kind=_enum_or_none(LetterKind, request.args.get("kind")),
        channel=_enum_or_none(LetterChannel, request.args.get("channel")),
        month=(request.args.get("month") or "")[:7],
    )
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    # The pager's links say where their page starts (keyset, see services._ListPagination).
    after = _letter_id_or_none(request.args.get("after"))
    before = _letter_id_or_none(request.args.get("before"))
    letters = services.public_letters(query, page=min(page, 1_000_000), after=after, before=before)
    last = max(letters.pages, 1)
    if page > last and after is None and before is None:
        # A number past the last page shows the last one (a search) or nothing: each such
        # number was rendered and stored as a page of its own. The last page's own address
        # instead (not permanent: the list grows), which the store serves.
        args = request.args.to_dict()
        args.pop("page")
        if last > 1:
            args["page"] = str(last)
        return redirect(url_for("letters.public_list", **args), code=302)
    return render_template("letters/public_list.html", letters=letters, query=query,
                           departments=_public_departments(), kinds=LetterKind.labels(), channels=LetterChannel.labels())


#: A letter's public page shows nothing that follows the clock: kept until a public change.
LETTER_PAGE_SECONDS = 3600


@bp.get("/letters/<int:letter_id>")
@public_page(seconds=LETTER_PAGE_SECONDS, params=())
def public_detail(letter_id: int):
    # The article is stored once per change (letters.pages); rendered only when it is not.
    article = pages.stored_article(letter_id)
    if article is None:
        article = pages.render_article(services.get_published(letter_id))
        db.session.commit()  # the article kept (written here only without deferred writes)
    return render_template("letters/public_detail.html", title=article.title, article=article.html)


def _home_section():
    letters = services.latest_published(6)
    return ("letters/_home_section.html", {"letters": letters})


home_sections.append(_home_section)


def _unpublished(letter: Letter) -> bool:
    """A letter that is not public and was not public before this change."""
    return not letter.published and not sa.inspect(letter).attrs.published.history.deleted


pagecache.watch(Letter, unless=_unpublished)
pagecache.watch(MonthlySummary)


# --- staff workspaces -------------------------------------------------------------------


@bp.get("/staff/letters/queue")
@roles_required("office", "admin")
def office_queue():
    letters = services.office_queue()
    suggestions = {}
    pool = services.suggestion_pool()
    for letter in letters:
        suggestion = services.routing_suggestion(letter, pool=pool)
        if suggestion is not None:
            suggestions[letter.id] = suggestion
    return render_template("letters/staff/queue.html", letters=letters, suggestions=suggestions)


@bp.get("/staff/letters/all")
@roles_required("office", "admin")
def staff_list():
    args = request.args
    errors: list[str] = []
    filters = services.LetterFilters(
        status=_enum_or_none(LetterStatus, args.get("status")),
        department_id=_int_or_none(args.get("department")),
        channel=_enum_or_none(LetterChannel, args.get("channel")),
        kind=_enum_or_none(LetterKind, args.get("kind")),
        overdue=args.get("deadline") == "overdue",
        warning=args.get("deadline") == "warning",
        veto=args.get("deadline") == "veto",
        held=args.get("held") == "1",
        date_from=_date_arg(args.get("from"), "来信日期从", errors),
        date_to=_date_arg(args.get("to"), "来信日期至", errors),
        number=(args.get("number") or "")[:24],
    )
    page = max(args.get("page", 1, type=int) or 1, 1)
    letters = services.staff_letters(filters, user=current_user, page=page)
    return render_template("letters/staff/list.html", letters=letters, filters=filters, args=args,
                           departments=active_departments(), statuses=LetterStatus.labels(), kinds=LetterKind.labels(),
                           channels=LetterChannel.labels(), errors=errors), 422 if errors else 200


def _date_arg(value: str | None, label: str, errors: list[str]) -> date | None:
    """A date filter as typed (``core.datetext``); one that cannot be read is left out and
    its message shown above the list (the field keeps the text)."""
    if not (value or "").strip():
        return None
    try:
        return datetext.parse_day(value)
    except ValueError as error:
        errors.append(f"{label}：{error}")
        return None


@bp.get("/staff/letters/review")
@roles_required("office", "admin")
def review_queue():
    return render_template("letters/staff/review.html", letters=services.review_queue(),
                           extensions=services.pending_extensions(), decision_form=ExtensionDecisionForm())


@bp.get("/staff/letters/mine")
@roles_required("handler")
def handler_queue():
    department_id = current_user.department_id
    if department_id is None:
        abort(403)
    return render_template("letters/staff/handler.html", letters=services.handler_letters(department_id),
                           answered=services.handler_recent_answered(department_id))


def _detail_forms(letter, **overrides):
    assign_form = overrides.pop("assign_form", None) or AssignForm(formdata=None)
    assign_form.department_id.choices = _department_choices("请选择")
    forms = {
        "note_form": NoteForm(formdata=None),
        "reject_form": RejectForm(formdata=None),
        "assign_form": assign_form,
        "return_form": ReturnForm(formdata=None),
        "answer_form": AnswerForm(formdata=None, data={"answer_html": letter.answer_html or ""}),
        "review_form": ReviewForm(formdata=None, data={"publish": letter.publish_consent, "decision": "approve"}),
        "extension_form": ExtensionRequestForm(formdata=None),
        "decision_form": ExtensionDecisionForm(formdata=None),
        "confirm_form": ConfirmForm(formdata=None),
    }
    forms.update(overrides)
    return forms


def _render_detail(letter, status: int = 200, **overrides):
    actions = workflow.actions(letter, current_user)
    suggestion = services.routing_suggestion(letter) if "assign" in actions else None
    return render_template(
        "letters/staff/detail.html", letter=letter, suggestion=suggestion, actions=actions,
        reply_limit=workflow.reply_limit(letter.kind), **_detail_forms(letter, **overrides),
    ), status


@bp.get("/staff/letters/<int:letter_id>")
@roles_required(*STAFF_ROLES, department=services.letter_department_id,
                refusal=services.refusal_of_former_department)
def staff_detail(letter_id: int):
    return _render_detail(services.get_letter(letter_id))


def _act(letter, action, form_name=None, form=None):
    """Run one service call for a posted form: commit and go back, or re-show with errors."""
    error = perform(action, form=form)
    if error is None:
        return None
    letter = services.get_letter(letter.id)
    overrides = {form_name: form} if form_name and form is not None else {}
    return _render_detail(letter, error.status_code, **overrides)


def _invalid(letter, form_name, form):
    flash(first_error(form) or "提交的内容有误，请检查后重试。", "error")
    return _render_detail(letter, 422, **{form_name: form})


def _back(letter, message: str):
    flash(message, "success")
    if can_act_for_department(current_user, letter.department_id):
        return redirect(url_for("letters.staff_detail", letter_id=letter.id))
    return redirect(url_for("letters.handler_queue"))


@bp.post("/staff/letters/<int:letter_id>/accept")
@roles_required("office", "admin")
def accept(letter_id: int):
    letter = services.get_letter(letter_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _invalid(letter, "note_form", form)
    failed = _act(letter, lambda: services.accept_letter(letter, actor=current_user, note=form.note.data or ""),
                  "note_form", form)
    return failed or _back(letter, "已受理。")


@bp.post("/staff/letters/<int:letter_id>/reject")
@roles_required("office", "admin")
def reject(letter_id: int):
    letter = services.get_letter(letter_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _invalid(letter, "reject_form", form)
    reason = _enum_or_none(RejectReason, form.reason.data)
    failed = _act(letter, lambda: services.reject_letter(letter, actor=current_user, reason=reason,
                                                         note=form.note.data or ""), "reject_form", form)
    return failed or _back(letter, "已作不予受理处理，理由将告知来信人。")


@bp.post("/staff/letters/<int:letter_id>/assign")
@roles_required("office", "admin")
def assign(letter_id: int):
    letter = services.get_letter(letter_id)
    form = AssignForm()
    form.department_id.choices = _department_choices("请选择")
    if not form.validate_on_submit():
        return _invalid(letter, "assign_form", form)
    failed = _act(letter, lambda: services.assign_letter(letter, _int_or_none(form.department_id.data),
                                                         actor=current_user, note=form.note.data or ""),
                  "assign_form", form)
    return failed or _back(letter, f"已转交{letter.department.name if letter.department else ''}办理。")


@bp.post("/staff/letters/<int:letter_id>/return")
@roles_required(*STAFF_ROLES, department=services.letter_department_id)
def return_to_office(letter_id: int):
    letter = services.get_letter(letter_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _invalid(letter, "return_form", form)
    failed = _act(letter, lambda: services.return_letter(letter, actor=current_user, reason=form.reason.data),
                  "return_form", form)
    return failed or _back(letter, "已退回办公室重新转办。")


@bp.post("/staff/letters/<int:letter_id>/answer")
@roles_required(*STAFF_ROLES, department=services.letter_department_id)
def answer(letter_id: int):
    letter = services.get_letter(letter_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _invalid(letter, "answer_form", form)
    failed = _act(letter, lambda: services.answer_letter(letter, actor=current_user, answer_html=form.answer_html.data),
                  "answer_form", form)
    return failed or _back(letter, "答复已提交，等待办公室审核。")


@bp.post("/staff/letters/<int:letter_id>/extension")
@roles_required(*STAFF_ROLES, department=services.letter_department_id)
def request_extension(letter_id: int):
    letter = services.get_letter(letter_id)
    form = ExtensionRequestForm()
    if not form.validate_on_submit():
        return _invalid(letter, "extension_form", form)
    failed = _act(letter, lambda: services.request_extension(
        letter, actor=current_user, extra_workdays=form.extra_workdays.data, reason=form.reason.data),
        "extension_form", form)
    return failed or _back(letter, "延期申请已提交，等待办公室审批。")


@bp.post("/staff/letters/extensions/<int:extension_id>")
@roles_required("office", "admin")
def decide_extension(extension_id: int):
    extension = services.get_extension(extension_id)
    letter = extension.letter
    form = ExtensionDecisionForm()
    if not form.validate_on_submit():
        return _invalid(letter, "decision_form", form)
    approve = form.decision.data == "approve"
    failed = _act(letter, lambda: services.decide_extension(extension, actor=current_user, approve=approve,
                                                            note=form.note.data or ""), "decision_form", form)
    return failed or _back(letter, "已批准延期。" if approve else "已驳回延期申请。")


@bp.post("/staff/letters/<int:letter_id>/review")
@roles_required("office", "admin")
def review(letter_id: int):
    letter = services.get_letter(letter_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _invalid(letter, "review_form", form)
    if form.decision.data == "send_back":
        action = lambda: services.send_back(letter, actor=current_user, note=form.note.data or "")  # noqa: E731
        message = "已退回办理部门修改。"
    else:
        action = lambda: services.approve_answer(letter, actor=current_user, publish=form.publish.data,  # noqa: E731
                                                 note=form.note.data or "")
        message = "审核通过，已办结。" + ("已在来信选登中公开。" if form.publish.data else "")
    failed = _act(letter, action, "review_form", form)
    return failed or _back(letter, message)


@bp.post("/staff/letters/<int:letter_id>/reopen")
@roles_required("office", "admin")
def reopen(letter_id: int):
    letter = services.get_letter(letter_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _invalid(letter, "note_form", form)
    failed = _act(letter, lambda: services.reopen_letter(letter, actor=current_user, note=form.note.data or ""),
                  "note_form", form)
    return failed or _back(letter, "已重新交办。")


@bp.post("/staff/letters/<int:letter_id>/publish")
@roles_required("office", "admin")
def publish(letter_id: int):
    letter = services.get_letter(letter_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _invalid(letter, "note_form", form)
    if request.form.get("publish") == "1":
        failed = _act(letter, lambda: services.publish_letter(letter, actor=current_user))
        return failed or _back(letter, "已公开。")
    failed = _act(letter, lambda: services.withdraw_letter(letter, actor=current_user, note=form.note.data or ""))
    return failed or _back(letter, "已撤下，公众不再可见。")


@bp.post("/staff/letters/<int:letter_id>/faq")
@roles_required(*STAFF_ROLES, department=services.letter_department_id)
def to_faq(letter_id: int):
    letter = services.get_letter(letter_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    draft, error = attempt(lambda: services.to_faq(letter, actor=current_user))
    if error is not None:
        return _render_detail(services.get_letter(letter.id), error.status_code)
    hidden = f"转入时已隐去个人信息（{draft.masked_summary}），" if draft.masked else ""
    return _back(letter, f"已生成常见问题草稿，{hidden}知识库管理员审核后发布。")


@bp.get("/staff/letters/<int:letter_id>/attachments/<int:attachment_id>")
@roles_required(*STAFF_ROLES, department=services.letter_department_id)
def attachment(letter_id: int, attachment_id: int):
    letter = services.get_letter(letter_id)
    item = next((a for a in letter.attachments if a.id == attachment_id), None)
    if item is None:
        abort(404)
    response = uploads.serve(item.file, as_attachment=True)  # 404 before the access is recorded
    services.record_attachment_access(letter, item, actor=current_user)
    db.session.commit()
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff/letters/forwarded/new", methods=["GET", "POST"])
@roles_required("office", "admin")
def new_forwarded():
    form = ForwardedLetterForm()
    form.department_id.choices = _department_choices("暂不转办")
    if request.method == "GET":
        form.token.data = secrets.token_hex(16)
    if form.validate_on_submit():
        data = services.LetterInput(
            channel=LetterChannel.CONSULTATION, kind=LetterKind(form.kind.data), title=form.title.data,
            body=form.body.data, name=form.name.data, phone=form.phone.data, email=form.email.data,
            publish_consent=form.publish_consent.data,
        )
        token = (form.token.data or "")[:32]
        code = services.derived_query_code(getattr(session, "sid", ""), "forwarded", token) if token else None
        result, error = attempt(lambda: services.enter_forwarded_letter(
            data, upstream_source=form.upstream_source.data, upstream_number=form.upstream_number.data,
            upstream_due=form.upstream_due.data, department_id=_int_or_none(form.department_id.data),
            actor=current_user, form_token=token or None, query_code=code,
        ), form=form)
        if error is not None:
            return render_template("letters/staff/forwarded.html", form=form), error.status_code
        # A second copy of the form (a double click) lands on the letter the first registered,
        # with the same code while it is fresh: the browser shows the last answer it got.
        shown = result.query_code or (code and services.repeated_receipt_code(result.letter, code))
        flash(f"已登记上级转办来信 {result.letter.number}，查询码 {shown}（仅显示一次，可告知上级或来信人）。" if shown
              else f"上级转办来信已登记为 {result.letter.number}（同一表单只登记一次）。", "success")
        return redirect(url_for("letters.staff_detail", letter_id=result.letter.id))
    if request.method == "POST":
        return render_template("letters/staff/forwarded.html", form=form), 422
    return render_template("letters/staff/forwarded.html", form=form)


@bp.route("/staff/letters/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    limits = services.reply_limits()
    form = ReplyLimitsForm(data={k.value: v for k, v in limits.items()} if request.method == "GET" else None)
    if form.validate_on_submit():
        new_limits = {kind: getattr(form, kind.value).data for kind in LetterKind}
        error = perform(lambda: services.set_reply_limits(new_limits, actor=current_user), form=form)
        if error is not None:
            return render_template("letters/staff/settings.html", form=form), error.status_code
        flash("答复期限已保存，新转办的来信按新期限计算。", "success")
        return redirect(url_for("letters.settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("letters/staff/settings.html", form=form), status


# --- workspace cards --------------------------------------------------------------------


def _workspace_cards(user) -> list[dict]:
    cards = []
    if has_role(user, "office", "admin"):
        new_count = services.counts(workflow.awaiting("assign"))
        review_count = services.counts(workflow.awaiting("close")) + services.pending_extension_count()
        overdue_count = services.counts(Letter.overdue)
        veto_count = services.counts(services.veto_condition())
        cards += [
            {"title": "来信待受理/转办", "count": new_count, "url": url_for("letters.office_queue"),
             "hint": "受理时限 1 个工作日", "level": "warning" if new_count else None},
            {"title": "答复待审核/延期待批", "count": review_count, "url": url_for("letters.review_queue"),
             "hint": None, "level": None},
            {"title": "来信已逾期", "count": overdue_count, "url": url_for("letters.staff_list", deadline="overdue"),
             "hint": "红牌：已超过办理期限", "level": "danger" if overdue_count else None},
        ]
        if veto_count:
            cards.append({"title": "超三个月未答复（一票否决）", "count": veto_count,
                          "url": url_for("letters.staff_list", deadline="veto"), "hint": None, "level": "danger"})
    if has_role(user, "handler") and user.department_id is not None:
        department_id = user.department_id
        waiting = workflow.awaiting("answer")
        open_count = services.counts(waiting, department_id)
        warning_count = services.counts(sa.and_(waiting, Letter.warning), department_id)
        overdue_count = services.counts(sa.and_(waiting, Letter.overdue), department_id)
        url = url_for("letters.handler_queue")
        cards += [
            {"title": "本部门来信待答复", "count": open_count, "url": url, "hint": None, "level": None},
            {"title": "即将到期（黄牌）", "count": warning_count, "url": url, "hint": "最后一个工作日",
             "level": "warning" if warning_count else None},
            {"title": "已逾期（红牌）", "count": overdue_count, "url": url, "hint": None,
             "level": "danger" if overdue_count else None},
        ]
    return cards


contributions.workspace_cards.append(_workspace_cards)
contributions.contribute_to_office(
    veto_letters=services.veto_letters, overdue_counts_by_department=services.overdue_counts_by_department,
    last_reply_at=services.last_reply_at, department_performance=services.department_performance,
)
