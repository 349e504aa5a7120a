"""The office takes a letter from its arrival to publication: accept, route, review the
department's answer (send it back once with a note, then approve), publish it in 来信选登
and withdraw it again; the citizen reads the reply on the look-up page."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login, shows, look_up

RSJ = "市人力资源社会保障局"


def _letter(stored, letter_id):
    from interact.core import clock
    from interact.letters.models import Letter

    def read(db):
        letter = db.session.get(Letter, letter_id)
        return {"status": letter.status.value, "department": letter.department.name if letter.department else None,
                "answer": letter.answer_html, "published": letter.published,
                "due": f"{clock.to_local(letter.due_at):%Y-%m-%d}" if letter.due_at else None,
                "notes": [(event.action, event.note) for event in letter.events]}

    return stored(read)


def _form(page, heading: str):
    """The action form under the heading ``heading`` on a staff letter page."""
    return page.locator("form", has=page.get_by_role("heading", name=heading, exact=True))


def test_office_accepts_routes_reviews_publishes_and_withdraws(page, stored, new_page):
    letter = given.new_letter(stored, department=None, title=given.unique("失业保险金申领条件咨询"))
    login(page, "office")
    page.get_by_role("navigation", name="工作台导航").get_by_role("link", name="来信受理与转办").click()
    page.get_by_role("link", name=letter["number"]).click()
    page.get_by_role("heading", name=letter["title"]).wait_for()
    assert_accessible(page, context="new letter, office")

    _form(page, "受理").get_by_role("button", name="受理").click()
    shows(page, "已受理。")
    assert _letter(stored, letter["id"])["status"] == "accepted"

    route = _form(page, "转办")
    route.get_by_role("combobox", name="办理部门").select_option(label=RSJ)
    route.get_by_role("textbox", name="转办意见（选填）").fill("请按失业保险政策答复。")
    route.get_by_role("button", name="转交办理").click()
    shows(page, f"已转交{RSJ}办理。")
    routed = _letter(stored, letter["id"])
    assert (routed["status"], routed["department"]) == ("assigned", RSJ)
    assert ("assign", "请按失业保险政策答复。") in routed["notes"]
    expect(page.locator("main")).to_contain_text(re.compile(rf"当前期限\s*{routed['due']}"))

    # The department answers, in its own browser.
    handler = new_page()
    login(handler, "rsj")
    handler.goto("/staff/letters/mine")
    handler.get_by_role("link", name=letter["number"]).click()
    draft = "您好，失业保险金须缴费满一年。"
    handler.get_by_role("textbox", name="答复内容").fill(draft)
    handler.get_by_role("button", name="提交答复（送办公室审核）").click()
    shows(handler, "答复已提交，等待办公室审核。")
    assert _letter(stored, letter["id"])["status"] == "answered"

    # The office sends it back with a note, with the keyboard only.
    page.goto("/staff/letters/review")
    page.get_by_role("link", name=letter["number"]).click()
    review = _form(page, "审核答复")
    assert_accessible(page, context="answer to review")
    review.get_by_role("radio", name="通过并办结").focus()
    page.keyboard.press("ArrowDown")
    expect(review.get_by_role("radio", name="退回修改")).to_be_checked()
    note_box = review.get_by_role("textbox", name="审核意见（退回修改时必填）")
    for _ in range(2):  # past the 公开 check box to the note
        page.keyboard.press("Tab")
    expect(note_box).to_be_focused()
    note = "请写明申领渠道和所需材料。"
    page.keyboard.type(note)
    page.keyboard.press("Tab")
    expect(review.get_by_role("button", name="提交审核")).to_be_focused()
    page.keyboard.press("Enter")
    shows(page, "已退回办理部门修改。")
    sent_back = _letter(stored, letter["id"])
    assert sent_back["status"] == "sent_back" and ("send_back", note) in sent_back["notes"]

    # The handler reads the note and revises the answer it wrote (kept in the box).
    handler.reload()
    expect(handler.locator("main")).to_contain_text(note)
    answer_box = handler.get_by_role("textbox", name="答复内容")
    assert draft in answer_box.input_value()
    revised = "您好，失业保险金须缴费满一年。\n可在人社局网上服务大厅申领，需身份证和离职证明。"
    answer_box.fill(revised)
    handler.get_by_role("button", name="提交答复（送办公室审核）").click()
    shows(handler, "答复已提交，等待办公室审核。")

    # The office approves without publishing yet.
    page.reload()
    review = _form(page, "审核答复")
    expect(review.get_by_role("radio", name="通过并办结")).to_be_checked()
    review.get_by_text("在“来信选登”中公开（需来信人同意）").click()  # the label clears the box
    expect(review.get_by_role("checkbox")).not_to_be_checked()
    review.get_by_role("button", name="提交审核").click()
    shows(page, "审核通过，已办结。")
    closed = _letter(stored, letter["id"])
    assert (closed["status"], closed["published"]) == ("closed", False)
    assert "网上服务大厅" in closed["answer"]

    # The reply reaches the citizen.
    citizen = new_page()
    look_up(citizen, letter["number"], letter["code"])
    answer = citizen.get_by_role("region", name="答复")
    expect(answer).to_contain_text("可在人社局网上服务大厅申领，需身份证和离职证明。")
    expect(citizen.locator("main")).to_contain_text("已办结")
    assert_accessible(citizen, context="answered letter, citizen")

    # Published with the citizen's consent, it is listed in 来信选登 …
    _form(page, "公开").get_by_role("button", name="在来信选登中公开").click()
    shows(page, "已公开。")
    assert _letter(stored, letter["id"])["published"] is True
    citizen.goto("/letters/")
    citizen.get_by_role("link", name=letter["title"]).click()
    expect(citizen.locator("main")).to_contain_text("网上服务大厅")
    public_url = citizen.url

    # … until the office withdraws it.
    withdraw = _form(page, "撤下公开内容")
    withdraw.get_by_role("textbox", name="备注").fill("来信人要求不再公开。")
    withdraw.get_by_role("button", name="撤下").click()
    shows(page, "已撤下，公众不再可见。")
    withdrawn = _letter(stored, letter["id"])
    assert withdrawn["published"] is False and ("withdrawn", "来信人要求不再公开。") in withdrawn["notes"]
    citizen.goto("/letters/")
    expect(citizen.get_by_role("link", name=letter["title"])).to_have_count(0)
    assert citizen.goto(public_url).status == 404
