"""The API's flask-smorest set-up: the blueprint class, the request parser (Chinese errors in
the ``{"error": …}`` shape), documented error responses and the OpenAPI 3.1 document.
"""
from __future__ import annotations

import json
from copy import deepcopy
from collections.abc import Callable, Mapping
from typing import Any

import flask_smorest
import marshmallow as ma
from apispec import BasePlugin
from flask import Flask
from webargs.flaskparser import FlaskParser

from interact.api.schemas import Error
from interact.core.errors import MESSAGES, DomainError, InvalidInput

#: The document's version: docs/api.md "Changes" says what each one changed.
API_VERSION = "1.1.0"
QUERY_CODE_HEADER = "X-Query-Code"
NOT_JSON = "请求体必须是 JSON 对象（Content-Type: application/json）。"


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow messages (nested dicts of lists) → ``{"a.b": "第一条说明"}``."""
    if isinstance(messages, Mapping):
        flat: dict[str, str] = {}
        for key, value in messages.items():
            name = str(key) if key != "_schema" else ""
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            flat.update(_flatten(value, path))
        return flat
    if isinstance(messages, (list, tuple)):
        if messages and all(isinstance(m, str) for m in messages):
            return {prefix or "body": messages[0]}
        flat = {}
        for value in messages:
            flat.update(_flatten(value, prefix))
        return flat
    return {prefix or "body": str(messages)}


class Parser(FlaskParser):
    """Request parsing for the API: a body that is not a JSON object is a 400; field errors
    are a 422 with every field's Chinese message (``error.fields``)."""

    DEFAULT_VALIDATION_STATUS = 422

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[ma.Schema], ma.Schema] = {}

    def _get_schema(self, argmap, req) -> ma.Schema:
        """One instance per schema class, made at its first request: webargs builds a new
        one for every request given a class (``@bp.arguments(Schema)``), which deep-copies
        every declared field — two schemas, ~5 % of a letter's submission. The schemas keep
        no state between loads (``load`` takes everything it needs as arguments)."""
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def load_json(self, req, schema):
        if not req.is_json:
            raise DomainError(NOT_JSON)
        try:
            data = json.loads(req.get_data(cache=True, as_text=False).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            # (RecursionError: arrays or objects nested thousands deep — attack Q4: a 500)
            raise DomainError(NOT_JSON) from None
        if not isinstance(data, dict):
            raise DomainError(NOT_JSON)
        return data

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        # Drop the location level ({"json": {...}}): field names are unique per operation.
        messages = error.messages
        if isinstance(messages, Mapping) and len(messages) == 1:
            (location, inner), = messages.items()
            if location in ("json", "query", "headers", "path") and isinstance(inner, Mapping):
                messages = inner
        fields = _flatten(messages)
        summary = "；".join(f"{name} {text}" for name, text in fields.items())
        raise InvalidInput(f"提交的内容有误：{summary}。", fields=fields)


_ERROR_EXAMPLES = {
    400: ("请求格式错误（请求体不是 JSON 对象，或数字超出范围）", NOT_JSON, None),
    403: ("不允许（如征集尚未开始）", "征集尚未开始，请在征集开始后再提交。", None),
    404: ("不存在", "您访问的页面不存在或已被撤下。", None),
    409: ("当前状态下不能执行（如重复提交、征集已结束）", "当前状态下不能执行此操作，请刷新页面后重试。", None),
    413: ("请求体过大", MESSAGES[413][1], None),
    422: ("字段校验失败，fields 中为各字段的中文说明", "提交的内容有误：title 标题应为 4–50 个字。",
          {"title": "标题应为 4–50 个字"}),
    429: ("请求过于频繁（响应头 Retry-After 给出等待秒数）", MESSAGES[429][1], None),
    503: ("智能问答正在启动（新进程正在建立索引），请稍后重试", "智能问答正在启动，请稍后再试。", None),
}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def route(self, rule, *, parameters=None, tags=None, **options):
        """As flask-smorest's, and the endpoint name is the operation's ``operationId``
        (the method name a generated client gets; the target of response links)."""
        register = super().route(rule, parameters=parameters, tags=tags, **options)

        def decorator(func):
            apidoc = deepcopy(getattr(func, "_apidoc", {}))
            apidoc.setdefault("manual_doc", {})["operationId"] = options.get("endpoint", func.__name__)
            func._apidoc = apidoc
            return register(func)
        return decorator

    def errors(self, *codes: int, **overrides: str | tuple) -> Callable:
        """Document error responses of an operation (all in the :class:`~interact.api.schemas.Error`
        shape, with a Chinese example). ``e404="…"`` replaces the generic description of a status;
        ``e404=("description", "message", {fields})`` also the example's message (and fields)."""
        def decorator(func):
            for code in codes:
                description, message, fields = _ERROR_EXAMPLES[code]
                override = overrides.get(f"e{code}")
                if isinstance(override, str):
                    description = override
                elif override:
                    description, message, *rest = override
                    fields = rest[0] if rest else None
                title = MESSAGES.get(code, MESSAGES[500])[0]  # as core.errors.error_response answers
                body: dict[str, Any] = {"status": code, "title": title, "message": message}
                if fields:
                    body["fields"] = fields
                func = self.alt_response(code, schema=Error, description=description, example={"error": body})(func)
            return func
        return decorator


class SchemaExtras(BasePlugin):
    """Adds a schema class's ``openapi_extra`` (e.g. an ``if``/``then`` rule across fields that
    the class's ``@validates_schema`` enforces) to its component in the document."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        cls = schema if isinstance(schema, type) else type(schema)
        return dict(getattr(cls, "openapi_extra", None) or {}) or None


class Api(flask_smorest.Api):
    """flask-smorest's Api without its own error handlers: the site's handlers in
    :mod:`interact.core.errors` already answer JSON under ``/api/``."""

    ERROR_SCHEMA = Error
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        return None


DESCRIPTION = """面向政务新媒体（微信小程序、App）的公开接口，版本 v1（路径前缀 /api/v1；不兼容的变更将使用新的前缀）。

- 请求体为 JSON（UTF-8），响应为 UTF-8 JSON，中文不转义。
- 错误统一为 {"error": {"status", "title", "message", "fields"}}：message 为面向用户的中文说明，
  fields 为各字段的中文说明。字段规则（长度、格式、取值范围、分页上限）均写在本文档的 schema 中，
  超出范围的 page/per_page 返回 422，不会被悄悄改小。
- 提交类接口按 IP 限制频率，超出返回 429（响应头 Retry-After）。
- 提交来信、意见、问卷答卷和访谈提问需要验证码：先 GET /api/v1/captcha 取得编号和图片，
  提交时在请求头 X-Captcha-Id、X-Captcha-Answer 中带上编号和用户输入的字符；
  每个编号只能使用一次（答对答错都作废），答错返回 422（fields 中为 X-Captcha-Answer）。
- 公开接口不返回任何个人信息：姓名、手机号、身份证号等均已隐去。
- 来信查询码是凭证：查询和评价时只放在请求头 X-Query-Code 中，不要放进 URL，
  以免进入访问日志和浏览器历史。"""


def init_api(app: Flask, blueprint: Blueprint) -> Api:
    """Register ``blueprint`` through flask-smorest and serve its document at ``/api/v1/openapi.json``."""
    app.config.setdefault("API_TITLE", "政民互动平台 API")
    app.config.setdefault("API_VERSION", API_VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION, "contact": {"name": "市政务服务管理办公室"}},
        "servers": [{"url": "/", "description": "本站"}],
        "tags": [
            {"name": "letters", "description": "来信：在线咨询、领导信箱的提交、查询、评价，来信选登和回复统计"},
            {"name": "collections", "description": "民意征集：征集意见和问卷调查，结果反馈"},
            {"name": "interviews", "description": "在线访谈：预告、文字实录、网友提问"},
            {"name": "faq", "description": "常见问题和智能问答"},
            {"name": "departments", "description": "部门和领导信箱的领导"},
            {"name": "captcha", "description": "验证码：提交来信、意见、问卷和访谈提问都需要"},
        ],
    })
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # the document is served by the route below
    api = Api(app, spec_kwargs={"extra_plugins": [SchemaExtras()]})
    api.register_blueprint(blueprint)

    def openapi():
        return api.spec.to_dict()

    # A plain route (not documented as an operation), so the endpoint stays ``api.openapi``.
    app.add_url_rule(f"{blueprint.url_prefix}/openapi.json", "api.openapi", openapi, methods=["GET"])
    app.extensions["interact_api"] = api
    return api
