"""The process-wide matching engine, kept in step with the database.

One :class:`FaqIndex` per application (per process in production) holds a
:class:`~interact.faq.matching.MatchingEngine` built from the published entries, their
similar phrasings and keywords, and the synonym groups.

Every change that affects matching calls :func:`changed`, which bumps the ``faq`` version
stamp in the ``settings`` table (``core.settings.bump_version``) and marks this process's
index stale. Each process compares the stamp at most every :data:`CHECK_SECONDS` (one
primary-key lookup), so other workers see a change within seconds and the worker that
made it sees it at once.

On a new stamp the index syncs by comparing each published entry's ``revision`` with what
it indexed: changed entries are re-added and removed ones dropped (the engine swaps its
internal snapshot atomically per call). A synonym change, the first build or a large
change rebuilds a new engine off to the side and swaps the reference. Searches never
wait for a rebuild while an engine exists: a request that finds another thread building
uses the current engine.

A process builds its first engine in a background thread started by its first request
(:func:`start_background_build`, unless ``FAQ_INDEX_WARM`` is off), never inside a request
that gunicorn's timeout could kill: a question arriving before the engine exists waits at
most ``FAQ_INDEX_WAIT_SECONDS`` and is then answered 503 (``Unavailable``) in Chinese.

With ``FAQ_SEMANTIC`` on (the default) and the ``semantic`` extra installed, the engine
also scores the sentence-embedding feature (interact/faq/semantic.py): entry texts are
embedded when they are indexed, each question once per request.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import Iterable

from flask import Flask, current_app
from sqlalchemy.orm import selectinload

from interact.core.errors import Unavailable
from interact.core.settings import bump_version, current_version
from interact.extensions import db
from interact.faq import semantic
from interact.faq.matching import DecisionModel, FaqDoc, MatchingEngine, base_model
from interact.faq.models import DecisionModelVersion, FaqEntry, FaqStatus, SynonymGroup

#: Seconds a process trusts its index before looking at the version stamp again.
CHECK_SECONDS = 2.0
#: Share of changed entries above which a sync rebuilds instead of patching.
REBUILD_SHARE = 0.2
VERSION_NAME = "faq"

_NEVER = object()
log = logging.getLogger(__name__)
_holders_lock = threading.Lock()


def doc_for(entry: FaqEntry) -> FaqDoc:
    """The engine's view of an entry."""
    return FaqDoc(
        id=entry.id,
        question=entry.question,
        phrasings=tuple(entry.phrasing_texts),
        keywords=tuple(entry.keyword_list),
    )


def load_docs(ids: Iterable[int] | None = None) -> list[FaqDoc]:
    stmt = (
        db.select(FaqEntry)
        .where(FaqEntry.status == FaqStatus.PUBLISHED)
        .options(selectinload(FaqEntry.phrasings))
        .order_by(FaqEntry.id)
    )
    if ids is not None:
        ids = list(ids)
        if not ids:
            return []
        stmt = stmt.where(FaqEntry.id.in_(ids))
    return [doc_for(entry) for entry in db.session.scalars(stmt)]


def load_synonyms() -> list[list[str]]:
    groups = db.session.scalars(db.select(SynonymGroup).order_by(SynonymGroup.id))
    return [group.term_list for group in groups if len(group.term_list) > 1]


def active_version() -> DecisionModelVersion | None:
    """The decision model version in use (``faq refit``), if any."""
    return db.session.scalar(
        db.select(DecisionModelVersion).where(DecisionModelVersion.active.is_(True))
        .order_by(DecisionModelVersion.id.desc()).limit(1)
    )


def model_of(version: DecisionModelVersion | None, semantic_features: bool | None = None) -> DecisionModel:
    """The model of a stored version, or the shipped one for None or a version that does not
    fit the engine (of the web index's kind -- with or without the semantic feature --
    unless given)."""
    if semantic_features is None:
        semantic_features = semantic_enabled()
    if version is None:
        return base_model(semantic_features)
    try:
        model = version.model
    except ValueError:  # stored before the decision features changed: refit needed
        model = None
    if model is None or model.semantic != semantic_features:
        log.warning("FAQ decision model version %s does not fit this engine's features; using the shipped one",
                    version.id)
        return base_model(semantic_features)
    return model


def load_model(semantic_features: bool | None = None) -> DecisionModel:
    """The decision model in use: the active refit version, else the one shipped."""
    return model_of(active_version(), semantic_features)


def _published_revisions() -> dict[int, int]:
    rows = db.session.execute(
        db.select(FaqEntry.id, FaqEntry.revision).where(FaqEntry.status == FaqStatus.PUBLISHED)
    )
    return {entry_id: revision for entry_id, revision in rows}


