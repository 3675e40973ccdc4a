"""Export results (a board's view, a person's history) to a file: the batch report's own
formula-safe writers (cstui.io.report) and formats plugins register (``register_exporters``),
written as batch ``--output`` writes (cstui.io.output: never over a database, renamed into
place only when complete). An existing file is replaced only when the caller says so."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from cstui.domain import Result, texts
from cstui.domain.texts import line
from cstui.errors import EXIT_REFUSED, CstuiError
from cstui.io.output import open_output
from cstui.io.report import columns_for, write_report

FILE_FORMATS = ("csv", "xlsx")  # the built-in formats a file export offers (a table or JSON is for a terminal)

texts.register(
    {"export.exists": ("{path} exists: replace it, or give another name", "{path} 已存在：请选择替换，或换一个文件名")}
)


class ExportExists(CstuiError):
    """The export's file exists and replacing it was not confirmed: nothing is written."""

    exit_code = EXIT_REFUSED


def export_formats() -> list[str]:
    """The formats an export offers: CSV, XLSX, then every format a plugin registers."""
    from cstui.plugins import get_registry

    return list(FILE_FORMATS) + sorted(f for f in get_registry().exporters if f not in FILE_FORMATS)


def format_of(path: str | os.PathLike, default: str = "csv") -> str:
    """The format a file name asks for (``.xlsx`` → xlsx, ``.csv`` → csv), else ``default``."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FILE_FORMATS else default


def export_results(
    results: Iterable[Result],
    fmt: str,
    path: str | os.PathLike,
    *,
    database: str | os.PathLike | None,
    replace: bool = False,
    explain: bool = True,
) -> int:
    """Write ``results`` (with their traces when ``explain``) to ``path`` as ``fmt``; returns the
    row count. Refused: an existing file unless ``replace`` (:class:`ExportExists`), the database
    or any SQLite file, a path that cannot be written (the reason named)."""
    target = Path(path)
    if not replace and target.is_file():
        raise ExportExists(line("export.exists", path=str(target)))
    records = (r.as_record(explain=explain) for r in results)
    with open_output(target, fmt, database=database, label="") as stream:
        return write_report(records, fmt, stream, columns_for(explain))
