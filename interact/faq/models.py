"""Knowledge-base tables: categories, entries, similar phrasings, revisions, synonyms,
the ask log (未命中问题 come from it) and import jobs."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from interact.core import clock
from interact.core.enums import LabeledEnum
from interact.db import TimestampMixin, _utcnow, str_enum
from interact.departments.models import Department
from interact.extensions import db
from interact.faq.matching import DecisionModel


class FaqStatus(LabeledEnum):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤下"


#: Colour of the status tag on the staff pages (``tag-<tone>``).
STATUS_TONES = {FaqStatus.DRAFT: "amber", FaqStatus.PUBLISHED: "green", FaqStatus.WITHDRAWN: "muted"}


class RevisionAction(LabeledEnum):
    """What a revision of an entry records (``FaqRevision.action``)."""

    CREATED = "created", "创建"
    UPDATED = "updated", "修改"
    PUBLISHED = "published", "发布"
    WITHDRAWN = "withdrawn", "撤下"
    DISCARDED = "discarded", "放弃草稿"
    MERGED = "merged", "合并"
    MERGED_AWAY = "merged_away", "被合并"
    PHRASING_ADDED = "phrasing_added", "加入相似问法"
    IMPORTED = "imported", "导入"


#: The fields of an entry's content (revision snapshots) and their names.
FIELD_LABELS = {
    "question": "标准问题", "answer_html": "答案", "phrasings": "相似问法", "category_id": "分类",
    "department_id": "部门", "keywords": "关键词", "status": "状态", "review_by": "复核日期",
}


class FaqCategory(TimestampMixin, db.Model):
    """A node of the category tree (e.g. 社会保障 › 社保卡)."""

    __tablename__ = "faq_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    #: Parent category; NULL for a top-level category.
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("faq_categories.id"), index=True)
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    sort_order: Mapped[int] = mapped_column(default=100)

    parent: Mapped[Optional["FaqCategory"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["FaqCategory"]] = relationship(
        back_populates="parent", order_by="(FaqCategory.sort_order, FaqCategory.id)"
    )

    @property
    def path(self) -> str:
        """Names from the root, joined with " / " (used by import and export)."""
        names = []
        node: FaqCategory | None = self
        seen: set[int] = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name)
            node = node.parent
        return " / ".join(reversed(names))

    def __repr__(self) -> str:
        return f"<FaqCategory {self.id} {self.name}>"


class FaqEntry(TimestampMixin, db.Model):
    """A knowledge-base entry: a standard question and its answer."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The standard question (标准问题).
    question: Mapped[str] = mapped_column(sa.String(200))
    #: ``textnorm.match_text`` of the question: finds duplicate standard questions.
    question_key: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    #: The answer as sanitised HTML (``core.sanitize.clean_html`` on every save).
    answer_html: Mapped[str] = mapped_column(sa.Text, default="")
    category_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("faq_categories.id"), index=True)
    #: Department responsible for the answer's content; NULL for city-wide entries.
    department_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    #: Retrieval keywords, separated by spaces.
    keywords: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[FaqStatus] = mapped_column(str_enum(FaqStatus, 16), default=FaqStatus.DRAFT, index=True)
    #: Date by which a curator should check the answer is still right (复核日期).
    review_by: Mapped[Optional[date]]
    #: Times the entry was shown as an answer or opened.
    hits: Mapped[int] = mapped_column(default=0)
    helpful: Mapped[int] = mapped_column(default=0)
    not_helpful: Mapped[int] = mapped_column(default=0)
    #: The consultation letter this entry was drafted from (no FK: letters is optional).
    source_letter_id: Mapped[Optional[int]] = mapped_column(index=True)
    #: Set when the entry was merged into another; its page redirects there.
    merged_into_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("faq_entries.id"))
    #: Incremented on every change of the indexed content; the matching index compares it.
    revision: Mapped[int] = mapped_column(default=1)
    published_at: Mapped[Optional[datetime]]
    withdrawn_at: Mapped[Optional[datetime]]
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    category: Mapped[Optional[FaqCategory]] = relationship()
    department: Mapped[Optional[Department]] = relationship()
    phrasings: Mapped[list["FaqPhrasing"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="FaqPhrasing.id"
    )

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def status_tone(self) -> str:
        return STATUS_TONES[self.status]

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.split() if k]

    @property
    def phrasing_texts(self) -> list[str]:
        return [p.text for p in self.phrasings]

    @hybrid_property
    def is_published(self) -> bool:
        """Public: shown to citizens, matched by the intelligent answer, counted as published."""
        return self.status is FaqStatus.PUBLISHED

    @is_published.inplace.expression
    @classmethod
    def _is_published_expression(cls):
        return cls.status == FaqStatus.PUBLISHED

    @hybrid_property
    def review_due(self) -> bool:
        """Published and past its review date (listed for curators)."""
        return (
            self.is_published and self.review_by is not None and self.review_by < clock.today()
        )

    @review_due.inplace.expression
    @classmethod
    def _review_due_expression(cls):
        # Built when the query is built, so "today" is the clock's today at that moment.
        return sa.and_(cls.is_published, cls.review_by.is_not(None), cls.review_by < clock.today())

    def __repr__(self) -> str:
        return f"<FaqEntry {self.id} {self.question[:20]}>"


