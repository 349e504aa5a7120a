"""A clerk has 编辑访谈 open in two tabs and puts up a new cover in each: the second tab
does not throw the first one's cover away unseen. It says the cover was just changed,
shows the cover now up, keeps what was typed, and saves once the picture is chosen again.
(Since the edit forms carry the version they showed, the message is the one of any record
saved in another tab.)
The server side (also two tabs at the same instant) is in tests/interviews/test_cover_two_tabs.py."""
from __future__ import annotations

from tests.browser import given
from tests.browser.helpers import login, shows
from tests.interviews.conftest import png_bytes


def _cover(stored, interview_id: int) -> tuple[str | None, str]:
    from interact.interviews.models import Interview

    def read(db):
        interview = db.session.get(Interview, interview_id)
        return (interview.cover.original_name if interview.cover else None), interview.topic

    return stored(read)


def test_a_cover_put_up_in_another_tab_is_not_replaced_unseen(page, stored, tmp_path):
    interview = given.announced_interview(stored)
    first, second = tmp_path / "first-cover.png", tmp_path / "second-cover.png"
    first.write_bytes(png_bytes((0, 90, 0)))
    second.write_bytes(png_bytes((0, 0, 90)))
    login(page, "rsj")
    url = f"/staff/interviews/{interview['id']}/edit"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)

    page.get_by_label("封面图片").set_input_files(str(first))
    page.get_by_role("button", name="保存").click()
    shows(page, "已保存。")

    topic = given.unique("养老保险政策在线访谈（第二期）")
    other.get_by_role("textbox", name="访谈主题").fill(topic)
    other.get_by_label("封面图片").set_input_files(str(second))
    other.get_by_role("button", name="保存").click()
    # The edit form's version check (core.edits) speaks first: the interview was saved in
    # the other tab since this one opened (the cover's own check, 封面刚刚已在另一个页面更换,
    # covers two saves of the same version: tests/interviews/test_cover_two_tabs.py).
    shows(other, "已在另一个页面修改并保存")
    assert other.get_by_role("textbox", name="访谈主题").input_value() == topic
    assert other.get_by_role("img", name="当前封面").is_visible()
    assert _cover(stored, interview["id"]) == ("first-cover.png", interview["topic"])

    other.get_by_label("封面图片").set_input_files(str(second))
    other.get_by_role("button", name="保存").click()
    shows(other, "已保存。")
    assert _cover(stored, interview["id"]) == ("second-cover.png", topic)
