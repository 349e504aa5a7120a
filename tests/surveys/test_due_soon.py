""""Feedback due soon" is one rule (surveys.deadlines.DUE_SOON_DAYS): the amber tag of a
collection (Collection.feedback_due_soon), the office dashboard's list and the owner's
reminder window select the same collections."""
from __future__ import annotations

from datetime import datetime

from interact.core import clock
from interact.extensions import db
from interact.surveys import services
from interact.surveys.deadlines import DUE_SOON_DAYS
from interact.surveys.models import Collection, CollectionKind, CollectionStatus


def _ended(roles, ends_at: datetime, title: str) -> Collection:
    collection = Collection(department_id=roles.department_a.id, title=title, summary="", body="",
                            kind=CollectionKind.OPINIONS, status=CollectionStatus.PUBLISHED,
                            starts_at=ends_at.replace(day=1), ends_at=ends_at)
    db.session.add(collection)
    return collection


def test_due_soon_is_one_rule_for_the_tag_and_the_list(db, roles, frozen):
    frozen(2026, 3, 20, 10)  # Beijing
    # Feedback due one month after the end: 2026-03-26 (6 days), 03-27 (7), 03-28 (8), 03-19 (overdue).
    collections = {days: _ended(roles, clock.local_datetime(datetime(2026, 2, 20 + days).date()), f"征集{days}")
                   for days in (6, 7, 8)}
    overdue = _ended(roles, clock.local_datetime(datetime(2026, 2, 19).date()), "逾期征集")
    db.session.commit()
    assert {c.feedback_days_left for c in collections.values()} == {6, 7, 8} and DUE_SOON_DAYS == 7
    listed = set(services.feedback_due_soon())
    for days, collection in collections.items():
        assert collection.feedback_due_soon is (days <= DUE_SOON_DAYS) is (collection in listed), days
    assert overdue.feedback_due_soon is False and overdue not in listed
