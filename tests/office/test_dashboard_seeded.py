"""The dashboard and the performance report on real rows of the letters, surveys and
interviews modules (skipped while one of them is not installed)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

letters_models = pytest.importorskip("interact.letters.models")
surveys_models = pytest.importorskip("interact.surveys.models")
interviews_models = pytest.importorskip("interact.interviews.models")

from interact.office import performance as perf  # noqa: E402
from interact.office import services  # noqa: E402

Letter, LS = letters_models.Letter, letters_models.LetterStatus
Collection, CS = surveys_models.Collection, surveys_models.CollectionStatus
Interview, IS = interviews_models.Interview, interviews_models.InterviewStatus


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def seeded(db, roles, frozen):
    frozen(2026, 6, 15, 10)
    a, b = roles.department_a, roles.department_b
    n = iter(range(1, 100))

    def letter(status, department, submitted, due=None, answered=None, on_time=None, channel="consultation"):
        i = next(n)
        row = Letter(number=f"ZX202600{i:02d}", channel=letters_models.LetterChannel(channel),
                     kind=letters_models.LetterKind.CONSULTATION, status=status, title=f"来信{i}", body="内容",
                     name="张三", phone="13900000000", query_code_hash="x" * 64,
                     department_id=department.id if department is not None else None,
                     submitted_at=submitted, due_at=due, answered_at=answered, answered_on_time=on_time,
                     answered_workdays=3 if answered else None)
        db.session.add(row)
        return row

    # Veto: unanswered since February (more than three months), also overdue.
    letter(LS.ASSIGNED, a, utc(2026, 2, 10, 2), due=utc(2026, 2, 20, 15))
    # Veto and overdue, still with the office (never accepted).
    letter(LS.SUBMITTED, None, utc(2026, 3, 1, 2), due=utc(2026, 3, 2, 15))
    # Overdue in A and B, not veto.
    letter(LS.ASSIGNED, a, utc(2026, 6, 1, 2), due=utc(2026, 6, 8, 15))
    letter(LS.ASSIGNED, b, utc(2026, 6, 2, 2), due=utc(2026, 6, 9, 15))
    # Not yet due.
    letter(LS.ASSIGNED, b, utc(2026, 6, 12, 2), due=utc(2026, 6, 19, 15))
    # Answered and closed on time in June: last consultation reply.
    letter(LS.CLOSED, a, utc(2026, 6, 3, 2), due=utc(2026, 6, 10, 15), answered=utc(2026, 6, 5, 2), on_time=True)

    def collection(title, department, starts, ends, feedback_at=None, on_time=None):
        row = Collection(title=title, department_id=department.id, starts_at=starts, ends_at=ends,
                         status=CS.PUBLISHED, feedback_published_at=feedback_at, feedback_on_time=on_time)
        db.session.add(row)
        return row

    collection("已反馈", a, utc(2026, 1, 5), utc(2026, 2, 5), utc(2026, 2, 20), True)
    collection("逾期未反馈", a, utc(2026, 3, 1), utc(2026, 4, 1))
    collection("即将到期", b, utc(2026, 4, 20), utc(2026, 5, 18))
    collection("进行中", b, utc(2026, 6, 1), utc(2026, 6, 30))

    def interview(topic, department, start, status):
        db.session.add(Interview(topic=topic, department_id=department.id, scheduled_start=start, status=status))

    interview("已举办", a, utc(2026, 3, 10, 2), IS.ARCHIVED)
    interview("未发预告", b, utc(2026, 6, 17, 2), IS.DRAFT)
    db.session.commit()
    return roles


def test_dashboard_numbers_on_seeded_data(app, seeded):
    board = services.compliance_dashboard()
    assert board.get("veto").value == 2 and board.get("veto").status == "fail"
    assert [row.title for row in board.get("veto").rows] == ["来信1", "来信2"]
    overdue = board.get("overdue")
    assert overdue.value == 4
    assert {(dept_id, count) for _, dept_id, count in overdue.rows} == {
        (seeded.department_a.id, 2), (seeded.department_b.id, 1), (None, 1)}
    # The card and the veto list agree: every veto letter is counted by the card's holder.
    counted = {dept_id: count for _, dept_id, count in overdue.rows}
    for veto in board.get("veto").rows:
        assert counted.get(veto.department_id, 0) >= 1
    assert [c.title for c in board.get("feedback_overdue").rows] == ["逾期未反馈"]
    assert [c.title for c in board.get("feedback_due").rows] == ["即将到期"]
    assert board.get("collections").value == 4
    assert board.get("interviews").value == 1
    assert [i.topic for i in board.get("unannounced").rows] == ["未发预告"]
    assert board.get("last_reply").value == "2026-06-05" and board.get("last_reply").status == "ok"
    assert not board.missing and board.passed is False


def test_dashboard_lists_link_to_staff_pages(client, auth, seeded):
    auth.login(seeded.office)
    html = client.get("/staff/dashboard/veto").get_data(as_text=True)
    assert "ZX20260001" in html and "市人力资源社会保障局" in html and "ZX20260002" in html
    html = client.get("/staff/dashboard/feedback_overdue").get_data(as_text=True)
    assert "逾期未反馈" in html and "反馈期限" in html
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert "deadline=overdue" in html and "办公室（待受理、待转办或退回）" in html


def test_performance_on_seeded_data(app, seeded):
    report = perf.department_report(perf.make_period("quarter", year=2026, quarter=2))
    rows = {row.department_id: row for row in report.rows}
    a, b = rows[seeded.department_a.id], rows[seeded.department_b.id]
    assert (a.letters.received, a.letters.answered, a.letters.on_time, a.letters.overdue) == (2, 1, 1, 1)
    assert (b.letters.received, b.letters.answered, b.letters.overdue) == (2, 0, 1)
    assert b.collections_run == 2 and b.interviews == 0
    assert report.total.letters.received == 4 and not report.missing
