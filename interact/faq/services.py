"""Knowledge-base rules: curating entries, categories and synonyms, asking, voting, and
the curation loop over the ask log.

Who may curate:

- ``office`` and ``admin``, and a ``curator`` without a department, curate every entry and
  edit the shared tables (categories, synonyms, import);
- a ``curator`` bound to a department curates the entries of that department only;
- :func:`create_draft_entry` (answered letter → draft entry) is also open to the handler
  of the letter's department.

Services flush but never commit; every change records an audit event and a
:class:`~interact.faq.models.FaqRevision`, and calls :func:`interact.faq.index.changed`
when matching is affected.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import threading
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable

import numpy as np
import sqlalchemy as sa
from flask import current_app
from rapidfuzz import fuzz, process
from sqlalchemy.orm import joinedload, selectinload

from interact.core import atomic, audit, clock, deferred, edits, pagecache
from interact.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from interact.core.lookup import get_or_404
from interact.core.paging import ListPage
from interact.core.permissions import has_role, scope
from interact.core.privacy import mask_text
from interact.core.sanitize import clean_html, text_to_html
from interact.core.textnorm import match_text, normalize
from interact.departments.models import Department
from interact.extensions import db
from interact.faq import index, learning, workflow
from interact.faq.matching import GOOD_BAND, MAX_QUERY_CHARS, SAME_MEANING_COSINE, band, offer_order
from interact.faq.models import (
    AskLog,
    ExampleKind,
    FaqCategory,
    FaqEntry,
    FaqPhrasing,
    FaqRevision,
    FaqStatus,
    SynonymGroup,
)
from interact.faq.workflow import (  # noqa: F401  (the curation rules live in the workflow)
    CURATOR_ROLES,
    can_curate,
    curator_scope,
    ensure_curator,
    ensure_entry_scope,
    is_citywide_curator,
    snapshot,
)

audit.register_actions({
    "faq.created": "新建常见问题", "faq.updated": "修改常见问题", "faq.published": "发布常见问题",
    "faq.withdrawn": "撤下常见问题", "faq.discarded": "放弃常见问题草稿", "faq.merged": "合并常见问题", "faq.merged_away": "常见问题被合并",
    "faq.phrasing_added": "添加相似问法", "faq.imported": "导入常见问题", "faq.import_checked": "检查导入文件",
    "faq.import_started": "开始导入", "faq.category_created": "新建分类", "faq.category_updated": "修改分类", "faq.category_deleted": "删除分类",
    "faq.synonyms_created": "新建同义词组", "faq.synonyms_updated": "修改同义词组", "faq.synonyms_deleted": "删除同义词组",
    "faq.questions_dismissed": "忽略未命中问题", "faq.questions_no_answer": "未命中问题标为不应给出答案",
}, targets={"faq_entry": "常见问题", "faq_category": "常见问题分类", "faq_import": "常见问题导入",
            "faq_synonym_group": "同义词组", "faq_ask_log": "未命中问题"})

MAX_QUESTION = 200
MAX_PHRASINGS = 50
MAX_KEYWORDS = 20
MAX_SYNONYM_TERMS = 20
#: Confidence is the engine's calibrated probability that the answer is right; the bands
#: are probability ranges (``matching.band``). Answered questions below the 较高 band still
#: appear in the curation loop.
BAND_LABELS = {"high": "匹配度高", "good": "匹配度较高", "fair": "匹配度一般", None: "匹配度低"}
#: Related questions need at least this share of the answer threshold as their score;
#: when there is no answer, entries the engine calls topical (the question mentions what
#: they are about) are offered too.
RELATED_SHARE = 0.5
#: Two questions of the unanswered list share a group (whose buttons act on all of them) only
#: when they mean the same: the cosine of their sentence embeddings reaches CLUSTER_SEMANTIC
#: (the semantic engine), else -- without the ``semantic`` extra -- the text similarity
#: (rapidfuzz ratio on the normalised text without question words, see :func:`cluster_key`)
#: reaches CLUSTER_SIMILARITY.  Measured on dev pairs of known meaning (bench/faq_grouping.py:
#: paraphrases with their gold question, hard negatives with the entry ranked first for them),
#: the earlier rule (similarity 65) grouped 78 % of the same-meaning pairs and 59 % of the
#: different ones; cosine 0.85 groups 85 % and 40 %, similarity 80 groups 53 % and 34 %
#: (attack G11: 不动产登记收费标准 / 办理不动产登记要准备什么 had similarity 75, cosine 0.44).
CLUSTER_SEMANTIC = SAME_MEANING_COSINE
CLUSTER_SIMILARITY = 80.0
#: Question and function words that say nothing about the topic; removed before grouping
#: so that 身份证丢了怎么补办 and 社保卡丢了怎么补办 stay apart.
_FILLER = sorted(
    "请问 在哪里 怎么办 怎么 怎样 如何 咋办 咋 什么 哪里 哪儿 在哪 哪些 哪个 多少 可以 能不能 能否 是否 可不可以 "
    "需要 要 吗 呢 吧 啊 呀 了 的 得 我 我们 你 你们 您 是 有 想 问 一下 办理 办".split(),
    key=len, reverse=True,
)
_FILLER_RE = re.compile("|".join(map(re.escape, _FILLER)))
_SPLIT = re.compile(r"[\s,，、;；|]+")
_SYNONYM_SPLIT = re.compile(r"[\s,，、;；=＝|]+")


# ----------------------------------------------------------------------------- access


def ensure_citywide(user) -> None:
    if not is_citywide_curator(user):
        raise PermissionDenied("只有市级知识库管理员或办公室可以执行此操作。")


# ----------------------------------------------------------------------------- lookups


def get_entry(entry_id: int) -> FaqEntry:
    return get_or_404(FaqEntry, entry_id, "该知识库条目不存在。")


def get_published_entry(entry_id: int) -> FaqEntry:
    return get_or_404(FaqEntry, entry_id, "该问题不存在或已撤下。", where=lambda entry: entry.is_published)


def page_entry(entry_id: int) -> FaqEntry:
    """The entry of a public entry page, with the category and department the page names, in
    one statement: a published entry, or a merged one (whose page sends the reader on:
    :func:`merged_into`); anything else is :class:`NotFound`, as a missing one. (Loaded once:
    the page looked the entry up twice, and the second look-up read it again — the session
    holds an entry only while something refers to it.)"""
    entry = db.session.get(FaqEntry, entry_id,
                           options=[joinedload(FaqEntry.category), joinedload(FaqEntry.department)])
    if entry is None or not (entry.is_published or workflow.merged(entry)):
        raise NotFound("该问题不存在或已撤下。")
    return entry


def merged_into(entry: FaqEntry) -> int | None:
    """Where a merged entry's page now lives (``None`` when it was not merged)."""
    return entry.merged_into_id if workflow.merged(entry) else None


def get_category(category_id: int) -> FaqCategory:
    return get_or_404(FaqCategory, category_id, "该分类不存在。")


