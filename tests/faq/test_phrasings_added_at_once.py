"""作为相似问法加入 clicked several times (attack H3): the phrasing is added to the entry once
and the curator's decision is stored as one labelled example, whether the copies arrive
at once or one after the other; 不应给出答案 clicked twice is one example too."""
from __future__ import annotations

import sqlalchemy as sa

from interact.accounts.models import User
from interact.extensions import db as _db
from interact.faq import services
from interact.faq.models import CuratorExample, FaqPhrasing
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import count, hold_together, make_staff, post_copies

COPIES = 4
QUESTION = "人才公寓怎么申请呀"


def _entry(app, curator_id: int) -> int:
    def draft():
        entry = services.create_entry(services.EntryData(question="人才公寓申请条件", answer_html="<p>见公告。</p>"),
                                      actor=_db.session.get(User, curator_id))
        _db.session.commit()
        return entry.id

    return in_app(app, draft)


def _phrasings(app, entry_id: int) -> int:
    return count(app, sa.select(FaqPhrasing.id).where(FaqPhrasing.entry_id == entry_id))


def _examples(app) -> int:
    return count(app, sa.select(CuratorExample.id))


def test_a_phrasing_added_four_times_at_once_is_added_once_and_learned_once(racing_app, monkeypatch):
    curator_id = make_staff(racing_app, "curator", "curator")
    entry_id = _entry(racing_app, curator_id)
    hold_together(monkeypatch, services, "add_phrasings", COPIES)
    statuses = post_copies(racing_app, curator_id, "/staff/faq/unanswered/phrasings",
                           {"entry_id": str(entry_id), "texts": QUESTION}, COPIES)
    assert statuses == [302] * COPIES
    assert _phrasings(racing_app, entry_id) == 1
    assert _examples(racing_app) == 1


def test_the_same_decision_clicked_again_later_is_not_learned_twice(racing_app):
    curator_id = make_staff(racing_app, "curator", "curator")
    entry_id = _entry(racing_app, curator_id)
    for _ in range(2):
        post_copies(racing_app, curator_id, "/staff/faq/unanswered/phrasings",
                    {"entry_id": str(entry_id), "texts": QUESTION}, 1)
        post_copies(racing_app, curator_id, "/staff/faq/unanswered/no-answer", {"texts": "今晚吃什么好"}, 1)
    assert _phrasings(racing_app, entry_id) == 1
    assert _examples(racing_app) == 2  # one phrasing decision, one "no answer" decision