class FaqPhrasing(db.Model):
    """A similar phrasing (相似问法) of an entry's question."""

    __tablename__ = "faq_phrasings"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("faq_entries.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.String(200))

    entry: Mapped[FaqEntry] = relationship(back_populates="phrasings")


class FaqRevision(db.Model):
    """One change of an entry with its content after the change (change history)."""

    __tablename__ = "faq_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("faq_entries.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(default=_utcnow)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(80), default="系统")
    #: created / updated / published / withdrawn / discarded / merged / phrasing_added / imported.
    action: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Snapshot of the entry's content before and after (``{"before": …, "after": …}``).
    data: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)

    @property
    def action_label(self) -> str:
        try:
            return RevisionAction(self.action).label
        except ValueError:
            return "修改"

    @property
    def changed_fields(self) -> list[str]:
        """Names of the fields this revision changed (empty for a new entry)."""
        before, after = (self.data or {}).get("before"), (self.data or {}).get("after") or {}
        if not before:
            return []
        return [FIELD_LABELS.get(key, "其他") for key, value in after.items() if before.get(key) != value]

    @property
    def previous_question(self) -> str | None:
        """The standard question before this revision, when it changed."""
        before, after = (self.data or {}).get("before"), (self.data or {}).get("after") or {}
        if before and before.get("question") != after.get("question"):
            return before.get("question")
        return None


class SynonymGroup(TimestampMixin, db.Model):
    """Words that mean the same for matching (公积金 = 住房公积金)."""

    __tablename__ = "faq_synonym_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The words, first one canonical, separated by single spaces.
    terms: Mapped[str] = mapped_column(sa.String(500))

    @property
    def term_list(self) -> list[str]:
        return [t for t in self.terms.split(" ") if t]


class AskLog(db.Model):
    """One question asked to the intelligent answer. Never holds personal data: the text is
    normalised and phone, ID and card numbers are masked before it is stored."""

    __tablename__ = "faq_ask_logs"
    __table_args__ = (
        # 热门问题's count of the different askers answered with each entry over the last
        # POPULAR_DAYS (``services.popular_entries``), read from the index alone.
        sa.Index("ix_faq_ask_logs_popular", "answered", "asked_at", "best_entry_id", "asker"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(default=_utcnow, index=True)
    #: Normalised, masked question text.
    text: Mapped[str] = mapped_column(sa.String(200))
    #: Best-matching entry (even when not answered); no FK so logs survive deletions.
    best_entry_id: Mapped[Optional[int]] = mapped_column(index=True)
    confidence: Mapped[float] = mapped_column(default=0.0)
    answered: Mapped[bool] = mapped_column(default=False, index=True)
    #: ``web`` (the ask page) or ``api``.
    source: Mapped[str] = mapped_column(sa.String(8), default="web")
    #: Set when a curator dealt with the question (added it as a phrasing, created an
    #: entry or dismissed it); handled questions leave the unanswered list.
    handled_at: Mapped[Optional[datetime]]
    #: Who asked, that Beijing day: a keyed digest (HMAC of the secret key) of the day and
    #: the client's address as the rate limits count it, never the address; a new digest
    #: each day, so no asker is followed from one day to the next. None for a question
    #: asked without a client (a script of ours). 热门问题 count one asker once a day.
    asker: Mapped[Optional[str]] = mapped_column(sa.String(16))


class ImportStatus(LabeledEnum):
    PENDING = "pending", "排队中"
    VALIDATING = "validating", "正在检查"
    APPLYING = "applying", "正在分批写入（中断后自动续写）"
    DONE = "done", "完成"
    FAILED = "failed", "失败"


class FaqImportJob(db.Model):
    """An import of a JSONL/CSV/XLSX file: a dry run, or the real import, with progress."""

    __tablename__ = "faq_import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: File name as uploaded (display only).
    filename: Mapped[str] = mapped_column(sa.String(200))
    #: jsonl / csv / xlsx.
    file_format: Mapped[str] = mapped_column(sa.String(8))
    #: Random name of the uploaded file under ``instance/faq_imports``.
    stored_key: Mapped[str] = mapped_column(sa.String(40))
    #: A dry run only reports; the real import writes all rows or none.
    dry_run: Mapped[bool] = mapped_column(default=True)
    status: Mapped[ImportStatus] = mapped_column(str_enum(ImportStatus, 16), default=ImportStatus.PENDING)
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    #: ``{"counts": {...}, "rows": [{"line", "outcome", "question", "reasons"}]}``.
    report: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    finished_at: Mapped[Optional[datetime]]
    #: Last sign of life of the process running the job (set at every progress commit);
    #: an old heartbeat means that process died and the job is resumed (core.tasks).
    heartbeat_at: Mapped[Optional[datetime]]
    #: Runs started (the first and each resumption after a dead process).
    attempts: Mapped[int] = mapped_column(default=0)
    #: One-time token of the 上传并预检 form that made this dry run: the form sent again (a
    #: double click, also at the same instant) gets this job (``core.atomic.create_once``).
    form_token: Mapped[Optional[str]] = mapped_column(sa.String(64), unique=True)

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def failed(self) -> bool:
        return self.status is ImportStatus.FAILED

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.finished else 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))


