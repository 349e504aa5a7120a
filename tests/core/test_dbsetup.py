"""SQLite connection settings (``core.dbsetup``)."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core.dbsetup import register_engine_hooks


def _settings(url: str) -> tuple[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return (connection.exec_driver_sql("PRAGMA journal_mode").scalar(),
                    connection.exec_driver_sql("PRAGMA synchronous").scalar())
    finally:
        engine.dispose()


def test_every_connection_to_a_wal_database_syncs_at_checkpoints_not_at_each_commit(tmp_path):
    register_engine_hooks()
    url = f"sqlite:///{tmp_path / 'interact.db'}"
    # The first connection turns the file to WAL; later ones (other workers, restarts) find
    # it in WAL already and must still leave FULL (an fsync per commit) for NORMAL.
    assert _settings(url) == ("wal", 1)
    assert _settings(url) == ("wal", 1)
