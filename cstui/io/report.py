"""Report writers: table, CSV, JSON and XLSX, streamed record by record where the format allows.

A record is a flat dict (``Result.as_record``): text, numbers (int/float), None, and
lists of text (flags, trace). Numbers stay numbers in JSON and XLSX.

Spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with
``= + - @``, a tab, CR, LF or NUL would be run as a formula by a spreadsheet. In CSV it is
written with a leading single quote so it shows as text; in XLSX it is a plain string
cell. Real numbers (a pay delta of -120) are never quoted.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from cstui.io.text import render_table

RECORD_COLUMNS = (
    "employee_id",
    "name",
    "team",
    "period",
    "scheme",
    "scheme_version",
    "score",
    "grade",
    "rank",
    "level_before",
    "level_after",
    "decision",
    "pay_delta",
    "flags",
)
BUILTIN_FORMATS = ("table", "csv", "json", "xlsx")
BINARY_FORMATS = ("xlsx",)
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
TABLE_OMITS = ("period", "scheme", "scheme_version")  # the same on every row: shown in the title
NUMERIC_COLUMNS = ("score", "rank", "pay_delta")


def is_binary(fmt: str) -> bool:
    """xlsx, and every plugin format: an exporter writes bytes (the ``register_exporters`` contract)."""
    return fmt in BINARY_FORMATS or fmt not in BUILTIN_FORMATS


def columns_for(explain: bool) -> list[str]:
    return list(RECORD_COLUMNS) + (["trace"] if explain else [])


def write_report(records: Iterable[dict], fmt: str, stream: IO, columns: list[str] | None = None) -> int:
    """Write ``records`` to ``stream`` (binary for xlsx, text otherwise); returns the row count.

    ``columns`` defaults to the keys of the first record. ``fmt`` may also name a plugin
    exporter, called as ``exporter(records, stream)``.
    """
    writer = _WRITERS.get(fmt)
    if writer is None:
        return _plugin_export(records, fmt, stream)
    records = iter(records)
    first = next(records, None)
    if columns is None:
        columns = list(first) if first is not None else list(RECORD_COLUMNS)
    return writer(_chain(first, records), columns, stream)


def _chain(first: dict | None, rest: Iterator[dict]) -> Iterator[dict]:
    if first is not None:
        yield first
        yield from rest


def _plugin_export(records: Iterable[dict], fmt: str, stream: IO) -> int:
    from cstui.plugins import get_registry

    exporters = get_registry().exporters
    if fmt not in exporters:
        known = ", ".join(list(BUILTIN_FORMATS) + sorted(exporters))
        raise ValueError(f"unknown report format {fmt!r}; expected one of {known}")
    counted = _Counter(records)
    exporters[fmt](counted, stream)
    return counted.count


class _Counter:
    def __init__(self, records: Iterable[dict]):
        self.records, self.count = records, 0

    def __iter__(self) -> Iterator[dict]:
        for record in self.records:
            self.count += 1
            yield record


# ------------------------------------------------------------------------------ CSV


def csv_cell(value: Any) -> str:
    """One CSV cell: lists joined, None empty, numbers as numbers, formulas defused."""
    if type(value) is str:  # most cells: checked first (a report has a dozen per employee)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(records: Iterable[dict], columns: list[str], stream: IO[str]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in columns])
    counted = _Counter(records)
    cell, formula = csv_cell, FORMULA_STARTS
    # inline for the common cells (plain text, whole numbers, None: the csv module writes
    # None as an empty cell and an int as its digits, exactly what csv_cell gives)
    writer.writerows(
        [
            v if (type(v) is str and not v.startswith(formula)) or type(v) is int or v is None else cell(v)
            for v in map(record.get, columns)
        ]
        for record in counted
    )
    return counted.count


# ------------------------------------------------------------------------------ JSON


def write_json(records: Iterable[dict], columns: list[str], stream: IO[str]) -> int:
    """A JSON array of objects, written one object at a time (constant memory)."""
    count = 0
    stream.write("[")
    for record in records:
        stream.write(",\n  " if count else "\n  ")
        stream.write(json.dumps({c: record.get(c) for c in columns}, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


# ------------------------------------------------------------------------------ XLSX


def xlsx_cell(sheet, value: Any):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, (list, tuple)):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=None)
    # set after construction: openpyxl would take "=..." for a formula; "s" keeps it text
    cell._value = str(value)
    cell.data_type = "s"
    return cell


def write_xlsx(records: Iterable[dict], columns: list[str], stream: IO[bytes]) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("report")
    sheet.append([xlsx_cell(sheet, c) for c in columns])
    count = 0
    for record in records:
        sheet.append([xlsx_cell(sheet, record.get(c)) for c in columns])
        count += 1
    workbook.save(stream)
    return count


# ------------------------------------------------------------------------------ table


def _printable(text: str) -> str:
    # names come from imported files: keep terminal control sequences out of the table
    return "".join(ch if ch.isprintable() else " " for ch in text)


def table_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return _printable(", ".join(str(v) for v in value))
    return _printable(str(value))


def write_table(records: Iterable[dict], columns: list[str], stream: IO[str]) -> int:
    """A CJK-aligned text table; with a trace column, each employee's trace follows the table."""
    records = list(records)
    shown = [c for c in columns if c not in TABLE_OMITS and c != "trace"]
    if records:
        first = records[0]
        title = " ".join(str(first.get(k, "")) for k in ("scheme", "period"))
        version = first.get("scheme_version")
        stream.write(_printable(f"{title} (scheme version {version})" if version else title) + "\n")
    rows = [[table_cell(r.get(c)) for c in shown] for r in records]
    stream.write(render_table(shown, rows, [c in NUMERIC_COLUMNS for c in shown]) + "\n")
    if "trace" in columns:
        for record in records:
            stream.write(f"\n{table_cell(record.get('employee_id'))} {table_cell(record.get('name'))}\n")
            for line in record.get("trace") or []:
                stream.write(f"  {_printable(str(line))}\n")
    return len(records)


_WRITERS = {"csv": write_csv, "json": write_json, "xlsx": write_xlsx, "table": write_table}
