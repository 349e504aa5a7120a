"""Server-side sessions: the cookie carries only a random id, the data lives in a store.

Logging out deletes the session's record, so a copied cookie opens nothing afterwards; a
password change, a password reset and deactivating an account delete every record of that
user (:func:`end_user_sessions`). The captcha answer and the FAQ votes of a visitor live in
the session too, so replaying an older cookie cannot bring back a consumed captcha or
count a vote again.

One setting chooses the store: ``SESSION_STORE`` names an entry of :data:`STORES`
(``"database"``: the ``web_sessions`` table). Another store (e.g. Redis) is a class with the
five methods of :class:`SessionStore`, registered with :func:`register_store`.

The id is 256 random bits; the store is keyed by its SHA-256, so reading the table does
not give anybody a usable cookie. An unknown or expired id is never adopted: the visitor
gets a new id (no session fixation). Sessions that hold nothing are not stored.

A visitor who only reads a page with a form (the letter form, the look-up, log-in) gets a
CSRF token and maybe a captcha, and nothing else, in the session: such a session
(:data:`COOKIE_KEYS` only, never stored before) travels in the cookie itself, signed with
the application's secret and expiring like a stored one, instead of a record per visitor
(a crawler fetching ``/letters/new`` wrote a row per request). It carries its id too: the
first request that puts anything else in it (a form posted: the receipt, a vote, a log-in)
stores it under an id derived from that one and from the request with the secret
(:func:`promoted_sid`): copies of one submission sent at once share the id (the query code
of a double click, ``letters.views._query_code``) and store one record, and whoever read the
cookie (signed, not encrypted) cannot use what the next visitor of that browser stores —
not with the id, and not by sending another request (a vote) with the copied cookie while
that visitor's letter is being sent. A stored session
that gains access to a letter is promoted the same way (:func:`promote`). The captcha's
answer is an HMAC under the secret (nothing to read in the cookie), and its challenge is
still claimed once in the store when checked, so a replayed cookie does not answer twice.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol

import sqlalchemy as sa
from flask import Flask, Request, Response, current_app, has_request_context, request, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict

from interact.core import clock
from interact.core.upsert import dialect_insert
from interact.core.jobs import Job
from interact.core.models import WebSession
from interact.extensions import db

_SID = re.compile(r"^[A-Za-z0-9_-]{43}$")


class StoreUnavailable(Exception):
    """The store cannot answer now (Redis unreachable): a session it holds is neither
    readable nor deletable meanwhile."""


class SessionStore(Protocol):
    """Where session data lives. Keys are SHA-256 hex digests of the cookie's id."""

    def load(self, key: str) -> tuple[str, datetime] | None:
        """The serialised data and expiry of a live session, or ``None``."""

    def save(self, key: str, data: str, expires_at: datetime, user_id: int | None) -> None:
        """Create or replace a session."""

    def replace(self, key: str, data: str, expires_at: datetime, user_id: int | None) -> bool:
        """Replace a live session's record in one atomic step; ``False`` (and nothing
        written) when there is none: a session ended meanwhile stays ended."""

    def delete(self, key: str) -> None:
        """End one session."""

    def add(self, key: str, data: str, expires_at: datetime) -> bool:
        """Create a record only if no live one exists, in one atomic step; ``True`` when
        this call created it. Of requests racing with the same key exactly one wins."""

    def delete_user(self, user_id: int) -> None:
        """End every session of a user (inside the caller's transaction where there is one)."""

    def purge_expired(self) -> int:
        """Remove expired sessions; returns how many."""


