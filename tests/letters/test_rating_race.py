"""Ratings sent at the same instant: of six requests rating one answer (through the API
with the query code, or the look-up page's form), one is recorded and the others are told
"您已评价过此答复。" — one rating, one timeline event, one notice to the office.

Every racing request waits, once it has loaded the letter (unrated) and is about to rate
it, until all the others have too: the moment a check-then-write race happens in. The
requests run in threads against a database other connections can write to (a file SQLite
database, or the PostgreSQL of the suite's re-run).
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from interact.core import captcha
from interact.extensions import db as _db
from interact.letters import services, workflow
from interact.letters.models import Letter, LetterChannel, LetterEvent, LetterKind, LetterRating
from tests.accounts.test_session_races import COOKIE, in_app, race, racing_app  # noqa: F401 - fixture
from tests.staff_races import gjj_office_and_handler

COPIES = 6


def _closed_letter() -> tuple[str, str]:
    department, office, handler = gjj_office_and_handler()
    result = services.submit_letter(services.LetterInput(
        channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION, title="公积金提取需要什么材料",
        body="我想提取住房公积金支付房租，请问需要哪些材料？", name="张三", phone="13812345678",
        email=None, publish_consent=False))
    letter = result.letter
    services.assign_letter(letter, department.id, actor=office)
    services.answer_letter(letter, actor=handler, answer_html="<p>请携带身份证和租房合同办理。</p>")
    services.approve_answer(letter, actor=office, publish=False)
    _db.session.commit()
    return letter.number, result.query_code


@pytest.fixture
def held_at_rating(racing_app, monkeypatch):
    """Every rating request waits at the start of the rating step for the others (six
    POSTs from one address: the per-address limit is raised for the race)."""
    monkeypatch.setitem(racing_app.config, "RATELIMIT_PUBLIC_POST", "100 per minute")
    barrier = threading.Barrier(COPIES, timeout=20)
    rate = workflow.rate

    def rate_together(*args, **kwargs):
        barrier.wait()
        return rate(*args, **kwargs)

    monkeypatch.setattr(workflow, "rate", rate_together)


def _recorded(app, number: str) -> tuple[int, object]:
    def read():
        letter = _db.session.scalar(sa.select(Letter).where(Letter.number == number))
        events = _db.session.scalar(sa.select(sa.func.count()).select_from(LetterEvent)
                                    .where(LetterEvent.letter_id == letter.id, LetterEvent.action == "rated"))
        return events, letter.rating

    return in_app(app, read)


def test_six_api_ratings_at_once_record_one(racing_app, held_at_rating):
    number, code = in_app(racing_app, _closed_letter)
    visitor = FlaskClient(racing_app, racing_app.response_class, use_cookies=True)
    visitor.get("/captcha.png")  # any session: the API needs none

    ratings = ["unsatisfied", "satisfied"] * (COPIES // 2)
    bodies: list[dict] = [{} for _ in range(COPIES)]

    def rate(client, n):
        response = client.post(f"/api/v1/letters/{number}/rating", json={"rating": ratings[n]},
                               headers={"X-Query-Code": code})
        bodies[n] = response.get_json()
        return response.status_code

    statuses = race(racing_app, visitor.get_cookie(COOKIE).value, rate, copies=COPIES)
    assert sorted(statuses) == [200] + [409] * (COPIES - 1), statuses
    refused = [b for s, b in zip(statuses, bodies) if s == 409]
    assert all(b["error"]["message"] == "您已评价过此答复。" for b in refused)
    winner = ratings[statuses.index(200)]
    events, stored = _recorded(racing_app, number)
    assert events == 1
    assert stored is LetterRating(winner)


def test_six_rating_forms_at_once_record_one(racing_app, held_at_rating):
    number, code = in_app(racing_app, _closed_letter)
    visitor = FlaskClient(racing_app, racing_app.response_class, use_cookies=True)
    answer = visitor.get("/captcha.png").headers[captcha.TEST_ANSWER_HEADER]
    looked_up = visitor.post("/letters/lookup", data={"number": number, "code": code, "captcha": answer})
    assert looked_up.status_code == 302  # this browser may now see and rate the letter

    def rate(client, n):
        response = client.post(f"/letters/track/{number}/rate",
                               data={"rating": "unsatisfied" if n % 2 else "satisfied", "comment": f"第{n}次"})
        # Refused copies go back to the tracking page too (post/redirect/get), saying why.
        assert response.headers["Location"].endswith(f"/letters/track/{number}")
        return response.status_code

    statuses = race(racing_app, visitor.get_cookie(COOKIE).value, rate, copies=COPIES)
    assert sorted(statuses) == [302] + [303] * (COPIES - 1), statuses
    events, stored = _recorded(racing_app, number)
    assert events == 1 and stored is not None
