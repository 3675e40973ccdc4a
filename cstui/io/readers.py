"""Readers of tabular files: each yields ``(row_number, {column: text})``.

Row numbers are the line of the file (the header is row 1), so problems can point at the
line a person sees in an editor or a spreadsheet. Header names are stripped; empty
rows are skipped; cells are text (``""`` for an empty cell).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.errors import InvalidData
from cstui.io.localize import csv_reason, os_reason

Row = tuple[int, dict[str, str]]

# a file that cannot be read as a table, named FILE[:ROW] (the English is what import printed)
texts.register(
    {
        "read.not_text": (
            "{file}: not {utf8} or {gb} text (byte {byte}); save the file as {save_as}",
            "{file}：不是 {utf8} 或 {gb} 文本（第 {byte} 字节）；请另存为 {save_as}",
        ),
        "read.cannot": ("{file}: cannot read: {reason}", "{file}：无法读取：{reason}"),
        "read.empty_file": ("{file}:1: empty file; expected a header row", "{file}:1：空文件；应有表头行"),
        "read.bad_csv": ("{file}:{row}: {problem}", "{file}:{row}：{problem}"),
        "read.not_xlsx": (
            "{file}: not a readable {xlsx} workbook ({error})",
            "{file}：不是可读取的 {xlsx} 工作簿（{error}）",
        ),
        "read.empty_sheet": ("{file}:1: empty sheet; expected a header row", "{file}:1：空工作表；应有表头行"),
        "read.bad_cell": (
            "{file}:{row}: a cell of this row cannot be read ({error})",
            "{file}:{row}：此行有单元格无法读取（{error}）",
        ),
    }
)


class TableFile:
    """A read file: its header and an iterator of rows (read once)."""

    def __init__(
        self,
        path: Path,
        header: list[str] | None,
        rows: Iterator[Row],
        estimate: int = 0,
        cells: Iterator[tuple[int, list[str]]] | None = None,
        sha256: str | None = None,
    ):
        self.path = path
        self.header = header  # None: not known before the first row (a plugin importer)
        self.rows = rows
        self.estimate = estimate  # rows expected, for a progress bar only
        # the same rows as (row_number, cells in header order, extra cells after them) when the
        # reader has them so (CSV): a bulk import reads them by position, no dict per row;
        # read either these or ``rows``, not both
        self.cells = cells
        self.sha256 = sha256  # of the bytes read, when the reader read them itself (an import's audit names them)

    def __iter__(self) -> Iterator[Row]:
        return self.rows


def open_table(path: Path, fmt: str | None = None) -> TableFile:
    """Open ``path`` as CSV or XLSX (by ``fmt`` or the suffix)."""
    path = Path(path)
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind in ("xlsx", "xlsm"):
        return read_xlsx(path)
    return read_csv(path)


def read_rows(path: Path) -> Iterator[Row]:
    """The plugin-style reader: just the rows (header as dict keys)."""
    return iter(open_table(path))


# ------------------------------------------------------------------------------ CSV


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030: the encodings Chinese offices save CSV in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        said = dict(file=str(path), utf8="UTF-8", gb="GB18030", byte=exc.start, save_as="CSV UTF-8")
        raise InvalidData([line("read.not_text", **said)]) from None


def read_csv(path: Path) -> TableFile:
    try:
        data = path.read_bytes()
        text = decode(data, path)
    except OSError as exc:
        raise InvalidData([line("read.cannot", file=str(path), reason=os_reason(exc))]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidData([line("read.empty_file", file=str(path))]) from None
    except csv.Error as exc:
        raise InvalidData([line("read.bad_csv", file=str(path), row=1, problem=csv_reason(exc))]) from None
    estimate = max(0, text.count("\n") - 1)
    digest = hashlib.sha256(data).hexdigest()
    return TableFile(path, header, _csv_rows(path, reader, header), estimate, _csv_cells(path, reader), digest)


def _csv_cells(path: Path, reader) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of each row that is not empty."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            said = dict(file=str(path), row=reader.line_num, problem=csv_reason(exc))
            raise InvalidData([line("read.bad_csv", **said)]) from None
        if not (cells and cells[0].strip()) and not any(c.strip() for c in cells):  # a first cell: not empty
            continue
        # line_num counts physical lines; a quoted multi-line cell still names its last line
        yield reader.line_num, cells


def _csv_rows(path: Path, reader, header: list[str]) -> Iterator[Row]:
    width = len(header)
    for number, cells in _csv_cells(path, reader):
        row = dict(zip(header, cells))
        if len(cells) > width:
            row[""] = extra_cells(cells, width)  # reported as an unknown column
        yield number, row


def extra_cells(cells: list[str], width: int) -> str:
    """The cells of a CSV row beyond its header's ``width``, as the row's ``""`` key holds them."""
    return ",".join(cells[width:])


# ------------------------------------------------------------------------------ XLSX


def read_xlsx(path: Path) -> TableFile:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        said = dict(file=str(path), xlsx="XLSX", error=f"{type(exc).__name__}: {exc}")
        raise InvalidData([line("read.not_xlsx", **said)]) from None
    sheet = workbook.worksheets[0]
    rows = _guarded(sheet.iter_rows(values_only=True), path)
    try:
        _, first = next(rows)
        header = [cell_text(v).strip() for v in first]
    except StopIteration:
        workbook.close()
        raise InvalidData([line("read.empty_sheet", file=str(path))]) from None
    except InvalidData:
        workbook.close()
        raise
    while header and not header[-1]:
        header.pop()  # trailing empty header cells: formatting, not columns
    estimate = max(0, (sheet.max_row or 1) - 1)
    return TableFile(path, header, _xlsx_rows(workbook, rows, header), estimate=estimate)


def _xlsx_rows(workbook, rows, header: list[str]) -> Iterator[Row]:
    width = len(header)
    try:
        for number, values in rows:
            cells = [cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            row = dict(zip(header, cells))
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                row[""] = ",".join(extra)
            yield number, row
    finally:
        workbook.close()


def _guarded(rows: Iterator[tuple], path: Path) -> Iterator[tuple[int, tuple]]:
    """The sheet's rows with their numbers (from 1); a cell openpyxl cannot read (a numeric
    cell holding "abc", written by another program or by hand) is named, never a crash."""
    number = 1
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except (ValueError, TypeError, ArithmeticError) as exc:
            said = dict(file=str(path), row=number, error=type(exc).__name__)
            raise InvalidData([line("read.bad_cell", **said)]) from None
        yield number, values
        number += 1


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a person would type.

    A percent-formatted 62% is stored as 0.62 and stays "0.62" (a valid rate); whole
    floats lose their ".0"; dates become ISO dates.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
