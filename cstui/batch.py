"""Batch mode: grade a period for every visible employee on a scheme, write a report,
and with ``apply`` record the results.

Teams are read, graded and written a few at a time (``Store.team_histories`` streams them),
so memory stays bounded by a few teams, not the company. A large run grades teams in
worker processes (``jobs``; see :func:`cstui.grading.graded_results`); the report comes out
in the same team order either way. With ``apply`` the run is graded first, with no lock held,
then recorded in one short write transaction (every team's results, or none), and only then
reported (:func:`cstui.grading.apply_graded`): a slow reader of the report never holds up
another writer.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cstui.domain import Period
from cstui.errors import EXIT_REFUSED, EXIT_STORAGE, EXIT_USAGE, CstuiError, OutputClosed
from cstui.grading import (
    MAX_NAMED,
    InvalidCards,
    apply_graded,
    count_graded,
    graded_results,
    quota_breaches,
    recorded_results,
)
from cstui.io.localize import localized, report_labels
from cstui.io.progress import Progress
from cstui.io.report import columns_for, is_binary, write_report


def run_batch(
    store,
    scheme,
    period: Period,
    *,
    teams: Iterable[str] | None = None,
    fmt: str = "csv",
    output: str | os.PathLike | None = None,
    explain: bool = False,
    apply: bool = False,
    progress: bool = False,
    jobs: int | None = None,
    lang: str = "en",
) -> None:
    """Grade ``period`` under ``scheme`` and write the report to ``output`` (stdout when None).

    Without ``apply`` nothing is written to the database. With it, the results are
    recorded in one transaction; a closed period is refused before anything is graded.
    ``jobs``: worker processes grading teams (None: automatic, 1: none; see
    :func:`cstui.grading.resolve_jobs`). ``lang``: ``zh`` writes labels, flags and trace in 中文.
    """
    teams = list(teams) if teams else None
    fmt = _Report(fmt, lang, report_labels(store, scheme) if lang == "zh" else {})
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs: expected a whole number >= 1, got {jobs}")
    if apply:
        refuse_closed(store, period)
    elif (recorded := recorded_results(store, scheme, period, teams)) is not None:
        _report_recorded(store, scheme, recorded, fmt=fmt, output=output, explain=explain)
        return
    total = count_graded(store, scheme.name, teams) if progress else 0
    if apply:
        _apply_then_report(
            store,
            scheme,
            period,
            teams,
            fmt=fmt,
            output=output,
            explain=explain,
            total=total,
            progress=progress,
            jobs=jobs,
        )
        return
    _dry_run(
        store, scheme, period, teams, fmt=fmt, output=output, explain=explain, total=total, progress=progress, jobs=jobs
    )


def _report_recorded(store, scheme, recorded, *, fmt, output, explain) -> None:
    """A closed or applied period: its recorded results, as they were graded."""
    results, notice = recorded
    print(f"cstui: {notice}", file=sys.stderr)
    with open_output(output, fmt, database=store.path) as stream:
        fmt.write((r.as_record(explain) for r in results), stream, explain)
    QuotaBreaches.of_results(scheme, results).tell()


def _dry_run(store, scheme, period: Period, teams, *, fmt, output, explain, total, progress, jobs) -> None:
    """Grade without writing; invalid cards are refused after the report so everyone else is in it."""
    invalid, quotas = InvalidCards(period), QuotaBreaches(scheme)
    with (
        open_output(output, fmt, database=store.path) as stream,
        Progress(total, enabled=progress, label="grading") as bar,
    ):
        records = graded_records(
            store, scheme, period, teams, explain=explain, bar=bar, jobs=jobs, invalid=invalid, quotas=quotas
        )
        fmt.write(records, stream, explain)
    quotas.tell()
    invalid.refuse(applying=False)


def _apply_then_report(store, scheme, period: Period, teams, *, fmt, output, explain, total, progress, jobs) -> None:
    """Grade, record in one short transaction, then write the report from the spool (no lock held).

    A card the scheme refuses stops it before anything is recorded (exit 3, each card named).
    """
    if output is not None:  # before any grading: a report never goes over a database
        refuse_output(Path(output), store.path)
    with Progress(total, enabled=progress, label="grading") as bar:
        spool = apply_graded(store, scheme, period, teams, jobs=jobs, on_team=lambda graded: bar.advance(graded.size))
    quotas = QuotaBreaches(scheme)
    with spool, open_output(output, fmt, database=store.path) as stream:
        records = (result.as_record(explain) for graded in quotas.noting(spool) for result in graded.results)
        fmt.write(records, stream, explain)
    quotas.tell()


class _Report(str):
    """The report's format (a ``str``, as open_output reads it) and the language it is written in."""

    def __new__(cls, fmt: str, lang: str, labels: dict) -> _Report:
        self = str.__new__(cls, fmt)
        self.lang, self.labels = lang, labels
        return self

    def write(self, records: Iterable[dict], stream: IO, explain: bool) -> None:
        write_report(localized(records, self.lang, self.labels), str(self), stream, columns_for(explain))


