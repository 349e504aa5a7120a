"""按当前数据统计 on a month without a monitoring report, clicked twice at once (or by the
clerk while the daily job drafts it): tried from outside, three parallel POST
/staff/reports/monthly/2026-11/draft gave one report and two 500 pages (UNIQUE constraint
failed: inspection_reports.month). The copies now draft one after the other: one report,
every click lands on it."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core import periods
from interact.office import inspection
from interact.office.models import InspectionReport
from tests.accounts.test_session_races import racing_app  # noqa: F401 - fixture
from tests.staff_races import count, make_staff, meet, post_copies


def test_the_report_drafted_twice_at_once_is_drafted_once(racing_app, monkeypatch):
    office_id = make_staff(racing_app, "office", "office")
    # after the look for the month's report, before the insert: copies the rule lets through
    # together meet here; copies it makes wait pass one after the other
    meet(monkeypatch, inspection, "compute_items", 2)
    month = periods.current_month()
    statuses = post_copies(racing_app, office_id, f"/staff/reports/monthly/{month}/draft", {}, 2)
    assert statuses == [302, 302]
    assert count(racing_app, sa.select(InspectionReport).where(InspectionReport.month == month)) == 1
