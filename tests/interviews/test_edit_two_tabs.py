"""A handler has an interview's edit form open in two tabs: the later save does not throw
the earlier change away unseen (refused with what was typed kept and what is saved now
shown; saved again from that page, it is saved). A double click is never refused. (The
cover has its own check: test_cover_two_tabs.py.)"""
from __future__ import annotations

from tests.helpers import form_fields


def _open(client, interview) -> dict[str, str]:
    return form_fields(client.get(f"/staff/interviews/{interview.id}/edit").get_data(as_text=True), "shown_version")


def test_a_save_from_a_tab_opened_before_another_save_is_refused_with_the_text_kept(client, auth, db, roles,
                                                                                      make_interview):
    interview = make_interview()
    auth.login(roles.handler_a)
    first, second = _open(client, interview), _open(client, interview)
    url = f"/staff/interviews/{interview.id}/edit"

    assert client.post(url, data={**first, "host": "主持人小王"}).status_code == 302
    refused = client.post(url, data={**second, "introduction": "<p>第二个标签页写的简介。</p>"})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "在您打开本页之后已在另一个页面修改并保存" in page
    assert "第二个标签页写的简介" in page and "现在保存的内容" in page and "主持人小王" in page
    db.session.refresh(interview)
    assert interview.host == "主持人小王" and "第二个标签页" not in interview.introduction

    assert client.post(url, data=form_fields(page, "shown_version")).status_code == 302
    db.session.refresh(interview)
    assert "第二个标签页写的简介" in interview.introduction


def test_a_double_click_on_save_is_not_a_second_tab(client, auth, db, roles, make_interview):
    interview = make_interview()
    auth.login(roles.handler_a)
    opened = {**_open(client, interview), "host": "双击"}
    url = f"/staff/interviews/{interview.id}/edit"
    assert [client.post(url, data=opened).status_code for _ in range(2)] == [302, 302]
    db.session.refresh(interview)
    assert interview.host == "双击"
