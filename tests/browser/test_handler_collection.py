"""A department runs an ended collection through moderation, adoption and result feedback;
the office publishes the feedback and a citizen reads it (defect #12.2: the text typed in
结果综述 was lost when the person clicked 提交办公室审核)."""
from __future__ import annotations

from tests.browser import given
from tests.browser.helpers import assert_accessible, login


def _feedback(stored, collection_id):
    from interact.surveys.models import Collection

    def read(db):
        feedback = db.session.get(Collection, collection_id).feedback
        return (feedback.status.value, feedback.summary) if feedback else None

    return stored(read)


def test_handler_moderates_adopts_and_submits_the_feedback_as_typed(page, stored, new_page):
    collection = given.ended_collection(stored, opinions=[
        "建议在社区服务中心增设社保自助终端。", "建议周末也开放社保窗口。"])
    login(page, "rsj")
    page.goto(f"/staff/surveys/{collection['id']}/opinions")
    assert_accessible(page, context="opinions to moderate and adopt")
    for text in ("建议在社区服务中心增设社保自助终端。", "建议周末也开放社保窗口。"):
        page.locator("li", has_text=text).get_by_role("button", name="审核通过").click()
        page.get_by_text("审核").first.wait_for()

    adopted = page.locator("li", has_text="增设社保自助终端")
    adopted.get_by_text("采纳", exact=True).click()
    adopted.get_by_role("button", name="保存采纳情况").click()
    page.wait_for_load_state()
    refused = page.locator("li", has_text="周末也开放社保窗口")
    refused.get_by_text("未采纳", exact=True).click()
    refused.get_by_role("textbox", name="理由（部分采纳、未采纳时必填）").fill("窗口人员有限，已开通网上办理。")
    refused.get_by_role("button", name="保存采纳情况").click()
    page.wait_for_load_state()

    page.goto(f"/staff/surveys/{collection['id']}/feedback")
    assert_accessible(page, context="feedback form")
    page.get_by_role("textbox", name="结果综述").fill("（初稿）本次征集共收到意见2条。")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    summary = "本次征集共收到意见2条，采纳1条。将在社区服务中心增设自助终端。"
    page.get_by_role("textbox", name="结果综述").fill(summary)
    page.get_by_role("button", name="提交办公室审核").click()
    page.get_by_text("提交办公室审核").first.wait_for()
    assert _feedback(stored, collection["id"]) == ("submitted", summary)
    assert summary in page.locator("main").inner_text()

    office = new_page()
    login(office, "office")
    office.goto(f"/staff/surveys/{collection['id']}/feedback")
    office.get_by_role("button", name="审核通过并发布").click()
    office.get_by_text("结果反馈已发布").wait_for()
    assert _feedback(stored, collection["id"])[0] == "published"

    citizen = new_page()
    citizen.goto(f"/surveys/{collection['id']}/results")
    main = citizen.locator("main")
    assert summary in main.inner_text()
    assert "窗口人员有限，已开通网上办理。" in main.inner_text()
    assert_accessible(citizen, context="published result feedback")
