"""The letters JSON API: submission, look-up, rating, published letters, statistics."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from marshmallow import ValidationError

from interact.api import letters as api_letters
from interact.core.errors import InvalidInput
from interact.extensions import db
from interact.letters import services
from interact.letters.models import Letter, LetterRating, LetterStatus
from tests.helpers import badinput_strings, send_api_captcha


@pytest.fixture(autouse=True)
def _api_captcha(client):
    """The API's writes need captcha headers (the captcha itself is off in unit tests)."""
    send_api_captcha(client)

VALID = {
    "channel": "consultation",
    "kind": "consultation",
    "department_id": None,
    "leader_id": None,
    "title": "公积金提取需要哪些材料",
    "body": "我想提取住房公积金支付房租，请问需要准备哪些材料？我的电话是13812345678。",
    "name": "李四",
    "phone": "13812345678",
    "email": None,
    "publish_consent": True,
}


def _post(client, **overrides):
    return client.post("/api/v1/letters", json={**VALID, **overrides})


def _lookup(client, number, code):
    return client.get(f"/api/v1/letters/{number}", headers={"X-Query-Code": code})


@pytest.fixture
def leader(db, roles):
    from interact.departments.models import Leader

    item = Leader(department_id=roles.department_a.id, name="王局长", title="局长")
    db.session.add(item)
    db.session.commit()
    return item


def test_submit_returns_number_and_code(app, client, roles, frozen):
    frozen(2026, 3, 2, 9)
    response = _post(client, department_id=roles.department_a.id)
    assert response.status_code == 201
    data = response.get_json()
    assert data["number"] == "XJ20260302-0001" and len(data["query_code"]) == 8
    assert data["status"] == "submitted" and data["submitted_at"].startswith("2026-03-02T01:00")
    letter = db.session.scalar(db.select(Letter))
    assert letter.requested_department_id == roles.department_a.id and letter.publish_consent
    assert letter.query_code_hash != data["query_code"]


def test_submit_to_a_leader(app, client, leader):
    response = _post(client, channel="mailbox", leader_id=leader.id, kind="suggestion")
    assert response.status_code == 201
    letter = db.session.scalar(db.select(Letter))
    assert letter.leader_id == leader.id and letter.channel.value == "mailbox"


def test_mailbox_needs_a_leader(app, client):
    response = _post(client, channel="mailbox")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["leader_id"] == "请选择收信领导"


def test_not_json_is_400(app, client):
    for response in (client.post("/api/v1/letters", data="title=x"),
                     client.post("/api/v1/letters", data="{bad json", content_type="application/json"),
                     client.post("/api/v1/letters", json=["a", "list"])):
        assert response.status_code == 400
        assert "JSON" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("field,value", [
    ("channel", "forwarded"), ("channel", "fax"), ("channel", None), ("kind", "praise"), ("kind", 1),
    ("department_id", "1"), ("department_id", True), ("department_id", 0), ("department_id", 10**30),
    ("leader_id", -5), ("title", None), ("title", 123), ("body", ["x"]), ("name", {"a": 1}), ("phone", 13812345678),
    ("email", 5), ("publish_consent", "yes"),
])
def test_wrong_types_are_422_with_chinese_field_errors(app, client, field, value):
    response = _post(client, **{field: value})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert field in error["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["fields"][field])
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_forwarded_letters_are_staff_only(app, client):
    error = _post(client, channel="forwarded").get_json()["error"]
    assert "工作人员录入" in error["fields"]["channel"]


@pytest.mark.parametrize("field,value,expected", [
    ("title", "短", "标题"), ("title", "题" * 51, "标题"), ("body", "太短", "正文"), ("phone", "12345", "手机"),
    ("email", "not-an-email", "邮箱"), ("name", "", "姓名"),
])
def test_service_rules_are_422(app, client, field, value, expected):
    response = _post(client, **{field: value})
    assert response.status_code == 422
    assert expected in response.get_json()["error"]["fields"][field]


def test_unknown_department_or_leader_is_404(app, client, roles):
    response = _post(client, department_id=99999)
    assert response.status_code == 404
    assert "部门" in response.get_json()["error"]["fields"]["department_id"]
    response = _post(client, channel="mailbox", leader_id=99999)
    assert response.status_code == 404
    assert "领导" in response.get_json()["error"]["fields"]["leader_id"]
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_missing_fields_are_listed(app, client):
    response = client.post("/api/v1/letters", json={})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"channel", "kind", "title", "body", "name", "phone"} <= set(fields)


def test_idempotency_key_returns_the_first_letter(app, client):
    headers = {"Idempotency-Key": "abc-123"}
    first = client.post("/api/v1/letters", json=VALID, headers=headers)
    second = client.post("/api/v1/letters", json=VALID, headers=headers)
    assert first.status_code == 201 and second.status_code == 200
    assert second.get_json()["number"] == first.get_json()["number"]
    assert second.get_json()["query_code"] is None and second.get_json()["duplicate"] is True
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1


