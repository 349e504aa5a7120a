"""Metadata removed from public files stored before it was removed at upload.

Uploads of public files (interview images, covers and video, consultation documents) lose
their metadata since :mod:`interact.core.filemeta` existed, and lose more with each of its
rules (a phone's second picture, GIF comments, an Office file's company). What was stored
before still carries a photo's GPS position and owner, a PDF's author. ``flask --app
interact files strip-metadata`` (:func:`strip_public_files`) runs every public file through
today's rules once more and stores it again under the same key when that removed something
(the row's size and checksum follow); staff-only files (letter attachments) are evidence
and stay as received. A PDF whose author sits in a compressed stream cannot be cleaned in
place: it is listed (id and name) for the office to replace or withdraw, and left as it is.

Safe to run while the site serves (a file is replaced whole, atomically on local disk) and
to run twice (a clean file is left alone). Browsers may keep a copy they fetched for up to
an hour (``/files/<key>`` is cached for 3600 s).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from interact.core import audit
from interact.core.filemeta import MetadataKept, strip_metadata
from interact.core.models import StoredFile
from interact.core.storage import Store, get_store
from interact.extensions import db

#: Files looked at per transaction.
BATCH = 200

audit.register_actions({"files.metadata_stripped": "清除已上传公开文件的元数据"},
                       targets={"stored_file": "上传文件"})


@dataclass
class StripReport:
    looked_at: int = 0
    cleaned: int = 0
    #: ``(id, name)`` of the files whose metadata cannot be removed in place.
    kept: list[tuple[int, str]] = field(default_factory=list)
    #: ids of rows whose bytes are not in the store.
    missing: list[int] = field(default_factory=list)

    @property
    def message(self) -> str:
        text = f"检查公开文件 {self.looked_at} 个，清除元数据 {self.cleaned} 个"
        if self.kept:
            text += f"；{len(self.kept)} 个 PDF 的作者等信息在压缩数据中无法自动清除，请替换或撤下"
        if self.missing:
            text += f"；{len(self.missing)} 个文件在存储中找不到"
        return text + "。"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def strip_stored_file(stored: StoredFile, store: Store) -> str:
    """Run one stored file through today's metadata rules: ``"cleaned"`` (stored again,
    row updated), ``"unchanged"``, ``"kept"`` (:class:`MetadataKept`) or ``"missing"``."""
    handle, tmp_name = tempfile.mkstemp(prefix="interact-restrip-")
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        try:
            with store.local_copy(stored.key) as path:
                shutil.copyfile(path, tmp)
        except FileNotFoundError:
            return "missing"
        before = _sha256(tmp)
        try:
            strip_metadata(tmp, stored.content_type)
        except MetadataKept:
            return "kept"
        after = _sha256(tmp)
        if after == before:
            return "unchanged"
        store.put(stored.key, tmp)
        stored.size = tmp.stat().st_size
        stored.sha256 = after
        return "cleaned"
    finally:
        tmp.unlink(missing_ok=True)


def strip_public_files(report: StripReport, after: int = 0, limit: int = BATCH) -> int | None:
    """Strip the public files with an id above ``after`` (at most ``limit``), adding to
    ``report``; the last id looked at, or ``None`` when done."""
    files = list(db.session.scalars(
        sa.select(StoredFile).where(StoredFile.public.is_(True), StoredFile.id > after)
        .order_by(StoredFile.id).limit(limit)))
    store = get_store()
    for stored in files:
        outcome = strip_stored_file(stored, store)
        report.looked_at += 1
        if outcome == "cleaned":
            report.cleaned += 1
        elif outcome == "kept":
            report.kept.append((stored.id, stored.original_name))
        elif outcome == "missing":
            report.missing.append(stored.id)
    db.session.flush()
    return files[-1].id if len(files) == limit else None


def record_run(report: StripReport) -> None:
    audit.record("files.metadata_stripped", "stored_file", None, note=report.message,
                 data={"looked_at": report.looked_at, "cleaned": report.cleaned,
                       "kept": [file_id for file_id, _name in report.kept], "missing": report.missing})
