"""Site-wide pages: home, captcha image, display preferences, public files, health check."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from interact.core import captcha, shared, uploads
from interact.core.pagecache import public_page
from interact.core.templating import LARGE_TEXT_COOKIE, large_text_switch, switching_large_text
from interact.extensions import db

bp = Blueprint("site", __name__)

#: Home-page sections contributed by feature modules: callables returning
#: ``(template_name, context)`` rendered in order below the entries.
home_sections: list = []


@bp.get("/")
# The box's text is read only with the 关怀版 button (a page that is never stored): any other
# ``?q=`` is sent to the page itself.
@public_page(params=("q",), values={"q": lambda value: value if switching_large_text() else None})
def home():
    sections = []
    for contribute in home_sections:
        section = contribute()
        if section is not None:
            sections.append(section)
    # 关怀版 pressed without JavaScript with a question typed in the box: it stays there.
    question = request.args.get("q", "")[:200] if switching_large_text() else ""
    return render_template("site/home.html", sections=sections, question=question)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask every site for /favicon.ico; answer with the site's icon, not a 404."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


@bp.get("/captcha.png")
def captcha_image():
    slot = request.args.get("slot", "")
    if not captcha.SLOT_PATTERN.fullmatch(slot):
        abort(404)
    response = make_response(captcha.new_challenge(slot))
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "no-store"
    test_answer = g.pop("captcha_test_answer", None)
    if test_answer is not None:  # only on an app built by the browser tests
        response.headers[captcha.TEST_ANSWER_HEADER] = test_answer
    return response


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed (no open redirect). Browsers drop tabs and
    line breaks from a URL and read ``\\`` as ``/``, so ``/\t/evil.example`` would leave the
    site: any control character, whitespace or backslash refuses the target."""
    if not target:
        return default
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.get("/preferences/large-text")
def toggle_large_text():
    """关怀版 on/off: a plain link that sets a display cookie only and goes back to the page
    (a safe local path). Nothing of the visitor's account changes, so it needs no form or
    CSRF token, and the public pages that show the link stay the same for every visitor."""
    response = redirect(safe_next(request.args.get("next"), url_for("site.home")), code=303)
    response.headers["Cache-Control"] = "no-store"
    return _remember_large_text(response, request.args.get("on") == "1")


def _remember_large_text(response, enable: bool):
    if enable:
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=bool(current_app.config["SESSION_COOKIE_SECURE"]))
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE)
    return response


@bp.before_app_request
def _large_text_button():
    """关怀版 pressed on a form page without JavaScript (the button submits the page's form):
    this response already shows large (or standard) text and remembers the choice; the form's
    view re-shows the form with what was typed (``templating.switching_large_text``)."""
    enable = large_text_switch()
    if enable is None:
        return
    g.large_text_switched = enable
    after_this_request(lambda response: _remember_large_text(response, enable))


@bp.get("/files/<key>")
def public_file(key: str):
    stored = uploads.get_by_key(key)
    if stored is None or not stored.public:
        abort(404)
    inline = stored.content_type.startswith(("image/", "video/")) or stored.content_type == "application/pdf"
    # ETag and Range requests (video seeking) in every store.
    return uploads.serve(stored, as_attachment=not inline, max_age=3600, download_name=stored.public_name)


@bp.get("/healthz")
def health():
    """Liveness: the process answers (touches nothing else, so a database outage does not
    make a supervisor restart every worker)."""
    return {"status": "ok"}


@bp.get("/readyz")
def ready():
    """Readiness: the database answers (503 otherwise), for a load balancer deciding whether
    to send traffic to this machine. Redis, when configured, is reported but does not make a
    machine unready: every machine shares it, and without it the site still works (sessions
    and claims in the database meanwhile, ``shared.RedisSessionStore``) — a 503 would take
    every machine out of the load balancer at once."""
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
    ready = checks["database"] == "ok"
    status = "unavailable" if not ready else "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    body = {"status": status, "checks": checks}
    return body, 200 if ready else 503, {"Cache-Control": "no-store"}
