"""A citizen without an account writes a letter, keeps the receipt and looks the letter up."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, solve_captcha


def write_letter(page, *, title: str, body: str, phone: str = "13912345678") -> tuple[str, str]:
    """Fill and send the letter form as a person does; return (number, query code)."""
    page.goto("/letters/new")
    page.get_by_role("combobox", name="咨询部门").select_option(label="市人力资源社会保障局")
    page.get_by_role("textbox", name="标题", exact=True).fill(title)
    page.get_by_role("textbox", name="内容", exact=True).fill(body)
    page.get_by_role("textbox", name="姓名", exact=True).fill("王小明")
    page.get_by_role("textbox", name="手机号码", exact=True).fill(phone)
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
    codes = page.locator(".receipt-codes strong.code")
    return codes.nth(0).inner_text().strip(), codes.nth(1).inner_text().strip()


def test_citizen_writes_a_letter_and_looks_it_up(page, stored):
    title = "灵活就业人员如何缴纳社保"
    number, code = write_letter(page, title=title, body="我是自由职业者，想咨询如何以灵活就业人员身份缴纳养老保险。\n谢谢！")
    assert re.fullmatch(r"[A-Z]{2}\d{8}-\d{4}", number), number
    assert code
    expect(page.get_by_role("button", name="打印回执")).to_be_visible()  # shown by the script
    assert_accessible(page, context="receipt")

    from interact.letters.models import Letter

    def saved(db):
        letter = db.session.scalar(db.select(Letter).where(Letter.number == number))
        return letter.title, letter.phone, letter.requested_department.name

    assert stored(saved) == (title, "13912345678", "市人力资源社会保障局")

    # Later, in a new browser session, the citizen looks it up with number + code.
    page.context.clear_cookies()
    page.goto("/letters/lookup")
    page.get_by_role("textbox", name="信件编号", exact=True).fill(number)
    page.get_by_role("textbox", name="查询码", exact=True).fill(code)
    page.get_by_role("button", name="查询").click()
    main = page.locator("main")
    main.get_by_text(title).first.wait_for()
    assert "13912345678" not in main.inner_text()
    assert_accessible(page, context="letter tracking page")


def test_wrong_query_code_shows_a_message(page):
    page.goto("/letters/lookup")
    page.get_by_role("textbox", name="信件编号", exact=True).fill("XJ20260105-0001")
    page.get_by_role("textbox", name="查询码", exact=True).fill("WRONG1")
    page.get_by_role("button", name="查询").click()
    assert page.locator("main").get_by_text(re.compile("不正确|未找到|有误")).first.is_visible()


def test_after_a_mistake_the_captcha_asks_for_the_new_image(page, stored):
    """Defect #12.6: the used code stayed in the box beside a new image, so fixing only the
    phone number failed again with 验证码不正确."""
    page.goto("/letters/new")
    page.get_by_role("textbox", name="标题", exact=True).fill("公积金提取到账时间咨询")
    page.get_by_role("textbox", name="内容", exact=True).fill("提交提取申请后多久到账？")
    page.get_by_role("textbox", name="姓名", exact=True).fill("李四")
    page.get_by_role("textbox", name="手机号码", exact=True).fill("1391234")  # too short
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_text("手机").first.wait_for()
    assert page.get_by_role("textbox", name="标题", exact=True).input_value() == "公积金提取到账时间咨询"
    captcha_box = page.get_by_role("textbox", name="验证码", exact=True)
    assert captcha_box.input_value() == "", "the used captcha answer is still in the box"

    page.get_by_role("textbox", name="手机号码", exact=True).fill("13912345678")
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
