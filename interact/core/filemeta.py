"""Metadata removed from files the public can download.

A photo from a phone carries where it was taken (GPS), the owner's name and the device in
its EXIF/XMP data (again in the second picture a phone appends after the first), a PNG
carries text chunks, a GIF comments and XMP, a phone's MP4 carries its location in the
``udta``/``meta`` boxes, a PDF names its author (``/Author``, XMP ``dc:creator``), a Word,
Excel or PowerPoint file its author and last editor (``docProps/core.xml``). A clerk
uploading such a file as an interview image, a cover, a video or a consultation document
would publish all of it. Only the picture, the sound and what is needed to show them
(JPEG's JFIF, colour profile and Adobe segments, the orientation of an EXIF photo) are kept;
the file is rewritten byte for byte otherwise, never re-encoded. A PDF whose author is
written inside a compressed stream, where it cannot be blanked without rewriting the file,
is refused (:class:`MetadataKept`) with a message that says how to save it without.
"""
from __future__ import annotations

import os
import re
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path


class MetadataKept(ValueError):
    """A public file whose personal metadata cannot be removed in place."""

# --- JPEG ---------------------------------------------------------------------------------

_APP0, _APP1, _APP2, _APP14 = 0xE0, 0xE1, 0xE2, 0xEE
_SOS, _EOI = 0xDA, 0xD9
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # markers without a length
_ORIENTATION = 0x0112


def _jpeg_orientation(exif: bytes) -> int | None:
    """The Orientation tag of IFD0 in an APP1 ``Exif\\0\\0`` payload, if there is one."""
    tiff = exif[6:]
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    (ifd,) = struct.unpack_from(order + "I", tiff, 4)
    if ifd + 2 > len(tiff):
        return None
    (count,) = struct.unpack_from(order + "H", tiff, ifd)
    for i in range(min(count, 512)):
        at = ifd + 2 + 12 * i
        if at + 12 > len(tiff):
            return None
        tag, kind = struct.unpack_from(order + "HH", tiff, at)
        if tag == _ORIENTATION and kind == 3:
            (value,) = struct.unpack_from(order + "H", tiff, at + 8)
            return value if 1 <= value <= 8 else None
    return None


def _orientation_segment(orientation: int) -> bytes:
    """An APP1 segment holding only the Orientation tag."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", _ORIENTATION, 3, 1, orientation, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff" + bytes([_APP1]) + struct.pack(">H", len(payload) + 2) + payload


def strip_jpeg(data: bytes) -> bytes:
    """``data`` without EXIF, XMP, IPTC, comments and vendor segments (also those between the
    scans of a progressive picture), and without anything after the picture's end: a phone's
    portrait or "live" photo appends a second picture (a depth map, a preview; announced by
    an APP2 ``MPF`` segment) that carries the same EXIF — GPS position, owner — again. The
    orientation of the photo is kept so it is not shown turned. Data that is not a
    well-formed JPEG header is returned as it is (the upload checks have accepted it;
    nothing is lost)."""
    if data[:2] != b"\xff\xd8":
        return data
    out, pos, orientation, size = [b"\xff\xd8"], 2, None, len(data)
    while pos + 2 <= size:
        if data[pos] != 0xFF:
            return data
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            out.append(data[pos:pos + 2])
            pos += 2
            continue
        if marker == _EOI:
            out.append(b"\xff\xd9")
            break  # what follows the picture (a second picture, a vendor trailer) is dropped
        if pos + 4 > size:
            return data
        (length,) = struct.unpack_from(">H", data, pos + 2)
        end = pos + 2 + length
        if length < 2 or end > size:
            return data
        payload = data[pos + 4:end]
        if marker == _APP1 and payload.startswith(b"Exif\x00\x00"):
            orientation = orientation or _jpeg_orientation(payload)
        elif _kept_segment(marker, payload):
            out.append(data[pos:end])
        pos = end
        if marker == _SOS:
            scan_end = _scan_end(data, pos)
            out.append(data[pos:scan_end])
            pos = scan_end
    if orientation and orientation != 1:
        out.insert(1, _orientation_segment(orientation))
    return b"".join(out)


def _kept_segment(marker: int, payload: bytes) -> bool:
    """Segments needed to show the picture: every non-application segment (tables, frame,
    scan headers), JFIF, Adobe's colour transform and an ICC colour profile — not EXIF, XMP,
    IPTC, MPF (the index of the appended pictures, dropped with them), comments or vendors'."""
    if marker in (_APP0, _APP14):
        return True
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\x00")
    return not (0xE0 <= marker <= 0xEF or marker == 0xFE)


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data of a scan starting at ``pos`` ends: at the first marker
    that is not a stuffed 0xFF byte, a fill byte or a restart marker (or at the end of a
    truncated file)."""
    while True:
        at = data.find(b"\xff", pos)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos = at + 2
        elif following == 0xFF:
            pos = at + 1
        else:
            return at


# --- GIF ----------------------------------------------------------------------------------

#: Application extensions a GIF needs to be shown as made: the animation's loop count.
_GIF_KEPT_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def _gif_sub_blocks_end(data: bytes, pos: int) -> int | None:
    """The position after the data sub-blocks starting at ``pos`` (``None`` if truncated)."""
    while pos < len(data):
        length = data[pos]
        pos += 1 + length
        if length == 0:
            return pos if pos <= len(data) else None
    return None


def strip_gif(data: bytes) -> bytes:
    """``data`` without comment extensions and application extensions other than the
    animation's loop count (XMP with the author and the editing history, vendors' data), and
    without anything after the trailer."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        return data
    flags = data[10]
    pos = 13 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
    out = [data[:pos]]
    while pos < len(data):
        kind = data[pos]
        if kind == 0x3B:  # trailer
            out.append(b"\x3b")
            return b"".join(out)
        if kind == 0x21 and pos + 2 <= len(data):
            label = data[pos + 1]
            end = _gif_sub_blocks_end(data, pos + 2)
            if end is None:
                return data
            application = data[pos + 3:pos + 14] if label == 0xFF and data[pos + 2] == 11 else b""
            if label != 0xFE and (label != 0xFF or application in _GIF_KEPT_APPLICATIONS):
                out.append(data[pos:end])
            pos = end
        elif kind == 0x2C and pos + 10 <= len(data):
            image_flags = data[pos + 9]
            start = pos + 10 + (3 * (2 << (image_flags & 7)) if image_flags & 0x80 else 0)
            end = _gif_sub_blocks_end(data, start + 1)  # after the LZW minimum code size
            if end is None:
                return data
            out.append(data[pos:end])
            pos = end
        else:
            return data
    return b"".join(out)


