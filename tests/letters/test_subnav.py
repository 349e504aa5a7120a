"""The letters pages' sub-navigation shows a link exactly when the page's own role check
lets the user in (staff_nav_url), separated alike for every combination of roles; the
page's own link is marked, and a bar whose only link is the page itself is not shown."""
from __future__ import annotations

import re


def _subnav(client, path: str) -> tuple[list[str], str]:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'<nav class="letters-subnav"[^>]*>(.*?)</nav>', html, re.S)
    nav = found.group(1) if found else ""
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
    assert nav.count("<li>") == len(labels)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == ["/staff/letters/queue"]
    for link in re.findall(r'href="([^"]+)"', nav):
        assert client.get(link).status_code == 200, link


def test_a_handler_is_not_shown_a_bar_that_only_links_the_page_itself(client, auth, roles, make_user):
    handler = make_user("handler", department=roles.department_a)
    auth.login(handler)
    assert _subnav(client, "/staff/letters/mine") == ([], "")
    page = client.get("/staff/letters/mine").get_data(as_text=True)
    assert "<h1>本部门来信</h1>" in page
    assert page.count('href="/staff/letters/mine"') == 1  # the workspace menu's, not a second one under the heading
