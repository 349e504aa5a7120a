"""Every date a clerk types on a staff form reads and shows Chinese dates, in a browser set
to English (polish left by #12): native date pickers showed ``mm/dd/yyyy`` in such a browser
whatever the page's language. The boxes now take ``2026-12-01``, ``2026年12月1日`` (and a
time: ``2027年1月20日 下午3:30``), show stored dates as ``2027-01-20 15:30``, and a date that
cannot be read gets a Chinese message (4xx) with everything typed still in the form.

Each browser here is an ``en-US`` one; with and without JavaScript, at 375 and 1280 px.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.given import unique
from tests.browser.helpers import login, shows

#: Every date box of the staff pages: (page, the box's label).
DATE_BOXES = [
    ("/staff/interviews/new", "访谈时间（北京时间）"),
    ("/staff/surveys/new", "开始时间（北京时间）"),
    ("/staff/surveys/new", "结束时间（北京时间）"),
    ("/staff/faq/new", "复核日期"),
    ("/staff/letters/forwarded/new", "上级规定办理期限"),
    ("/staff/calendar", "日期"),
    ("/staff/letters/all", "来信日期从"),
    ("/staff/letters/all", "至"),
    ("/staff/performance", "开始日期（自定义）"),
    ("/staff/performance", "结束日期（自定义）"),
]


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def english_page(request, new_page):
    """A clerk's browser set to American English (the locale that showed mm/dd/yyyy)."""
    return new_page(locale="en-US", timezone_id="Asia/Shanghai", java_script_enabled=request.param)


def _box(page, label: str):
    return page.get_by_role("textbox", name=label, exact=True)


def test_every_staff_date_box_takes_a_chinese_date(english_page):
    page = english_page
    login(page, "admin")
    for path, label in DATE_BOXES:
        if not page.url.endswith(path):
            page.goto(path)
        box = _box(page, label)
        expect(box).to_be_visible()
        # A date picker would refuse this text (it takes only its own widget's values).
        box.fill("2026年12月1日")
        assert box.input_value() == "2026年12月1日", (path, label)
        box_id = box.get_attribute("id")
        hint = page.locator(f"[id='{box_id}-hint']")
        expect(hint).to_contain_text("2026-12-01")
        expect(hint).to_contain_text("2026年12月1日")
        assert "/" not in (box.get_attribute("placeholder") or ""), (path, label)


def test_an_interview_is_scheduled_with_a_chinese_date_after_an_unreadable_one(english_page, stored, width):
    page = english_page
    login(page, "rsj")
    topic = unique("医保门诊报销在线访谈")
    page.goto("/staff/interviews/new")
    _box(page, "访谈主题").fill(topic)
    when = _box(page, "访谈时间（北京时间）")
    when.fill("01/20/2027 3:30 PM")  # what an English-language picker would have written
    page.locator("main form").get_by_role("button", name="保存").click()
    shows(page, "日期时间写法不对，请写成 2026-12-01 09:30 或 2026年12月1日 9:30。")
    assert _box(page, "访谈主题").input_value() == topic  # nothing typed is lost
    assert _box(page, "访谈时间（北京时间）").input_value() == "01/20/2027 3:30 PM"
    expect(_box(page, "访谈时间（北京时间）")).to_be_focused()

    day = 20 if width < 600 else 21
    _box(page, "访谈时间（北京时间）").fill(f"2027年1月{day}日 下午3:30")
    page.locator("main form").get_by_role("button", name="保存").click()
    shows(page, "访谈已创建")
    expect(page.locator("main")).to_contain_text(f"2027-01-{day} 15:30")

    from interact.interviews.models import Interview

    start = stored(lambda db: db.session.scalar(db.select(Interview.scheduled_start).where(Interview.topic == topic)))
    assert start.isoformat() == f"2027-01-{day}T07:30:00+00:00"  # 15:30 Beijing time
    # The edit form shows it back the Chinese way.
    page.get_by_role("link", name="编辑基本信息").click()
    assert _box(page, "访谈时间（北京时间）").input_value() == f"2027-01-{day} 15:30"


