"""Site-wide pages: home, captcha image, display preferences, public files, health check."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, make_response, redirect, render_template, request, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from interact.core import captcha, shared, uploads
from interact.core.pagecache import public_page
from interact.core.templating import LARGE_TEXT_COOKIE
from interact.extensions import csrf, db

bp = Blueprint("site", __name__)

#: Home-page sections contributed by feature modules: callables returning
#: ``(template_name, context)`` rendered in order below the entries.
home_sections: list = []


@bp.get("/")
@public_page
def home():
    sections = []
    for contribute in home_sections:
        section = contribute()
        if section is not None:
            sections.append(section)
    return render_template("site/home.html", sections=sections)


@bp.get("/captcha.png")
def captcha_image():
    response = make_response(captcha.new_challenge())
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "no-store"
    test_answer = g.pop("captcha_test_answer", None)
    if test_answer is not None:  # only on an app built by the browser tests
        response.headers[captcha.TEST_ANSWER_HEADER] = test_answer
    return response


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after a POST (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.post("/preferences/large-text")
@csrf.exempt
def toggle_large_text():
    """关怀版 on/off: a display cookie only (nothing of the visitor's changes), so the form on
    every page carries no CSRF token and public pages stay the same for every visitor."""
    enable = request.form.get("enable") == "1"
    response = redirect(safe_next(request.form.get("next"), url_for("site.home")))
    if enable:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=bool(current_app.config["SESSION_COOKIE_SECURE"]))
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE)
    return response


@bp.get("/files/<key>")
def public_file(key: str):
    stored = uploads.get_by_key(key)
    if stored is None or not stored.public:
        abort(404)
    inline = stored.content_type.startswith(("image/", "video/")) or stored.content_type == "application/pdf"
    # ETag and Range requests (video seeking) in every store.
    return uploads.serve(stored, as_attachment=not inline, max_age=3600)


@bp.get("/healthz")
def health():
    """Liveness: the process answers (touches nothing else, so a database outage does not
    make a supervisor restart every worker)."""
    return {"status": "ok"}


@bp.get("/readyz")
def ready():
    """Readiness: the database and, when configured, Redis answer (503 otherwise), for a
    load balancer deciding whether to send traffic to this machine."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unreachable"
    redis_ok = shared.ping()
    if redis_ok is not None:
        checks["redis"] = "ok" if redis_ok else "unreachable"
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return body, 200 if ready else 503, {"Cache-Control": "no-store"}
