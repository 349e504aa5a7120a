"""CSV and XLSX exports of opinions and questionnaire responses (owner department only).

Cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
or a tab / carriage return) are prefixed with an apostrophe, so citizen text can never run
as a formula when the file is opened.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from interact.core import clock
from interact.extensions import db
from interact.questionnaires import services as questionnaires
from interact.surveys.models import Collection, Opinion

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value ready for a spreadsheet: local times as text, formula-like strings neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return clock.to_local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def opinions_table(collection: Collection) -> tuple[list[str], list[list]]:
    header = ["意见编号", "提交时间", "渠道", "姓名", "手机号", "意见内容", "审核状态", "敏感词", "采纳情况", "理由"]
    opinions = db.session.scalars(
        db.select(Opinion).where(Opinion.collection_id == collection.id).order_by(Opinion.submitted_at, Opinion.id)
    )
    rows = [
        [o.id, o.submitted_at, o.channel, o.name, o.phone, o.content, o.moderation_label,
         "、".join(o.flagged_words or []), o.adoption_label, o.adoption_reason]
        for o in opinions
    ]
    return header, rows


def responses_table(collection: Collection) -> tuple[list[str], list[list]]:
    if collection.questionnaire is None:
        return ["答卷编号"], []
    return questionnaires.responses_for_export(collection.questionnaire)


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], rows: list[list], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, len(str(name)) * 2 + 2))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
