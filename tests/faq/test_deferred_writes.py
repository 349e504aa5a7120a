"""Hits and question logs gathered in memory and written together (core/deferred.py)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from interact.core import deferred
from interact.faq import index
from interact.faq.models import AskLog


@pytest.fixture
def deferring(app):
    app.config["DEFERRED_WRITE_SECONDS"] = 3600  # only an explicit flush writes
    yield app
    deferred.flush()


def _count_logs(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(AskLog.id)))


def test_views_and_questions_are_written_together_later(deferring, client, db, kb):
    index.get_engine()  # built here, not inside the request (which would wait at most a few seconds)
    entry = kb[1]
    stamp = entry.updated_at
    assert client.get(f"/faq/{entry.id}").status_code == 200
    # Another reader (a view counts once a day per address: attack L6).
    assert client.get(f"/faq/{entry.id}", environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 200
    answer = client.get("/api/v1/faq/answer", query_string={"q": kb[2].question})
    assert answer.status_code == 200 and answer.json["answered"]
    db.session.refresh(entry)
    assert entry.hits == 0 and _count_logs(db) == 0  # nothing written in the requests

    assert deferred.flush() == 3  # two counters and one log row, in one transaction
    db.session.refresh(entry)
    db.session.refresh(kb[2])
    assert (entry.hits, kb[2].hits) == (2, 1)
    assert entry.updated_at == stamp  # a view is not an edit
    log = db.session.scalar(sa.select(AskLog))
    assert log.source == "api" and log.answered and log.best_entry_id == kb[2].id and log.asked_at is not None


def test_a_failed_write_keeps_what_was_gathered(deferring, client, db, kb):
    client.get(f"/faq/{kb[0].id}")
    assert deferred.flush(sa.create_engine("sqlite://")) == 0  # no tables there: fails, kept
    assert deferred.pending() == 1
    assert deferred.flush() == 1
    db.session.refresh(kb[0])
    assert kb[0].hits == 1


def test_a_request_after_the_interval_writes(app, client, db, kb, monkeypatch):
    app.config["DEFERRED_WRITE_SECONDS"] = 0.5
    deferred.flush()
    client.get(f"/faq/{kb[0].id}")
    db.session.refresh(kb[0])
    assert kb[0].hits == 0
    monkeypatch.setitem(deferred._state, "last", deferred._state["last"] - 1)
    client.get("/faq")
    db.session.refresh(kb[0])
    assert kb[0].hits == 1 and deferred.pending() == 0


def test_a_row_the_database_refuses_is_dropped_and_the_rest_written(deferring, client, db, kb):
    """Attack N5: one question PostgreSQL refused (``/faq/ask?q=%00``: a NUL in the text) failed
    the whole batch, which was kept and failed again at every flush: that worker wrote no
    question and no hit any more. A row the database refuses is dropped; the others are written."""
    from interact.core import clock
    client.get(f"/faq/{kb[0].id}")
    deferred.insert(AskLog, {"asked_at": clock.now(), "text": None, "best_entry_id": None,  # NOT NULL: refused
                             "confidence": 0.0, "answered": False, "source": "web", "handled_at": None})
    assert client.get("/api/v1/faq/answer", query_string={"q": kb[2].question}).status_code == 200
    assert deferred.flush() == 3  # kb[0]'s and kb[2]'s hits and the good question; not the refused row
    assert deferred.pending() == 0
    db.session.refresh(kb[0])
    assert kb[0].hits == 1 and _count_logs(db) == 1


def test_a_question_with_a_nul_does_not_stop_the_logging(deferring, client, db, kb):
    """The same on the real path (PostgreSQL refuses NUL; SQLite stores it)."""
    index.get_engine()
    assert client.get("/faq/ask", query_string={"q": "公积金\x00"}).status_code == 200
    assert client.get("/api/v1/faq/answer", query_string={"q": kb[2].question}).status_code == 200
    deferred.flush()
    assert deferred.pending() == 0
    assert db.session.scalar(sa.select(sa.func.count(AskLog.id)).where(AskLog.source == "api")) == 1


def test_the_ask_page_drops_control_characters_as_the_api_refuses_them(deferring, client, db, kb):
    """The API refuses a question with a control character (422); the ask page, which a
    browser's address bar reaches with anything, drops them: the question is answered and
    logged as if typed without (attack N5: ``/faq/ask?q=%00`` was logged with its NUL)."""
    index.get_engine()
    question = kb[2].question
    spoilt = question[:2] + "\x00\x07" + question[2:] + "\x1b\x7f\x85"
    assert client.get("/api/v1/faq/answer", query_string={"q": spoilt}).status_code == 422
    page = client.get("/faq/ask", query_string={"q": spoilt})
    assert page.status_code == 200 and "\x00" not in page.get_data(as_text=True)
    deferred.flush()
    logged = db.session.scalar(sa.select(AskLog.text))
    assert logged is not None and not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in logged)
    assert db.session.scalar(sa.select(AskLog.answered))
