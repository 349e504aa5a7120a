"""Start-up checks for production mode.

**Production mode** is every process that is neither testing, nor debugging
(``flask --debug``), nor the local demo (``DEMO``, which ``make run`` sets). So gunicorn
workers, the scheduler and the ``flask`` commands of a deployed installation are in
production mode unless told otherwise.

In production mode the app refuses to start when

- ``PUBLIC_BASE_URL`` is not set (links in e-mails would point at nobody's machine), or
- ``CAPTCHA_TEST_ANSWERS`` is on (browser tests only; it cannot come from the environment), or
- the SMS settings are missing or wrong (``SMS_BACKEND`` must be ``http`` with a gateway URL
  and token: registration and 忘记密码 send one-time codes; see :mod:`interact.core.sms`), or
- rate limits are kept in process memory (``memory://``) while several web workers run
  (``WEB_WORKERS``, set by ``interact.gunicorn_conf`` from gunicorn's ``-w``): every limit
  would be multiplied by the number of workers. ``ALLOW_MEMORY_RATELIMIT=true`` accepts it.

A ``flask`` command other than ``scheduler`` only logs the problems (so ``db upgrade`` and
``--help`` work while the settings are being written).
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)


def rate_limit_storage(config: Mapping[str, Any]) -> str:
    """Flask-Limiter's storage: ``RATELIMIT_STORAGE_URI``, else ``REDIS_URL``, else memory."""
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"


def is_production(config: Mapping[str, Any]) -> bool:
    return not (config.get("TESTING") or config.get("DEBUG") or config.get("DEMO"))


def problems(config: Mapping[str, Any]) -> list[str]:
    """What stops this configuration from running in production (empty when fine); outside
    production, settings that are plainly wrong in any mode (an unknown SMS backend)."""
    from interact.core import sms

    if not is_production(config):
        return sms.problems(config, production=False)
    found = sms.problems(config, production=True)
    if not config.get("PUBLIC_BASE_URL"):
        found.append("INTERACT_PUBLIC_BASE_URL is not set (the https:// address citizens use; "
                     "links in e-mails are built from it).")
    if config.get("CAPTCHA_TEST_ANSWERS"):
        found.append("CAPTCHA_TEST_ANSWERS is on: it exists for the browser tests only and would "
                     "hand every captcha's answer to any visitor.")
    storage = rate_limit_storage(config)
    workers = int(config.get("WEB_WORKERS") or 1)
    limits_on = config.get("RATELIMIT_ENABLED", True) is not False
    if limits_on and storage.startswith("memory://") and workers > 1 and not config.get("ALLOW_MEMORY_RATELIMIT"):
        found.append(f"Rate limits are kept in memory with {workers} web workers, so every limit is "
                     f"{workers} times too high. Set INTERACT_REDIS_URL (or INTERACT_RATELIMIT_STORAGE_URI), "
                     "or INTERACT_ALLOW_MEMORY_RATELIMIT=true to accept it.")
    return found


class NotReadyForProduction(RuntimeError):
    """The settings would run a production process wrongly; the message says what to set."""


def check(config: Mapping[str, Any], *, strict: bool) -> None:
    """Raise :class:`NotReadyForProduction` (``strict``) or log each problem."""
    found = problems(config)
    if not found:
        return
    if strict:
        mode = "in production mode" if is_production(config) else "with these settings"
        raise NotReadyForProduction(f"Refusing to start {mode}:\n  - " + "\n  - ".join(found))
    for problem in found:
        log.warning("Production check: %s", problem)
