"""``/api/v1/faq/…``."""
from __future__ import annotations

from interact.faq import services
from interact.faq.models import AskLog


def test_answer_shape_for_a_known_question(client, db, kb):
    body = client.get("/api/v1/faq/answer", query_string={"q": "结婚登记需要带什么材料？"}).get_json()
    assert set(body) >= {"answered", "confidence", "best", "related"}
    assert body["answered"] is True
    assert set(body["best"]) == {"id", "question", "answer_html", "url"}
    assert body["best"]["id"] == kb[4].id and body["best"]["url"].endswith(f"/faq/{kb[4].id}")
    assert 0.0 <= body["confidence"] <= 1.0
    assert len(body["related"]) <= 4
    for item in body["related"]:
        assert set(item) == {"id", "question", "url", "confidence"} and item["id"] != kb[4].id


def test_clearly_unrelated_question_gets_no_answer(client, db, kb):
    for question in ["今天天气怎么样", "明天股市会涨吗", "推荐一部好看的电影"]:
        body = client.get("/api/v1/faq/answer", query_string={"q": question}).get_json()
        assert body["answered"] is False, question
        assert body["best"] is None


def test_unanswered_question_lists_the_entry_it_is_about(client, db, kb):
    body = client.get("/api/v1/faq/answer", query_string={"q": "租房住了半年想办居住证需要啥"}).get_json()
    assert body["answered"] is False and body["best"] is None
    assert body["related"][0]["id"] == kb[2].id


def test_answer_logs_unless_suggesting(client, db, kb):
    client.get("/api/v1/faq/answer", query_string={"q": "社保卡丢了怎么补办", "suggest": "1"})
    assert db.session.scalar(db.select(db.func.count(AskLog.id))) == 0
    client.get("/api/v1/faq/answer", query_string={"q": "社保卡丢了怎么补办"})
    log = db.session.scalar(db.select(AskLog))
    assert log.source == "api" and log.text == "社保卡丢了怎么补办"


def test_answer_needs_q(client, db, kb):
    response = client.get("/api/v1/faq/answer")
    assert response.status_code == 422
    assert response.get_json()["error"]["message"]


def test_answer_is_rate_limited(client, app, db, kb):
    app.config["RATELIMIT_FAQ_API"] = "3 per minute"
    codes = [client.get("/api/v1/faq/answer", query_string={"q": "居住证", "suggest": "1"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_synonyms_used_by_the_web_answer(client, auth, db, roles, make_entry):
    entry = make_entry("医疗保险关系怎么转移到外地？", "<p>办理转移接续。</p>")
    make_entry("住房公积金怎么提取？")
    query = "医保关系怎么转移到外地"
    before = client.get("/api/v1/faq/answer", query_string={"q": query, "suggest": "1"}).get_json()
    auth.login(roles.curator)
    client.post("/staff/faq/synonyms", data={"terms": "医保 = 医疗保险"})
    after = client.get("/api/v1/faq/answer", query_string={"q": query, "suggest": "1"}).get_json()
    assert after["answered"] is True and after["best"]["id"] == entry.id
    assert after["confidence"] > before["confidence"]
    html = client.get("/faq/ask", query_string={"q": query}).get_data(as_text=True)
    assert "办理转移接续" in html


def test_entries_list_and_filters(client, db, roles, kb):
    category = services.save_category(name="户籍证件", parent_id=None, actor=roles.curator)
    child = services.save_category(name="居住证", parent_id=category.id, actor=roles.curator)
    services.update_entry(kb[2], services.EntryData(question=kb[2].question, answer_html=kb[2].answer_html,
                                                    category_id=child.id), actor=roles.curator)
    services.withdraw_entry(kb[5], actor=roles.curator)
    db.session.commit()
    body = client.get("/api/v1/faq/entries").get_json()
    assert body["total"] == len(kb) - 1 and body["page"] == 1
    assert {"id", "question", "url", "category", "department_id"} <= set(body["items"][0])
    assert all(item["id"] != kb[5].id for item in body["items"])
    by_category = client.get("/api/v1/faq/entries", query_string={"category": category.id}).get_json()
    assert [i["id"] for i in by_category["items"]] == [kb[2].id]
    assert by_category["items"][0]["category"] == "户籍证件 / 居住证"
    paged = client.get("/api/v1/faq/entries", query_string={"per_page": 2, "page": 2}).get_json()
    assert len(paged["items"]) == 2 and paged["per_page"] == 2
    searched = client.get("/api/v1/faq/entries", query_string={"q": "结婚登记"}).get_json()
    assert searched["items"][0]["id"] == kb[4].id
    assert client.get("/api/v1/faq/entries", query_string={"category": "x"}).status_code == 422
    assert client.get("/api/v1/faq/entries", query_string={"category": 999}).status_code == 404
    assert client.get("/api/v1/faq/entries", query_string={"page": 0}).status_code == 422


def test_entry_detail_published_only(client, db, roles, kb, make_entry):
    body = client.get(f"/api/v1/faq/entries/{kb[1].id}").get_json()
    assert body["id"] == kb[1].id and body["answer_html"] == kb[1].answer_html
    assert body["phrasings"] == kb[1].phrasing_texts
    assert "created_by_id" not in body and "source_letter_id" not in body
    draft = make_entry("草稿问题？", publish=False)
    assert client.get(f"/api/v1/faq/entries/{draft.id}").status_code == 404
    services.withdraw_entry(kb[1], actor=roles.curator)
    db.session.commit()
    response = client.get(f"/api/v1/faq/entries/{kb[1].id}")
    assert response.status_code == 404 and response.get_json()["error"]["message"]


def test_openapi_documents_faq(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/faq/answer", "/api/v1/faq/entries", "/api/v1/faq/entries/{entry_id}"} <= set(spec["paths"])
    assert "FaqAnswer" in spec["components"]["schemas"]
