"""Field types and schemas shared by the ``/api/v1`` modules.

Every rule a request must meet (type, length, pattern, range, choice) is declared on a
field here or in a module's schema, with its Chinese message; flask-smorest checks requests
with these schemas, dumps responses with them and apispec writes them into the OpenAPI
document, so the document and the server cannot say different things.

Patterns are written so that Python's ``re`` (the server) and ECMAScript regular
expressions (most OpenAPI tools) read them the same way: explicit character ranges
instead of ``\\s``/``\\d``, and the server matches the whole value (``fullmatch``).

A field with ``load_default=None`` is nullable in marshmallow unless it says otherwise, so
the factories below pass ``allow_none=False`` unless a JSON body field asks for ``null``.
"""
from __future__ import annotations

import re
from typing import Any

from flask import url_for
from marshmallow import RAISE, Schema, fields, validate

from interact.core.errors import MAX_ID
from interact.core.sanitize import clean_html
from interact.core.textnorm import strip_invisible

#: Characters ``str.strip()`` removes (Unicode whitespace) and C0 controls: never at either end.
_EDGE = r"[^\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
#: Inside one-line text: no control characters other than tab.
_INNER_LINE = r"[^\x00-\x08\x0a-\x1f\x7f]"
#: Inside multi-line text: newlines (``\n``) and tabs, no other control characters (no ``\r``).
_INNER_LINES = r"[^\x00-\x08\x0b-\x1f\x7f]"

#: A mainland mobile number, optionally with +86/86 (no spaces or dashes).
MOBILE_PATTERN = r"^(?:\+?86)?1[3-9][0-9]{9}$"
#: E-mail addresses the letters service accepts (``email_validator`` without DNS): ASCII,
#: no reserved top-level domains such as ``.test`` or ``.local``.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+-]{1,20}(?:\.[A-Za-z0-9_%+-]{1,20}){0,2}"
    r"@(?:[A-Za-z0-9]{1,20}(?:-[A-Za-z0-9]{1,20}){0,2}\.){1,3}"
    r"(?:[A-Za-z]{2,3}|info|site|shop|email|mobi|name|work|tech|online|store)$"
)
MOBILE_ERROR = "请填写正确的 11 位手机号码（可带 +86，不含空格）"


class ApiSchema(Schema):
    """Base of request schemas: unknown fields are refused (``additionalProperties: false``)."""

    error_messages = {"unknown": "不支持的字段", "type": "必须是 JSON 对象"}

    class Meta:
        unknown = RAISE


class Pattern(validate.Regexp):
    """A regular expression the whole value must match (``re.fullmatch``), documented as ``pattern``."""

    def __init__(self, pattern: str, *, error: str):
        super().__init__(pattern, error=error)
        self._full = re.compile(pattern.removeprefix("^").removesuffix("$"))

    def __call__(self, value):
        if self._full.fullmatch(value) is None:
            raise validate.ValidationError(self._format_error(value))
        return value


_BASE_MESSAGES = {"required": "必填", "null": "不能为 null", "validator_failed": "取值无效"}


class String(fields.String):
    """A JSON string; invisible format characters (zero-width spaces, bidirectional
    overrides…) are dropped before any rule is checked, as the web forms do."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "必须是字符串", "invalid_utf8": "不是有效的 UTF-8 文本"}

    def _deserialize(self, value, attr, data, **kwargs):
        return strip_invisible(super()._deserialize(value, attr, data, **kwargs))


class Integer(fields.Integer):
    """A JSON integer (``true``/``false`` and numeric strings are refused)."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "必须是整数", "too_large": "数字过大"}

    def _validated(self, value):
        if isinstance(value, bool) or isinstance(value, str):
            raise self.make_error("invalid")
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)


