"""A department runs an interview: a citizen asks, the host goes live and posts the
transcript while a second browser watches the public page update without reloading; after
the interview the archive is published with its summary and video link (defect #12.2)."""
from __future__ import annotations

from tests.browser import given
from tests.browser.helpers import assert_accessible, login, solve_captcha


def _interview(stored, interview_id):
    from interact.interviews.models import Interview

    def read(db):
        interview = db.session.get(Interview, interview_id)
        return interview.status.value, interview.summary, interview.video_url

    return stored(read)


def test_live_interview_updates_the_public_page_without_reload(page, stored, new_page):
    interview = given.announced_interview(stored)
    public = new_page()
    public.goto(f"/interviews/{interview['id']}")
    public.get_by_role("textbox", name="您的问题").fill("灵活就业人员的养老保险可以补缴吗？")
    solve_captcha(public)
    public.get_by_role("button", name="提交问题").click()
    public.get_by_text("审核").first.wait_for()

    login(page, "rsj")
    page.goto(f"/staff/interviews/{interview['id']}")
    page.get_by_role("button", name="开始直播").click()
    page.get_by_role("heading", name="直播控制台").wait_for()
    speakers = page.get_by_role("combobox", name="发言人").locator("option").all_inner_texts()
    assert speakers[0] == "主持人 林晓", speakers  # not "主持人 主持人 林晓"
    assert_accessible(page, context="live console")

    public.goto(f"/interviews/{interview['id']}")
    public.get_by_text("正在直播").wait_for()
    assert_accessible(public, context="live interview page")

    opening = "各位网友大家好，欢迎收看本期在线访谈。"
    page.get_by_role("combobox", name="发言人").select_option(label="主持人 林晓")
    page.get_by_role("textbox", name="内容", exact=True).fill(opening)
    page.get_by_role("button", name="发布", exact=True).click()
    page.locator("main").get_by_text(opening).first.wait_for()

    # The watcher sees it appear without reloading (the page polls the transcript feed).
    public.locator("[role=log]").get_by_text(opening).wait_for(timeout=30_000)
    assert public.evaluate("() => performance.getEntriesByType('navigation').length") == 1


def test_handler_publishes_the_archive_with_what_was_typed(page, stored):
    interview = given.ended_interview(stored)
    login(page, "rsj")
    page.goto(f"/staff/interviews/{interview['id']}/archive")
    assert_accessible(page, context="archive editor")
    summary = "本期访谈解读了就业见习补贴和一次性创业补贴的申领条件。"
    page.get_by_role("textbox", name="访谈摘要").fill(summary)
    page.get_by_role("textbox", name="或视频链接").fill("https://video.example.gov.cn/iv/2026-01.mp4")
    page.get_by_role("button", name="发布回顾").click()
    page.get_by_text("已保存").first.wait_for()
    status, stored_summary, video_url = _interview(stored, interview["id"])
    assert status == "archived"
    assert summary in stored_summary
    assert video_url == "https://video.example.gov.cn/iv/2026-01.mp4"

    page.goto(f"/interviews/{interview['id']}")
    main = page.locator("main")
    assert summary in main.inner_text()
    assert main.get_by_role("link", name="观看访谈视频").get_attribute("href").endswith("2026-01.mp4")
    assert_accessible(page, context="archived interview")
