"""A published letter's public copy (G19): its title, body and answer are masked once, when
it is published, and the lists, search results, its page and the API show the stored copy
instead of masking again per request. A copy other masking rules made, or one of texts that
changed since, is never shown; ``letters reindex`` stores it anew."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core.maskversion import VERSION
from interact.extensions import db
from interact.letters import services
from interact.letters.models import Letter, LetterRating

#: A name and a phone number the masking hides; the writer's name is 张三丰 (letter_input).
BODY = "我母亲柏秀兰想提取住房公积金，联系电话13812345678。"


def _behind_the_orm(letter_id: int, **values) -> None:
    """Change the stored row without the ORM (what another process or an older release wrote)."""
    assignments = ", ".join(f"{key} = :{key}" for key in values)
    db.session.execute(sa.text(f"UPDATE letters SET {assignments} WHERE id = :id"), {"id": letter_id, **values})
    db.session.commit()
    db.session.expire_all()


def _page(client, letter_id: int) -> str:
    return client.get(f"/letters/{letter_id}").get_data(as_text=True)


def test_publication_stores_the_masked_copy(app, closed):
    letter, _ = closed(title="我母亲柏秀兰的公积金", body=BODY)
    assert letter.masked_rules == VERSION
    assert letter.masked_title == "我母亲柏**的公积金"
    assert "柏秀兰" not in letter.masked_body and "13812345678" not in letter.masked_body
    assert "张三丰" in letter.masked_names and "柏秀兰" in letter.masked_names
    assert letter.masked_answer_html == "<p>请携带身份证和租房合同到服务大厅办理。</p>"
    unpublished, _ = closed(title="不公开的来信", publish_consent=False)
    assert unpublished.masked_rules is None


def test_pages_and_api_show_the_stored_copy(app, client, closed):
    """Every public view reads the copy: a copy changed behind the ORM is what they show
    (they would show the masked original if they masked again)."""
    letter, _ = closed(title="公积金提取咨询", body=BODY)
    _behind_the_orm(letter.id, masked_title="存储的公开标题", masked_body="存储的公开正文",
                    masked_answer_html="<p>存储的公开答复</p>")
    page = _page(client, letter.id)
    assert "存储的公开标题" in page and "存储的公开正文" in page and "存储的公开答复" in page
    assert "存储的公开标题" in client.get("/letters/", query_string={"kind": "consultation"}).get_data(as_text=True)
    assert "存储的公开标题" in client.get("/letters/", query_string={"q": "公积金"}).get_data(as_text=True)
    [item] = client.get("/api/v1/letters", query_string={"per_page": 5}).get_json()["items"]
    assert (item["title"], item["body"]) == ("存储的公开标题", "存储的公开正文")
    assert "存储的公开答复" in item["answer_html"]


def test_a_copy_of_other_rules_is_never_shown(app, client, closed):
    """After a release that changes the masking, a copy the old rules made (here: the
    number in clear) is not shown: the page masks the letter with today's rules."""
    letter, _ = closed(title="公积金提取咨询", body=BODY)
    _behind_the_orm(letter.id, masked_rules="older-rules", masked_body=BODY, masked_title="旧规则的标题")
    page = _page(client, letter.id)
    assert "旧规则的标题" not in page and "13812345678" not in page and "柏秀兰" not in page
    assert "公积金提取咨询" in page and "[电话]" in page


def test_reindex_stores_the_copies_other_rules_made(app, client, closed):
    current, _ = closed(title="公积金提取咨询", body=BODY)
    stale, _ = closed(title="社保转移咨询", body=BODY)
    missing, _ = closed(title="医保报销咨询", body=BODY)
    _behind_the_orm(stale.id, masked_rules="older-rules", masked_body=BODY)
    _behind_the_orm(missing.id, masked_rules=None, masked_body=None)
    output = app.test_cli_runner().invoke(args=["letters", "reindex"]).output
    assert "已重建公开来信检索索引 2 件" in output  # the current copy is left as it is
    for letter_id in (stale.id, missing.id):
        letter = db.session.get(Letter, letter_id)
        assert letter.masked_rules == VERSION and "13812345678" not in letter.masked_body
    assert "已重建公开来信检索索引 0 件" in app.test_cli_runner().invoke(args=["letters", "reindex"]).output
    assert "已重建公开来信检索索引 3 件" in app.test_cli_runner().invoke(args=["letters", "reindex", "--all"]).output


def test_a_changed_text_empties_the_copy(app, client, closed):
    letter, _ = closed(title="公积金提取咨询", body=BODY)
    letter.title = "改过的标题：联系13900001111"
    db.session.commit()
    assert letter.masked_rules is None
    page = _page(client, letter.id)
    assert "改过的标题：联系[电话]" in page and "13900001111" not in page


def test_a_published_letter_answered_again_is_published_with_its_new_answer(app, client, closed, roles):
    """A reopened published letter's new answer replaces the copy and the search index row."""
    letter, code = closed(title="公积金提取咨询", body=BODY)
    services.rate_letter(letter, LetterRating.UNSATISFIED)
    services.reopen_letter(letter, actor=roles.office)
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>补充答复：可到城东营业部办理。</p>")
    db.session.commit()
    assert letter.masked_rules == VERSION and "城东营业部" in letter.masked_answer_html
    assert "城东营业部" in _page(client, letter.id)
    assert "公积金提取咨询" in client.get("/letters/", query_string={"q": "城东营业部"}).get_data(as_text=True)
