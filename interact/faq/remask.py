"""The knowledge base's stored masked copies, masked again after the masking rules change
(core.privacy): the logged questions (``faq_ask_logs``, shown on the unanswered list) and
the curators' labelled examples (``faq_curator_examples``) are stored already masked, so a
phone number written in a way the rules learnt later stays in them until they are masked
again. ``flask --app interact letters reindex`` calls this (docs/operations.md)."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core.privacy import mask_text
from interact.extensions import db
from interact.faq.models import AskLog, CuratorExample

#: Distinct texts read at a time.
BATCH = 1000


def _remask_column(column, *, length: int) -> int:
    """Mask every distinct value of ``column`` again (stored normalised: masked as it is,
    cut to ``length``); returns how many rows changed."""
    changed, after = 0, ""
    while True:
        texts = list(db.session.scalars(
            sa.select(column).distinct().where(column > after).order_by(column).limit(BATCH)))
        if not texts:
            return changed
        for text in texts:
            masked = mask_text(text)[:length]
            if masked != text:
                result = db.session.execute(sa.update(column.class_).where(column == text).values({column.key: masked}))
                changed += result.rowcount or 0
        after = texts[-1]


def remask_logged_questions() -> int:
    """Logged questions and curators' examples masked with today's rules: rows changed."""
    return (_remask_column(AskLog.text, length=AskLog.text.type.length)
            + _remask_column(CuratorExample.question, length=CuratorExample.question.type.length))