class DatabaseStore:
    """Sessions in the ``web_sessions`` table, through ``db.session``.

    A session is saved after the view, which has committed its work by then (views commit
    at their boundary; error handlers roll back), so saving commits only the session's row.
    :meth:`delete_user` runs inside the caller's transaction and commits with the password
    change or deactivation that caused it. In a request that called
    :func:`commit_with_session`, claims (:meth:`add`, :meth:`delete`) join the request's
    transaction, and the session's record commits it.
    """

    #: Writes go through ``db.session``, so they can share the request's transaction.
    in_database = True

    def load(self, key: str) -> tuple[str, datetime] | None:
        row = db.session.execute(
            sa.select(WebSession.data, WebSession.expires_at).where(WebSession.key == key)
        ).first()
        if row is None or row.expires_at <= clock.now():
            return None
        return row.data, row.expires_at

    def save(self, key: str, data: str, expires_at: datetime, user_id: int | None) -> None:
        updated = db.session.execute(
            sa.update(WebSession).where(WebSession.key == key)
            .values(data=data, expires_at=expires_at, user_id=user_id)
        ).rowcount
        if not updated:
            db.session.execute(sa.insert(WebSession).values(key=key, data=data, expires_at=expires_at,
                                                            user_id=user_id))
        db.session.commit()

    def replace(self, key: str, data: str, expires_at: datetime, user_id: int | None) -> bool:
        # One UPDATE: a row deleted by a log-out committed before it is not there to update
        # (and one being deleted is waited for, then found gone).
        updated = db.session.execute(
            sa.update(WebSession).where(WebSession.key == key, WebSession.expires_at > clock.now())
            .values(data=data, expires_at=expires_at, user_id=user_id)
        ).rowcount
        db.session.commit()
        return bool(updated)

    def delete(self, key: str) -> None:
        db.session.execute(sa.delete(WebSession).where(WebSession.key == key))
        _commit_unless_joined()

    def add(self, key: str, data: str, expires_at: datetime) -> bool:
        # One statement decides: an INSERT that does nothing when a live row has the key
        # (an expired one is taken over). The database serialises the racing statements.
        now = clock.now()
        statement = dialect_insert(WebSession).values(key=key, data=data, expires_at=expires_at, user_id=None)
        statement = statement.on_conflict_do_update(
            index_elements=[WebSession.key],
            set_={"data": data, "expires_at": expires_at, "user_id": None},
            where=WebSession.expires_at <= now,
        )
        # RETURNING gives a row only when this statement created (or took over) the row.
        created = db.session.connection().execute(statement.returning(WebSession.key)).first() is not None
        _commit_unless_joined()
        return created

    def delete_user(self, user_id: int) -> None:
        db.session.execute(sa.delete(WebSession).where(WebSession.user_id == user_id))

    def purge_expired(self) -> int:
        result = db.session.execute(sa.delete(WebSession).where(WebSession.expires_at < clock.now()))
        return result.rowcount or 0


def _commit_unless_joined() -> None:
    """Commit a claim's write, unless this request writes its work, its claims and its
    session's record in one transaction (:func:`commit_with_session`)."""
    if not (has_request_context() and getattr(session, "commit_with_record", False)):
        db.session.commit()


#: Session stores by the name ``SESSION_STORE`` gives.
STORES: dict[str, Callable[[Flask], SessionStore]] = {"database": lambda app: DatabaseStore()}


def register_store(name: str, factory: Callable[[Flask], SessionStore]) -> None:
    """Make another store available under ``SESSION_STORE = name``."""
    STORES[name] = factory


#: Requests that are files, not pages: they neither change the session nor renew it. The
#: browser fetches /favicon.ico by itself after a page has loaded, so a session touched by
#: it would end or renew without the person doing anything (a clerk past the idle time was
#: logged out by the icon, and the answer they then sent was lost, not kept).
FILE_ENDPOINTS = frozenset({"static", "site.favicon"})


#: What a session may hold while it travels in the signed cookie instead of the store:
#: Flask-WTF's CSRF token, the captcha's challenge (``core.captcha``) and Flask-Login's
#: freshness mark for a visitor who is not logged in.
COOKIE_KEYS = frozenset({"csrf_token", "_captcha", "_fresh"})


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid: str | None = None, new: bool = False,
                 expires_at: datetime | None = None, in_cookie: bool = False):
        def on_update(this):
            this.modified = True
            this.accessed = True

        super().__init__(initial, on_update)
        #: What was loaded, to save only this request's changes (see ``merge``).
        self.original = copy.deepcopy(dict(initial or {}))
        self.sid = sid or new_sid()
        self.new = new
        self.expires_at = expires_at
        #: The store key this session was loaded under, deleted when the id changes.
        self.loaded_key = None if new or in_cookie else key_for(self.sid)
        #: Opened from a cookie that carries the session (``COOKIE_KEYS`` only): the id it
        #: came with, so its first stored record is keyed by it.
        self.cookie_sid = self.sid if in_cookie else None
        #: The id this session went by before :func:`promote` gave it a derived one.
        self.promoted_from: str | None = None
        #: Set by :func:`commit_with_session`: this request's writes commit with the record.
        self.commit_with_record = False
        #: The browser's session could not be read (the store did not answer): this request
        #: runs without it, and leaves the browser's cookie alone unless it stores a session
        #: of its own (a log-in), so one timeout does not log anybody out.
        self.out_of_reach = False
        self.modified = False
        self.accessed = False

    # Reading marks the session accessed, so responses that depend on it vary by cookie.
    def __getitem__(self, key):
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.accessed = True
        return super().get(key, default)

    def setdefault(self, key, default=None):
        self.accessed = True
        return super().setdefault(key, default)


