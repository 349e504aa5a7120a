"""Monthly summaries (领导信箱每月汇总): drafting, editing, typical cases, publication,
the public pages and the job that drafts last month's summary."""
from __future__ import annotations

import re
from datetime import date

import pytest

from interact.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from interact.core.models import AuditEvent
from interact.extensions import db
from interact.letters import report_jobs, services, summary
from interact.letters.models import LetterKind, MonthlySummary, SummaryStatus
from tests.helpers import assert_inert_html, badinput_strings


@pytest.fixture
def april(roles, closed, submit, frozen):
    """Two published letters and one unpublished closed letter of April 2026."""
    frozen(2026, 4, 7, 10)
    first, _ = closed(title="公积金提取材料咨询")
    second, _ = closed(title="社保转移接续问题", kind=LetterKind.HELP)
    private, _ = closed(title="不同意公开的来信", publish_consent=False)
    pending, _ = submit(title="尚未受理的来信")
    frozen(2026, 5, 6, 9)
    return {"first": first, "second": second, "private": private, "pending": pending}


def _draft(month, actor):
    item, created = summary.draft_summary(month, actor=actor)
    db.session.commit()
    return item, created


def test_draft_has_the_month_figures(april, roles):
    item, created = _draft("2026-04", roles.office)
    assert created and item.status is SummaryStatus.DRAFT
    assert item.title == "2026年4月领导信箱及在线咨询来信办理情况"
    assert item.stats["total"]["received"] == 4
    assert item.stats["total"]["answered"] == 3
    kinds = {row["key"]: row["received"] for row in item.stats["by_kind"]}
    assert kinds["help"] == 1 and kinds["consultation"] == 3
    departments = {row["label"]: row["received"] for row in item.stats["by_department"]}
    assert departments[roles.department_a.name] == 3
    assert "共收到群众来信 4 件" in item.body_html and "按期答复率 100.0%" in item.body_html
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "letter_summary.drafted"))


def test_drafting_twice_returns_the_same_summary(april, roles):
    first, _ = _draft("2026-04", roles.office)
    second, created = _draft("2026-04", roles.admin)
    assert second.id == first.id and not created
    assert db.session.scalar(db.select(db.func.count(MonthlySummary.id))) == 1


def test_drafting_needs_office_and_a_started_month(april, roles):
    with pytest.raises(PermissionDenied):
        summary.draft_summary("2026-04", actor=roles.handler_a)
    with pytest.raises(InvalidInput):
        summary.draft_summary("2026-06", actor=roles.office)
    with pytest.raises(InvalidInput):
        summary.draft_summary("2026-4", actor=roles.office)


def test_case_candidates_are_the_months_published_letters(april, roles):
    candidates = {letter.id for letter in summary.case_candidates("2026-04")}
    assert candidates == {april["first"].id, april["second"].id}
    assert summary.case_candidates("2026-03") == []


def test_update_keeps_case_order_and_sanitises(april, roles):
    item, _ = _draft("2026-04", roles.office)
    summary.update_summary(item, title="四月来信办理情况", case_ids=[april["second"].id, april["first"].id],
                           body_html='<p onclick="x()">正文<script>alert(1)</script></p>', actor=roles.office)
    db.session.commit()
    db.session.expire_all()
    item = summary.get_summary(item.id)
    assert [letter.id for letter in item.cases] == [april["second"].id, april["first"].id]
    assert "<script" not in item.body_html and "onclick" not in item.body_html and "正文" in item.body_html
    summary.update_summary(item, title="四月来信办理情况", body_html="<p>正文</p>", case_ids=[april["first"].id],
                           actor=roles.office)
    db.session.commit()
    assert [letter.id for letter in summary.get_summary(item.id).cases] == [april["first"].id]


def test_update_refuses_bad_cases_and_titles(april, roles):
    item, _ = _draft("2026-04", roles.office)
    for bad in ([april["private"].id], [april["pending"].id], [999999]):
        with pytest.raises(InvalidInput) as error:
            summary.update_summary(item, title="四月来信办理情况", body_html="<p>x</p>", case_ids=bad,
                                   actor=roles.office)
        assert "cases" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        summary.update_summary(item, title="短", body_html="<p>x</p>", case_ids=[], actor=roles.office)
    assert "title" in error.value.fields
    with pytest.raises(PermissionDenied):
        summary.update_summary(item, title="四月来信办理情况", body_html="", case_ids=[], actor=roles.handler_a)


def test_too_many_cases(april, roles, monkeypatch):
    item, _ = _draft("2026-04", roles.office)
    monkeypatch.setattr(summary, "MAX_CASES", 1)
    with pytest.raises(InvalidInput):
        summary.update_summary(item, title="四月来信办理情况", body_html="<p>x</p>",
                               case_ids=[april["first"].id, april["second"].id], actor=roles.office)


