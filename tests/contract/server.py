"""A throw-away server for the contract test: the demo data in a temporary SQLite file,
rate limits raised, served by werkzeug on a free loopback port in a background thread."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from interact import create_app
from interact.config import TestConfig

#: High enough that no generated request is refused for its rate (429 is still documented).
RAISED_LIMIT = "100000 per minute"


def demo_app(folder: Path):
    """The application with the demo content (departments, leaders, letters, collections,
    interviews, FAQ), so generated requests also reach existing records."""
    from interact import cli
    from interact.extensions import db

    config = type("ContractConfig", (TestConfig,), {
        "DATABASE_URL": f"sqlite:///{folder / 'contract.db'}",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "RATELIMIT_PUBLIC_POST": RAISED_LIMIT, "RATELIMIT_FAQ_API": RAISED_LIMIT,
        "RATELIMIT_LETTER_LOOKUP": RAISED_LIMIT, "RATELIMIT_LOGIN": RAISED_LIMIT,
    })
    app = create_app(config)
    with app.app_context():
        db.create_all()
        cli.seed_demo.callback(force=False)
    return app


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port); yields the base URL; stops the server after."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="contract-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
