"""A curator's double clicks (attack N10): the same form posted four times at once adds
one category, one entry, one synonym group, and publishes a draft once; the other copies
get the 409 the sequential check gives (同名分类 / 相同的标准问题 / 已在另一组同义词中)."""
from __future__ import annotations

import sqlalchemy as sa

from interact.accounts.models import User
from interact.core.models import AuditEvent
from interact.extensions import db as _db
from interact.faq import services
from interact.faq.models import FaqCategory, FaqEntry, FaqRevision, SynonymGroup
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import count, hold_together, make_staff, post_copies

COPIES = 4


def _refused(statuses: list[int], texts: list[str], message: str) -> bool:
    return all(message in text for status, text in zip(statuses, texts) if status == 409)


def test_a_category_added_four_times_at_once_is_added_once(racing_app, monkeypatch):
    curator_id = make_staff(racing_app, "curator", "curator")
    hold_together(monkeypatch, services, "save_category", COPIES)
    texts: list[str] = []
    statuses = post_copies(racing_app, curator_id, "/staff/faq/categories",
                           {"name": "并发分类", "parent_id": "", "sort_order": "100"}, COPIES, texts)
    assert sorted(statuses) == [302] + [409] * (COPIES - 1), statuses
    assert _refused(statuses, texts, "同一上级下已有同名分类")
    assert count(racing_app, sa.select(FaqCategory.id).where(FaqCategory.name == "并发分类")) == 1


def test_an_entry_created_four_times_at_once_is_created_once(racing_app, monkeypatch):
    curator_id = make_staff(racing_app, "curator", "curator")
    hold_together(monkeypatch, services, "create_entry_for_questions", COPIES)
    texts: list[str] = []
    statuses = post_copies(racing_app, curator_id, "/staff/faq/new",
                           {"question": "并发条目怎么办理", "answer_html": "<p>携带身份证到窗口办理。</p>"}, COPIES, texts)
    assert sorted(statuses) == [302] + [409] * (COPIES - 1), statuses
    assert _refused(statuses, texts, "已有相同的标准问题")
    assert count(racing_app, sa.select(FaqEntry.id).where(FaqEntry.question == "并发条目怎么办理")) == 1


def test_a_synonym_group_saved_four_times_at_once_is_saved_once(racing_app, monkeypatch):
    curator_id = make_staff(racing_app, "curator", "curator")
    hold_together(monkeypatch, services, "save_synonym_group", COPIES)
    texts: list[str] = []
    statuses = post_copies(racing_app, curator_id, "/staff/faq/synonyms", {"terms": "并发词甲 并发词乙"}, COPIES, texts)
    assert sorted(statuses) == [302] + [409] * (COPIES - 1), statuses
    assert _refused(statuses, texts, "已在另一组同义词")
    assert count(racing_app, sa.select(SynonymGroup.id)) == 1


def test_a_draft_published_four_times_at_once_is_published_once(racing_app, monkeypatch):
    curator_id = make_staff(racing_app, "curator", "curator")

    def draft():
        entry = services.create_entry(services.EntryData(question="并发发布怎么办理", answer_html="<p>答。</p>"),
                                      actor=_db.session.get(User, curator_id))
        _db.session.commit()
        return entry.id

    entry_id = in_app(racing_app, draft)
    hold_together(monkeypatch, services, "publish_entry", COPIES)
    statuses = post_copies(racing_app, curator_id, f"/staff/faq/{entry_id}/publish", {}, COPIES)
    assert statuses == [302] * COPIES  # each copy goes back to the entry's page, which says what happened
    published = count(racing_app, sa.select(FaqRevision.id).where(FaqRevision.entry_id == entry_id,
                                                                  FaqRevision.action == "published"))
    assert published == 1
    assert count(racing_app, sa.select(AuditEvent.id).where(AuditEvent.action == "faq.published")) <= 1
    assert in_app(racing_app, lambda: _db.session.get(FaqEntry, entry_id).revision) == 2
