"""The public API's writes need a solved captcha, as the web forms do: ``GET /api/v1/captcha``
gives an id and an image; the id answers once, right or wrong, and a wrong answer stores
nothing. (Unit tests elsewhere run with the captcha off; here it is on.)"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from interact.letters.models import Letter
from tests.helpers import api_challenge as challenge, api_captcha_headers as headers

LETTER = {"channel": "consultation", "kind": "consultation", "title": "公积金提取需要哪些材料",
          "body": "我想提取住房公积金支付房租，请问需要准备哪些材料？", "name": "李四", "phone": "13812345678",
          "publish_consent": False}


@pytest.fixture
def captcha_on(app):
    app.config.update(CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True, RATELIMIT_PUBLIC_POST="100 per minute")


def letters(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Letter))


def test_a_letter_without_a_captcha_is_refused(client, db, captcha_on):
    response = client.post("/api/v1/letters", json=LETTER)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"X-Captcha-Id", "X-Captcha-Answer"}
    assert letters(db) == 0


def test_an_id_answers_once_right_or_wrong(client, db, captcha_on):
    captcha_id, answer = challenge(client)
    wrong = client.post("/api/v1/letters", json=LETTER, headers=headers(captcha_id, "ZZZZ" if answer != "ZZZZ" else "YYYY"))
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["fields"] == {"X-Captcha-Answer": "验证码不正确或已使用，请获取新的验证码后重新输入"}
    # The right answer comes too late: the id was used by the wrong one.
    assert client.post("/api/v1/letters", json=LETTER, headers=headers(captcha_id, answer)).status_code == 422
    assert letters(db) == 0

    captcha_id, answer = challenge(client)
    created = client.post("/api/v1/letters", json=LETTER, headers=headers(captcha_id, answer.lower()))
    assert created.status_code == 201 and created.get_json()["query_code"]
    replayed = client.post("/api/v1/letters", json=LETTER, headers=headers(captcha_id, answer))
    assert replayed.status_code == 422
    assert letters(db) == 1


def test_a_forged_or_altered_id_is_refused(client, db, captcha_on):
    captcha_id, answer = challenge(client)
    forged = captcha_id[:-4] + ("AAAA" if not captcha_id.endswith("AAAA") else "BBBB")
    assert client.post("/api/v1/letters", json=LETTER, headers=headers(forged, answer)).status_code == 422
    assert letters(db) == 0


def test_a_retry_of_a_stored_letter_needs_no_new_image(client, db, captcha_on):
    captcha_id, answer = challenge(client)
    first = client.post("/api/v1/letters", json=LETTER, headers=headers(captcha_id, answer, **{"Idempotency-Key": "k-1"}))
    again = client.post("/api/v1/letters", json=LETTER, headers=headers(captcha_id, answer, **{"Idempotency-Key": "k-1"}))
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["number"] == first.get_json()["number"] and again.get_json()["query_code"] is None
    # A new key is a new letter: it needs a new image.
    other = client.post("/api/v1/letters", json=LETTER, headers=headers(captcha_id, answer, **{"Idempotency-Key": "k-2"}))
    assert other.status_code == 422 and letters(db) == 1


@pytest.mark.parametrize(("path", "template", "body"), [
    ("/api/v1/collections/1/opinions", "/api/v1/collections/{collection_id}/opinions", {"content": "建议增设夜间优惠时段"}),
    ("/api/v1/collections/1/responses", "/api/v1/collections/{collection_id}/responses",
     {"phone": "13900004444", "answers": {}}),
    ("/api/v1/interviews/1/questions", "/api/v1/interviews/{interview_id}/questions", {"body": "养老保险最低缴费多少年？"}),
])
def test_every_public_write_documents_and_requires_the_captcha(client, path, template, body):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][template]["post"]
    required = {p["name"] for p in operation["parameters"] if p["in"] == "header" and p.get("required")}
    assert {"X-Captcha-Id", "X-Captcha-Answer"} <= required
    response = client.post(path, json=body)
    assert response.status_code == 422 and "X-Captcha-Id" in response.get_json()["error"]["fields"]
