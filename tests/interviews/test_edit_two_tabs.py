"""A handler has an interview's edit form open in two tabs: the later save does not throw
the earlier change away unseen (refused with what was typed kept and what is saved now
shown; saved again from that page, it is saved). A double click is never refused. (The
cover has its own check: test_cover_two_tabs.py.)"""
from __future__ import annotations

from tests.helpers import form_fields, saved_in_two_tabs, saved_twice_at_a_double_click


def test_a_save_from_a_tab_opened_before_another_save_is_refused_with_the_text_kept(client, auth, db, roles,
                                                                                      make_interview):
    interview = make_interview()
    auth.login(roles.handler_a)
    url = f"/staff/interviews/{interview.id}/edit"
    page = saved_in_two_tabs(client, url, {"host": "主持人小王"}, {"introduction": "<p>第二个标签页写的简介。</p>"})
    db.session.refresh(interview)
    assert interview.host == "主持人小王" and "第二个标签页" not in interview.introduction

    assert client.post(url, data=form_fields(page, "shown_version")).status_code == 302
    db.session.refresh(interview)
    assert "第二个标签页写的简介" in interview.introduction


def test_a_double_click_on_save_is_not_a_second_tab(client, auth, db, roles, make_interview):
    interview = make_interview()
    auth.login(roles.handler_a)
    saved_twice_at_a_double_click(client, f"/staff/interviews/{interview.id}/edit", {"host": "双击"})
    db.session.refresh(interview)
    assert interview.host == "双击"
