"""Metadata removal from public files, kind by kind (the route-level check is in
tests/interviews/test_public_image_metadata.py)."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from interact.core import filemeta

SECRET = "王小明 13800138000"


def test_png_text_chunks_are_removed_and_the_picture_kept():
    info = PngInfo()
    info.add_text("Author", "wang")
    info.add_itxt("Comment", SECRET)
    buffer = io.BytesIO()
    Image.new("RGB", (5, 3), (1, 2, 3)).save(buffer, format="PNG", pnginfo=info)
    data = buffer.getvalue()
    assert b"Author" in data
    stripped = filemeta.strip_png(data)
    assert b"Author" not in stripped and b"Comment" not in stripped
    image = Image.open(io.BytesIO(stripped))
    assert image.size == (5, 3) and image.getpixel((0, 0)) == (1, 2, 3)


def test_jpeg_without_orientation_loses_the_whole_exif_and_comments():
    exif = Image.Exif()
    exif[0x013B] = "owner"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"note by owner")
    data = buffer.getvalue()
    stripped = filemeta.strip_jpeg(data)
    assert b"Exif" not in stripped and b"owner" not in stripped
    assert Image.open(io.BytesIO(stripped)).size == (8, 8)


def test_what_is_not_a_well_formed_file_is_left_alone():
    for strip in (filemeta.strip_jpeg, filemeta.strip_png, filemeta.strip_webp, filemeta.strip_gif):
        for data in (b"", b"\xff\xd8\xff\xe0\x00", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xff", b"RIFF\x00\x00\x00\x00WEBP",
                     b"GIF89a\x01\x00\x01\x00\x80\x00\x00", b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xfe\x05ab"):
            assert strip(data) in (data, b"RIFF\x04\x00\x00\x00WEBP")


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def test_mp4_location_boxes_become_free_space_of_the_same_size(tmp_path):
    location = box(b"\xa9xyz", b"\x00\x12\x15\xc7+39.9042+116.4074/")
    movie = box(b"moov", box(b"mvhd", b"\x00" * 100) + box(b"trak", box(b"udta", box(b"name", b"track by owner")))
                + box(b"udta", location) + box(b"meta", b"\x00" * 4 + box(b"keys", b"com.apple.location")))
    data = box(b"ftyp", b"isom\x00\x00\x02\x00") + movie + box(b"mdat", b"frames")
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    filemeta.strip_metadata(path, "video/mp4")
    stripped = path.read_bytes()
    assert len(stripped) == len(data)
    assert b"39.9042" not in stripped and b"owner" not in stripped and b"com.apple" not in stripped
    assert stripped.count(b"free") == 3 and b"mvhd" in stripped and stripped.endswith(box(b"mdat", b"frames"))


def test_webp_exif_chunk_is_removed():
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes([0x08]) + b"\x00" * 9  # flags: has EXIF
    exif = b"EXIF" + struct.pack("<I", 6) + b"secret"
    image = b"VP8L" + struct.pack("<I", 2) + b"\x00\x00"
    body = b"WEBP" + vp8x + exif + image
    data = b"RIFF" + struct.pack("<I", len(body)) + body
    stripped = filemeta.strip_webp(data)
    assert b"secret" not in stripped and b"EXIF" not in stripped
    assert struct.unpack_from("<I", stripped, 4)[0] == len(stripped) - 8
    assert stripped[20] & 0x08 == 0 and b"VP8L" in stripped


def _photo(owner: str, colour, **save) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = owner
    exif[0x8825] = {1: "N", 2: (22.0, 32.0, 35.5), 3: "E", 4: (114.0, 3.0, 28.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buffer, format="JPEG", exif=exif, comment=b"note by owner", **save)
    return buffer.getvalue()


def test_a_second_picture_after_the_first_loses_its_exif_too():
    """A phone's portrait photo appends a depth map or preview after the picture, with the
    same EXIF (owner, GPS): attack I5 found it on a public interview image."""
    first = _photo("owner 13800138000", (200, 10, 10))
    data = first + _photo("owner 13800138001", (10, 10, 200))
    stripped = filemeta.strip_jpeg(data)
    assert b"13800138001" not in stripped and b"Exif" not in stripped and b"owner" not in stripped
    shown = Image.open(io.BytesIO(stripped))
    assert shown.size == (16, 12)
    assert shown.tobytes() == Image.open(io.BytesIO(first)).tobytes()


def test_a_comment_between_the_scans_of_a_progressive_photo_is_removed():
    data = _photo("owner", (30, 120, 60), progressive=True)
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    comment = b"\xff\xfe" + struct.pack(">H", 2 + len(SECRET.encode())) + SECRET.encode()
    data = data[:second_scan] + comment + data[second_scan:]
    stripped = filemeta.strip_jpeg(data)
    assert SECRET.encode() not in stripped and b"owner" not in stripped
    assert Image.open(io.BytesIO(stripped)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_gif_comments_and_xmp_are_removed_and_the_animation_kept(tmp_path):
    frames = [Image.new("RGB", (6, 4), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], loop=0, duration=100,
                   comment=SECRET.encode())
    data = buffer.getvalue()
    xmp = b"\x21\xff\x0bXMP DataXMP" + bytes([len(b"<x:creator>owner</x:creator>")]) + b"<x:creator>owner</x:creator>\x00"
    data = data[:-1] + xmp + data[-1:]  # before the trailer, as editors write it
    path = tmp_path / "anim.gif"
    path.write_bytes(data)
    filemeta.strip_metadata(path, "image/gif")
    stripped = path.read_bytes()
    assert SECRET.encode() not in stripped and b"owner" not in stripped and b"XMP" not in stripped
    assert b"NETSCAPE2.0" in stripped and stripped.endswith(b"\x3b")
    before, after = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(stripped))
    assert after.n_frames == before.n_frames == 3
    for n in range(3):
        before.seek(n)
        after.seek(n)
        assert after.tobytes() == before.tobytes()


# --- PDF (attack batch 7, G5: a consultation's PDF was served with its /Author) ------------

def _pillow_pdf(**info) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buffer, format="PDF", **info)
    return buffer.getvalue()


def _offsets_still_point_at_objects(data: bytes) -> bool:
    start = int(data.rsplit(b"startxref", 1)[1].split()[0])
    assert data[start:start + 4] == b"xref"
    rows = data[start:].split(b"trailer")[0].splitlines()[2:]
    for number, row in enumerate(rows):
        offset, _, kind = row.split()[:3]
        if kind == b"n" and not data[int(offset):].startswith(f"{number} 0 obj".encode()):
            return False
    return True


def test_a_pdf_loses_its_author_and_title_in_place():
    data = _pillow_pdf(author="Wang Xiaoming 13800138000", title="起草人王小明", creator="a (b) c\\d")
    stripped = filemeta.strip_pdf(data)
    assert len(stripped) == len(data)
    readable = stripped.replace(b"\x00", b"")
    assert b"Wang" not in readable and b"13800138000" not in readable and "王小明".encode("utf-16-be") not in stripped
    assert b"/Author ()" in stripped and b"/Title ()" in stripped and b"/Creator ()" in stripped
    assert b"/CreationDate (D:" in stripped  # what names no one stays
    assert _offsets_still_point_at_objects(stripped)


def test_an_xmp_packet_written_plainly_is_blanked():
    xmp = (b"<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'>"
           b"<dc:creator><rdf:Seq><rdf:li>Wang Xiaoming</rdf:li></rdf:Seq></dc:creator></x:xmpmeta>"
           b"<?xpacket end='w'?>")
    data = b"%PDF-1.4\n1 0 obj<</Type/Metadata/Subtype/XML/Length " + str(len(xmp)).encode() + b">>stream\n" + xmp + b"\nendstream\nendobj\n%%EOF\n"
    stripped = filemeta.strip_pdf(data)
    assert len(stripped) == len(data) and b"Wang" not in stripped and b"<?xpacket end='w'?>" in stripped


def _object_stream(compressed: bytes) -> bytes:
    return (b"%PDF-1.5\n8 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length " + str(len(compressed)).encode()
            + b">>stream\n" + compressed + b"\nendstream\nendobj\n%%EOF\n")


def test_an_author_inside_a_compressed_object_stream_is_refused():
    objects = zlib.compress(b"7 0 << /Author (Wang Xiaoming) /Producer (Word) >>")
    data = _object_stream(objects)
    with pytest.raises(filemeta.MetadataKept):
        filemeta.strip_pdf(data)
    # A compressed stream naming only the software is fine.
    software = zlib.compress(b"7 0 << /Producer (Word) /Creator (Microsoft Word) >>")
    plain = _object_stream(software)
    assert filemeta.strip_pdf(plain) == plain


def test_an_office_document_loses_its_author_and_stays_a_document(tmp_path):
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    book.active["A1"] = "征求意见汇总"
    book.properties.creator = "Wang Xiaoming 13800138000"
    book.properties.lastModifiedBy = "王小明"
    path = tmp_path / "汇总.xlsx"
    book.save(path)
    filemeta.strip_metadata(path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    data = path.read_bytes()
    reopened = load_workbook(path)
    assert reopened.active["A1"].value == "征求意见汇总"
    assert not reopened.properties.creator and not reopened.properties.lastModifiedBy
    with zipfile.ZipFile(path) as package:
        core = package.read("docProps/core.xml").decode()
    assert "Wang" not in core and "王小明" not in core and "13800138000" not in core
    assert data[:2] == b"PK"
