"""The OpenAPI 3 document, assembled from the fragments each API module registers."""
from __future__ import annotations

from typing import Any

_paths: dict[str, dict[str, Any]] = {}
_schemas: dict[str, dict[str, Any]] = {}

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer"},
                "title": {"type": "string"},
                "message": {"type": "string", "description": "面向用户的中文说明"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "字段名 → 中文错误说明"},
            },
            "required": ["status", "message"],
        }
    },
}


def document(paths: dict[str, dict[str, Any]] | None = None, schemas: dict[str, dict[str, Any]] | None = None) -> None:
    """Register path items and component schemas (called at import by each API module)."""
    for path, item in (paths or {}).items():
        _paths.setdefault(path, {}).update(item)
    _schemas.update(schemas or {})


def error_responses(*codes: int) -> dict[str, Any]:
    texts = {400: "请求格式错误", 403: "不允许（如不在征集时间内）", 404: "不存在", 409: "冲突（如重复提交）",
             422: "字段校验失败，fields 中为各字段的中文说明", 429: "请求过于频繁"}
    return {
        str(code): {"description": texts.get(code, "错误"),
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for code in codes
    }


def page_schema(item_ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": item_ref}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
        "required": ["items", "page", "total"],
    }


def build_spec(server_url: str = "/api/v1") -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "政民互动平台 API",
            "version": "1.0.0",
            "description": "面向政务新媒体（小程序、App）的公开接口。错误以 JSON 返回，message 为中文说明。"
                           "公开接口不返回任何个人信息。",
        },
        "servers": [{"url": server_url}],
        "paths": dict(sorted(_paths.items())),
        "components": {"schemas": {"Error": ERROR_SCHEMA, **dict(sorted(_schemas.items()))}},
    }
