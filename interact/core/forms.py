"""Form pieces shared by several modules."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import flash, g, request, session
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, FileField, HiddenField, PasswordField, SelectFieldBase, StringField
from wtforms.widgets import HiddenInput, TextInput
from wtforms.validators import StopValidation, ValidationError

from interact.core import captcha, datetext, security, sessions
from interact.core.textnorm import strip_controls, strip_invisible
from interact.core.edits import EditedElsewhere
from interact.core.errors import DomainError
from interact.extensions import db


class Form(FlaskForm):
    """Base of every form of the application.

    WTForms' own messages ("Not a valid integer value.", "Not a valid choice.", "Field
    cannot be longer than 20 characters.") come in Chinese from its bundled ``zh``
    catalogue (with ``WTF_I18N_ENABLED = False``, Flask-WTF leaves the choice of catalogue
    to WTForms), so a message nobody wrote by hand still reaches users in Chinese.
    """

    class Meta:
        locales = ("zh",)

        def bind_field(self, form, unbound_field, options):
            """Every text field (``StringField``, ``TextAreaField`` and their kin, not
            passwords) drops invisible format characters first (:func:`strip_invisible`):
            what is stored and published is what a reader sees, and masking finds a number
            or a name however it was split. Control characters go too
            (:func:`strip_controls`): a NUL made PostgreSQL refuse the whole form (attack Q3)."""
            field_class = unbound_field.field_class
            if (issubclass(field_class, StringField) and not issubclass(field_class, PasswordField)
                    and len(unbound_field.args) < 3):  # filters not given positionally
                options = {**options, "filters": (strip_controls, strip_invisible,
                                                  *unbound_field.kwargs.get("filters", ()))}
            return super().bind_field(form, unbound_field, options)

    def hidden_tag(self, *fields) -> Markup:
        """The hidden fields (CSRF token…) without ids: pages repeat forms (one per row, a
        log-out button beside a form), and a hidden input is never a label's target."""
        chosen = [getattr(self, f, None) if isinstance(f, str) else f for f in (fields or self)]
        return Markup("\n".join(str(f(id=False)) for f in chosen
                                 if f is not None and isinstance(f.widget, HiddenInput)))

    def for_item(self, key) -> Form:
        """This form with ids unique to one item of a page that shows it once per item
        (``{% set f = decision_form.for_item(ext.id) %}``): every field id, and so the ids
        of a radio field's options and the labels' ``for``, end in ``-<key>``. Names stay
        the same, so what is posted does not change. Without it, the label of the last
        item's radio switches the first item's (the same ids on every item)."""
        for field in self:
            base = field.__dict__.setdefault("_id_without_item", field.id)
            field.id = f"{base}-{key}"
        return self


class ConfirmForm(Form):
    """An empty form: a POST button with its CSRF token."""


class CaptchaField(StringField):
    """Answer to the image at ``/captcha.png``; checked (and consumed) on validation.

    ``slot`` names the challenge when a page has two forms with a captcha (a collection's
    opinion form and questionnaire): each form's image and check use their own slot, and the
    field's id is ``<slot>-captcha``. The typed answer is never shown again: after any error
    the page shows a new image and an empty field.
    """

    def __init__(self, label="验证码", slot: str = "", **kwargs):
        kwargs.setdefault("render_kw", {"autocomplete": "off", "inputmode": "text", "maxlength": 8})
        if slot:
            kwargs.setdefault("id", f"{slot}-captcha")
        super().__init__(label, **kwargs)
        self.slot = slot

    def _value(self):
        # Never shown again: every failed check brings a new image and an empty field.
        return ""

    def may_pass(self) -> bool:
        """Whether the typed answer is right, checked without using up the image (see
        ``captcha.answer_may_pass``): validation still decides."""
        return captcha.answer_may_pass(self.data, slot=self.slot)

    def pre_validate(self, form):
        if not captcha.enabled():
            return
        if not captcha.verify(self.data, slot=self.slot):
            if not (self.data or "").strip():
                # Nothing typed — often because the page asked no captcha yet (a log-in page
                # opened before this account's failures made one necessary): say what to do,
                # not that an answer was wrong.
                raise ValidationError("请输入图片中的验证码。")
            raise ValidationError("验证码不正确、已使用过或已过期（每张图片只能用一次），请看新图片重新输入。")


