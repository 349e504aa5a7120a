"""Public pages rendered once and reused, with HTTP caching headers a reverse proxy can use.

A view decorated with :func:`public_page` is rendered for the first anonymous visitor and
the bytes are reused (per process) for the next ones, until

* the ``public`` version stamp moves (``core.settings``): any committed change to a model a
  feature registered with :func:`watch` bumps it in the same transaction, this process sees
  it at once and other workers within :data:`CHECK_SECONDS`;
* or the entry is older than ``PUBLIC_PAGE_CACHE_SECONDS`` (pages that follow the clock,
  such as a collection closing or the statistics of "this month").

Only what is the same for every anonymous visitor is ever stored or marked public:

* the request is a GET/HEAD without a session (no log-in, no flashed message, no letter
  unlocked with its query code, no CSRF token) — anything else renders as before;
* the response is a 200 that left the session empty (rendering no CSRF form token and no
  flash) and sets no cookie;
* a page is stored per scheme and host as well as per path and query: the API's absolute
  URLs are built from the request's host, which a client chooses (``Host`` through nginx's
  ``X-Forwarded-Host``), so one client's host never reaches another's page.

Such a response gets ``Cache-Control: public, max-age=PUBLIC_PAGE_MAX_AGE``,
``Vary: Cookie`` and an ``ETag`` (a conditional request gets 304). Every other response is
untouched (``security`` marks logged-in pages ``no-store``).
"""
from __future__ import annotations

import hashlib
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Response, current_app, g, has_app_context, make_response, redirect, request, session
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy.orm import Session

from interact.core import sessions
from interact.core.settings import bump_version_during_flush, current_version
from interact.core.templating import (LARGE_TEXT_FIELD, address_without_tracking, is_tracking_param,
                                       switching_large_text)

VERSION_NAME = "public"
#: Seconds a process trusts the stamp before reading it again (one primary-key lookup).
CHECK_SECONDS = 2.0
#: What a remembered value (a total, a list of choices) counts for in the byte budget.
VALUE_BYTES = 512
#: The cookie that changes how every page renders (关怀版, large text).
_VARYING_COOKIES = ("large_text",)

def _page_number(value: str) -> str | None:
    """A ``page`` as the views read it (``type=int``, at least 1): its plain digits, or
    ``None`` when the view shows the first page anyway (``page=x``, ``page=0``)."""
    try:
        number = int(value)
    except ValueError:
        return None
    return str(number) if number >= 1 else None


#: How a listed parameter's value reads, when every view reads it alike: the value as the
#: view uses it, ``None`` when the view ignores it (see :func:`public_page`'s ``values``).
_VALUE_RULES: dict[str, Callable[[str], str | None]] = {"page": _page_number}


def _clean_address(params: frozenset[str], values: dict[str, Callable[[str], str | None]]) -> str | None:
    """This request's address as its view reads it, or ``None`` when it is that already:
    without the query parameters the view does not read (``params``, the 关怀版 switch and
    the tracking parameters are read or kept), without a second value of a parameter (the
    view reads the first), without a 关怀版 switch other than 0/1 and with each listed value
    as the view uses it (``values``; an empty value, as a GET form sends, is kept)."""
    pairs = list(request.args.items(multi=True))
    kept, seen = [], set()
    for key, value in pairs:
        if is_tracking_param(key):
            kept.append((key, value))
            continue
        if key in seen or not (key in params or key == LARGE_TEXT_FIELD):
            continue
        seen.add(key)
        if key == LARGE_TEXT_FIELD:
            value = value if value in ("0", "1") else None
        elif value:
            rule = values.get(key, _VALUE_RULES.get(key))
            value = rule(value) if rule is not None else value
        if value is not None:
            kept.append((key, value))
    if kept == pairs:
        return None
    return request.script_root + request.path + ("?" + urlencode(kept) if kept else "")


#: ``{model class: predicate(obj) -> True when this change is invisible to the public}``.
_watched: dict[type, Callable[[object], bool] | None] = {}


def watch(*models: type, unless: Callable[[object], bool] | None = None) -> None:
    """Changes to ``models`` invalidate the public pages (``unless(obj)`` says a change of
    that row is not visible to the public, e.g. a letter that is not published)."""
    for model in models:
        _watched[model] = unless


def only_changed(obj, names: set[str]) -> bool:
    """Whether ``obj`` is a persistent row whose changed attributes are all in ``names``."""
    state = sa.inspect(obj)
    if not state.persistent:
        return False
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return changed <= names


def _public_change(db_session: Session) -> bool:
    for obj in (*db_session.new, *db_session.dirty, *db_session.deleted):
        if type(obj) not in _watched:
            continue
        unless = _watched[type(obj)]
        if obj in db_session.deleted:
            return True
        if obj in db_session.dirty and not db_session.is_modified(obj):
            continue
        if unless is None or not unless(obj):
            return True
    return False


