"""Import and export of the knowledge base as JSONL, CSV and XLSX.

One row per entry with the fields of :data:`FIELDS`::

    id           existing entry number (optional; without it rows match by standard question)
    question     standard question (required)
    answer_html  answer, HTML (sanitised on import)
    phrasings    similar phrasings: a JSON list, or one per line in CSV/XLSX cells
    category     category path, e.g. "社会保障 / 社保卡" (missing categories are created)
    department   department code (e.g. GJJ) or full name
    keywords     space- or comma-separated (a list in JSONL)
    status       draft / published / withdrawn (or 草稿 / 已发布 / 已撤下); default draft
    review_by    YYYY-MM-DD or empty

CSV and XLSX headers may also be the Chinese column names of :data:`HEADER_ALIASES`.

An import always runs as a job (:class:`~interact.faq.models.FaqImportJob`): the file is
read and every row checked first (new / updated / unchanged / invalid, with reasons); a dry
run stops there; a real import writes nothing if any row is invalid, and otherwise writes
the rows in batches of :data:`APPLY_BATCH`, one short transaction each, so no write
transaction is held for long. Small files run inside the request; large ones wait in the
table for the background worker of the scheduler process (:data:`TASKS`,
``interact.core.tasks``), and the job page shows their progress. A job whose process died
is resumed: checking again finds the rows already written unchanged, so only the rest is
written. :func:`run_job` owns its transactions (it commits its progress), like a
scheduled job.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from interact.core import atomic, audit, clock, tasks
from interact.core.errors import DomainError, InvalidInput
from interact.core.storage import get_store
from interact.core.spreadsheets import FORMULA_START, csv_bytes, safe_cell
from interact.core.textnorm import match_text
from interact.departments.models import Department
from interact.extensions import db
from interact.faq import index, services, workflow
from interact.faq.models import FaqCategory, FaqEntry, FaqImportJob, FaqStatus, ImportStatus

log = logging.getLogger(__name__)

FIELDS = ("id", "question", "answer_html", "phrasings", "category", "department", "keywords", "status", "review_by")
HEADER_ALIASES = {
    "编号": "id", "标准问题": "question", "问题": "question", "答案": "answer_html", "相似问法": "phrasings",
    "分类": "category", "部门": "department", "责任部门": "department", "关键词": "keywords", "状态": "status",
    "复核日期": "review_by",
}
STATUS_ALIASES = {
    "draft": FaqStatus.DRAFT, "published": FaqStatus.PUBLISHED, "withdrawn": FaqStatus.WITHDRAWN,
    "草稿": FaqStatus.DRAFT, "已发布": FaqStatus.PUBLISHED, "发布": FaqStatus.PUBLISHED,
    "已撤下": FaqStatus.WITHDRAWN, "撤下": FaqStatus.WITHDRAWN,
}
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
MEDIA_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Progress is committed every this many rows.
PROGRESS_EVERY = 200
#: Rows written per transaction in a real import.
APPLY_BATCH = 200
#: Rows read between two heartbeats while reading a large file.
HEARTBEAT_EVERY = 2000
#: Rows listed in a report (all counts are always complete).
REPORT_ROWS = 1000
MAX_ROWS = 200_000


class FileProblem(DomainError):
    """The file as a whole cannot be read (not a row problem)."""

    status_code = 422


# ----------------------------------------------------------------------------- export


def _uncell(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def export_records(*, include_all: bool = False) -> list[dict[str, Any]]:
    stmt = db.select(FaqEntry).options(selectinload(FaqEntry.phrasings)).order_by(FaqEntry.id)
    if not include_all:
        stmt = stmt.where(FaqEntry.status == FaqStatus.PUBLISHED)
    records = []
    for entry in db.session.scalars(stmt):
        records.append({
            "id": entry.id,
            "question": entry.question,
            "answer_html": entry.answer_html,
            "phrasings": entry.phrasing_texts,
            "category": entry.category.path if entry.category else "",
            "department": entry.department.code if entry.department else "",
            "keywords": entry.keyword_list,
            "status": entry.status.value,
            "review_by": entry.review_by.isoformat() if entry.review_by else "",
        })
    return records


def _flat(record: dict[str, Any]) -> list[Any]:
    row: list[Any] = []
    for name in FIELDS:
        value = record[name]
        if name == "phrasings":
            value = "\n".join(value)
        elif name == "keywords":
            value = " ".join(value)
        row.append(value if isinstance(value, int) else safe_cell(str(value)))
    return row


def export_bytes(file_format: str, *, include_all: bool = False) -> bytes:
    """The knowledge base as a JSONL, CSV or XLSX file."""
    records = export_records(include_all=include_all)
    if file_format == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    if file_format == "csv":
        return csv_bytes([FIELDS, *(_flat(record) for record in records)])
    if file_format == "xlsx":
        from openpyxl import Workbook  # here, not at import: ~8 MB a web worker need not carry

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("常见问题")
        sheet.append(list(FIELDS))
        for record in records:
            sheet.append(_flat(record))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise InvalidInput("不支持的导出格式。")


# ----------------------------------------------------------------------------- reading


def detect_format(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput("只支持 .jsonl、.csv 和 .xlsx 文件。", fields={"file": "文件类型不支持"})
    return FORMATS[suffix]


def _header(names: list[Any]) -> list[str | None]:
    out: list[str | None] = []
    for name in names:
        key = str(name or "").strip().lstrip("\ufeff")
        key = HEADER_ALIASES.get(key, key.lower())
        out.append(key if key in FIELDS else None)
    if "question" not in out:
        raise FileProblem("第一行必须是列名，且包含 question（标准问题）列。")
    return out


def read_rows(path: Path, file_format: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Yield ``(line, row)`` or ``(line, problem)`` for every data row of the file.

    :raises FileProblem: when the file as a whole cannot be read.
    """
    if file_format == "jsonl":
        try:
            with open(path, encoding="utf-8-sig") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        value = json.loads(line)
                    except ValueError:
                        yield number, "不是有效的 JSON"
                        continue
                    yield (number, value) if isinstance(value, dict) else (number, "每行必须是一个 JSON 对象")
        except UnicodeDecodeError:
            raise FileProblem("文件不是 UTF-8 编码。") from None
    elif file_format == "csv":
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                try:
                    header = _header(next(reader))
                except StopIteration:
                    raise FileProblem("文件是空的。") from None
                for values in reader:
                    if not any(v.strip() for v in values):
                        continue
                    row = {k: _uncell(v) for k, v in zip(header, values) if k}
                    yield reader.line_num, row
        except UnicodeDecodeError:
            raise FileProblem("CSV 文件必须是 UTF-8 编码（Excel 中另存为“CSV UTF-8”）。") from None
        except csv.Error as error:
            raise FileProblem(f"CSV 格式有误：{error}") from None
    elif file_format == "xlsx":
        from openpyxl import load_workbook

        handle = open(path, "rb")  # a file object: openpyxl would judge a path by its suffix
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # openpyxl raises zipfile, KeyError, ValueError … for damaged files
            handle.close()
            raise FileProblem("无法读取该 Excel 文件，请确认是 .xlsx 格式。") from None
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            try:
                header = _header(list(next(rows)))
            except StopIteration:
                raise FileProblem("工作表是空的。") from None
            for number, values in enumerate(rows, start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                row = {}
                for key, value in zip(header, values):
                    if key:
                        if isinstance(value, str):
                            value = _uncell(value)
                        elif hasattr(value, "date") and key == "review_by":
                            value = value.date().isoformat()
                        row[key] = value
                yield number, row
        finally:
            workbook.close()
            handle.close()
    else:
        raise FileProblem("不支持的文件格式。")


# ----------------------------------------------------------------------------- planning


@dataclass
class RowPlan:
    line: int
    outcome: str  # new / updated / unchanged / invalid
    question: str = ""
    reasons: list[str] = field(default_factory=list)
    entry_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    status: FaqStatus = FaqStatus.DRAFT
    category_path: str = ""
    changes: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _list(value: Any, *, lines: bool) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value if _text(v)]
    text = _text(value)
    return services.split_lines(text) if lines else services.split_terms(text)


