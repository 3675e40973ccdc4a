"""Readers: encodings, file line numbers, extra cells, XLSX values as typed text."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from cstui.errors import InvalidData
from cstui.io.readers import cell_text, open_table, read_rows

TEXT = 'employee_id,name\nE1,王芳\n\nE2,"李,雷"\nE3,赵敏,extra\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_and_line_numbers(tmp_path, encoding):
    path = tmp_path / "x.csv"
    path.write_bytes(TEXT.encode(encoding))
    table = open_table(path)
    assert table.header == ["employee_id", "name"]
    rows = list(table)
    assert rows == [
        (2, {"employee_id": "E1", "name": "王芳"}),
        (4, {"employee_id": "E2", "name": "李,雷"}),
        (5, {"employee_id": "E3", "name": "赵敏", "": "extra"}),
    ]


def test_header_is_stripped_and_bom_never_leaks(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeff employee_id , name\nE1,a\n".encode())
    assert open_table(path).header == ["employee_id", "name"]


def test_empty_file_and_bad_bytes(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InvalidData, match="empty file"):
        open_table(empty)
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\x80\xff\xfe\x00\x81")
    with pytest.raises(InvalidData, match="not UTF-8 or GB18030"):
        open_table(binary)


def test_xlsx_rows(tmp_path):
    path = tmp_path / "x.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["employee_id", "rate", "when", "count", None])
    ws.append(["E1", 0.62, datetime(2026, 10, 3), 12.0, None])
    ws.append([None, None, None, None, None])
    ws.append([1002, "62%", date(2026, 10, 4), 3, "spill"])
    ws["B2"].number_format = "0%"
    wb.save(path)
    table = open_table(path)
    assert table.header == ["employee_id", "rate", "when", "count"]
    assert list(read_rows(path)) == [
        (2, {"employee_id": "E1", "rate": "0.62", "when": "2026-10-03", "count": "12"}),
        (4, {"employee_id": "1002", "rate": "62%", "when": "2026-10-04", "count": "3", "": "spill"}),
    ]


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("hello")
    with pytest.raises(InvalidData, match="not a readable XLSX"):
        open_table(path)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (0.1 + 0.2, "0.30000000000000004"),
        (0.62, "0.62"),
        (12.0, "12"),
        (7, "7"),
        (True, "TRUE"),
        (datetime(2026, 1, 2, 9, 30), "2026-01-02 09:30:00"),
        ("  x ", "  x "),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text
