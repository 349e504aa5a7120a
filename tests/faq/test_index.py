"""The process-wide matching index follows the database."""
from __future__ import annotations

import time

from interact.faq import index, services
from interact.faq.models import FaqEntry

NEW_QUESTION = "火箭发射场参观怎么预约？"


def top_id(text: str):
    matches = index.get_engine().search(text, 1)
    return matches[0].id if matches else None


def test_index_built_from_published_entries_only(app, kb, make_entry):
    draft = make_entry("草稿里的独特问题叫什么？", publish=False)
    engine = index.get_engine()
    assert len(engine) == len(kb)
    assert draft.id not in engine
    assert top_id("住房公积金怎么提取？") == kb[0].id


def test_curator_edit_changes_the_answer_at_once(app, db, roles, kb, auth, client):
    assert top_id(NEW_QUESTION) != kb[5].id
    before = client.get("/api/v1/faq/answer", query_string={"q": NEW_QUESTION}).get_json()
    assert before["answered"] is False
    auth.login(roles.curator)
    response = client.post(f"/staff/faq/{kb[5].id}/edit", data={
        "question": NEW_QUESTION, "answer_html": "<p>在官网预约。</p>", "phrasings": "", "category_id": "",
        "department_id": "", "keywords": "",
    })
    assert response.status_code == 302
    assert top_id(NEW_QUESTION) == kb[5].id
    after = client.get("/api/v1/faq/answer", query_string={"q": NEW_QUESTION}).get_json()
    assert after["answered"] is True and after["best"]["id"] == kb[5].id
    assert after["best"]["answer_html"] == "<p>在官网预约。</p>"


def test_withdraw_removes_from_index(app, db, roles, kb):
    services.withdraw_entry(kb[2], actor=roles.curator)
    db.session.commit()
    assert kb[2].id not in index.get_engine()
    assert top_id("居住证怎么办理？") != kb[2].id


def test_changes_sync_incrementally_synonyms_rebuild(app, db, roles, kb):
    holder = index.get_index()
    holder.engine()
    builds, syncs = holder.builds, holder.syncs
    services.update_entry(kb[1], services.EntryData(question="社保卡丢了如何补办？", answer_html="<p>补卡</p>"),
                          actor=roles.curator)
    db.session.commit()
    holder.engine()
    assert (holder.builds, holder.syncs) == (builds, syncs + 1)
    services.save_synonym_group("社保卡 社会保障卡", actor=roles.curator)
    db.session.commit()
    holder.engine()
    assert holder.builds == builds + 1


def test_other_workers_see_changes_within_the_check_interval(app, db, roles, kb):
    other = index.FaqIndex()  # another process's holder over the same database
    assert NEW_QUESTION not in [m.matched_text for m in other.engine().search(NEW_QUESTION, 3)]
    services.update_entry(kb[3], services.EntryData(question=NEW_QUESTION, answer_html="<p>预约</p>"),
                          actor=roles.curator)
    db.session.commit()
    # Within the interval the other worker trusts its index (no query at all) … (its last
    # check made "now": the update above may take longer than the interval on a loaded machine)
    other._checked_at = time.monotonic()
    hits = other.engine().search(NEW_QUESTION, 1)
    assert not hits or hits[0].id != kb[3].id
    # … and once it has passed it picks the change up.
    other._checked_at -= index.CHECK_SECONDS + 0.1
    assert other.engine().search(NEW_QUESTION, 1)[0].id == kb[3].id


def test_version_stamp_unchanged_means_no_reload(app, db, kb):
    holder = index.get_index()
    engine = holder.engine()
    holder._checked_at -= index.CHECK_SECONDS + 0.1
    assert holder.engine() is engine
    # A direct database change without a version bump is not noticed …
    entry = db.session.get(FaqEntry, kb[0].id)
    entry.revision += 1
    db.session.commit()
    holder._checked_at -= index.CHECK_SECONDS + 0.1
    syncs = holder.syncs
    holder.engine()
    assert holder.syncs == syncs
    # … the stamp is what workers watch.
    index.changed()
    db.session.commit()
    holder.engine()
    assert holder.syncs == syncs + 1


def test_each_app_has_its_own_index(app, kb):
    from interact import create_app
    from interact.config import TestConfig

    assert index.get_index(app) is index.get_index()
    assert index.get_index(create_app(TestConfig)) is not index.get_index(app)


def test_a_question_asked_again_is_not_scored_again(app, kb, client, monkeypatch):
    scored = []
    real_answer = index.MatchingEngine.answer

    def counting(engine, query):
        scored.append(query)
        return real_answer(engine, query)

    monkeypatch.setattr(index.MatchingEngine, "answer", counting)
    index.get_engine()  # built (an answer given while the engine changes is not kept)
    first = client.get("/api/v1/faq/answer", query_string={"q": "住房公积金怎么提取？"}).get_json()
    again = client.get("/api/v1/faq/answer", query_string={"q": "住房公积金怎么提取？"}).get_json()
    assert first == again and first["best"]["id"] == kb[0].id
    assert scored == ["住房公积金怎么提取？"]
    client.get("/api/v1/faq/answer", query_string={"q": "居住证怎么办理？"})
    assert len(scored) == 2


def test_remembered_answers_follow_another_workers_change(app, db, roles, kb):
    other = index.FaqIndex(answer_memo=10)  # another process's holder over the same database
    _engine, before = other.answer(NEW_QUESTION)
    assert before.best is None or before.best.id != kb[3].id
    services.update_entry(kb[3], services.EntryData(question=NEW_QUESTION, answer_html="<p>预约</p>"),
                          actor=roles.curator)
    db.session.commit()
    other._checked_at -= index.CHECK_SECONDS + 0.1
    _engine, after = other.answer(NEW_QUESTION)
    assert after.answered and after.best.id == kb[3].id
