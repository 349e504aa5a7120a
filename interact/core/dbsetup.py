"""Engine-level settings: SQLite pragmas for integrity and concurrency."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

_registered = False


def register_engine_hooks() -> None:
    global _registered
    if _registered:
        return
    _registered = True

    @sa.event.listens_for(Engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            if mode not in ("memory", "wal"):
                # WAL lets readers continue while the scheduler or a worker writes.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