def test_another_letter_with_a_used_idempotency_key_is_refused_not_dropped(app, client):
    """A client that reuses a key (or a key someone else took first) must not be told its
    letter was stored while only the first one was (attack L10)."""
    headers = {"Idempotency-Key": "abc-123"}
    first = client.post("/api/v1/letters", json=VALID, headers=headers)
    other = client.post("/api/v1/letters", json={**VALID, "title": "另一封信的标题", "name": "李四"}, headers=headers)
    assert first.status_code == 201
    assert other.status_code == 409 and "Idempotency-Key" in other.get_json()["error"]["fields"]
    assert "number" not in other.get_json()
    again = client.post("/api/v1/letters", json=VALID, headers=headers)  # the same letter: a retry
    assert again.status_code == 200 and again.get_json()["number"] == first.get_json()["number"]
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1


def test_a_retry_after_the_leader_left_the_mailbox_still_gets_its_letter(app, client, leader):
    """The first copy was stored; the network lost its answer; meanwhile the leader left the
    mailbox. The client's retry must learn its letter's number, not that the leader is gone
    (it would then send the letter again elsewhere: two letters, one lost receipt)."""
    headers = {"Idempotency-Key": "mailbox-1"}
    letter = {**VALID, "channel": "mailbox", "leader_id": leader.id, "kind": "suggestion"}
    first = client.post("/api/v1/letters", json=letter, headers=headers)
    assert first.status_code == 201
    leader.in_mailbox = False
    db.session.commit()
    retry = client.post("/api/v1/letters", json=letter, headers=headers)
    assert retry.status_code == 200 and retry.get_json()["number"] == first.get_json()["number"]
    fresh = client.post("/api/v1/letters", json=letter, headers={"Idempotency-Key": "mailbox-2"})
    assert fresh.status_code == 404  # a new letter to that leader is still refused


def test_submission_is_rate_limited(app, client):
    app.config["RATELIMIT_PUBLIC_POST"] = "2 per minute"
    assert _post(client).status_code == 201
    assert _post(client).status_code == 201
    response = _post(client)
    assert response.status_code == 429
    assert response.get_json()["error"]["message"]


FIELDS = ["channel", "kind", "department_id", "leader_id", "title", "body", "name", "phone", "email",
          "publish_consent"]


def test_bad_input_strings_never_cause_a_server_error(app, client):
    """Every naughty string goes through HTTP once (the field rotates, so each field gets a
    tenth of them and the text fields reach the database); see the next test for every
    string in every field."""
    strings = badinput_strings()
    if not strings:
        pytest.skip("../shared/data/badinput is not present")
    app.config["RATELIMIT_PUBLIC_POST"] = "100000 per minute"
    created = 0
    for index, value in enumerate(strings):
        field = FIELDS[index % len(FIELDS)]
        response = _post(client, **{field: value})
        assert response.status_code in (201, 400, 409, 422), (field, value, response.status_code)
        created += response.status_code == 201
        if index % 20 == 0:
            assert client.get("/api/v1/letters", query_string={"q": value[:200]}).status_code in (200, 422)
            lookup = client.get(f"/api/v1/letters/{quote(value[:40], safe='')}", headers={"X-Query-Code": "AAAA"})
            assert lookup.status_code in (308, 404, 405, 429), (value, lookup.status_code)
    assert created > 100  # the text fields' strings really were stored


def test_bad_input_strings_in_every_field_are_refused_or_accepted_cleanly(app):
    """Every string in every field, through the API's shape check and the service's
    validation (no HTTP round trip, so the whole cross product stays fast)."""
    strings = badinput_strings()
    if not strings:
        pytest.skip("../shared/data/badinput is not present")
    schema = api_letters.LetterSubmission()
    for value in strings:
        for field in FIELDS:
            try:
                data = schema.load({**VALID, field: value})
            except ValidationError as error:
                assert error.messages_dict and all(isinstance(m, list) and m for m in error.messages_dict.values())
                continue
            try:
                services.validate_input(api_letters.letter_input(data))
            except InvalidInput as error:
                assert error.fields and all(isinstance(m, str) and m for m in error.fields.values())


# --- look-up ---------------------------------------------------------------------------


def test_lookup_with_code(app, client, roles, frozen):
    frozen(2026, 3, 2, 9)
    receipt = _post(client).get_json()
    response = _lookup(client, receipt["number"], receipt["query_code"].lower())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["status"] == "submitted" and data["status_label"] == "待受理"
    assert [step["action"] for step in data["timeline"]] == ["submit"]
    assert data["answer"] is None and data["rating"] is None and data["can_rate"] is False
    assert "13812345678" not in response.get_data(as_text=True)
    assert "李四" not in response.get_data(as_text=True)


