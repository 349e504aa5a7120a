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

**File mode** (the default outside tests; ``FAQ_INDEX_IN_MEMORY`` turns it off): the engine
is built once per machine by :func:`build_file` (``flask faq build-index``, started as a
child process by the worker that finds no current file; one build per machine under an
``flock``) into a file of ``FAQ_INDEX_DIR`` (:mod:`interact.faq.indexfile`), and every
worker maps the newest file read-only (``MatchingEngine.from_arrays``). On a new stamp a
worker applies the entries changed since its file (at most ``FAQ_INDEX_FILE_DELTA``;
removals always) on top of it and asks for a new file; until that file is there it answers
from the one it has. Each machine builds its own file from the shared database: nothing
but the database is shared. docs/deployment.md, "The FAQ index file".
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from flask import Flask, current_app
from sqlalchemy.orm import selectinload

from interact.core.errors import Unavailable
from interact.core.settings import bump_version, current_version
from interact.extensions import db
from interact.faq import indexfile, semantic
from interact.faq.matching import DecisionModel, FaqDoc, MatchingEngine, Result, base_model
from interact.faq.models import DecisionModelVersion, FaqEntry, SynonymGroup

#: Seconds a process trusts its index before looking at the version stamp again.
CHECK_SECONDS = 2.0
#: Share of changed entries above which a sync rebuilds instead of patching.
REBUILD_SHARE = 0.2
#: File mode: a process asks for a new file at most this often.
REQUEST_SECONDS = 30.0
#: File mode: how long a new process's background start waits for a first file.
FIRST_FILE_WAIT_SECONDS = 600.0
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
        .where(FaqEntry.is_published)
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


def load_declined() -> list[str]:
    """The questions curators marked 不应给出答案 (their latest decision)."""
    from interact.faq import learning  # learning builds engines through this module

    return learning.declined_questions()


def _published_revisions() -> dict[int, int]:
    rows = db.session.execute(
        db.select(FaqEntry.id, FaqEntry.revision).where(FaqEntry.is_published)
    )
    return {entry_id: revision for entry_id, revision in rows}


# --- the index file -----------------------------------------------------------------------

FILE_PREFIX = "faq-index-"
FILE_SUFFIX = ".bin"
LOCK_NAME = "build.lock"
#: Arrays of the file read with ``pread`` instead of mapped (indexfile.FileRows): the rows'
#: embeddings (138 MB at 135k entries), of which a question reads its candidates' rows
#: only, the postings (a question reads the slices of its terms) and the texts and
#: segmentations (its candidates') — mapped, under load nearly all of them ended up in every
#: worker's RSS (the embeddings 138 MB; the rest 31 MB at 135k entries). What stays mapped
#: is what every question searches: the terms and the small per-entry offset arrays.
UNMAPPED = ("main.vecs", "main.rows", "main.w", "main.segs_blob", "main.texts_blob", "main.extra_blob")
#: Files kept besides the newest (a worker may still map an older one; deleting it is safe).
KEEP_FILES = 1


def code_fingerprint() -> str:
    """Changes with the code that decides what an index holds (text normalisation,
    segmentation, terms, the file layout): a file of other code is never used."""
    from interact.core import segment, textnorm
    from interact.faq import indexfile, introduction, matching

    digest = hashlib.sha1()
    for module in (matching, introduction, textnorm, segment, indexfile, semantic):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(str(getattr(segment.jieba, "__version__", "")).encode())
    return digest.hexdigest()[:16]


def index_dir(app: Flask) -> Path | None:
    """Where ``app`` keeps its index file (``FAQ_INDEX_DIR``, default
    ``instance/faq-index``); None with ``FAQ_INDEX_IN_MEMORY`` (each process builds its
    own index in memory: tests, small knowledge bases)."""
    if app.config.get("FAQ_INDEX_IN_MEMORY"):
        return None
    return Path(app.config.get("FAQ_INDEX_DIR") or Path(app.instance_path) / "faq-index")


def newest_file(directory: Path) -> Path | None:
    """The most recently written index file in *directory*."""
    try:
        files = [e for e in os.scandir(directory) if e.name.startswith(FILE_PREFIX) and e.name.endswith(FILE_SUFFIX)]
    except FileNotFoundError:
        return None
    if not files:
        return None
    return Path(max(files, key=lambda e: (e.stat().st_mtime_ns, e.name)).path)


#: The environment variable through which a worker hands the build lock it took to the
#: ``flask faq build-index`` process it starts: the number of the lock's descriptor, which
#: the child inherits (attack L9).
LOCK_FD_ENV = "INTERACT_FAQ_BUILD_LOCK_FD"