class Planner:
    """Checks rows one by one against the database and the rows before them."""

    def __init__(self) -> None:
        self.seen_keys: dict[str, int] = {}
        self.seen_ids: dict[int, int] = {}
        self.departments = {d.code.upper(): d.id for d in db.session.scalars(db.select(Department))}
        self.departments.update({d.name: d.id for d in db.session.scalars(db.select(Department))})
        self.category_ids: dict[str, int | None] = {}
        self.new_categories: set[str] = set()

    def _category(self, path: str) -> tuple[int | None, bool]:
        """(id, exists) of a category path."""
        key = " / ".join(p.strip() for p in path.split("/") if p.strip())
        if not key:
            return None, True
        if key not in self.category_ids:
            category = services.category_by_path(key)
            self.category_ids[key] = category.id if category else None
        found = self.category_ids[key]
        return found, found is not None

    def plan(self, line: int, row: dict[str, Any] | str) -> RowPlan:
        if isinstance(row, str):
            return RowPlan(line, "invalid", reasons=[row])
        plan = RowPlan(line, "invalid", question=_text(row.get("question"))[:200])
        reasons = plan.reasons
        entry: FaqEntry | None = None
        raw_id = _text(row.get("id"))
        if raw_id:
            if not raw_id.isdecimal():
                reasons.append("编号必须是正整数")
            else:
                entry = db.session.get(FaqEntry, int(raw_id))
                if entry is None:
                    reasons.append(f"编号 {raw_id} 的条目不存在（新条目请留空编号）")
                elif entry.id in self.seen_ids:
                    reasons.append(f"与第 {self.seen_ids[entry.id]} 行的编号重复")
        status_text = _text(row.get("status")).lower() or "draft"
        status = STATUS_ALIASES.get(status_text)
        if status is None:
            reasons.append(f"状态“{status_text[:20]}”无效（应为 draft/published/withdrawn）")
        review_by = None
        review_text = _text(row.get("review_by"))[:10]
        if review_text:
            try:
                review_by = date.fromisoformat(review_text)
            except ValueError:
                reasons.append(f"复核日期“{review_text}”不是 YYYY-MM-DD 格式")
        department_id = None
        department_text = _text(row.get("department"))
        if department_text:
            department_id = self.departments.get(department_text.upper()) or self.departments.get(department_text)
            if department_id is None:
                reasons.append(f"部门“{department_text[:30]}”不存在")
        category_path = _text(row.get("category"))
        category_id, category_exists = self._category(category_path)
        if category_path and any(len(p.strip()) > 40 for p in category_path.split("/")):
            reasons.append("分类名称不能超过 40 个字")
        key = match_text(plan.question)
        if entry is None and key and not raw_id:
            entry = workflow.entry_with_question(key)
        live = status is not FaqStatus.WITHDRAWN
        if live and key in self.seen_keys:
            reasons.append(f"与第 {self.seen_keys[key]} 行的标准问题重复")
        data = services.EntryData(
            question=_text(row.get("question")),
            answer_html=_text(row.get("answer_html")),
            phrasings=_list(row.get("phrasings"), lines=True),
            category_id=category_id,
            department_id=department_id,
            keywords=_list(row.get("keywords"), lines=False),
            review_by=review_by,
        )
        try:
            values = services._validated(data, entry, check_duplicate=live)
        except DomainError as error:
            reasons.append(error.message)
            values = {}
        if entry is not None and entry.merged_into_id and status is not FaqStatus.WITHDRAWN:
            reasons.append(f"条目 #{entry.id} 已合并到 #{entry.merged_into_id}，只能保持撤下")
        if reasons:
            return plan
        assert status is not None
        if key and live:
            self.seen_keys[key] = line
        if entry is not None:
            self.seen_ids[entry.id] = line
        if category_path and not category_exists:
            self.new_categories.add(category_path)
        plan.values, plan.status, plan.category_path, plan.entry_id = values, status, category_path, (
            entry.id if entry else None
        )
        if entry is None:
            plan.outcome = "new"
            return plan
        before = services.snapshot(entry)
        after = dict(before)
        after.update(
            question=values["question"], answer_html=values["answer_html"],
            category_id=values["category_id"] if category_exists else -1,
            department_id=values["department_id"], keywords=values["keywords"], status=status.value,
            review_by=review_by.isoformat() if review_by else None,
        )
        if sorted(match_text(p) for p in values["phrasings"]) != sorted(match_text(p) for p in before["phrasings"]):
            after["phrasings"] = values["phrasings"]
        plan.changes = [name for name in after if after[name] != before[name]]
        plan.outcome = "updated" if plan.changes else "unchanged"
        return plan


