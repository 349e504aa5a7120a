"""Uploads: checked by content type and size, stored outside ``static/`` in the upload
store (:mod:`interact.core.storage`: a local folder or an S3-compatible bucket).

Files are named by a random key; the original name is kept only for downloads. The type
is detected from the content, and the name's extension must be one of that type's: a script
renamed to ``.jpg`` and ``page.html`` starting with a PNG signature are both refused. Office
documents are opened as such: a ZIP renamed ``.docx`` is not a Word document.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import zipfile
from pathlib import Path

from flask import Response, current_app
from werkzeug.datastructures import FileStorage

from interact.core.errors import InvalidInput
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
#: Office Open XML documents: extension → (MIME type, the part every such document has).
_OFFICE = {
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/document.xml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/workbook.xml"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/presentation.xml"),
}
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
    """An Office Open XML package of the kind its extension says (not any ZIP)."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and _OFFICE[suffix][1] in names


def serve(stored: StoredFile, *, as_attachment: bool, max_age: int | None = None) -> Response:
    """The stored bytes as a response (Range requests, ETag), whichever store holds them.
    The caller has checked that the user may see the file; 404 if its bytes are gone."""
    return get_store().response(stored.key, mimetype=stored.content_type, as_attachment=as_attachment,
                                download_name=stored.original_name, max_age=max_age)


def save_upload(
    upload: FileStorage,
    *,
    kinds: set[str],
    max_bytes: int | None = None,
    public: bool = False,
    uploaded_by=None,
) -> StoredFile:
    """Validate and store an upload; raises :class:`InvalidInput` with a Chinese message."""
    if upload is None or not upload.filename:
        raise InvalidInput("请选择要上传的文件。")
    max_bytes = max_bytes or current_app.config["UPLOAD_MAX_BYTES"]
    head = upload.stream.read(16)
    detected = detect_type(head, upload.filename)
    if detected is None or detected[1] not in kinds:
        allowed = "、".join(KIND_LABELS[k] for k in sorted(kinds))
        raise InvalidInput(f"文件“{_display_name(upload.filename)}”的类型不支持或扩展名与内容不符，只能上传：{allowed}。")
    mime, _kind = detected
    key = secrets.token_hex(16)
    digest = hashlib.sha256(head)
    size = len(head)
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
                        f"文件“{_display_name(upload.filename)}”超过 {max_bytes // (1024 * 1024)} MB 的大小限制。"
                    )
                digest.update(chunk)
                out.write(chunk)
        if _kind == "office" and not _is_office_document(tmp, Path(upload.filename).suffix.lower()):
            raise InvalidInput(f"文件“{_display_name(upload.filename)}”不是有效的 Office 文档，请检查后重新上传。")
        get_store().put(key, tmp)
    finally:
        tmp.unlink(missing_ok=True)
    stored = StoredFile(
        key=key,
        original_name=_display_name(upload.filename),
        content_type=mime,
        size=size,
        sha256=digest.hexdigest(),
        public=public,
        uploaded_by_id=getattr(uploaded_by, "id", None),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def _display_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    return name[:200] or "file"


def get_by_key(key: str) -> StoredFile | None:
    return db.session.scalar(db.select(StoredFile).where(StoredFile.key == key))
