"""A self-hosted image captcha (no third-party service).

The answer is kept in the signed session as a salted hash with an expiry and is consumed by
the first check, right or wrong, so an image cannot be replayed. Disabled with
``CAPTCHA_ENABLED = False`` (tests that do not test the captcha itself).

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

from captcha.image import ImageCaptcha
from flask import current_app, g, session

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


def _digest(answer: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, answer.strip().upper().encode(), hashlib.sha256).hexdigest()


#: Challenge slots: one per form with a captcha on the same page (``CaptchaField(slot=…)``).
SLOT_PATTERN = re.compile(r"[a-z]{0,16}")


def _slot_key(slot: str) -> str:
    return f"{SESSION_KEY}:{slot}" if slot else SESSION_KEY


def new_challenge(slot: str = "") -> bytes:
    """Create a code, remember its hash in the session (under ``slot``) and return the PNG image."""
    code = generate_code()
    session[_slot_key(slot)] = {"h": _digest(code), "exp": int(time.time()) + TTL_SECONDS}
    if current_app.config.get("CAPTCHA_TEST_ANSWERS"):
        g.captcha_test_answer = code
    buffer = io.BytesIO()
    _generator.generate_image(code).save(buffer, format="PNG")
    return buffer.getvalue()


def enabled() -> bool:
    return bool(current_app.config.get("CAPTCHA_ENABLED", True))


def verify(answer: str | None, slot: str = "") -> bool:
    """Check and consume the session's challenge (of ``slot``)."""
    if not enabled():
        return True
    challenge = session.pop(_slot_key(slot), None)
    if not challenge or not answer or challenge.get("exp", 0) < time.time():
        return False
    return hmac.compare_digest(challenge["h"], _digest(answer))
