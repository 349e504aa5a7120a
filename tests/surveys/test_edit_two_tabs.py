"""A handler has a collection's edit form open in two tabs: the later save does not throw
the earlier change away unseen (refused with what was typed kept and what is saved now
shown; saved again from that page, it is saved). A double click is never refused."""
from __future__ import annotations

from tests.helpers import form_fields


def _open(client, collection) -> dict[str, str]:
    return form_fields(client.get(f"/staff/surveys/{collection.id}/edit").get_data(as_text=True), "shown_version")


def test_a_save_from_a_tab_opened_before_another_save_is_refused_with_the_text_kept(client, auth, db, roles,
                                                                                      make_collection):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    first, second = _open(client, collection), _open(client, collection)
    url = f"/staff/surveys/{collection.id}/edit"

    assert client.post(url, data={**first, "contact_address": "示范市人民路1号"}).status_code == 302
    refused = client.post(url, data={**second, "summary": "第二个标签页写的摘要"})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "在您打开本页之后已在另一个页面修改并保存" in page
    assert "第二个标签页写的摘要" in page and "现在保存的内容" in page and "示范市人民路1号" in page
    db.session.refresh(collection)
    assert collection.contact_address == "示范市人民路1号" and collection.summary != "第二个标签页写的摘要"

    assert client.post(url, data=form_fields(page, "shown_version")).status_code == 302
    db.session.refresh(collection)
    assert collection.summary == "第二个标签页写的摘要"


def test_a_double_click_on_save_is_not_a_second_tab(client, auth, db, roles, make_collection):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    opened = {**_open(client, collection), "summary": "双击保存"}
    url = f"/staff/surveys/{collection.id}/edit"
    assert [client.post(url, data=opened).status_code for _ in range(2)] == [302, 302]
    db.session.refresh(collection)
    assert collection.summary == "双击保存"
