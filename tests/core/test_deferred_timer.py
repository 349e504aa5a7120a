"""A worker that gathered FAQ hits and logged questions (core.deferred) and then gets no
more requests still writes them: a timer thread of the process writes them once they are
DEFERRED_WRITE_SECONDS old, and a stopping gunicorn worker writes them in ``worker_exit``.
Before, only a later request (or the interpreter's atexit) wrote them: a quiet worker kept
citizens' questions in memory for as long as nobody came."""
from __future__ import annotations

import time

import sqlalchemy as sa

from interact import gunicorn_conf
from interact.core import clock, deferred
from interact.extensions import db as _db
from interact.faq.models import AskLog
from tests.conftest import make_test_app


def _app(tmp_path, **settings):
    app = make_test_app(f"sqlite:///{tmp_path / 'quiet.db'}", **settings)
    with app.app_context():
        _db.create_all()
    return app


def _ask(app, text: str) -> None:
    """What /faq/ask does with a question once answered: keep its log row for later."""
    with app.test_request_context("/faq/ask"):
        deferred.insert(AskLog, {"asked_at": clock.now(), "text": text, "best_entry_id": None,
                                 "confidence": 0.1, "answered": False, "source": "web", "handled_at": None})


def _logged(tmp_path) -> list[str]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'quiet.db'}")
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.select(AskLog.text)).scalars())
    finally:
        engine.dispose()


def test_a_quiet_worker_writes_the_questions_it_kept_on_time(tmp_path):
    app = _app(tmp_path, DEFERRED_WRITE_SECONDS=0.2, DEFERRED_WRITE_TIMER=True)
    assert deferred.pending() == 0
    try:
        _ask(app, "公积金怎么提取")
        deadline = time.monotonic() + 15
        while not _logged(tmp_path) and time.monotonic() < deadline:  # no request comes meanwhile
            time.sleep(0.1)
        assert _logged(tmp_path) == ["公积金怎么提取"]
        assert deferred.pending() == 0
    finally:
        deferred.stop_timer()
        with app.app_context():
            deferred.flush()
            _db.engine.dispose()


def test_a_stopping_worker_writes_what_it_kept(tmp_path):
    app = _app(tmp_path, DEFERRED_WRITE_SECONDS=3600)  # no request would write them for an hour
    try:
        _ask(app, "社保卡丢了怎么办")
        assert _logged(tmp_path) == [] and deferred.pending() == 1
        gunicorn_conf.worker_exit(server=None, worker=None)
        assert _logged(tmp_path) == ["社保卡丢了怎么办"] and deferred.pending() == 0
    finally:
        with app.app_context():
            deferred.flush()
            _db.engine.dispose()