CHANGE_LABELS = {
    "question": "标准问题", "answer_html": "答案", "phrasings": "相似问法", "category_id": "分类",
    "department_id": "部门", "keywords": "关键词", "status": "状态", "review_by": "复核日期",
}


def summarise(plans: list[RowPlan], new_categories: set[str]) -> dict[str, Any]:
    counts = {"new": 0, "updated": 0, "unchanged": 0, "invalid": 0}
    rows = []
    for plan in plans:
        counts[plan.outcome] += 1
        if plan.outcome != "unchanged" and len(rows) < REPORT_ROWS:
            reasons = plan.reasons or (
                ["修改：" + "、".join(CHANGE_LABELS[c] for c in plan.changes)] if plan.changes else []
            )
            rows.append({"line": plan.line, "outcome": plan.outcome, "question": plan.question,
                         "entry_id": plan.entry_id, "reasons": reasons})
    # Invalid rows first so that they are never cut off by the listing limit.
    rows.sort(key=lambda r: (r["outcome"] != "invalid", r["line"]))
    return {"counts": counts, "rows": rows, "new_categories": sorted(new_categories), "applied": False}


# ----------------------------------------------------------------------------- applying


def _ensure_category(path: str, cache: dict[str, int]) -> int | None:
    names = [p.strip() for p in path.split("/") if p.strip()]
    if not names:
        return None
    parent_id = None
    built = []
    for name in names:
        built.append(name)
        key = " / ".join(built)
        if key not in cache:
            category = services.category_by_path(key)
            if category is None:
                category = FaqCategory(name=name, parent_id=parent_id)
                db.session.add(category)
                db.session.flush()
            cache[key] = category.id
        parent_id = cache[key]
    return parent_id


