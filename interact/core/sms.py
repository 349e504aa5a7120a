"""Short messages to a citizen's phone (and one-time codes to an e-mail address): the SMS
sender beside the mail sender (:mod:`interact.core.notify`).

Calling it (from a service; the caller owns the transaction)::

    from interact.core import sms

    sms.deliver("sms", "13912345678", subject="注册账号验证", text="【政民互动】您的验证码……")

:func:`deliver` is the one way out for a message that must reach the citizen now (a
one-time code). ``SMS_BACKEND`` chooses how:

- ``outbox`` — nothing leaves the machine: every message (text or e-mail) is recorded in the
  ``message_outbox`` table. For the demo (``make run``; the demo-only page ``/demo/messages``
  shows it) and the tests. A production process refuses to start with it.
- ``http`` — a text message is POSTed at once to the operator's SMS gateway
  (``SMS_GATEWAY_URL``, JSON ``{"phone", "text", "sign"}``, bearer ``SMS_GATEWAY_TOKEN``,
  ``SMS_GATEWAY_TIMEOUT`` seconds); an e-mail goes through the mail outbox
  (:func:`interact.core.notify.email_citizen`, sent by the ``notify.send_mail`` job within a
  minute), which needs ``MAIL_SERVER``.

Settings are checked when the app starts (:func:`problems`, called by
:mod:`interact.core.production` and by ``create_app`` in every mode for values that are
plainly wrong), never first at request time. Nothing here logs a phone number, an e-mail
address or a message text (a code): a failure is logged by kind and HTTP status only.
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from interact.core import clock
from interact.core.models import OutboxMessage
from interact.extensions import db

log = logging.getLogger(__name__)

BACKENDS = ("outbox", "http")
CHANNELS = ("sms", "email")


class SendFailed(RuntimeError):
    """The gateway did not take the message (the caller tells the citizen to try later)."""


def backend(config: Mapping[str, Any] | None = None) -> str:
    """The configured backend; unset means ``outbox`` outside production (demo, tests)."""
    config = current_app.config if config is None else config
    return (config.get("SMS_BACKEND") or "outbox").strip().lower()


def problems(config: Mapping[str, Any], *, production: bool) -> list[str]:
    """What is wrong with the SMS settings (empty when fine)."""
    found = []
    name = (config.get("SMS_BACKEND") or "").strip().lower()
    if name and name not in BACKENDS:
        found.append(f"INTERACT_SMS_BACKEND={config.get('SMS_BACKEND')!r} is not one of {', '.join(BACKENDS)}.")
        return found
    if production and name != "http":
        found.append("INTERACT_SMS_BACKEND must be 'http' in production (registration and 忘记密码 send "
                     "one-time codes by SMS; 'outbox' only records them, for the demo and tests).")
        return found
    if name == "http":
        url = config.get("SMS_GATEWAY_URL") or ""
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            found.append("INTERACT_SMS_GATEWAY_URL must be the gateway's full https:// address "
                         f"(got {url!r}).")
        elif production and parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "::1", "localhost"):
            found.append("INTERACT_SMS_GATEWAY_URL must use https:// in production (codes travel in it); "
                         "plain http:// only to a relay on this machine (127.0.0.1).")
        if not config.get("SMS_GATEWAY_TOKEN"):
            found.append("INTERACT_SMS_GATEWAY_TOKEN is not set (the gateway's API token).")
        try:
            timeout = float(config.get("SMS_GATEWAY_TIMEOUT") or 0)
        except (TypeError, ValueError):
            timeout = 0
        if not 0 < timeout <= 30:
            found.append("INTERACT_SMS_GATEWAY_TIMEOUT must be a number of seconds between 0 and 30.")
    return found


def email_available() -> bool:
    """Whether a code can be sent to an e-mail address now."""
    return backend() == "outbox" or bool(current_app.config.get("MAIL_SERVER"))


def deliver(channel: str, to: str, *, subject: str, text: str, key: str) -> None:
    """Send ``text`` to a phone number (``sms``) or an e-mail address (``email``) now.

    :param subject: the e-mail's subject (and the outbox's label for a text message).
    :param key: the caller's idempotency key for the mail outbox (never repeated: ``code:<random>``).
    :raises SendFailed: the gateway refused or did not answer; nothing was sent.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if backend() == "outbox":
        db.session.add(OutboxMessage(channel=channel, to_address=to, subject=subject[:200], text=text,
                                     created_at=clock.now()))
        db.session.flush()
        log.info("Message recorded in the local outbox (%s)", channel)
        return
    if channel == "email":
        from interact.core import notify

        if not notify.email_citizen(to, subject=subject, template="citizen_notice", context={"lines": [text]},
                                    dedup_key=key):
            raise SendFailed("e-mail not queued")
        return
    _post_to_gateway(to, text)


def _post_to_gateway(phone: str, text: str) -> None:
    config = current_app.config
    body = json.dumps({"phone": phone, "text": text, "sign": config.get("SMS_SIGN") or config.get("SITE_NAME", "")},
                      ensure_ascii=False).encode()
    request = urllib.request.Request(
        config["SMS_GATEWAY_URL"], data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "Authorization": f"Bearer {config['SMS_GATEWAY_TOKEN']}"})
    try:
        with urllib.request.urlopen(request, timeout=float(config["SMS_GATEWAY_TIMEOUT"])) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, ValueError) as error:
        # Never the error's text: it may carry the URL's query or the gateway's echo of the number.
        log.warning("SMS gateway unreachable: %s", type(error).__name__)
        raise SendFailed(type(error).__name__) from None
    if not 200 <= status < 300:
        log.warning("SMS gateway refused a message: HTTP %s", status)
        raise SendFailed(f"HTTP {status}")
