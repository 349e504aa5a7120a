"""State shared by every process of an installation through Redis (optional).

With ``REDIS_URL`` set (``redis://127.0.0.1:6379/0``), the web workers and the scheduler
share through Redis, using the kept ``redis`` client (``pip install '.[redis]'``):

- the rate-limit counters (Flask-Limiter's storage defaults to ``REDIS_URL``);
- the version stamps of cached structures (:mod:`interact.core.settings`): a worker asks
  Redis instead of the database whether the FAQ index or the sensitive-word list changed;
- with ``SESSION_STORE = "redis"``, the server-side sessions (:class:`RedisSessionStore`,
  Redis 7 or later).

Counters and stamps are cheap to lose: when Redis is down or restarted, stamps are read
from the database again and rate limits fall back to memory until it is back (sessions in
Redis are lost with it: keep its persistence on then). Without ``REDIS_URL`` everything
works on one machine as before.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import Any

from flask import Flask, current_app, has_app_context

from interact.core import clock, sessions

log = logging.getLogger(__name__)

#: Seconds a stamp copied from the database into Redis is trusted (self-healing bound).
STAMP_TTL_SECONDS = 300
_EXTENSION = "interact.redis"


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if not url:
        app.extensions[_EXTENSION] = None
        return
    try:
        import redis
    except ImportError:  # the extra is missing: say which one
        raise RuntimeError("REDIS_URL is set but the redis client is missing: pip install '.[redis]'") from None
    app.extensions[_EXTENSION] = redis.Redis.from_url(
        url, socket_timeout=1.0, socket_connect_timeout=1.0, health_check_interval=30,
    )


def client(app: Flask | None = None) -> Any | None:
    """The Redis client of the app, or ``None`` when ``REDIS_URL`` is not set."""
    if app is None:
        if not has_app_context():
            return None
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.get(_EXTENSION)


def errors() -> tuple[type[BaseException], ...]:
    """Exceptions meaning "Redis is unreachable" (nothing to catch without the client)."""
    try:
        import redis
    except ImportError:
        return ()
    return (redis.RedisError, OSError)


def unreachable_errors() -> tuple[type[BaseException], ...]:
    """Exceptions meaning Redis did not answer (connection refused or lost, a timeout), as
    opposed to an answer refusing the command (a read-only replica): only these send the
    session store to its fallback."""
    try:
        import redis
    except ImportError:
        return ()
    return (redis.ConnectionError, redis.TimeoutError, OSError)


def ping(app: Flask | None = None) -> bool | None:
    """``True``/``False`` whether Redis answers; ``None`` when it is not configured."""
    redis_client = client(app)
    if redis_client is None:
        return None
    try:
        return bool(redis_client.ping())
    except errors():
        return False


def get_text(key: str) -> str | None:
    """A value from Redis; ``None`` when missing, unconfigured or unreachable."""
    redis_client = client()
    if redis_client is None:
        return None
    try:
        value = redis_client.get(_key(key))
    except errors():
        log.warning("Redis unreachable; reading %s from the database", key)
        return None
    return value.decode() if value is not None else None


def set_text(key: str, value: str, *, only_if_missing: bool = False, ttl: int | None = STAMP_TTL_SECONDS) -> None:
    """Store a value (errors logged, never raised: Redis is a shortcut, not the record)."""
    redis_client = client()
    if redis_client is None:
        return
    try:
        redis_client.set(_key(key), value, nx=only_if_missing, ex=ttl)
    except errors():
        log.warning("Redis unreachable; %s not shared", key)


def _key(key: str) -> str:
    return f"{current_app.config.get('REDIS_PREFIX') or 'interact:'}{key}"


class RedisSessionStore:
    """Server-side sessions (``interact.core.sessions``) in Redis: ``SESSION_STORE = "redis"``.

    Each session is a key with Redis's own expiry; each user's session keys are kept in a
    set, so a password change or deactivation ends all of them. Unlike the database store,
    ending a user's sessions takes effect at once, not at the caller's commit (a rolled-back
    password change still logged the user out everywhere: the safe direction).

    While Redis does not answer (a restart, a failover), sessions and one-time claims go to
    the database table instead (:attr:`fallback`, the ``database`` store), so a citizen can
    still send a letter and staff can still log in (attack L8: both were a 500 and the
    letter's text was gone). Sessions held in Redis are not readable meanwhile: their
    visitors go on without them but keep their cookie, and find them again once Redis
    answers (one timeout logs nobody out); a log-out meanwhile cannot delete the Redis
    copy, so it ends the account's sessions by a new session token instead. Only a
    connection error or a timeout counts as unreachable; a refusal (a read-only replica
    after a failover) is an error, not a reason to write elsewhere. Once Redis is back, what was written to the table is still
    found there until it ends: a key Redis does not know is looked up in the table, a
    claim is won only if the table has none, and ending a session ends it in both.
    """

    def __init__(self, app: Flask):
        if client(app) is None:
            raise RuntimeError("SESSION_STORE=redis needs INTERACT_REDIS_URL")
        self.app = app
        #: Where sessions and claims go while Redis is unreachable.
        self.fallback = sessions.DatabaseStore()

    @property
    def redis(self):
        return client(self.app)

    def _session(self, key: str) -> str:
        return _key(f"session:{key}")

    def _user(self, user_id: int) -> str:
        return _key(f"user-sessions:{user_id}")

    def load(self, key: str):
        try:
            value = self.redis.get(self._session(key))
        except unreachable_errors():
            _unreachable()
            found = self.fallback.load(key)
            if found is None:
                # Maybe in Redis, maybe nowhere: not known now. The request runs without
                # it and the browser keeps its cookie (one timeout must not log out).
                raise sessions.StoreUnavailable from None
            return found
        if value is None:
            return self.fallback.load(key)  # written while Redis was unreachable, or nowhere
        record = json.loads(value)
        return record["data"], datetime.fromisoformat(record["expires_at"])

    def save(self, key: str, data: str, expires_at, user_id: int | None) -> None:
        seconds = max(1, int((expires_at - clock.now()).total_seconds()))
        record = json.dumps({"data": data, "expires_at": expires_at.isoformat(), "user_id": user_id})
        try:
            with self.redis.pipeline() as pipe:
                pipe.set(self._session(key), record, ex=seconds)
                self._list_under_user(pipe, key, user_id, seconds)
                pipe.execute()
        except unreachable_errors():
            _unreachable()
            self.fallback.save(key, data, expires_at, user_id)

    def _list_under_user(self, pipe, key: str, user_id: int | None, seconds: int) -> None:
        """Queue on *pipe*: list the session under its user (for :meth:`delete_user`), the
        user's list living as long as the longest of its sessions."""
        if user_id is not None:
            pipe.sadd(self._user(user_id), key)
            pipe.expire(self._user(user_id), seconds, gt=True)
            pipe.expire(self._user(user_id), seconds, nx=True)

    def replace(self, key: str, data: str, expires_at, user_id: int | None) -> bool:
        seconds = max(1, int((expires_at - clock.now()).total_seconds()))
        record = json.dumps({"data": data, "expires_at": expires_at.isoformat(), "user_id": user_id})
        try:
            # SET … XX: Redis writes only over a key that still exists, in one command, so a
            # log-out's DEL that lands after this request read the session is not undone.
            if self.redis.set(self._session(key), record, ex=seconds, xx=True):
                with self.redis.pipeline() as pipe:
                    self._list_under_user(pipe, key, user_id, seconds)
                    pipe.execute()
                return True
        except unreachable_errors():
            _unreachable()
        # Not in Redis: a session stored in the table while Redis was unreachable, or none.
        return self.fallback.replace(key, data, expires_at, user_id)

    def delete(self, key: str) -> None:
        try:
            self.redis.delete(self._session(key))
        except unreachable_errors():
            _unreachable()
            self.fallback.delete(key)
            # The record may live on in Redis and open again once it is back: say so, so
            # that a log-out refuses it by other means (``sessions.end_current``).
            raise sessions.StoreUnavailable from None
        self.fallback.delete(key)

    def add(self, key: str, data: str, expires_at) -> bool:
        seconds = max(1, int((expires_at - clock.now()).total_seconds()))
        record = json.dumps({"data": data, "expires_at": expires_at.isoformat(), "user_id": None})
        try:
            # SET … NX: Redis creates the key only if it is missing, in one command.
            created = bool(self.redis.set(self._session(key), record, ex=seconds, nx=True))
        except unreachable_errors():
            _unreachable()
            return self.fallback.add(key, data, expires_at)
        # A claim (a captcha checked) made in the table while Redis was unreachable stays made.
        return created and self.fallback.load(key) is None

    def delete_user(self, user_id: int) -> None:
        try:
            keys = self.redis.smembers(self._user(user_id))
            with self.redis.pipeline() as pipe:
                for key in keys:
                    pipe.delete(self._session(key.decode()))
                pipe.delete(self._user(user_id))
                pipe.execute()
        except unreachable_errors():
            # The sessions Redis holds cannot be deleted now; the account's new session
            # token (``accounts.services``) refuses them anyway once Redis is back.
            _unreachable()
        self.fallback.delete_user(user_id)

    def purge_expired(self) -> int:
        return self.fallback.purge_expired()  # Redis expires its sessions itself


#: When :func:`_unreachable` last logged, per process (one line a minute during an outage).
_last_warning = [0.0]


def _unreachable() -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= 60:
        _last_warning[0] = now
        log.warning("Redis unreachable; sessions and one-time claims use the database table meanwhile")


sessions.register_store("redis", RedisSessionStore)
