"""Assembles the API blueprint: each module below registers its routes and OpenAPI paths."""
from __future__ import annotations

from flask import request

from interact.api import bp
from interact.api import departments  # noqa: F401
from interact.api import faq  # noqa: F401
from interact.api import interviews  # noqa: F401
from interact.api import surveys  # noqa: F401
from interact.api import letters  # noqa: F401
from interact.api.openapi import build_spec


@bp.get("/openapi.json")
def openapi():
    return build_spec(server_url=request.host_url.rstrip("/") + bp.url_prefix)
