"""Compliance dashboard: the checks, their thresholds, the links, and who may see it."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest


from interact.core.models import CalendarDay, CalendarDayKind
from interact.office import services


def test_all_modules_missing_shows_missing_blocks(app, db, frozen, fake_features):
    fake_features()
    frozen(2026, 3, 2)
    board = services.compliance_dashboard()
    assert board.get("veto").status == "missing" and board.get("veto").note == "模块未安装"
    assert {c.key for c in board.missing} >= {"veto", "overdue", "feedback_due", "collections", "interviews", "last_reply"}
    # 2027 is beyond the bundled calendar and no holidays were entered.
    assert board.get("calendar").status == "warn" and board.get("calendar").value == "未配置"


def _letter(i, department, title="关于社保转移的咨询"):
    return SimpleNamespace(id=i, number=f"ZX2026{i:04d}", title=title, department=department,
                           due_at=datetime(2025, 11, 20, tzinfo=timezone.utc))


def test_dashboard_numbers_and_verdict(app, db, roles, frozen, fake_features):
    frozen(2026, 3, 2)
    dept = roles.department_a
    fake_features(**{
        "letters.veto_letters": lambda: [_letter(1, dept), _letter(2, dept)],
        "letters.overdue_counts_by_department": lambda: {roles.department_a.id: 3, roles.department_b.id: 1, 999: 0},
        "letters.last_reply_at": lambda channel: datetime(2026, 1, 10, 2, tzinfo=timezone.utc),
        "surveys.feedback_due_soon": lambda days: [SimpleNamespace(id=5, title="征集A", department=dept)],
        "surveys.feedback_overdue": lambda: [],
        "surveys.collections_count": lambda year: 6,
        "interviews.interviews_count": lambda year: 1,
        "interviews.unannounced_upcoming": lambda days: [],
    })
    board = services.compliance_dashboard()
    assert board.get("veto").value == 2 and board.get("veto").status == "fail"
    overdue = board.get("overdue")
    assert overdue.value == 4 and overdue.status == "warn"
    assert overdue.rows == [("市人力资源社会保障局", roles.department_a.id, 3), ("市住房公积金管理中心", roles.department_b.id, 1)]
    assert board.get("feedback_due").value == 1 and board.get("feedback_overdue").status == "ok"
    assert board.get("collections").status == "ok"
    interviews = board.get("interviews")
    assert interviews.value == 1 and interviews.status == "warn" and "还差 5 次" in interviews.note
    assert board.get("last_reply").value == "2026-01-10" and board.get("last_reply").status == "ok"
    assert board.passed is False


def test_consultation_silent_for_two_months_is_flagged(app, db, frozen, fake_features):
    frozen(2026, 3, 11)
    fake_features(**{"letters.last_reply_at": lambda channel: datetime(2026, 1, 10, 2, tzinfo=timezone.utc)})
    check = services.compliance_dashboard().get("last_reply")
    assert check.status == "fail" and "2个月" in check.note
    fake_features(**{"letters.last_reply_at": lambda channel: None})
    assert services.compliance_dashboard().get("last_reply").value == "从未答复"


def test_targets_fail_only_at_year_end(app, db, frozen, fake_features):
    fake_features(**{"surveys.collections_count": lambda year: 5, "interviews.interviews_count": lambda year: 6})
    frozen(2026, 12, 20)
    board = services.compliance_dashboard()
    assert board.get("collections").status == "fail" and board.get("interviews").status == "ok"
    frozen(2026, 2, 2)
    assert services.compliance_dashboard().get("collections").status == "warn"


def test_calendar_coverage_for_next_year(app, db, frozen, fake_features, monkeypatch):
    from interact.core import workdays

    fake_features()
    frozen(2026, 3, 2)
    monkeypatch.setattr(workdays, "CC_LAST_YEAR", 2026)
    check = services.compliance_dashboard().get("calendar")
    assert check.status == "warn" and check.link == ("office.calendar", {"year": 2027})
    db.session.add(CalendarDay(day=date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦"))
    db.session.commit()
    assert services.compliance_dashboard().get("calendar").status == "ok"


def test_dashboard_page_links_each_number(client, auth, roles, frozen, fake_features):
    frozen(2026, 3, 2)
    fake_features(**{
        "letters.veto_letters": lambda: [_letter(1, roles.department_a, "<script>alert(1)</script>")],
        "surveys.feedback_due_soon": lambda days: [],
        "surveys.feedback_overdue": lambda: [],
    })
    auth.login(roles.office)
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert "合规看板" in html and "不通过" in html and "模块未安装" in html
    assert 'href="/staff/dashboard/veto"' in html
    assert 'href="/staff/dashboard/feedback_overdue"' in html
    # The holiday calendar is the administrator's page: the office is not sent to a 403.
    assert "/staff/calendar?year=2027" not in html
    detail = client.get("/staff/dashboard/veto")
    body = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "ZX20260001" in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert client.get("/staff/dashboard/nonsense").status_code == 404


def test_dashboard_list_of_missing_module(client, auth, roles, fake_features):
    fake_features()
    auth.login(roles.admin)
    response = client.get("/staff/dashboard/unannounced")
    assert response.status_code == 200 and "模块未安装" in response.get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("handler_a", 403), ("curator", 403), ("office", 200), ("admin", 200)])
def test_dashboard_permissions(client, auth, roles, who, status):
    auth.login(getattr(roles, who))
    assert client.get("/staff/dashboard").status_code == status
    assert client.get("/staff/dashboard/veto").status_code == status


def test_dashboard_anonymous_redirects_to_login(client):
    response = client.get("/staff/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
