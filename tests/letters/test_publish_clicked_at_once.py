"""公开 / 撤下 of a letter clicked several times at once (attack H4): one is carried out, the
others are told the letter was just published or withdrawn; the letter has one event and
the public list's running total counts it once."""
from __future__ import annotations

import sqlalchemy as sa

from interact.extensions import db as _db
from interact.letters import monthcounts, services
from interact.letters.models import Letter
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.letters.test_double_actions import _events, _setup
from tests.staff_races import hold_together, post_copies


def _closed_with_consent(app):
    s = _setup(app, until="closed")

    def consent():
        _db.session.get(Letter, s.letter_id).publish_consent = True
        _db.session.commit()

    in_app(app, consent)
    return s


def _published_total(app) -> int:
    return in_app(app, lambda: _db.session.scalar(monthcounts.published_total()))


def _recounted_total(app) -> int:
    def recount():
        monthcounts.rebuild(_db.session.connection())
        _db.session.commit()
        return _db.session.scalar(monthcounts.published_total())

    return in_app(app, recount)


def _published_letters(app) -> int:
    return in_app(app, lambda: _db.session.scalar(
        sa.select(sa.func.count()).select_from(Letter).where(Letter.published == sa.true())))


def test_publish_clicked_three_times_at_once_publishes_once(racing_app, monkeypatch):
    s = _closed_with_consent(racing_app)
    hold_together(monkeypatch, services, "publish_letter", 3)
    texts: list[str] = []
    statuses = post_copies(racing_app, s.office_id, f"/staff/letters/{s.letter_id}/publish",
                           {"publish": "1"}, 3, texts)
    assert sorted(statuses) == [302, 409, 409], statuses
    assert all("该来信刚刚已被公开" in text for status, text in zip(statuses, texts) if status == 409)
    assert _events(racing_app, s.letter_id, "published") == 1
    assert _published_letters(racing_app) == 1
    assert _published_total(racing_app) == 1  # the list says 共 1 封
    assert _recounted_total(racing_app) == 1


def test_withdraw_clicked_three_times_at_once_withdraws_once(racing_app, monkeypatch):
    s = _closed_with_consent(racing_app)
    post_copies(racing_app, s.office_id, f"/staff/letters/{s.letter_id}/publish", {"publish": "1"}, 1)
    hold_together(monkeypatch, services, "withdraw_letter", 3)
    statuses = post_copies(racing_app, s.office_id, f"/staff/letters/{s.letter_id}/publish",
                           {"publish": "0", "note": "涉及隐私"}, 3)
    assert sorted(statuses) == [302, 409, 409], statuses
    assert _events(racing_app, s.letter_id, "withdrawn") == 1
    assert _published_letters(racing_app) == 0
    assert _published_total(racing_app) == 0
    assert _recounted_total(racing_app) == 0


def test_publishing_a_public_letter_again_is_refused_and_records_nothing(racing_app):
    s = _closed_with_consent(racing_app)
    for _ in range(2):
        statuses = post_copies(racing_app, s.office_id, f"/staff/letters/{s.letter_id}/publish",
                               {"publish": "1"}, 1)
    assert statuses == [409]
    assert _events(racing_app, s.letter_id, "published") == 1
    assert _published_total(racing_app) == 1