class FaqIndex:
    """Holder of one application's matching engine. Thread-safe."""

    def __init__(self, threshold: float | None = None, wait_seconds: float = 10.0, use_semantic: bool = True,
                 cache_dir: str | None = None):
        self.threshold = threshold
        #: Whether to score the semantic feature when the model's package is installed.
        self.use_semantic = use_semantic
        #: Where the sentence model keeps its memory-mapped token table (semantic.UseEmbedder).
        self.cache_dir = cache_dir
        #: How long a request waits for a first build running in the background.
        self.wait_seconds = wait_seconds
        self._background: threading.Thread | None = None
        self._engine: MatchingEngine | None = None
        self._version: object = _NEVER
        self._revisions: dict[int, int] = {}
        self._synonyms: tuple[tuple[str, ...], ...] | None = None
        self._checked_at = float("-inf")
        self._build_lock = threading.Lock()
        #: Counters for tests and the docs: full builds and incremental syncs done.
        self.builds = 0
        self.syncs = 0

    @property
    def embedder(self) -> semantic.Embedder | None:
        """The sentence embedder of this process's engines (None: lexical features only).
        Loaded on first use (~2 s, in the background build of the first engine)."""
        return semantic.default_embedder(self.cache_dir) if self.use_semantic else None

    def mark_stale(self) -> None:
        """Look at the version stamp on the next use (this process made a change)."""
        self._checked_at = float("-inf")

    def engine(self) -> MatchingEngine:
        """The current engine, synced with the database if the stamp moved (needs an
        application context)."""
        engine = self._engine
        now = time.monotonic()
        if engine is not None and now - self._checked_at < CHECK_SECONDS:
            return engine
        version = current_version(VERSION_NAME)
        self._checked_at = now
        if engine is not None and version == self._version:
            return engine
        # Only one thread builds; the others keep answering with the engine they have.
        if engine is None:
            building = self._background is not None and self._background.is_alive()
            if not self._build_lock.acquire(timeout=self.wait_seconds if building else -1):
                raise Unavailable("智能问答正在启动，请稍后再试。")
        elif not self._build_lock.acquire(blocking=False):
            return engine
        try:
            if self._engine is None or self._version != version:
                self._sync(version)
            return self._engine  # type: ignore[return-value]
        finally:
            self._build_lock.release()

    def start_background_build(self, app: Flask) -> None:
        """Build the first engine in a daemon thread (once per process). The build lock is
        taken before the thread starts, so a question arriving at once waits for this build
        instead of starting its own."""
        if self._background is not None or self._engine is not None:
            return
        with _holders_lock:
            if self._background is not None or not self._build_lock.acquire(blocking=False):
                return

            def build() -> None:
                try:
                    with app.app_context():
                        try:
                            version = current_version(VERSION_NAME)
                            self._checked_at = time.monotonic()
                            self._sync(version)
                        except Exception:  # the next question builds (or reports) it again
                            log.exception("FAQ index: background build failed")
                        finally:
                            db.session.remove()
                finally:
                    self._build_lock.release()

            self._background = threading.Thread(target=build, name="faq-index-build", daemon=True)
            self._background.start()

    def _sync(self, version: object) -> None:
        # The stamp was read before the data: a change committed in between only makes
        # the next check sync once more, never miss it.
        synonyms = tuple(tuple(group) for group in load_synonyms())
        revisions = _published_revisions()
        embedder = self.embedder
        model = load_model(embedder is not None)
        engine = self._engine
        if engine is None or synonyms != self._synonyms or engine.semantic != (embedder is not None):
            self._rebuild(revisions, synonyms, model)
        else:
            if engine.model != model:
                engine.set_model(model)
            changed = [i for i, rev in revisions.items() if self._revisions.get(i) != rev]
            removed = [i for i in self._revisions if i not in revisions]
            if len(changed) + len(removed) > max(50, REBUILD_SHARE * len(revisions)):
                self._rebuild(revisions, synonyms, model)
            else:
                for entry_id in removed:
                    engine.remove(entry_id)
                for doc in load_docs(changed):
                    engine.add(doc)
                self._revisions = revisions
                self.syncs += 1
        self._version = version

    def _rebuild(self, revisions: dict[int, int], synonyms: tuple[tuple[str, ...], ...],
                 model: DecisionModel) -> None:
        engine = MatchingEngine(load_docs(), synonyms, threshold=self.threshold, model=model,
                                embedder=self.embedder)
        # Swap the references only once the new engine is complete.
        self._engine = engine
        self._revisions = revisions
        self._synonyms = synonyms
        self.builds += 1


def get_index(app: Flask | None = None) -> FaqIndex:
    """The index of ``app`` (default: the current application), created on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    holder = app.extensions.get("faq_index")
    if holder is None:
        with _holders_lock:
            holder = app.extensions.get("faq_index")
            if holder is None:
                holder = FaqIndex(threshold=app.config.get("FAQ_ANSWER_THRESHOLD"),
                                  wait_seconds=float(app.config.get("FAQ_INDEX_WAIT_SECONDS", 10)),
                                  use_semantic=bool(app.config.get("FAQ_SEMANTIC", True)),
                                  cache_dir=os.path.join(app.instance_path, "cache"))
                app.extensions["faq_index"] = holder
    return holder


def semantic_enabled() -> bool:
    """Whether this application's engine scores the semantic feature."""
    return get_index().embedder is not None


def get_engine() -> MatchingEngine:
    return get_index().engine()


def changed() -> None:
    """Call after any change that affects matching (inside the caller's transaction)."""
    bump_version(VERSION_NAME)
    get_index().mark_stale()
