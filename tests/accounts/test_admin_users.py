import pytest

from interact.accounts import services
from interact.accounts.models import Role, User
from interact.core.errors import InvalidInput, PermissionDenied


def test_admin_creates_handler_bound_to_department(client, auth, db, roles):
    auth.login(roles.admin)
    response = client.post("/staff/users/new", data={
        "username": "newhandler", "display_name": "新办理人", "roles": ["handler"],
        "department_id": str(roles.department_a.id), "password": "start1234",
    })
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.username == "newhandler"))
    assert user.has_role(Role.HANDLER) and user.department_id == roles.department_a.id


def test_handler_without_department_is_refused(client, auth, roles):
    auth.login(roles.admin)
    response = client.post("/staff/users/new", data={
        "username": "nodept", "display_name": "无部门", "roles": ["handler"], "department_id": "", "password": "start1234",
    })
    assert response.status_code == 422
    assert "必须绑定一个部门" in response.get_data(as_text=True)


def test_user_can_hold_several_roles(app, db, roles):
    data = services.StaffData("multi", "多角色", {Role.HANDLER, Role.CURATOR}, department_id=roles.department_b.id)
    user = services.create_staff_user(data, "start1234", actor=roles.admin)
    assert user.has_role("handler") and user.has_role("curator") and not user.has_role("office")


def test_only_admin_manages_users(app, db, client, auth, roles):
    for user in (roles.office, roles.handler_a, roles.curator):
        auth.login(user)
        assert client.get("/staff/users").status_code == 403
    with pytest.raises(PermissionDenied):
        services.create_staff_user(services.StaffData("x1x", "x", {Role.OFFICE}), "start1234", actor=roles.office)


def test_admin_cannot_deactivate_self(app, db, roles):
    with pytest.raises(InvalidInput):
        services.set_user_active(roles.admin, False, actor=roles.admin)


def test_deactivated_user_is_logged_out(app, db, client, auth, roles):
    auth.login(roles.handler_a)
    assert client.get("/staff/").status_code == 200
    services.set_user_active(roles.handler_a, False, actor=roles.admin)
    db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_edit_user_with_bad_data_shows_the_form_again(client, auth, db, roles):
    """A refused change re-shows the form (with the password-reset panel), never a 500."""
    auth.login(roles.admin)
    response = client.post(f"/staff/users/{roles.handler_a.id}", data={
        "username": "x", "display_name": "办理人", "roles": ["handler"],
        "department_id": str(roles.department_a.id),
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "重置密码" in html and 'name="new_password"' in html


def test_create_user_without_password_is_refused_by_the_service(app, db, roles):
    with pytest.raises(InvalidInput) as error:
        services.create_staff_user(services.StaffData("nopass", "无密码", {Role.OFFICE}), "", actor=roles.admin)
    assert error.value.fields == {"password": "请设置初始密码"}


def test_empty_password_reset_says_why(client, auth, db, roles):
    auth.login(roles.admin)
    response = client.post(f"/staff/users/{roles.handler_a.id}/password", data={"new_password": ""},
                           follow_redirects=True)
    assert "请输入新密码" in response.get_data(as_text=True)


def test_lock_shows_only_while_it_lasts(client, auth, db, roles):
    from datetime import timedelta

    from interact.core import clock

    roles.handler_a.locked_until = clock.now() + timedelta(minutes=10)
    roles.curator.locked_until = clock.now() - timedelta(minutes=1)  # ran out
    db.session.commit()
    assert roles.handler_a.is_locked and not roles.curator.is_locked
    auth.login(roles.admin)
    html = client.get("/staff/users").get_data(as_text=True)
    assert html.count("已锁定") == 1 and html.count(">解锁<") == 1


def test_staff_email_is_unique_whatever_its_case(app, db, roles):
    from interact.core.errors import Conflict

    services.create_staff_user(services.StaffData("mail1", "甲", {Role.OFFICE}, email="Zhang@Example.gov.cn"),
                               "start1234", actor=roles.admin)
    with pytest.raises(Conflict):
        services.create_staff_user(services.StaffData("mail2", "乙", {Role.OFFICE}, email="zhang@example.gov.cn"),
                                   "start1234", actor=roles.admin)
