"""The administrator's 添加 on the holiday calendar clicked twice at once adds the day once:
tried from outside, four copies of the form gave one row, and a 500 page for a copy that
passed the "already set?" check before the first one was written (UNIQUE constraint failed:
calendar_days.day). A day already set is refused with a 4xx and the form as typed."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core.models import CalendarDay
from interact.office import services
from tests.accounts.test_session_races import racing_app  # noqa: F401 - fixture
from tests.staff_races import count, hold_together, post_copies

FORM = {"day": "2099-01-01", "kind": "holiday", "name": "元旦"}


def test_a_day_added_twice_at_once_is_added_once(racing_app, racing_admin, monkeypatch):
    admin_id = racing_admin
    # Both copies have checked that the day is free before either writes it.
    hold_together(monkeypatch, CalendarDay, "__init__", 2)
    texts: list[str] = []
    statuses = post_copies(racing_app, admin_id, "/staff/calendar", FORM, 2, texts)
    assert sorted(statuses) == [302, 409]
    assert "2099-01-01 已有设置" in texts[statuses.index(409)]
    assert count(racing_app, sa.select(CalendarDay)) == 1


def test_a_day_already_set_is_refused_with_a_conflict_and_the_form_kept(client, auth, db, roles):
    auth.login(roles.admin)
    assert client.post("/staff/calendar", data=FORM).status_code == 302
    again = client.post("/staff/calendar", data={**FORM, "name": "新年"})
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "2099-01-01 已有设置" in page and 'value="新年"' in page
    assert client.post("/staff/calendar", data={**FORM, "day": "2099-13-01"}).status_code == 422
