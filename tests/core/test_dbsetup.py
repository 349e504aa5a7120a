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


def _engine_with_table(tmp_path):
    register_engine_hooks()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'interact.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE letters (id INTEGER PRIMARY KEY, title TEXT)")
    return engine


def test_writers_take_turns_at_once_when_the_previous_transaction_ends(tmp_path):
    """Another process's writer waits for the first and writes as soon as it commits,
    without SQLite's busy handler sleeping (its back-off reaches 50–100 ms per retry)."""
    import statistics
    import threading
    import time

    engine = _engine_with_table(tmp_path)
    other = sa.create_engine(f"sqlite:///{tmp_path / 'interact.db'}")  # another worker's engine
    lags = []
    try:
        for round_no, hold in enumerate((0.35, 0.45, 0.55, 0.65, 0.75)):
            done = {}
            first = engine.connect()
            transaction = first.begin()
            first.exec_driver_sql(f"INSERT INTO letters (title) VALUES ('first {round_no}')")

            def second_writer():
                with other.begin() as connection:
                    connection.exec_driver_sql(f"INSERT INTO letters (title) VALUES ('second {round_no}')")
                done["at"] = time.monotonic()

            thread = threading.Thread(target=second_writer)
            thread.start()
            time.sleep(hold)
            assert "at" not in done  # waits for the first writer
            committed = time.monotonic()
            transaction.commit()
            first.close()
            thread.join(5)
            lags.append(done["at"] - committed)
        assert statistics.median(lags) < 0.025, lags
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM letters").scalar() == 10
    finally:
        engine.dispose()
        other.dispose()


def test_a_connection_given_back_without_commit_lets_the_next_writer_in(tmp_path):
    engine = _engine_with_table(tmp_path)
    other = sa.create_engine(f"sqlite:///{tmp_path / 'interact.db'}")
    try:
        connection = engine.connect()
        connection.exec_driver_sql("INSERT INTO letters (title) VALUES ('abandoned')")
        connection.close()  # back to the pool: rolled back there, not by the caller
        with other.begin() as writer:  # would wait 15 s if the lock were still held
            writer.exec_driver_sql("INSERT INTO letters (title) VALUES ('next')")
        with other.connect() as reader:
            assert reader.exec_driver_sql("SELECT title FROM letters").scalars().all() == ["next"]
    finally:
        engine.dispose()
        other.dispose()


def test_a_savepoint_that_reads_before_it_writes_is_not_refused_by_a_commit_meanwhile(tmp_path):
    """A transaction whose first statement is a SAVEPOINT (``unique_or_conflict``, a letter's
    number) and that reads before it writes: SQLite began it as a read, and another writer
    committing in between used to make its write fail at once with "database is locked"
    (the read's snapshot cannot become a write) — a 500 for a double click under load.
    The savepoint now starts a write transaction: the other writer waits for it instead."""
    import threading

    engine = _engine_with_table(tmp_path)
    other = sa.create_engine(f"sqlite:///{tmp_path / 'interact.db'}")  # another worker's engine

    def other_writer():
        with other.begin() as connection:
            connection.exec_driver_sql("INSERT INTO letters (title) VALUES ('other')")

    try:
        with engine.connect() as connection:
            with connection.begin():
                with connection.begin_nested():
                    assert connection.exec_driver_sql("SELECT count(*) FROM letters").scalar() == 0
                    thread = threading.Thread(target=other_writer)
                    thread.start()
                    thread.join(timeout=1.0)  # it commits now, or waits for this transaction
                    connection.exec_driver_sql("INSERT INTO letters (title) VALUES ('this')")
        thread.join(timeout=20)
        assert not thread.is_alive()
        with engine.connect() as connection:
            titles = sorted(connection.exec_driver_sql("SELECT title FROM letters").scalars())
        assert titles == ["other", "this"]
    finally:
        other.dispose()
        engine.dispose()
