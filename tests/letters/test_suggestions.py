"""Suggestions while a citizen writes a letter: FAQ entries (the intelligent-answer engine)
and published letters (the letter search, any two content terms); the JSON the form's
script reads; the 预览 step that shows them without JavaScript."""
from __future__ import annotations

import re

import pytest

from interact.core import captcha
from interact.extensions import db
from interact.faq import services as faq_services
from interact.letters import search, services
from interact.letters.models import Letter


@pytest.fixture
def scene(closed, roles):
    closed(title="社保卡丢失后如何补办", body="社保卡丢了，去哪里补办，要多长时间？")
    closed(title="住房公积金提取需要什么材料")
    closed(title="不公开的社保卡补办来信", publish_consent=False)
    entry = faq_services.create_entry(faq_services.EntryData(
        question="社保卡丢了怎么补办？", answer_html="<p>先挂失，再补卡。</p>", phrasings=["社保卡补卡流程"]),
        actor=roles.curator)
    faq_services.publish_entry(entry, actor=roles.curator)
    db.session.commit()
    return entry


def test_content_terms_leave_out_question_words_and_single_characters(app):
    assert search.content_terms("社保卡丢了怎么补办") == ["社保卡", "补办"]
    assert search.content_terms("请问我可以吗？2026") == []


def test_any_two_content_terms_match_where_all_terms_would_not(scene):
    typed = "社保卡不见了怎么重新补办"
    assert services.public_letters(services.PublicQuery(q=typed)).total == 0  # the search wants every term
    found = services.writing_suggestions(typed)
    assert [letter.title for letter in found.letters] == ["社保卡丢失后如何补办"]
    assert [entry.question for entry in found.faq] == ["社保卡丢了怎么补办？"]
    assert found.count == 2


def test_one_shared_content_term_is_not_similar(scene):
    assert services.writing_suggestions("公积金贷款利率").letters == []


def test_suggestions_are_not_logged_or_counted(scene):
    from interact.faq.models import AskLog

    services.writing_suggestions("社保卡丢了怎么补办")
    assert db.session.scalar(db.select(db.func.count(AskLog.id))) == 0
    assert scene.hits == 0


def test_too_little_text_suggests_nothing(scene):
    assert services.writing_suggestions("社保", "").count == 0


def test_suggestions_endpoint(client, scene):
    response = client.post("/letters/suggestions", data={"title": "社保卡丢了怎么补办", "body": "怎么办"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["count"] == 2 and "找到 2 条" in data["status"]
    assert f'href="/faq/{scene.id}"' in data["html"] and 'target="_blank"' in data["html"]
    assert "不公开的" not in data["html"]
    assert response.headers["Cache-Control"] == "no-store"
    empty = client.post("/letters/suggestions").get_json()
    assert empty["count"] == 0 and empty["html"] == ""


def test_typed_letter_text_never_travels_in_a_url(client, scene, csrf_app):
    """The suggestions are asked by POST with the form's CSRF token: a GET (the letter in a
    query string, hence in access logs and history) is refused, and so is a POST from
    another site without the token."""
    assert client.get("/letters/suggestions", query_string={"title": "社保卡丢了怎么补办"}).status_code == 405
    browser = csrf_app.test_client()
    assert browser.post("/letters/suggestions", data={"title": "社保卡丢了怎么补办"}).status_code == 400
    page = browser.get("/letters/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = browser.post("/letters/suggestions", data={"title": "社保卡丢了怎么补办", "body": "怎么办"},
                            headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["count"] == 2


def test_preview_keeps_the_letter_stores_nothing_and_leaves_the_captcha(client, scene, app):
    app.config["CAPTCHA_ENABLED"] = True
    client.get("/captcha.png")
    with client.session_transaction() as s:
        before = dict(s)
    response = client.post("/letters/new", data={
        "preview": "1", "channel": "consultation", "kind": "consultation", "title": "社保卡丢了怎么补办",
        "body": "上周丢了社保卡。", "name": "王五", "phone": "13912345678", "captcha": "WRONG",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "预览您的来信" in page and "社保卡丢了怎么补办？" in page and "社保卡丢失后如何补办" in page
    assert 'value="王五"' in page and "上周丢了社保卡。</textarea>" in page
    assert "验证码不正确" not in page
    assert db.session.scalar(db.select(db.func.count(Letter.id)).where(Letter.title == "社保卡丢了怎么补办")) == 0
    with client.session_transaction() as s:
        assert {k: v for k, v in s.items() if k.startswith(captcha.SESSION_KEY)} == \
               {k: v for k, v in before.items() if k.startswith(captcha.SESSION_KEY)}


def test_hostile_text_gets_an_answer_never_an_error(client, scene, app):
    from tests.helpers import assert_inert_html, badinput_strings

    app.config["RATELIMIT_FAQ_API"] = "10000 per minute"

    strings = badinput_strings(limit=300) + ['社保卡 "OR" 补办', "社保卡 NEAR( 补办 ((", "公积金\x00提取"]
    for value in strings:
        response = client.post("/letters/suggestions", data={"title": value, "body": value})
        assert response.status_code == 200, value
        assert_inert_html(response.get_json()["html"])


def test_previews_do_not_use_up_the_letter_allowance(client, scene, app):
    app.config["RATELIMIT_PUBLIC_POST"] = "2 per minute"
    data = {"preview": "1", "channel": "consultation", "kind": "consultation", "title": "社保卡丢了怎么补办",
            "body": "上周丢了社保卡，去哪里补办？", "name": "王五", "phone": "13912345678"}
    for _ in range(4):
        assert client.post("/letters/new", data=data).status_code == 200
    sent = {k: v for k, v in data.items() if k != "preview"}
    assert client.post("/letters/new", data=sent).status_code == 302
    assert client.post("/letters/new", data=sent).status_code != 429  # the second allowed post
    assert client.post("/letters/new", data=sent).status_code == 429
