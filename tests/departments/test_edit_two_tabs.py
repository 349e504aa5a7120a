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


def test_a_tab_refused_for_another_reason_is_not_taken_as_having_seen_the_other_save(client, auth, db, roles):
    """The later tab is refused for its own mistake (a code another department uses): once
    that is corrected, its save is still refused for the earlier tab's change, which it has
    not been told about, instead of saving over it."""
    department = roles.department_a
    auth.login(roles.admin)
    url = f"/staff/departments/{department.id}"
    tabs = [form_fields(client.get(url).get_data(as_text=True), "shown_version") for _ in range(2)]
    assert client.post(url, data={**tabs[0], "phone": "0755-12345"}).status_code == 302

    clash = client.post(url, data={**tabs[1], "code": roles.department_b.code, "office_hours": "工作日 9:00–17:00"})
    assert clash.status_code == 409 and "已被" in clash.get_data(as_text=True)
    corrected = {**form_fields(clash.get_data(as_text=True), "shown_version"), "code": tabs[1]["code"]}
    refused = client.post(url, data=corrected)
    assert refused.status_code == 409 and "在您打开本页之后已在另一个页面修改并保存" in refused.get_data(as_text=True)
    db.session.refresh(department)
    assert department.phone == "0755-12345" and department.office_hours != "工作日 9:00–17:00"
