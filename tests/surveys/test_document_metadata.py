"""A consultation's PDF is published without its author (attack batch 7, G5 rest: a clerk's
"Wang Xiaoming 13800138000" in the PDF's /Author was served to anyone at /files/<key>); a
PDF whose author sits in a compressed stream, which cannot be blanked without rewriting the
file, is refused with a message that says what to do, and nothing is stored."""
from __future__ import annotations

import io
import zlib

from PIL import Image

from interact.core.models import StoredFile

OWNER = "Wang Xiaoming 13800138000"


def _pdf_with_author() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buffer, format="PDF", author=OWNER, title="征求意见稿")
    return buffer.getvalue()


def test_the_draft_pdf_is_served_without_its_author(client, auth, make_collection, roles, db):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    response = client.post(f"/staff/surveys/{collection.id}/document", content_type="multipart/form-data",
                           data={"which": "draft", "file": (io.BytesIO(_pdf_with_author()), "征求意见稿.pdf")})
    assert response.status_code == 302
    db.session.expire_all()
    served = client.get(f"/files/{db.session.get(type(collection), collection.id).draft_file.key}")
    body = served.get_data()
    served.close()
    assert body.startswith(b"%PDF-") and b"/Author ()" in body
    assert b"13800138000" not in body.replace(b"\x00", b"") and b"Wang" not in body.replace(b"\x00", b"")


def test_a_pdf_with_its_author_in_a_compressed_stream_is_refused(client, auth, make_collection, roles, db):
    collection = make_collection(publish=False)
    objects = zlib.compress(b"7 0 << /Author (" + OWNER.encode() + b") >>")
    pdf = (b"%PDF-1.5\n8 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length " + str(len(objects)).encode()
           + b">>stream\n" + objects + b"\nendstream\nendobj\n%%EOF\n")
    auth.login(roles.handler_a)
    before = db.session.query(StoredFile).count()
    response = client.post(f"/staff/surveys/{collection.id}/document", content_type="multipart/form-data",
                           data={"which": "draft", "file": (io.BytesIO(pdf), "征求意见稿.pdf")})
    assert response.status_code == 422
    assert "文档属性中有作者等信息" in response.get_data(as_text=True)
    assert db.session.query(StoredFile).count() == before
