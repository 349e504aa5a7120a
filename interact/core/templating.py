"""Template filters and globals shared by every page."""
from __future__ import annotations

import functools
import re
from datetime import date, datetime
from urllib.parse import urlencode

import jinja2
from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from interact.core import audit, clock, datetext, periods, sessions
from interact.core.permissions import can_act_for_department, has_role
from interact.core.privacy import mask_html, mask_name, mask_text
from interact.core.sanitize import safe_html, text_to_html

LARGE_TEXT_COOKIE = "large_text"

# Parameters that share buttons and campaigns add to a page's address and no public view
# reads (WeChat adds ``from=singlemessage&isappinstalled=0`` to every shared link; ``utm_*``).
# The page store leaves them out of its key, so a shared link is served from the store like
# the page itself (attack M4); a page's own links leave them out too, or the first visitor's
# campaign text would be stored into the page every later visitor gets (attack P7).
TRACKING_PARAMS = frozenset({"from", "isappinstalled", "scene", "clicktime", "enterid", "wxfrom",
                             "nsukey", "spm", "fbclid", "gclid"})
TRACKING_PREFIXES = ("utm_",)


def is_tracking_param(name: str) -> bool:
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def address_without_tracking() -> str:
    """This request's ``full_path`` without tracking parameters: the address a public page
    is stored under and the one its links come back to."""
    pairs = list(request.args.items(multi=True))
    kept = [(k, v) for k, v in pairs if not is_tracking_param(k)]
    if len(kept) == len(pairs):
        return request.full_path
    return request.path + "?" + urlencode(kept)

#: The name of the 关怀版（大字） button of a form page (``base.html``). Without JavaScript it
#: submits the page's form with ``large_text=1``/``0``: the view shows the same form again
#: with what was typed (nothing checked or stored) and the switch is remembered. A search
#: box (a GET form: the intelligent-answer box) is submitted to the page itself, with the
#: switch among its query arguments.
LARGE_TEXT_FIELD = "large_text"


def large_text_switch() -> bool | None:
    """The 关怀版 button of a form pressed in this request: ``True`` (large text) or
    ``False`` (standard), ``None`` when the request is the form's own submit or no form."""
    if request.method == "POST":
        # Only a form's body can carry the button (a JSON body is not parsed as a form).
        if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        value = request.form.get(LARGE_TEXT_FIELD)
    elif request.method in ("GET", "HEAD"):
        value = request.args.get(LARGE_TEXT_FIELD)
    else:
        return None
    return {"1": True, "0": False}.get(value or "")


def switching_large_text() -> bool:
    """Whether this request is the 关怀版 button of a form rather than the form's own submit:
    the view then re-shows the form with the values sent, without checking or storing."""
    return large_text_switch() is not None


def large_text_on() -> bool:
    """Whether this page is shown in large text: the switch just pressed, else the cookie."""
    switched = g.get("large_text_switched")
    return switched if switched is not None else request.cookies.get(LARGE_TEXT_COOKIE) == "1"

#: Extra header counters (e.g. unread notifications) contributed by feature modules:
#: callables taking the user and returning a dict merged into the template context.
context_contributors: list = []


