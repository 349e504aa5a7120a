"""The FAQ index file: named numpy arrays in one file, memory-mapped read-only.

Layout (little-endian)::

    b"IFAQIDX1"                      8 bytes, the format
    header length                    8 bytes, unsigned
    header                           JSON, UTF-8: {"meta": {...}, "arrays": {name: {"dtype", "shape", "offset"}}}
    arrays                           each at a 64-byte aligned offset from the file's start

Every process that reads a file maps it (``mmap``, read-only) and gets numpy arrays that
are views of the mapping: nothing is copied, the pages are the kernel's page cache, shared
by every worker on the machine and loaded only where a query touches them.

The writer (:func:`write`) writes a temporary file next to the target, fsyncs it and
renames it into place, so a reader sees a complete file or none; a reader keeps its
mapping of a file that has been replaced or deleted meanwhile.

An array named in ``read(…, unmapped=…)`` is not mapped: it is a :class:`FileRows`, whose
rows are read with ``pread`` when asked for (the FAQ engine's embeddings: a question reads
the rows of its few hundred candidates, and under load a mapping would end up resident in
every worker's RSS — the whole 138 MB of a 135k-entry knowledge base — while ``pread``
copies the few KB it needs out of the same shared page cache).

Names are free: the matching engine reads ``main.<array>`` (``MatchingEngine.arrays``)
and ignores names it does not know, so a per-entry feature (e.g. an embedding, one row
per entry in ``main.entry_ids`` order: ``main.entry.<name>`` of shape ``(entries, d)``)
can be added without a new format.
"""
from __future__ import annotations

import json
import mmap
import os
import struct
import weakref
from pathlib import Path

import numpy as np

MAGIC = b"IFAQIDX1"
_ALIGN = 64


class IndexFileError(ValueError):
    """Not a readable index file (truncated, another format)."""


def _aligned(n: int) -> int:
    return -(-n // _ALIGN) * _ALIGN


def write(path: str | os.PathLike, meta: dict, arrays: dict[str, np.ndarray]) -> None:
    """Write *meta* (JSON-serialisable) and *arrays* to *path* atomically."""
    path = Path(path)
    arrays = {name: np.ascontiguousarray(value) for name, value in arrays.items()}
    layout: dict[str, dict] = {}
    # The header's size depends on the offsets and the offsets on the header's size:
    # reserve room by measuring the header with offsets as large as they can get.
    probe = {name: {"dtype": a.dtype.str, "shape": list(a.shape), "offset": 2**62} for name, a in arrays.items()}
    header_room = _aligned(len(MAGIC) + 8 + len(json.dumps({"meta": meta, "arrays": probe}).encode()))
    offset = header_room
    for name, a in arrays.items():
        layout[name] = {"dtype": a.dtype.str, "shape": list(a.shape), "offset": offset}
        offset = _aligned(offset + a.nbytes)
    header = json.dumps({"meta": meta, "arrays": layout}).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(MAGIC + struct.pack("<Q", len(header)) + header)
            for name, a in arrays.items():
                fh.seek(layout[name]["offset"])
                fh.write(memoryview(a).cast("B") if a.nbytes else b"")
            fh.truncate(max(offset, header_room))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_meta(path: str | os.PathLike) -> dict:
    """The header's ``meta`` alone (no mapping)."""
    with open(path, "rb") as fh:
        return _header(fh.read(len(MAGIC) + 8), fh)["meta"]


class FileRows:
    """A read-only array of the file (at least one dimension) whose rows are read with
    ``os.pread`` when indexed — an int gives one row, a slice of step 1 the rows in it,
    anything else row by row — as new numpy arrays. Nothing of the file stays mapped or
    resident in the process; the file's pages are the kernel's page cache, shared."""

    def __init__(self, fd: int, offset: int, dtype: np.dtype, shape: tuple[int, ...]):
        self._fd = fd
        self._offset = offset
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape)
        self._row_shape = shape[1:]
        self._row_bytes = int(np.prod(self._row_shape, dtype=np.int64)) * dtype.itemsize
        self._closer: _Closer | None = None  # set by read(): closes the file after the last user

    def __len__(self) -> int:
        return self.shape[0]

    def _rows(self, start: int, stop: int) -> np.ndarray:
        count = max(stop - start, 0)
        size = count * self._row_bytes
        data = os.pread(self._fd, size, self._offset + start * self._row_bytes) if size else b""
        if len(data) != size:
            raise IndexFileError("index file shorter than its header says")
        return np.frombuffer(data, dtype=self.dtype).reshape((count, *self._row_shape))

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            i = int(key) + (len(self) if key < 0 else 0)
            if not 0 <= i < len(self):
                raise IndexError(f"row {key} of {len(self)}")
            return self._rows(i, i + 1)[0]
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step == 1:
                return self._rows(start, stop)
            key = range(start, stop, step)
        wanted = np.asarray(key).reshape(-1)
        if not wanted.size:
            return np.zeros((0, *self._row_shape), dtype=self.dtype)
        # Each row read once, however often it is asked for (a text's repeated tokens).
        unique, where = np.unique(wanted, return_inverse=True)
        rows = np.empty((len(unique), *self._row_shape), dtype=self.dtype)
        for n, i in enumerate(unique.tolist()):
            rows[n] = self[i]
        return rows[where.reshape(-1)]

    @classmethod
    def of_file(cls, path: str | os.PathLike, offset: int, dtype: np.dtype, shape: tuple[int, ...]) -> "FileRows":
        """Rows of the array at *offset* of the file at *path*, which stays open while
        the returned object lives."""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        rows = cls(fd, offset, np.dtype(dtype), tuple(shape))
        rows._closer = _Closer(fd)
        return rows

    def __array__(self, dtype=None, copy=None):
        whole = self._rows(0, len(self))
        return whole if dtype is None else whole.astype(dtype)


