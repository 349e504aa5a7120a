"""Site-wide HTTP conventions the API document promises: 405 with Allow, UTF-8 JSON without
\\u escapes, out-of-range paging refused, errors in one Chinese shape."""
from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("method,path,allowed", [
    ("delete", "/api/v1/letters", {"GET", "POST"}),
    ("put", "/api/v1/departments", {"GET"}),
    ("get", "/api/v1/letters/XJ20260101-0001/rating", {"POST"}),
    ("post", "/api/v1/openapi.json", {"GET"}),
    ("delete", "/", {"GET"}),
    ("put", "/letters/lookup", {"GET", "POST"}),
])
def test_405_names_the_allowed_methods(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    if path.startswith("/api/"):
        assert response.get_json()["error"]["status"] == 405
    else:
        assert "请求方式不被允许" in response.get_data(as_text=True)


def test_json_is_utf8_without_escapes(client):
    response = client.get("/api/v1/letters?kind=praise")
    assert response.status_code == 422
    assert response.mimetype == "application/json"
    raw = response.get_data()
    assert b"\\u" not in raw
    assert "可选" in raw.decode("utf-8")
    document = client.get("/api/v1/openapi.json").get_data()
    # (Its regular expressions contain "\\u3000"-style escapes, written "\\\\u3000" in JSON.)
    assert re.search(rb"(?<!\\)\\u[0-9a-fA-F]{4}", document) is None and "来信查询".encode() in document


@pytest.mark.parametrize("path", ["/api/v1/letters", "/api/v1/collections", "/api/v1/interviews",
                                  "/api/v1/faq/entries"])
@pytest.mark.parametrize("query,field", [("per_page=51", "per_page"), ("per_page=0", "per_page"),
                                         ("page=0", "page"), ("page=10001", "page"),
                                         ("page=99999999999999999999", "page"), ("per_page=", "per_page")])
def test_paging_out_of_range_is_422_not_clamped(client, path, query, field):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["status"] == 422 and error["title"] == "内容有误"
    assert field in error["fields"] and any("\u4e00" <= ch <= "\u9fff" for ch in error["fields"][field])


def test_largest_page_is_served(client):
    response = client.get("/api/v1/letters?per_page=50&page=10000")
    assert response.status_code == 200
    assert response.get_json()["per_page"] == 50


@pytest.mark.parametrize("path,query", [("/api/v1/faq/answer", {"q": "问" * 201}),
                                        ("/api/v1/faq/answer", {"q": " 公积金"}),
                                        ("/api/v1/stats/letters", {"month": ""}),
                                        ("/api/v1/interviews/1/transcript", {"since": "1" * 13})])
def test_documented_limits_are_enforced(client, path, query):
    assert client.get(path, query_string=query).status_code == 422


def test_unknown_body_fields_are_refused(client):
    response = client.post("/api/v1/interviews/1/questions", json={"body": "一个足够长的问题？", "extra": 1})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"extra": "不支持的字段"}


@pytest.mark.parametrize("path", ["/api/v1/letters", "/api/v1/interviews/1/questions", "/api/v1/collections/1/opinions"])
def test_deeply_nested_json_is_a_400_not_a_500(client, path):
    """Attack Q4: 50,000 nested arrays made Python's JSON decoder raise RecursionError, which
    no handler took: a 500 (and an error logged with its traceback) for a 100 KB body."""
    response = client.post(path, data=b"[" * 50000 + b"]" * 50000, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]["message"]


def test_lookup_failure_limit_is_a_setting(app, client):
    app.config["RATELIMIT_LETTER_LOOKUP"] = "2 per minute"
    for _ in range(2):
        assert client.get("/api/v1/letters/XJ20260101-0001", headers={"X-Query-Code": "AAAA"}).status_code == 404
    limited = client.get("/api/v1/letters/XJ20260101-0001", headers={"X-Query-Code": "AAAA"})
    assert limited.status_code == 429 and limited.get_json()["error"]["message"]


def test_faq_starting_up_is_a_documented_503(app, client, monkeypatch):
    from interact.core.errors import Unavailable
    from interact.faq import services

    def starting(*args, **kwargs):
        raise Unavailable("智能问答正在启动，请稍后再试。")

    monkeypatch.setattr(services, "ask", starting)
    response = client.get("/api/v1/faq/answer", query_string={"q": "公积金"})
    assert response.status_code == 503
    assert response.get_json()["error"]["message"] == "智能问答正在启动，请稍后再试。"
    document = client.get("/api/v1/openapi.json").get_json()
    assert "503" in document["paths"]["/api/v1/faq/answer"]["get"]["responses"]


def test_an_operation_s_argument_schemas_are_made_once_not_per_request(client, monkeypatch):
    """webargs makes a new schema (deep-copying its fields) per request when given a class:
    the API's parser keeps one per class (a share of every API request's CPU)."""
    from marshmallow import Schema

    made = []
    original = Schema.__init__

    def counting(self, *args, **kwargs):
        made.append(type(self).__name__)
        original(self, *args, **kwargs)

    def submit():
        response = client.post("/api/v1/letters", json={"channel": "consultation", "kind": "praise"})
        assert response.status_code == 422  # parsed (the body and its headers), then refused

    submit()
    monkeypatch.setattr(Schema, "__init__", counting)
    submit()
    submit()
    assert made == []
