"""A handler has a collection's edit form open in two tabs: the later save does not throw
the earlier change away unseen (refused with what was typed kept and what is saved now
shown; saved again from that page, it is saved). A double click is never refused."""
from __future__ import annotations

from tests.helpers import form_fields, saved_in_two_tabs, saved_twice_at_a_double_click


def test_a_save_from_a_tab_opened_before_another_save_is_refused_with_the_text_kept(client, auth, db, roles,
                                                                                      make_collection):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    url = f"/staff/surveys/{collection.id}/edit"
    page = saved_in_two_tabs(client, url, {"contact_address": "示范市人民路1号"}, {"summary": "第二个标签页写的摘要"})
    db.session.refresh(collection)
    assert collection.contact_address == "示范市人民路1号" and collection.summary != "第二个标签页写的摘要"

    assert client.post(url, data=form_fields(page, "shown_version")).status_code == 302
    db.session.refresh(collection)
    assert collection.summary == "第二个标签页写的摘要"


def test_a_double_click_on_save_is_not_a_second_tab(client, auth, db, roles, make_collection):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    saved_twice_at_a_double_click(client, f"/staff/surveys/{collection.id}/edit", {"summary": "双击保存"})
    db.session.refresh(collection)
    assert collection.summary == "双击保存"
