"""A letter typed on a page whose form token no longer holds is not lost (the token lasts
8 hours; a session that ended since, here the browser's cookies cleared, does the same):
the page says why and offers 继续提交, which sends what was typed; the captcha answer, never
carried, is then asked for on the letter form with the text still in it."""
from __future__ import annotations

import pytest

from tests.browser.given import unique
from tests.browser.helpers import assert_accessible, layout_problems, shows, solve_captcha


def _box(page, name):
    return page.get_by_role("textbox", name=name, exact=True)


@pytest.mark.parametrize("width", [375], indirect=True)
@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_a_letter_sent_after_the_session_ended_is_sent_again_with_what_was_typed(new_page, stored, javascript):
    from interact.letters.models import Letter

    page = new_page(java_script_enabled=javascript)
    title = unique("小区门口的路灯坏了")
    body = "小区门口的路灯坏了两个星期，晚上回家很不方便。\n请尽快派人维修，谢谢！"
    page.goto("/letters/new")
    page.get_by_role("combobox", name="咨询部门").select_option(label="市人力资源社会保障局")
    _box(page, "标题").fill(title)
    _box(page, "内容").fill(body)
    _box(page, "姓名").fill("钱多多")
    _box(page, "手机号码").fill("13912345671")
    solve_captcha(page)
    page.context.clear_cookies()  # the session is gone (cookies cleared, or it ran out)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="页面已过期，填写的内容还在").wait_for()
    assert "登录状态或会话有了变化" in page.locator("main").inner_text()
    assert layout_problems(page) == []
    assert_accessible(page, context="form sent again")

    def letters(db):
        return db.session.scalars(db.select(Letter).where(Letter.title == title)).all()

    assert stored(letters) == []
    page.get_by_role("button", name="继续提交").click()
    # The captcha answer is never carried: the form asks for it, with the text in it.
    shows(page, "请输入图片中的验证码")
    assert _box(page, "标题").input_value() == title
    assert _box(page, "内容").input_value() == body
    assert _box(page, "姓名").input_value() == "钱多多"
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
    (letter,) = stored(letters)
    assert letter.body.replace("\r\n", "\n") == body and letter.name == "钱多多"
