"""Uploads: checked by content type and size, stored outside ``static/`` in the upload
store (:mod:`interact.core.storage`: a local folder or an S3-compatible bucket).

Files are named by a random key; the original name is kept only for downloads. The type
is detected from the content, and the name's extension must be one of that type's: a script
renamed to ``.jpg`` and ``page.html`` starting with a PNG signature are both refused. Office
documents are opened as such: a ZIP renamed ``.docx`` is not a Word document. A public
file loses its metadata (a photo's GPS position and owner, a PDF's author: :mod:`interact.core.filemeta`).

No file outlives its row. The bytes are put in the store before the ``stored_files`` row
is written, so the session remembers what this transaction stored: when the transaction
does not commit (a refusal after the upload, a failed insert, a copy of the form that lost
the race) or the row was undone with a savepoint, the bytes are deleted; a file given up
with :func:`discard` (a draft document replaced or removed) loses its row at once and its
bytes once that is committed. An upload form carries a one-time token
(:func:`save_upload_once`): the form sent twice stores one file.

A form whose transaction holds something every other writer waits for (SQLite's writer
lock, taken by the request's first write; the day's letter number) stores its files
before that: :func:`stage_upload` checks a file and puts its bytes in the store outside
any transaction, :func:`keep_staged` writes its row in the transaction (from then on the
rules above apply), and :func:`drop_staged` deletes the bytes of staged files that were
not kept (a refused form) — the letter form (``letters.services.staged_attachments``).
"""
from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from xml.etree import ElementTree

import sqlalchemy as sa
from flask import Response, current_app
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from interact.core import atomic
from interact.core.errors import InvalidInput
from interact.core.filemeta import MetadataKept, strip_metadata
from interact.core.models import StoredFile
from interact.core.storage import get_store
from interact.extensions import db

# (magic prefix, MIME type, kind)
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"\x89PNG\r\n\x1a\n", "image/png", "image"),
    (b"\xff\xd8\xff", "image/jpeg", "image"),
    (b"GIF87a", "image/gif", "image"),
    (b"GIF89a", "image/gif", "image"),
    (b"%PDF-", "application/pdf", "pdf"),
    (b"PK\x03\x04", "application/zip", "office"),  # docx / xlsx are zip containers
]

KIND_LABELS = {"image": "图片（JPG/PNG/GIF）", "pdf": "PDF 文档", "office": "Word/Excel/PowerPoint 文档",
               "video": "MP4 视频"}
#: Office Open XML documents: extension → (MIME type, the main part every such document has).
#: The package's ``[Content_Types].xml`` must declare that part with ``<MIME type>.main+xml``
#: (a macro-enabled document renamed ``.docx`` declares another type and is refused).
_OFFICE = {
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/document.xml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/workbook.xml"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/presentation.xml"),
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_CONTENT_TYPES_MAX_BYTES = 256 * 1024
#: Major brands of MP4 video files (the ``ftyp`` box of the ISO base media format).
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH", b"M4VP",
               b"dash", b"mmp4", b"MSNV"}
#: The extensions a detected type may be uploaded under.
_EXTENSIONS = {
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
    "application/pdf": {".pdf"},
    "video/mp4": {".mp4", ".m4v"},
}


def detect_type(head: bytes, filename: str) -> tuple[str, str] | None:
    """Return ``(mime, kind)`` from the file's first bytes if the file name's extension is
    one of that type's, else ``None``. (Office documents are checked in full by
    :func:`save_upload`.)"""
    suffix = Path(filename or "").suffix.lower()
    mime = kind = None
    if len(head) >= 12 and head[4:8] == b"ftyp":
        # An ISO media file is an MP4 video only with an MP4 brand (not HEIC, QuickTime, 3GP).
        if head[8:12] in _MP4_BRANDS:
            mime, kind = "video/mp4", "video"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        mime, kind = "image/webp", "image"
    else:
        for magic, signature_mime, signature_kind in _SIGNATURES:
            if head.startswith(magic):
                mime, kind = signature_mime, signature_kind
                break
    if kind == "office":
        return (_OFFICE[suffix][0], kind) if suffix in _OFFICE else None
    if mime is None or suffix not in _EXTENSIONS.get(mime, ()):
        return None
    return mime, kind


