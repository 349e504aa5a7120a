"""JSON API: list, detail with questionnaire and feedback, opinions and responses with error codes."""
from __future__ import annotations

import pytest

from interact.surveys import services
from interact.surveys.models import Adoption, CollectionKind

from .conftest import badinput_lines
from tests.helpers import send_api_captcha


@pytest.fixture(autouse=True)
def _api_captcha(client):
    """The API's writes need captcha headers (the captcha itself is off in unit tests)."""
    send_api_captcha(client)


def _answers(questionnaire, **override):
    single, multiple, rating, _text = questionnaire.questions
    answers = {str(single.id): single.options[0].id, str(multiple.id): [multiple.options[1].id],
               str(rating.id): 4}
    answers.update(override)
    return answers


def test_list_and_detail(client, make_collection, frozen):
    collection = make_collection(phone_required=True)
    draft = make_collection(publish=False, title="草稿")
    frozen(2026, 3, 10)
    listing = client.get("/api/v1/collections").get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == collection.id
    assert listing["items"][0]["phase"] == "open" and listing["items"][0]["feedback_due_date"] == "2026-04-30"
    assert client.get("/api/v1/collections?phase=done").get_json()["total"] == 0
    bad = client.get("/api/v1/collections?phase=nonsense")
    assert bad.status_code == 422 and "phase" in bad.get_json()["error"]["fields"]
    detail = client.get(f"/api/v1/collections/{collection.id}").get_json()
    assert [q["kind"] for q in detail["questionnaire"]["questions"]] == ["single", "multiple", "rating", "long_text"]
    assert detail["feedback"] is None and detail["phone_required"] is True
    assert client.get(f"/api/v1/collections/{draft.id}").status_code == 404


def test_post_opinion_codes(client, make_collection, frozen):
    client.application.config["RATELIMIT_PUBLIC_POST"] = "100 per minute"
    collection = make_collection(name_required=True)
    frozen(2026, 2, 25)
    early = client.post(f"/api/v1/collections/{collection.id}/opinions", json={"content": "早", "name": "王"})
    assert early.status_code == 403 and "尚未开始" in early.get_json()["error"]["message"]
    frozen(2026, 3, 10)
    assert client.post(f"/api/v1/collections/{collection.id}/opinions", data="x").status_code == 400
    invalid = client.post(f"/api/v1/collections/{collection.id}/opinions", json={"content": "有效的意见", "name": 5})
    assert invalid.status_code == 422
    assert invalid.get_json()["error"]["fields"] == {"name": "必须是字符串"}
    missing = client.post(f"/api/v1/collections/{collection.id}/opinions", json={"content": "意见"})
    assert missing.status_code == 422 and missing.get_json()["error"]["fields"]["name"] == "本次征集需要填写姓名"
    created = client.post(f"/api/v1/collections/{collection.id}/opinions", json={"content": "建议延长", "name": "王五"})
    assert created.status_code == 201 and created.get_json()["status"] == "pending"
    frozen(2026, 4, 1)
    late = client.post(f"/api/v1/collections/{collection.id}/opinions", json={"content": "晚", "name": "王"})
    assert late.status_code == 409


def test_post_response_one_per_phone_and_device(client, make_collection, frozen):
    client.application.config["RATELIMIT_PUBLIC_POST"] = "100 per minute"
    collection = make_collection()
    frozen(2026, 3, 10)
    url = f"/api/v1/collections/{collection.id}/responses"
    answers = _answers(collection.questionnaire)
    no_phone = client.post(url, json={"answers": answers})
    assert no_phone.status_code == 422 and "phone" in no_phone.get_json()["error"]["fields"]
    first = client.post(url, json={"phone": "13900004444", "answers": answers}, headers={"X-Device-Id": "device-0001"})
    assert first.status_code == 201
    again = client.post(url, json={"phone": "13900004444", "answers": answers})
    assert again.status_code == 409 and "手机号" in again.get_json()["error"]["message"]
    same_device = client.post(url, json={"phone": "13900005555", "answers": answers},
                              headers={"X-Device-Id": "device-0001"})
    assert same_device.status_code == 409
    bad_device = client.post(url, json={"phone": "13900006666", "answers": answers}, headers={"X-Device-Id": "短"})
    assert bad_device.status_code == 422


def test_post_response_field_errors_in_chinese(client, make_collection, frozen):
    collection = make_collection()
    frozen(2026, 3, 10)
    single, multiple, rating, _ = collection.questionnaire.questions
    url = f"/api/v1/collections/{collection.id}/responses"
    response = client.post(url, json={"phone": "13900007777", "answers": {
        str(single.id): "other", str(multiple.id): [o.id for o in multiple.options], str(rating.id): 9}})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert fields[f"answers.{single.id}"].startswith("选择“其他")
    assert fields[f"answers.{multiple.id}"] == "此题最多选择 2 项"
    assert fields[f"answers.{rating.id}"] == "评分应为 1–5 分"
    ok = client.post(url, json={"phone": "13900007777", "answers": {**_answers(collection.questionnaire),
                                                                    str(single.id): "other"},
                                "other": {str(single.id): "退休"}})
    assert ok.status_code == 201
    nested = client.post(url, json={"phone": "13900008888", "answers": {str(single.id): {"x": 1}}})
    assert nested.status_code == 422


