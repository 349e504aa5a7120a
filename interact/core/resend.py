"""A form sent from a page whose CSRF token no longer holds is not lost.

A form's token lasts ``WTF_CSRF_TIME_LIMIT`` (8 hours): a letter written slowly in a tab
left open, an answer drafted in a clerk's tab opened in the morning, comes back refused
once that is over — and so does a form of a session that ended or was renewed meanwhile
(its token belongs to the old one). Instead of an error page that loses what was typed,
the visitor gets a page that says why, in Chinese, and carries what was typed in hidden
fields with a new token: one click on 继续提交 sends it again, to the same address, where
the view checks it as usual (a refusal there shows the form with the text in it).

Only for a page of this very site, by what the browser says (:func:`security.sent_from_this_site`):
the page offers to send whatever was posted, so a post from another site (the attack the
token is there for) gets the plain error. Never sent back: the CSRF token, passwords and
captcha answers (:func:`secret_names`); files cannot be (the page says so).
"""
from __future__ import annotations

from flask import current_app, g, render_template, request
from wtforms import PasswordField
from wtforms.fields.core import UnboundField

from interact.core import security

CHANGED = "打开这个页面之后，您的登录状态或会话有了变化（退出了登录，或长时间没有操作），提交前需要再确认一次。"
#: The reasons Flask-WTF gives for a token that was this session's page's once, and what
#: the visitor is told about each (``{hours}``: the token's lifetime).
REASONS = {
    "The CSRF token has expired.": "这个页面打开已超过 {hours} 小时，为了保护您的信息安全，提交前需要再确认一次。",
    "The CSRF session token is missing.": CHANGED,
    "The CSRF tokens do not match.": CHANGED,
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def secret_names() -> set[str]:
    """Names of the fields never sent back in a page: the CSRF token and every password or
    captcha field of the application's forms."""
    from interact.core.forms import CaptchaField, Form

    names = {"csrf_token"}
    pending = list(Form.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        names.update(name for name, value in vars(form_class).items()
                     if isinstance(value, UnboundField) and issubclass(value.field_class, (PasswordField, CaptchaField)))
    return names


def _a_page_of_this_site_sent_a_form() -> bool:
    """A browser submitted a form of one of our pages (not a script's request, not a page
    of another site)."""
    return (request.mimetype in FORM_TYPES
            and request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
            and "X-CSRFToken" not in request.headers
            and security.sent_from_this_site())


def page(error):
    """The page that sends a refused form again, or ``None`` when this refusal is not one
    it may offer (see the module docstring)."""
    reason = REASONS.get(getattr(error, "description", ""))
    if reason is None or request.path.startswith("/api/") or not _a_page_of_this_site_sent_a_form():
        return None
    secret = secret_names()
    fields = [(name, value) for name, values in request.form.lists() if name not in secret for value in values]
    left_out = any(name in secret for name in request.form if name != "csrf_token")
    files = any(storage.filename for storage in request.files.values())
    hours = round((current_app.config.get("WTF_CSRF_TIME_LIMIT") or 0) / 3600)
    setattr(g, security.PERSONAL_PAGE, True)  # what the visitor typed: kept by no cache
    return render_template("errors/resend.html", message=reason.format(hours=hours), fields=fields,
                           action=request.full_path.rstrip("?"), files=files, left_out=left_out), 400
