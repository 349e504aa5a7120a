"""The browser half of the one-response rule: a signed, long-lived participation cookie.

Each browser gets a random token in a cookie signed with the secret key (itsdangerous), so
the token cannot be forged to collide with someone else's. Only a keyed hash of the token,
specific to the questionnaire, is stored with a response. See docs/surveys.md for what this
does and does not prevent.
"""
from __future__ import annotations

import secrets

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "interact_participant"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
_SALT = "surveys.participant"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def read_token(request: Request) -> str | None:
    """The browser's token, or None when absent or tampered with."""
    signed = request.cookies.get(COOKIE_NAME)
    if not signed:
        return None
    try:
        token = _serializer().loads(signed)
    except BadSignature:
        return None
    return token if isinstance(token, str) and 16 <= len(token) <= 64 else None


def new_token() -> str:
    return secrets.token_urlsafe(24)


def set_token(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME, _serializer().dumps(token), max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
