"""Form pieces shared by several modules."""
from __future__ import annotations

from flask import flash
from wtforms import StringField
from wtforms.validators import ValidationError

from interact.core import captcha
from interact.core.errors import DomainError
from interact.extensions import db


class CaptchaField(StringField):
    """Answer to the image at ``/captcha.png``; checked (and consumed) on validation."""

    def __init__(self, label="验证码", **kwargs):
        kwargs.setdefault("render_kw", {"autocomplete": "off", "inputmode": "text", "maxlength": 8})
        super().__init__(label, **kwargs)

    def pre_validate(self, form):
        if not captcha.enabled():
            return
        if not captcha.verify(self.data):
            raise ValidationError("验证码不正确或已过期，请看新图片重新输入。")


def first_error(form) -> str | None:
    for errors in form.errors.values():
        if errors:
            return errors[0] if isinstance(errors[0], str) else str(errors[0])
    return None


def apply_field_errors(form, fields: dict[str, str]) -> None:
    """Show a service's field errors next to the matching form fields."""
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]


def perform(action, *, form=None):
    """Run one service call for a posted form at the transaction boundary.

    On success the session is committed and ``None`` returned; on a :class:`DomainError`
    the session is rolled back, the error's field messages are put on ``form`` and its
    message flashed, and the error is returned so the view can re-show the form with
    ``error.status_code``.
    """
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        if form is not None:
            apply_field_errors(form, error.fields)
        flash(error.message, "error")
        return error
    db.session.commit()
    return None