class QueryInteger(fields.Integer):
    """An integer in a query string: ASCII digits only (no spaces, signs or other scripts)."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "必须是整数", "too_large": "数字过大"}

    def _validated(self, value):
        if not isinstance(value, str) or re.fullmatch(r"[0-9]{1,12}", value) is None:
            raise self.make_error("invalid")
        return super()._validated(value)


class Boolean(fields.Boolean):
    """A JSON ``true`` or ``false`` (not 1/0 or strings)."""

    default_error_messages = {**_BASE_MESSAGES, "invalid": "必须是 true 或 false"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Dict(fields.Dict):
    default_error_messages = {**_BASE_MESSAGES, "invalid": "必须是对象"}


def text(
    max_length: int,
    *,
    min_length: int = 1,
    multiline: bool = False,
    length_error: str | None = None,
    description: str,
    example: str | None = None,
    **kwargs: Any,
) -> String:
    """Citizen text: ``min_length``–``max_length`` characters, nothing to trim at either end,
    no control characters (multi-line text may contain ``\\n`` and tabs)."""
    inner = _INNER_LINES if multiline else _INNER_LINE
    body = rf"{_EDGE}(?:{inner}*{_EDGE})?"
    pattern = rf"^{body}$" if min_length > 0 else rf"^(?:{body})?$"
    shape = "首尾不能有空白字符，不能含控制字符" + ("（换行请用 \\n）" if multiline else "，不能换行")
    metadata = {"description": description}
    if example is not None:
        metadata["example"] = example
    kwargs.setdefault("allow_none", False)
    return String(
        validate=[
            validate.Length(min=min_length, max=max_length,
                            error=length_error or f"长度应为 {min_length}–{max_length} 个字"),
            Pattern(pattern, error=shape),
        ],
        metadata=metadata,
        **kwargs,
    )


def choice(values: list[str], *, error: str, description: str, **kwargs: Any) -> String:
    kwargs.setdefault("allow_none", False)
    return String(validate=validate.OneOf(values, error=error), metadata={"description": description}, **kwargs)


def record_id(*, description: str, query: bool = False, **kwargs: Any) -> fields.Integer:
    """A database id: 1 to 2³¹−1 (larger numbers cannot name a record)."""
    cls = QueryInteger if query else Integer
    kwargs.setdefault("allow_none", False)
    return cls(validate=validate.Range(min=1, max=MAX_ID, error=f"必须是 1–{MAX_ID} 的整数"),
               metadata={"description": description}, **kwargs)


# --- paging -------------------------------------------------------------------------------

MAX_PER_PAGE = 50
MAX_PAGE = 10_000


class PageArgs(Schema):
    """``page`` and ``per_page``: out of range is a 422, never silently clamped."""

    page = QueryInteger(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE, error=f"必须是 1–{MAX_PAGE} 的整数"),
                        metadata={"description": "页码，从 1 开始"})
    per_page = QueryInteger(load_default=20,
                            validate=validate.Range(min=1, max=MAX_PER_PAGE, error=f"必须是 1–{MAX_PER_PAGE} 的整数"),
                            metadata={"description": f"每页条数，最多 {MAX_PER_PAGE}"})


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The paged response of ``item_schema``: ``{"items", "page", "per_page", "total"}``."""
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True, metadata={"description": "符合条件的总条数"}),
    })


def page_payload(items: list[Any], args: dict[str, int], total: int | None) -> dict[str, Any]:
    return {"items": items, "page": args["page"], "per_page": args["per_page"], "total": total or 0}


# --- output fields ------------------------------------------------------------------------


class SafeHtml(fields.String):
    """Staff rich text through the one sanitiser."""

    def _serialize(self, value, attr, obj, **kwargs):
        return clean_html(value)


class EnumValue(fields.String):
    """An enum member as its value, documented with the allowed values."""

    def __init__(self, enum_cls, **kwargs):
        self.enum_cls = enum_cls
        kwargs.setdefault("validate", validate.OneOf([m.value for m in enum_cls]))
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else getattr(value, "value", value)


class Url(fields.String):
    """The absolute URL of ``endpoint`` for the dumped object (``args`` maps URL arguments to attributes)."""

    _CHECK_ATTRIBUTE = False

    def __init__(self, endpoint: str, external: bool = True, **args: str):
        self.endpoint, self.external, self.args = endpoint, external, args
        super().__init__(dump_only=True, metadata={"format": "uri-reference"})

    def _serialize(self, value, attr, obj, **kwargs):
        values = {name: _attribute(obj, path) for name, path in self.args.items()}
        return url_for(self.endpoint, _external=self.external, **values)


class FileUrl(fields.String):
    """The public URL of a stored file (``None`` when there is none)."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return url_for("site.public_file", key=value.key) if value is not None else None


def _attribute(obj: Any, path: str) -> Any:
    for name in path.split("."):
        obj = obj[name] if isinstance(obj, dict) else getattr(obj, name)
    return obj


class DepartmentRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"example": "市人力资源社会保障局"})


class ErrorBody(Schema):
    status = fields.Integer(required=True, metadata={"example": 422})
    title = fields.String(required=True, metadata={"example": "内容有误"})
    message = fields.String(required=True, metadata={"description": "面向用户的中文说明",
                                                     "example": "提交的内容有误：title 标题应为 4–50 个字。"})
    fields_ = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields",
                          metadata={"description": "字段名 → 中文错误说明（嵌套字段以 . 连接，如 answers.12）",
                                    "example": {"title": "标题应为 4–50 个字"}})


class Error(Schema):
    """Every error of ``/api/v1``: ``{"error": {"status", "title", "message", "fields"?}}``."""

    error = fields.Nested(ErrorBody, required=True)
