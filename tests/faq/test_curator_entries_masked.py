"""FAQ entries written by a curator pass the publication masking (#11, attack batch 6 G22):
新建条目 then 发布, an edit of a published entry and a published row of an import show no
personal data on /faq/<id> or /api/v1/faq/entries/<id>; the entry's history says what was
hidden; a draft keeps what the curator typed until it is published."""
from __future__ import annotations

import io
import json

from interact.faq import services
from interact.faq.models import FaqEntry, FaqImportJob

ANSWER = ("<p>请联系经办人王小明，手机13800138301，或发邮件至 wangxm@qq.com。"
          "市民张三丰（身份证440301198503152214）已办理。咨询电话：0471-6601234。</p>")
SECRETS = ("13800138301", "wangxm", "440301198503152214", "三丰")


def _public(client, entry_id: int) -> str:
    page = client.get(f"/faq/{entry_id}").get_data(as_text=True)
    api = json.dumps(client.get(f"/api/v1/faq/entries/{entry_id}").get_json(), ensure_ascii=False)
    return page + api


def test_a_curators_entry_is_masked_when_published(client, auth, db, roles):
    auth.login(roles.curator)
    client.post("/staff/faq/new", data={"question": "公积金提取找谁办？", "phrasings": "", "answer_html": ANSWER,
                                        "category_id": "", "department_id": "", "keywords": "", "review_by": ""})
    entry = db.session.scalar(db.select(FaqEntry))
    assert "13800138301" in entry.answer_html  # a draft keeps what was typed
    client.post(f"/staff/faq/{entry.id}/publish")
    public = _public(client, entry.id)
    assert [s for s in SECRETS if s in public] == []
    assert "0471-6601234" in public  # an office's published number stays
    assert "发布时已隐去个人信息" in services.revisions(db.session.get(FaqEntry, entry.id))[0].note

    # An edit of the published entry is masked as it is saved.
    client.post(f"/staff/faq/{entry.id}/edit", data={
        "question": "公积金提取找谁办？", "phrasings": "", "answer_html": "<p>联系人李建国，电话13912345678。</p>",
        "category_id": "", "department_id": "", "keywords": "", "review_by": ""})
    public = _public(client, entry.id)
    assert "13912345678" not in public and "建国" not in public and "[电话]" in public


def test_a_published_row_of_an_import_is_masked(client, auth, db, roles):
    auth.login(roles.curator)
    row = {"question": "住房补贴找谁？", "answer_html": ANSWER, "status": "published"}
    client.post("/staff/faq/import", data={"file": (io.BytesIO(json.dumps(row, ensure_ascii=False).encode()),
                                                    "kb.jsonl")}, content_type="multipart/form-data")
    job = db.session.scalar(db.select(FaqImportJob))
    client.post(f"/staff/faq/import/{job.id}/confirm")
    entry = db.session.scalar(db.select(FaqEntry))
    assert [s for s in SECRETS if s in _public(client, entry.id)] == []