def new_sid() -> str:
    return secrets.token_urlsafe(32)


def key_for(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


#: A request sent with a session's old cookie may join the record a promotion made (see
#: :func:`promote`) for this long after it was made: the copies of a double click arrive
#: within seconds; whoever replays the old cookie later starts a session of their own.
JOIN_SECONDS = 60
#: Where a promoted record keeps the end of its joining window (epoch seconds).
_JOINABLE_UNTIL = "_joinable_until"
#: Where a session keeps its idle limit in seconds (:func:`limit_idle`).
_IDLE_LIMIT = "_idle_limit"
#: Marks the record of the id a session went by before it was promoted: it ends with the
#: joining window, however often that old id is used meanwhile.
_SUPERSEDED = "_superseded"


def promoted_sid(app: Flask, sid: str, binding: bytes = b"") -> str:
    """The id a session with id ``sid`` goes by once promoted by the request ``binding``
    describes (:func:`request_binding`): an HMAC under the secret, so copies of one request
    derive the same id, and nobody who only read the old id can, nor anybody sending another
    request with the old cookie (a vote sent from elsewhere while the next visitor's letter
    is being sent must not derive the id that letter's session goes by)."""
    message = b"session-promoted\x00" + sid.encode() + b"\x00" + binding
    digest = hmac.new(app.secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def request_binding(req: Request) -> bytes:
    """What the copies of one submission have in common and another request has not: the
    address and the parsed form (the typed text, the captcha's answer, the names of the
    files), not the raw body (a browser's multipart boundary differs between two clicks).
    The typed text is what somebody who only read the cookie does not know."""
    digest = hashlib.sha256()

    def add(*parts: str) -> None:
        for part in parts:
            digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")

    add(req.method, req.full_path)
    if req.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name in sorted(req.form.keys()):
            add("field", name, *req.form.getlist(name))
        for name in sorted(req.files.keys()):
            add("file", name, *(upload.filename or "" for upload in req.files.getlist(name)))
    else:
        digest.update(req.get_data(cache=True))
    return digest.digest()


class ServerSessionInterface(SessionInterface):
    serializer = TaggedJSONSerializer()

    def __init__(self, store: SessionStore):
        self.store = store

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app), "")
        if _SID.match(sid):
            try:
                loaded = self.store.load(key_for(sid))
            except StoreUnavailable:
                stand_in = ServerSession(new=True)
                stand_in.out_of_reach = True
                return stand_in
            if loaded is not None:
                data, expires_at = loaded
                try:
                    return ServerSession(self.serializer.loads(data), sid=sid, expires_at=expires_at)
                except ValueError:
                    return ServerSession(new=True)  # unreadable stored data: start afresh
        elif sid:
            carried = self._from_cookie(app, sid)
            if carried is not None:
                return carried
        return ServerSession(new=True)

    def _cookie_serializer(self, app: Flask) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(app.secret_key, salt="interact-session-in-cookie")

    def _from_cookie(self, app: Flask, value: str) -> ServerSession | None:
        """The session a signed cookie carries (see the module docstring), or ``None`` for a
        cookie that is not one, was not signed by this secret or has expired."""
        lifetime = app.config["SESSION_TRANSIENT_LIFETIME"]
        try:
            (sid, serialized), signed_at = self._cookie_serializer(app).loads(
                value, max_age=int(lifetime.total_seconds()), return_timestamp=True)
            data = self.serializer.loads(serialized)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(sid, str) or not _SID.match(sid) or not isinstance(data, dict) or not data.keys() <= COOKIE_KEYS:
            return None
        return ServerSession(data, sid=sid, new=True, expires_at=signed_at + lifetime, in_cookie=True)

    def _save_in_cookie(self, app: Flask, session: ServerSession, data: dict, response: Response) -> None:
        """Send the session in the cookie when it changed or half its life is gone."""
        lifetime = app.config["SESSION_TRANSIENT_LIFETIME"]
        # (Real time, as the signature's timestamp: a test's clock does not age a cookie.)
        if session.cookie_sid == session.sid and data == session.original and session.expires_at is not None \
                and session.expires_at - datetime.now(timezone.utc) >= lifetime / 2:
            return
        value = self._cookie_serializer(app).dumps([session.sid, self.serializer.dumps(data)])
        self._set_cookie(app, session, value, response)

    def _set_cookie(self, app: Flask, session: ServerSession, value: str, response: Response) -> None:
        response.set_cookie(
            self.get_cookie_name(app), value, expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app), domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")

    def lifetime(self, app: Flask, session: ServerSession) -> timedelta:
        if session.permanent:
            return app.permanent_session_lifetime
        transient = app.config["SESSION_TRANSIENT_LIFETIME"]
        idle_limit = dict.get(session, _IDLE_LIMIT)
        if isinstance(idle_limit, int) and _user_id(session) is None:
            return min(transient, timedelta(seconds=idle_limit))
        return transient

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if session.accessed:
            response.vary.add("Cookie")
        if request.endpoint in FILE_ENDPOINTS:
            return  # files change no session (and must not write a stale copy back)
        if session.commit_with_record:
            # The view left its work for this save to commit (see ``commit_with_session``):
            # the store's first write commits it with the record; a store outside the
            # database gets the record only once the work is committed.
            session.commit_with_record = False
            if response.status_code >= 500:
                # A failed request stores nothing of its work, nor what its session was to
                # say about it (the receipt of a letter never stored: on SQLite the next
                # letter may get the same id and number).
                db.session.rollback()
                _forget_changes(session)
            elif not getattr(self.store, "in_database", False):
                db.session.commit()
            try:
                self._save(app, session, response)
                db.session.commit()  # the work, when this request stored no record after all
            except Exception:
                db.session.rollback()
                _forget_changes(session)  # the error page's save must not store them either
                raise
            return
        _release_pending_writes()
        self._save(app, session, response)

    def _save(self, app: Flask, session: ServerSession, response: Response) -> None:
        try:
            self._write(app, session, response)
        except StoreUnavailable:
            # The store stopped answering after this request read its session: this
            # request's changes to it are lost, the browser keeps its cookie, and the page
            # (and any work already committed, such as a letter) is served, not a 500.
            current_app.logger.warning("session store unreachable: a request's session changes were not saved")

    def _write(self, app: Flask, session: ServerSession, response: Response) -> None:
        key = key_for(session.sid)
        data = changes_now = dict(session)
        if session.out_of_reach and data.keys() <= COOKIE_KEYS | {"_flashes"} and not session.permanent:
            # The browser's session is out of reach for now, not ended: its cookie stays,
            # unless this request made a session worth keeping (a log-in, a letter's receipt).
            return
        if session.loaded_key == key:
            # The same session as loaded: other requests of this browser may have changed
            # it meanwhile, so only this request's own changes are written over theirs.
            lifetime = self.lifetime(app, session)
            # Renewed once half its life is gone; a session with an idle limit after a
            # minute, so that it really lasts that long after the last request.
            renew_below = lifetime - timedelta(minutes=1) if lifetime < app.config["SESSION_TRANSIENT_LIFETIME"] \
                and not session.permanent else lifetime / 2
            stale = session.expires_at is None or session.expires_at - clock.now() < renew_below
            if not (session.modified or stale):
                return
            current = self.store.load(key)
            if current is None:
                return  # ended meanwhile (log-out, password change): it stays ended
            data = merge(self.serializer.loads(current[0]), session.original, data)
            if data:
                # Written back only over the record just read: a log-out landing between the
                # read and this write must not be undone by it (``replace`` never creates).
                expires_at = current[1] if data.get(_SUPERSEDED) else clock.now() + lifetime
                if not self.store.replace(key, self.serializer.dumps(data), expires_at, _user_id(data)):
                    return
                successor = data.get(_SUPERSEDED)
                if isinstance(successor, str) and not session.original.get(_SUPERSEDED):
                    # Another request of this browser promoted the session after this one
                    # loaded it: the browser goes by the new id from now on, so this
                    # request's own change (a vote, a captcha used) goes there too, and its
                    # response must not give the browser the old id back (it works for a
                    # minute only). Only a request loaded before the promotion: one loaded
                    # after it carries the old cookie after the browser was given the new
                    # one — a copy of the cookie (a shared computer), whose changes must not
                    # reach the promoted session.
                    self._carry_to_successor(successor, session.original, changes_now)
                elif not successor:
                    self._set_cookie(app, session, session.sid, response)
                session.expires_at, session.original = expires_at, copy.deepcopy(data)
                return
        elif session.loaded_key is not None and session.promoted_from is None:
            _delete_or_log(self.store, session.loaded_key)  # a renewed id: the old one stops working
        elif session.loaded_key is not None:
            # Promoted. Other requests of this browser may have changed the old record since
            # this one loaded it (a vote, a captcha used): the promoted record gets what the
            # old one holds now with this request's changes on top. The old id keeps only
            # what it held (nothing this request added), and only while a copy of this
            # request sent with it may still arrive.
            current = self.store.load(session.loaded_key)
            if current is None:
                return  # ended meanwhile (结束查看, log-out in another tab): it stays ended
            held = self.serializer.loads(current[0])
            data = merge(held, session.original, data)
            # (A successor named by an earlier promotion stays named, below.)
            self.store.replace(session.loaded_key, self.serializer.dumps(
                dict(held, **{_SUPERSEDED: held.get(_SUPERSEDED) if isinstance(held.get(_SUPERSEDED), str) else True})),
                clock.now() + timedelta(seconds=JOIN_SECONDS), None)
        if not data:
            if session.loaded_key == key:
                _delete_or_log(self.store, key)
            if self.get_cookie_name(app) in request.cookies:
                response.delete_cookie(self.get_cookie_name(app), domain=self.get_cookie_domain(app),
                                       path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
                                       httponly=self.get_cookie_httponly(app),
                                       samesite=self.get_cookie_samesite(app))
            return
        if session.loaded_key is None and data.keys() <= COOKIE_KEYS and not session.permanent:
            self._save_in_cookie(app, session, data, response)
            return
        if session.cookie_sid is not None and session.cookie_sid == session.sid:
            # The first record of a session the cookie carried: whoever read that cookie
            # (signed, not encrypted) knows its id, so the record goes by a derived one.
            session.promoted_from, session.sid = session.sid, promoted_sid(app, session.sid, request_binding(request))
        expires_at = clock.now() + self.lifetime(app, session)
        if session.promoted_from is not None:
            data = self._store_promoted(session, data, expires_at)
            if session.loaded_key is not None:
                # The old record names its successor (by key, which opens nothing) for a
                # request that loaded it before this promotion and saves after it. The
                # first successor stays named: the old id promoted again later (by whoever
                # holds a copy of the cookie, with a request of their own) must not draw
                # this browser's late changes into that other session.
                old = self.store.load(session.loaded_key)
                if old is not None and not isinstance(self.serializer.loads(old[0]).get(_SUPERSEDED), str):
                    self.store.replace(session.loaded_key, self.serializer.dumps(
                        dict(self.serializer.loads(old[0]), **{_SUPERSEDED: key_for(session.sid)})), old[1], None)
        else:
            self.store.save(key_for(session.sid), self.serializer.dumps(data), expires_at, _user_id(data))
        session.loaded_key, session.expires_at, session.original = key_for(session.sid), expires_at, copy.deepcopy(data)
        session.cookie_sid = session.promoted_from = None
        self._set_cookie(app, session, session.sid, response)

    def _carry_to_successor(self, key: str, loaded: dict, now: dict) -> None:
        """Apply one request's changes (``loaded`` → ``now``) to the record that superseded
        the one it loaded, following a second promotion too."""
        for _hop in range(3):
            current = self.store.load(key)
            if current is None:
                return  # ended meanwhile: it stays ended
            stored = self.serializer.loads(current[0])
            merged = merge(stored, loaded, now)
            if merged != stored:
                self.store.replace(key, self.serializer.dumps(merged), current[1], _user_id(merged))
            successor = stored.get(_SUPERSEDED)
            if not isinstance(successor, str):
                return
            key = successor

    def _store_promoted(self, session: ServerSession, data: dict, expires_at: datetime) -> dict:
        """Store a promoted session under its derived id. A copy of this request sent with
        the same old cookie (a double click) may have stored it a moment ago: it is then
        merged with what that copy stored. A record made longer ago than
        :data:`JOIN_SECONDS` was not made by a copy of this request (an old cookie replayed,
        or the other way round): this session then starts under a new random id."""
        data = {name: value for name, value in data.items() if name != _SUPERSEDED}
        key = key_for(session.sid)
        now = clock.now()
        marked = dict(data, **{_JOINABLE_UNTIL: (now + timedelta(seconds=JOIN_SECONDS)).timestamp()})
        if self.store.add(key, self.serializer.dumps(marked), expires_at):
            if _user_id(marked) is not None:
                self.store.save(key, self.serializer.dumps(marked), expires_at, _user_id(marked))
            return marked
        current = self.store.load(key)
        if current is not None:
            stored = self.serializer.loads(current[0])
            if stored.get(_JOINABLE_UNTIL, 0) >= now.timestamp():
                joined = merge(stored, session.original, data)
                self.store.save(key, self.serializer.dumps(joined), expires_at, _user_id(joined))
                return joined
        session.sid = new_sid()
        self.store.save(key_for(session.sid), self.serializer.dumps(data), expires_at, _user_id(data))
        return data


