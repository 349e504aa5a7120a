"""The administrator has a department's page open in two tabs: the later save of its form
does not throw the earlier change away unseen (refused with what was typed kept and what is
saved now shown; saved again from that page, it is saved). A double click is never refused."""
from __future__ import annotations

from tests.helpers import form_fields


def _open(client, department) -> dict[str, str]:
    return form_fields(client.get(f"/staff/departments/{department.id}").get_data(as_text=True), "shown_version")


def test_a_save_from_a_tab_opened_before_another_save_is_refused_with_the_text_kept(client, auth, db, roles):
    department = roles.department_a
    auth.login(roles.admin)
    first, second = _open(client, department), _open(client, department)
    url = f"/staff/departments/{department.id}"

    assert client.post(url, data={**first, "phone": "0755-12345"}).status_code == 302
    refused = client.post(url, data={**second, "office_hours": "工作日 9:00–17:00"})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "在您打开本页之后已在另一个页面修改并保存" in page
    assert "工作日 9:00–17:00" in page and "现在保存的内容" in page and "0755-12345" in page
    db.session.refresh(department)
    assert department.phone == "0755-12345" and department.office_hours != "工作日 9:00–17:00"

    assert client.post(url, data=form_fields(page, "shown_version")).status_code == 302
    db.session.refresh(department)
    assert department.office_hours == "工作日 9:00–17:00"


def test_a_double_click_on_save_is_not_a_second_tab(client, auth, db, roles):
    department = roles.department_b
    auth.login(roles.admin)
    opened = {**_open(client, department), "phone": "0755-67890"}
    url = f"/staff/departments/{department.id}"
    assert [client.post(url, data=opened).status_code for _ in range(2)] == [302, 302]
    db.session.refresh(department)
    assert department.phone == "0755-67890"
