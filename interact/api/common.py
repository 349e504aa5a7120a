"""Helpers shared by the API modules: JSON bodies, paging, rate limits."""
from __future__ import annotations

from typing import Any

from flask import request

from interact.core.errors import InvalidInput

MAX_PER_PAGE = 50


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 with a Chinese message."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        error = InvalidInput("请求体必须是 JSON 对象（Content-Type: application/json）。")
        error.status_code = 400
        raise error
    return data


def page_args(default_per_page: int = 20) -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", default_per_page))
    except ValueError:
        raise InvalidInput("page 和 per_page 必须是正整数。", fields={"page": "必须是正整数"}) from None
    if page < 1 or per_page < 1:
        raise InvalidInput("page 和 per_page 必须是正整数。", fields={"page": "必须是正整数"})
    return page, min(per_page, MAX_PER_PAGE)


def page_payload(items: list[Any], page: int, per_page: int, total: int) -> dict[str, Any]:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