def _delete_or_log(store: SessionStore, key: str) -> None:
    """Delete a record; when the store does not answer, the record lives on and is
    refused by other means (a log-out: :func:`end_current`), or holds nothing of worth
    (an anonymous id renewed at log-in)."""
    try:
        store.delete(key)
    except StoreUnavailable:
        current_app.logger.warning("session store unreachable: an old session id could not be deleted")


def _forget_changes(session: ServerSession) -> None:
    """Put the session back as the request loaded it (its id too, if it was promoted)."""
    if session.promoted_from is not None:
        session.sid, session.promoted_from = session.promoted_from, None
    dict.clear(session)
    dict.update(session, copy.deepcopy(session.original))
    session.modified = False


def merge(stored: dict, loaded: dict, now: dict) -> dict:
    """Apply one request's changes (``loaded`` → ``now``) to what is ``stored`` now."""
    result = dict(stored)
    for key in loaded.keys() - now.keys():
        result.pop(key, None)
    for key, value in now.items():
        if key not in loaded or loaded[key] != value:
            result[key] = value
    return result


def _user_id(data: dict) -> int | None:
    user_id, _, _token = str(data.get("_user_id") or "").partition(":")
    return int(user_id) if user_id.isdecimal() else None


def _release_pending_writes() -> None:
    """Roll back writes a view flushed but never committed (the request's teardown would
    discard them anyway), so saving the session commits nothing else."""
    if db.session.info.get("unsaved_writes"):
        db.session.rollback()


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _mark_writes(session_, _context) -> None:
    session_.info["unsaved_writes"] = True