# --- PNG ----------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_METADATA = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def strip_png(data: bytes) -> bytes:
    """``data`` without text, EXIF and time chunks."""
    if not data.startswith(_PNG_SIGNATURE):
        return data
    out, pos = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return data
        if kind not in _PNG_METADATA:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    return data


# --- WebP ---------------------------------------------------------------------------------

def strip_webp(data: bytes) -> bytes:
    """``data`` without its EXIF and XMP chunks (the VP8X flags for them are cleared)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return data
    out, pos = [], 12
    while pos + 8 <= len(data):
        kind = data[pos:pos + 4]
        (length,) = struct.unpack_from("<I", data, pos + 4)
        end = pos + 8 + length + (length & 1)
        if end > len(data):
            return data
        chunk = data[pos:end]
        if kind == b"VP8X" and length >= 1:
            chunk = chunk[:8] + bytes([chunk[8] & ~0x0C]) + chunk[9:]  # EXIF (0x08) and XMP (0x04) flags
        if kind not in (b"EXIF", b"XMP "):
            out.append(chunk)
        pos = end
    body = b"WEBP" + b"".join(out)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- MP4 ----------------------------------------------------------------------------------

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}
_MP4_METADATA = {b"udta", b"meta"}
_XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")


def strip_mp4_in_place(path: Path) -> None:
    """Turn the user-data boxes of the movie and its tracks (``udta``: ``©xyz`` location,
    owner, device; ``meta``: Apple's location keys; an XMP ``uuid``) into ``free`` boxes of the
    same size, zeroed. Sizes and sample offsets stay valid: nothing moves."""
    with open(path, "r+b") as handle:
        size = handle.seek(0, 2)

        def _read(at: int, count: int) -> bytes:
            handle.seek(at)
            return handle.read(count)

        def walk(start: int, end: int, depth: int) -> None:
            pos = start
            while pos + 8 <= end and depth < 8:
                handle.seek(pos)
                header = handle.read(16)
                length, kind = struct.unpack(">I4s", header[:8])
                head = 8
                if length == 1 and len(header) == 16:
                    (length,) = struct.unpack(">Q", header[8:16])
                    head = 16
                elif length == 0:
                    length = end - pos
                if length < head or pos + length > end:
                    return
                xmp = kind == b"uuid" and length >= head + 16 and _read(pos + head, 16) == _XMP_UUID
                if kind in _MP4_METADATA or xmp:
                    handle.seek(pos + 4)
                    handle.write(b"free")
                    handle.seek(pos + head)
                    remaining = length - head
                    while remaining:
                        step = min(remaining, 1 << 16)
                        handle.write(b"\x00" * step)
                        remaining -= step
                elif kind in _CONTAINERS:
                    walk(pos + head, pos + length, depth + 1)
                pos += length

        walk(0, size, 0)


# --- PDF ----------------------------------------------------------------------------------

# The document-information entries that name people or say what a document is about.
_PDF_INFO_KEYS = rb"Author|Creator|Producer|Title|Subject|Keywords|Company|Manager|LastModifiedBy"
_PDF_INFO_ENTRY = re.compile(rb"/(?:" + _PDF_INFO_KEYS + rb")\s*(?=[(<])")
# (In a compressed stream only who wrote it counts: the software's name is no one's.)
_PERSONAL_INFO_ENTRY = re.compile(rb"/(?:Author|Company|Manager|LastModifiedBy)\s*(?=[(<])")
_XMP_PERSONAL = re.compile(rb"<(?:dc:creator|pdf:Author|photoshop:AuthorsPosition)\b")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_MAX_INFLATED = 64 * 1024 * 1024


def _pdf_string_end(data: bytes, start: int) -> int:
    """The end (exclusive) of the literal ``(…)`` or hex ``<…>`` string at ``start``, or -1."""
    if data[start:start + 1] == b"<":
        end = data.find(b">", start)
        return end + 1 if end != -1 and data[start + 1:start + 2] != b"<" else -1
    depth, pos = 0, start
    while pos < len(data):
        char = data[pos]
        if char == 0x5C:  # backslash: the next byte is escaped
            pos += 2
            continue
        if char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return -1


def _inflated(data: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(data, _MAX_INFLATED)
    except zlib.error:
        return b""


def strip_pdf(data: bytes) -> bytes:
    """``data`` with the document information (author, creator, title …) emptied and the XMP
    packet blanked, in place: each value becomes ``()`` and spaces of the same length, so
    every byte offset of the file's cross-reference table stays right. Raises
    :class:`MetadataKept` when such data sits in a compressed object or metadata stream."""
    if not data.startswith(b"%PDF-"):
        return data
    out = bytearray(data)
    for match in _PDF_INFO_ENTRY.finditer(data):
        start = match.end()
        end = _pdf_string_end(data, start)
        if end > start + 2:
            out[start:end] = b"()" + b" " * (end - start - 2)
    # An XMP packet written as it is: everything between its begin and end markers.
    for begin in re.finditer(rb"<\?xpacket begin=[^>]*\?>", data):
        end = data.find(b"<?xpacket end=", begin.end())
        if end != -1:
            out[begin.end():end] = re.sub(rb"[^\r\n]", b" ", data[begin.end():end])
    # What cannot be blanked in place: an information dictionary inside a compressed object
    # stream, a compressed XMP packet.
    for match in _PDF_STREAM.finditer(data):
        head = data[max(0, match.start() - 400):match.start()]
        head = head[head.rfind(b"obj") + 3:] if b"obj" in head else head
        if b"/FlateDecode" not in head or not (b"/ObjStm" in head or b"/Metadata" in head or b"/XML" in head):
            continue
        end = data.find(b"endstream", match.end())
        inflated = _inflated(data[match.end():end if end != -1 else len(data)])
        personal = [m for m in _PERSONAL_INFO_ENTRY.finditer(inflated)
                    if _pdf_string_end(inflated, m.end()) > m.end() + 2]
        if personal or _XMP_PERSONAL.search(inflated):
            raise MetadataKept("PDF")
    return bytes(out)


# --- Office Open XML -----------------------------------------------------------------------

# The properties that name people: in docProps/core.xml (author, last editor) and
# docProps/app.xml (company, manager).
_OFFICE_PEOPLE = {
    "docProps/core.xml": re.compile(rb"(<(dc:creator|cp:lastModifiedBy)\b[^>]*>)[^<]*(</\2>)"),
    "docProps/app.xml": re.compile(rb"(<(Company|Manager)\b[^>]*>)[^<]*(</\2>)"),
}


def strip_office_in_place(path: Path) -> None:
    """Empty the author, last editor, company and manager of an Office Open XML package
    (the document, sheets and slides are copied as they are, in the same order and with
    the same compression); a package without them is left untouched."""
    with zipfile.ZipFile(path) as package:
        changed = {}
        for name, pattern in _OFFICE_PEOPLE.items():
            if name in package.namelist():
                data = package.read(name)
                emptied = pattern.sub(rb"\1\3", data)
                if emptied != data:
                    changed[name] = emptied
        if not changed:
            return
        handle, tmp_name = tempfile.mkstemp(prefix="interact-office-", dir=path.parent)
        os.close(handle)
        try:
            with zipfile.ZipFile(tmp_name, "w") as out:
                for info in package.infolist():
                    out.writestr(info, changed.get(info.filename, package.read(info)))
            os.replace(tmp_name, path)
        finally:
            Path(tmp_name).unlink(missing_ok=True)


_OFFICE_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def strip_metadata(path: Path, mime: str) -> None:
    """Remove the metadata of the file at ``path`` (of type ``mime``) in place; raises
    :class:`MetadataKept` for a file whose personal metadata cannot be removed so."""
    if mime == "video/mp4":
        strip_mp4_in_place(path)
        return
    if mime in _OFFICE_TYPES:
        strip_office_in_place(path)
        return
    strip = {"image/jpeg": strip_jpeg, "image/png": strip_png, "image/webp": strip_webp,
             "image/gif": strip_gif, "application/pdf": strip_pdf}.get(mime)
    if strip is None:
        return
    data = path.read_bytes()
    stripped = strip(data)
    if stripped != data:
        path.write_bytes(stripped)
