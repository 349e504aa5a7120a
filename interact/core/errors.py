"""Domain errors and the error pages (Chinese HTML, JSON under ``/api/``)."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from interact.core import resend

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is shown to the user (Chinese)."""

    status_code = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, title: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        #: The error page's heading when the status's own (无权访问 …) would not say what happened.
        self.title = title


class InvalidInput(DomainError):
    status_code = 422


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class InvalidTransition(Conflict):
    """A workflow step that the state table does not allow."""


class Unavailable(DomainError):
    """A part of the service is starting (e.g. the FAQ index of a new worker): try again soon."""

    status_code = 503


MESSAGES = {
    400: ("请求有误", "提交的内容无法处理，请检查后重试。"),
    401: ("需要登录", "请先登录后再访问此页面。"),
    403: ("无权访问", "您没有权限访问此页面或执行此操作。"),
    404: ("页面不存在", "您访问的页面不存在或已被撤下。"),
    405: ("请求方式不被允许", "此页面不支持该请求方式。"),
    409: ("操作冲突", "当前状态下不能执行此操作，请刷新页面后重试。"),
    413: ("文件过大", "上传的文件超过了大小限制，请压缩后重新上传。"),
    422: ("内容有误", "提交的内容未通过校验，请检查后重试。"),
    429: ("操作过于频繁", "您的操作过于频繁，请稍后再试。"),
    500: ("系统繁忙", "服务器暂时无法处理您的请求，请稍后再试。如问题持续，请联系网站管理员。"),
}


#: Seconds after which a client may try again when the database could not be reached.
DATABASE_RETRY_SECONDS = 5
DATABASE_UNREACHABLE = "系统正在重新连接数据库，请稍后刷新页面。"
DATABASE_UNREACHABLE_POST = "系统正在重新连接数据库，刚才提交的内容没有保存，请稍后重新提交。"


def database_unreachable(error: Exception) -> bool:
    """Whether *error* says the database could not be reached — the connection was lost
    (a server restart, a failover) or could not be opened — rather than that a statement
    was wrong."""
    return isinstance(error, OperationalError) and (error.connection_invalidated or error.statement is None)


#: Largest id a URL or parameter may name (PostgreSQL INTEGER; SQLite allows more).
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` in routes, limited to ids the database can hold (larger ones are 404s)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, fields: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None, title: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    title = title or default_title
    message = message or default_message
    if wants_json():
        body = {"error": {"status": status, "title": title, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        return jsonify(body), status, headers or {}
    return render_template("errors/error.html", status=status, title=title, message=message), status, headers or {}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        return error_response(error.status_code, error.message, error.fields, title=error.title)

    @app.errorhandler(CSRFError)
    def handle_refused_token(error: CSRFError):
        # A form of our own page whose token no longer holds: sent again with one click.
        return resend.page(error) or handle_http_exception(error)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        status = error.code or 500
        # CSRF failures and similar carry English descriptions; show our Chinese text.
        message = None
        if status == 400 and getattr(error, "description", "").startswith("The CSRF"):
            message = "页面已过期或表单校验失败，请刷新页面后重新提交。"
        # Keep the exception's own headers (405 Allow, 429 Retry-After, 401 WWW-Authenticate).
        headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
        return error_response(status, message, headers=headers)

    @app.errorhandler(OperationalError)
    def handle_database_unreachable(error: OperationalError):
        # The database restarted or is failing over: a 503 that says to try again (with
        # Retry-After, which a proxy or client can act on), not the 500 of a broken page.
        if not database_unreachable(error):
            return handle_out_of_range(error)
        from interact.extensions import db

        log.warning("Database unreachable on %s %s: %s", request.method, request.path, error.orig)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 — the next request starts with a fresh connection anyway
            log.debug("rollback after a lost connection failed", exc_info=True)
        message = DATABASE_UNREACHABLE if request.method in ("GET", "HEAD") else DATABASE_UNREACHABLE_POST
        return error_response(503, message, headers={"Retry-After": str(DATABASE_RETRY_SECONDS)})

    @app.errorhandler(OverflowError)
    @app.errorhandler(StatementError)
    def handle_out_of_range(error: Exception):
        # A number from a request that the database cannot store or compare (SQLite:
        # OverflowError beyond 64 bits; PostgreSQL: numeric value out of range) is the
        # request's fault, not the server's.
        from interact.extensions import db

        if isinstance(error, (OverflowError, DataError)) or isinstance(getattr(error, "orig", None), OverflowError):
            db.session.rollback()
            log.info("Out-of-range value in %s %s: %s", request.method, request.path, error)
            return error_response(400, "提交的数字超出了允许的范围，请检查后重试。")
        return handle_unexpected(error)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        from interact.extensions import db

        db.session.rollback()
        return error_response(500)
