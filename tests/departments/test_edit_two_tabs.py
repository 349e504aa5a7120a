"""The administrator has a department's page open in two tabs: the later save of its form
does not throw the earlier change away unseen (refused with what was typed kept and what is
saved now shown; saved again from that page, it is saved). A double click is never refused."""
from __future__ import annotations

from tests.helpers import form_fields, saved_in_two_tabs, saved_twice_at_a_double_click


def test_a_save_from_a_tab_opened_before_another_save_is_refused_with_the_text_kept(client, auth, db, roles):
    department = roles.department_a
    auth.login(roles.admin)
    url = f"/staff/departments/{department.id}"
    page = saved_in_two_tabs(client, url, {"phone": "0755-12345"}, {"office_hours": "工作日 9:00–17:00"})
    db.session.refresh(department)
    assert department.phone == "0755-12345" and department.office_hours != "工作日 9:00–17:00"

    assert client.post(url, data=form_fields(page, "shown_version")).status_code == 302
    db.session.refresh(department)
    assert department.office_hours == "工作日 9:00–17:00"


def test_a_double_click_on_save_is_not_a_second_tab(client, auth, db, roles):
    department = roles.department_b
    auth.login(roles.admin)
    saved_twice_at_a_double_click(client, f"/staff/departments/{department.id}", {"phone": "0755-67890"})
    db.session.refresh(department)
    assert department.phone == "0755-67890"