class ChineseDateField(Field):
    """A date typed as text and shown as ``2026-12-01`` (``core.datetext``): a browser's date
    picker speaks the browser's language (``mm/dd/yyyy`` in an English-language browser).
    ``data`` is a ``date`` (``None`` when left empty); a date that cannot be read keeps the
    typed text in the field with a Chinese message beside it."""

    widget = TextInput()
    example = datetext.DATE_EXAMPLE
    display = datetext.DATE_FORMAT
    placeholder = "2026-12-01"

    def __init__(self, label=None, validators=None, description: str = "", **kwargs):
        hint = datetext.example_html(self.example)
        kwargs["render_kw"] = {"autocomplete": "off", "placeholder": self.placeholder, "spellcheck": "false",
                               **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, description=Markup("{}（{}）").format(description, hint) if description else hint,
                         **kwargs)

    @staticmethod
    def parse(text: str):
        return datetext.parse_day(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]  # as typed, also when it could not be read
        return self.data.strftime(self.display) if self.data else ""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "") or ""
        self.data = None
        if text.strip():
            self.data = self.parse(text)  # a ValueError is the message shown beside the field

    def pre_validate(self, form) -> None:
        if self.process_errors:  # unreadable: that message alone, not also "请填写…"
            raise StopValidation()


class ChineseDateTimeField(ChineseDateField):
    """A date and time of day typed as text, shown as ``2026-12-01 09:30``; ``data`` is a
    naive ``datetime`` (the form's label says it is Beijing time)."""

    example = datetext.DATETIME_EXAMPLE
    display = datetext.DATETIME_FORMAT
    placeholder = "2026-12-01 09:30"

    @staticmethod
    def parse(text: str):
        return datetext.parse_moment(text)


class VersionField(HiddenField):
    """The version of the record an edit form showed (``core.edits.version_of``): a save
    from a form opened before another save changed the record is refused, not lost."""


def saved_elsewhere(error, form, version_now: str, opened: Callable[[], Any]) -> list[tuple[str, str]]:
    """After a save refused with ``error``: when the refusal was that another page saved the
    record since the form was opened (:class:`interact.core.edits.EditedElsewhere`), the
    form takes the record's version now — saved again, it is saved — and the result lists
    what is saved now where it differs from what was typed (:func:`saved_differences`;
    ``opened()``: the form as it opens now). After another refusal (a code already used, a
    date in the past) the form keeps the version it showed and the list is empty: once that
    is corrected, the save is refused for the other page's change, which the clerk has not
    been told about yet, instead of saving over it."""
    if not isinstance(error, EditedElsewhere):
        return []
    form.shown_version.data = version_now
    return saved_differences(form, opened())


def saved_differences(typed, saved) -> list[tuple[str, str]]:
    """Where a form sent back differs from the record as saved now: ``(label, the saved
    value as the form shows it)`` of each visible field whose value is not what was typed.
    ``saved``: the same form filled from the record as its page shows it when opened."""
    found = []
    for field in typed:
        if isinstance(field, (HiddenField, FileField)) or isinstance(field.widget, HiddenInput):
            continue
        now = _as_shown(saved[field.name])
        if _as_shown(field) != now:
            found.append((str(field.label.text), now))
    return found


def _as_shown(field) -> str:
    if isinstance(field, BooleanField):
        return "是" if field.data else "否"
    if isinstance(field, SelectFieldBase):
        return "、".join(str(label) for _value, label, selected, *_ in field.iter_choices() if selected)
    return str(field._value() or "").replace("\r\n", "\n").strip()


def first_error(form) -> str | None:
    for errors in form.errors.values():
        if errors:
            return errors[0] if isinstance(errors[0], str) else str(errors[0])
    return None


def refusal_message(form, *, more: int = 0, default: str = "提交的内容有误，请检查后重试。") -> str:
    """The message above a refused form: its one problem, or how many there are to fix when
    there are several (``more``: problems shown beside the form's fields, such as a
    questionnaire's unanswered questions), so nobody stops at the first and sends again."""
    count = sum(1 for errors in form.errors.values() if errors) + more
    if count > 1:
        return f"有 {count} 处需要修改，请按下方红字提示修改后再提交。"
    return first_error(form) or default


def apply_field_errors(form, fields: dict[str, str]) -> None:
    """Show a service's field errors next to the matching form fields."""
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]


#: Session key of a form kept for the page it is shown on (:func:`keep_for_page`).
KEPT_FORM_KEY = "kept_form"


def keep_for_page(form, place: str, *, errors: dict[str, str] | None = None) -> None:
    """Keep what was sent with ``form`` and its field messages for the page that shows it,
    so a form posted to an address of its own (``/letters/track/<number>/rate``) can answer
    with a redirect to that page (post/redirect/get) even when it is refused: a reload then
    neither sends the form again nor meets an address that only takes POST, and what was
    typed is still there. ``place`` names the form and its object (``rating:<number>``);
    ``errors``: messages of fields the form class does not declare (a questionnaire's
    answers). One form is kept per visitor. Never kept: the CSRF token, passwords, a captcha
    answer."""
    secret = {field.name for field in form if isinstance(field, (PasswordField, CaptchaField))}
    secret.add("csrf_token")
    messages = {name: [str(e) for e in found] for name, found in form.errors.items() if isinstance(found, list)}
    messages.update({name: [message] for name, message in (errors or {}).items()})
    sessions.promote()  # the visitor's name and phone: not for whoever read the cookie before
    session[KEPT_FORM_KEY] = {
        "place": place,
        "data": [(name, value) for name, values in request.form.lists() if name not in secret for value in values],
        "errors": messages,
    }


