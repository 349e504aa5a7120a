"""Every link on the compliance dashboard opens for the person who sees it (a link the
server then refuses with 403 is an action offered and refused)."""
from __future__ import annotations

import re

import pytest


def _main_links(html: str) -> list[str]:
    main = html.split('<main', 1)[1].split('</main>', 1)[0]
    return [href.replace("&amp;", "&") for href in re.findall(r'href="(/staff/[^"#]*)"', main)]


@pytest.mark.parametrize("who", ["office", "admin"])
def test_dashboard_links_open_for_the_viewer(app, db, roles, auth, client, frozen, who):
    frozen(2026, 3, 2)  # 2027 is beyond the bundled calendar: its check asks for holidays
    auth.login(getattr(roles, who))
    page = client.get("/staff/dashboard")
    assert page.status_code == 200
    links = _main_links(page.get_data(as_text=True))
    assert links
    refused = [href for href in links if client.get(href).status_code != 200]
    assert refused == [], f"{who} is shown links it cannot open: {refused}"


def test_calendar_check_links_only_for_the_administrator(app, db, roles, auth, client, frozen):
    frozen(2026, 3, 2)
    auth.login(roles.office)
    office_page = client.get("/staff/dashboard").get_data(as_text=True)
    assert "2027 年工作日历" in office_page and "/staff/calendar" not in office_page
    auth.logout()
    auth.login(roles.admin)
    assert "/staff/calendar?year=2027" in client.get("/staff/dashboard").get_data(as_text=True)
