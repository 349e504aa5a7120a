"""Compliance dashboard: the checks, their thresholds, the links, and who may see it — on
rows of the real letters, surveys and interviews modules."""
from __future__ import annotations

from datetime import date

import pytest

from interact.core.models import CalendarDay, CalendarDayKind
from interact.interviews.models import InterviewStatus
from interact.letters.models import LetterStatus
from interact.office import services

from .conftest import utc

LS = LetterStatus


def test_all_modules_missing_shows_missing_blocks(app, db, frozen, without_features):
    frozen(2026, 3, 2)
    board = services.compliance_dashboard()
    assert board.get("veto").status == "missing" and board.get("veto").note == "模块未安装"
    assert {c.key for c in board.missing} >= {"veto", "overdue", "feedback_due", "collections", "interviews", "last_reply"}
    # 2027 is beyond the bundled calendar and no holidays were entered.
    assert board.get("calendar").status == "warn" and board.get("calendar").value == "未配置"


def test_dashboard_numbers_and_verdict(app, db, roles, frozen, rows):
    frozen(2026, 3, 2, 10)
    a, b = roles.department_a, roles.department_b
    # Two letters unanswered since November (veto, and overdue), one more overdue in A, one in B.
    rows.letter(LS.ASSIGNED, a, utc(2025, 11, 20, 2), due=utc(2025, 11, 27, 15))
    rows.letter(LS.ASSIGNED, a, utc(2025, 11, 21, 2), due=utc(2025, 11, 28, 15))
    rows.letter(LS.ASSIGNED, a, utc(2026, 2, 10, 2), due=utc(2026, 2, 17, 15))
    rows.letter(LS.ASSIGNED, b, utc(2026, 2, 11, 2), due=utc(2026, 2, 18, 15))
    # The consultation channel's last answer: 10 January.
    rows.letter(LS.CLOSED, b, utc(2026, 1, 5, 2), due=utc(2026, 1, 12, 15), answered=utc(2026, 1, 10, 2), on_time=True)
    # Six collections this year (target met); one ended on 5 February: feedback due 5 March.
    for n in range(5):
        rows.collection(f"征集{n}", a, utc(2026, 1, 2 + n), utc(2026, 1, 10 + n), feedback_at=utc(2026, 1, 20 + n))
    rows.collection("即将到期", a, utc(2026, 1, 20), utc(2026, 2, 5))
    rows.interview("已举办", a, utc(2026, 2, 10, 2), InterviewStatus.ARCHIVED)

    board = services.compliance_dashboard()
    assert board.get("veto").value == 2 and board.get("veto").status == "fail"
    overdue = board.get("overdue")
    assert overdue.value == 4 and overdue.status == "warn"
    assert overdue.rows == [("市人力资源社会保障局", a.id, 3), ("市住房公积金管理中心", b.id, 1)]
    assert board.get("feedback_due").value == 1 and board.get("feedback_overdue").status == "ok"
    assert board.get("collections").value == 6 and board.get("collections").status == "ok"
    interviews = board.get("interviews")
    assert interviews.value == 1 and interviews.status == "warn" and "还差 5 次" in interviews.note
    assert board.get("last_reply").value == "2026-01-10" and board.get("last_reply").status == "ok"
    assert not board.missing and board.passed is False


def test_consultation_silent_for_two_months_is_flagged(app, db, roles, frozen, rows):
    frozen(2026, 3, 11)
    assert services.compliance_dashboard().get("last_reply").value == "从未答复"
    rows.letter(LS.CLOSED, roles.department_a, utc(2026, 1, 5, 2), answered=utc(2026, 1, 10, 2), on_time=True)
    check = services.compliance_dashboard().get("last_reply")
    assert check.status == "fail" and "2个月" in check.note
    # An answer on another channel does not count for the consultation column.
    rows.letter(LS.CLOSED, roles.department_a, utc(2026, 3, 1, 2), answered=utc(2026, 3, 3, 2), on_time=True,
                channel="mailbox")
    assert services.compliance_dashboard().get("last_reply").status == "fail"


def test_targets_fail_only_at_year_end(app, db, roles, frozen, rows):
    for n in range(5):
        rows.collection(f"征集{n}", roles.department_a, utc(2026, 1, 2 + n), utc(2026, 1, 10 + n),
                        feedback_at=utc(2026, 1, 20 + n))
    for n in range(6):
        rows.interview(f"访谈{n}", roles.department_a, utc(2026, 1, 5 + n, 2), InterviewStatus.ARCHIVED)
    frozen(2026, 12, 20)
    board = services.compliance_dashboard()
    assert board.get("collections").status == "fail" and board.get("interviews").status == "ok"
    frozen(2026, 2, 2)
    assert services.compliance_dashboard().get("collections").status == "warn"


def test_calendar_coverage_for_next_year(app, db, frozen, monkeypatch):
    from interact.core import workdays

    frozen(2026, 3, 2)
    monkeypatch.setattr(workdays, "CC_LAST_YEAR", 2026)
    check = services.compliance_dashboard().get("calendar")
    assert check.status == "warn" and check.link == ("office.calendar", {"year": 2027})
    db.session.add(CalendarDay(day=date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦"))
    db.session.commit()
    assert services.compliance_dashboard().get("calendar").status == "ok"


def test_dashboard_page_links_each_number(client, auth, roles, frozen, rows):
    frozen(2026, 3, 2)
    veto = rows.letter(LS.ASSIGNED, roles.department_a, utc(2025, 11, 20, 2), due=utc(2025, 11, 27, 15),
                       title="<script>alert(1)</script>")
    auth.login(roles.office)
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert "合规看板" in html and "不通过" in html and "模块未安装" not in html
    assert 'href="/staff/dashboard/veto"' in html
    assert 'href="/staff/dashboard/feedback_overdue"' in html
    # The holiday calendar is the administrator's page: the office is not sent to a 403.
    assert "/staff/calendar?year=2027" not in html
    detail = client.get("/staff/dashboard/veto")
    body = detail.get_data(as_text=True)
    assert detail.status_code == 200 and veto.number in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert client.get("/staff/dashboard/nonsense").status_code == 404


def test_dashboard_list_of_missing_module(client, auth, roles, without_features):
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