def apply_plans(plans: list[RowPlan], *, actor, job_id: int) -> int:
    """Write the planned rows (the caller commits). Returns the number of changed entries."""
    categories: dict[str, int] = {}
    now = clock.now()
    applied = []
    # Every row is prepared and masked (the CPU-heavy part) before the batch's first write:
    # on SQLite a write holds the one writer lock until the commit, so a citizen's letter
    # sent meanwhile waits for the writes only, not for 200 rows' masking (attack I8).
    with db.session.no_autoflush:
        for plan in plans:
            if plan.outcome not in ("new", "updated"):
                continue
            values = dict(plan.values)
            if plan.category_path:
                values["category_id"] = _ensure_category(plan.category_path, categories)
            if plan.entry_id is None:
                entry = FaqEntry(status=plan.status, created_by_id=audit.actor_id(actor), revision=1)
                before = None
            else:
                entry = db.session.get(FaqEntry, plan.entry_id)
                before = services.snapshot(entry)
                entry.revision += 1
            services._apply(entry, values)
            if entry.status is not plan.status or before is None:
                entry.status = plan.status
                if plan.status is FaqStatus.PUBLISHED:
                    entry.published_at, entry.withdrawn_at = now, None
                elif plan.status is FaqStatus.WITHDRAWN:
                    entry.withdrawn_at = now
            hidden = workflow.mask_for_publication(entry) if entry.status is FaqStatus.PUBLISHED else []
            applied.append((plan, entry, before, hidden))
    db.session.add_all(entry for _plan, entry, before, _hidden in applied if before is None)
    db.session.flush()
    for plan, entry, before, hidden in applied:
        workflow.record(entry, "imported", actor, before, "；".join(
            n for n in (f"导入任务 #{job_id} 第 {plan.line} 行", workflow.hidden_note(hidden, "导入时")) if n))
    if applied:
        index.changed()
    return len(applied)


# ----------------------------------------------------------------------------- jobs


def stored_name(job: FaqImportJob) -> str:
    """The import file's key in the upload store (shared by web workers and the scheduler)."""
    return f"faq_imports/{job.stored_key}"