#: Longest a build may hold the build lock, in seconds (``FAQ_INDEX_BUILD_SECONDS``): a
#: ``faq build-index`` process ends itself then, and one still holding the lock after it
#: (stopped, stuck in the kernel) is stopped by the next worker or build that wants it —
#: before, a hung build kept every later change of the knowledge base out of the file.
BUILD_SECONDS = 3600.0
#: How long a process that stopped an overdue build waits for the lock to come free.
STOP_WAIT_SECONDS = 5.0


def _started(pid: int) -> str | None:
    """When process *pid* started (``/proc/<pid>/stat``, clock ticks since boot), so that a
    process id used again by another process is never taken for the build's; None when
    there is no such process (or no ``/proc``)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[19] if len(fields) > 19 else None


def build_seconds(app: Flask | None = None) -> float:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return float(app.config.get("FAQ_INDEX_BUILD_SECONDS") or BUILD_SECONDS)


class _BuildLock:
    """An exclusive ``flock`` on ``build.lock`` in the index folder: one build per
    machine at a time (held by the building process for its whole build).

    The file itself says who holds the lock and until when (:meth:`record`: the process
    id, its start time and a deadline); :meth:`take` stops a build process that holds the
    lock past its deadline, so a hung build never blocks the builds after it.

    A worker that asks for a build takes it before starting the building process and hands
    the descriptor to it (:data:`LOCK_FD_ENV`): ``flock`` belongs to the open file, which
    parent and child then share, so the lock is held from the moment the build is asked
    for — not only once the child has loaded the application (10-40 s), a window in which
    every other worker that noticed the change started a build of its own."""

    def __init__(self, directory: Path, fd: int | None = None):
        if fd is None:
            directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        self._fd = fd

    @property
    def fd(self) -> int:
        return self._fd

    def acquire(self) -> bool:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def close(self) -> None:
        os.close(self._fd)  # releases the lock (once no other process shares the open file)

    def record(self, pid: int, seconds: float, kind: str = "process") -> None:
        """Write in the lock file (held) who builds and until when. *kind* "process": a
        ``faq build-index`` process, stopped by :meth:`take` once overdue; "thread": a
        worker's thread, never stopped from outside (that would stop the worker)."""
        holder = {"pid": pid, "started": _started(pid), "deadline": time.time() + seconds, "kind": kind}
        data = json.dumps(holder).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def holder(self) -> dict:
        """What the holder of the lock recorded (:meth:`record`); {} when nothing readable."""
        try:
            found = json.loads(os.pread(self._fd, 4096, 0) or b"{}")
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def take(self) -> bool:
        """:meth:`acquire`, or — when the lock is held by a build process past its
        deadline — stop that process (``SIGKILL``: it ignored its own alarm) and take the
        lock once it is free. A holder within its deadline, a worker's build thread, and a
        process id now used by another process are left alone."""
        if self.acquire():
            return True
        holder = self.holder()
        pid, deadline = holder.get("pid"), holder.get("deadline")
        if not isinstance(pid, int) or not isinstance(deadline, (int, float)) or time.time() < deadline:
            return False
        if holder.get("kind") != "process" or pid in (0, os.getpid()) or holder.get("started") is None \
                or _started(pid) != holder["started"]:
            log.warning("FAQ index: the build lock is held past its deadline (%s); not stopping it", holder)
            return False
        log.warning("FAQ index: the build in process %s held the build lock past its deadline; stopping it", pid)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            log.info("FAQ index: process %s had ended already", pid)  # its lock is free, or soon
        except PermissionError:
            log.warning("FAQ index: the build in process %s cannot be stopped from here", pid)
            return False
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while time.monotonic() < deadline:  # its descriptors close as it exits
            if self.acquire():
                return True
            time.sleep(0.05)
        return False

    @classmethod
    def inherited(cls, directory: Path) -> _BuildLock | None:
        """The lock of *directory* handed to this process by the worker that started it
        (:data:`LOCK_FD_ENV`), or None: not started so, or the descriptor is not that
        folder's lock file."""
        value = os.environ.pop(LOCK_FD_ENV, None)
        if not value:
            return None
        try:
            fd = int(value)
            held, lock_file = os.fstat(fd), os.stat(directory / LOCK_NAME)
        except (ValueError, OSError):
            return None
        if (held.st_dev, held.st_ino) != (lock_file.st_dev, lock_file.st_ino):
            return None
        return cls(directory, fd)


def building(directory: Path) -> bool:
    """Whether a process of this machine is building an index file now."""
    lock = _BuildLock(directory)
    try:
        return not lock.acquire()
    finally:
        lock.close()


