"""Uploads: the name's extension must match the detected content, and Office documents are
opened as such (a ZIP renamed .docx is refused). Also the 关怀版 cookie's Secure flag."""
from __future__ import annotations

import io
import zipfile

import pytest
from werkzeug.datastructures import FileStorage

from interact.core import uploads
from interact.core.errors import InvalidInput
from interact.core.spreadsheets import Sheet, xlsx_bytes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 64  # a phone's photo
QUICKTIME = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00" + b"\x00" * 64
ALL = {"image", "pdf", "office", "video"}


def package(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


OOXML = "application/vnd.openxmlformats-officedocument"


def content_types(part: str, content_type: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')


DOCX = package({"[Content_Types].xml": content_types("word/document.xml", f"{OOXML}.wordprocessingml.document.main+xml"),
                "word/document.xml": "<w:document/>"})
PPTX = package({"[Content_Types].xml": content_types("ppt/presentation.xml",
                                                     f"{OOXML}.presentationml.presentation.main+xml"),
                "ppt/presentation.xml": "<p:presentation/>"})
# A ZIP holding files of the expected names but declaring nothing (it carries a web page).
NAMES_ONLY = package({"[Content_Types].xml": "nonsense", "word/document.xml": "x",
                      "evil.html": "<script>alert(1)</script>"})
# A macro-enabled Word document renamed .docx declares another main type.
DOCM = package({"[Content_Types].xml": content_types("word/document.xml",
                                                     "application/vnd.ms-word.document.macroEnabled.main+xml"),
                "word/document.xml": "<w:document/>"})
ENTITIES = package({"[Content_Types].xml": '<!DOCTYPE t [<!ENTITY a "aaaa">]><Types>&a;</Types>',
                    "word/document.xml": "<w:document/>"})
PLAIN_ZIP = package({"notes.txt": "not a document"})


def save(data: bytes, name: str, kinds=ALL):
    return uploads.save_upload(FileStorage(stream=io.BytesIO(data), filename=name), kinds=kinds)


@pytest.mark.parametrize(("data", "name", "mime"), [
    (PNG, "photo.png", "image/png"),
    (JPEG, "photo.JPG", "image/jpeg"),
    (PDF, "draft.pdf", "application/pdf"),
    (MP4, "访谈.mp4", "video/mp4"),
    (DOCX, "意见稿.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (PPTX, "slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
], ids=lambda value: value if isinstance(value, str) and "." in value and "/" not in value else "")
def test_real_files_are_accepted(app, db, data, name, mime):
    assert save(data, name).content_type == mime


def test_real_xlsx_is_accepted(app, db):
    data = xlsx_bytes([Sheet("表", [["a", 1]])])
    assert save(data, "统计.xlsx").content_type.endswith("spreadsheetml.sheet")


@pytest.mark.parametrize(("data", "name"), [
    (PNG, "page.html"),        # a PNG signature does not make an HTML page an image
    (PNG, "photo.jpg"),        # nor a JPEG
    (PNG, "photo"),            # no extension
    (PDF, "draft.docx"),
    (JPEG, "script.js"),
    (PLAIN_ZIP, "意见稿.docx"),  # any ZIP is not a Word document
    (DOCX, "workbook.xlsx"),   # a Word document is not a workbook
    (PLAIN_ZIP, "archive.zip"),
    (NAMES_ONLY, "fakeword.docx"),  # the expected names alone do not make a Word document
    (DOCM, "macros.docx"),
    (ENTITIES, "entities.docx"),
    (PPTX, "slides.docx"),
    (HEIC, "photo.mp4"),       # an ISO media file is not an MP4 video by its box alone
    (QUICKTIME, "clip.mp4"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_name_and_content_must_agree(app, db, data, name):
    with pytest.raises(InvalidInput):
        save(data, name)


@pytest.mark.parametrize("name", ["gnp\u202eexe.png", "photo\u200b.png", "pho\u0000to.png", "\u2066photo.png\u2069"])
def test_invisible_and_control_characters_are_dropped_from_the_stored_name(app, db, name):
    """A right-to-left override would show ``gnp\u202eexe.png`` to a clerk as "gnpgnp.exe"."""
    stored = save(PNG, name)
    assert stored.original_name.isprintable()
    assert stored.original_name.endswith(".png")
    assert stored.original_name in {"gnpexe.png", "photo.png"}


def test_large_text_cookie_is_secure_when_cookies_are(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    header = client.get("/preferences/large-text?on=1").headers["Set-Cookie"]
    assert "large_text=1" in header and "Secure" in header and "HttpOnly" in header
    app.config["SESSION_COOKIE_SECURE"] = False
    assert "Secure" not in client.get("/preferences/large-text?on=1").headers["Set-Cookie"]