class ExampleKind(LabeledEnum):
    """A curator's decision on a question from the unanswered list (or a merge)."""

    PHRASING = "phrasing", "加入为相似问法"  # added as a similar phrasing of ``entry``
    NEW_ENTRY = "new_entry", "新建条目"  # a new entry was written for it
    NO_ANSWER = "no_answer", "不应给出答案"  # no answer should be given
    MERGED = "merged", "合并条目"  # a merged duplicate's wording, now a phrasing of ``entry``


class CuratorExample(db.Model):
    """A labelled example for the answer decision: a question and what a curator said
    about it. ``faq refit`` learns from these (interact/faq/learning.py)."""

    __tablename__ = "faq_curator_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The question as logged (normalised, personal data masked).
    question: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ExampleKind] = mapped_column(str_enum(ExampleKind, 16))
    #: The entry that answers the question; NULL for ``no_answer``.
    entry_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("faq_entries.id", ondelete="SET NULL"), index=True)

    @property
    def should_answer(self) -> bool:
        return self.kind is not ExampleKind.NO_ANSWER



class DecisionModelVersion(db.Model):
    """A decision model made by ``faq refit``. At most one is active; none active means
    the model shipped with the code (version 0)."""

    __tablename__ = "faq_decision_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    #: The model (``DecisionModel.stored``): logistic coefficients in ``matching.DECISION_FEATURES``
    #: order, or a boosted tree model as a dict (semantic features).
    coef: Mapped[Any] = mapped_column(sa.JSON)
    threshold: Mapped[float]
    #: Curator examples it was fitted on (the held-back ones excluded).
    examples: Mapped[int] = mapped_column(default=0)
    #: ``{"held_back": n, "before": {...}, "after": {...}, "base": {...}}`` from the refit.
    report: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)
    active: Mapped[bool] = mapped_column(default=False)
    #: Why it is (not) in use: "swapped in", "worse on held-back examples", "rolled back" ...
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    @property
    def model(self) -> DecisionModel:
        return DecisionModel.from_stored(self.coef, float(self.threshold), self.id)


class RefitStatus(LabeledEnum):
    PENDING = "pending", "排队中"
    RUNNING = "running", "正在训练"
    DONE = "done", "完成"
    FAILED = "failed", "失败"


class FaqRefitJob(db.Model):
    """A refit of the decision model asked for on the decision-model page, run by the
    background worker (``learning.run_next_refit``), never inside the request."""

    __tablename__ = "faq_refit_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[RefitStatus] = mapped_column(str_enum(RefitStatus, 16), default=RefitStatus.PENDING, index=True)
    #: The version the refit stored (in use or not, see its note); NULL when there were too
    #: few examples or the job failed.
    version_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("faq_decision_models.id", ondelete="SET NULL"))
    #: The refit's outcome in Chinese (``RefitResult.message``) or why it failed.
    message: Mapped[str] = mapped_column(sa.String(500), default="")
    finished_at: Mapped[Optional[datetime]]
    #: Last sign of life of the process running it; an old one means that process died.
    heartbeat_at: Mapped[Optional[datetime]]
    attempts: Mapped[int] = mapped_column(default=0)

    @property
    def finished(self) -> bool:
        return self.status in (RefitStatus.DONE, RefitStatus.FAILED)

    @property
    def failed(self) -> bool:
        return self.status is RefitStatus.FAILED