def build_file(directory: Path, force: bool = False, lock: _BuildLock | None = None) -> Path | None:
    """Build the index of the published entries and write it to *directory* (needs an
    application context). Returns the file, or None when another process is building.
    Skipped (the newest file returned) when that file already is of the current version
    stamp and code, unless *force*. *lock*: the build lock, already taken by whoever
    asked for this build (closed here); by default the lock handed to this process by the
    worker that started it, else one taken now."""
    handed = lock or _BuildLock.inherited(directory)
    lock = handed or _BuildLock(directory)
    try:
        if handed is not None:
            if not lock.acquire():  # (held already: taken by whoever handed it)
                return None
        elif lock.take():
            lock.record(os.getpid(), build_seconds())
        else:
            return None
        version = current_version(VERSION_NAME)
        fingerprint = code_fingerprint()
        newest = newest_file(directory)
        if newest is not None and not force:
            try:
                meta = indexfile.read_meta(newest)
            except (OSError, indexfile.IndexFileError):
                meta = {}
            if meta.get("version") == version and meta.get("code") == fingerprint:
                return newest
        started = time.perf_counter()
        # The stamp was read before the data: a change committed meanwhile only makes the
        # workers apply it on top of this file (or ask for the next one).
        revisions = _published_revisions()
        synonyms = load_synonyms()
        docs = load_docs()
        engine = MatchingEngine(docs, synonyms, embedder=get_index().embedder)
        del docs
        meta, arrays = engine.arrays()
        ids = np.fromiter(revisions, dtype=np.int64, count=len(revisions))
        order = np.argsort(ids)
        arrays["revision.ids"] = ids[order]
        arrays["revision.values"] = np.fromiter(revisions.values(), dtype=np.int64, count=len(revisions))[order]
        meta.update(version=version, code=fingerprint, built_at=time.time(),
                    build_seconds=round(time.perf_counter() - started, 2))
        path = directory / f"{FILE_PREFIX}{int(time.time() * 1000)}-{(version or 'none')[:12]}{FILE_SUFFIX}"
        indexfile.write(path, meta, arrays)
        os.utime(path)  # newest by modification time, whatever the file system's rename does
        old = sorted((p for p in directory.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}") if p != path),
                     key=lambda p: p.stat().st_mtime_ns)
        for stale in old[: max(len(old) - KEEP_FILES, 0)]:
            stale.unlink(missing_ok=True)
        log.info("FAQ index file %s: %d entries, %d rows in %.1f s", path.name, meta["entries"], meta["rows"],
                 meta["build_seconds"])
        return path
    finally:
        lock.close()


@dataclass
class _Loaded:
    """An index file mapped by this process."""

    path: Path
    meta: dict
    arrays: dict[str, np.ndarray]

    def revisions(self) -> dict[int, int]:
        return dict(zip(self.arrays["revision.ids"].tolist(), self.arrays["revision.values"].tolist()))