def test_rate_limited_posts_return_429(app, client, make_collection, frozen):
    app.config["RATELIMIT_PUBLIC_POST"] = "1 per minute"
    collection = make_collection(kind=CollectionKind.OPINIONS)
    frozen(2026, 3, 10)
    url = f"/api/v1/collections/{collection.id}/opinions"
    assert client.post(url, json={"content": "一"}).status_code == 201
    limited = client.post(url, json={"content": "二"})
    assert limited.status_code == 429 and limited.get_json()["error"]["message"]


def test_detail_includes_published_feedback_without_texts_or_personal_data(client, make_collection, frozen, roles, db):
    collection = make_collection()
    frozen(2026, 3, 10)
    opinion = services.submit_opinion(collection, services.OpinionData(
        content="建议工作日晚间免费，联系电话13912345678", name="赵六", phone="13912345678"))
    services.submit_response(collection, {
        **{f"q{k}": [str(v)] if not isinstance(v, list) else [str(i) for i in v]
           for k, v in _answers(collection.questionnaire).items()},
        collection.questionnaire.questions[3].field_name: ["私密的文字建议"],
    }, device_token="w" * 20)
    services.moderate_opinion(opinion, True, actor=roles.office)
    frozen(2026, 4, 3)
    services.record_adoption(opinion, Adoption.NOT_ADOPTED, "与现行收费政策不符", actor=roles.handler_a)
    services.save_feedback(collection, "<p>综述</p>", "<p>说明</p>", actor=roles.handler_a)
    services.submit_feedback(collection, actor=roles.handler_a)
    services.publish_feedback(collection, actor=roles.office)
    db.session.commit()
    body = client.get(f"/api/v1/collections/{collection.id}").get_data(as_text=True)
    data = client.get(f"/api/v1/collections/{collection.id}").get_json()
    feedback = data["feedback"]
    assert feedback["on_time"] is True and feedback["statistics"]["not_adopted"] == 1
    assert feedback["statistics"]["respondents"] == 1
    assert feedback["not_adopted_reasons"][0]["reason"] == "与现行收费政策不符"
    assert [t["kind"] for t in feedback["tallies"]] == ["single", "multiple", "rating", "long_text"]
    assert feedback["tallies"][3]["options"] == [] and feedback["tallies"][3]["answered"] == 1
    assert "私密的文字建议" not in body and "13912345678" not in body and "赵六" not in body
    assert data["opinions"][0]["author"] == "赵*"


def test_openapi_documents_the_collection_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/collections", "/collections/{collection_id}", "/collections/{collection_id}/opinions",
                 "/collections/{collection_id}/responses"):
        assert "/api/v1" + path in spec["paths"]
    assert "409" in spec["paths"]["/api/v1/collections/{collection_id}/responses"]["post"]["responses"]


def test_sqli_and_blns_strings_are_plain_data(client, make_collection, frozen, db):
    collection = make_collection(kind=CollectionKind.OPINIONS)
    frozen(2026, 3, 10)
    app = client.application
    app.config["RATELIMIT_PUBLIC_POST"] = "1000 per minute"
    samples = badinput_lines("sqli-sample.txt", limit=25)
    for sample in samples:
        response = client.post(f"/api/v1/collections/{collection.id}/opinions", json={"content": sample})
        assert response.status_code in (201, 422), sample
    assert client.get("/api/v1/collections").get_json()["total"] == 1
    stored = {o.content for o in db.session.scalars(db.select(services.Opinion))}
    assert {s.strip() for s in samples if s.strip()} <= stored | {""}


def test_opinions_and_answers_need_a_solved_captcha(app, db, make_collection, frozen):
    from interact.surveys.models import Opinion
    from tests.helpers import api_captcha_headers as headers, api_challenge as challenge

    collection = make_collection()
    frozen(2026, 3, 10)
    app.config.update(CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True, RATELIMIT_PUBLIC_POST="100 per minute")
    visitor = app.test_client()
    opinions, responses = (f"/api/v1/collections/{collection.id}/{part}" for part in ("opinions", "responses"))
    answered = {"phone": "13900004444", "answers": _answers(collection.questionnaire)}
    for url, body in ((opinions, {"content": "建议增设夜间优惠时段"}), (responses, answered)):
        captcha_id, answer = challenge(visitor)
        wrong = visitor.post(url, json=body, headers=headers(captcha_id, "0000"))
        assert wrong.status_code == 422 and "X-Captcha-Answer" in wrong.get_json()["error"]["fields"], url
        again = visitor.post(url, json=body, headers=headers(captcha_id, answer))  # used by the wrong answer
        assert again.status_code == 422, url
    assert db.session.query(Opinion).count() == 0
    for url, body in ((opinions, {"content": "建议增设夜间优惠时段"}), (responses, answered)):
        captcha_id, answer = challenge(visitor)
        assert visitor.post(url, json=body, headers=headers(captcha_id, answer)).status_code == 201, url