def test_wrong_number_and_wrong_code_answer_alike(app, client):
    receipt = _post(client).get_json()
    wrong_code = _lookup(client, receipt["number"], "ZZZZZZZZ")
    wrong_number = _lookup(client, "XJ20990101-0001", receipt["query_code"])
    no_code = client.get(f"/api/v1/letters/{receipt['number']}")
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert wrong_code.get_json() == wrong_number.get_json()
    assert no_code.status_code == 422 and "X-Query-Code" in no_code.get_json()["error"]["fields"]
    assert wrong_code.get_json()["error"]["message"] == services.LOOKUP_FAILED


def test_the_query_code_never_travels_in_the_url(app, client):
    receipt = _post(client).get_json()
    assert receipt["lookup_url"] == f"/api/v1/letters/{receipt['number']}"
    in_url = client.get(f"/api/v1/letters/{receipt['number']}?code={receipt['query_code']}")
    assert in_url.status_code == 422
    assert _lookup(client, receipt["number"], receipt["query_code"]).status_code == 200


def test_failed_lookups_are_rate_limited(app, client):
    receipt = _post(client).get_json()
    app.config["RATELIMIT_LETTER_LOOKUP"] = "20 per minute"
    for _ in range(25):  # successful look-ups do not count
        assert _lookup(client, receipt["number"], receipt["query_code"]).status_code == 200
    for _ in range(20):
        assert _lookup(client, "XJ20990101-0001", "AAAA").status_code == 404
    assert _lookup(client, "XJ20990101-0001", "AAAA").status_code == 429


def test_lookup_shows_answer_and_rating(app, client, roles, frozen):
    frozen(2026, 3, 2, 9)
    receipt = _post(client, department_id=roles.department_a.id).get_json()
    letter = services.find_by_number(receipt["number"])
    services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>请到服务大厅办理。</p><script>x()</script>")
    db.session.commit()
    data = _lookup(client, receipt["number"], receipt["query_code"]).get_json()
    assert data["status"] == "assigned" and data["status_label"] == "办理中"  # review steps are not shown
    assert data["answer"] is None  # not before the office's review
    assert data["department"]["name"] == roles.department_a.name
    services.approve_answer(letter, actor=roles.office, publish=False)
    db.session.commit()
    data = _lookup(client, receipt["number"], receipt["query_code"]).get_json()
    assert data["status"] == "closed" and "请到服务大厅办理" in data["answer"]["html"]
    assert "<script" not in data["answer"]["html"] and data["can_rate"] is True

    app.config["RATELIMIT_PUBLIC_POST"] = "100 per minute"
    rating_url = f"/api/v1/letters/{receipt['number']}/rating"
    code = {"X-Query-Code": receipt["query_code"]}
    assert client.post(rating_url, json={"rating": "satisfied"}, headers={"X-Query-Code": "WRONG"}).status_code == 404
    assert client.post(rating_url, json={"rating": "great"}, headers=code).status_code == 422
    assert client.post(rating_url, json={"rating": "satisfied"}).status_code == 422  # no code
    assert client.post(rating_url, data="x", headers=code).status_code == 400
    response = client.post(rating_url, json={"rating": "basic", "comment": "还行"}, headers=code)
    assert response.status_code == 200
    assert response.get_json()["rating"]["label"] == "基本满意" and response.get_json()["can_rate"] is False
    assert services.find_by_number(receipt["number"]).rating is LetterRating.BASIC
    again = client.post(rating_url, json={"rating": "satisfied"}, headers=code)
    assert again.status_code == 409


def test_lookup_of_a_rejected_letter(app, client, roles):
    from interact.letters.models import RejectReason

    receipt = _post(client).get_json()
    letter = services.find_by_number(receipt["number"])
    services.reject_letter(letter, actor=roles.office, reason=RejectReason.COURT)
    db.session.commit()
    data = _lookup(client, receipt["number"], receipt["query_code"]).get_json()
    assert data["status"] == "rejected" and "司法" in data["rejection_reason"]
    assert data["timeline"][-1]["note"].startswith("不予受理")


# --- published letters -----------------------------------------------------------------


@pytest.fixture
def published(roles, closed, frozen):
    frozen(2026, 3, 2, 9)
    first, _ = closed(title="住房公积金提取咨询", body="请问住房公积金提取需要什么材料？我的身份证号110101199003071234，电话13812345678。")
    second, _ = closed(title="社保卡补办流程", body="社保卡丢了怎么补办？需要本人去吗？")
    private, _ = closed(title="公积金不公开的来信", publish_consent=False)
    return first, second, private


