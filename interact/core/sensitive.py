"""Sensitive-word filter (敏感词): one Aho–Corasick automaton over the office's word list.

Every part that accepts citizen text asks :func:`scan` and holds hits for review. The
automaton is rebuilt when the list's version stamp changes, so all workers follow edits:
the process that edits the list at once, the others within :data:`CHECK_SECONDS` (a
process reads the stamp at most that often, as the page store and the FAQ index do — one
query fewer in every submission).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import ahocorasick

from interact.core import audit
from interact.core.atomic import unique_or_conflict
from interact.core.errors import Conflict, InvalidInput
from interact.core.models import SensitiveWord, SensitiveWordLevel
from interact.core.settings import bump_version, current_version
from interact.core.textnorm import normalize
from interact.extensions import db

audit.register_actions({"sensitive_word.added": "添加敏感词", "sensitive_word.removed": "删除敏感词"},
                       targets={"sensitive_word": "敏感词"})

VERSION_KEY = "sensitive_words"
#: Seconds a process trusts the list's version stamp before reading it again.
CHECK_SECONDS = 2.0


@dataclass(frozen=True)
class Hit:
    word: str
    level: SensitiveWordLevel
    category: str


@dataclass(frozen=True)
class ScanResult:
    hits: tuple[Hit, ...]

    @property
    def needs_review(self) -> bool:
        return bool(self.hits)

    @property
    def blocked(self) -> bool:
        return any(h.level is SensitiveWordLevel.BLOCK for h in self.hits)

    @property
    def words(self) -> list[str]:
        return sorted({h.word for h in self.hits})


class WordFilter:
    """An immutable automaton over a word list."""

    def __init__(self, words: list[tuple[str, SensitiveWordLevel, str]]):
        self._automaton = ahocorasick.Automaton()
        for word, level, category in words:
            key = normalize(word)
            if key:
                self._automaton.add_word(key, Hit(word, level, category))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def scan(self, *texts: str | None) -> ScanResult:
        if self._empty:
            return ScanResult(())
        hits: dict[str, Hit] = {}
        for text in texts:
            if not text:
                continue
            for _end, hit in self._automaton.iter(normalize(text)):
                hits[hit.word] = hit
        return ScanResult(tuple(hits.values()))


@dataclass(frozen=True)
class _Cached:
    version: str | None
    filter: WordFilter
    checked_at: float


_lock = threading.Lock()
_cache: _Cached | None = None


def get_filter() -> WordFilter:
    global _cache
    now = time.monotonic()
    cached = _cache
    if cached is not None and now - cached.checked_at < CHECK_SECONDS:
        return cached.filter
    version = current_version(VERSION_KEY)
    with _lock:
        if _cache is None or _cache.version != version:
            rows = db.session.execute(
                db.select(SensitiveWord.word, SensitiveWord.level, SensitiveWord.category)
            ).all()
            _cache = _Cached(version, WordFilter([tuple(r) for r in rows]), now)
        else:
            _cache = _Cached(version, _cache.filter, now)
        return _cache.filter


def _changed() -> None:
    """The list changed in this process: bump the stamp and read it at the next scan."""
    global _cache
    bump_version(VERSION_KEY)
    with _lock:
        if _cache is not None:
            _cache = _Cached(_cache.version, _cache.filter, float("-inf"))


def scan(*texts: str | None) -> ScanResult:
    """Scan citizen text (several fields at once) against the current list."""
    return get_filter().scan(*texts)


def add_word(word: str, level: SensitiveWordLevel, category: str, *, actor) -> SensitiveWord:
    word = (word or "").strip()
    if not word or len(word) > 64:
        raise InvalidInput("敏感词不能为空，且不超过64个字符。")
    taken = f"敏感词“{word}”已存在。"
    if db.session.scalar(db.select(SensitiveWord).where(SensitiveWord.word == word)):
        raise Conflict(taken)
    row = SensitiveWord(word=word, level=level, category=category.strip())
    with unique_or_conflict(taken):  # the same word added twice at once: one row, one 409
        db.session.add(row)
    _changed()
    audit.record("sensitive_word.added", "sensitive_word", row.id, actor=actor, note=word)
    return row


def remove_word(word_id: int, *, actor) -> None:
    row = db.session.get(SensitiveWord, word_id)
    if row is None:
        raise InvalidInput("该敏感词不存在。")
    audit.record("sensitive_word.removed", "sensitive_word", row.id, actor=actor, note=row.word)
    db.session.delete(row)
    db.session.flush()
    _changed()
