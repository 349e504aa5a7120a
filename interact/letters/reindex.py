"""After the masking rules change (core.privacy), what was stored masked is masked again:
``flask --app interact letters reindex``.

Three things were masked once and stored:

* each published letter's public copy (``Letter.masked_*``: what its page, the lists, the
  search results and the API show) and its row in the public search index
  (``letter_search``), made when it was published. The copy names the rules that made it
  (``core.maskversion``); the pages show a copy of other rules as they did before it was
  stored — masked at every view — so they follow new rules at once, and this command
  stores the copy and the index row anew (only for letters whose copy other rules made;
  ``--all`` for every one). Until then a phone number written in a way the rules learnt
  later could still find the letter in search;
* FAQ entries turned from letters (常见问题汇编): their question, answer and phrasings were
  masked at conversion with the letter's names; they are masked again with the letter's
  names of today (an entry's curated wording is otherwise kept: only what the rules hide
  changes, and the change is in the entry's history);
* the knowledge base's logged questions and labelled examples (:mod:`interact.faq.remask`).

Each step works in batches (the command commits after each), is idempotent, and may run
while the site serves.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from interact.core import audit, privacy
from interact.core.maskversion import VERSION as MASK_RULES
from interact.extensions import db
from interact.faq import index as faq_index
from interact.faq import workflow as faq_workflow
from interact.faq.models import FaqEntry
from interact.faq.remask import remask_logged_questions
from interact.letters import search, workflow
from interact.letters.models import Letter

audit.register_actions({"privacy.remasked": "按新规则重新隐去个人信息"}, targets={"privacy": "个人信息隐去"})

#: Letters (or entries) handled per batch.
BATCH = 200


@dataclass
class ReindexReport:
    letters_indexed: int = 0
    letters_unindexed: int = 0
    faq_entries_remasked: int = 0
    questions_remasked: int = 0

    @property
    def message(self) -> str:
        return (f"已重建公开来信检索索引 {self.letters_indexed} 件（移除未公开 {self.letters_unindexed} 件），"
                f"重新隐去来信转化的知识库条目 {self.faq_entries_remasked} 条、提问记录 {self.questions_remasked} 条。")


def _indexed_ids(after: int, limit: int) -> list[int]:
    key = "rowid" if db.session.get_bind().dialect.name == "sqlite" else "letter_id"
    return [row[0] for row in db.session.execute(
        sa.text(f"SELECT {key} FROM {search.TABLE} WHERE {key} > :after ORDER BY {key} LIMIT :limit"),
        {"after": after, "limit": limit})]


def reindex_letters(after: int = 0, limit: int = BATCH, *, everything: bool = False) -> tuple[int, int | None]:
    """Mask again, with today's rules, the published letters with an id above ``after``
    whose public copy other rules made (or none was stored; every one with
    ``everything``): their public copy and search index row (``workflow.store_public_texts``).
    ``(letters indexed, last id looked at or None when done)``; at most ``limit`` letters
    are looked at."""
    ids = list(db.session.execute(
        sa.select(Letter.id, Letter.masked_rules).where(Letter.published.is_(True), Letter.id > after)
        .order_by(Letter.id).limit(limit)))
    stale = [row.id for row in ids if everything or row.masked_rules != MASK_RULES]
    letters = db.session.scalars(sa.select(Letter).where(Letter.id.in_(stale)).order_by(Letter.id)) if stale else []
    for letter in letters:
        workflow.store_public_texts(letter)
    db.session.flush()
    return len(stale), (ids[-1].id if len(ids) == limit else None)


def unindex_unpublished(after: int = 0, limit: int = BATCH) -> tuple[int, int | None]:
    """Take out of the index rows of letters that are not published (any left behind):
    ``(rows removed, last id looked at or None when done)``."""
    ids = _indexed_ids(after, limit)
    if not ids:
        return 0, None
    published = set(db.session.scalars(sa.select(Letter.id).where(Letter.id.in_(ids), Letter.published.is_(True))))
    stale = [i for i in ids if i not in published]
    for letter_id in stale:
        search.unindex_letter(db.session, letter_id)
    return len(stale), (ids[-1] if len(ids) == limit else None)


def remask_faq_entries(after: int = 0, limit: int = BATCH) -> tuple[int, int | None]:
    """Mask again the entries turned from letters (with their letter's names) and every
    published entry (question, answer, phrasings): ``(entries changed, last entry id or
    None when done)``."""
    entries = list(db.session.scalars(
        sa.select(FaqEntry).where(sa.or_(FaqEntry.source_letter_id.is_not(None),
                                         FaqEntry.is_published), FaqEntry.id > after)
        .order_by(FaqEntry.id).limit(limit)))
    letters = {letter.id: letter for letter in db.session.scalars(
        sa.select(Letter).where(Letter.id.in_({e.source_letter_id for e in entries})))}
    changed = 0
    for entry in entries:
        letter = letters.get(entry.source_letter_id)
        names = letter.public_names if letter is not None else ()
        before = faq_workflow.snapshot(entry)
        hidden = faq_workflow.mask_for_publication(entry, names)
        if not hidden:
            continue
        entry.revision += 1
        db.session.flush()
        faq_workflow.record(entry, "updated", None, before,
                            f"按新的个人信息隐去规则重新隐去：{privacy.summarize(hidden)}")
        if entry.is_published:
            faq_index.changed()
        changed += 1
    return changed, (entries[-1].id if len(entries) == limit else None)


def record_run(report: ReindexReport) -> None:
    audit.record("privacy.remasked", "privacy", None, note=report.message,
                 data={"letters_indexed": report.letters_indexed, "letters_unindexed": report.letters_unindexed,
                       "faq_entries": report.faq_entries_remasked, "questions": report.questions_remasked})
