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
