"""The administrator's 新建部门 and 添加敏感词 clicked twice at once: one row, and the copy
that passed the "already there?" check before the other was written gets the same 409 as
a later click. Tried from outside: four copies gave one row and two 500 pages (UNIQUE
constraint failed: departments.code / sensitive_words.word)."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core.models import SensitiveWord
from interact.departments.models import Department
from tests.accounts.test_session_races import racing_app  # noqa: F401 - fixture
from tests.staff_races import count, hold_together, post_copies


def test_a_department_created_twice_at_once_is_created_once(racing_app, racing_admin, monkeypatch):
    admin_id = racing_admin
    hold_together(monkeypatch, Department, "__init__", 2)  # both copies checked the code first
    texts: list[str] = []
    statuses = post_copies(racing_app, admin_id, "/staff/departments/new",
                           {"name": "市数据资源局", "code": "SJJ", "kind": "department", "parent_id": "",
                            "sort_order": "100"}, 2, texts)
    assert sorted(statuses) == [302, 409]
    assert "部门代码“SJJ”已被“市数据资源局”使用" in texts[statuses.index(409)]
    assert count(racing_app, sa.select(Department).where(Department.code == "SJJ")) == 1


def test_a_sensitive_word_added_twice_at_once_is_added_once(racing_app, racing_admin, monkeypatch):
    admin_id = racing_admin
    hold_together(monkeypatch, SensitiveWord, "__init__", 2)
    texts: list[str] = []
    statuses = post_copies(racing_app, admin_id, "/staff/sensitive-words",
                           {"word": "代开发票", "level": "review", "category": "广告"}, 2, texts)
    assert sorted(statuses) == [302, 409]
    assert "敏感词“代开发票”已存在" in texts[statuses.index(409)]
    assert count(racing_app, sa.select(SensitiveWord).where(SensitiveWord.word == "代开发票")) == 1


def test_a_sensitive_word_already_there_is_refused_with_a_conflict(client, auth, roles):
    auth.login(roles.admin)
    form = {"word": "代开发票", "level": "review", "category": "广告"}
    assert client.post("/staff/sensitive-words", data=form).status_code == 302
    again = client.post("/staff/sensitive-words", data={**form, "category": "推销"})
    assert again.status_code == 409 and 'value="推销"' in again.get_data(as_text=True)
    assert client.post("/staff/sensitive-words", data={**form, "word": ""}).status_code == 422
