"""Logging, configured once per process: level, time, request id and user id on every line.

``LOG_LEVEL`` (default ``INFO``) and ``LOG_FORMAT`` (``text``, or ``json`` for one JSON
object per line) choose the output; it goes to standard error, where systemd's journal or
gunicorn's error log collects it. Each request gets an id — nginx's ``X-Request-ID`` when
it sends a sane one, otherwise a new one — returned in the ``X-Request-ID`` response
header, so a citizen's report of an error page can be found in the log.

Log lines carry ids (request, user, letter …), never personal data: no names, e-mail
addresses, phone numbers or letter text.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_HANDLER_NAME = "interact"


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` (``-`` outside a request or for visitors)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = "-"
        record.user_id = "-"
        if has_request_context():
            record.request_id = g.get("request_id", "-")
            record.user_id = _user_id()
        return True


def _user_id() -> str:
    # Flask-Login caches the user on g; never load it from here (no queries in logging):
    # the id comes from the identity map, which also answers when the request's transaction
    # has failed (reading an expired ``user.id`` would then raise inside the error handler).
    user = g.get("_login_user")
    state = sa.inspect(user, raiseerr=False) if user is not None else None
    if state is not None:
        identity = state.identity
        return str(identity[0]) if identity else "-"
    user_id = getattr(user, "id", None)
    return str(user_id) if user_id is not None else "-"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s user=%(user_id)s] %(message)s"


def configure(app: Flask) -> None:
    """Install the one handler on the root logger (once per process; not under tests,
    where pytest captures logs)."""
    if app.testing:
        return
    root = logging.getLogger()
    if any(getattr(handler, "name", None) == _HANDLER_NAME for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.name = _HANDLER_NAME
    handler.addFilter(ContextFilter())
    if str(app.config.get("LOG_FORMAT", "text")).lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    # Flask's own handler would print errors a second time without our fields.
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)


def register(app: Flask) -> None:
    configure(app)

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SANE_ID.match(incoming) else secrets.token_hex(8)

    @app.after_request
    def return_request_id(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        return response
