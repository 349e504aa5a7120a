"""The administrator's 新建部门, 添加敏感词 and 添加领导 clicked twice at once: one row, and the
copy that passed the "already there?" check before the other was written gets the same 409
as a later click. Tried from outside: four copies gave one department or word and 500 pages
(UNIQUE constraint failed: departments.code / sensitive_words.word), and four identical
leaders, all listed to citizens in the letter form."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core.models import SensitiveWord
from interact.departments import services as department_services
from interact.departments.models import Department, Leader
from interact.extensions import db as _db
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import count, hold_together, meet, post_copies


def test_a_department_created_twice_at_once_is_created_once(racing_app, racing_admin, monkeypatch):
    admin_id = racing_admin
    meet(monkeypatch, department_services, "_apply", 2)  # after the code was checked, before the insert
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


def _department(app) -> int:
    def build():
        department = Department(name="市住房公积金管理中心", code="GJJ")
        _db.session.add(department)
        _db.session.commit()
        return department.id
    return in_app(app, build)


def test_a_leader_added_twice_at_once_is_added_once(racing_app, racing_admin, monkeypatch):
    department_id = _department(racing_app)
    meet(monkeypatch, Leader, "__init__", 2)  # after the check for the same leader, before the insert
    texts: list[str] = []
    statuses = post_copies(racing_app, racing_admin, f"/staff/departments/{department_id}/leaders",
                           {"name": "郑文涛", "title": "主任", "in_mailbox": "y", "sort_order": "100"}, 2, texts)
    assert sorted(statuses) == [302, 409]
    assert "本部门已有领导“主任 郑文涛”" in texts[statuses.index(409)]
    assert count(racing_app, sa.select(Leader).where(Leader.name == "郑文涛")) == 1


def test_the_same_leader_added_again_is_refused_and_another_post_accepted(client, auth, db, roles):
    auth.login(roles.admin)
    url = f"/staff/departments/{roles.department_a.id}/leaders"
    leader = {"name": "郑文涛", "title": "主任", "in_mailbox": "y", "sort_order": "100"}
    assert client.post(url, data=leader).status_code == 302
    assert client.post(url, data=leader).status_code == 409
    assert client.post(url, data={**leader, "title": "副主任"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Leader)) == 2
