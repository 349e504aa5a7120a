"""A department clerk adds an interview's guest on a slow server and clicks 添加嘉宾 twice:
the form is sent once and the guest listed once; typing the same guest again later is
refused beside the field with what was typed kept (attack H8). The server side of copies
sent anyway is tested in tests/interviews/test_guest_added_twice_at_once.py."""
from __future__ import annotations

from tests.browser import given
from tests.browser.helpers import click_twice_on_a_slow_server, login, shows


def test_a_guest_added_with_a_double_click_is_listed_once(page, stored):
    interview = given.announced_interview(stored)
    login(page, "rsj")
    page.goto(f"/staff/interviews/{interview['id']}")
    guest_form = page.locator("form", has=page.get_by_role("button", name="添加嘉宾"))
    guest_form.get_by_role("textbox", name="嘉宾姓名").fill("郑文涛")
    guest_form.get_by_role("textbox", name="职务").fill("副主任")

    sent = click_twice_on_a_slow_server(page, guest_form.get_by_role("button", name="添加嘉宾"), "**/guests")
    assert sent == 1, "the form was sent a second time"
    shows(page, "已添加嘉宾。")
    guests = page.locator("section", has=page.get_by_role("heading", name="嘉宾", exact=True)).locator("li")
    assert guests.all_inner_texts().count("郑文涛 副主任 删除") == 1, guests.all_inner_texts()

    guest_form = page.locator("form", has=page.get_by_role("button", name="添加嘉宾"))
    guest_form.get_by_role("textbox", name="嘉宾姓名").fill("郑文涛")
    guest_form.get_by_role("textbox", name="职务").fill("副主任")
    guest_form.get_by_role("button", name="添加嘉宾").click()
    shows(page, "本场访谈已有嘉宾“副主任 郑文涛”")
    assert page.locator("form", has=page.get_by_role("button", name="添加嘉宾")).get_by_role(
        "textbox", name="嘉宾姓名").input_value() == "郑文涛"
