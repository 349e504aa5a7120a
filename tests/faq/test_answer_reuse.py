"""A question asked again is answered from the answer kept by the process (no scoring, no
reading of entries), yet logged and counted every time; suggestions while typing are shared
like public pages. Both follow a change of the entries or of the engine at once."""
from __future__ import annotations

import pytest

from interact.faq import services
from interact.faq.models import AskLog, FaqEntry

QUESTION = "结婚登记需要带什么材料？"


@pytest.fixture
def cached(app):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60


def _ask(client, question=QUESTION, **extra):
    return client.get("/api/v1/faq/answer", query_string={"q": question, **extra})


def test_an_answer_asked_again_is_logged_and_counted_each_time(cached, client, db, kb, monkeypatch):
    first = _ask(client).get_json()
    scored = []
    monkeypatch.setattr(services, "ask", lambda *a, **k: scored.append(1))  # a kept answer asks nothing
    # Another reader (a view counts once a day per address: attack L6).
    again = client.get("/api/v1/faq/answer", query_string={"q": QUESTION}, environ_base={"REMOTE_ADDR": "198.51.100.2"})
    assert again.get_json() == first and not scored
    assert "public" not in again.headers.get("Cache-Control", "")  # every ask is logged: never shared
    assert db.session.scalar(db.select(db.func.count(AskLog.id))) == 2
    db.session.expire_all()
    assert db.session.get(FaqEntry, kb[4].id).hits == 2


def test_an_edited_or_withdrawn_entry_is_not_answered_from_the_kept_answer(cached, client, db, kb, roles):
    assert _ask(client).get_json()["best"]["id"] == kb[4].id
    entry = kb[4]
    services.update_entry(entry, services.EntryData(question=entry.question, answer_html="<p>新的答案：带身份证。</p>",
                                                    phrasings=entry.phrasing_texts), actor=roles.curator)
    db.session.commit()
    assert "新的答案" in _ask(client).get_json()["best"]["answer_html"]
    services.withdraw_entry(entry, actor=roles.curator)
    db.session.commit()
    body = _ask(client).get_json()
    assert body["best"] is None or body["best"]["id"] != entry.id


def test_a_suggestion_is_shared_and_follows_a_new_synonym_at_once(cached, client, auth, db, roles, make_entry):
    entry = make_entry("医疗保险关系怎么转移到外地？", "<p>办理转移接续。</p>")
    make_entry("住房公积金怎么提取？")
    query = "医保关系怎么转移到外地"
    before = _ask(client, query, suggest="1")
    assert before.headers["Cache-Control"].startswith("public") and before.headers.get("ETag")
    assert _ask(client, query, suggest="1", ).get_json() == before.get_json()
    again = client.get("/api/v1/faq/answer", query_string={"q": query, "suggest": "1"},
                       headers={"If-None-Match": before.headers["ETag"]})
    assert again.status_code == 304
    assert db.session.scalar(db.select(db.func.count(AskLog.id))) == 0
    # A synonym changes the engine, not a published entry: the shared suggestion follows it.
    auth.login(roles.curator)
    client.post("/staff/faq/synonyms", data={"terms": "医保 = 医疗保险"})
    auth.logout()
    after = _ask(client, query, suggest="1").get_json()
    assert after["answered"] is True and after["best"]["id"] == entry.id
    assert after["confidence"] > before.get_json()["confidence"]


def test_the_search_page_is_kept_and_renewed_by_a_change_of_the_engine(cached, client, db, kb, monkeypatch):
    from interact.core import pagecache
    from interact.faq import index

    searches = []
    real = services.search_entries
    monkeypatch.setattr(services, "search_entries", lambda *a, **k: searches.append(1) or real(*a, **k))
    first = client.get("/faq/search", query_string={"q": "居住证"})
    assert first.headers["Cache-Control"].startswith("public") and "居住证怎么办理" in first.get_data(as_text=True)
    # Kept past the general lifetime of a page (nothing on it follows the clock).
    now = [pagecache.time.monotonic() + 120]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    assert client.get("/faq/search", query_string={"q": "居住证"}).get_data() == first.get_data()
    assert len(searches) == 1
    # A change of the engine alone (synonyms, the model, declined wordings) renews it.
    index.changed()
    db.session.commit()
    client.get("/faq/search", query_string={"q": "居住证"})
    assert len(searches) == 2
