"""The list of consultations (民意征集) is a public page of the page store (G25): rendered
once for anonymous visitors, renewed at once when a collection changes, never shared with
a logged-in user."""
from __future__ import annotations

import pytest

from interact.extensions import db
from tests.conftest import Auth


@pytest.fixture
def cached(app):
    app.config["PUBLIC_PAGE_CACHE_SECONDS"] = 60
    return app


def test_consultation_list_is_shared_and_follows_a_change(cached, client, roles, make_collection):
    collection = make_collection(title="关于公共停车场收费管理办法公开征求意见")
    first = client.get("/surveys/")
    assert first.headers["Cache-Control"] == "public, max-age=30"
    assert collection.title in first.get_data(as_text=True)
    collection.title = "关于公共停车场收费标准调整公开征求意见"
    db.session.commit()
    assert "收费标准调整" in client.get("/surveys/").get_data(as_text=True)
    Auth(client).login(roles.office)
    assert "public" not in client.get("/surveys/").headers.get("Cache-Control", "")
