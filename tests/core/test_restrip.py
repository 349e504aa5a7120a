"""``flask --app interact files strip-metadata``: public files stored before their metadata
was removed at upload lose it now (a photo's owner and GPS position, a document's author);
staff-only files stay as received, a PDF whose author cannot be blanked in place is listed
and left alone, and a second run changes nothing."""
from __future__ import annotations

import hashlib
import io
import secrets
import zlib

import sqlalchemy as sa
from PIL import Image

from interact.core.models import AuditEvent, StoredFile
from interact.core.storage import get_store
from interact.extensions import db


def _photo() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Wang Xiaoming 13800138000"  # Artist
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (9, 9, 9)).save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def _pdf_with_compressed_author() -> bytes:
    objects = zlib.compress(b"7 0 << /Author (Wang Xiaoming) /Producer (Word) >>")
    return (b"%PDF-1.5\n8 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length " + str(len(objects)).encode()
            + b">>stream\n" + objects + b"\nendstream\nendobj\n%%EOF\n")


def _stored(tmp_path, data: bytes, mime: str, *, public: bool, name: str) -> StoredFile:
    """A file as an older release stored it: the bytes as uploaded."""
    key = secrets.token_hex(16)
    source = tmp_path / key
    source.write_bytes(data)
    get_store().put(key, source)
    stored = StoredFile(key=key, original_name=name, content_type=mime, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), public=public)
    db.session.add(stored)
    return stored


def _bytes(stored: StoredFile) -> bytes:
    with get_store().local_copy(stored.key) as path:
        return path.read_bytes()


def _run(app) -> str:
    result = app.test_cli_runner().invoke(args=["files", "strip-metadata"])
    assert result.exit_code == 0, result.output
    return result.output


def test_public_files_stored_before_lose_their_metadata(app, tmp_path):
    photo = _photo()
    public = _stored(tmp_path, photo, "image/jpeg", public=True, name="现场照片.jpg")
    private = _stored(tmp_path, photo, "image/jpeg", public=False, name="来信附件.jpg")
    pdf = _pdf_with_compressed_author()
    kept = _stored(tmp_path, pdf, "application/pdf", public=True, name="征求意见稿.pdf")
    db.session.commit()

    output = _run(app)

    cleaned = _bytes(public)
    assert b"Wang Xiaoming" not in cleaned and Image.open(io.BytesIO(cleaned)).size == (8, 8)
    db.session.refresh(public)
    assert public.size == len(cleaned) and public.sha256 == hashlib.sha256(cleaned).hexdigest()
    assert _bytes(private) == photo  # a letter's attachment is evidence: as received
    assert _bytes(kept) == pdf  # listed for the office, left as it is
    assert f"#{kept.id} 征求意见稿.pdf" in output
    assert "检查公开文件 2 个，清除元数据 1 个" in output
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "files.metadata_stripped"))
    assert event.data["cleaned"] == 1 and event.data["kept"] == [kept.id]

    again = _run(app)
    assert "清除元数据 0 个" in again and _bytes(public) == cleaned


def test_a_file_missing_from_the_store_is_reported_not_fatal(app, tmp_path):
    stored = _stored(tmp_path, _photo(), "image/jpeg", public=True, name="丢失.jpg")
    db.session.commit()
    get_store().delete(stored.key)
    output = _run(app)
    assert f"存储中找不到：#{stored.id}" in output and "1 个文件在存储中找不到" in output
