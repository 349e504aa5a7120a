"""Security headers and the staff idle timeout."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask import Request as FlaskRequest
from flask_login import current_user, logout_user

from interact.core import sessions

class Request(FlaskRequest):
    """The application's request: only a file upload (``multipart/form-data``) may be as large
    as ``MAX_CONTENT_LENGTH``. Any other body — a form without files, JSON — is read and
    parsed in one piece (werkzeug's urlencoded parser applies no limit of its own), so it is
    held to ``MAX_BODY_WITHOUT_FILES`` and refused with 413 before it is read (attack Q5: an
    anonymous 16 MB form posted to /letters/new or a staff upload address, which nginx lets
    through for their files, cost ~50 s of CPU and 700 MB; 210 MB on the video address would
    have cost gigabytes). The CSRF check reads the form before any log-in check, so the size
    is what protects the staff addresses from strangers too."""

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self.mimetype == "multipart/form-data":
            return limit
        small = current_app.config.get("MAX_BODY_WITHOUT_FILES")
        if small is None:
            return limit
        return small if limit is None else min(limit, small)


#: Set on ``flask.g`` by a view whose page shows what a visitor typed (their name, their
#: phone): the answer is then ``no-store`` even for a visitor who is not logged in.
PERSONAL_PAGE = "personal_page"

#: Session key of a staff form posted just after the idle log-out: kept for the same user
#: to send again once logged in (``accounts.views.unsent_post``), never for another one.
UNSENT_POST_KEY = "unsent_post"
IDLE_MESSAGE = "您已长时间未操作，为保障安全已自动退出"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: Set on every response that does not set its own.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
_SECURITY_NAMES = frozenset(name.lower() for name, _value in SECURITY_HEADERS)


def from_this_site() -> bool:
    """Whether a form post comes from a page of this site, by what browsers say about it.

    The guard of the few anonymous forms that carry no session-bound CSRF token (so that
    the page holding them can be served to everybody from the page cache; see
    ``docs/performance.md``). A browser sends ``Sec-Fetch-Site`` with every request
    (same-origin / same-site / cross-site / none) and ``Origin`` with every cross-origin
    POST; a page elsewhere cannot forge either. So: trust ``Sec-Fetch-Site`` when present
    (only ``same-origin``, or ``none`` for what the user did themselves), else refuse an
    ``Origin`` of another host; a request with neither header is not a browser's cross-site
    request (curl, a script, a very old browser) — such a client can send the form from
    anywhere anyway, which is why only forms whose post gives nobody anything of another
    person's (an anonymous vote) may rely on this instead of the token.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.host


def sent_from_this_site() -> bool:
    """Whether the browser says this request comes from a page of this site: stricter than
    :func:`from_this_site`, a request that says nothing about where it comes from does not
    pass. ``Sec-Fetch-Site: same-origin``; from a browser without it, an ``Origin`` of this
    host; from one that sends neither, a ``Referer`` of this host."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    sender = request.headers.get("Origin") or request.headers.get("Referer")
    return sender is not None and urlsplit(sender).netloc == request.host


def register(app: Flask) -> None:
    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        # One pass over the response's headers, not one scan per header set (``setdefault``
        # lower-cases every header name each time: ~0.1 ms of every request).
        present = {name.lower() for name, _value in headers.items()}
        if present.isdisjoint(_SECURITY_NAMES):
            headers.extend(SECURITY_HEADERS)
        else:
            headers.extend([(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if (current_user.is_authenticated or g.get(PERSONAL_PAGE)) and "Cache-Control" not in headers:
            # Pages with personal data or staff work must not stay in shared caches.
            headers["Cache-Control"] = "no-store"
        return response

    @app.before_request
    def expire_idle_staff_sessions():
        if request.endpoint in sessions.FILE_ENDPOINTS or not current_user.is_authenticated or not current_user.is_staff:
            return None
        now = time.time()
        idle_limit = app.config["STAFF_IDLE_MINUTES"] * 60
        last_seen = session.get("_seen")
        if last_seen is not None and now - last_seen > idle_limit:
            user_id = current_user.get_id()
            logout_user()
            session.pop("_seen", None)
            if request.path.startswith("/api/"):
                flash(f"{IDLE_MESSAGE}，请重新登录。", "info")
                return None
            if request.method == "POST" and request.endpoint != "accounts.logout":
                # A page open longer than the limit without JavaScript (nothing told the server
                # the clerk was typing): what it sent is kept for this user to send again.
                _keep_unsent_post(user_id)
                flash(f"{IDLE_MESSAGE}。刚才提交的内容尚未保存，已为您保留：请重新登录后确认提交。", "info")
                return redirect(url_for("accounts.login", next=url_for("accounts.unsent_post")))
            flash(f"{IDLE_MESSAGE}，请重新登录。", "info")
            return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
        session["_seen"] = now
        if request.method == "POST":
            unsent = session.get(UNSENT_POST_KEY)
            if unsent and unsent["action"] == _action():  # sent again (or anew): kept no longer
                session.pop(UNSENT_POST_KEY)
        return None


def _action() -> str:
    return request.full_path.removesuffix("?")


def _keep_unsent_post(user_id: str | None) -> None:
    """Keep a staff form that arrived after the idle log-out: where it was sent and its
    fields, never its CSRF token, a password (whatever its field is called: the new
    password's confirmation is ``confirm``) or a captcha answer; files cannot be kept (only
    said)."""
    from interact.core.resend import secret_names  # (resend imports this module)

    secret = secret_names()
    session[UNSENT_POST_KEY] = {
        "user": user_id,
        "action": _action(),
        "fields": [(name, value) for name, values in request.form.lists()
                   if name not in secret and "password" not in name for value in values],
        "files": any(file.filename for file in request.files.values()),
    }
