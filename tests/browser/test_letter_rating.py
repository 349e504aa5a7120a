"""A citizen rates an answer 不满意 with a reason; the department and the office see it on
the letter, it counts in the office's statistics, and the office hands the letter back to
the department (重新办理, once)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login, look_up, shows

RSJ = "市人力资源社会保障局"


def _rating(stored, letter_id):
    from interact.letters.models import Letter

    def read(db):
        letter = db.session.get(Letter, letter_id)
        return letter.status.value, letter.rating and letter.rating.value, letter.rating_comment

    return stored(read)


def _department_satisfaction(page) -> tuple[str, int]:
    """(满意率, letters rated) of the department's row in this month's statistics, as shown."""
    page.goto("/staff/letters/stats")
    table = page.get_by_role("table", name=re.compile("各部门来信办理情况统计表"))
    cell = table.get_by_role("row", name=re.compile(RSJ)).get_by_role("cell").last.inner_text()
    rated = re.search(r"（(\d+)）", cell)
    return cell.split()[0], int(rated.group(1)) if rated else 0


def test_citizen_rates_unsatisfied_and_the_staff_see_it(page, stored, new_page):
    letter = given.answered_letter(stored, title=given.unique("养老保险转移后缴费年限怎么算"))
    office = new_page()
    login(office, "office")
    rate_before, rated_before = _department_satisfaction(office)

    look_up(page, letter["number"], letter["code"])
    rating = page.get_by_role("group", name="您对答复的评价")
    rating.get_by_text("不满意", exact=True).click()
    expect(rating.get_by_role("radio", name="不满意", exact=True)).to_be_checked()
    reason = "没有说明转移前后的年限怎么合并计算。"
    page.get_by_role("textbox", name="评价意见（选填）").fill(reason)
    page.get_by_role("button", name="提交评价").click()
    shows(page, "感谢您的评价。")
    expect(page.locator("main")).to_contain_text(f"您的评价：不满意（{reason}）")
    assert _rating(stored, letter["id"]) == ("closed", "unsatisfied", reason)

    handler = new_page()
    login(handler, "rsj")
    handler.goto(f"/staff/letters/{letter['id']}")
    expect(handler.locator("main")).to_contain_text(f"不满意：{reason}")

    office.goto(f"/staff/letters/{letter['id']}")
    expect(office.locator("main")).to_contain_text(f"不满意：{reason}")
    assert_accessible(office, context="letter rated 不满意, office")  # 重新办理 and 撤下 on one page
    rate_after, rated_after = _department_satisfaction(office)
    assert rated_after == rated_before + 1
    satisfied = round(float(rate_before.rstrip("%")) * rated_before / 100) if rated_before else 0
    assert rate_after == f"{satisfied / rated_after * 100:.1f}%", (rate_before, rated_before, rate_after)

    office.goto(f"/staff/letters/{letter['id']}")
    reopen = office.locator("form", has=office.get_by_role("heading", name="重新办理（来信人不满意，限一次）"))
    reopen.get_by_role("textbox", name="备注").fill("请补充说明缴费年限合并计算办法。")
    reopen.get_by_role("button", name="交原部门重新办理").click()
    shows(office, "已重新交办。")
    assert _rating(stored, letter["id"])[0] == "reopened"

    handler.goto("/staff/letters/mine")
    expect(handler.get_by_role("row", name=re.compile(letter["number"]))).to_contain_text("重新办理")
