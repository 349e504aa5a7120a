"""Form pieces shared by several modules."""
from __future__ import annotations

from wtforms import StringField
from wtforms.validators import ValidationError

from interact.core import captcha


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