def test_a_collection_runs_between_two_chinese_dates(english_page, stored):
    page = english_page
    login(page, "rsj")
    title = unique("老旧小区加装电梯意见征集")
    page.goto("/staff/surveys/new")
    _box(page, "征集标题").fill(title)
    _box(page, "开始时间（北京时间）").fill("2027年2月1日 9:00")
    _box(page, "结束时间（北京时间）").fill("2027年2月30日 18:00")
    page.locator("main form").get_by_role("button", name="保存").click()
    shows(page, "没有 2027年2月30日 这一天，请检查日期。")
    assert _box(page, "征集标题").input_value() == title
    assert _box(page, "开始时间（北京时间）").input_value() == "2027年2月1日 9:00"
    _box(page, "结束时间（北京时间）").fill("2027-02-28 18:00")
    page.locator("main form").get_by_role("button", name="保存").click()
    shows(page, "征集草稿已创建")
    expect(page.locator("main")).to_contain_text("2027-02-01 09:00")
    expect(page.locator("main")).to_contain_text("2027-02-28 18:00")

    from interact.surveys.models import Collection

    starts, ends = stored(lambda db: db.session.execute(
        db.select(Collection.starts_at, Collection.ends_at).where(Collection.title == title)).one())
    assert (starts.isoformat(), ends.isoformat()) == ("2027-02-01T01:00:00+00:00", "2027-02-28T10:00:00+00:00")


def test_the_office_filters_letters_and_periods_with_chinese_dates(english_page, stored):
    from tests.browser.given import new_letter

    page = english_page
    letter = new_letter(stored, title=unique("公交站台遮雨棚损坏"))
    from interact.core import clock

    today = clock.today()
    login(page, "office")
    page.goto("/staff/letters/all")
    _box(page, "来信日期从").fill(f"{today.year}年{today.month}月{today.day}日")
    _box(page, "至").fill(f"{today:%Y/%m/%d}")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("main")).to_contain_text(letter["number"])

    _box(page, "来信日期从").fill("31/12/2026")
    page.get_by_role("button", name="筛选").click()
    shows(page, "来信日期从：日期写法不对，请写成 2026-12-01 或 2026年12月1日。")
    assert _box(page, "来信日期从").input_value() == "31/12/2026"

    page.goto("/staff/performance")
    page.get_by_role("combobox", name="周期").select_option(label="自定义")
    _box(page, "开始日期（自定义）").fill("2026年11月1日")
    _box(page, "结束日期（自定义）").fill("2026年11月30日")
    page.get_by_role("button", name="统计").click()
    page.get_by_role("heading", name=re.compile("2026-11-01 至 2026-11-30")).first.wait_for()
    _box(page, "结束日期（自定义）").fill("2026年11月31日")
    page.get_by_role("button", name="统计").click()
    shows(page, "结束日期：没有 2026年11月31日 这一天，请检查日期。")
    assert _box(page, "结束日期（自定义）").input_value() == "2026年11月31日"


def test_the_admin_adds_a_holiday_typed_the_chinese_way(english_page, width):
    page = english_page
    login(page, "admin")
    page.goto("/staff/calendar")
    day = 5 if width < 600 else 6
    _box(page, "日期").fill(f"2099年1月{day}日")
    page.get_by_role("combobox", name="类型").select_option(label="放假")
    _box(page, "名称").fill("测试假日")
    page.get_by_role("button", name="添加").click()
    shows(page, "已保存。")
    row = page.get_by_role("row", name=re.compile(f"2099-01-0{day}"))
    expect(row).to_contain_text("测试假日")
    row.get_by_role("button", name="删除").click()  # the calendar is shared by every journey
    shows(page, "已删除。")
    _box(page, "日期").fill("2099年2月29日")
    page.get_by_role("button", name="添加").click()
    shows(page, "没有 2099年2月29日 这一天，请检查日期。")
    assert _box(page, "日期").input_value() == "2099年2月29日"