@sa.event.listens_for(sa.orm.Session, "after_commit")
@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _clear_writes(session_) -> None:
    session_.info.pop("unsaved_writes", None)


def init_app(app: Flask) -> None:
    name = app.config.get("SESSION_STORE", "database")
    if name not in STORES:
        raise RuntimeError(f"Unknown SESSION_STORE {name!r}; known: {', '.join(sorted(STORES))}")
    app.session_interface = ServerSessionInterface(STORES[name](app))


# --- used by views and services ---------------------------------------------------------


def renew() -> None:
    """Give the current session a new id (at log-in and log-out): the old id stops working
    at the end of this request, whatever copy of the cookie exists."""
    if isinstance(session, ServerSession):
        session.sid = new_sid()
        session.modified = True


def promote() -> None:
    """The session gains a privilege without a log-in (access to a letter, the visitor's
    own details kept for a form): from the end of this request it goes by an id derived
    from the old one with the secret (:func:`promoted_sid`), so whoever read the old cookie
    (a shared computer in a library or a service hall) does not gain it. A logged-in
    session is left alone: its id was renewed at log-in and it is the account already."""
    if isinstance(session, ServerSession) and session.promoted_from is None and _user_id(session) is None:
        session.promoted_from = session.sid
        session.sid = promoted_sid(current_app, session.sid, request_binding(request))
        session.modified = True


