"""A clerk on a slow server clicks 登记 (上级转办), 保存 (新建征集, 新建访谈), 上传 (征求意见稿)
or 上传并预检 (知识库导入) twice: the second click is not taken, and the page says once what
was created (attack G17, G18, H8). Copies sent anyway (no JavaScript, a script) are tested
in tests/letters/test_forwarded_once.py, tests/surveys/test_new_collection_once.py,
tests/interviews/test_new_interview_once.py, tests/surveys/test_document_upload_once.py and
tests/faq/test_import_checked_once.py."""
from __future__ import annotations

import json

from tests.browser.given import unique
from tests.browser.helpers import login, sent_once, shows


def _box(page, label: str):
    return page.get_by_role("textbox", name=label, exact=True)


def _rows(stored, condition) -> int:
    """How many rows of ``condition``'s table it holds."""
    return stored(lambda db: db.session.scalar(db.select(db.func.count()).where(condition)))


def _new_collection(page, title: str) -> None:
    page.goto("/staff/surveys/new")
    _box(page, "征集标题").fill(title)
    _box(page, "开始时间（北京时间）").fill("2027-02-01 09:00")
    _box(page, "结束时间（北京时间）").fill("2027-02-28 18:00")


def test_a_forwarded_letter_registered_with_two_clicks_is_one_letter(page, stored):
    login(page, "office")
    page.goto("/staff/letters/forwarded/new")
    upstream = unique("ZX-2026-")
    _box(page, "上级来信编号").fill(upstream)
    _box(page, "标题").fill("退役军人就业帮扶咨询")
    _box(page, "内容").fill("想了解退役军人就业创业的帮扶政策，请告知办理渠道。")
    _box(page, "姓名").fill("马振宇")
    _box(page, "手机号码").fill("13905710020")
    sent_once(page, page.locator("main form").get_by_role("button", name="登记"), "**/staff/letters/forwarded/new",
              "已登记上级转办来信")

    from interact.letters.models import Letter

    assert _rows(stored, Letter.upstream_number == upstream.upper()) == 1


def test_a_collection_saved_with_two_clicks_is_one_draft(page, stored):
    login(page, "rsj")
    title = unique("老旧小区加装电梯意见征集")
    _new_collection(page, title)
    sent_once(page, page.locator("main form").get_by_role("button", name="保存"), "**/staff/surveys/new",
              "征集草稿已创建")

    from interact.surveys.models import Collection

    assert _rows(stored, Collection.title == title) == 1


def test_an_interview_saved_with_two_clicks_is_one_draft(page, stored):
    login(page, "rsj")
    topic = unique("退役军人就业创业政策解读")
    page.goto("/staff/interviews/new")
    _box(page, "访谈主题").fill(topic)
    _box(page, "访谈时间（北京时间）").fill("2027-03-18 15:00")
    sent_once(page, page.locator("main form").get_by_role("button", name="保存"), "**/staff/interviews/new",
              "访谈已创建（草稿）")

    from interact.interviews.models import Interview

    assert _rows(stored, Interview.topic == topic) == 1


def test_a_document_uploaded_with_two_clicks_is_stored_once(page, stored, tmp_path):
    login(page, "rsj")
    _new_collection(page, unique("公共自行车运营时间调整意见征集"))
    page.locator("main form").get_by_role("button", name="保存").click()
    shows(page, "征集草稿已创建")
    name = unique("征求意见稿") + ".pdf"
    document = tmp_path / name
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    chooser = page.get_by_label("选择文件（PDF、Word/Excel 或图片，不超过10MB）")
    chooser.set_input_files(str(document))
    sent_once(page, page.locator("form", has=chooser).get_by_role("button", name="上传"), "**/document", "文件已上传")

    from interact.core.models import StoredFile

    assert _rows(stored, StoredFile.original_name == name) == 1


def test_a_file_checked_with_two_clicks_is_one_dry_run(page, stored, tmp_path):
    login(page, "curator")
    name = unique("知识库") + ".jsonl"
    rows = tmp_path / name
    rows.write_text(json.dumps({"question": unique("人才公寓怎么申请"), "answer_html": "<p>向人社局申请。</p>"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    page.goto("/staff/faq/import")
    chooser = page.get_by_label("文件", exact=True)
    chooser.set_input_files(str(rows))
    sent_once(page, page.locator("form", has=chooser).get_by_role("button", name="上传并预检"), "**/staff/faq/import",
              "预检通过")

    from interact.faq.models import FaqImportJob

    assert _rows(stored, FaqImportJob.filename == name) == 1