def read(path: str | os.PathLike, unmapped: tuple[str, ...] = ()) -> tuple[dict, dict[str, np.ndarray]]:
    """``(meta, arrays)`` of the file at *path*; the arrays are read-only views of a
    private read-only mapping of the file, except those named in *unmapped*, which are
    :class:`FileRows` (read with ``pread`` row by row; the file stays open while one is
    alive)."""
    with open(path, "rb") as fh:
        header = _header(fh.read(len(MAGIC) + 8), fh)
        size = os.fstat(fh.fileno()).st_size
        mapping = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else None
    fd = None
    arrays: dict[str, np.ndarray] = {}
    for name, spec in header["arrays"].items():
        dtype = np.dtype(spec["dtype"])
        shape = tuple(spec["shape"])
        count = int(np.prod(shape)) if shape else 1
        end = spec["offset"] + count * dtype.itemsize
        if end > size:
            raise IndexFileError(f"{path}: array {name} runs past the end of the file")
        if name in unmapped and shape and count:
            if fd is None:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            arrays[name] = FileRows(fd, spec["offset"], dtype, shape)
            continue
        if count == 0:
            arrays[name] = np.zeros(shape, dtype=dtype)
            continue
        arrays[name] = np.frombuffer(mapping, dtype=dtype, count=count, offset=spec["offset"]).reshape(shape)
    if fd is not None:
        # Closed when the last FileRows of this file is gone (a replaced file's inode
        # lives until then, as a mapping's does).
        closer = _Closer(fd)
        for value in arrays.values():
            if isinstance(value, FileRows):
                value._closer = closer
    return header["meta"], arrays


class _Closer:
    """Closes a file descriptor when garbage-collected (shared by a file's FileRows)."""

    def __init__(self, fd: int):
        self._finalizer = weakref.finalize(self, os.close, fd)


def _header(start: bytes, fh) -> dict:
    if len(start) < len(MAGIC) + 8 or not start.startswith(MAGIC):
        raise IndexFileError(f"{fh.name}: not an FAQ index file")
    (length,) = struct.unpack("<Q", start[len(MAGIC):])
    raw = fh.read(length)
    if len(raw) != length:
        raise IndexFileError(f"{fh.name}: truncated header")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise IndexFileError(f"{fh.name}: unreadable header") from exc