def limit_idle(limit: timedelta) -> None:
    """The server forgets this anonymous session after ``limit`` without a request (instead
    of :data:`SESSION_TRANSIENT_LIFETIME`): what it holds should not wait long for the next
    visitor of a shared computer. A log-in lifts the limit (the account's rules apply)."""
    seconds = int(limit.total_seconds())
    current = session.get(_IDLE_LIMIT)
    if not isinstance(current, int) or seconds < current:
        session[_IDLE_LIMIT] = seconds


def commit_with_session() -> None:
    """This request's database work (a letter), its claims (:func:`claim_once`,
    :func:`release_claim`: a form token, a captcha) and its session's record are written in
    one transaction, committed when the session is saved after the view, instead of one
    commit each: a citizen's letter is one write transaction, not four, so it waits once
    for the database's writer (behind a job's batch) instead of four times. The view commits
    nothing itself; an error page's rollback undoes the lot (nothing half stored).
    With a store outside the database (Redis) the claims are written at once, as always, and
    the work is committed just before the record is saved."""
    if isinstance(session, ServerSession):
        session.commit_with_record = True


def out_of_reach() -> bool:
    """Whether this request's stored session could not be read (its store, Redis, is
    unreachable): the visitor may be logged in there, and is served as anonymous meanwhile.
    Such a visitor is offered a log-out (``accounts.views.logout``): on a shared counter
    computer the clerk's desk must not reopen for the next person once the store is back."""
    return isinstance(session, ServerSession) and session.out_of_reach


