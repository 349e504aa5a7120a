"""A self-hosted image captcha (no third-party service).

The answer is kept in the server-side session (:mod:`interact.core.sessions`) as a keyed
hash bound to a random id (:func:`_digest`), with an expiry, and is consumed by the first
check, right or wrong: the check claims the challenge's id in the session store
(:func:`sessions.claim_once`, one atomic step), so neither an older copy of the cookie
replayed later nor two requests sent at the same instant with one cookie get a second
check. Disabled with ``CAPTCHA_ENABLED = False`` (tests that do not test the captcha
itself).

API clients (a mini-program has no cookie) get a challenge as a token instead
(:func:`new_token_challenge`): a signed, expiring id that carries a keyed hash of the answer
bound to a random nonce, checked by :func:`verify_token`, which claims the nonce in the same
store before comparing — so a token answers once too, right or wrong.

Browser tests keep the captcha on and solve it as a person reads the image: an app built by
the test harness with ``CAPTCHA_TEST_ANSWERS = True`` (passed to ``create_app``; refused from
the environment, see :func:`interact.configure`) sends each image's answer in the response
header :data:`TEST_ANSWER_HEADER`. Every image still gets a new random code that is
consumed by the first check, so the rules a person meets stay the ones tested.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
import time
from datetime import timedelta

from captcha.image import ImageCaptcha
from flask import after_this_request, current_app, g, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from interact.core import sessions

# No 0/O, 1/I/L, 2/Z, 5/S: easy to read for elderly users.
ALPHABET = "346789ACDEFGHJKMNPQRTUVWXY"
LENGTH = 4
TTL_SECONDS = 600
SESSION_KEY = "_captcha"
#: Response header with the answer, only on an app built with ``CAPTCHA_TEST_ANSWERS``.
TEST_ANSWER_HEADER = "X-Test-Captcha-Answer"

_generator = ImageCaptcha(width=160, height=60)


def generate_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _digest(challenge_id: str, answer: str) -> str:
    """The keyed hash of ``answer`` bound to its challenge's id (or a token's nonce): two
    challenges with the same code keep different hashes, so a hash seen with one answer
    tells nothing of another challenge's."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{challenge_id}:{answer.strip()}".upper().encode(), hashlib.sha256).hexdigest()


#: Challenge slots: one per form with a captcha on the same page (``CaptchaField(slot=…)``).
SLOT_PATTERN = re.compile(r"[a-z]{0,16}")


def _slot_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="captcha-slot")


def _slot_cookie(slot: str) -> str:
    return f"captcha_{slot}"


def new_challenge(slot: str = "") -> bytes:
    """Create a code, remember its hash and return the PNG image.

    The page's one captcha keeps its hash in the session. A named ``slot`` (a page with two
    forms with a captcha) keeps it in a signed cookie of its own, since the two images load
    at the same time and two responses writing one session could lose a challenge; the
    server-side store records its first check, so it too answers once.
    """
    code = generate_code()
    # The id is claimed by the first check (see _take_challenge).
    challenge_id = secrets.token_urlsafe(16)
    challenge = {"h": _digest(challenge_id, code), "exp": int(time.time()) + TTL_SECONDS, "id": challenge_id}
    if slot:
        signed = _slot_serializer().dumps(challenge)

        @after_this_request
        def remember(response):
            response.set_cookie(_slot_cookie(slot), signed, max_age=TTL_SECONDS, httponly=True, samesite="Lax",
                                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
            return response
    else:
        session[SESSION_KEY] = challenge
    return _image(code)


def _image(code: str) -> bytes:
    if current_app.config.get("CAPTCHA_TEST_ANSWERS"):
        g.captcha_test_answer = code
    buffer = io.BytesIO()
    _generator.generate_image(code).save(buffer, format="PNG")
    return buffer.getvalue()


def _token_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="captcha-token")


def new_token_challenge() -> tuple[str, bytes]:
    """A challenge for a client without a session: ``(token, PNG image)``. The token holds
    a nonce and ``HMAC(key, nonce:answer)`` (a hash seen before says nothing of a new one),
    signed and valid for :data:`TTL_SECONDS`."""
    code = generate_code()
    nonce = secrets.token_urlsafe(16)
    token = _token_serializer().dumps({"n": nonce, "h": _digest(nonce, code)})
    return token, _image(code)


def verify_token(token: str | None, answer: str | None) -> bool:
    """Check and consume a token challenge: the first check of a token claims it (one atomic
    step in the session store), so a second check, or one at the same instant, fails."""
    if not enabled():
        return True
    try:
        challenge = _token_serializer().loads(token or "", max_age=TTL_SECONDS)
    except BadSignature:
        return False
    if not isinstance(challenge, dict) or not isinstance(challenge.get("n"), str):
        return False
    if not sessions.claim_once(f"captcha:{challenge['n']}", timedelta(seconds=TTL_SECONDS)):
        return False
    return bool(answer) and hmac.compare_digest(str(challenge.get("h")), _digest(challenge["n"], answer))


def _take_challenge(slot: str) -> dict | None:
    """Remove and return the challenge of ``slot``, or ``None`` when there is none or it
    was checked before (by this request's copy of the cookie or any other)."""
    if not slot:
        challenge = session.pop(SESSION_KEY, None)
    else:
        challenge = _slot_challenge(slot)
    if not challenge or not challenge.get("id"):
        return None
    return challenge if sessions.claim_once(f"captcha:{challenge['id']}", timedelta(seconds=TTL_SECONDS)) else None


def _slot_challenge(slot: str) -> dict | None:
    signed = request.cookies.get(_slot_cookie(slot))

    @after_this_request
    def forget(response):
        response.delete_cookie(_slot_cookie(slot))
        return response

    if not signed:
        return None
    try:
        return _slot_serializer().loads(signed, max_age=TTL_SECONDS)
    except BadSignature:
        return None


def enabled() -> bool:
    return bool(current_app.config.get("CAPTCHA_ENABLED", True))


def answer_may_pass(answer: str | None, slot: str = "") -> bool:
    """Whether ``answer`` is right for the session's challenge (of ``slot``), checked
    without consuming it: a form with costly work before its checks (the letter form stores
    its attachments before its first write) does that work only when :func:`verify` may
    pass. Only :func:`verify` decides: a copy of the request sent at the same instant may
    still consume the challenge first."""
    if not enabled():
        return True
    if not slot:
        challenge = session.get(SESSION_KEY)
    else:
        signed = request.cookies.get(_slot_cookie(slot))
        try:
            challenge = _slot_serializer().loads(signed, max_age=TTL_SECONDS) if signed else None
        except BadSignature:
            challenge = None
    if not isinstance(challenge, dict) or not challenge.get("id") or not answer:
        return False
    if challenge.get("exp", 0) < time.time():
        return False
    return hmac.compare_digest(str(challenge.get("h")), _digest(challenge["id"], answer))


def verify(answer: str | None, slot: str = "") -> bool:
    """Check and consume the session's challenge (of ``slot``)."""
    if not enabled():
        return True
    challenge = _take_challenge(slot)
    if not challenge or not answer or challenge.get("exp", 0) < time.time():
        return False
    return hmac.compare_digest(str(challenge.get("h")), _digest(challenge["id"], answer))
