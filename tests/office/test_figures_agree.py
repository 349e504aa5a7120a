"""The same letters give the same figures on every page and export that reports on them.

The issue's example: department A answered 3 letters, one rated 满意; department B answered
2, both rated 不满意. Satisfaction is 1 of 3 rated = 33.3 % everywhere (re-averaging the
departments' ratios weighted by answered letters would give 60 %).
"""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from interact.extensions import db
from interact.letters import services, stats, summary
from interact.letters.models import LetterRating, RejectReason
from interact.office import performance as perf
from tests.letters.conftest import letter_input

ANSWER = "<p>请携带身份证到服务大厅办理。</p>"


@pytest.fixture
def example(roles, frozen):
    frozen(2026, 3, 2, 9)
    for department, handler, ratings in (
        (roles.department_a, roles.handler_a, [LetterRating.SATISFIED, None, None]),
        (roles.department_b, roles.handler_b, [LetterRating.UNSATISFIED, LetterRating.UNSATISFIED]),
    ):
        for rating in ratings:
            letter = services.submit_letter(letter_input()).letter
            services.assign_letter(letter, department.id, actor=roles.office)
            services.answer_letter(letter, actor=handler, answer_html=ANSWER)
            services.approve_answer(letter, actor=roles.office, publish=False)
            if rating is not None:
                services.rate_letter(letter, rating)
    # Two letters no department holds: one waiting to be routed, one not accepted.
    services.submit_letter(letter_input())
    refused = services.submit_letter(letter_input()).letter
    services.reject_letter(refused, actor=roles.office, reason=RejectReason.OUT_OF_SCOPE)
    db.session.commit()
    frozen(2026, 3, 20, 10)
    return roles


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _row(rows, first):
    return next(row for row in rows if row and row[0] == first)


def test_row_counts_add_up_and_rates_follow_the_counts(example):
    rows = stats.department_counts(*stats.month_bounds("2026-03"))
    a, b = rows[example.department_a.id], rows[example.department_b.id]
    assert (a.answered, a.rated, a.satisfied) == (3, 1, 1) and a.satisfaction_rate == 1.0
    assert (b.answered, b.rated, b.satisfied) == (2, 2, 0) and b.satisfaction_rate == 0.0
    total = a + b
    assert (total.received, total.answered, total.on_time, total.rated, total.satisfied) == (5, 5, 5, 3, 1)
    assert total.satisfaction_rate == pytest.approx(1 / 3)
    assert stats.StatsRow.sum([a, b]).counts == total.counts
    assert (a.answered, a.satisfied) == (3, 1)  # adding does not change its operands


def test_every_page_and_export_shows_the_same_figures(example, client, auth):
    auth.login(example.office)
    month = "2026-03"
    a_name, b_name = example.department_a.name, example.department_b.name

    public = client.get(f"/letters/stats?month={month}").get_data(as_text=True)
    staff = client.get(f"/staff/letters/stats?month={month}").get_data(as_text=True)
    performance = client.get("/staff/performance?period=month&year=2026&month=3").get_data(as_text=True)
    for html in (public, staff, performance):
        assert "33.3%" in html and "60.0%" not in html

    # The staff statistics export and the performance export: the same letter columns.
    stats_rows = _csv(client.get(f"/staff/letters/stats.csv?month={month}"))
    perf_rows = _csv(client.get("/staff/performance.csv?period=month&year=2026&month=3"))
    width = len(stats.EXPORT_HEADER)
    assert stats_rows[0][1:width] == perf_rows[1][1:width]
    for name in (a_name, b_name):
        assert _row(stats_rows, name)[1:width] == _row(perf_rows, name)[1:width]
    assert _row(stats_rows, "合计")[1:width] == _row(perf_rows, "合计")[1:width]
    assert _row(perf_rows, "合计")[perf_rows[1].index("满意率")] == "33.3%"

    workbook = load_workbook(io.BytesIO(client.get("/staff/performance.xlsx?period=month&year=2026&month=3").data))
    total = next(r for r in workbook.active.iter_rows(values_only=True) if r[0] == "合计")
    assert total[perf_rows[1].index("满意率")] == "33.3%"

    api = client.get(f"/api/v1/stats/letters?month={month}").get_json()
    assert api["total"]["satisfaction_rate"] == pytest.approx(0.3333, abs=1e-4)
    assert (api["total"]["rated"], api["total"]["satisfied"]) == (3, 1)

    body = summary.default_body(summary.compute_stats(month))
    assert "满意及基本满意率 33.3%" in body

    report = perf.department_report(perf.make_period("month", year=2026, month=3))
    assert report.total.letters.satisfaction_rate == pytest.approx(1 / 3)
    # The 合计 counts every letter of the month, as the statistics do (7 letters, 2 of them
    # held by no department), not only the routed ones.
    statistics = stats.monthly_report(month, trend_months=0).total
    assert report.total.letters.counts == statistics.counts
    assert (statistics.received, api["total"]["received"]) == (7, 7)
    assert _row(perf_rows, "合计")[1:width] == _row(stats_rows, "合计")[1:width]
    assert _row(perf_rows, stats.UNROUTED_LABEL)[1] == "2"
    assert stats.UNROUTED_LABEL in performance


def test_figures_of_a_quarter_are_the_sum_of_its_months(example, roles, frozen):
    frozen(2026, 4, 8, 9)
    letter = services.submit_letter(letter_input()).letter
    services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    services.answer_letter(letter, actor=roles.handler_a, answer_html=ANSWER)
    services.approve_answer(letter, actor=roles.office, publish=False)
    services.rate_letter(letter, LetterRating.BASIC)
    db.session.commit()
    frozen(2026, 6, 1, 10)
    months = [stats.StatsRow.sum(stats.department_counts(*stats.month_bounds(m)).values())
              for m in ("2026-04", "2026-05", "2026-06")]
    quarter = perf.department_report(perf.make_period("quarter", year=2026, quarter=2)).total.letters
    assert quarter.counts == stats.StatsRow.sum(months).counts
    assert (quarter.answered, quarter.rated, quarter.satisfied) == (1, 1, 1)
    first = perf.department_report(perf.make_period("quarter", year=2026, quarter=1)).total.letters
    assert re.sub(r"\s", "", f"{first.satisfaction_rate:.3f}") == "0.333"
