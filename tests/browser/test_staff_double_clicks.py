"""An impatient office clerk on a slow server clicks 转交办理 twice: the second click is
not taken (the form is sent once), the page then says once that the letter was routed
and shows no error (attack B6/N3 for staff). The server side of copies that are sent
anyway (no JavaScript, a script) is tested in tests/letters/test_double_actions.py."""
from __future__ import annotations

from tests.browser import given
from tests.browser.helpers import click_twice_on_a_slow_server, login, shows

GJJ = "市住房公积金管理中心"


def _assign_events(stored, letter_id: int) -> int:
    from interact.letters.models import Letter

    return stored(lambda db: sum(1 for e in db.session.get(Letter, letter_id).events if e.action == "assign"))


def test_routing_clicked_twice_on_a_slow_server_routes_once(page, stored):
    letter = given.new_letter(stored, department=None, title=given.unique("公积金贷款额度怎么计算"))
    login(page, "office")
    page.goto(f"/staff/letters/{letter['id']}")
    route_form = page.locator("form", has=page.get_by_role("heading", name="转办", exact=True))
    route_form.get_by_role("combobox", name="办理部门").select_option(label=GJJ)

    sent = click_twice_on_a_slow_server(page, route_form.get_by_role("button", name="转交办理"), "**/assign")
    assert sent == 1, "the form was sent a second time"

    shows(page, f"已转交{GJJ}办理。")
    flashes = page.locator(".flashes .flash").all_inner_texts()
    assert flashes == [f"已转交{GJJ}办理。"], flashes
    assert _assign_events(stored, letter["id"]) == 1
