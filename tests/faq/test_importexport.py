"""Import (dry run, validation, all-or-nothing, progress) and export round trips."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook

from interact.core import clock, tasks
from interact.core.tasks import TaskWorker
from interact.faq import importexport, services, workflow
from interact.scheduler import load_tasks
from interact.faq.models import FaqCategory, FaqEntry, FaqImportJob, FaqStatus, ImportStatus


def jsonl(rows) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def upload(client, content: bytes, name: str):
    return client.post("/staff/faq/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def count_entries(db) -> int:
    return db.session.scalar(db.select(db.func.count(FaqEntry.id)))


GOOD_ROWS = [
    {"question": "电动车怎么上牌？", "answer_html": "<p>到车管所办理。</p>", "phrasings": ["电动自行车上牌照"],
     "category": "交通出行 / 电动车", "department": "RSJ", "keywords": ["上牌"], "status": "published",
     "review_by": "2027-01-01"},
    {"question": "人才公寓怎么申请？", "answer_html": "<p>向人社局申请。</p>", "status": "draft"},
]


@pytest.fixture
def curator_client(client, auth, roles):
    auth.login(roles.curator)
    return client


def test_dry_run_reports_and_changes_nothing(curator_client, db, kb):
    rows = GOOD_ROWS + [{"id": kb[0].id, "question": kb[0].question, "answer_html": "<p>新答案</p>",
                         "phrasings": kb[0].phrasing_texts, "department": "GJJ", "status": "published"}]
    response = upload(curator_client, jsonl(rows), "kb.jsonl")
    assert response.status_code == 302
    job = db.session.scalar(db.select(FaqImportJob))
    assert job.dry_run and job.status is ImportStatus.DONE
    assert job.report["counts"] == {"new": 2, "updated": 1, "unchanged": 0, "invalid": 0}
    assert job.report["new_categories"] == ["交通出行 / 电动车"]
    assert count_entries(db) == len(kb)
    assert db.session.scalar(db.select(FaqCategory)) is None
    db.session.refresh(kb[0])
    assert kb[0].answer_html != "<p>新答案</p>"
    page = curator_client.get(f"/staff/faq/import/{job.id}").get_data(as_text=True)
    assert "预检通过" in page and "确认导入" in page and "修改：答案" in page
    # Confirming runs the real import: everything is written.
    response = curator_client.post(f"/staff/faq/import/{job.id}/confirm")
    real = db.session.get(FaqImportJob, job.id + 1)
    assert response.headers["Location"].endswith(f"/staff/faq/import/{real.id}")
    assert real.status is ImportStatus.DONE and real.report["applied"] is True
    assert count_entries(db) == len(kb) + 2
    created = db.session.scalar(db.select(FaqEntry).where(FaqEntry.question == "电动车怎么上牌？"))
    assert created.status is FaqStatus.PUBLISHED and created.category.path == "交通出行 / 电动车"
    assert created.phrasing_texts == ["电动自行车上牌照"] and created.review_by.isoformat() == "2027-01-01"
    assert services.revisions(created)[0].action == "imported"
    db.session.refresh(kb[0])
    assert kb[0].answer_html == "<p>新答案</p>"
    # The published import is searchable at once.
    from interact.faq import index

    assert index.get_engine().search("电动车怎么上牌？", 1)[0].id == created.id


def test_bad_rows_reported_nothing_half_imported(curator_client, db, kb, roles):
    rows = GOOD_ROWS + [
        {"question": "", "answer_html": "<p>没有问题</p>"},
        {"question": "没有答案的问题？", "answer_html": ""},
        {"question": "状态不对？", "answer_html": "<p>x</p>", "status": "maybe"},
        {"question": "日期不对？", "answer_html": "<p>x</p>", "review_by": "明年"},
        {"question": "部门不存在？", "answer_html": "<p>x</p>", "department": "NOPE"},
        {"id": 99999, "question": "编号不存在？", "answer_html": "<p>x</p>"},
        {"question": "电动车怎么上牌?", "answer_html": "<p>重复</p>"},  # same as row 1 after normalisation
    ]
    content = jsonl(rows) + b"not json\n[1, 2]\n"
    upload(curator_client, content, "bad.jsonl")
    job = db.session.scalar(db.select(FaqImportJob))
    counts = job.report["counts"]
    assert counts["invalid"] == 9 and counts["new"] == 2
    reasons = {r["line"]: "；".join(r["reasons"]) for r in job.report["rows"] if r["outcome"] == "invalid"}
    assert "标准问题" in reasons[3] and "答案" in reasons[4] and "状态" in reasons[5]
    assert "复核日期" in reasons[6] and "部门" in reasons[7] and "99999" in reasons[8]
    assert "第 1 行" in reasons[9] and "JSON" in reasons[10] and "JSON 对象" in reasons[11]
    page = curator_client.get(f"/staff/faq/import/{job.id}").get_data(as_text=True)
    assert "确认导入" not in page and "没有写入任何数据" in page
    # A real import of the same file is refused …
    assert curator_client.post(f"/staff/faq/import/{job.id}/confirm").status_code == 302
    assert db.session.scalar(db.select(db.func.count(FaqImportJob.id))) == 1
    # … and even run directly it writes nothing.
    real = FaqImportJob(filename="bad.jsonl", file_format="jsonl", stored_key=job.stored_key, dry_run=False,
                        created_by_id=roles.curator.id)
    db.session.add(real)
    db.session.commit()
    importexport.run_job(real.id)
    assert real.status is ImportStatus.DONE and real.report["applied"] is False
    assert count_entries(db) == len(kb)


def test_failure_during_apply_rolls_back_everything(curator_client, db, kb, roles, monkeypatch):
    upload(curator_client, jsonl(GOOD_ROWS), "kb.jsonl")
    dry = db.session.scalar(db.select(FaqImportJob))
    calls = []
    original = workflow.record

    def failing_record(entry, action, actor, before, note=""):
        calls.append(entry)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(entry, action, actor, before, note)

    monkeypatch.setattr(workflow, "record", failing_record)
    curator_client.post(f"/staff/faq/import/{dry.id}/confirm")
    real = db.session.get(FaqImportJob, dry.id + 1)
    assert real.status is ImportStatus.FAILED and "没有写入任何条目" in real.error
    assert count_entries(db) == len(kb)
    assert db.session.scalar(db.select(FaqCategory)) is None


@pytest.mark.parametrize("file_format", ["jsonl", "csv", "xlsx"])
def test_export_round_trip_is_unchanged(curator_client, db, roles, kb, file_format):
    category = services.save_category(name="住房保障", parent_id=None, actor=roles.curator)
    services.update_entry(kb[0], services.EntryData(
        question=kb[0].question, answer_html='<p>带<strong>身份证</strong>，见<a href="https://example.gov.cn">网站</a>。</p>',
        phrasings=kb[0].phrasing_texts, category_id=category.id, department_id=roles.department_b.id,
        keywords=["=SUM(A1)", "提取"]), actor=roles.curator)
    services.withdraw_entry(kb[5], actor=roles.curator)
    db.session.commit()
    response = curator_client.get("/staff/faq/export", query_string={"format": file_format, "all": "1"})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    content = response.data
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("id", "question", "answer_html") and len(rows) == len(kb) + 1
        # A cell that looks like a formula is stored as text.
        assert any(isinstance(v, str) and v.startswith("'=") for row in rows for v in row)
    elif file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0][0] == "id" and len(rows) == len(kb) + 1
    else:
        records = [json.loads(line) for line in content.decode().splitlines()]
        assert {r["status"] for r in records} == {"published", "withdrawn"}
    upload(curator_client, content, f"export.{file_format}")
    job = db.session.scalar(db.select(FaqImportJob).order_by(FaqImportJob.id.desc()))
    assert job.status is ImportStatus.DONE, job.error
    assert job.report["counts"] == {"new": 0, "updated": 0, "unchanged": len(kb), "invalid": 0}, job.report["rows"]


def test_export_published_only_by_default(curator_client, db, roles, kb):
    services.withdraw_entry(kb[0], actor=roles.curator)
    db.session.commit()
    content = curator_client.get("/staff/faq/export?format=jsonl").data.decode()
    assert len(content.splitlines()) == len(kb) - 1 and kb[0].question not in content


def test_csv_and_xlsx_with_chinese_headers(curator_client, db, kb):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["标准问题", "答案", "相似问法", "状态"])
    writer.writerow(["电动车怎么上牌？", "<p>车管所</p>", "电动车上牌照\n电动自行车登记", "已发布"])
    upload(curator_client, buffer.getvalue().encode("utf-8-sig"), "kb.csv")
    job = db.session.scalar(db.select(FaqImportJob).order_by(FaqImportJob.id.desc()))
    assert job.report["counts"]["new"] == 1
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["question", "answer_html", "status"])
    sheet.append(["人才公寓怎么申请？", "<p>申请</p>", "draft"])
    sheet.append([None, None, None])
    out = io.BytesIO()
    workbook.save(out)
    upload(curator_client, out.getvalue(), "kb.xlsx")
    job = db.session.scalar(db.select(FaqImportJob).order_by(FaqImportJob.id.desc()))
    assert job.report["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "invalid": 0}


@pytest.mark.parametrize("name,content,message", [
    ("kb.txt", b"hello", "只支持"),
    ("kb.csv", b"", "文件是空的"),
    ("kb.csv", "\u95ee\u9898,答案\n".encode("gbk"), "UTF-8"),
    ("kb.csv", b"foo,bar\n1,2\n", "question"),
    ("kb.xlsx", b"PK\x03\x04broken", "Excel"),
])
def test_unreadable_files(curator_client, db, kb, name, content, message):
    response = upload(curator_client, content, name)
    if response.status_code == 302:
        job = db.session.scalar(db.select(FaqImportJob).order_by(FaqImportJob.id.desc()))
        assert job.status is ImportStatus.FAILED and message in job.error
        assert message in curator_client.get(response.headers["Location"]).get_data(as_text=True)
    else:
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count_entries(db) == len(kb)


def test_large_file_runs_in_background_with_progress(curator_client, app, db, kb, monkeypatch):
    app.config["FAQ_IMPORT_SYNC_BYTES"] = 0
    monkeypatch.setattr(importexport, "PROGRESS_EVERY", 10)
    rows = [{"question": f"批量导入的第{n}个问题？", "answer_html": f"<p>答案{n}</p>"} for n in range(35)]
    seen = []
    original = importexport.Planner.plan

    def plan(self, line, row):
        job = db.session.scalar(db.select(FaqImportJob))
        seen.append((job.processed_rows, job.total_rows, job.status))
        return original(self, line, row)

    monkeypatch.setattr(importexport.Planner, "plan", plan)
    response = upload(curator_client, jsonl(rows), "big.jsonl")
    assert response.status_code == 302
    # The web request only queued it; the background worker (scheduler process) runs it.
    job = db.session.scalar(db.select(FaqImportJob))
    assert job.status is ImportStatus.PENDING
    assert "排队中" in curator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert TaskWorker(app, load_tasks()).run_once() == 1
    db.session.expire_all()
    job = db.session.scalar(db.select(FaqImportJob))
    assert job.status is ImportStatus.DONE and job.report["counts"]["new"] == 35
    assert job.processed_rows == job.total_rows == 35 and job.percent == 100
    assert (10, 35, ImportStatus.VALIDATING) in seen and (30, 35, ImportStatus.VALIDATING) in seen
    status = curator_client.get(f"/staff/faq/import/{job.id}/status").get_json()
    assert status == {"status": "done", "processed": 35, "total": 35, "percent": 100, "finished": True}


def test_progress_page_refreshes_while_running(curator_client, db, roles):
    job = FaqImportJob(filename="x.jsonl", file_format="jsonl", stored_key="k", status=ImportStatus.VALIDATING,
                       total_rows=100, processed_rows=40, created_by_id=roles.curator.id)
    db.session.add(job)
    db.session.commit()
    html = curator_client.get(f"/staff/faq/import/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in html and 'value="40"' in html and "40 / 100" in html


def _queued_real_import(curator_client, app, db, rows) -> FaqImportJob:
    """A checked file confirmed for the real import, waiting for the background worker."""
    app.config["FAQ_IMPORT_SYNC_BYTES"] = 0
    upload(curator_client, jsonl(rows), "big.jsonl")
    assert TaskWorker(app, load_tasks()).run_once() == 1  # the dry run
    dry = db.session.scalar(db.select(FaqImportJob))
    curator_client.post(f"/staff/faq/import/{dry.id}/confirm")
    return db.session.scalar(db.select(FaqImportJob).where(FaqImportJob.dry_run.is_(False)))


BATCH_ROWS = [{"question": f"分批导入的第{n}个问题？", "answer_html": f"<p>答案{n}</p>"} for n in range(35)]


def test_real_import_writes_in_short_batches(curator_client, app, db, kb, monkeypatch):
    monkeypatch.setattr(importexport, "APPLY_BATCH", 10)
    job = _queued_real_import(curator_client, app, db, BATCH_ROWS)
    commits = []
    original = importexport.apply_plans

    def apply(plans, **kwargs):
        commits.append((len(plans), count_entries(db)))  # entries visible before this batch
        return original(plans, **kwargs)

    monkeypatch.setattr(importexport, "apply_plans", apply)
    assert importexport.run_next()
    assert commits == [(10, len(kb)), (10, len(kb) + 10), (10, len(kb) + 20), (5, len(kb) + 30)]
    db.session.expire_all()
    assert db.session.get(FaqImportJob, job.id).status is ImportStatus.DONE
    assert count_entries(db) == len(kb) + 35


def test_error_in_a_later_batch_says_what_was_written(curator_client, app, db, kb, monkeypatch):
    monkeypatch.setattr(importexport, "APPLY_BATCH", 10)
    job = _queued_real_import(curator_client, app, db, BATCH_ROWS)
    original = importexport.apply_plans
    calls = []

    def apply(plans, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(plans, **kwargs)

    monkeypatch.setattr(importexport, "apply_plans", apply)
    importexport.run_next()
    db.session.expire_all()
    failed = db.session.get(FaqImportJob, job.id)
    assert failed.status is ImportStatus.FAILED and "已写入 20 条" in failed.error
    assert count_entries(db) == len(kb) + 20


def test_job_of_a_dead_process_is_resumed_and_finishes(curator_client, app, db, kb, monkeypatch):
    monkeypatch.setattr(importexport, "APPLY_BATCH", 10)
    job = _queued_real_import(curator_client, app, db, BATCH_ROWS)
    original = importexport.apply_plans
    calls = []

    def apply_then_die(plans, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("worker killed")  # the process dies: nothing records the failure
        return original(plans, **kwargs)

    monkeypatch.setattr(importexport, "apply_plans", apply_then_die)
    with pytest.raises(SystemExit):
        importexport.run_next()
    db.session.rollback()
    monkeypatch.setattr(importexport, "apply_plans", original)
    stuck = db.session.get(FaqImportJob, job.id)
    assert stuck.status is ImportStatus.APPLYING and count_entries(db) == len(kb) + 20
    # While its heartbeat is fresh nobody touches it ...
    assert not importexport.run_next()
    # ... once it is stale, the worker resumes it: the 20 written rows are now unchanged.
    clock.set_fixed(clock.now() + timedelta(seconds=tasks.STALE_SECONDS + 1))
    assert importexport.run_next()
    db.session.expire_all()
    done = db.session.get(FaqImportJob, job.id)
    assert done.status is ImportStatus.DONE and done.attempts == 2
    assert done.report["counts"] == {"new": 15, "updated": 0, "unchanged": 20, "invalid": 0}
    assert count_entries(db) == len(kb) + 35


def test_job_abandoned_too_often_fails_with_a_message(curator_client, app, db, roles):
    job = FaqImportJob(filename="x.jsonl", file_format="jsonl", stored_key="k", status=ImportStatus.VALIDATING,
                       dry_run=False, attempts=tasks.MAX_ATTEMPTS, created_by_id=roles.curator.id,
                       heartbeat_at=clock.now() - timedelta(seconds=tasks.STALE_SECONDS + 5))
    db.session.add(job)
    db.session.commit()
    assert not importexport.run_next()
    db.session.expire_all()
    assert job.status is ImportStatus.FAILED and "多次意外中断" in job.error
    auth_page = curator_client.get(f"/staff/faq/import/{job.id}").get_data(as_text=True)
    assert "多次意外中断" in auth_page


def test_a_job_is_claimed_by_one_process_only(db, roles):
    job = FaqImportJob(filename="x.jsonl", file_format="jsonl", stored_key="k", created_by_id=roles.curator.id)
    db.session.add(job)
    db.session.commit()
    assert importexport.claim(job.id) == job.id
    assert importexport.claim(job.id) is None and importexport.claim() is None


def test_confirm_clicked_again_starts_no_second_import(curator_client, db, kb):
    upload(curator_client, jsonl(GOOD_ROWS), "kb.jsonl")
    dry = db.session.scalar(db.select(FaqImportJob))
    first = curator_client.post(f"/staff/faq/import/{dry.id}/confirm")
    again = curator_client.post(f"/staff/faq/import/{dry.id}/confirm")  # a double click, or the page kept open
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(FaqImportJob.id)).where(FaqImportJob.dry_run.is_(False))) == 1
    assert count_entries(db) == len(kb) + 2


def test_a_batch_masks_its_rows_before_its_first_write(curator_client, app, db, kb, monkeypatch):
    """The masking of a batch's rows (CPU-heavy) happens before the batch's first write: on
    SQLite a write holds the one writer lock until the commit, and a citizen's letter sent
    meanwhile should wait for the writes only (attack I8)."""
    import sqlalchemy as sa

    monkeypatch.setattr(importexport, "APPLY_BATCH", 10)
    rows = [dict(row, status="published") for row in BATCH_ROWS[:20]]
    _queued_real_import(curator_client, app, db, rows)
    batches: list[list[str]] = []
    original_apply, original_mask = importexport.apply_plans, workflow.mask_for_publication

    def apply(plans, **kwargs):
        batches.append([])
        return original_apply(plans, **kwargs)

    def mask(entry, *args, **kwargs):
        batches[-1].append("mask")
        return original_mask(entry, *args, **kwargs)

    def statement(_conn, _cursor, text, *_args):
        if batches and text.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            batches[-1].append("write")

    monkeypatch.setattr(importexport, "apply_plans", apply)
    monkeypatch.setattr(workflow, "mask_for_publication", mask)
    sa.event.listen(db.engine, "before_cursor_execute", statement)
    try:
        assert importexport.run_next()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statement)
    assert len(batches) == 2
    for events in batches:
        assert events.count("mask") == 10
        assert "write" not in events[:events.index("mask") + 10]  # every mask before the first write