def _is_office_document(path: Path, suffix: str) -> bool:
    """An Office Open XML package of the kind its extension says (not any ZIP, and not a ZIP
    that merely holds files of the expected names): its content-type list declares the main
    part as that kind's main document, and the part is there."""
    mime, main_part = _OFFICE[suffix]
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names or main_part not in names:
                return False
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX_BYTES:
                return False
            declared = package.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return False
    if b"<!DOCTYPE" in declared or b"<!ENTITY" in declared:
        return False  # no document type in an OPC content-type list: refuse entity tricks
    try:
        types = ElementTree.fromstring(declared)
    except ElementTree.ParseError:
        return False
    return any(
        override.get("PartName", "").lstrip("/") == main_part
        and override.get("ContentType", "").strip().lower() == f"{mime}.main+xml"
        for override in types.iter(f"{_CONTENT_TYPES_NS}Override")
    )


def serve(stored: StoredFile, *, as_attachment: bool, max_age: int | None = None,
          download_name: str | None = None) -> Response:
    """The stored bytes as a response (Range requests, ETag), whichever store holds them,
    downloaded as ``download_name`` (the uploaded name by default: staff routes).
    The caller has checked that the user may see the file; 404 if its bytes are gone."""
    return get_store().response(stored.key, mimetype=stored.content_type, as_attachment=as_attachment,
                                download_name=download_name or stored.original_name, max_age=max_age)


def save_upload(
    upload: FileStorage,
    *,
    kinds: set[str],
    max_bytes: int | None = None,
    public: bool = False,
    uploaded_by=None,
) -> StoredFile:
    """Validate and store an upload; raises :class:`InvalidInput` with a Chinese message."""
    stored = _store(upload, kinds=kinds, max_bytes=max_bytes, public=public, uploaded_by=uploaded_by)
    db.session.add(stored)
    db.session.flush()
    return stored


def save_upload_once(
    upload: FileStorage,
    *,
    form_token: str | None,
    kinds: set[str],
    max_bytes: int | None = None,
    public: bool = False,
    uploaded_by,
) -> tuple[StoredFile, bool]:
    """:func:`save_upload` for an upload form with a one-time token: the form sent several
    times (a double click, also at the same instant) stores one file. Returns ``(file,
    True)`` for a new file and ``(the file the first copy stored, False)`` for a copy,
    whose bytes are not kept (:func:`interact.core.atomic.create_once`)."""
    return atomic.create_once(
        StoredFile, atomic.form_token(form_token), uploaded_by,
        lambda token: _store(upload, kinds=kinds, max_bytes=max_bytes, public=public, uploaded_by=uploaded_by,
                             form_token=token),
        creator="uploaded_by_id")


@dataclass
class StagedFile:
    """A checked upload whose bytes are in the store and whose row is not written yet."""

    row: StoredFile
    store: object
    kept: bool = False


def stage_upload(upload: FileStorage, *, kinds: set[str], max_bytes: int | None = None,
                 public: bool = False, uploaded_by=None) -> StagedFile:
    """Check an upload and put its bytes in the store without writing anything to the
    database; raises :class:`InvalidInput` as :func:`save_upload` does. The caller keeps it
    (:func:`keep_staged`) or drops it (:func:`drop_staged`)."""
    row = _store(upload, kinds=kinds, max_bytes=max_bytes, public=public, uploaded_by=uploaded_by, staged=True)
    return StagedFile(row, get_store())


def keep_staged(staged: StagedFile) -> StoredFile:
    """Write a staged file's row in the current transaction: its bytes now live and die
    with the transaction, as a :func:`save_upload`'s do."""
    db.session.add(staged.row)
    db.session.flush()
    db.session.info.setdefault(_STORED, []).append((staged.row, staged.row.key, staged.store))
    staged.kept = True
    return staged.row


def drop_staged(staged: Iterable[StagedFile]) -> None:
    """Delete the bytes of the staged files that were not kept."""
    for file in staged:
        if not file.kept:
            file.store.delete(file.row.key)


def discard(stored: StoredFile | None) -> None:
    """Give up a stored file nothing refers to any more (a replaced or removed document):
    its row is deleted now, its bytes when the transaction commits."""
    if stored is None:
        return
    db.session.delete(stored)
    db.session.info.setdefault(_DROPPED, []).append((stored, stored.key, get_store()))
    db.session.flush()


