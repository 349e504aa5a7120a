"""Two requests drafting the same month's summary at the same instant (a double click on
生成草稿, or the clerk and the monthly job together): tried from outside, four parallel
POST /staff/letters/summaries for 2026-10 gave one draft and three 500 pages
(UNIQUE constraint failed: monthly_summaries.month). The later request now opens the
draft the first one created."""
from __future__ import annotations

import re

import pytest

from interact.extensions import db
from interact.letters import summary
from interact.letters.models import MonthlySummary


@pytest.fixture
def drafted_meanwhile(roles, frozen, monkeypatch):
    """October's draft exists, but the next look for it comes before its commit (sees none)."""
    frozen(2026, 11, 3, 9)
    existing, _ = summary.draft_summary("2026-10", actor=roles.office)
    db.session.commit()
    real, calls = summary.summary_for_month, []

    def not_yet_seen(month):
        calls.append(month)
        return None if len(calls) == 1 else real(month)

    monkeypatch.setattr(summary, "summary_for_month", not_yet_seen)
    return existing


def test_a_draft_created_meanwhile_is_returned_not_an_error(drafted_meanwhile, roles):
    second, created = summary.draft_summary("2026-10", actor=roles.admin)
    db.session.commit()
    assert not created and second.id == drafted_meanwhile.id
    assert db.session.scalar(db.select(db.func.count()).select_from(MonthlySummary)) == 1


def test_double_click_on_generate_opens_the_draft(drafted_meanwhile, client, auth, roles):
    auth.login(roles.office)
    page = client.get("/staff/letters/summaries").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/staff/letters/summaries", data={"csrf_token": token, "month": "2026-10"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/letters/summaries/{drafted_meanwhile.id}")
