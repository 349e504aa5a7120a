"""A clerk on a slow server clicks 登记 (上级转办), 保存 (新建征集, 新建访谈) or 上传 (征求意见稿)
twice: the second click is not taken, and the page says once what was created (attack G17,
G18, H8). Copies sent anyway (no JavaScript, a script) are tested in
tests/letters/test_forwarded_once.py, tests/surveys/test_new_collection_once.py,
tests/interviews/test_new_interview_once.py and tests/surveys/test_document_upload_once.py."""
from __future__ import annotations

from tests.browser.given import unique
from tests.browser.helpers import click_twice_on_a_slow_server, login, shows


def _box(page, label: str):
    return page.get_by_role("textbox", name=label, exact=True)


def test_a_forwarded_letter_registered_with_two_clicks_is_one_letter(page, stored):
    login(page, "office")
    page.goto("/staff/letters/forwarded/new")
    upstream = unique("ZX-2026-")
    _box(page, "上级来信编号").fill(upstream)
    _box(page, "标题").fill("退役军人就业帮扶咨询")
    _box(page, "内容").fill("想了解退役军人就业创业的帮扶政策，请告知办理渠道。")
    _box(page, "姓名").fill("马振宇")
    _box(page, "手机号码").fill("13905710020")
    sent = click_twice_on_a_slow_server(page, page.locator("main form").get_by_role("button", name="登记"),
                                        "**/staff/letters/forwarded/new")
    assert sent == 1, "the form was sent a second time"
    shows(page, "已登记上级转办来信")

    from interact.letters.models import Letter

    assert stored(lambda db: db.session.scalar(db.select(db.func.count()).select_from(Letter)
                                               .where(Letter.upstream_number == upstream.upper()))) == 1


def test_a_collection_saved_with_two_clicks_is_one_draft(page, stored):
    login(page, "rsj")
    title = unique("老旧小区加装电梯意见征集")
    page.goto("/staff/surveys/new")
    _box(page, "征集标题").fill(title)
    _box(page, "开始时间（北京时间）").fill("2027-02-01 09:00")
    _box(page, "结束时间（北京时间）").fill("2027-02-28 18:00")
    sent = click_twice_on_a_slow_server(page, page.locator("main form").get_by_role("button", name="保存"),
                                        "**/staff/surveys/new")
    assert sent == 1, "the form was sent a second time"
    shows(page, "征集草稿已创建")

    from interact.surveys.models import Collection

    assert stored(lambda db: db.session.scalar(db.select(db.func.count()).select_from(Collection)
                                               .where(Collection.title == title))) == 1


def test_an_interview_saved_with_two_clicks_is_one_draft(page, stored):
    login(page, "rsj")
    topic = unique("退役军人就业创业政策解读")
    page.goto("/staff/interviews/new")
    _box(page, "访谈主题").fill(topic)
    _box(page, "访谈时间（北京时间）").fill("2027-03-18 15:00")
    sent = click_twice_on_a_slow_server(page, page.locator("main form").get_by_role("button", name="保存"),
                                        "**/staff/interviews/new")
    assert sent == 1, "the form was sent a second time"
    shows(page, "访谈已创建（草稿）")

    from interact.interviews.models import Interview

    assert stored(lambda db: db.session.scalar(db.select(db.func.count()).select_from(Interview)
                                               .where(Interview.topic == topic))) == 1


def test_a_document_uploaded_with_two_clicks_is_stored_once(page, stored, tmp_path):
    login(page, "rsj")
    title = unique("公共自行车运营时间调整意见征集")
    page.goto("/staff/surveys/new")
    _box(page, "征集标题").fill(title)
    _box(page, "开始时间（北京时间）").fill("2027-02-01 09:00")
    _box(page, "结束时间（北京时间）").fill("2027-02-28 18:00")
    page.locator("main form").get_by_role("button", name="保存").click()
    shows(page, "征集草稿已创建")
    name = unique("征求意见稿") + ".pdf"
    document = tmp_path / name
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("选择文件（PDF、Word/Excel 或图片，不超过10MB）").set_input_files(str(document))
    upload = page.locator("form", has=page.get_by_label("选择文件（PDF、Word/Excel 或图片，不超过10MB）"))
    sent = click_twice_on_a_slow_server(page, upload.get_by_role("button", name="上传"), "**/document")
    assert sent == 1, "the form was sent a second time"
    shows(page, "文件已上传")

    from interact.core.models import StoredFile

    assert stored(lambda db: db.session.scalar(db.select(db.func.count()).select_from(StoredFile)
                                               .where(StoredFile.original_name == name))) == 1
