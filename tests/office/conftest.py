"""Fixtures of the office tests: rows of the real features (letters, collections,
interviews) built directly, so the dashboard reads them through the features' own
services; and an application without those features."""
from __future__ import annotations

from datetime import datetime, timezone
from itertools import count

import pytest

from interact.core import contributions
from interact.interviews.models import Interview, InterviewStatus
from interact.letters.models import Letter, LetterChannel, LetterKind, LetterStatus
from interact.surveys.models import Collection, CollectionStatus


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def rows(db):
    """``rows.letter(...)``, ``rows.collection(...)``, ``rows.interview(...)``: one stored row each."""
    numbers = count(1)

    class Rows:
        @staticmethod
        def letter(status: LetterStatus, department, submitted, *, due=None, answered=None, on_time=None,
                   channel: str = "consultation", title: str | None = None) -> Letter:
            i = next(numbers)
            row = Letter(number=f"ZX2026{i:04d}", channel=LetterChannel(channel), kind=LetterKind.CONSULTATION,
                         status=status, title=title or f"来信{i}", body="内容", name="张三", phone="13900000000",
                         query_code_hash="x" * 64, department_id=department.id if department is not None else None,
                         submitted_at=submitted, due_at=due, answered_at=answered, answered_on_time=on_time,
                         answered_workdays=3 if answered else None)
            db.session.add(row)
            db.session.commit()
            return row

        @staticmethod
        def collection(title: str, department, starts, ends, *, feedback_at=None) -> Collection:
            row = Collection(title=title, department_id=department.id, starts_at=starts, ends_at=ends,
                             status=CollectionStatus.PUBLISHED, feedback_published_at=feedback_at,
                             feedback_on_time=True if feedback_at else None)
            db.session.add(row)
            db.session.commit()
            return row

        @staticmethod
        def interview(topic: str, department, start, status: InterviewStatus) -> Interview:
            row = Interview(topic=topic, department_id=department.id, scheduled_start=start, status=status)
            db.session.add(row)
            db.session.commit()
            return row

    return Rows


@pytest.fixture
def without_features(monkeypatch):
    """An application in which no feature contributed to the office (none installed)."""
    monkeypatch.setattr(contributions, "office", contributions.OfficeSources())


@pytest.fixture
def racing_admin(racing_app) -> int:
    """The id of an administrator in ``racing_app`` (tests/accounts/test_session_races.py),
    for the double-click tests of the administrator's forms."""
    from tests.staff_races import make_staff

    return make_staff(racing_app, "admin", "admin")
