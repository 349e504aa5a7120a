"""The office's reports: a year of letters, collections, interviews and FAQ questions created
through the services as the roles would, then both reports read figure by figure against
counts the test keeps itself while it creates them."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from openpyxl import load_workbook

from interact.core import clock, sensitive
from interact.core.models import Notification, SensitiveWordLevel
from interact.extensions import db
from interact.faq import services as faq
from interact.interviews import services as interviews
from interact.interviews import workflow as interview_workflow
from interact.interviews.models import InterviewStatus
from interact.letters import services as letters
from interact.letters.models import LetterChannel, LetterKind, RejectReason
from interact.office import inspection, jobs, reports
from interact.office.models import InspectionReport
from interact.surveys import services as surveys
from interact.surveys import workflow as survey_workflow
from interact.surveys.models import Adoption, CollectionKind, CollectionStatus

from tests.surveys.conftest import add_standard_questions, answers_for

YEAR = 2025


def local(y, m, d, h=9, minute=0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=clock.LOCAL_TZ)


def at(moment: datetime) -> None:
    clock.set_fixed(moment.astimezone(clock.LOCAL_TZ))


def workday_on_or_after(day: date) -> date:
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def workdays_after(day: date, n: int) -> date:
    """The n-th working day after ``day`` (chinese-calendar directly, not the app's calendar)."""
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def letter_input(title: str, *, consent: bool = True, channel=LetterChannel.CONSULTATION, body: str | None = None):
    return letters.LetterInput(channel=channel, kind=LetterKind.CONSULTATION, title=title,
                               body=body or f"{title}，请问应该如何办理？谢谢。", name="李四", phone="13812345678",
                               email=None, publish_consent=consent)


class Year:
    """What the test created and its own tallies (never read back from the database)."""

    def __init__(self):
        self.expected: dict[str, object] = {}
        self.department: dict[int | None, dict[str, int]] = {}

    def bump(self, department_id, key, n=1):
        row = self.department.setdefault(department_id, {})
        row[key] = row.get(key, 0) + n


def build_letters(roles, year: Year):
    a, b = roles.department_a.id, roles.department_b.id
    received = closed = published = 0
    close_days: list[float] = []
    workdays: list[int] = []
    for month in range(1, 13):
        day = workday_on_or_after(date(YEAR, month, 3))
        submitted = local(day.year, day.month, day.day, 10)

        def answered_letter(title, department_id, consent, days):
            at(submitted)
            letter = letters.submit_letter(letter_input(title, consent=consent)).letter
            at(submitted + timedelta(hours=1))
            letters.assign_letter(letter, department_id, actor=roles.office)
            answer_day = workdays_after(day, days)
            at(local(answer_day.year, answer_day.month, answer_day.day, 15))
            handler = roles.handler_a if department_id == a else roles.handler_b
            letters.answer_letter(letter, actor=handler, answer_html="<p>请携带身份证到服务大厅办理。</p>")
            closed_at = local(answer_day.year, answer_day.month, answer_day.day, 17)
            at(closed_at)
            letters.approve_answer(letter, actor=roles.office, publish=consent)
            db.session.commit()
            close_days.append((closed_at - submitted).total_seconds() / 86400)
            workdays.append(days)
            return letter

        answered_letter(f"{month}月社保卡补办", a, True, 2)
        answered_letter(f"{month}月公积金提取", b, False, 4)
        received += 2
        closed += 2
        published += 1
        year.bump(a, "letters_received"), year.bump(a, "letters_closed"), year.bump(a, "letters_published")
        year.bump(b, "letters_received"), year.bump(b, "letters_closed")
        if month % 3 == 0:  # rejected by the office: received, never closed, no department
            at(submitted)
            letter = letters.submit_letter(letter_input(f"{month}月重复反映的问题")).letter
            letters.reject_letter(letter, actor=roles.office, reason=RejectReason.DUPLICATE)
            db.session.commit()
            received += 1
            year.bump(None, "letters_received")
        if month % 4 == 0:  # routed to department A and never answered
            at(submitted)
            letter = letters.submit_letter(letter_input(f"{month}月小区噪音扰民")).letter
            letters.assign_letter(letter, a, actor=roles.office)
            db.session.commit()
            received += 1
            year.bump(a, "letters_received")
    # Outside the year: counted in neither.
    for moment in (local(YEAR - 1, 12, 30, 23, 30), local(YEAR + 1, 1, 1, 0, 10)):
        at(moment)
        letter = letters.submit_letter(letter_input("跨年的来信")).letter
        letters.reject_letter(letter, actor=roles.office, reason=RejectReason.DUPLICATE)
        db.session.commit()
    year.expected |= {
        "letters_received": received, "letters_closed": closed, "letters_published": published,
        "letters_avg_days": round(sum(close_days) / len(close_days), 1),
        "letters_avg_workdays": round(sum(workdays) / len(workdays), 1),
    }


def build_collections(roles, year: Year):
    a, b = roles.department_a, roles.department_b
    plans = [  # department, start, end, opinions, responses, feedback: None / days after the end
        (a, (YEAR, 2, 1), (YEAR, 2, 20, 18), 3, 2, 10),
        (a, (YEAR, 5, 1), (YEAR, 5, 20, 18), 2, 0, 45),  # published late
        (a, (YEAR, 9, 1), (YEAR, 9, 15, 18), 1, 1, None),  # never published
        (b, (YEAR, 3, 10), (YEAR, 3, 31, 18), 4, 3, 20),
        (b, (YEAR, 11, 1), (YEAR, 11, 20, 18), 0, 2, None),  # overdue by January
    ]
    totals = dict(collections=0, opinions=0, results_published=0, results_on_time=0)
    for department, start, end, n_opinions, n_responses, feedback_after in plans:
        at(local(*start) - timedelta(days=10))
        collection = surveys.create_collection(surveys.CollectionData(
            title=f"关于{start[1]}月公共服务事项的意见征集", summary="请提出意见。", body="<p>详见附件。</p>",
            kind=CollectionKind.BOTH, starts_at=local(*start), ends_at=local(*end), department_id=department.id,
        ), actor=roles.office)
        add_standard_questions(collection.questionnaire, roles.office)
        survey_workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
        db.session.commit()
        at(local(*start) + timedelta(days=2))
        handler = roles.handler_a if department is a else roles.handler_b
        opinions = [surveys.submit_opinion(collection, surveys.OpinionData(content=f"第{n + 1}条意见：建议延长办理时间。"))
                    for n in range(n_opinions)]
        for n in range(n_responses):
            surveys.submit_response(collection, answers_for(collection.questionnaire), device_token=f"device-token-{start}-{n}")
        db.session.commit()
        totals["collections"] += 1
        totals["opinions"] += n_opinions + n_responses
        year.bump(department.id, "collections")
        year.bump(department.id, "opinions", n_opinions + n_responses)
        if feedback_after is None:
            continue
        at(local(*end) + timedelta(days=1))
        for opinion in opinions:
            surveys.moderate_opinion(opinion, True, actor=handler)
            surveys.record_adoption(opinion, Adoption.ADOPTED, actor=handler)
        surveys.save_feedback(collection, "<p>感谢参与，意见已吸收。</p>", "", actor=handler)
        surveys.submit_feedback(collection, actor=handler)
        at(local(*end) + timedelta(days=feedback_after))
        surveys.publish_feedback(collection, actor=roles.office)
        db.session.commit()
        totals["results_published"] += 1
        year.bump(department.id, "results_published")
        if feedback_after <= 28:
            totals["results_on_time"] += 1
            year.bump(department.id, "results_on_time")
    # Excluded: started the year before; a draft never published.
    for start, publish in (((YEAR - 1, 12, 1), True), ((YEAR, 6, 1), False)):
        at(local(*start) - timedelta(days=5))
        collection = surveys.create_collection(surveys.CollectionData(
            title="不计入本年度的征集", summary="请提出意见。", body="", kind=CollectionKind.OPINIONS, starts_at=local(*start),
            ends_at=local(*start) + timedelta(days=10), department_id=a.id), actor=roles.office)
        if publish:
            survey_workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
        db.session.commit()
    year.expected |= totals


def build_interviews(roles, year: Year):
    a, b = roles.department_a, roles.department_b
    plans = [(a, (YEAR, 4, 15, 10), 3, 2), (a, (YEAR, 8, 12, 10), 2, 2), (b, (YEAR, 10, 22, 15), 4, 1),
             (b, (YEAR, 12, 10, 10), 1, 1)]
    totals = dict(interviews=0, interview_questions=0, interview_answered=0)
    late = []
    for department, start, n_questions, n_answered in plans:
        at(local(*start) - timedelta(days=7))
        interview = interviews.create_interview(interviews.InterviewData(
            topic=f"{start[1]}月政策解读在线访谈", department_id=department.id, host="主持人",
            scheduled_start=local(*start), duration_minutes=60, introduction="<p>介绍</p>"), actor=roles.office)
        interviews.add_guest(interview, name="王局长", title="局长", actor=roles.office)
        if start[1] == 12:  # announced an hour after it was due to start
            at(local(*start) + timedelta(hours=1))
            late.append(interview.id)
        interview_workflow.transition(interview, InterviewStatus.ANNOUNCED, roles.office)
        db.session.commit()
        questions = [interviews.submit_question(interview, nickname=f"网友{n}", body=f"第{n + 1}个问题：政策何时实施？")
                     for n in range(n_questions)]
        at(local(*start))
        interview_workflow.transition(interview, InterviewStatus.LIVE, roles.office)
        at(local(*start) + timedelta(hours=1))
        interview_workflow.transition(interview, InterviewStatus.ENDED, roles.office)
        for question in questions[:n_answered]:
            interviews.approve_question(question, actor=roles.office)
            interviews.answer_after(question, body="将于下月实施。", responder="王局长", actor=roles.office)
        db.session.commit()
        totals["interviews"] += 1
        totals["interview_questions"] += n_questions
        totals["interview_answered"] += n_answered
        year.bump(department.id, "interviews")
        year.bump(department.id, "interview_questions", n_questions)
        year.bump(department.id, "interview_answered", n_answered)
    at(local(YEAR, 6, 1))  # a draft never announced: not counted
    interviews.create_interview(interviews.InterviewData(
        topic="未发布的访谈", department_id=a.id, host="主持人", scheduled_start=local(YEAR, 7, 1, 10),
        duration_minutes=60, introduction=""), actor=roles.office)
    db.session.commit()
    year.expected |= totals
    return late


def build_faq(roles, year: Year):
    published_in_year = 0
    for n, moment in enumerate((local(YEAR, 2, 1), local(YEAR, 6, 1), local(YEAR, 11, 1), local(YEAR + 1, 1, 2))):
        at(moment)
        entry = faq.create_entry(faq.EntryData(question=f"如何办理第{n + 1}类业务", answer_html="<p>到服务大厅办理。</p>"),
                                 actor=roles.curator)
        faq.publish_entry(entry, actor=roles.curator)
        published_in_year += moment.year == YEAR
    faq.create_entry(faq.EntryData(question="草稿条目不计入", answer_html="<p>草稿</p>"), actor=roles.curator)
    db.session.commit()
    asked = 0
    for moment in (local(YEAR, 3, 1), local(YEAR, 7, 1), local(YEAR, 12, 31, 23), local(YEAR + 1, 1, 3)):
        at(moment)
        faq.ask("如何办理业务")
        asked += moment.year == YEAR
    db.session.commit()
    year.expected |= {"faq_size": published_in_year, "faq_asked": asked, "faq_provided": True, "platform": True}


@pytest.fixture
def a_year(app, db, roles):
    year = Year()
    build_letters(roles, year)
    build_collections(roles, year)
    year.late_interviews = build_interviews(roles, year)
    build_faq(roles, year)
    at(local(YEAR + 1, 1, 6, 9))
    yield year
    clock.set_fixed(None)


def test_every_annual_figure_matches_the_test_tallies(a_year, roles):
    report = reports.annual_report(YEAR)
    got = {key: figure.value for key, figure in report.figures.items()}
    assert got == a_year.expected
    assert [spec.key for spec in reports.SPECS] == list(report.figures)
    assert all(spec.definition and "\u4e00" <= spec.definition[0] <= "\u9fff" for spec in reports.SPECS)


def test_department_breakdown_matches_and_adds_up(a_year, roles):
    report = reports.annual_report(YEAR)
    lines = {line.department_id: line.values for line in report.departments}
    for department_id, expected in a_year.department.items():
        for key, value in expected.items():
            assert lines[department_id][key] == value, (department_id, key)
    for key in ("letters_received", "letters_closed", "letters_published", "collections", "opinions",
                "results_published", "results_on_time", "interviews", "interview_questions", "interview_answered"):
        assert sum(values[key] or 0 for values in lines.values()) == report.figures[key].value, key
    # Only department A has letters still open; B answered all of its letters in 4 working days.
    assert lines[roles.department_b.id]["letters_avg_workdays"] == 4.0


def test_annual_figures_agree_with_public_statistics_and_dashboard(a_year, roles):
    from interact.interviews.services import interviews_count
    from interact.letters import stats
    from interact.surveys.services import collections_count

    report = reports.annual_report(YEAR)
    months = stats.month_rows([f"{YEAR}-{m:02d}" for m in range(1, 13)])
    assert sum(row.received for row in months) == report.figures["letters_received"].value
    assert sum(row.answered for row in months) == report.figures["letters_closed"].value
    assert collections_count(YEAR) == report.figures["collections"].value
    assert interviews_count(YEAR) == report.figures["interviews"].value


def test_each_figure_links_to_exactly_its_records(a_year, roles, client, auth):
    auth.login(roles.office)
    report = reports.annual_report(YEAR)
    html = client.get(f"/staff/reports/annual?year={YEAR}").get_data(as_text=True)
    for figure in report.figures.values():
        if figure.spec.records is None:
            continue
        url = f"/staff/reports/annual/{YEAR}/records/{figure.spec.records}"
        assert f'href="{url}"' in html
        page = client.get(url)
        assert page.status_code == 200
    counts = {"letters_received": "letters_received", "letters_closed": "letters_closed",
              "letters_published": "letters_published", "collections": "collections",
              "results_published": "results_published", "results_on_time": "results_on_time",
              "interviews": "interviews", "faq_size": "faq_entries", "faq_asked": "faq_asked"}
    for key, kind in counts.items():
        page = client.get(f"/staff/reports/annual/{YEAR}/records/{kind}").get_data(as_text=True)
        assert f"（{a_year.expected[key]}）</h1>" in page, key
    dept = roles.department_a.id
    page = client.get(f"/staff/reports/annual/{YEAR}/records/letters_received?department={dept}").get_data(as_text=True)
    assert f"（{a_year.department[dept]['letters_received']}）</h1>" in page
    page = client.get(f"/staff/reports/annual/{YEAR}/records/letters_received?department=none").get_data(as_text=True)
    assert f"（{a_year.department[None]['letters_received']}）</h1>" in page
    assert client.get(f"/staff/reports/annual/{YEAR}/records/nothing").status_code == 404
    assert client.get(f"/staff/reports/annual/{YEAR}/records/collections?department=x").status_code == 404
    assert client.get(f"/staff/reports/annual/{YEAR}/records/faq_asked?department={dept}").status_code == 404


def test_annual_exports(a_year, roles, client, auth):
    auth.login(roles.office)
    response = client.get(f"/staff/reports/annual/{YEAR}.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    form = {row[1]: row[2] for row in book["互动交流"].iter_rows(min_row=3, values_only=True) if row and row[1]}
    assert form["收到留言数量"] == a_year.expected["letters_received"]
    assert form["平均办理时间"] == a_year.expected["letters_avg_days"]
    assert form["是否使用统一平台"] == "是"
    assert form["答复网民提问数量"] == a_year.expected["interview_answered"]
    definitions = [row[4] for row in book["互动交流"].iter_rows(min_row=3, max_row=2 + len(reports.SPECS),
                                                                values_only=True)]
    assert all(definitions) and len(definitions) == len(reports.SPECS)
    breakdown = client.get(f"/staff/reports/annual/{YEAR}/departments.xlsx")
    sheet = load_workbook(io.BytesIO(breakdown.data))["部门考核"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[0]}
    assert rows["合计"][1] == a_year.expected["letters_received"]
    assert rows[roles.department_a.name][1] == a_year.department[roles.department_a.id]["letters_received"]


def test_print_view_is_the_official_form_without_inline_code(a_year, roles, client, auth):
    auth.login(roles.office)
    response = client.get(f"/staff/reports/annual/{YEAR}/print")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "政府网站工作年度报表" in html and f"（{YEAR}年度）" in html
    for label in ("收到留言数量", "办结留言数量", "平均办理时间", "公开答复数量", "征集调查期数", "收到意见数量",
                  "公布调查结果期数", "访谈期数", "网民留言数量", "答复网民提问数量", "是否提供智能问答"):
        assert label in html
    assert "☑是" in html and "统计口径" in html
    assert "style=" not in html and "<script>" not in html and "onclick" not in html


def test_bad_year_is_a_chinese_422_and_unknown_years_404(roles, client, auth, frozen):
    frozen(2026, 3, 1)
    auth.login(roles.office)
    response = client.get("/staff/reports/annual?year=abc")
    assert response.status_code == 422 and "年份应为四位数字" in response.get_data(as_text=True)
    assert client.get("/staff/reports/annual?year=1800").status_code == 422
    assert client.get("/staff/reports/annual").status_code == 200  # last year by default
    assert client.get("/staff/reports/annual/1800.xlsx").status_code == 404
    assert client.get("/staff/reports/monthly/2026-13").status_code == 404
    assert client.get("/staff/reports/monthly/2026-02.xlsx").status_code == 404  # not drafted yet


@pytest.mark.parametrize("url", [
    "/staff/reports/annual", f"/staff/reports/annual/{YEAR}/print", f"/staff/reports/annual/{YEAR}.xlsx",
    f"/staff/reports/annual/{YEAR}/departments.xlsx", f"/staff/reports/annual/{YEAR}/records/letters_received",
    "/staff/reports/monthly", "/staff/reports/monthly/2025-12",
])
def test_only_office_and_admin_see_reports(roles, client, auth, url):
    for user in (roles.handler_a, roles.curator, roles.citizen):
        auth.login(user)
        assert client.get(url).status_code == 403, user
    auth.logout()
    assert client.get(url).status_code in (302, 401)
    for user in (roles.office, roles.admin):
        auth.login(user)
        assert client.get(url).status_code == 200


def test_handler_cannot_draft_a_monthly_report(roles, client, auth, frozen):
    frozen(2026, 1, 6)
    auth.login(roles.handler_a)
    assert client.post("/staff/reports/monthly/2025-12/draft").status_code == 403
    assert db.session.scalar(db.select(db.func.count(InspectionReport.id))) == 0


# --- the monthly inspection report ---------------------------------------------------------


@pytest.fixture
def december(a_year, roles):
    """December's extra activity: forwarded letters (one met, one missed) and a held letter."""
    at(local(YEAR, 12, 1, 9))
    forwarded = []
    for n, due in enumerate((date(YEAR, 12, 15), date(YEAR, 12, 20))):
        letter = letters.enter_forwarded_letter(
            letter_input(f"主席信箱转来的第{n + 1}件来信", channel=LetterChannel.FORWARDED), upstream_source="主席信箱",
            upstream_number=f"ZX{YEAR}-{n + 1}", upstream_due=due, department_id=roles.department_a.id,
            actor=roles.office).letter
        forwarded.append(letter)
    db.session.commit()
    at(local(YEAR, 12, 10, 15))
    letters.answer_letter(forwarded[0], actor=roles.handler_a, answer_html="<p>已办理。</p>")
    letters.approve_answer(forwarded[0], actor=roles.office, publish=False)
    sensitive.add_word("违禁测试词", SensitiveWordLevel.REVIEW, "测试", actor=roles.office)
    db.session.commit()
    at(local(YEAR, 12, 18, 10))
    held = letters.submit_letter(letter_input("含有敏感内容的来信", body="这里有违禁测试词，请处理。")).letter
    db.session.commit()
    assert held.held_for_review
    return forwarded, held


def _veto_expected() -> list[str]:
    # Letters routed in April and August and never answered: older than three months on 6 January.
    return [f"{m}月小区噪音扰民" for m in (4, 8)]


def test_monthly_inspection_items_and_evidence(december, roles):
    forwarded, held = december
    at(local(YEAR + 1, 1, 6, 9))
    report, created = inspection.draft_report(f"{YEAR}-12", actor=roles.office)
    db.session.commit()
    assert created
    items = {item["key"]: item for item in report.items}
    assert list(items) == ["veto", "last_reply", "feedback_overdue", "announced", "forwarded", "sensitive"]

    veto = items["veto"]
    assert veto["status"] == "fail" and veto["veto"] and veto["value"] == 2
    assert [line["text"].split(" ")[1].split("（")[0] for line in veto["evidence"]] == _veto_expected()
    assert all(line["endpoint"] == "letters.staff_detail" for line in veto["evidence"])

    # The latest consultation answer is December's (both forwarded letters are another channel).
    last_december = workdays_after(workday_on_or_after(date(YEAR, 12, 3)), 4)
    assert items["last_reply"]["value"] == last_december.isoformat() and items["last_reply"]["status"] == "ok"

    overdue = items["feedback_overdue"]
    # September's and November's (no feedback) and last year's collection that never reported back.
    assert overdue["status"] == "fail" and overdue["value"] == 3
    assert [line["text"].split("（")[0] for line in overdue["evidence"]] == [
        "不计入本年度的征集", "关于9月公共服务事项的意见征集", "关于11月公共服务事项的意见征集"]

    announced = items["announced"]
    assert announced["status"] == "fail" and announced["value"] == "0/1"
    assert announced["evidence"][0]["args"] == {"interview_id": december_interview_id(december)}

    assert items["forwarded"]["status"] == "fail" and items["forwarded"]["value"] == "1/2"
    assert [line["args"]["letter_id"] for line in items["forwarded"]["evidence"]] == [forwarded[1].id]

    assert items["sensitive"]["status"] == "warn" and items["sensitive"]["value"] == "1（待审 1）"
    assert all(item["definition"] for item in report.items)


def december_interview_id(december) -> int:
    from interact.interviews.models import Interview

    return db.session.scalar(db.select(Interview.id).where(Interview.topic == "12月政策解读在线访谈"))


def test_sensitive_item_passes_once_the_office_has_reviewed(december, roles):
    _forwarded, held = december
    at(local(YEAR + 1, 1, 6, 9))
    letters.reject_letter(held, actor=roles.office, reason=RejectReason.IMPROPER)
    db.session.commit()
    items = {item["key"]: item for item in inspection.compute_items(f"{YEAR}-12")}
    assert items["sensitive"]["status"] == "ok" and items["sensitive"]["value"] == "1（待审 0）"


def test_job_drafts_last_month_once_from_the_first_working_day_and_tells_the_office(december, roles):
    first = workday_on_or_after(date(YEAR + 1, 1, 1))
    at(local(YEAR + 1, 1, 1, 7, 20))
    if first > date(YEAR + 1, 1, 1):
        assert jobs.draft_monthly_inspection() == {"skipped_before_first_workday": 1}
    at(local(first.year, first.month, first.day, 7, 20))
    outcome = jobs.draft_monthly_inspection()
    db.session.commit()
    assert outcome["month"] == f"{YEAR}-12" and outcome["drafted"] == 1 and outcome["failed"] == 4
    at(local(first.year, first.month, first.day, 9) + timedelta(days=1))
    again = jobs.draft_monthly_inspection()
    db.session.commit()
    assert again["drafted"] == 0 and again["notified"] == 0
    assert db.session.scalar(db.select(db.func.count(InspectionReport.id))) == 1
    notices = db.session.scalars(db.select(Notification).where(Notification.kind == "office.inspection_drafted")).all()
    assert [n.user_id for n in notices] == [roles.office.id]
    assert "4 项不通过" in notices[0].title and notices[0].url == f"/staff/reports/monthly/{YEAR}-12"


def test_monthly_page_refresh_and_export(december, roles, client, auth):
    at(local(YEAR + 1, 1, 6, 9))
    auth.login(roles.office)
    page = client.get(f"/staff/reports/monthly/{YEAR}-12").get_data(as_text=True)
    assert "尚未生成" in page
    assert client.post(f"/staff/reports/monthly/{YEAR}-12/draft").status_code == 302
    page = client.get(f"/staff/reports/monthly/{YEAR}-12").get_data(as_text=True)
    assert "超过三个月未答复的留言（一票否决）" in page and "含一票否决项" in page
    assert "4月小区噪音扰民" in page
    response = client.get(f"/staff/reports/monthly/{YEAR}-12.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["监测报告"]
    results = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[0]}
    assert results["超过三个月未答复的留言（一票否决）"] == "不通过"
    assert results["在线咨询栏目最近一次答复日期"] == "通过"
    # The veto letters are answered; the refreshed report passes that item.
    for letter in letters.veto_letters():
        letters.answer_letter(letter, actor=roles.handler_a, answer_html="<p>已处理。</p>")
        letters.approve_answer(letter, actor=roles.office, publish=False)
    db.session.commit()
    client.post(f"/staff/reports/monthly/{YEAR}-12/draft")
    report = inspection.get_report(f"{YEAR}-12")
    assert {item["key"]: item["status"] for item in report.items}["veto"] == "ok"
    future = client.post("/staff/reports/monthly/2030-01/draft", follow_redirects=True)
    assert "尚未开始" in future.get_data(as_text=True)


def test_workspace_card_shows_last_months_failed_items_to_the_office(december, roles, client, auth):
    at(local(YEAR + 1, 1, 6, 9))
    auth.login(roles.office)
    html = client.get("/staff/").get_data(as_text=True)
    # Not generated yet: the card says so and shows no count (a 0 would read as "passed").
    assert f"{YEAR}年12月监测报告尚未生成" in html and "监测报告不通过项" not in html
    card = html[html.index(f"{YEAR}年12月监测报告尚未生成") - 200:html.index(f"{YEAR}年12月监测报告尚未生成")]
    assert "card-count" not in card.split("<li")[-1]
    inspection.draft_report(f"{YEAR}-12", actor=roles.office)
    db.session.commit()
    html = client.get("/staff/").get_data(as_text=True)
    card = html[html.index(f"{YEAR}年12月监测报告不通过项") - 400:html.index(f"{YEAR}年12月监测报告不通过项") + 400]
    assert "card-danger" in card and ">4<" in card.replace(" ", "")
    auth.login(roles.handler_a)
    assert "监测报告不通过项" not in client.get("/staff/").get_data(as_text=True)