def end_current() -> bool:
    """Log-out: forget everything of this session and stop its id working. ``False`` when
    the store could not delete its record now (Redis unreachable): a copy of the cookie
    would then open it again once the store is back, so the caller must refuse it by other
    means (a logged-in account: a new session token)."""
    ended = True
    if isinstance(session, ServerSession) and session.loaded_key is not None:
        try:
            current_app.session_interface.store.delete(session.loaded_key)
        except StoreUnavailable:
            ended = False
    elif isinstance(session, ServerSession) and session.out_of_reach:
        ended = False
        session.out_of_reach = False  # the browser's cookie goes, as at any log-out
    session.clear()
    renew()
    return ended


def claim_once(name: str, ttl: timedelta) -> bool:
    """Record that ``name`` happened (a captcha checked, a vote counted); ``True`` only for
    the first claim while the record lives, across requests, workers and machines.

    Checking and recording are one atomic step in the store, so two requests sent at the
    same instant with copies of one cookie cannot both pass."""
    return current_app.session_interface.store.add(_claim_key(name), "{}", clock.now() + ttl)


def release_claim(name: str) -> None:
    """Forget a claim of :func:`claim_once` whose work did not happen after all (a form
    that was refused), so that the next claim of ``name`` wins again."""
    try:
        current_app.session_interface.store.delete(_claim_key(name))
    except StoreUnavailable:
        # The claim stays made: the same form sent again is refused once more (its text is
        # kept for the citizen), which is safer than letting it be claimed twice.
        current_app.logger.warning("session store unreachable: a claim could not be released")


def _claim_key(name: str) -> str:
    return hashlib.sha256(f"claim:{name}".encode()).hexdigest()


def end_user_sessions(user_id: int) -> None:
    """End every session of a user (password change or reset, deactivation)."""
    current_app.session_interface.store.delete_user(user_id)


def purge_expired() -> dict[str, int]:
    """Scheduled job: remove expired sessions."""
    return {"purged": current_app.session_interface.store.purge_expired()}


JOBS = [
    Job("sessions.purge", purge_expired, {"trigger": "cron", "hour": 3, "minute": 40},
        "清理已过期的登录会话", {"purged": "已清理"}),
]
