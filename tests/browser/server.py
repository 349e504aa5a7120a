"""Serve the real application for the browser tests: ``python tests/browser/server.py``.

The database (``INTERACT_DATABASE_URL``) must already be migrated and seeded; the harness
(``tests/browser/conftest.py``) does that with ``flask db upgrade`` and ``flask seed-demo``.
Binds 127.0.0.1 on a free port chosen by the system and prints ``READY <url>`` once it
listens. Werkzeug's threaded server, as ``flask serve-demo`` uses, without the scheduler
(no job runs behind a test's back).

The only test-specific settings are passed to ``create_app`` here, never through the
environment: ``CAPTCHA_TEST_ANSWERS`` (each captcha image's answer in a response header, so a
test reads the image's answer as a person reads the picture) and rate limits high enough for
one machine playing every visitor.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from werkzeug.serving import make_server  # noqa: E402

from interact import create_app  # noqa: E402

TEST_SETTINGS = {
    "CAPTCHA_TEST_ANSWERS": True,
    "RATELIMIT_LOGIN": "1000 per minute",
    "RATELIMIT_PUBLIC_POST": "1000 per minute",
    "RATELIMIT_FAQ_ASK": "1000 per minute",
    "RATELIMIT_FAQ_API": "1000 per minute",
    "CODES_PER_ADDRESS_HOUR": 100000,
    "CODES_PER_ADDRESS_DAY": 100000,
}


def main() -> None:
    app = create_app(TEST_SETTINGS)
    server = make_server("127.0.0.1", int(os.environ.get("BROWSER_TEST_PORT", "0")), app, threaded=True)
    print(f"READY http://127.0.0.1:{server.port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