def _store(upload: FileStorage, *, kinds: set[str], max_bytes: int | None, public: bool, uploaded_by,
           form_token: str | None = None, staged: bool = False) -> StoredFile:
    """Check the upload, put its bytes in the store and return its row (not yet added).
    ``staged``: the bytes do not belong to the current transaction yet (:func:`stage_upload`)."""
    if upload is None or not upload.filename:
        raise InvalidInput("请选择要上传的文件。")
    name = _display_name(upload.filename)
    max_bytes = max_bytes or current_app.config["UPLOAD_MAX_BYTES"]
    head = upload.stream.read(16)
    detected = detect_type(head, name)
    if detected is None or detected[1] not in kinds:
        allowed = "、".join(KIND_LABELS[k] for k in sorted(kinds))
        raise InvalidInput(f"文件“{name}”的类型不支持或扩展名与内容不符，只能上传：{allowed}。")
    mime, _kind = detected
    key = secrets.token_hex(16)
    digest = hashlib.sha256(head)
    size = len(head)
    store = get_store()
    # Checked in full on local disk first; only a complete, accepted file reaches the store.
    handle, tmp_name = tempfile.mkstemp(prefix="interact-upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(head)
            while chunk := upload.stream.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise InvalidInput(
                        f"文件“{name}”超过 {max_bytes // (1024 * 1024)} MB 的大小限制。"
                    )
                digest.update(chunk)
                out.write(chunk)
        if _kind == "office" and not _is_office_document(tmp, Path(name).suffix.lower()):
            raise InvalidInput(f"文件“{name}”不是有效的 Office 文档，请检查后重新上传。")
        if public:
            # What anyone can download carries no location, owner or device of the photo, no
            # author of the document.
            try:
                strip_metadata(tmp, mime)
            except MetadataKept:
                raise InvalidInput(
                    f"文件“{name}”的文档属性中有作者等信息，无法自动清除，公开后任何人都能看到。"
                    "请在另存为 PDF 时取消“文档属性/个人信息”（或清除作者）后重新上传。"
                ) from None
            size, digest = tmp.stat().st_size, _sha256(tmp)
        store.put(key, tmp)
    finally:
        tmp.unlink(missing_ok=True)
    stored = StoredFile(
        key=key,
        original_name=name,
        content_type=mime,
        size=size,
        sha256=digest.hexdigest(),
        public=public,
        uploaded_by_id=getattr(uploaded_by, "id", None),
        form_token=form_token,
    )
    if not staged:
        # Until the row is committed, these bytes belong to this transaction (see the module).
        db.session.info.setdefault(_STORED, []).append((stored, key, store))
    return stored


#: ``session.info`` keys: the files whose bytes this transaction stored, and the files it
#: gave up (:func:`discard`); each as ``(row, key, store)``.
_STORED = "interact.uploads.stored"
_DROPPED = "interact.uploads.dropped"


@sa.event.listens_for(Session, "after_commit")
def _files_after_commit(db_session: Session) -> None:
    if db_session.in_nested_transaction():  # a savepoint released: the transaction goes on
        return
    # Bytes whose row is not in the database now: never inserted (undone with a savepoint)
    # or deleted (given up). A discard undone with a savepoint left its row: kept.
    for stored, key, store in (*db_session.info.pop(_STORED, ()), *db_session.info.pop(_DROPPED, ())):
        if not sa.inspect(stored).persistent:
            store.delete(key)


@sa.event.listens_for(Session, "after_transaction_end")
def _files_after_rollback(db_session: Session, transaction) -> None:
    if transaction.parent is not None:  # a savepoint or a flush's inner transaction
        return
    # Ended without a commit (after_commit has taken the lists otherwise): the files this
    # transaction stored have no row; the files it gave up keep theirs.
    db_session.info.pop(_DROPPED, None)
    for _stored, key, store in db_session.info.pop(_STORED, ()):
        store.delete(key)


def _sha256(path: Path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(64 * 1024):
            digest.update(chunk)
    return digest


def _display_name(filename: str) -> str:
    """The name shown to staff and offered on download: the base name without control and
    invisible formatting characters (a right-to-left override would show ``gnp\u202eexe.png``
    to a clerk as ``gnpgnp.exe``; zero-width characters hide what a name says)."""
    name = os.path.basename((filename or "").replace("\\", "/"))
    name = unicodedata.normalize("NFC", name)
    name = "".join(char for char in name if unicodedata.category(char) not in {"Cc", "Cf", "Zl", "Zp"})
    return name.strip()[:200] or "file"


def get_by_key(key: str) -> StoredFile | None:
    return db.session.scalar(db.select(StoredFile).where(StoredFile.key == key))