class FaqIndex:
    """Holder of one application's matching engine. Thread-safe.

    Two ways to hold it: in this process's memory (``directory`` None: built from the
    database, synced entry by entry), or mapped from an index file in ``directory``
    (file mode: see the module docstring)."""

    def __init__(self, threshold: float | None = None, wait_seconds: float = 10.0, use_semantic: bool = True,
                 cache_dir: str | None = None, directory: Path | None = None, builder: str = "process",
                 file_delta: int = 500, app: Flask | None = None, answer_memo: int = 0):
        self.threshold = threshold
        #: How many answers :meth:`answer` remembers (0: none).
        self.answer_memo = answer_memo
        self._answers: OrderedDict[str, Result] = OrderedDict()
        self._answers_generation: tuple[int, int] | None = None
        self._answers_lock = threading.Lock()
        #: Whether to score the semantic feature when the model's package is installed.
        self.use_semantic = use_semantic
        #: Where the sentence model keeps its memory-mapped token table (semantic.UseEmbedder).
        self.cache_dir = cache_dir
        #: How long a request waits for a first build running in the background.
        self.wait_seconds = wait_seconds
        self.directory = directory
        #: File mode: "process" builds a new file in a child process (``flask faq
        #: build-index``), "thread" in a thread of this process.
        self.builder = builder
        #: File mode: at most this many changed entries are applied on top of the file.
        self.file_delta = file_delta
        self._app = app
        self._background: threading.Thread | None = None
        self._engine: MatchingEngine | None = None
        self._version: object = _NEVER
        self._revisions: dict[int, int] = {}
        self._synonyms: tuple[tuple[str, ...], ...] | None = None
        self._loaded: _Loaded | None = None
        self._build_requested = float("-inf")
        self._checked_at = float("-inf")
        self._build_lock = threading.Lock()
        #: Counters for tests and the docs: full builds, incremental syncs, files mapped.
        self.builds = 0
        self.syncs = 0
        self.loads = 0
        #: File mode: entries changed since the file that are not applied yet (a new file
        #: is on its way), and when the newest file was last looked for.
        self.pending = 0

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
        if engine is not None and version == self._version and not self._newer_file():
            return engine
        # Only one thread builds; the others keep answering with the engine they have.
        if engine is None:
            building_now = self._background is not None and self._background.is_alive()
            if not self._build_lock.acquire(timeout=self.wait_seconds if building_now else -1):
                raise Unavailable("智能问答正在启动，请稍后再试。")
        elif not self._build_lock.acquire(blocking=False):
            return engine
        try:
            if self._engine is None or self._version != version or self._newer_file():
                self._sync(version)
            if self._engine is None:
                raise Unavailable("智能问答正在启动，请稍后再试。")
            return self._engine
        finally:
            self._build_lock.release()

    def answer(self, question: str) -> tuple[MatchingEngine, Result]:
        """The current engine and its answer to ``question``, remembered per question text
        until the engine changes: a question asked again (most are: 公积金怎么提取) is not
        scored again. Every change of the engine — a build, a sync applying changed
        entries, another file mapped — moves ``(builds, syncs)`` once it is complete; an
        answer is looked up and kept only when that pair is the same before and after
        the engine was taken (a change under way is answered without the memo)."""
        before = (self.builds, self.syncs)
        engine = self.engine()
        generation = (self.builds, self.syncs)
        if self.answer_memo <= 0 or generation != before:
            return engine, engine.answer(question)
        with self._answers_lock:
            if self._answers_generation != generation:
                self._answers.clear()
                self._answers_generation = generation
            result = self._answers.get(question)
            if result is not None:
                self._answers.move_to_end(question)
                return engine, result
        result = engine.answer(question)
        with self._answers_lock:
            if self._answers_generation == generation:
                self._answers[question] = result
                while len(self._answers) > self.answer_memo:
                    self._answers.popitem(last=False)
        return engine, result

    def start_background_build(self, app: Flask) -> None:
        """Build (or map) the first engine in a daemon thread (once per process). The build
        lock is taken before the thread starts, so a question arriving at once waits for
        this build instead of starting its own."""
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
                            self._sync(version, wait=FIRST_FILE_WAIT_SECONDS)
                        except Exception:  # the next question builds (or reports) it again
                            log.exception("FAQ index: background build failed")
                        finally:
                            db.session.remove()
                finally:
                    self._build_lock.release()

            self._background = threading.Thread(target=build, name="faq-index-build", daemon=True)
            self._background.start()

    def _sync(self, version: object, wait: float | None = None) -> None:
        if self.directory is not None:
            self._sync_file(version, self.wait_seconds if wait is None else wait)
            return
        # The stamp was read before the data: a change committed in between only makes
        # the next check sync once more, never miss it.
        synonyms = tuple(tuple(group) for group in load_synonyms())
        revisions = _published_revisions()
        embedder = self.embedder
        model = load_model(embedder is not None)
        declined = load_declined()
        engine = self._engine
        if engine is None or synonyms != self._synonyms or engine.semantic != (embedder is not None):
            self._rebuild(revisions, synonyms, model, declined)
        else:
            if engine.model != model:
                engine.set_model(model)
            engine.set_declined(declined)
            changed = [i for i, rev in revisions.items() if self._revisions.get(i) != rev]
            removed = [i for i in self._revisions if i not in revisions]
            if len(changed) + len(removed) > max(50, REBUILD_SHARE * len(revisions)):
                self._rebuild(revisions, synonyms, model, declined)
            else:
                engine.update_many(load_docs(changed), removed)
                self._revisions = revisions
                self.syncs += 1
        self._version = version

    def _rebuild(self, revisions: dict[int, int], synonyms: tuple[tuple[str, ...], ...],
                 model: DecisionModel, declined: list[str]) -> None:
        engine = MatchingEngine(load_docs(), synonyms, threshold=self.threshold, model=model,
                                embedder=self.embedder)
        engine.set_declined(declined)
        # Swap the references only once the new engine is complete.
        self._engine = engine
        self._revisions = revisions
        self._synonyms = synonyms
        self.builds += 1

    # --- file mode ---------------------------------------------------------------------

    def _newer_file(self) -> bool:
        if self.directory is None:
            return False
        newest = newest_file(self.directory)
        return newest is not None and (self._loaded is None or newest != self._loaded.path)

    def _load_newest(self) -> None:
        """Map the newest usable file (one of this code) if it is not mapped yet."""
        newest = newest_file(self.directory)
        if newest is None or (self._loaded is not None and newest == self._loaded.path):
            return
        try:
            meta, arrays = indexfile.read(newest, unmapped=UNMAPPED)
        except (OSError, indexfile.IndexFileError) as exc:
            log.warning("FAQ index file %s unreadable: %s", newest, exc)
            return
        embedder = self.embedder
        if meta.get("code") != code_fingerprint() or meta.get("embedder") != (embedder and embedder.name):
            return  # written by other code or for another embedder: a build of this code replaces it
        self._loaded = _Loaded(newest, meta, arrays)
        self.loads += 1

    def _sync_file(self, version: object, wait: float) -> None:
        """The engine of the newest index file plus the changes made since it was written
        (at most ``file_delta`` entries; removals always). A file of another version,
        other synonyms or too many changes asks this machine for a new file, and answers
        from the one it has meanwhile."""
        self._load_newest()
        if self._loaded is None:  # no file yet on this machine: build one, wait a little
            self._request_build()
            deadline = time.monotonic() + wait
            while self._loaded is None and time.monotonic() < deadline:
                time.sleep(0.1)
                self._load_newest()
            if self._loaded is None:
                return
        loaded = self._loaded
        embedder = self.embedder
        engine = MatchingEngine.from_arrays(loaded.meta, loaded.arrays, threshold=self.threshold,
                                            model=load_model(embedder is not None), embedder=embedder)
        self.pending = 0
        if loaded.meta.get("version") != version:
            # Every change bumps the stamp: only a file of another stamp can differ from
            # the database (a new worker of a current file reads no entry at all; a
            # database that never recorded a change has no stamp, nor has its file).
            revisions = _published_revisions()
            file_revisions = loaded.revisions()
            changed = [i for i, rev in revisions.items() if file_revisions.get(i) != rev]
            removed = [i for i in file_revisions if i not in revisions]
            applied = changed if len(changed) <= self.file_delta else []
            if applied or removed:
                engine.update_many(load_docs(applied), removed)
            self.pending = len(changed) - len(applied)
            self._request_build()
        engine.set_declined(load_declined())
        self._engine = engine
        self._version = version
        self.syncs += 1

    def _request_build(self) -> None:
        """Start building a new file on this machine unless one is being built (or was
        asked for by this process less than ``REQUEST_SECONDS`` ago)."""
        now = time.monotonic()
        if now - self._build_requested < REQUEST_SECONDS:
            return
        # The build lock is taken here and handed to the build: a worker that notices the
        # change while it is being built starts none (attack L9).
        lock = _BuildLock(self.directory)
        if not lock.take():
            lock.close()
            return
        self._build_requested = now
        app = self._app or current_app._get_current_object()  # type: ignore[attr-defined]
        seconds = build_seconds(app)
        if self.builder == "thread":
            lock.record(os.getpid(), seconds, kind="thread")
            def run() -> None:
                with app.app_context():
                    try:
                        build_file(self.directory, lock=lock)
                    except Exception:
                        log.exception("FAQ index: building the file failed")
                    finally:
                        db.session.remove()

            try:
                threading.Thread(target=run, name="faq-index-file", daemon=True).start()
            except BaseException:
                lock.close()
                raise
            return
        env = {**os.environ, "INTERACT_FAQ_INDEX_DIR": str(self.directory), LOCK_FD_ENV: str(lock.fd)}
        if app.config.get("DATABASE_URL"):
            env["INTERACT_DATABASE_URL"] = app.config["DATABASE_URL"]
        package_parent = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "interact", "faq", "build-index"],
                env=env, cwd=package_parent, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                start_new_session=True,  # a worker's restart does not stop the build
                pass_fds=(lock.fd,),  # the child holds the lock from now until its build ends
            )
            lock.record(process.pid, seconds)  # (its own alarm ends it then; take() after)
        finally:
            lock.close()  # this worker's copy; the child's keeps the lock
        # Reap it when it ends (no zombie); nobody waits on this thread.
        threading.Thread(target=process.wait, name="faq-index-builder", daemon=True).start()
        log.info("FAQ index: building a new file in process %s", process.pid)


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
                                  cache_dir=os.path.join(app.instance_path, "cache"),
                                  directory=index_dir(app), builder=app.config.get("FAQ_INDEX_BUILDER", "process"),
                                  file_delta=int(app.config.get("FAQ_INDEX_FILE_DELTA", 500)), app=app,
                                  answer_memo=int(app.config.get("FAQ_ANSWER_MEMO", 0)))
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
