"""The blank letter form is rendered once per process and handed to each visitor who is not
logged in with that visitor's own CSRF token and form token put in (#18: rendering its
fields was most of the page's cost); anything else is rendered as before."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from interact.extensions import db
from interact.letters import services
from interact.letters.models import Letter, LetterKind

FORM = {"channel": "consultation", "kind": "consultation", "department_id": "", "leader_id": "",
        "title": "社保卡补办", "body": "社保卡丢了，去哪里补办，需要带什么材料？", "name": "张三",
        "phone": "13800000000", "email": ""}


@pytest.fixture
def cached(csrf_app):
    csrf_app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    return csrf_app


def _field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def test_each_visitor_gets_the_stored_form_with_their_own_tokens_and_can_send_it(cached):
    first, second = cached.test_client(), cached.test_client()
    page_1 = first.get("/letters/new").get_data(as_text=True)
    page_2 = second.get("/letters/new").get_data(as_text=True)
    tokens_1 = _field(page_1, "csrf_token"), _field(page_1, "token")
    tokens_2 = _field(page_2, "csrf_token"), _field(page_2, "token")
    assert all(tokens_1 + tokens_2) and tokens_1[0] != tokens_2[0] and tokens_1[1] != tokens_2[1]
    assert "csrf-" not in page_1 and "token-" not in page_2  # no mark left in
    assert page_1.replace(tokens_1[0], "").replace(tokens_1[1], "") == \
        page_2.replace(tokens_2[0], "").replace(tokens_2[1], "")
    assert "public" not in first.get("/letters/new").headers.get("Cache-Control", "")

    response = second.post("/letters/new", data=dict(FORM, csrf_token=tokens_2[0], token=tokens_2[1]))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Letter.idempotency_key)) == tokens_2[1]
    # Another visitor's CSRF token is refused: each token is its own session's.
    refused = first.post("/letters/new", data=dict(FORM, csrf_token=tokens_2[0], token="t-2"))
    assert refused.status_code == 400


def test_a_new_reply_limit_shows_at_once(cached, roles):
    client = cached.test_client()
    assert "一般在 5 个工作日内答复" in client.get("/letters/new").get_data(as_text=True)
    services.set_reply_limits({LetterKind.CONSULTATION: 7}, actor=roles.admin)
    db.session.commit()
    assert "一般在 7 个工作日内答复" in client.get("/letters/new").get_data(as_text=True)


def test_a_form_with_anything_of_the_visitor_is_rendered_for_them(cached, roles, auth, client):
    assert 'value="公积金提取"' in client.get("/letters/new?title=公积金提取").get_data(as_text=True)
    auth.login(roles.citizen)
    page = client.get("/letters/new").get_data(as_text=True)
    assert 'value="13900000001"' in page and 'name="captcha"' not in page
