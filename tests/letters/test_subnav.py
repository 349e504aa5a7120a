"""The letters pages' sub-navigation shows a link exactly when the page's own role check
lets the user in (staff_nav_url), separated alike for every combination of roles."""
from __future__ import annotations

import re


def _subnav(client, path: str) -> list[str]:
    html = client.get(path).get_data(as_text=True)
    nav = re.search(r'<p class="letters-subnav">(.*?)</p>', html, re.S).group(1)
    return [label for label in re.findall(r">([^<>]+)</a>", nav)], nav


def test_each_user_sees_the_letter_pages_they_may_open(client, auth, roles, make_user):
    auth.login(roles.office)
    labels, _ = _subnav(client, "/staff/letters/queue")
    assert labels == ["受理与转办", "全部来信", "审核与延期", "登记上级转办"]
    auth.login(roles.admin)
    labels, _ = _subnav(client, "/staff/letters/queue")
    assert labels[-1] == "答复期限设置"
    # An admin who also handles letters for a department: every link, each separated.
    both = make_user("admin", "handler", department=roles.department_a)
    auth.login(both)
    labels, nav = _subnav(client, "/staff/letters/queue")
    assert labels[-2:] == ["答复期限设置", "本部门来信"]
    assert nav.count(" · ") == len(labels) - 1
    for link in re.findall(r'href="([^"]+)"', nav):
        assert client.get(link).status_code == 200, link