def graded_records(
    store,
    scheme,
    period: Period,
    teams,
    *,
    explain=False,
    bar: Progress | None = None,
    jobs: int | None = 1,
    invalid: InvalidCards | None = None,
    quotas: QuotaBreaches | None = None,
) -> Iterator[dict]:
    """Report records of a dry run, in team order, as the teams are graded; ``invalid`` collects
    the cards the scheme refused, ``quotas`` the grade quotas teams break, to be named once the
    report is out."""
    for graded in graded_results(store, scheme, period, teams, explain=explain, jobs=jobs):
        if invalid is not None:
            invalid.note(graded.results)
        if quotas is not None:
            quotas.note(graded.team, graded.results)
        for result in graded.results:
            yield result.as_record(explain)
        if bar is not None:
            bar.advance(graded.size)


class QuotaBreaches:
    """The teams that break the scheme's grade quotas ([distribution]), told on stderr after the
    report, one line each: a quota is a finding, not an error, so the exit status stays 0."""

    def __init__(self, scheme):
        self.scheme, self.lines = scheme, []

    @classmethod
    def of_results(cls, scheme, results) -> QuotaBreaches:
        quotas, by_team = cls(scheme), {}
        for result in results:
            by_team.setdefault(result.team, []).append(result)
        for team, members in by_team.items():
            quotas.note(team, members)
        return quotas

    def note(self, team: str, results) -> None:
        self.lines.extend(breach.text() for breach in quota_breaches(self.scheme, team, results))

    def noting(self, spool):
        for graded in spool:
            self.note(graded.team, graded.results)
            yield graded

    def tell(self) -> None:
        for line in self.lines[:MAX_NAMED]:
            print(f"cstui: distribution: {line}", file=sys.stderr)
        if len(self.lines) > MAX_NAMED:
            print(f"cstui: distribution: and {len(self.lines) - MAX_NAMED} more quota breaches", file=sys.stderr)


def refuse_closed(store, period: Period) -> None:
    from cstui.store import PeriodClosed

    if store.period_status(period) == "closed":
        raise PeriodClosed(
            f"period {period} is closed: its results cannot be recorded; a manager can reopen it with a reason"
        )


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


class ReportRefused(CstuiError):
    """--output names the database, its -wal/-shm, or another SQLite file: nothing is written."""

    exit_code = EXIT_REFUSED


class ReportNotWritten(CstuiError):
    """The report file could not be written (missing directory, no permission, disk full)."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def refuse_output(target: Path, database: str | os.PathLike | None) -> None:
    """A report never goes over a database: ours (or its -wal/-shm) or any SQLite file, symlinks resolved."""
    from cstui.store.files import has_sqlite_header, sidecars

    resolved = target.resolve()
    if database is not None:
        db = Path(database).resolve()
        for part in (db, *sidecars(db)):
            if resolved == part or (target.exists() and part.exists() and os.path.samefile(target, part)):
                raise ReportRefused(f"--output {target} is the database {part}; write the report to another file")
    if resolved.is_file() and has_sqlite_header(resolved):
        raise ReportRefused(f"--output {target} is an SQLite database; cstui never writes a report over one")


@contextmanager
def open_output(output: str | os.PathLike | None, fmt: str, database: str | os.PathLike | None = None) -> Iterator[IO]:
    """stdout, or a file written beside ``output`` and renamed into place only when complete.

    Never over ``database`` or any SQLite file; a replaced file keeps its mode (a 0600 report
    stays 0600); errors name ``output``, never the temporary file beside it.
    """
    if output is None:
        stream = _StdoutStream(sys.stdout.buffer if is_binary(fmt) else sys.stdout)
        yield stream
        stream.flush()
        return
    target = Path(output)
    refuse_output(target, database)
    if target.exists() and not target.is_file():
        # a device or a pipe (/dev/null, a FIFO to another program): write into it, never
        # rename a file over it
        with (
            _reporting_errors(target),
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
        with _reporting_errors(target):
            stream = _open_partial(partial, fmt, _mode_to_keep(target))
        with _reporting_errors(target), stream:
            yield stream
        with _reporting_errors(target):
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
def _reporting_errors(target: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        code = EXIT_USAGE if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR) else EXIT_STORAGE
        raise ReportNotWritten(
            f"--output {target}: cannot write the report ({error.strerror or error})", code
        ) from None
