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
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from cstui.domain.period import Period
from cstui.domain.types import report_number
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
    counted = _Counter(records)
    cell, formula = csv_cell, FORMULA_STARTS
    # inline for the most common cell (plain text); csv_cell gives every other its text
    write_csv_rows(
        [csv_cell(c) for c in columns],
        (
            [v if type(v) is str and not v.startswith(formula) else cell(v) for v in map(record.get, columns)]
            for record in counted
        ),
        stream,
    )
    return counted.count


def write_result_csv(results: Iterable[Any], explain: bool, stream: IO[str]) -> int:
    """``write_csv`` of each result's ``as_record(explain)`` in ``columns_for(explain)``, the same
    text, made from the Result's fields without the record between (8-12 µs a row of a dry run
    went to the dict and its cells); tests/io/test_report_fast.py holds them equal."""
    counted = _Counter(results)
    write_csv_rows([csv_cell(c) for c in columns_for(explain)], map(ResultCells(explain), counted), stream)
    return counted.count


FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each a single character: ``text[:1] in`` it is ``text.startswith``


class ResultCells:
    """The CSV cells of ``result.as_record(explain)`` (``csv_cell`` of each value in
    :data:`RECORD_COLUMNS` order, then the trace), read from the Result's fields.

    The cells a run repeats (a team, a level, a decision, a score) are made once each: a text
    by the text (of type ``str`` itself: a subclass may print otherwise), a number by its value
    (Decimals equal in value report alike: 2.50 and 2.5 as 2.5)."""

    def __init__(self, explain: bool = False):
        self.explain = explain
        self.texts: dict[str, str] = {}
        self.numbers: dict[str, str] = {}  # {a Decimal's str: its cell}
        self.objects: dict[int, tuple[Decimal, str]] = {}  # {id: (the Decimal, its cell)}
        # the period, scheme and version of the last row, and their cells: the same objects on
        # every row of a run (kept only for a Period and two str: a value that cannot change)
        self.heads: tuple = (None, None, None, None)

    def __call__(self, result: Any) -> list[str]:
        texts, text, number, first = self.texts, self.text, self.number, FORMULA_FIRST
        employee_id, name, flags = result.employee_id, result.name, result.flags
        team, grade, level_before, level_after, decision = (
            result.team,
            result.grade,
            result.level_before,
            result.level_after,
            result.decision,
        )
        # the usual row: four texts (of type str itself) met before, looked up; any other made
        looked = None
        if type(team) is str and type(level_before) is str and type(level_after) is str and type(decision) is str:
            try:
                looked = (texts[team], texts[level_before], texts[level_after], texts[decision])
            except KeyError:  # one met for the first time: made and remembered below
                pass
        team, level_before, level_after, decision = looked or (
            text(team),
            text(level_before),
            text(level_after),
            text(decision),
        )
        heads = self.heads
        if result.period is not heads[0] or result.scheme is not heads[1] or result.scheme_version is not heads[2]:
            heads = self._heads(result.period, result.scheme, result.scheme_version)
        cells = [
            employee_id if type(employee_id) is str and employee_id[:1] not in first else csv_cell(employee_id),
            name if type(name) is str and name[:1] not in first else csv_cell(name),
            team,
            *heads[3],
            number(result.score),
            "" if grade is None else text(grade),
            str(result.rank) if type(result.rank) is int else csv_cell(result.rank),
            level_before,
            level_after,
            decision,
            number(result.pay_delta),
            "" if type(flags) is list and not flags else csv_cell(list(flags)),
        ]
        if self.explain:
            cells.append(csv_cell(list(result.trace)))
        return cells

    def _heads(self, period: object, scheme: object, version: object) -> tuple:
        """(period, scheme, version, their three cells), kept for the next row when it may be."""
        heads = (period, scheme, version, (self.text(str(period)), self.text(scheme), self.text(version)))
        if type(period) is Period and type(scheme) is str and type(version) is str:
            self.heads = heads
        return heads

    def text(self, value: object) -> str:
        """``csv_cell(value)``, remembered for a ``str``."""
        made = self.texts.get(value) if type(value) is str else None
        if made is None:
            made = csv_cell(value)
            if type(value) is str:
                self.texts[value] = made
        return made

    def number(self, value: object) -> str:
        """``csv_cell(report_number(value))``, remembered for a Decimal by the object (a model
        hands out the same Decimal for a score its rows share), then by its text: a fresh
        Decimal's first hash (~5,000 instructions) costs more than its text and the cell. The
        Decimal is kept with its cell, so its id is no other object's while it is remembered."""
        if value is None:
            return ""
        if type(value) is not Decimal:
            return csv_cell(report_number(value))
        known = self.objects.get(id(value))
        if known is not None:
            return known[1]
        key = str(value)  # its sign, digits and exponent: equal texts are equal values
        made = self.numbers.get(key)
        if made is None:
            made = self.numbers[key] = csv_cell(report_number(value))
        if len(self.objects) >= NUMBERS_KEPT:
            self.objects.clear()
        self.objects[id(value)] = (value, made)
        return made


NUMBERS_KEPT = 65_536  # Decimals a report remembers by their id (each kept alive with its cell)
CSV_ROWS_PER_WRITE = 256  # lines joined into one write: a stream.write per row cost more than the row's text


def write_csv_rows(header: list[str], rows: Iterable[list[str]], stream: IO[str]) -> None:
    """Rows of text cells, written as ``csv.writer(stream, lineterminator="\\n")`` writes them.

    A row with no comma, quote, CR, LF or NUL in any cell (nearly every row of a report) is its
    cells joined by commas, which is what the csv module writes for it; any other row is
    written by the csv module itself. The module's writer steps through every character of a
    cell in C (a call per character): about half of a dry run's report. The header goes out at
    once, the rows :data:`CSV_ROWS_PER_WRITE` at a time, and those made before an error too."""
    stream.write(_csv_line(header) + "\n")
    lines: list[str] = []
    try:
        for cells in rows:
            line = ",".join(cells)
            if (
                not line
                or line.count(",") != len(cells) - 1
                or '"' in line
                or "\n" in line
                or "\r" in line
                or "\0" in line
            ):
                line = _csv_line(cells)
            lines.append(line)
            if len(lines) >= CSV_ROWS_PER_WRITE:
                text, lines = "\n".join(lines) + "\n", []
                stream.write(text)
    finally:
        if lines:
            stream.write("\n".join(lines) + "\n")


def _csv_line(cells: list[str]) -> str:
    """One row as the csv module writes it, without its line end."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()[:-1]


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
