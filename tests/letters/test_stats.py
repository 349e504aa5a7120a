"""Reply statistics (咨询回复统计): the aggregation rules, the pages, the exports."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from interact.core.errors import InvalidInput
from interact.extensions import db
from interact.letters import services, stats
from interact.letters.models import LetterChannel, LetterKind, LetterRating, RejectReason
from tests.helpers import assert_inert_html, badinput_strings

ANSWER = "<p>请携带身份证到服务大厅办理。</p>"


@pytest.fixture
def march(roles, submit, assigned, frozen):
    """Letters of March 2026 (and two around its borders), looked at on 20 March."""
    frozen(2026, 2, 28, 23, 30)  # Beijing: still February
    february, _ = submit(title="二月最后一天的来信")
    frozen(2026, 3, 1, 0, 30)  # Beijing: already March (UTC: 28 Feb)
    unrouted, _ = submit(title="三月第一天凌晨的来信")

    frozen(2026, 3, 2, 9)  # Monday
    on_time, _ = assigned(title="按时答复的来信")
    services.answer_letter(on_time, actor=roles.handler_a, answer_html=ANSWER)
    services.approve_answer(on_time, actor=roles.office, publish=True)
    services.rate_letter(on_time, LetterRating.SATISFIED)

    late, _ = assigned(title="超期答复的来信")
    waiting, _ = assigned(title="已答复待审核的来信")
    open_b, _ = submit(title="转给公积金中心的来信")
    services.assign_letter(open_b, roles.department_b.id, actor=roles.office)
    rejected, _ = submit(title="不予受理的来信")
    services.reject_letter(rejected, actor=roles.office, reason=RejectReason.OUT_OF_SCOPE)
    db.session.commit()

    frozen(2026, 3, 11, 10)  # after the 5-working-day deadline (9 March)
    services.answer_letter(late, actor=roles.handler_a, answer_html=ANSWER)
    services.approve_answer(late, actor=roles.office, publish=False)
    services.rate_letter(late, LetterRating.UNSATISFIED)
    services.answer_letter(waiting, actor=roles.handler_a, answer_html=ANSWER)
    db.session.commit()

    frozen(2026, 3, 20, 10)
    return {"february": february, "unrouted": unrouted, "on_time": on_time, "late": late, "waiting": waiting,
            "open_b": open_b, "rejected": rejected}


def _by_label(rows):
    return {row.label: row for row in rows}


def test_month_figures_by_department(march, roles):
    report = stats.monthly_report("2026-03")
    rows = _by_label(report.departments)
    a = rows[roles.department_a.name]
    assert (a.received, a.answered, a.on_time, a.overdue, a.rated, a.satisfied) == (3, 2, 1, 0, 2, 1)
    assert a.on_time_rate == 0.5 and a.satisfaction_rate == 0.5
    letters = march
    assert letters["late"].answered_workdays > 5
    assert a.avg_workdays == (letters["on_time"].answered_workdays + letters["late"].answered_workdays) / 2

    b = rows[roles.department_b.name]
    assert (b.received, b.answered, b.overdue) == (1, 0, 1)
    assert b.on_time_rate is None and b.avg_workdays is None and b.satisfaction_rate is None

    unrouted = rows[stats.UNROUTED_LABEL]
    assert (unrouted.received, unrouted.rejected, unrouted.overdue) == (2, 1, 1)
    assert report.departments[-1] is unrouted

    total = report.total
    assert (total.received, total.rejected, total.answered, total.on_time, total.overdue) == (6, 1, 2, 1, 2)


def test_an_answer_waiting_for_review_is_not_answered(march, roles):
    rows = _by_label(stats.monthly_report("2026-03").departments)
    assert rows[roles.department_a.name].answered == 2  # the waiting one is not counted
    services.approve_answer(march["waiting"], actor=roles.office, publish=False)
    db.session.commit()
    rows = _by_label(stats.monthly_report("2026-03").departments)
    assert rows[roles.department_a.name].answered == 3


def test_months_follow_beijing_time(march):
    feb = stats.monthly_report("2026-02")
    assert feb.total.received == 1
    trend = {row.key: row for row in stats.monthly_report("2026-03").trend}
    assert len(trend) == stats.TREND_MONTHS
    assert list(trend)[-1] == "2026-03" and list(trend)[0] == "2025-04"
    assert trend["2026-02"].received == 1 and trend["2026-03"].received == 6
    assert trend["2025-12"].received == 0


def test_department_filter(march, roles):
    report = stats.monthly_report("2026-03", department_id=roles.department_b.id)
    assert [row.department_id for row in report.departments] == [roles.department_b.id]
    assert report.total.received == 1
    assert report.trend[-1].received == 1


def test_kind_and_channel_breakdown(march):
    """Both breakdowns come from one pass grouped by kind and channel: each sums over the other."""
    march["late"].kind = LetterKind.COMPLAINT
    march["rejected"].kind = LetterKind.COMPLAINT
    march["rejected"].channel = LetterChannel.MAILBOX
    march["february"].kind = LetterKind.HELP  # another month: not counted
    db.session.commit()
    kinds, channels = stats.kind_and_channel_rows("2026-03")
    assert {row.key: row.received for row in kinds} == {"consultation": 4, "suggestion": 0, "complaint": 2, "help": 0}
    complaint = _by_label(kinds)["投诉"]
    assert (complaint.rejected, complaint.answered, complaint.on_time, complaint.rated) == (1, 1, 0, 1)
    received = {row.key: row.received for row in channels}
    assert received["consultation"] == 5 and received["mailbox"] == 1 and sum(received.values()) == 6
    consultation = _by_label(kinds)["咨询"]
    assert (consultation.answered, consultation.on_time, consultation.satisfied) == (1, 1, 1)


@pytest.mark.parametrize("value", ["2026-13", "26-01", "2026/01", "abcd-ef", "1999-12", "2026-1"])
def test_parse_month_refuses_bad_months(app, value):
    with pytest.raises(InvalidInput):
        stats.parse_month(value)


def test_month_helpers(app, frozen):
    frozen(2026, 1, 15)
    assert stats.parse_month("") == "2026-01"
    assert stats.previous_month() == "2025-12"
    assert stats.shift_month("2026-12", 1) == "2027-01"
    assert stats.months_ending("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert stats.month_label("2026-03") == "2026年3月"


# --- pages -----------------------------------------------------------------------------


def test_public_page_table_and_chart(march, client, roles):
    response = client.get("/letters/stats?month=2026-03")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "咨询回复统计" in html and roles.department_a.name in html
    assert "<svg" in html and 'fill="#b3261e"' in html
    assert "style=" not in html and "<script>" not in html
    assert "50.0%" in html  # on-time and satisfaction rate of department A
    # No personal data of any letter on the public page.
    assert "13812345678" not in html and "张三丰" not in html


def test_public_page_department_filter(march, client, roles):
    html = client.get(f"/letters/stats?month=2026-03&department={roles.department_b.id}").get_data(as_text=True)
    assert roles.department_b.name in html
    assert f"<th scope=\"row\">{roles.department_a.name}</th>" not in html


@pytest.mark.parametrize("query", ["month=2026-13", "month=<script>", "department=abc", "department=-1"])
def test_public_page_bad_arguments_are_422(app, client, query):
    response = client.get(f"/letters/stats?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "月份格式" in html or "部门参数无效" in html
    assert_inert_html(html, allow_page_chrome=True)


def test_public_page_marks_a_bad_month_and_offers_chinese_months(app, client, frozen):
    frozen(2026, 11, 30)
    html = client.get("/letters/stats?month=2026-99").get_data(as_text=True)
    assert 'aria-invalid="true"' in html and "月份格式" in html
    # The selector offers months by their Chinese names, the current one chosen.
    assert '<option value="2026-11" selected>2026年11月</option>' in html
    assert '<option value="2023-12" >2023年12月</option>' in html


def test_public_page_without_letters(app, client):
    response = client.get("/letters/stats")
    assert response.status_code == 200
    assert "本期没有来信" in response.get_data(as_text=True)


def test_department_names_are_escaped(app, client, make_department, submit, frozen, roles):
    frozen(2026, 3, 2, 9)
    hostile = [s for s in badinput_strings() if "<" in s][:15] or ["<script>alert(1)</script>"]
    for n, name in enumerate(hostile):
        department = make_department(name=name[:80], code=f"X{n}")
        letter, _ = submit()
        services.assign_letter(letter, department.id, actor=roles.office)
    db.session.commit()
    for url in ("/letters/stats?month=2026-03",):
        response = client.get(url)
        assert response.status_code == 200
        assert_inert_html(response.get_data(as_text=True), allow_page_chrome=True)


def test_staff_page_permissions(march, client, auth, roles):
    assert client.get("/staff/letters/stats").status_code == 302
    assert "/login" in client.get("/staff/letters/stats").headers["Location"]
    auth.login(roles.handler_a)
    assert client.get("/staff/letters/stats").status_code == 403
    assert client.get("/staff/letters/stats.csv").status_code == 403
    assert client.get("/staff/letters/stats.xlsx").status_code == 403
    auth.login(roles.office)
    response = client.get("/staff/letters/stats?month=2026-03")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "按类别" in html and "stats.xlsx" in html


def test_csv_export(march, client, auth, roles):
    auth.login(roles.office)
    response = client.get("/staff/letters/stats.csv?month=2026-03")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.data
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "部门" and rows[0][1] == "收到来信"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[roles.department_a.name][1:6] == ["3", "0", "2", "1", "50.0%"]
    assert by_name["合计"][1] == "6"


def test_csv_export_by_month(march, client, auth, roles):
    auth.login(roles.admin)
    response = client.get("/staff/letters/stats.csv?month=2026-03&by=month")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "月份" and len(rows) == 1 + stats.TREND_MONTHS
    assert rows[-1][0] == "2026年3月" and rows[-1][1] == "6"


def test_export_bad_month_is_422(app, client, auth, roles):
    auth.login(roles.office)
    response = client.get("/staff/letters/stats.csv?month=2026-00")
    assert response.status_code == 422
    assert "月份格式" in response.get_data(as_text=True)


def test_xlsx_export(march, client, auth, roles):
    auth.login(roles.office)
    response = client.get("/staff/letters/stats.xlsx?month=2026-03")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["按部门", "按月份"]
    sheet = workbook["按部门"]
    values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[roles.department_a.name][1:5] == (3, 0, 2, 1)
    assert values["合计"][1] == 6
    assert workbook["按月份"].max_row == 1 + stats.TREND_MONTHS


def test_exports_neutralise_formulas(app, client, auth, roles, make_department, submit, frozen):
    frozen(2026, 3, 2, 9)
    department = make_department(name="=HYPERLINK(\"http://evil\",\"点我\")", code="EVIL")
    letter, _ = submit()
    services.assign_letter(letter, department.id, actor=roles.office)
    db.session.commit()
    auth.login(roles.office)
    text = client.get("/staff/letters/stats.csv?month=2026-03").data.decode("utf-8-sig")
    assert not re.search(r"^=", text, re.MULTILINE)
    assert "'=HYPERLINK" in text
    workbook = load_workbook(io.BytesIO(client.get("/staff/letters/stats.xlsx?month=2026-03").data))
    cells = [row[0] for row in workbook["按部门"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://evil\",\"点我\")" in cells


def test_public_figures_are_cached_per_app(march, app, client, roles):
    def received():
        html = client.get("/letters/stats?month=2026-03").get_data(as_text=True)
        return re.search(r"<dt>收到来信</dt><dd>(\d+) 件</dd>", html).group(1)

    assert received() == "6"
    api = client.get("/api/v1/stats/letters?month=2026-03").get_json()
    assert api["total"]["received"] == 6
    services.submit_letter(_another_march_letter())
    db.session.commit()
    assert stats.monthly_report("2026-03").total.received == 7  # the service is always live
    assert received() == "6"  # the public page reuses its figures …
    assert client.get("/api/v1/stats/letters?month=2026-03").get_json()["total"]["received"] == 6
    app.config["LETTER_STATS_CACHE_SECONDS"] = 0  # … until they expire
    assert received() == "7"
    assert client.get("/api/v1/stats/letters?month=2026-03").get_json()["total"]["received"] == 7


def _another_march_letter():
    from interact.letters.models import LetterChannel, LetterKind

    return services.LetterInput(channel=LetterChannel.CONSULTATION, kind=LetterKind.HELP, title="又一封三月的来信",
                                body="请问这件事情应该找哪个部门办理？", name="王五", phone="13900001111")


def test_a_month_s_figures_are_read_once_for_all_its_departments(march, app, roles):
    """Each department's statistics of a month come from the month's running totals read
    once for every department (attack N6: a page per month and department, each reading the
    totals and the overdue letters again); the figures are those read for the department."""
    from tests import sql

    departments = (roles.department_a.id, roles.department_b.id)
    expected = {d: stats.monthly_report("2026-03", department_id=d) for d in departments}
    stats.cached_monthly_report("2026-03")
    with sql.captured(lambda text: "letter_month_counts" in text or "FROM letters" in text) as reads:
        for department_id in departments:
            assert stats.cached_monthly_report("2026-03", department_id=department_id) == expected[department_id]
    assert reads == []