def all_categories() -> list[FaqCategory]:
    return list(db.session.scalars(db.select(FaqCategory).order_by(FaqCategory.sort_order, FaqCategory.id)))


def category_tree() -> list[tuple[FaqCategory, int]]:
    """Categories in tree order with their depth (0 = top level)."""
    categories = all_categories()
    children: dict[int | None, list[FaqCategory]] = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)
    out: list[tuple[FaqCategory, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in children.get(parent_id, []):
            out.append((category, depth))
            if depth < 10:
                walk(category.id, depth + 1)

    walk(None, 0)
    return out


def descendant_ids(category: FaqCategory) -> list[int]:
    ids = [category.id]
    stack = list(category.children)
    while stack and len(ids) < 1000:
        node = stack.pop()
        if node.id not in ids:
            ids.append(node.id)
            stack.extend(node.children)
    return ids


def published_count_by_category() -> dict[int, int]:
    rows = db.session.execute(
        db.select(FaqEntry.category_id, sa.func.count(FaqEntry.id))
        .where(FaqEntry.is_published)
        .group_by(FaqEntry.category_id)
    )
    return {category_id: count for category_id, count in rows if category_id is not None}


def departments_with_entries() -> list[tuple[Department, int]]:
    rows = db.session.execute(
        db.select(Department, sa.func.count(FaqEntry.id))
        .join(FaqEntry, FaqEntry.department_id == Department.id)
        .where(FaqEntry.is_published)
        .group_by(Department.id)
        .order_by(Department.sort_order, Department.id)
    )
    return [(department, count) for department, count in rows]


def published_query(*, category: FaqCategory | None = None, department_id: int | None = None, text: str = ""):
    """Published entries, most useful first (filters optional)."""
    stmt = db.select(FaqEntry).where(FaqEntry.is_published)
    if category is not None:
        stmt = stmt.where(FaqEntry.category_id.in_(descendant_ids(category)))
    if department_id is not None:
        stmt = stmt.where(FaqEntry.department_id == department_id)
    text = (text or "").strip()[:50]
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

        def contains(column):
            # SQLite's LIKE ignores ASCII case already (and its lower() folds nothing else):
            # ILIKE's lower() of every row on both sides there only doubled the scan's cost.
            if db.session.get_bind().dialect.name == "sqlite":
                return column.like(pattern, escape="\\")
            return column.ilike(pattern, escape="\\")

        stmt = stmt.where(
            sa.or_(
                contains(FaqEntry.question),
                contains(FaqEntry.keywords),
                FaqEntry.id.in_(db.select(FaqPhrasing.entry_id).where(contains(FaqPhrasing.text))),
            )
        )
    return stmt.order_by(FaqEntry.hits.desc(), FaqEntry.id)


def published_page(*, page: int, per_page: int, category: FaqCategory | None = None,
                   department_id: int | None = None) -> ListPage[FaqEntry]:
    """Page ``page`` of :func:`published_query` (no text), as ``db.paginate`` gives it (a
    page past the last is empty). The ids of every published entry in that order are kept
    like a public page — until a public change (an entry published, edited or withdrawn) or
    ``PUBLIC_PAGE_CACHE_SECONDS``; a hit does not reorder them sooner, as for the cached
    pages — so a page reads its entries by id instead of sorting all published entries and
    counting them again (attack J8: a client walking the API's pages of 50)."""
    def ordered_ids() -> array:
        stmt = published_query(category=category, department_id=department_id).with_only_columns(FaqEntry.id)
        return array("q", db.session.scalars(stmt))

    ids = pagecache.remember(("faq.published_ids", category.id if category is not None else None, department_id),
                             ordered_ids, weigh=lambda kept: kept.itemsize * len(kept))
    chosen = list(ids[(page - 1) * per_page:page * per_page])
    found = {entry.id: entry for entry in db.session.scalars(
        db.select(FaqEntry).where(FaqEntry.id.in_(chosen), FaqEntry.is_published))} if chosen else {}
    return ListPage([found[id_] for id_ in chosen if id_ in found], page, per_page, len(ids))


#: 热门问题 count the questions answered with an entry over this many days.
POPULAR_DAYS = 90


def popular_entries(limit: int = 8) -> list[FaqEntry]:
    """热门问题 (home page, ``/faq``): published entries by what citizens did with them —
    their helpful votes plus the askers answered with them over the last ``POPULAR_DAYS``
    days (the ask log's ``asker``: one client counts once a Beijing day per entry, however
    many wordings it asks) — and only then by views. Views are a GET anyone can script from
    many addresses (attack L6 put any entry first with them; the per-address and per-hour
    caps of :func:`count_hit` only slow it down); a vote needs a form token and its rate
    limit, an answered question a wording the engine answers with the entry — and until
    #16's thirteenth session one address asking many rewordings of one question counted
    each. The count is read from the index ``ix_faq_ask_logs_popular`` alone. The
    ids are kept like a public page."""
    def ranked_ids() -> list[int]:
        since = clock.now() - timedelta(days=POPULAR_DAYS)
        # Grouped by ``best_entry_id + 0``, not the column: SQLite would walk that column's
        # own index in order (no sort) and read every row of the log from the table; so both
        # databases read the last POPULAR_DAYS of ``ix_faq_ask_logs_popular`` only (the NULL
        # group joins no entry).
        entry_id = (AskLog.best_entry_id + 0).label("entry_id")
        answered = (
            sa.select(entry_id, sa.func.count(sa.distinct(AskLog.asker)).label("n"))
            .where(AskLog.answered == sa.true(), AskLog.asked_at >= since)
            .group_by(entry_id)
            .subquery()
        )
        score = FaqEntry.helpful + sa.func.coalesce(answered.c.n, 0)
        return list(db.session.scalars(
            db.select(FaqEntry.id).where(FaqEntry.is_published)
            .outerjoin(answered, answered.c.entry_id == FaqEntry.id)
            .order_by(score.desc(), FaqEntry.hits.desc(), FaqEntry.id)
            .limit(limit)
        ))

    ids = pagecache.remember(("faq.popular", limit), ranked_ids)
    found = _published_by_ids(ids)
    return [found[i] for i in ids if i in found]


def search_entries(text: str, limit: int = 20) -> list[FaqEntry]:
    """Published entries for a search box: the matching engine's ranking first, then
    entries whose question, phrasings or keywords contain the text."""
    text = (text or "").strip()[:MAX_QUERY_CHARS]
    if not text:
        return []
    engine = index.get_engine()
    floor = engine.threshold * RELATED_SHARE
    ranked_ids = [m.id for m in engine.search(text, limit) if m.score >= floor]
    found = _published_by_ids(ranked_ids)
    ordered = [found[i] for i in ranked_ids if i in found]
    if len(ordered) >= limit:
        return ordered  # the page is full: no need to scan every entry for the text
    seen = {entry.id for entry in ordered}
    for entry in db.session.scalars(published_query(text=text).limit(limit)):
        if entry.id not in seen and len(ordered) < limit:
            ordered.append(entry)
            seen.add(entry.id)
    return ordered


def _published_by_ids(ids: Iterable[int]) -> dict[int, FaqEntry]:
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return {}
    rows = db.session.scalars(
        db.select(FaqEntry).where(FaqEntry.id.in_(ids), FaqEntry.is_published)
    )
    return {entry.id: entry for entry in rows}


# ----------------------------------------------------------------------------- entries


@dataclass
class EntryData:
    """What a curator edits (the form's shape, checked again here)."""

    question: str
    answer_html: str
    phrasings: list[str] = field(default_factory=list)
    category_id: int | None = None
    department_id: int | None = None
    keywords: list[str] = field(default_factory=list)
    review_by: date | None = None


def split_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r", "\n").split("\n") if line.strip()]


def split_terms(text: str | None) -> list[str]:
    return [t for t in _SPLIT.split(text or "") if t]


def _clean_question(question: str, field_name: str = "question") -> str:
    question = " ".join((question or "").split())
    if len(question) < 2:
        raise InvalidInput("请填写标准问题（至少 2 个字）。", fields={field_name: "至少 2 个字"})
    if len(question) > MAX_QUESTION:
        raise InvalidInput(f"问题不能超过 {MAX_QUESTION} 个字。", fields={field_name: f"不能超过 {MAX_QUESTION} 个字"})
    if not match_text(question):
        raise InvalidInput("问题不能只包含标点或符号。", fields={field_name: "请输入文字"})
    return question


def _validated(data: EntryData, entry: FaqEntry | None, *, check_duplicate: bool = True) -> dict[str, Any]:
    question = _clean_question(data.question)
    answer_html = clean_html(data.answer_html)
    if not workflow.plain_text(answer_html) and "<img" not in answer_html:
        raise InvalidInput("请填写答案。", fields={"answer_html": "请填写答案"})
    if len(answer_html) > 50_000:
        raise InvalidInput("答案过长（不超过 5 万字符）。", fields={"answer_html": "答案过长"})
    key = match_text(question)
    phrasings: list[str] = []
    seen = {key}
    for text in data.phrasings:
        text = " ".join(text.split())
        if not text:
            continue
        if len(text) > MAX_QUESTION:
            raise InvalidInput(f"相似问法“{text[:20]}…”超过 {MAX_QUESTION} 个字。",
                               fields={"phrasings": f"每条不超过 {MAX_QUESTION} 个字"})
        norm = match_text(text)
        if norm and norm not in seen:
            seen.add(norm)
            phrasings.append(text)
    if len(phrasings) > MAX_PHRASINGS:
        raise InvalidInput(f"相似问法最多 {MAX_PHRASINGS} 条。", fields={"phrasings": f"最多 {MAX_PHRASINGS} 条"})
    keywords = list(dict.fromkeys(k for k in (kw.strip() for kw in data.keywords) if k))
    if len(keywords) > MAX_KEYWORDS or any(len(k) > 20 for k in keywords):
        raise InvalidInput(f"关键词最多 {MAX_KEYWORDS} 个，每个不超过 20 个字。",
                           fields={"keywords": "关键词过多或过长"})
    if data.category_id is not None and db.session.get(FaqCategory, data.category_id) is None:
        raise InvalidInput("所选分类不存在。", fields={"category_id": "分类不存在"})
    if data.department_id is not None and db.session.get(Department, data.department_id) is None:
        raise InvalidInput("所选部门不存在。", fields={"department_id": "部门不存在"})
    clash = workflow.entry_with_question(key, exclude=entry) if check_duplicate else None
    if clash is not None:
        raise Conflict(
            f"已有相同的标准问题（条目 #{clash.id}：{clash.question}），请编辑该条目或将本问题作为其相似问法。",
            fields={"question": "与已有条目重复"},
        )
    return {
        "question": question,
        "answer_html": answer_html,
        "phrasings": phrasings,
        "category_id": data.category_id,
        "department_id": data.department_id,
        "keywords": " ".join(keywords),
        "review_by": data.review_by,
    }


def _apply(entry: FaqEntry, values: dict[str, Any]) -> None:
    entry.question = values["question"]
    entry.question_key = match_text(values["question"])[:200]
    entry.answer_html = values["answer_html"]
    entry.category_id = values["category_id"]
    entry.department_id = values["department_id"]
    entry.keywords = values["keywords"]
    entry.review_by = values["review_by"]
    current = {match_text(p.text): p for p in entry.phrasings}
    wanted = {match_text(t): t for t in values["phrasings"]}
    for key, phrasing in current.items():
        if key not in wanted:
            entry.phrasings.remove(phrasing)
        else:
            phrasing.text = wanted[key]
    for key, text in wanted.items():
        if key not in current:
            # A logged question was masked when asked; masked again with today's rules.
            entry.phrasings.append(FaqPhrasing(text=mask_text(text)))


def create_entry(data: EntryData, *, actor, note: str = "") -> FaqEntry:
    """Create a draft entry (published later by a curator)."""
    ensure_curator(actor)
    if not can_curate(actor, data.department_id):
        raise PermissionDenied("您只能为本部门创建知识库条目。", fields={"department_id": "只能选择本部门"})
    atomic.serialize(workflow.QUESTIONS_LOCK)  # a copy of the form sent at once checks after this one
    values = _validated(data, None)
    entry = FaqEntry(status=FaqStatus.DRAFT, created_by_id=audit.actor_id(actor), revision=1)
    _apply(entry, values)
    db.session.add(entry)
    db.session.flush()
    workflow.record(entry, "created", actor, None, note)
    return entry


def edit_version(entry: FaqEntry) -> str:
    """The version of what the edit form edits (``core.edits``): the entry's content, not
    its state (publishing it in another tab does not make an open form stale)."""
    return edits.version_of(_edited(entry))


def _edited(entry: FaqEntry) -> dict[str, Any]:
    return {name: value for name, value in snapshot(entry).items() if name != "status"}


def update_entry(entry: FaqEntry, data: EntryData, *, actor, shown_version: str | None = None) -> FaqEntry:
    """Save a curator's edit; a published entry's new content answers at once.

    :param shown_version: :func:`edit_version` of the entry when the form was opened.
    :raises Conflict: the entry was changed since (another tab, a phrasing added from the
        unanswered questions) and this save would change it again."""
    ensure_entry_scope(actor, entry)
    if not can_curate(actor, data.department_id):
        raise PermissionDenied("不能把条目转给其他部门。", fields={"department_id": "只能选择本部门"})
    if entry.status is FaqStatus.WITHDRAWN and entry.merged_into_id:
        raise InvalidTransition("该条目已合并到其他条目，不能再编辑。")
    atomic.serialize(workflow.QUESTIONS_LOCK)
    db.session.refresh(entry)  # an edit sent twice at once: compared with what the first copy saved
    values = _validated(data, entry)
    before = snapshot(entry)
    edited_before = _edited(entry)
    _apply(entry, values)
    # What the public reads of a published entry passes the publication masking at once.
    hidden = workflow.mask_for_publication(entry) if entry.is_published else []
    edits.ensure_unchanged_since(shown_version, edited_before, _edited(entry), what="该条目")
    if snapshot(entry) == before:
        return entry
    entry.revision += 1
    db.session.flush()
    workflow.record(entry, "updated", actor, before, workflow.hidden_note(hidden, "保存时"))
    if entry.is_published:
        index.changed()
    return entry


def publish_entry(entry: FaqEntry, *, actor) -> FaqEntry:
    return workflow.transition(entry, FaqStatus.PUBLISHED, actor=actor)


def withdraw_entry(entry: FaqEntry, *, actor, note: str = "") -> FaqEntry:
    """Take a published entry off the public pages and out of matching, or give up a draft
    (the workflow's ``withdraw`` or ``discard`` step, by the entry's state)."""
    return workflow.transition(entry, FaqStatus.WITHDRAWN, actor=actor, note=note)


def merge_entries(keep: FaqEntry, duplicate: FaqEntry, *, actor) -> FaqEntry:
    """Merge a duplicate into ``keep``: its question and phrasings become phrasings of
    ``keep``, hits and votes move over, and the duplicate is withdrawn with a redirect."""
    ensure_entry_scope(actor, keep)
    ensure_entry_scope(actor, duplicate)
    if keep.id == duplicate.id:
        raise InvalidInput("不能把条目合并到它自己。")
    if keep.status is FaqStatus.WITHDRAWN:
        raise InvalidTransition("保留的条目已撤下，请选择一个草稿或已发布的条目。")
    if duplicate.merged_into_id:
        raise InvalidTransition("该条目已经合并过。")
    keep_before, dup_before = snapshot(keep), snapshot(duplicate)
    have = {match_text(keep.question)} | {match_text(t) for t in keep.phrasing_texts}
    moved = 0
    for text in [duplicate.question, *duplicate.phrasing_texts]:
        key = match_text(text)
        if key and key not in have and len(keep.phrasings) < MAX_PHRASINGS:
            have.add(key)
            keep.phrasings.append(FaqPhrasing(text=text))
            moved += 1
    keep.hits += duplicate.hits
    keep.helpful += duplicate.helpful
    keep.not_helpful += duplicate.not_helpful
    duplicate.hits = duplicate.helpful = duplicate.not_helpful = 0
    for phrasing in list(duplicate.phrasings):
        duplicate.phrasings.remove(phrasing)
    was_published = duplicate.status is FaqStatus.PUBLISHED
    hidden = workflow.mask_for_publication(keep) if keep.status is FaqStatus.PUBLISHED else []
    duplicate.status = FaqStatus.WITHDRAWN
    duplicate.withdrawn_at = clock.now()
    duplicate.merged_into_id = keep.id
    duplicate.revision += 1
    keep.revision += 1
    # Earlier merges into the duplicate now redirect to the kept entry.
    db.session.execute(
        sa.update(FaqEntry).where(FaqEntry.merged_into_id == duplicate.id).values(merged_into_id=keep.id)
    )
    db.session.execute(
        sa.update(AskLog).where(AskLog.best_entry_id == duplicate.id).values(best_entry_id=keep.id)
    )
    db.session.flush()
    learning.record_examples([dup_before["question"], *dup_before["phrasings"]], ExampleKind.MERGED,
                             entry_id=keep.id, actor=actor)
    workflow.record(keep, "merged", actor, keep_before, "；".join(
        n for n in (f"合并条目 #{duplicate.id}，移入 {moved} 条问法", workflow.hidden_note(hidden, "合并时")) if n))
    workflow.record(duplicate, "merged_away", actor, dup_before, f"已合并到条目 #{keep.id}")
    if was_published or keep.status is FaqStatus.PUBLISHED:
        index.changed()
    return keep


def add_phrasings(entry: FaqEntry, texts: Iterable[str], *, actor) -> int:
    """Add questions as similar phrasings of an entry (curation loop); returns how many
    were new. The asked questions are marked handled."""
    ensure_entry_scope(actor, entry)
    if entry.status is FaqStatus.WITHDRAWN:
        raise InvalidTransition("该条目已撤下，请选择其他条目。")
    texts = [" ".join(t.split())[:MAX_QUESTION] for t in texts if t and t.strip()]
    if not texts:
        raise InvalidInput("请至少选择一个问题。")
    # Copies of the form sent at once (a double click) check one after the other, each
    # against the phrasings the one before stored.
    atomic.serialize(workflow.QUESTIONS_LOCK)
    db.session.refresh(entry, ["phrasings"])
    before = snapshot(entry)
    have = {match_text(entry.question)} | {match_text(t) for t in entry.phrasing_texts}
    added = 0
    for text in texts:
        # A logged question was masked when asked; masked again with today's rules.
        phrasing = mask_text(text)
        key = match_text(phrasing)
        if key and key not in have:
            if len(entry.phrasings) >= MAX_PHRASINGS:
                raise InvalidInput(f"相似问法最多 {MAX_PHRASINGS} 条。")
            have.add(key)
            entry.phrasings.append(FaqPhrasing(text=phrasing))
            added += 1
    mark_questions_handled(texts)
    learning.record_examples(texts, ExampleKind.PHRASING, entry_id=entry.id, actor=actor)
    if added:
        entry.revision += 1
        db.session.flush()
        workflow.record(entry, "phrasing_added", actor, before, f"从未命中问题加入 {added} 条相似问法")
        if entry.is_published:
            index.changed()
    return added


#: How many logged questions, answered before with an entry near the added phrasings, are
#: asked again after an addition (``answers_taken_away``), the most recent first.
TAKEN_AWAY_CHECKED = 30


def answers_taken_away(entry_id: int, texts: Iterable[str], *, since_days: int = 90) -> list[tuple[str, int]]:
    """Logged questions that were answered with another entry near *texts* (the phrasings
    just added to *entry_id*) and now are not, or are answered with another entry:
    ``(question, the entry it was answered with)``. Call it after the addition is committed
    (the engine then has it). A curator's phrasing on one entry can take the answer away from
    another entry's question (attack J3: 公积金里的钱怎么取出来用 added to 住房公积金怎么提取 left
    辞职以后公积金账户里的钱能一次取完吗 unanswered), and nothing on the page said so."""
    engine = index.get_engine()
    near = {m.id for text in texts for m in engine.search(text, k=5)} - {entry_id}
    if not near:
        return []
    since = clock.now() - timedelta(days=since_days)
    rows = db.session.execute(
        sa.select(AskLog.text, AskLog.best_entry_id)
        .where(AskLog.answered.is_(True), AskLog.best_entry_id.in_(near), AskLog.asked_at >= since)
        .group_by(AskLog.text, AskLog.best_entry_id)
        .order_by(sa.func.max(AskLog.asked_at).desc())
        .limit(TAKEN_AWAY_CHECKED)
    ).all()
    lost = []
    for text, answered_with in rows:
        result = engine.answer(text)
        if not (result.answered and result.best is not None and result.best.id == answered_with):
            lost.append((text, answered_with))
    return lost


def entry_from_letter(letter_id: int) -> FaqEntry | None:
    """The draft or entry made from a letter (a withdrawn one does not count)."""
    return db.session.scalar(
        db.select(FaqEntry)
        .where(FaqEntry.source_letter_id == letter_id, FaqEntry.status != FaqStatus.WITHDRAWN)
        .order_by(FaqEntry.id)
        .limit(1)
    )


def create_draft_entry(
    *, question: str, answer_html: str, department_id: int | None, source_letter_id: int | None, actor,
    note: str = "",
) -> FaqEntry:
    """Answered letter → draft FAQ entry in one step (常见问题汇编).

    Open to curators, office/admin and the handler of ``department_id``. Calling it again
    for the same letter returns the existing draft or entry instead of a second one.
    Plain-text answers (no tags) are turned into paragraphs. ``note`` is added to the
    entry's history (e.g. what personal data was hidden on the way).

    :raises PermissionDenied: outside the actor's role or department.
    :raises InvalidInput: empty question or answer.
    """
    if not (has_role(actor, *CURATOR_ROLES) and can_curate(actor, department_id)):
        if not (has_role(actor, "handler") and department_id is not None and actor.department_id == department_id):
            raise PermissionDenied("您无权把此来信转为知识库条目。")
    if source_letter_id is not None:
        existing = entry_from_letter(source_letter_id)
        if existing is not None:
            return existing
    question = " ".join((question or "").split())[:MAX_QUESTION]
    atomic.serialize(workflow.QUESTIONS_LOCK)
    if answer_html and "<" not in answer_html:
        answer_html = str(text_to_html(answer_html))
    if workflow.entry_with_question(match_text(question)) is not None:
        # Same standard question as an existing entry: keep the draft under a marked
        # question so the curator merges it rather than publishing a duplicate.
        suffix = f"（来信{source_letter_id}）" if source_letter_id else "（来信）"
        question = question[: MAX_QUESTION - len(suffix)] + suffix
    values = _validated(EntryData(question=question, answer_html=answer_html or "", department_id=department_id), None)
    entry = FaqEntry(status=FaqStatus.DRAFT, created_by_id=audit.actor_id(actor),
                     source_letter_id=source_letter_id, revision=1)
    _apply(entry, values)
    db.session.add(entry)
    db.session.flush()
    origin = f"由来信 #{source_letter_id} 生成" if source_letter_id else ""
    workflow.record(entry, "created", actor, None, "；".join(part for part in (origin, note) if part))
    return entry


def revisions(entry: FaqEntry) -> list[FaqRevision]:
    return list(
        db.session.scalars(
            db.select(FaqRevision).where(FaqRevision.entry_id == entry.id).order_by(FaqRevision.id.desc())
        )
    )


def staff_query(user, *, status: str = "", view: str = "", category_id: int | None = None,
                department_id: int | None = None, text: str = ""):
    """Entries a curator sees in the list, newest change first."""
    stmt = curator_scope(db.select(FaqEntry).options(selectinload(FaqEntry.phrasings)), user)
    if status in {s.value for s in FaqStatus}:
        stmt = stmt.where(FaqEntry.status == FaqStatus(status))
    if view == "review":
        stmt = stmt.where(FaqEntry.review_due)
    elif view == "letters":
        stmt = stmt.where(FaqEntry.source_letter_id.is_not(None), FaqEntry.status == FaqStatus.DRAFT)
    if category_id:
        stmt = stmt.where(FaqEntry.category_id == category_id)
    if department_id:
        stmt = stmt.where(FaqEntry.department_id == department_id)
    text = (text or "").strip()[:50]
    if text:
        if text.isdecimal() and len(text) <= 9:
            stmt = stmt.where(FaqEntry.id == int(text))
        else:
            stmt = stmt.where(FaqEntry.question.contains(text))
    return stmt.order_by(FaqEntry.updated_at.desc(), FaqEntry.id.desc())


def staff_counts(user) -> dict[str, int]:
    """Numbers for the workspace cards."""
    base = curator_scope(db.select(sa.func.count(FaqEntry.id)), user)
    week_ago = clock.now() - timedelta(days=7)
    unanswered = db.session.scalar(
        # The same questions as the curator's unanswered list (unanswered or low confidence).
        db.select(sa.func.count(sa.distinct(AskLog.text))).where(_pending_logs(week_ago))
    )
    return {
        "drafts": db.session.scalar(base.where(FaqEntry.status == FaqStatus.DRAFT)) or 0,
        "from_letters": db.session.scalar(
            base.where(FaqEntry.status == FaqStatus.DRAFT, FaqEntry.source_letter_id.is_not(None))
        ) or 0,
        "review_due": db.session.scalar(base.where(FaqEntry.review_due)) or 0,
        "unanswered_week": unanswered or 0,
    }


# ----------------------------------------------------------------------------- categories


def _check_category_parent(category: FaqCategory | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    node = db.session.get(FaqCategory, parent_id)
    if node is None:
        raise InvalidInput("上级分类不存在。", fields={"parent_id": "上级分类不存在"})
    depth = 0
    while node is not None:
        if category is not None and node.id == category.id:
            raise InvalidInput("上级分类不能是本分类或其下级分类。", fields={"parent_id": "不能形成循环"})
        node = node.parent
        depth += 1
        if depth > 5:
            raise InvalidInput("分类最多 5 级。", fields={"parent_id": "层级过深"})


def save_category(*, name: str, parent_id: int | None, sort_order: int = 100, description: str = "",
                  category: FaqCategory | None = None, actor) -> FaqCategory:
    ensure_citywide(actor)
    name = " ".join((name or "").split())
    if not name or len(name) > 40 or "/" in name:
        raise InvalidInput("分类名称为 1–40 个字，且不能包含“/”。", fields={"name": "1–40 个字，不含“/”"})
    _check_category_parent(category, parent_id)
    atomic.serialize("faq.categories")  # a copy of the form sent at once checks after this one
    clash = db.session.scalar(
        db.select(FaqCategory).where(
            FaqCategory.name == name,
            FaqCategory.parent_id.is_(None) if parent_id is None else FaqCategory.parent_id == parent_id,
        )
    )
    if clash is not None and clash is not category:
        raise Conflict("同一上级下已有同名分类。", fields={"name": "同名分类已存在"})
    created = category is None
    if category is None:
        category = FaqCategory()
        db.session.add(category)
    category.name, category.parent_id = name, parent_id
    category.sort_order, category.description = sort_order, (description or "").strip()[:200]
    db.session.flush()
    audit.record("faq.category_created" if created else "faq.category_updated", "faq_category", category.id,
                 actor=actor, note=category.name)
    return category


def delete_category(category: FaqCategory, *, actor) -> None:
    ensure_citywide(actor)
    if category.children:
        raise Conflict("该分类下还有子分类，不能删除。")
    used = db.session.scalar(db.select(sa.func.count(FaqEntry.id)).where(FaqEntry.category_id == category.id))
    if used:
        raise Conflict(f"该分类下还有 {used} 个条目，请先移到其他分类。")
    audit.record("faq.category_deleted", "faq_category", category.id, actor=actor, note=category.name)
    if category.parent is not None:
        category.parent.children.remove(category)
    db.session.delete(category)
    db.session.flush()


def category_by_path(path: str) -> FaqCategory | None:
    """A category from its " / "-joined path (import), or None."""
    parent_id = None
    category = None
    for name in [p.strip() for p in path.split("/") if p.strip()]:
        category = db.session.scalar(
            db.select(FaqCategory).where(
                FaqCategory.name == name,
                FaqCategory.parent_id.is_(None) if parent_id is None else FaqCategory.parent_id == parent_id,
            )
        )
        if category is None:
            return None
        parent_id = category.id
    return category


# ----------------------------------------------------------------------------- synonyms


def parse_synonym_terms(text: str) -> list[str]:
    terms = []
    seen = set()
    for term in _SYNONYM_SPLIT.split(text or ""):
        key = match_text(term)
        if key and key not in seen:
            seen.add(key)
            terms.append(term)
    return terms


def all_synonym_groups() -> list[SynonymGroup]:
    return list(db.session.scalars(db.select(SynonymGroup).order_by(SynonymGroup.id)))


def save_synonym_group(terms_text: str, *, actor, group: SynonymGroup | None = None) -> SynonymGroup:
    """Save a group of words matching treats as the same (first word canonical)."""
    ensure_citywide(actor)
    terms = parse_synonym_terms(terms_text)
    if len(terms) < 2:
        raise InvalidInput("一组同义词至少要有两个不同的词，用空格或“=”分隔。", fields={"terms": "至少两个词"})
    if len(terms) > MAX_SYNONYM_TERMS or any(len(t) > 20 for t in terms):
        raise InvalidInput(f"一组最多 {MAX_SYNONYM_TERMS} 个词，每个词不超过 20 个字。", fields={"terms": "词过多或过长"})
    keys = {match_text(t) for t in terms}
    atomic.serialize("faq.synonyms")  # a copy of the form sent at once checks after this one
    for other in all_synonym_groups():
        if other is group:
            continue
        shared = [t for t in other.term_list if match_text(t) in keys]
        if shared:
            raise Conflict(f"“{shared[0]}”已在另一组同义词（{' = '.join(other.term_list)}）中，请编辑那一组。",
                           fields={"terms": "与已有同义词组重复"})
    created = group is None
    if group is None:
        group = SynonymGroup(terms="")
        db.session.add(group)
    before = group.term_list
    group.terms = " ".join(terms)
    db.session.flush()
    audit.record("faq.synonyms_created" if created else "faq.synonyms_updated", "faq_synonym_group", group.id,
                 actor=actor, note=" = ".join(terms), data={"before": before, "after": terms})
    index.changed()
    return group


def delete_synonym_group(group: SynonymGroup, *, actor) -> None:
    ensure_citywide(actor)
    audit.record("faq.synonyms_deleted", "faq_synonym_group", group.id, actor=actor, note=" = ".join(group.term_list))
    db.session.delete(group)
    db.session.flush()
    index.changed()


# ----------------------------------------------------------------------------- asking


@dataclass
class Answer:
    """What the ask page and the API show for one question."""

    question: str
    answered: bool = False
    confidence: float = 0.0
    best: FaqEntry | None = None
    #: ``(entry, score)`` pairs, at most four.
    related: list[tuple[FaqEntry, float]] = field(default_factory=list)
    #: The engine's answer threshold when the question was asked.
    threshold: float = 0.5
    #: The entry shown first when it is also the engine's best (the curators' guess for
    #: "add as phrasing"; a guess sharing nothing but 怎么申请 would mislead).
    guess_id: int | None = None
    #: The confidence the decision was taken with (``Result.decided``), what the ask log
    #: keeps: an answer a rule gave at the threshold stays on the curators' list of
    #: low-confidence answers although citizens see the calibrated ``confidence``.
    decided: float = 0.0

    @property
    def confidence_label(self) -> str:
        return confidence_label(self.confidence, self.threshold)

    @property
    def confidence_high(self) -> bool:
        return band(self.confidence, self.threshold) in ("high", "good")

    @property
    def check_advised(self) -> bool:
        """An answer in the 匹配度一般 band: right less often than not (dev's held halves: 0.436,
        docs/faq-matching.md, "Calibration"), so the ask page asks the citizen to check that the
        entry's question is theirs before relying on it."""
        return self.answered and band(self.confidence, self.threshold) == "fair"


def confidence_label(confidence: float, threshold: float) -> str:
    """Confidence in plain words for citizens."""
    return BAND_LABELS[band(confidence, threshold)]


#: Control characters (C0, DEL, C1) other than the whitespace ``str.split`` already folds.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_query(text: str | None) -> str:
    """A citizen's question as the engine reads it: whitespace runs folded to one space,
    control characters dropped (the API refuses them with 422; a browser's address bar
    sends them too: ``/faq/ask?q=%00`` was logged with its NUL, attack N5), cut to
    ``MAX_QUERY_CHARS``."""
    return " ".join(_CONTROLS.sub("", " ".join((text or "").split())).split())[:MAX_QUERY_CHARS]


def ask(question: str | None, *, source: str = "web", log: bool = True, viewer: str | None = None) -> Answer:
    """Answer a citizen's question from the published entries.

    ``log=False`` is for suggestions while typing: neither logged nor counted as a hit.
    The log keeps the normalised text with phone, ID, card numbers and e-mail masked.
    ``viewer``: who asked (the client's address), so the answer's hit counts once a day for
    them (:func:`count_hit`).
    """
    question = clean_query(question)
    if not question:
        return Answer(question="")
    _engine, result = index.get_index().answer(question)
    candidates = ([result.best] if result.best else []) + list(result.related)
    entries = _published_by_ids(m.id for m in candidates)
    # The threshold of the model that took this decision (a refit may swap models meanwhile).
    answer = Answer(question=question, confidence=result.confidence, threshold=result.threshold,
                    decided=result.decided if result.decided is not None else result.confidence)
    floor = result.threshold * RELATED_SHARE
    # An entry withdrawn in another worker a moment ago may still be indexed here.
    if result.answered and result.best is not None and result.best.id in entries:
        answer.answered = True
        answer.best = entries[result.best.id]
        answer.related = [
            (entries[m.id], m.score) for m in result.related
            if m.id in entries and m.score >= floor and m.id != answer.best.id
        ][:4]
    else:
        # Offered under 您是不是想问 closest in meaning (or most probable) first: with the
        # semantic feature an entry closest in meaning may rank below a lexically closer one.
        answer.related = [
            (entries[m.id], m.score) for m in offer_order(candidates)
            if m.id in entries and (m.score >= floor or m.topical)
        ][:4]
    shown = answer.best or (answer.related[0][0] if answer.related else None)
    if shown is not None and result.best is not None and shown.id == result.best.id:
        answer.guess_id = shown.id
    if log:
        _log_question(question, answered=answer.answered, confidence=answer.decided,
                      best_id=answer.best.id if answer.best is not None else None, guess_id=answer.guess_id,
                      source=source, viewer=viewer)
    return answer


def asker_of(viewer: str | None) -> str | None:
    """The ask log's ``asker`` for a client (its address as the rate limits count it): a
    keyed digest of today's Beijing date and the address, 16 hex digits; None without one."""
    if not viewer:
        return None
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{clock.today().isoformat()}|{viewer}".encode(), hashlib.sha256).hexdigest()[:16]


def _log_question(question: str, *, answered: bool, confidence: float, best_id: int | None,
                  guess_id: int | None, source: str, viewer: str | None = None) -> None:
    """Log an asked question for the curators (masked) and count the answer's hit."""
    # Written with other questions a moment later, not in this request (core.deferred).
    deferred.insert(AskLog, {
        "asked_at": clock.now(), "text": mask_text(normalize(question))[:200], "best_entry_id": guess_id,
        "confidence": round(float(confidence), 4), "answered": answered,
        "source": source if source in ("web", "api") else "web", "handled_at": None,
        "asker": asker_of(viewer),
    })
    if best_id is not None:
        count_hit(best_id, viewer=viewer)
    db.session.flush()


@dataclass(frozen=True)
class AnswerCard:
    """One question's answer as plain data — what the API returns. It is the same for every
    asker until the published entries (the page store's stamp) or the engine change, so a
    process keeps it for a question asked again (:func:`answer_card`)."""

    answered: bool
    confidence: float
    threshold: float
    #: ``(id, question, answer_html)`` of the answer, when answered.
    best: tuple[int, str, str] | None
    #: ``(id, question, score)``, at most four.
    related: tuple[tuple[int, str, float], ...]
    guess_id: int | None
    decided: float  # ``Answer.decided``: what the ask log keeps

    @property
    def confidence_label(self) -> str:
        return confidence_label(self.confidence, self.threshold)

    def weight(self) -> int:
        """About its size in bytes (the page store's budget)."""
        texts = [*(self.best[1:] if self.best else ()), *(r[1] for r in self.related)]
        return 300 + sum(3 * len(t) for t in texts)


def engine_generation() -> tuple[int, int]:
    """Moves with every change of this process's matching engine — a build, entries synced,
    synonyms, the decision model, declined wordings — once the engine's stamp is looked at
    (at most every ``index.CHECK_SECONDS``, at once in the process that made the change)."""
    holder = index.get_index()
    holder.engine()
    return holder.builds, holder.syncs


def answer_card(question: str | None, *, source: str = "api", log: bool = True,
                viewer: str | None = None) -> AnswerCard:
    """:func:`ask` for the API: the answer to a question asked before in this process is
    reused (no scoring, no reading of entries) until the published entries or the engine
    change; the question is still logged and the hit counted at every ask (``log``; once a
    day per ``viewer``, :func:`count_hit`)."""
    question = clean_query(question)

    def compute() -> AnswerCard:
        answer = ask(question, log=False)
        return AnswerCard(
            answered=answer.answered, confidence=answer.confidence, threshold=answer.threshold,
            best=(answer.best.id, answer.best.question, answer.best.answer_html) if answer.best else None,
            related=tuple((e.id, e.question, score) for e, score in answer.related), guess_id=answer.guess_id,
            decided=answer.decided)

    if not question:
        return compute()
    card = pagecache.remember(("faq-answer", engine_generation(), question), compute,
                              weigh=AnswerCard.weight)
    if log:
        _log_question(question, answered=card.answered, confidence=card.decided,
                      best_id=card.best[0] if card.best else None, guess_id=card.guess_id, source=source,
                      viewer=viewer)
    return card


#: Viewers remembered per process for :func:`count_hit` before the memory is emptied (the
#: 64-bit hash of an entry id and an address: ~70 bytes each in a set, ~14 MB at most).
VIEWERS_KEPT = 200_000
#: Views of one entry counted per process in an hour at most (attack L6's re-check: an IPv6 /48
#: is 65,536 "addresses", each counted once a day, so a script with one still put any entry
#: first under 热门问题). A city portal's most read entry gets a few views a minute at its
#: busiest hour; past this, more views of the hour do not reorder the list.
VIEWS_PER_ENTRY_HOUR = 60


class _Viewers:
    """Who viewed which entry today, and how many views of each this hour counted, in this
    process (``count_hit``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.day: date | None = None
        self.seen: set[int] = set()
        self.hour: datetime | None = None
        self.counted: dict[int, int] = {}

    def first_today(self, entry_id: int, viewer: str) -> bool:
        now = clock.now()
        today = clock.today()
        hour = now.replace(minute=0, second=0, microsecond=0)
        with self.lock:
            if self.day != today or len(self.seen) >= VIEWERS_KEPT:
                self.day, self.seen = today, set()
            if self.hour != hour:
                self.hour, self.counted = hour, {}
            key = hash((entry_id, viewer))
            if key in self.seen:
                return False
            if self.counted.get(entry_id, 0) >= VIEWS_PER_ENTRY_HOUR:
                return False  # not remembered: the viewer may count in a later hour
            self.seen.add(key)
            self.counted[entry_id] = self.counted.get(entry_id, 0) + 1
            return True


def count_hit(entry_id: int, *, viewer: str | None = None) -> None:
    """One more view of entry ``entry_id`` (added up with others and written a moment later;
    a hit is not an edit, so "更新于" stays). With ``viewer`` (the client's address, as the
    rate limits count it) a view counts once a (Beijing) day per viewer and entry, in each
    process: the hits order 热门问题 on the home page, and 400 scripted views of one entry
    put it first there (attack L6). Kept in memory, not written: a worker that restarts, and
    each of the site's worker processes, may count one more."""
    if viewer is not None:
        viewers = current_app.extensions.setdefault("faq.viewers", _Viewers())
        if not viewers.first_today(entry_id, viewer):
            return
    deferred.increment(FaqEntry, "hits", entry_id, keep=("updated_at",))


def vote(entry: FaqEntry, *, helpful: bool) -> None:
    """Count a "was this helpful?" vote (the view allows one per browser)."""
    if not entry.is_published:
        raise NotFound("该问题不存在或已撤下。")
    column = FaqEntry.helpful if helpful else FaqEntry.not_helpful
    db.session.execute(sa.update(FaqEntry).where(FaqEntry.id == entry.id).values({column: column + 1}))
    db.session.flush()


# ----------------------------------------------------------------------------- curation loop


@dataclass
class QuestionCluster:
    """Similar unanswered or low-confidence questions, grouped."""

    text: str
    count: int
    members: list[tuple[str, int]]
    last_asked: datetime
    mean_confidence: float
    answered_share: float
    #: The entry most often ranked first for these questions (a guess for "add phrasing").
    suggested_entry_id: int | None

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self.members]


def low_confidence() -> float:
    """Answered questions below this confidence (the 较高 band) are listed with the
    unanswered ones."""
    return max(GOOD_BAND, index.get_engine().threshold)


def _pending_logs(since: datetime):
    return sa.and_(
        AskLog.asked_at >= since,
        AskLog.handled_at.is_(None),
        sa.or_(AskLog.answered.is_(False), AskLog.confidence < low_confidence()),
    )


def unanswered_clusters(*, days: int = 30, limit: int | None = None, max_texts: int = 3000) -> list[QuestionCluster]:
    """The unanswered and low-confidence questions of the last ``days``, grouped by
    similarity (greedy clustering, most frequent text first): the most asked groups first,
    and among groups asked as often the most recently asked (what citizens ask now)."""
    since = clock.now() - timedelta(days=max(1, min(days, 366)))
    rows = db.session.execute(
        db.select(
            AskLog.text,
            AskLog.best_entry_id,
            sa.func.count(AskLog.id),
            sa.func.max(AskLog.asked_at),
            sa.func.avg(AskLog.confidence),
            sa.func.sum(sa.case((AskLog.answered.is_(True), 1), else_=0)),
        )
        .where(_pending_logs(since))
        .group_by(AskLog.text, AskLog.best_entry_id)
    ).all()
    per_text: dict[str, dict[str, Any]] = {}
    # A question marked 不应给出答案 is not answered when asked again; it does not come back.
    declined = {match_text(q) for q in learning.declined_questions()}
    for text, best_id, count, last, mean, answered in rows:
        if match_text(text) in declined:
            continue
        item = per_text.setdefault(text, {"count": 0, "last": last, "conf": 0.0, "answered": 0, "best": Counter()})
        item["count"] += count
        item["last"] = max(item["last"], last)
        item["conf"] += float(mean or 0.0) * count
        item["answered"] += int(answered or 0)
        if best_id is not None:
            item["best"][best_id] += count
    texts = sorted(per_text, key=lambda t: (-per_text[t]["count"], t))[:max_texts]
    reps: list[str] = []
    groups: list[list[str]] = []
    for text, rep in zip(texts, _group_of(texts)):
        if rep is None:
            reps.append(text)
            groups.append([text])
        else:
            groups[rep].append(text)
    clusters = []
    for rep, members in zip(reps, groups):
        count = sum(per_text[t]["count"] for t in members)
        best: Counter = Counter()
        for t in members:
            best.update(per_text[t]["best"])
        clusters.append(
            QuestionCluster(
                text=rep,
                count=count,
                members=[(t, per_text[t]["count"]) for t in members],
                last_asked=max(per_text[t]["last"] for t in members),
                mean_confidence=sum(per_text[t]["conf"] for t in members) / count,
                answered_share=sum(per_text[t]["answered"] for t in members) / count,
                suggested_entry_id=best.most_common(1)[0][0] if best else None,
            )
        )
    clusters.sort(key=lambda c: (-c.count, -c.last_asked.timestamp(), c.text))
    return clusters if limit is None else clusters[:limit]


def _group_of(texts: list[str]) -> list[int | None]:
    """Greedy grouping, most frequent text first: for each text the index of the earlier
    group whose first text means the same (CLUSTER_SEMANTIC / CLUSTER_SIMILARITY, the most
    similar one), or None for a group of its own."""
    embedder = index.get_index().embedder
    out: list[int | None] = []
    if embedder is not None:
        vecs = embedder.encode(texts).astype(np.float32) if texts else np.zeros((0, 1), np.float32)
        rep_rows: list[int] = []
        for i in range(len(texts)):
            found = None
            if rep_rows:
                cos = vecs[rep_rows] @ vecs[i]
                best = int(np.argmax(cos))
                found = best if cos[best] >= CLUSTER_SEMANTIC else None
            if found is None:
                rep_rows.append(i)
            out.append(found)
        return out
    rep_keys: list[str] = []
    for text in texts:
        key = cluster_key(text)
        hit = process.extractOne(key, rep_keys, scorer=fuzz.ratio, score_cutoff=CLUSTER_SIMILARITY) if rep_keys else None
        if hit is None:
            rep_keys.append(key)
        out.append(None if hit is None else hit[2])
    return out


def cluster_key(text: str) -> str:
    """The topic part of a question: normalised, without question and function words."""
    compact = match_text(text).replace(" ", "")
    return _FILLER_RE.sub("", compact) or compact


def mark_questions_handled(texts: Iterable[str]) -> int:
    """Take asked questions (by their logged text) off the unanswered list."""
    keys = list({t[:200] for t in texts if t})
    if not keys:
        return 0
    masked = list({mask_text(normalize(t))[:200] for t in keys} | set(keys))
    result = db.session.execute(
        sa.update(AskLog).where(AskLog.text.in_(masked), AskLog.handled_at.is_(None)).values(handled_at=clock.now())
    )
    return result.rowcount or 0


def create_entry_for_questions(data: EntryData, asked: Iterable[str], *, actor) -> FaqEntry:
    """A new entry written for questions from the unanswered list: they leave the list
    and are stored as examples the engine learns from (no entry answered them)."""
    entry = create_entry(data, actor=actor)
    asked = [t for t in asked if t]
    mark_questions_handled(asked)
    learning.record_examples(asked, ExampleKind.NEW_ENTRY, entry_id=entry.id, actor=actor)
    return entry


def no_answer_questions(texts: Iterable[str], *, actor) -> int:
    """The curator says no answer should be given to these questions: they leave the
    unanswered list and are stored as examples the engine learns from."""
    ensure_curator(actor)
    texts = [t for t in texts if t]
    count = mark_questions_handled(texts)
    learning.record_examples(texts, ExampleKind.NO_ANSWER, entry_id=None, actor=actor)
    audit.record("faq.questions_no_answer", "faq_ask_log", None, actor=actor, note=f"不应给出答案：{count} 次提问",
                 data={"texts": texts[:20]})
    return count


def dismiss_questions(texts: Iterable[str], *, actor) -> int:
    ensure_curator(actor)
    texts = [t for t in texts if t]
    count = mark_questions_handled(texts)
    audit.record("faq.questions_dismissed", "faq_ask_log", None, actor=actor, note=f"忽略 {count} 次提问",
                 data={"texts": texts[:20]})
    return count


# --- figures of the office's reports ----------------------------------------------------------


def published_by_condition(moment: datetime):
    """Knowledge-base entries counted at ``moment``: published now, first published before it."""
    return sa.and_(FaqEntry.is_published, FaqEntry.published_at.is_not(None),
                   FaqEntry.published_at < moment)


def asked_condition(start: datetime, end: datetime):
    """Questions put to the intelligent answer in ``[start, end)`` (web and API)."""
    return sa.and_(AskLog.asked_at >= start, AskLog.asked_at < end)


def knowledge_base_size(moment: datetime) -> int:
    return int(db.session.scalar(sa.select(sa.func.count(FaqEntry.id)).where(published_by_condition(moment))) or 0)


def asked_count(start: datetime, end: datetime) -> int:
    return int(db.session.scalar(sa.select(sa.func.count(AskLog.id)).where(asked_condition(start, end))) or 0)