def start_job(upload: FileStorage | None, *, actor, form_token: str | None = None) -> FaqImportJob:
    """Store an uploaded file and create its dry-run job (the caller commits and runs it).

    :param form_token: the 上传并预检 form's one-time token: the form sent several times (a
        double click, also at the same instant) makes one dry run, and a copy gets the job
        the first one made (:func:`interact.core.atomic.create_once`); its file is not kept.
    """
    services.ensure_citywide(actor)
    if upload is None or not upload.filename:
        raise InvalidInput("请选择要导入的文件。", fields={"file": "请选择文件"})
    file_format = detect_format(upload.filename)
    max_bytes = int(current_app.config.get("FAQ_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
    handle, tmp_name = tempfile.mkstemp(prefix="interact-import-")
    tmp = Path(tmp_name)
    try:
        size = 0
        with os.fdopen(handle, "wb") as out:
            while chunk := upload.stream.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise InvalidInput(f"文件超过 {max_bytes // (1024 * 1024)} MB。", fields={"file": "文件过大"})
                out.write(chunk)
        if size == 0:
            raise InvalidInput("文件是空的。", fields={"file": "文件是空的"})
        key = secrets.token_hex(16)
        get_store().put(f"faq_imports/{key}", tmp)  # before the insert: no write waits on the copy
    finally:
        tmp.unlink(missing_ok=True)
    created = False
    try:
        job, created = atomic.create_once(FaqImportJob, atomic.form_token(form_token), actor, lambda token: FaqImportJob(
            filename=Path(upload.filename.replace("\\", "/")).name[:200] or "import",
            file_format=file_format,
            stored_key=key,
            dry_run=True,
            created_by_id=actor.id,
            form_token=token,
        ))
    finally:
        if not created:  # a copy of the form (or another user's token): its file is not kept
            get_store().delete(f"faq_imports/{key}")
    if not created:
        return job
    audit.record("faq.import_checked", "faq_import", job.id, actor=actor, note=job.filename)
    return job


def confirm_job(dry_job: FaqImportJob, *, actor) -> FaqImportJob:
    """The real import of a checked file (re-checked, then all rows or none)."""
    services.ensure_citywide(actor)
    if not dry_job.dry_run or dry_job.status is not ImportStatus.DONE:
        raise InvalidInput("请先完成预检。")
    if (dry_job.report or {}).get("counts", {}).get("invalid"):
        raise InvalidInput("文件中有无效的行，请修改后重新上传。")
    if not get_store().exists(stored_name(dry_job)):
        raise InvalidInput("上传的文件已不存在，请重新上传。")
    # 确认导入 clicked again, or twice at once: the copies look one after the other and
    # land on the import the first one started (one import of a checked file; one that
    # failed may be started again).
    atomic.serialize("faq.import.confirm")
    started = db.session.scalar(sa.select(FaqImportJob).where(
        FaqImportJob.stored_key == dry_job.stored_key, FaqImportJob.dry_run.is_(False),
        FaqImportJob.status != ImportStatus.FAILED).order_by(FaqImportJob.id).limit(1))
    if started is not None:
        return started
    job = FaqImportJob(filename=dry_job.filename, file_format=dry_job.file_format, stored_key=dry_job.stored_key,
                       dry_run=False, created_by_id=actor.id)
    db.session.add(job)
    db.session.flush()
    audit.record("faq.import_started", "faq_import", job.id, actor=actor, note=job.filename)
    return job


def file_size(job: FaqImportJob) -> int:
    return get_store().size(stored_name(job)) or 0


def _commit_progress(job: FaqImportJob) -> None:
    """Commit what the job did so far, with a heartbeat (the job's process is alive)."""
    job.heartbeat_at = clock.now()
    db.session.commit()


def run_job(job_id: int) -> FaqImportJob:
    """Check (and for a real import, apply) a job's file, committing progress as it goes.

    The caller has claimed the job (:func:`claim`).
    """
    from interact.accounts.models import User

    job = db.session.get(FaqImportJob, job_id)
    if job is None or job.finished:
        return job
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    job.status = ImportStatus.VALIDATING
    job.processed_rows = 0
    _commit_progress(job)
    written = 0
    try:
        rows = []
        try:
            with get_store().local_copy(stored_name(job)) as path:
                for item in read_rows(path, job.file_format):
                    rows.append(item)
                    if len(rows) > MAX_ROWS:
                        raise FileProblem(f"一次最多导入 {MAX_ROWS} 行，请拆分文件。")
                    if len(rows) % HEARTBEAT_EVERY == 0:
                        _commit_progress(job)
        except FileNotFoundError:
            raise FileProblem("上传的文件已不存在，请重新上传。") from None
        job.total_rows = len(rows)
        _commit_progress(job)
        planner = Planner()
        plans = []
        for number, (line, row) in enumerate(rows, start=1):
            plans.append(planner.plan(line, row))
            if number % PROGRESS_EVERY == 0:
                job.processed_rows = number
                _commit_progress(job)
        report = summarise(plans, planner.new_categories)
        job.processed_rows = len(rows)
        if job.dry_run or report["counts"]["invalid"] or not rows:
            job.report = report
            job.status = ImportStatus.DONE
            job.finished_at = clock.now()
            db.session.commit()
            return job
        job.status = ImportStatus.APPLYING
        job.processed_rows = 0
        _commit_progress(job)
        writes = [plan for plan in plans if plan.outcome in ("new", "updated")]
        for start in range(0, len(writes), APPLY_BATCH):
            written += apply_plans(writes[start:start + APPLY_BATCH], actor=actor, job_id=job.id)
            job.processed_rows = min(len(rows), round(len(rows) * (start + APPLY_BATCH) / len(writes)))
            _commit_progress(job)
        report["applied"] = True
        report["changed"] = written
        job.report = report
        job.status = ImportStatus.DONE
        job.processed_rows = len(rows)
        job.finished_at = clock.now()
        audit.record("faq.imported", "faq_import", job.id, actor=actor,
                     note=f"新增 {report['counts']['new']}，更新 {report['counts']['updated']}")
        db.session.commit()
        return job
    except FileProblem as problem:
        db.session.rollback()
        return _fail(job_id, problem.message)
    except Exception:
        log.exception("FAQ import job %s failed", job_id)
        db.session.rollback()
        if written:
            return _fail(job_id, f"导入时发生错误：已写入 {written} 条，其余未写入。请检查文件后重新导入，"
                                 "已写入的行会显示为“不变”。")
        return _fail(job_id, "导入时发生错误，没有写入任何条目。请检查文件后重试。")


def _fail(job_id: int, message: str) -> FaqImportJob:
    job = db.session.get(FaqImportJob, job_id)
    job.status = ImportStatus.FAILED
    job.error = message[:500]
    job.finished_at = clock.now()
    db.session.commit()
    return job


def should_run_in_background(job: FaqImportJob) -> bool:
    return file_size(job) > int(current_app.config.get("FAQ_IMPORT_SYNC_BYTES", 256 * 1024))


ABANDONED_MESSAGE = ("导入进程多次意外中断，已停止。已写入的条目会保留；请重新上传文件导入，"
                     "已写入的行会显示为“不变”。")


#: The import jobs for the background worker (claim and recovery: ``interact.core.tasks``).
QUEUE = tasks.JobQueue(
    FaqImportJob, waiting=ImportStatus.PENDING, claimed=ImportStatus.VALIDATING,
    running=(ImportStatus.VALIDATING, ImportStatus.APPLYING), failed=ImportStatus.FAILED,
    message_column="error", abandoned_message=ABANDONED_MESSAGE)


def recover_abandoned() -> None:
    """Jobs whose process died (no heartbeat for ``tasks.STALE_SECONDS``): back to the
    queue to be resumed, or failed with a message after ``tasks.MAX_ATTEMPTS`` runs."""
    tasks.recover_abandoned(QUEUE)


def claim(job_id: int | None = None) -> int | None:
    """Take a waiting job (this one, or the oldest) for this process; ``None`` if another
    process has it or nothing waits. A conditional update, so exactly one process wins."""
    return tasks.claim(QUEUE, job_id)


def run_next() -> bool:
    """The background worker's task: resume or fail abandoned jobs, then run one waiting job."""
    recover_abandoned()
    job_id = claim()
    if job_id is None:
        return False
    run_job(job_id)
    return True


#: Claim-and-run functions for the background worker (``interact.core.tasks``).
TASKS = [run_next]


def job_counts_text(report: dict[str, Any] | None) -> str:
    counts = (report or {}).get("counts") or {}
    return "新增 {new} 条，更新 {updated} 条，未变 {unchanged} 条，无效 {invalid} 行".format(
        **{k: counts.get(k, 0) for k in ("new", "updated", "unchanged", "invalid")}
    )
