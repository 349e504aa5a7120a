"""The office's routing suggestion is one rule (``services.routing_suggestion``): the office
queue and the letter page suggest the same department for the same letter. While the
department the citizen chose stands (the letter was never routed), nothing else is
suggested; once a department returned it, similar answered letters suggest one."""
from __future__ import annotations

import re

from interact.extensions import db
from interact.letters import services


def _answered_by_b(submit, roles):
    letter, _ = submit(title="住房公积金提取需要什么材料")
    services.assign_letter(letter, roles.department_b.id, actor=roles.office)
    services.answer_letter(letter, actor=roles.handler_b, answer_html="<p>请携带身份证办理。</p>")
    services.approve_answer(letter, actor=roles.office, publish=False)
    db.session.commit()


def _queue_suggestion(client, letter) -> str:
    html = client.get("/staff/letters/queue").get_data(as_text=True)
    row = re.search(rf"{letter.number}</a></td>(.*?)</tr>", html, re.S).group(1)
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[3]


def _page_suggestion(client, letter) -> str | None:
    html = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    found = re.search(r"建议转交：<strong>(.*?)</strong>", html)
    return found.group(1) if found else None


def test_a_letter_whose_chosen_department_stands_gets_no_other_suggestion(client, auth, submit, roles):
    _answered_by_b(submit, roles)
    new, _ = submit(title="提取公积金要带什么", department_id=roles.department_a.id)
    accepted, _ = submit(title="提取公积金要带什么材料", department_id=roles.department_a.id)
    services.accept_letter(accepted, actor=roles.office)
    db.session.commit()
    auth.login(roles.office)
    for letter in (new, accepted):
        assert services.routing_suggestion(letter) is None
        assert _queue_suggestion(client, letter) == "—"
        assert _page_suggestion(client, letter) is None


def test_a_returned_letter_is_suggested_the_same_department_on_queue_and_page(client, auth, submit, roles):
    _answered_by_b(submit, roles)
    returned, _ = submit(title="提取公积金要带什么", department_id=roles.department_a.id)
    services.assign_letter(returned, roles.department_a.id, actor=roles.office)
    services.return_letter(returned, actor=roles.handler_a, reason="不属于本部门职责")
    unsure, _ = submit(title="公积金提取要什么材料")
    db.session.commit()
    auth.login(roles.office)
    for letter in (returned, unsure):
        assert services.routing_suggestion(letter)[0].id == roles.department_b.id
        assert roles.department_b.name in _queue_suggestion(client, letter)
        assert _page_suggestion(client, letter) == roles.department_b.name
    # The letter page preselects the suggested department, not the one that returned it.
    html = client.get(f"/staff/letters/{returned.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{roles.department_b.id}"|<option value="{roles.department_b.id}" selected',
                     html)