@sa.event.listens_for(Session, "before_flush")
def _bump_on_public_change(db_session: Session, _context, _instances) -> None:
    if db_session.info.get("public_bumped") or not _watched or not _public_change(db_session):
        return
    # The stamp changes in the same transaction as the data: committed together or not at all.
    bump_version_during_flush(db_session, VERSION_NAME)
    db_session.info["public_bumped"] = True


@sa.event.listens_for(Session, "after_commit")
def _after_commit(db_session: Session) -> None:
    if db_session.info.pop("public_bumped", False) and has_app_context():
        store = current_app.extensions.get("public_pages")
        if store is not None:
            store.mark_stale()


@sa.event.listens_for(Session, "after_rollback")
def _after_rollback(db_session: Session) -> None:
    db_session.info.pop("public_bumped", None)


@dataclass
class _Entry:
    body: Any
    mimetype: str
    etag: str
    version: str | None
    expires: float
    #: What a remembered value counts for in the byte budget (0: :data:`VALUE_BYTES`).
    weight: int = 0
    #: ``body`` is a rendered page compressed with zlib (level 1: 2–5 times smaller, expanded
    #: for each visit in microseconds), so the byte budget holds that many more pages.
    packed: bool = False

    def content(self) -> bytes:
        return zlib.decompress(self.body) if self.packed else self.body

    @property
    def size(self) -> int:
        return len(self.body) if isinstance(self.body, bytes) else (self.weight or VALUE_BYTES)


class PageStore:
    """One process's rendered public pages (thread-safe LRU of at most ``max_bytes``)."""

    def __init__(self, seconds: float, max_bytes: int = 32 * 1024 * 1024):
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._version: str | None = None
        self._checked_at = float("-inf")

    def mark_stale(self) -> None:
        self._checked_at = float("-inf")

    def version(self) -> str | None:
        now = time.monotonic()
        if now - self._checked_at >= CHECK_SECONDS:
            version = current_version(VERSION_NAME)
            with self._lock:
                if version != self._version:
                    self._entries.clear()
                    self._bytes = 0
                self._version = version
                self._checked_at = now
        return self._version

    def get(self, key: tuple, version: str | None) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.version != version or entry.expires <= time.monotonic():
                del self._entries[key]
                self._bytes -= entry.size
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: _Entry) -> None:
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= previous.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size


def _store() -> PageStore | None:
    seconds = float(current_app.config.get("PUBLIC_PAGE_CACHE_SECONDS") or 0)
    if seconds <= 0:
        return None
    store = current_app.extensions.get("public_pages")
    if store is None:
        megabytes = float(current_app.config.get("PUBLIC_PAGE_CACHE_MB", 32))
        store = current_app.extensions.setdefault("public_pages", PageStore(seconds, int(megabytes * 1024 * 1024)))
    return store


def remembering() -> bool:
    """Whether :func:`remember` keeps values (off: each call computes)."""
    return has_app_context() and _store() is not None


def remember(key: tuple, compute: Callable[[], object], weigh: Callable[[Any], int] | None = None):
    """A public figure (such as the total of a public list) reused like the pages: until a
    public change or ``PUBLIC_PAGE_CACHE_SECONDS``. Only for values that are the same for
    every visitor; computed each time when the cache is off or outside an application.
    ``weigh(value)``: its size in bytes for the store's budget (default :data:`VALUE_BYTES`)."""
    store = _store() if has_app_context() else None
    if store is None:
        return compute()
    version = store.version()
    key = ("value", *key)
    entry = store.get(key, version)
    if entry is None:
        value = compute()
        entry = _Entry(body=value, mimetype="", etag="", version=version, expires=time.monotonic() + store.seconds,
                       weight=weigh(value) if weigh is not None else 0)
        store.put(key, entry)
    return entry.body


def arguments_key(schema_cls: type, adjust: Callable[[dict], dict] | None = None) -> Callable[[], object]:
    """For :func:`public_page`'s ``key``: the query's arguments as ``schema_cls`` (the view's
    own arguments schema) loads them, parameters it does not know left out — so
    ``/api/v1/letters?zz=1`` or ``?per_page=20`` is the stored answer of
    ``/api/v1/letters`` instead of one more of its own (an API answers unknown parameters
    rather than redirecting). ``adjust(loaded)``: the values as the view uses them (such as
    a search's terms rather than its text). Arguments the schema refuses: ``None`` (the
    view answers its 422, never stored)."""
    schema = schema_cls()

    def key() -> object:
        try:
            loaded = schema.load(request.args.to_dict(), unknown=EXCLUDE)
        except ValidationError:
            return None
        if adjust is not None:
            loaded = adjust(loaded)
        return tuple(sorted((name, repr(value)) for name, value in loaded.items()))

    return key


def no_arguments() -> object:
    """For :func:`public_page`'s ``key``: a view that reads no query parameter (one stored
    answer whatever the query)."""
    return ()