def test_publish_and_withdraw(april, roles):
    item, _ = _draft("2026-04", roles.office)
    summary.publish_summary(item, actor=roles.office)
    db.session.commit()
    assert item.status is SummaryStatus.PUBLISHED and item.published_at is not None
    with pytest.raises(InvalidTransition):
        summary.publish_summary(item, actor=roles.office)
    with pytest.raises(InvalidTransition):
        summary.refresh_stats(item, actor=roles.office)
    summary.withdraw_summary(item, actor=roles.office)
    assert item.status is SummaryStatus.DRAFT and item.published_at is None
    with pytest.raises(InvalidTransition):
        summary.withdraw_summary(item, actor=roles.office)


def test_an_empty_text_cannot_be_published(april, roles):
    item, _ = _draft("2026-04", roles.office)
    summary.update_summary(item, title="四月来信办理情况", body_html="<p> </p><br><p></p>", case_ids=[],
                           actor=roles.office)
    with pytest.raises(InvalidTransition):
        summary.publish_summary(item, actor=roles.office)
    with pytest.raises(PermissionDenied):
        summary.publish_summary(item, actor=roles.handler_b)


def test_refresh_recomputes_a_draft(april, roles):
    item, _ = _draft("2026-04", roles.office)
    assert item.stats["total"]["rejected"] == 0
    services.reject_letter(april["pending"], actor=roles.office, reason=services.RejectReason.DUPLICATE)
    summary.refresh_stats(item, actor=roles.office)
    assert item.stats["total"]["rejected"] == 1


# --- the job --------------------------------------------------------------------------


def test_job_waits_for_the_first_working_day(app, frozen):
    frozen(2026, 10, 5, 8)  # National Day holiday: October's first working day is the 8th
    assert report_jobs.first_workday_of_month(date(2026, 10, 5)) == date(2026, 10, 8)
    assert report_jobs.draft_last_month_summary() == {"skipped_before_first_workday": 1}
    assert summary.summary_for_month("2026-09") is None


def test_job_drafts_last_month_once(april, frozen):
    frozen(2026, 5, 6, 7)
    assert report_jobs.draft_last_month_summary() == {"month": "2026-04", "drafted": 1}
    db.session.commit()
    assert report_jobs.draft_last_month_summary() == {"month": "2026-04", "drafted": 0}
    item = summary.summary_for_month("2026-04")
    assert item.status is SummaryStatus.DRAFT and item.created_by_id is None
    assert item.stats["total"]["received"] == 4


def test_job_is_listed():
    assert [job.id for job in report_jobs.JOBS] == ["letters.monthly_summary_draft"]


# --- pages ----------------------------------------------------------------------------


def test_public_pages_show_only_published_summaries(april, client, roles):
    item, _ = _draft("2026-04", roles.office)
    assert "暂未发布" in client.get("/letters/summaries").get_data(as_text=True)
    assert client.get("/letters/summaries/2026-04").status_code == 404
    summary.update_summary(item, title="2026年4月来信办理情况", body_html="<p>本月办理情况良好。</p>",
                           case_ids=[april["first"].id], actor=roles.office)
    summary.publish_summary(item, actor=roles.office)
    db.session.commit()
    listing = client.get("/letters/summaries").get_data(as_text=True)
    assert "2026年4月来信办理情况" in listing and "/letters/summaries/2026-04" in listing
    response = client.get("/letters/summaries/2026-04")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "本月办理情况良好" in html and "典型案例" in html
    assert f"/letters/{april['first'].id}" in html and "公积金提取材料咨询" in html
    assert "13812345678" not in html and "张三丰" not in html  # personal data of the case letters
    assert "style=" not in html


def test_withdrawn_case_letter_disappears(april, client, roles):
    item, _ = _draft("2026-04", roles.office)
    summary.update_summary(item, title="2026年4月来信办理情况", body_html="<p>正文</p>",
                           case_ids=[april["first"].id, april["second"].id], actor=roles.office)
    summary.publish_summary(item, actor=roles.office)
    services.withdraw_letter(april["first"], actor=roles.office, note="撤回")
    db.session.commit()
    html = client.get("/letters/summaries/2026-04").get_data(as_text=True)
    assert "社保转移接续问题" in html and "公积金提取材料咨询" not in html


@pytest.mark.parametrize("month", ["2026-4", "abc", "2026-04x", "9999-99"])
def test_public_detail_bad_month_is_404(app, client, month):
    assert client.get(f"/letters/summaries/{month}").status_code == 404