def test_list_has_published_letters_only_masked(published, client):
    first, second, private = published
    response = client.get("/api/v1/letters")
    assert response.status_code == 200
    data = response.get_json()
    assert data["total"] == 2 and {item["id"] for item in data["items"]} == {first.id, second.id}
    text = response.get_data(as_text=True)
    assert "13812345678" not in text and "110101199003071234" not in text and "张三丰" not in text
    assert "zhang@example.com" not in text
    item = next(item for item in data["items"] if item["id"] == first.id)
    assert item["name"] == "张**" and "[电话]" in item["body"] and "5678" not in item["body"]
    assert item["department"]["name"] and item["answer_html"].startswith("<p>")
    assert item["url"].endswith(f"/letters/{first.id}")


def test_list_search_and_filters(published, client, roles):
    first, second, _private = published
    ids = lambda url: [item["id"] for item in client.get(url).get_json()["items"]]  # noqa: E731
    assert ids("/api/v1/letters?q=公积金") == [first.id]
    assert ids("/api/v1/letters?q=社保") == [second.id]
    assert ids("/api/v1/letters?q=公积金 提取") == [first.id]
    assert ids("/api/v1/letters?q=不存在的词语") == []
    assert set(ids(f"/api/v1/letters?department_id={roles.department_a.id}")) == {first.id, second.id}
    assert ids(f"/api/v1/letters?department_id={roles.department_b.id}") == []
    assert len(ids("/api/v1/letters?kind=consultation")) == 2
    assert ids("/api/v1/letters?kind=help") == []
    assert len(ids("/api/v1/letters?month=2026-03")) == 2
    assert ids("/api/v1/letters?month=2026-02") == []
    page = client.get("/api/v1/letters?per_page=1&page=2").get_json()
    assert page["page"] == 2 and page["per_page"] == 1 and len(page["items"]) == 1 and page["total"] == 2


@pytest.mark.parametrize("query", ["kind=praise", "department_id=abc", "department_id=-1", "page=0", "page=x",
                                   "month=2026-13", "channel=fax"])
def test_list_bad_arguments_are_422(app, client, query):
    response = client.get(f"/api/v1/letters?{query}")
    assert response.status_code == 422
    assert response.get_json()["error"]["message"]


# --- statistics ----------------------------------------------------------------------


def test_stats_endpoint(published, client, roles):
    response = client.get("/api/v1/stats/letters?month=2026-03")
    assert response.status_code == 200
    data = response.get_json()
    assert data["month"] == "2026-03" and data["month_label"] == "2026年3月"
    assert data["total"]["received"] == 3 and data["total"]["answered"] == 3
    assert data["total"]["on_time_rate"] == 1.0
    department = data["departments"][0]
    assert department["department_id"] == roles.department_a.id and department["label"] == roles.department_a.name
    assert len(data["trend"]) == 12 and data["trend"][-1]["key"] == "2026-03"
    assert {row["key"] for row in data["by_kind"]} == {"consultation", "suggestion", "complaint", "help"}
    filtered = client.get(f"/api/v1/stats/letters?month=2026-03&department_id={roles.department_b.id}").get_json()
    assert filtered["total"]["received"] == 0


def test_stats_defaults_to_this_month_and_checks_the_month(app, client, frozen):
    frozen(2026, 7, 15)
    assert client.get("/api/v1/stats/letters").get_json()["month"] == "2026-07"
    response = client.get("/api/v1/stats/letters?month=July")
    assert response.status_code == 422 and "YYYY-MM" in response.get_json()["error"]["message"]


def test_stats_of_the_first_accepted_month(app, client):
    """The trend reaches back a year, before the first month one may ask for."""
    response = client.get("/api/v1/stats/letters?month=2000-10")
    assert response.status_code == 200
    assert response.get_json()["trend"][0]["key"] == "1999-11"
    assert client.get("/api/v1/stats/letters?month=1999-12").status_code == 422


def test_openapi_documents_the_paths(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert spec["openapi"].startswith("3.1")
    assert {"post", "get"} <= set(paths["/api/v1/letters"])
    lookup_parameters = paths["/api/v1/letters/{number}"]["get"]["parameters"]
    code = next(p for p in lookup_parameters if p["name"] == "X-Query-Code")
    assert code["in"] == "header" and code["required"] is True and "URL" in code["description"]
    assert all(p["in"] != "query" for p in lookup_parameters)
    assert "get" in paths["/api/v1/stats/letters"]
    assert "/api/v1/departments" in paths
    assert set(spec["components"]["schemas"]["LetterSubmission"]["required"]) == {
        "channel", "kind", "title", "body", "name", "phone"}
    assert "429" in paths["/api/v1/letters"]["post"]["responses"]


def test_submitted_letter_reaches_the_office_queue(app, client, roles):
    receipt = _post(client).get_json()
    letter = services.find_by_number(receipt["number"])
    assert letter.status is LetterStatus.SUBMITTED and letter in services.office_queue()
