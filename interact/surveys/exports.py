"""CSV and XLSX exports of opinions and questionnaire responses (owner department only).

Cells go through :func:`interact.core.spreadsheets.safe_cell`, so citizen text can never
run as a formula when the file is opened.
"""
from __future__ import annotations

from interact.core.spreadsheets import Sheet, csv_bytes, xlsx_bytes
from interact.extensions import db
from interact.questionnaires import services as questionnaires
from interact.surveys.models import Collection, Opinion

def opinions_table(collection: Collection) -> tuple[list[str], list[list]]:
    header = ["意见编号", "提交时间", "渠道", "姓名", "手机号", "意见内容", "审核状态", "敏感词", "采纳情况", "理由"]
    opinions = db.session.scalars(
        db.select(Opinion).where(Opinion.collection_id == collection.id).order_by(Opinion.submitted_at, Opinion.id)
    )
    rows = [
        [o.id, o.submitted_at, o.channel_label, o.name, o.phone, o.content, o.moderation_label,
         "、".join(o.flagged_words or []), o.adoption_label, o.adoption_reason]
        for o in opinions
    ]
    return header, rows


def responses_table(collection: Collection) -> tuple[list[str], list[list]]:
    if collection.questionnaire is None:
        return ["答卷编号"], []
    return questionnaires.responses_for_export(collection.questionnaire)


def to_csv(header: list[str], rows: list[list]) -> bytes:
    return csv_bytes([header, *rows])


def to_xlsx(header: list[str], rows: list[list], title: str) -> bytes:
    widths = {index: min(60, max(10, len(str(name)) * 2 + 2)) for index, name in enumerate(header, start=1)}
    return xlsx_bytes([Sheet(title, [header, *rows], widths=widths)])
