import pytest

from interact.core.errors import Conflict, InvalidInput
from interact.departments import services
from interact.departments.models import Department, DepartmentKind


def data(**kw):
    base = dict(name="市交通运输局", code="jtj", kind=DepartmentKind.DEPARTMENT)
    base.update(kw)
    return services.DepartmentData(**base)


def test_admin_creates_department_with_upper_code(app, db, roles):
    department = services.create_department(data(), actor=roles.admin)
    assert department.code == "JTJ"


def test_duplicate_code_refused(app, db, roles):
    services.create_department(data(), actor=roles.admin)
    with pytest.raises(Conflict):
        services.create_department(data(name="另一个"), actor=roles.admin)


def test_hierarchy_cycle_refused(app, db, roles):
    city = services.create_department(data(name="市政府", code="SZF", kind=DepartmentKind.CITY), actor=roles.admin)
    child = services.create_department(data(parent_id=city.id), actor=roles.admin)
    with pytest.raises(InvalidInput):
        services.update_department(city, data(name="市政府", code="SZF", parent_id=child.id), actor=roles.admin)


def test_deactivated_department_leaves_public_directory(app, db, client, roles):
    department = services.create_department(data(), actor=roles.admin)
    db.session.commit()
    assert "市交通运输局" in client.get("/departments").get_data(as_text=True)
    services.set_department_active(department, False, actor=roles.admin)
    db.session.commit()
    assert "市交通运输局" not in client.get("/departments").get_data(as_text=True)


def test_admin_pages_and_denials(client, auth, db, roles):
    auth.login(roles.office)
    assert client.get("/staff/departments").status_code == 403
    auth.login(roles.admin)
    response = client.post("/staff/departments/new", data={"name": "市民政局", "code": "MZJ", "kind": "department",
                                                           "parent_id": "", "sort_order": "10"})
    assert response.status_code == 302
    department = db.session.scalar(db.select(Department).where(Department.code == "MZJ"))
    response = client.post(f"/staff/departments/{department.id}/leaders", data={"name": "王五", "title": "局长", "in_mailbox": "y", "sort_order": "1"})
    assert response.status_code == 302
    assert [leader.label for leader in department.leaders] == ["局长 王五"]
    assert client.get(f"/staff/departments/{department.id}").status_code == 200


def test_xss_in_department_name_is_escaped(client, auth, db, roles):
    auth.login(roles.admin)
    client.post("/staff/departments/new", data={"name": "<script>alert(1)</script>", "code": "XSS", "kind": "department", "parent_id": "", "sort_order": "1"})
    html = client.get("/staff/departments").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
