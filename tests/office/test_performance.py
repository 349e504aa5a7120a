"""Department performance: periods, combined figures, chart, exports, permissions."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from interact.core.errors import InvalidInput
from interact.office import performance as perf


def test_periods(app, frozen):
    frozen(2026, 5, 14)
    assert perf.make_period() == perf.Period("month", date(2026, 5, 1), date(2026, 5, 31), "2026年5月")
    assert perf.make_period("month", year=2028, month=2).end == date(2028, 2, 29)
    q = perf.make_period("quarter")
    assert (q.start, q.end, q.label) == (date(2026, 4, 1), date(2026, 6, 30), "2026年第2季度")
    assert perf.make_period("quarter", year=2026, quarter=4).end == date(2026, 12, 31)
    assert perf.make_period("year", year=2025).start == date(2025, 1, 1)
    custom = perf.make_period("custom", start="2026-01-05", end="2026-02-05")
    assert custom.query_args() == {"period": "custom", "start": "2026-01-05", "end": "2026-02-05"}


@pytest.mark.parametrize("kwargs", [
    {"kind": "week"}, {"kind": "month", "month": 13}, {"kind": "quarter", "quarter": 5}, {"kind": "year", "year": 1900},
    {"kind": "custom", "start": "2026-02-01", "end": "2026-01-01"}, {"kind": "custom", "start": "x", "end": "2026-01-01"},
    {"kind": "custom", "start": "2020-01-01", "end": "2026-01-01"},
])
def test_bad_periods_raise_chinese_errors(app, kwargs):
    kind = kwargs.pop("kind")
    with pytest.raises(InvalidInput) as error:
        perf.make_period(kind, **kwargs)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.value.message)


@pytest.fixture
def figures(roles, fake_features):
    a, b = roles.department_a.id, roles.department_b.id
    fake_features(**{
        "letters.department_performance": lambda start, end: {
            a: {"received": 10, "answered": 8, "on_time": 6, "overdue": 2, "avg_workdays": 4.0, "satisfaction_rate": 0.75},
            b: {"received": 2, "answered": 2, "on_time": 2, "overdue": 0, "avg_workdays": 1.0, "satisfaction_rate": 1.0},
        },
        "surveys.department_collections": lambda start, end: {a: {"run": 2, "feedback_published": 2, "feedback_on_time": 1}},
        "interviews.department_interviews": lambda start, end: {b: 1},
    })
    return roles


def test_report_combines_modules_and_totals(app, db, figures, frozen):
    frozen(2026, 5, 14)
    report = perf.department_report(perf.make_period("year"))
    rows = {row.name: row for row in report.rows}
    a = rows["市人力资源社会保障局"]
    assert (a.received, a.answered, a.on_time, a.overdue, a.collections_run, a.feedback_on_time) == (10, 8, 6, 2, 2, 1)
    assert a.on_time_rate == 0.75 and a.feedback_on_time_rate == 0.5
    assert rows["市住房公积金管理中心"].interviews == 1
    total = report.total
    assert (total.received, total.answered, total.overdue, total.interviews) == (12, 10, 2, 1)
    assert total.avg_workdays == pytest.approx((4.0 * 8 + 1.0 * 2) / 10)
    assert total.satisfaction_rate == pytest.approx((0.75 * 8 + 1.0 * 2) / 10)
    assert report.missing == []


def test_chart_geometry(app, db, figures):
    report = perf.department_report(perf.make_period("year", year=2026))
    chart = perf.letters_chart(report.rows)
    assert len(chart.bars) == 6  # two departments with letters × three series
    widest = max(chart.bars, key=lambda bar: bar.width)
    assert widest.value == 10 and widest.x + widest.width <= chart.width
    assert [bar.value for bar in chart.bars[:3]] == [10, 8, 2]


def test_page_renders_svg_without_inline_style(client, auth, db, figures):
    auth.login(figures.office)
    response = client.get("/staff/performance?period=year&year=2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg" in html and 'fill="#1f5fa8"' in html and "style=" not in html
    assert "市人力资源社会保障局" in html and "75.0%" in html


def test_page_bad_period_is_422_with_message(client, auth, db, figures):
    auth.login(figures.office)
    response = client.get("/staff/performance?period=custom&start=2026-03-01&end=2026-01-01")
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.get_data(as_text=True)
    assert client.get("/staff/performance?period=month&month=abc").status_code == 200  # ignored → this month


def test_missing_modules_are_named(client, auth, roles, fake_features):
    fake_features()
    auth.login(roles.office)
    html = client.get("/staff/performance").get_data(as_text=True)
    assert "模块未安装：来信办理、民意征集、在线访谈" in html


def test_csv_export_is_guarded_against_formulas(client, auth, db, figures, make_department):
    make_department("=HYPERLINK(\"http://evil\",\"x\")", "EVIL")
    auth.login(figures.office)
    response = client.get("/staff/performance.csv?period=year&year=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "部门"
    names = [row[0] for row in rows[2:]]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in names and names[-1] == "合计"
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_xlsx_export(client, auth, db, figures, make_department):
    make_department("@SUM(1)", "EVIL2")
    auth.login(figures.admin)
    response = client.get("/staff/performance.xlsx?period=quarter&year=2026&quarter=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "部门考核 2026年第1季度"
    values = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "'@SUM(1)" in values
    row_a = next(row for row in sheet.iter_rows(min_row=3, values_only=True) if row[0] == "市人力资源社会保障局")
    assert row_a[1:5] == (10, 8, 6, 2)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_unknown_format_and_bad_period(client, auth, roles):
    auth.login(roles.office)
    assert client.get("/staff/performance.pdf").status_code == 404
    assert client.get("/staff/performance.csv?period=custom&start=bad&end=2026-01-01").status_code == 422


@pytest.mark.parametrize("who", ["handler_a", "curator"])
def test_performance_permissions(client, auth, roles, who):
    auth.login(getattr(roles, who))
    assert client.get("/staff/performance").status_code == 403
    assert client.get("/staff/performance.csv").status_code == 403


def test_performance_anonymous_redirects(client):
    assert "/login" in client.get("/staff/performance.xlsx").headers["Location"]