def not_stored() -> None:
    """This request's answer is not to be stored (a view of :func:`public_page` that found
    its answer not worth keeping, such as an empty page past the last one: cheap to answer
    again, and one stored page per number asked for)."""
    g.public_page_not_stored = True


def _anonymous_request() -> bool:
    """A GET without any session state: the page is the same for every such visitor. The
    关怀版 button of a search box (``templating.switching_large_text``) is not: its answer
    remembers the visitor's choice in a cookie."""
    return (request.method in ("GET", "HEAD") and not session and not switching_large_text()
            and not sessions.out_of_reach())  # the page then offers a log-out (base.html)


def _shareable(response: Response) -> bool:
    return (response.status_code == 200 and not session and not session.modified
            and "Set-Cookie" not in response.headers and not response.is_streamed)


def _mark_public(response: Response, etag: str) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={int(current_app.config.get('PUBLIC_PAGE_MAX_AGE', 30))}"
    response.vary.add("Cookie")
    response.set_etag(etag)
    return response.make_conditional(request)


def public_page(view=None, *, served: Callable[..., None] | None = None, seconds: float | None = None,
                when: Callable[[], bool] | None = None, vary: Callable[[], object] | None = None,
                params: tuple[str, ...] | None = None,
                values: dict[str, Callable[[str], str | None]] | None = None,
                key: Callable[[], object] | None = None):
    """Serve this public view from the page store to anonymous visitors (see the module).

    ``served(**view_args)``: called for every 200 the view answers, whether rendered or
    taken from the store (what a page view counts, such as an FAQ entry's hits); the view
    itself runs only when the page is rendered. ``seconds``: how long a stored page is
    reused at most, for a page that shows nothing depending on the clock (default
    ``PUBLIC_PAGE_CACHE_SECONDS``); a public change renews it in any case. ``when()``: only
    requests for which it is true are served from the store (e.g. the FAQ answer's
    suggestions while typing, which are neither logged nor counted); others run the view.
    ``vary()``: what the page depends on besides its address and the public stamp (part of
    the key, e.g. the generation of the FAQ engine that scored it). ``params``: every query
    parameter the view (and its template) reads; a GET with any other one (``?zz=1``, junk
    that would make a new page in the store per value, attack M4) is sent to the address
    without it (301), which the store then serves — the tracking parameters above are kept,
    and stored under the address without them. The same 301 takes a listed parameter to the
    value the view uses (``values[name](value)``: that value, ``None`` when the view ignores
    it; ``page`` is read as a number everywhere), so ``?page=x1``, ``?page=x2``… are one
    stored page, not one each (review 1, F2). ``key()``: what the answer depends on in the
    query, stored under that instead of the address (:func:`arguments_key`, for the API);
    ``None``: not served from the store. A view calls :func:`not_stored` for an answer not
    to keep."""
    if view is None:
        return lambda real_view: public_page(real_view, served=served, seconds=seconds, when=when, vary=vary,
                                             params=params, values=values, key=key)
    known = frozenset(params) if params is not None else None
    rules = dict(values or {})

    def counted(response: Response, kwargs: dict) -> Response:
        if served is not None and response.status_code == 200:
            served(**kwargs)
        return response

    @wraps(view)
    def wrapper(*args, **kwargs):
        if known is not None and request.method in ("GET", "HEAD"):
            clean = _clean_address(known, rules)
            if clean is not None:
                return redirect(clean, code=301)
        store = _store()
        if store is None or not _anonymous_request() or (when is not None and not when()):
            return counted(make_response(view(*args, **kwargs)), kwargs)
        # The scheme and host are part of the key: a page may hold absolute URLs built from
        # them (the API's "url"), and behind nginx the host is whatever the client sent.
        if key is None:
            address = address_without_tracking()
        else:
            address = key()
            if address is None:
                return counted(make_response(view(*args, **kwargs)), kwargs)
            address = (request.path, address)
        stored_key = (request.host_url, address, *(request.cookies.get(name) for name in _VARYING_COOKIES),
                      vary() if vary is not None else None)
        version = store.version()
        entry = store.get(stored_key, version)
        if entry is None:
            response = counted(make_response(view(*args, **kwargs)), kwargs)
            if not _shareable(response):
                return response
            if g.pop("public_page_not_stored", False):
                return _mark_public(response, hashlib.sha1(response.get_data()).hexdigest()[:20])
            body = response.get_data()
            entry = _Entry(body=zlib.compress(body, 1), mimetype=response.mimetype,
                           etag=hashlib.sha1(body).hexdigest()[:20], version=version,
                           expires=time.monotonic() + (seconds or store.seconds), packed=True)
            store.put(stored_key, entry)
            return _mark_public(response, entry.etag)
        response = counted(current_app.response_class(entry.content(), mimetype=entry.mimetype), kwargs)
        return _mark_public(response, entry.etag)

    return wrapper
