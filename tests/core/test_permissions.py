import pytest

from interact.core.errors import PermissionDenied
from interact.core.permissions import can_act_for_department, ensure_department_scope


# The test-only department-scoped page ``/test/departments/<id>/work`` is declared with
# ``roles_required(..., department=...)`` in tests/conftest.py.


def test_handler_is_refused_other_departments_page(app, client, auth, roles):
    auth.login(roles.handler_a)
    assert client.get(f"/test/departments/{roles.department_a.id}/work").status_code == 200
    assert client.get(f"/test/departments/{roles.department_b.id}/work").status_code == 403


def test_office_acts_for_every_department(app, client, auth, roles):
    auth.login(roles.office)
    assert client.get(f"/test/departments/{roles.department_b.id}/work").status_code == 200


def test_wrong_role_and_citizen_are_refused(app, client, auth, roles):
    auth.login(roles.curator)
    assert client.get(f"/test/departments/{roles.department_a.id}/work").status_code == 403
    auth.login(roles.citizen)
    assert client.get(f"/test/departments/{roles.department_a.id}/work").status_code == 403


def test_anonymous_goes_to_login(app, client, roles):
    response = client.get(f"/test/departments/{roles.department_a.id}/work")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_forbidden_page_is_chinese(app, client, auth, roles):
    auth.login(roles.handler_a)
    body = client.get(f"/test/departments/{roles.department_b.id}/work").get_data(as_text=True)
    assert "无权访问" in body


def test_service_level_scope(app, roles):
    assert can_act_for_department(roles.handler_a, roles.department_a.id)
    assert not can_act_for_department(roles.handler_a, roles.department_b.id)
    assert not can_act_for_department(roles.handler_a, None)
    assert can_act_for_department(roles.admin, roles.department_b.id)
    with pytest.raises(PermissionDenied):
        ensure_department_scope(roles.handler_b, roles.department_a.id)


def test_scope_has_one_meaning_for_every_list(app, db, roles, make_user):
    """Office/admin see everything, a handler their department, anybody else nothing."""
    import sqlalchemy as sa

    from interact.core.permissions import scope
    from interact.departments.models import Department

    stmt = sa.select(sa.func.count(Department.id))
    total = db.session.scalar(stmt)
    assert total >= 2
    for user in (roles.office, roles.admin):
        assert db.session.scalar(scope(stmt, user, Department.id)) == total
    assert db.session.scalar(scope(sa.select(Department.id), roles.handler_a, Department.id)) == roles.department_a.id
    lost = make_user("handler")  # a handler without a department
    for user in (roles.curator, roles.citizen, lost):
        assert db.session.scalar(scope(stmt, user, Department.id)) == 0
    assert db.session.scalar(scope(stmt, roles.curator, Department.id, everything=True)) == total


def test_a_handler_without_department_gets_an_empty_interview_list(client, auth, make_user):
    auth.login(make_user("handler"))
    response = client.get("/staff/interviews")
    assert response.status_code == 200