def localdt(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return clock.to_local(value).strftime(fmt)


def localdate(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.to_local(value).date()
    return value.strftime("%Y-%m-%d")


#: A date, or a date with its time, as the application writes them in sentences.
_DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?")


def whole_dates(text: str | None) -> Markup:
    """Plain text, escaped, with each date in it (2026-12-04, 2026-12-04 09:30) in a
    ``<time>``, which never breaks across lines (``site.css``): a note such as
    "答复期限：2026-12-04。" must not end a line with "2026-" on a phone."""
    return Markup(_DATE_IN_TEXT.sub(lambda m: f"<time>{m.group(0)}</time>", str(escape(text or ""))))


#: Most addresses :func:`fixed_url` keeps per application (beyond: built as usual).
FIXED_URLS_MAX = 1024


def fixed_url(endpoint: str, **values) -> str:
    """``url_for`` for the templates: the address of a page without arguments or of a
    static file (the header's and footer's links, the style sheets: ~15 per page) is the
    same for every request under one script root, so each is built once per process and
    application instead of walking the URL map for every page rendered. Anything else
    (arguments, ``_external``, an endpoint relative to the blueprint, outside a request)
    is built by Flask's ``url_for`` as before."""
    fixed = not values or (endpoint == "static" and values.keys() == {"filename"})
    if not fixed or endpoint.startswith(".") or not has_request_context():
        return url_for(endpoint, **values)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    urls = app.extensions.get("fixed_urls")
    if urls is None:
        urls = app.extensions.setdefault("fixed_urls", {})
    key = (request.environ.get("SCRIPT_NAME", ""), endpoint, values.get("filename"))
    url = urls.get(key)
    if url is None:
        url = url_for(endpoint, **values)  # BuildError (a part not installed): not kept
        if len(urls) < FIXED_URLS_MAX:
            urls[key] = url
    return url


def nav_url(endpoint: str, **values) -> str | None:
    """URL for an endpoint, or ``None`` when that part of the site is not installed."""
    try:
        return fixed_url(endpoint, **values)
    except BuildError:
        return None


def staff_nav_url(endpoint: str, **values) -> str | None:
    """URL of a staff page for the menu (or a link on a staff page), or ``None`` when the
    current user may not open it: the roles and the department scope come from the view
    itself (``roles_required`` records them), so the link and the permission check cannot
    disagree."""
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return None
    roles = getattr(view, "required_roles", None)
    if roles is not None and not (current_user.is_authenticated and current_user.is_staff
                                  and has_role(current_user, *roles)):
        return None
    department = getattr(view, "required_department", None)
    if department is not None and values and not can_act_for_department(current_user, department(**values)):
        return None
    return nav_url(endpoint, **values)


#: URL arguments that say where a page starts (keyset pagination): never carried over to
#: another page's link, which gets its own.
CURSOR_ARGS = ("after", "before")


def page_url(page: int, **cursor) -> str:
    """The current page's URL with another ``page`` argument (filters kept, tracking
    parameters not: attack P7), and the ``cursor`` of that page when the list gives one
    (``after=…`` / ``before=…``)."""
    args = {key: value for key, value in request.args.items() if key not in CURSOR_ARGS and not is_tracking_param(key)}
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args, **cursor)


#: How many months a month selector offers (the current one and those before it).
MONTH_CHOICES = 36


def month_choices(selected: str | None = None) -> list[tuple[str, str]]:
    """``(YYYY-MM, "2026年11月")`` for a month selector, newest first; ``selected`` is kept
    when it is older (a link to an old month). A browser's own month picker speaks the
    browser's language (``November 2026``); this one is always Chinese."""
    choices = list(_recent_months(periods.current_month()))
    if selected and periods.valid_month(selected) and all(selected != month for month, _label in choices):
        choices.append((selected, periods.month_label(selected)))
    return choices


@functools.lru_cache(maxsize=4)
def _recent_months(current: str) -> tuple[tuple[str, str], ...]:
    """The choices up to ``current``, made once per month and process (every list and
    search page of 来信选登 shows them: 36 months shifted and labelled per page before)."""
    return tuple((month, periods.month_label(month))
                 for month in reversed(periods.months_ending(current, MONTH_CHOICES)))


class SharedTemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept for every application of the process (Jinja's bytecode
    cache, in memory): gunicorn's master compiles every template once (:func:`precompile`)
    and each worker, forked from it, starts with them, instead of parsing and compiling a
    page's templates on its first request of that page (``/letters/stats`` cold at
    1,000,000 letters: ~60 % of its CPU went to compiling four templates). A template
    whose source changed since (its checksum) is compiled again, as Jinja's own caches do.
    Kept apart per environment setting that changes the compiled code."""

    def __init__(self) -> None:
        self._code: dict[tuple, tuple[str, object]] = {}

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> tuple:
        env = bucket.environment
        autoescape = getattr(env.autoescape, "__qualname__", env.autoescape)
        return (bucket.key, env.block_start_string, env.block_end_string, env.variable_start_string,
                env.variable_end_string, env.comment_start_string, env.comment_end_string,
                env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                env.newline_sequence, env.keep_trailing_newline, tuple(sorted(env.extensions)), env.optimized,
                env.is_async, autoescape, env.finalize is not None)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self._code.get(self._key(bucket))
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[self._key(bucket)] = (bucket.checksum, bucket.code)

    def __len__(self) -> int:
        return len(self._code)


#: One per process: gunicorn's workers inherit what the master compiled.
TEMPLATE_CODE = SharedTemplateCode()


def precompile(app: Flask) -> int:
    """Compile every template of ``app`` into :data:`TEMPLATE_CODE` (gunicorn's master,
    before it forks the workers); returns how many."""
    compiled = 0
    for name in app.jinja_env.list_templates():
        try:
            app.jinja_env.get_template(name)
        except jinja2.TemplateError:  # compiled (and reported) when a page uses it
            continue
        compiled += 1
    return compiled


def register(app: Flask) -> None:
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        localdt=localdt,
        localdate=localdate,
        whole_dates=whole_dates,
        safe_html=safe_html,
        text_html=text_to_html,
        mask_name=mask_name,
        # Public pages: citizen text and staff answers with phone, ID, card numbers and
        # e-mail addresses hidden.
        mask_text=mask_text,
        mask_answer=mask_html,
        action_label=audit.action_label,
        target_label=audit.target_label,
    )
    app.jinja_env.globals.update(session_out_of_reach=sessions.out_of_reach)
    app.jinja_env.globals.update(url_for=fixed_url, page_address=address_without_tracking, nav_url=nav_url, staff_nav_url=staff_nav_url, page_url=page_url,
                                 month_choices=month_choices,
                                 date_hint=datetext.example_html(datetext.DATE_EXAMPLE))
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_context():
        context = {
            "site_name": current_app.config["SITE_NAME"],
            "city_name": current_app.config["CITY_NAME"],
            "large_text": large_text_on(),
            "now_local": clock.local_now(),
        }
        if current_user.is_authenticated and current_user.is_staff:
            for contribute in context_contributors:
                context.update(contribute(current_user))
        return context