def test_staff_pages_permissions(april, client, auth, roles):
    item, _ = _draft("2026-04", roles.office)
    urls = ["/staff/letters/summaries", f"/staff/letters/summaries/{item.id}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for url in [f"/staff/letters/summaries/{item.id}/publish", f"/staff/letters/summaries/{item.id}/refresh"]:
        assert client.post(url).status_code == 302
    auth.login(roles.handler_a)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post("/staff/letters/summaries", data={"month": "2026-04"}).status_code == 403
    assert client.post(f"/staff/letters/summaries/{item.id}/publish").status_code == 403
    assert client.post(f"/staff/letters/summaries/{item.id}",
                       data={"title": "改标题试试看", "body_html": "x"}).status_code == 403
    assert summary.get_summary(item.id).status is SummaryStatus.DRAFT


def test_office_generates_edits_and_publishes(april, client, auth, roles):
    auth.login(roles.office)
    page = client.get("/staff/letters/summaries")
    # A list of months in Chinese, last month chosen (not the browser's English month picker).
    assert page.status_code == 200 and '<option selected value="2026-04">2026年4月</option>' in page.get_data(as_text=True)
    response = client.post("/staff/letters/summaries", data={"month": "2026-04"})
    assert response.status_code == 302
    item = summary.summary_for_month("2026-04")
    assert response.headers["Location"].endswith(f"/staff/letters/summaries/{item.id}")
    edit = client.get(f"/staff/letters/summaries/{item.id}").get_data(as_text=True)
    assert "公积金提取材料咨询" in edit and "不同意公开的来信" not in edit
    response = client.post(f"/staff/letters/summaries/{item.id}", data={
        "title": "2026年4月领导信箱来信办理情况", "body_html": "<p>正文<script>x</script></p>",
        "cases": [str(april["second"].id)]})
    assert response.status_code == 302
    db.session.expire_all()
    item = summary.get_summary(item.id)
    assert item.title == "2026年4月领导信箱来信办理情况" and "<script" not in item.body_html
    assert [letter.id for letter in item.cases] == [april["second"].id]
    assert client.post(f"/staff/letters/summaries/{item.id}/publish").status_code == 302
    db.session.expire_all()
    assert summary.get_summary(item.id).status is SummaryStatus.PUBLISHED
    assert client.get("/letters/summaries/2026-04").status_code == 200
    assert client.post(f"/staff/letters/summaries/{item.id}/withdraw").status_code == 302
    assert client.get("/letters/summaries/2026-04").status_code == 404


def test_bad_input_reshows_the_form(april, client, auth, roles):
    auth.login(roles.office)
    response = client.post("/staff/letters/summaries", data={"month": "2026-13"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "月份格式" in html and '<option value="2026-04">2026年4月</option>' in html
    item, _ = _draft("2026-04", roles.office)
    response = client.post(f"/staff/letters/summaries/{item.id}", data={
        "title": "我的新标题很好", "body_html": "<p>正文</p>", "cases": [str(april["private"].id)]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "典型案例只能从本月已公开的来信中选择" in html and "我的新标题很好" in html
    response = client.post(f"/staff/letters/summaries/{item.id}", data={
        "title": "新标题", "body_html": "<p>正文</p>", "cases": ["abc"]})
    assert response.status_code == 422
    response = client.post(f"/staff/letters/summaries/{item.id}", data={"title": "", "body_html": ""})
    assert response.status_code == 422 and "请填写标题" in response.get_data(as_text=True)
    assert summary.get_summary(item.id).title == summary.default_title("2026-04")


def test_publish_refusal_is_a_4xx_with_message(april, client, auth, roles):
    item, _ = _draft("2026-04", roles.office)
    summary.publish_summary(item, actor=roles.office)
    db.session.commit()
    auth.login(roles.office)
    response = client.post(f"/staff/letters/summaries/{item.id}/publish")
    assert response.status_code == 409 and "该汇总已发布" in response.get_data(as_text=True)


def test_csrf_is_required(april, csrf_app, client, auth, roles):
    item, _ = _draft("2026-04", roles.office)
    auth.login(roles.office)
    assert client.post("/staff/letters/summaries", data={"month": "2026-04"}).status_code == 400
    assert client.post(f"/staff/letters/summaries/{item.id}/publish").status_code == 400
    assert summary.get_summary(item.id).status is SummaryStatus.DRAFT
    page = client.get(f"/staff/letters/summaries/{item.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/staff/letters/summaries/{item.id}/publish", data={"csrf_token": token})
    assert response.status_code == 302
    assert summary.get_summary(item.id).status is SummaryStatus.PUBLISHED


def test_hostile_text_is_inert_on_public_pages(april, client, roles):
    item, _ = _draft("2026-04", roles.office)
    hostile = "".join(s for s in badinput_strings() if "<" in s)[:40000] or "<script>alert(1)</script>"
    summary.update_summary(item, title="2026年4月 <img src=x onerror=alert(1)>", body_html=hostile + "<p>正文</p>",
                           case_ids=[], actor=roles.office)
    summary.publish_summary(item, actor=roles.office)
    db.session.commit()
    for url in ("/letters/summaries", "/letters/summaries/2026-04"):
        response = client.get(url)
        assert response.status_code == 200
        assert_inert_html(response.get_data(as_text=True), allow_page_chrome=True)


def test_workspace_card_counts_drafts(april, client, auth, roles):
    _draft("2026-04", roles.office)
    auth.login(roles.office)
    html = client.get("/staff/").get_data(as_text=True)
    assert "月度汇总草稿待发布" in html
    auth.login(roles.handler_a)
    assert "月度汇总草稿待发布" not in client.get("/staff/").get_data(as_text=True)
