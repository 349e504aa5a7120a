"""The staff menu shows exactly the pages the user may open."""
import re

import pytest


@pytest.mark.parametrize("who", ["admin", "office", "handler_a", "curator"])
def test_every_menu_link_opens_for_its_user(client, auth, roles, who):
    auth.login(getattr(roles, who))
    html = client.get("/staff/").get_data(as_text=True)
    nav = html.split('aria-label="工作台导航"', 1)[1].split("</nav>", 1)[0]
    links = dict(re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)', nav))
    assert len(links) >= 4
    for href in links:
        assert client.get(href).status_code == 200, (who, href)


def test_menu_follows_the_views_roles(client, auth, roles):
    auth.login(roles.admin)  # admin only, not office: still sees the letters pages the view allows
    labels = re.findall(r"<li><a [^>]*>([^<]+)</a>", client.get("/staff/").get_data(as_text=True))
    assert {"全部来信", "来信统计", "用户与角色"} <= set(labels)
    auth.login(roles.handler_a)
    labels = re.findall(r"<li><a [^>]*>([^<]+)</a>", client.get("/staff/").get_data(as_text=True))
    assert "本部门来信" in labels and "用户与角色" not in labels and "合规看板" not in labels
