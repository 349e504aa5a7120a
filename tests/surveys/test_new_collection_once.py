"""新建征集 sent several times (attack G18: three clicks at once made three identical drafts):
one form is one draft — a later copy of the same form and copies that arrive at the same
instant land on the draft the first created. A new form (a new token) is a new draft."""
from __future__ import annotations

import sqlalchemy as sa

from interact.surveys import services
from interact.surveys.models import Collection
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import clicks_at_once, count, gjj_office_and_handler, sent_twice

URL = "/staff/surveys/new"


def _form(token: str, department_id: int) -> dict[str, str]:
    return {"title": "关于调整公共自行车运营时间的意见征集", "kind": "opinions", "summary": "摘要",
            "body": "<p>说明</p>", "starts_at": "2026-03-01T09:00", "ends_at": "2026-03-31T18:00",
            "department_id": str(department_id), "show_opinions": "y", "token": token}


def test_the_same_form_sent_twice_makes_one_draft(client, auth, roles, db, frozen):
    frozen(2026, 2, 20)
    auth.login(roles.handler_a)
    sent_twice(client, URL, lambda token: _form(token, roles.department_a.id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Collection)) == 1
    # Another form (its own token) is another collection.
    assert client.post(URL, data=_form("f" * 32, roles.department_a.id)).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Collection)) == 2


def test_a_form_token_is_not_another_users_draft(app, roles, db, frozen):
    frozen(2026, 2, 20)
    data = services.CollectionData(
        title="关于调整公共自行车运营时间的意见征集", summary="", body="", kind=services.CollectionKind.OPINIONS,
        starts_at=services.clock.now(), ends_at=services.clock.now() + services.timedelta(days=20),
        department_id=roles.department_a.id)
    services.create_collection(data, actor=roles.handler_a, form_token="a" * 32)
    try:
        services.create_collection(data, actor=roles.office, form_token="a" * 32)
    except services.Conflict as refused:
        assert "该表单已被他人使用" in refused.message
    else:
        raise AssertionError("another user's form token was accepted")


def test_three_clicks_at_once_make_one_draft(racing_app, monkeypatch, frozen):
    frozen(2026, 2, 20)

    def build():
        department, _office, handler = gjj_office_and_handler()
        services.db.session.commit()
        return handler.id, department.id

    handler_id, department_id = in_app(racing_app, build)
    clicks_at_once(racing_app, monkeypatch, handler_id, URL, _form("c" * 32, department_id), Collection)
    assert count(racing_app, sa.select(Collection.id)) == 1
