"""The unanswered-question log (/staff/faq/unanswered) says personal data is hidden: it is,
for questions asked now and for questions logged before today's masking rules, and nothing
of it goes into the knowledge base through 新建条目 or 作为相似问法加入 (attack N15)."""
from __future__ import annotations

import html

from interact.faq import services
from interact.faq.models import AskLog

#: Asked at /faq/ask (and /api/v1/faq/answer) in the forms the attack used.
ASKED = [
    "我叫司空摘星手机138,0013,9999怎么提取公积金",
    "我住复兴门外大街甲8号，公积金怎么提",
    "扣扣 998877665 公积金能提吗",
]
SECRETS = ["司空摘星", "空摘星", "138,0013,9999", "9999", "甲8号", "998877665"]
#: Logged before the rules knew these writings (stored as asked).
OLD = "我叫司空摘星手机138,0013,9999问公积金余额"


def _shown(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_questions_asked_now_are_logged_masked(client, auth, db, roles, kb):
    for text in ASKED:
        services.ask(text)
    db.session.commit()
    stored = list(db.session.scalars(db.select(AskLog.text)))
    assert [s for s in SECRETS if any(s in t for t in stored)] == []
    auth.login(roles.curator)
    page = _shown(client.get("/staff/faq/unanswered"))
    assert [s for s in SECRETS if s in page] == []
    assert "司空**" in page and "[电话]" in page and "[地址]" in page and "[微信/QQ号]" in page


def test_a_question_logged_before_the_rules_is_masked_where_it_is_shown_and_carried(client, auth, db, roles, kb):
    db.session.add(AskLog(text=OLD, answered=False, confidence=0.1))
    db.session.commit()
    auth.login(roles.curator)
    page = _shown(client.get("/staff/faq/unanswered"))
    # Shown masked (the hidden key that takes it off the list is the logged text).
    assert "司空**手机[电话]问公积金余额" in page
    new = _shown(client.get("/staff/faq/new", query_string=[("asked", OLD), ("asked", OLD + "吗")]))
    assert 'value="我叫司空**手机[电话]问公积金余额"' in new and "司空**手机[电话]问公积金余额吗" in new
    response = client.post("/staff/faq/unanswered/phrasings", data={"entry_id": kb[1].id, "texts": OLD})
    assert response.status_code == 302
    db.session.refresh(kb[1])
    assert "我叫司空**手机[电话]问公积金余额" in kb[1].phrasing_texts
    assert [s for s in SECRETS if any(s in t for t in kb[1].phrasing_texts)] == []
    # ... and it left the list.
    assert "问公积金余额" not in _shown(client.get("/staff/faq/unanswered"))
