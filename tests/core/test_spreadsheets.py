import io
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from interact.core.spreadsheets import Sheet, csv_bytes, safe_cell, xlsx_bytes


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("市人社局", "市人社局"), (5, 5), (None, ""), (True, "是"), ("a\x01b", "ab"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_times_are_beijing_time():
    assert safe_cell(datetime(2026, 1, 1, 16, 30, tzinfo=timezone.utc)) == "2026-01-02 00:30:00"


def test_csv_has_bom_and_guards_formulas():
    data = csv_bytes([["标题", "内容"], ["=HYPERLINK(\"http://x\")", "正常"]])
    assert data.startswith("\ufeff".encode())
    assert "'=HYPERLINK" in data.decode("utf-8-sig")


def test_xlsx_cells_are_text_not_formulas():
    data = xlsx_bytes([Sheet("表", [["标题"], ["=1+1"]], widths={1: 20})], title="导出")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "表" and sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s"
