"""Report writers: CSV/XLSX formula injection, numbers stay numbers, JSON streaming, CJK tables, plugins."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from cstui.io.report import csv_cell, write_report
from cstui.io.text import display_width
from cstui.plugins import get_registry

RECORDS = [
    {"employee_id": "E1", "name": "=cmd|' /C calc'!A0", "score": 68, "pay_delta": -120, "flags": ["dismissal-review"]},
    {"employee_id": "E2", "name": "欧阳娜娜", "score": 91.5, "pay_delta": 110, "flags": []},
    {"employee_id": "-E3", "name": "@SUM(1)", "score": None, "pay_delta": None, "flags": ["+x", "y"]},
]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n", "\0"])
def test_csv_cell_defuses_every_formula_start(start):
    assert csv_cell(f"{start}1+2") == f"'{start}1+2"


@pytest.mark.parametrize(
    ("value", "text"),
    [(-120, "-120"), (-0.5, "-0.5"), (83.5, "83.5"), (None, ""), (["a", "b"], "a; b"), ("张三", "张三")],
)
def test_csv_cell_values(value, text):
    assert csv_cell(value) == text


def test_csv_report():
    out = io.StringIO()
    assert write_report(RECORDS, "csv", out) == 3
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["employee_id", "name", "score", "pay_delta", "flags"]
    assert rows[1] == ["E1", "'=cmd|' /C calc'!A0", "68", "-120", "dismissal-review"]
    assert rows[3] == ["'-E3", "'@SUM(1)", "", "", "'+x; y"]


def test_xlsx_report_strings_are_text_and_numbers_are_numbers():
    out = io.BytesIO()
    write_report(RECORDS, "xlsx", out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == ["employee_id", "name", "score", "pay_delta", "flags"]
    name, score, pay = rows[1][1], rows[1][2], rows[1][3]
    assert (name.data_type, name.value) == ("s", "=cmd|' /C calc'!A0")
    assert (score.data_type, score.value) == ("n", 68)
    assert (pay.data_type, pay.value) == ("n", -120)
    assert rows[2][2].value == 91.5
    assert rows[3][0].data_type == "s" and rows[3][1].value == "@SUM(1)"
    assert rows[3][2].value is None


def test_json_report_is_a_list_with_numbers():
    out = io.StringIO()
    write_report(iter(RECORDS), "json", out)
    assert json.loads(out.getvalue()) == RECORDS
    empty = io.StringIO()
    assert write_report([], "json", empty, columns=["employee_id"]) == 0
    assert json.loads(empty.getvalue()) == []


def test_empty_csv_still_has_the_header():
    out = io.StringIO()
    write_report([], "csv", out, columns=["employee_id", "score"])
    assert out.getvalue() == "employee_id,score\n"


def test_table_aligns_chinese_names():
    records = [dict(r, scheme="five-tier", period="2026-10", scheme_version="1") for r in RECORDS[:2]]
    out = io.StringIO()
    write_report(records, "table", out, columns=["employee_id", "name", "period", "scheme", "scheme_version", "score"])
    lines = out.getvalue().splitlines()
    assert lines[0] == "five-tier 2026-10 (scheme version 1)"
    header, rule, *body = lines[1:]
    assert header.split() == ["employee_id", "name", "score"]  # constant columns go to the title
    # score is right-aligned: with a double-width name every line still ends on the same screen column
    assert {display_width(line) for line in (header, rule, *body)} == {display_width(header)}
    assert body[1].startswith("E2           欧阳娜娜")


def test_table_keeps_control_characters_out():
    out = io.StringIO()
    write_report([{"employee_id": "E1", "name": "x\x1b[31mred"}], "table", out)
    assert "\x1b" not in out.getvalue()


def test_plugin_exporter(monkeypatch):
    def tsv(records, stream):
        for r in records:
            stream.write(f"{r['employee_id']}\t{r['score']}\n")

    monkeypatch.setitem(get_registry().exporters, "tsv", tsv)
    out = io.StringIO()
    assert write_report(RECORDS, "tsv", out) == 3
    assert out.getvalue() == "E1\t68\nE2\t91.5\n-E3\tNone\n"
    with pytest.raises(ValueError, match="unknown report format 'yaml'"):
        write_report(RECORDS, "yaml", io.StringIO())
