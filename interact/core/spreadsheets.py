"""CSV and XLSX files for staff exports, safe to open in Excel or WPS.

Every cell passes through :func:`safe_cell`: text that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@`` or a control character) gets a leading
apostrophe, characters XLSX cannot store are dropped, and times are shown in Beijing time.
CSV files are UTF-8 with a byte-order mark so that Excel reads Chinese text correctly.

``openpyxl`` (~8 MB resident) is imported by :func:`xlsx_bytes` when a file is made, not
with this module: a web worker that never exports does not carry it.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Sequence

from interact.core import clock

#: What a spreadsheet treats as the start of a formula (CSV/XLSX injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Control characters XML 1.0 cannot hold (all below U+0020 but tab, line feed and
#: carriage return): openpyxl refuses a cell containing one.
XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: Any) -> Any:
    """A value ready for a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return clock.to_local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (int, float)):
        return value
    text = XML_ILLEGAL_RE.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass
class Sheet:
    title: str
    rows: Iterable[Sequence[Any]]
    #: Top-left cell of the scrolling area (header rows and first columns stay visible).
    freeze: str | None = "A2"
    #: Column widths in characters, by 1-based column number.
    widths: dict[int, float] = field(default_factory=dict)
    #: 1-based row numbers shown in bold (titles, headers).
    bold_rows: tuple[int, ...] = (1,)


def xlsx_bytes(sheets: Iterable[Sheet], *, title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        for row in spec.rows:
            sheet.append([safe_cell(value) for value in row])
        for number in spec.bold_rows:
            for cell in sheet[number] if sheet.max_row >= number else ():
                cell.font = Font(bold=True)
        for column, width in spec.widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width
        if spec.freeze:
            sheet.freeze_panes = spec.freeze
    if title:
        workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
