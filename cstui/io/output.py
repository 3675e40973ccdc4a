"""Where a report goes: stdout, or a file written beside its name and renamed into place only when
complete, never over the database or any SQLite file. Batch mode (``--output``) and the TUI's
export share it."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.errors import EXIT_REFUSED, EXIT_STORAGE, EXIT_USAGE, CstuiError, OutputClosed
from cstui.io.localize import os_reason
from cstui.io.report import is_binary


class _StdoutStream:
    """stdout for the report: a reader that went away (``| head -1``) raises ``OutputClosed``,
    told apart from any other broken pipe (a worker's), so the CLI can end quietly."""

    def __init__(self, stream: IO) -> None:
        self._stream = stream

    def write(self, data):
        try:
            return self._stream.write(data)
        except BrokenPipeError as error:
            raise OutputClosed() from error

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError as error:
            raise OutputClosed() from error

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


texts.register(
    {
        "report.over_database": (
            "{label}{target} is the database {part}; write the report to another file",
            "{label}{target} 是数据库 {part}；请把报告写到别的文件",
        ),
        "report.over_sqlite": (
            "{label}{target} is an {sqlite} database; {program} never writes a report over one",
            "{label}{target} 是 {sqlite} 数据库；{program} 从不把报告写在数据库上",
        ),
        "report.not_written": (
            "{label}{target}: cannot write the report ({reason})",
            "{label}{target}：无法写入报告（{reason}）",
        ),
    }
)


class ReportRefused(CstuiError):
    """The report would go over the database, its -wal/-shm, or another SQLite file: nothing is written."""

    exit_code = EXIT_REFUSED


class ReportNotWritten(CstuiError):
    """The report file could not be written (missing directory, no permission, disk full)."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def refuse_output(target: Path, database: str | os.PathLike | None, label: str = "--output ") -> None:
    """A report never goes over a database: ours (or its -wal/-shm) or any SQLite file, symlinks resolved."""
    from cstui.store.files import has_sqlite_header, sidecars

    resolved = target.resolve()
    if database is not None:
        db = Path(database).resolve()
        for part in (db, *sidecars(db)):
            if resolved == part or (target.exists() and part.exists() and os.path.samefile(target, part)):
                raise ReportRefused(line("report.over_database", label=label, target=str(target), part=str(part)))
    if resolved.is_file() and has_sqlite_header(resolved):
        said = dict(label=label, target=str(target), program="cstui", sqlite="SQLite")
        raise ReportRefused(line("report.over_sqlite", **said))


@contextmanager
def open_output(
    output: str | os.PathLike | None, fmt: str, database: str | os.PathLike | None = None, label: str = "--output "
) -> Iterator[IO]:
    """stdout, or a file written beside ``output`` and renamed into place only when complete.

    Never over ``database`` or any SQLite file; a replaced file keeps its mode (a 0600 report
    stays 0600); errors name ``output`` (after ``label``: the option, or nothing in the TUI),
    never the temporary file beside it.
    """
    if output is None:
        stream = _StdoutStream(sys.stdout.buffer if is_binary(fmt) else sys.stdout)
        yield stream
        stream.flush()
        return
    target = Path(output)
    refuse_output(target, database, label)
    if target.exists() and not target.is_file():
        # a device or a pipe (/dev/null, a FIFO to another program): write into it, never
        # rename a file over it
        with (
            _reporting_errors(target, label),
            open(
                target,
                "wb" if is_binary(fmt) else "w",
                **({} if is_binary(fmt) else {"encoding": "utf-8", "newline": ""}),
            ) as stream,
        ):
            yield stream
        return
    partial = target.with_name(f".{target.name}.part")
    try:
        with _reporting_errors(target, label):
            stream = _open_partial(partial, fmt, _mode_to_keep(target))
        with _reporting_errors(target, label), stream:
            yield stream
        with _reporting_errors(target, label):
            os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()


def _mode_to_keep(target: Path) -> int | None:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return None


def _open_partial(partial: Path, fmt: str, mode: int | None) -> IO:
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666 if mode is None else 0o600)
    if mode is not None:
        os.fchmod(fd, mode)
    if is_binary(fmt):
        return os.fdopen(fd, "wb")
    # a BOM lets Excel open a UTF-8 CSV with Chinese names correctly
    return os.fdopen(fd, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")


@contextmanager
def _reporting_errors(target: Path, label: str) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        code = EXIT_USAGE if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR) else EXIT_STORAGE
        said = dict(label=label, target=str(target), reason=os_reason(error))
        raise ReportNotWritten(line("report.not_written", **said), code) from None
