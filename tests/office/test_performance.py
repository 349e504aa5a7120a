"""Department performance: periods, combined figures, chart, exports, permissions."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from interact.core.errors import InvalidInput
from interact.extensions import db
from interact.letters import services as letters
from interact.letters.models import LetterRating
from interact.office import performance as perf
from tests.interviews.conftest import make_interview  # noqa: F401 (fixture)
from tests.letters.conftest import letter_input
from tests.surveys.conftest import make_collection  # noqa: F401 (fixture)


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
def figures(roles, frozen, make_collection, make_interview):
    """Real letters, collections and interviews of 2026 (no stand-ins):
    department A: 3 letters (2 answered on time, 1 overdue), 2 collections;
    department B: 1 letter answered on time and rated 不满意, 1 interview."""
    make_collection(department=roles.department_a, title="关于公共停车场收费办法公开征求意见")
    make_collection(department=roles.department_a, title="关于城市公园开放时间公开征求意见")
    frozen(2026, 3, 2, 9)
    for department, handler, answer in ((roles.department_a, roles.handler_a, True),
                                        (roles.department_a, roles.handler_a, True),
                                        (roles.department_a, roles.handler_a, False),
                                        (roles.department_b, roles.handler_b, True)):
        letter = letters.submit_letter(letter_input()).letter
        letters.assign_letter(letter, department.id, actor=roles.office)
        if answer:
            letters.answer_letter(letter, actor=handler, answer_html="<p>请到服务大厅办理。</p>")
            letters.approve_answer(letter, actor=roles.office, publish=False)
            if department is roles.department_b:
                letters.rate_letter(letter, LetterRating.UNSATISFIED)
    db.session.commit()
    frozen(2026, 3, 20, 10)
    make_interview(department=roles.department_b)
    return roles


def test_report_combines_modules_and_totals(app, figures):
    report = perf.department_report(perf.make_period("year", year=2026))
    rows = {row.name: row for row in report.rows}
    a = rows["市人力资源社会保障局"]
    assert (a.letters.received, a.letters.answered, a.letters.on_time, a.letters.overdue) == (3, 2, 2, 1)
    assert (a.collections_run, a.feedback_published, a.interviews) == (2, 0, 0)
    assert a.letters.on_time_rate == 1.0 and a.feedback_on_time_rate is None and a.letters.satisfaction_rate is None
    b = rows["市住房公积金管理中心"]
    assert (b.letters.received, b.letters.answered, b.letters.rated, b.letters.satisfied, b.interviews) == (1, 1, 1, 0, 1)
    total = report.total
    assert (total.letters.received, total.letters.answered, total.letters.overdue) == (4, 3, 1)
    assert (total.collections_run, total.interviews) == (2, 1)
    # Rates of the total come from the summed counts, never from the rows' rates.
    assert total.letters.avg_workdays == pytest.approx(
        (a.letters.workdays_total + b.letters.workdays_total) / 3)
    assert total.letters.satisfaction_rate == 0.0
    assert report.missing == []
    assert perf.department_report(perf.make_period("year", year=2026),
                                  department_id=figures.department_b.id).total.letters.received == 1


def test_chart_geometry(app, figures):
    report = perf.department_report(perf.make_period("year", year=2026))
    chart = perf.letters_chart(report.rows)
    assert len(chart.bars) == 6  # two departments with letters × three series
    widest = max(chart.bars, key=lambda bar: bar.width)
    assert widest.value == 3 and widest.x + widest.width <= chart.width
    assert [bar.value for bar in chart.bars[:3]] == [3, 2, 1]


def test_page_renders_svg_without_inline_style(client, auth, figures):
    auth.login(figures.office)
    response = client.get("/staff/performance?period=year&year=2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg" in html and 'fill="#1f5fa8"' in html and "style=" not in html
    assert "市人力资源社会保障局" in html and "100.0%" in html and "逾期未办" in html


def test_page_bad_period_is_422_with_message(client, auth, db, figures):
    auth.login(figures.office)
    response = client.get("/staff/performance?period=custom&start=2026-03-01&end=2026-01-01")
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.get_data(as_text=True)
    assert client.get("/staff/performance?period=month&month=abc").status_code == 200  # ignored → this month


def test_csv_export_is_guarded_against_formulas(client, auth, figures, make_department):
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


def test_xlsx_export(client, auth, figures, make_department):
    make_department("@SUM(1)", "EVIL2")
    auth.login(figures.admin)
    response = client.get("/staff/performance.xlsx?period=year&year=2026")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "部门考核 2026年"
    values = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "'@SUM(1)" in values
    header = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    row_a = dict(zip(header, next(row for row in sheet.iter_rows(min_row=3, values_only=True)
                                  if row[0] == "市人力资源社会保障局")))
    assert (row_a["收到来信"], row_a["已答复"], row_a["按期答复"], row_a["逾期未办"], row_a["开展征集"]) == (3, 2, 2, 1, 2)
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