class Kept(NamedTuple):
    """A form kept by :func:`keep_for_page`: what was sent, and the messages by field name."""

    data: MultiDict
    errors: dict[str, list[str]]

    def form(self, form_class):
        """``form_class`` filled with what was sent, its fields' messages shown."""
        form = form_class(formdata=self.data)
        for name, messages in self.errors.items():
            if name in form:
                form[name].errors = list(messages)
        return form


#: Set on ``flask.g`` when the page of this request shows the kept form.
_KEPT_SHOWN = "kept_form_shown"


def kept(place: str) -> Kept | None:
    """The form kept for ``place``, or ``None``. Its messages are shown once; what was typed
    stays while the visitor stays on its page, so reloading the page does not empty the
    form, until :func:`forget_kept_form` (the form sent successfully) or until the visitor
    opens another page (:func:`register`)."""
    stored = session.get(KEPT_FORM_KEY)
    if not stored or stored.get("place") != place:
        return None
    if stored["errors"]:
        session[KEPT_FORM_KEY] = {**stored, "errors": {}}
    setattr(g, security.PERSONAL_PAGE, True)  # the visitor's name and phone: kept by no cache
    setattr(g, _KEPT_SHOWN, True)
    return Kept(MultiDict(stored["data"]), stored["errors"])


def register(app) -> None:
    """A kept form lasts while its visitor stays on its page: the first other page they open
    forgets it. On a shared computer (a library, a service hall) the visitor who walks away
    from a refused opinion leaves neither their name and phone nor their text to the next
    one, who would otherwise find them on Back or by opening that page again (attack J5);
    the page itself is ``no-store``, so Back asks the server again."""

    @app.after_request
    def forget_a_form_left(response):
        if request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html" \
                and not g.get(_KEPT_SHOWN) and KEPT_FORM_KEY in session:
            session.pop(KEPT_FORM_KEY)
        return response


def forget_kept_form(place: str) -> None:
    stored = session.get(KEPT_FORM_KEY)
    if stored and stored.get("place") == place:
        session.pop(KEPT_FORM_KEY)


class Outcome(NamedTuple):
    """What :func:`attempt` did: the action's return value, or the :class:`DomainError` it raised."""

    value: Any
    error: DomainError | None


def attempt(action: Callable[[], Any], *, form=None, flash_error: bool = True, commit: bool = True) -> Outcome:
    """Run one service call for a posted form at the transaction boundary and keep its result.

    Routes need the call's return value (the created record, a count) and sometimes show
    the error only next to the fields, so this is the one place that owns the
    commit/rollback rule instead of each view copying a try/except block:

    - on success the session is committed and ``Outcome(value, None)`` returned, where
      ``value`` is what ``action()`` returned;
    - on a :class:`DomainError` the session is rolled back (nothing the action added or
      changed is kept), the error's field messages are put on ``form`` when one is given,
      its message is flashed as ``"error"`` unless ``flash_error`` is false, and
      ``Outcome(None, error)`` is returned so the view can re-show the form (with
      ``error.status_code`` or its own status).

    Work that must only happen once the change is committed (starting a job, logging a
    user in) belongs after a successful ``attempt``, not inside ``action``. Other
    exceptions are not caught: they are bugs, and the request's teardown discards the
    session.

    ``commit=False`` (a view whose work commits with its session's record,
    ``sessions.commit_with_session``): the action runs in a savepoint and nothing is
    committed; a :class:`DomainError` undoes only the action's changes, so what the request
    wrote before it (a captcha's claim) stays for the request's one commit.
    """
    try:
        if commit:
            value = action()
        else:
            with db.session.begin_nested():
                value = action()
    except DomainError as error:
        if commit:
            db.session.rollback()
        if form is not None:
            apply_field_errors(form, error.fields)
        if flash_error:
            flash(error.message, "error")
        return Outcome(None, error)
    if commit:
        db.session.commit()
    return Outcome(value, None)


def perform(action: Callable[[], Any], *, form=None, flash_error: bool = True) -> DomainError | None:
    """Run one service call for a posted form at the transaction boundary.

    The same as :func:`attempt` for a view that does not need the action's return value:
    on success the session is committed and ``None`` returned; on a :class:`DomainError`
    the session is rolled back, the error's field messages are put on ``form``, its
    message flashed (unless ``flash_error`` is false), and the error is returned so the
    view can re-show the form with ``error.status_code``.
    """
    return attempt(action, form=form, flash_error=flash_error).error
