"""Batch mode: grade a period for every visible employee on a scheme, write a report,
and with ``apply`` record the results.

Teams are read, graded and written a few at a time (``Store.team_histories`` streams them),
so memory stays bounded by a few teams, not the company. A large run grades teams in
worker processes (``jobs``; see :func:`cstui.grading.graded_results`); the report comes out
in the same team order either way. With ``apply`` the whole run is one write transaction,
held by this process: every team's results are recorded, or none are.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO

from cstui.domain import Period
from cstui.errors import OutputClosed
from cstui.grading import InvalidCards, count_graded, graded_results, recorded_results
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
) -> None:
    """Grade ``period`` under ``scheme`` and write the report to ``output`` (stdout when None).

    Without ``apply`` nothing is written to the database. With it, the results are
    recorded in one transaction; a closed period is refused before anything is graded.
    ``jobs``: worker processes grading teams (None: automatic, 1: none; see
    :func:`cstui.grading.resolve_jobs`).
    """
    teams = list(teams) if teams else None
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs: expected a whole number >= 1, got {jobs}")
    if apply:
        refuse_closed(store, period)
    elif (recorded := recorded_results(store, scheme, period, teams)) is not None:
        results, notice = recorded
        print(f"cstui: {notice}", file=sys.stderr)
        with open_output(output, fmt) as stream:
            write_report((r.as_record(explain) for r in results), fmt, stream, columns_for(explain))
        return
    total = count_graded(store, scheme.name, teams) if progress else 0
    invalid = InvalidCards(period)
    with open_output(output, fmt) as stream, Progress(total, enabled=progress, label="grading") as bar:
        with store.write() if apply else nullcontext():
            # the write transaction is open before any worker reads: nobody commits in between
            records = graded_records(store, scheme, period, teams, explain=explain, apply=apply, bar=bar, jobs=jobs, invalid=invalid)
            write_report(records, fmt, stream, columns_for(explain))
            invalid.refuse(applying=apply)  # with apply, inside the transaction: nothing recorded


def graded_records(store, scheme, period: Period, teams, *, explain=False, apply=False, bar: Progress | None = None, jobs: int | None = 1, invalid: InvalidCards | None = None) -> Iterator[dict]:
    """Report records in team order; with ``apply`` each team's results and checkpoint are recorded
    as it comes in (the caller holds the write transaction: one for the whole run). ``invalid``
    collects the cards the scheme refused, to be named once the report is out."""
    for graded in graded_results(store, scheme, period, teams, apply=apply, explain=explain, jobs=jobs):
        if invalid is not None:
            invalid.note(graded.results)
        for result in graded.results:
            yield result.as_record(explain)
        if bar is not None:
            bar.advance(graded.size)


def refuse_closed(store, period: Period) -> None:
    from cstui.store import PeriodClosed

    if store.period_status(period) == "closed":
        raise PeriodClosed(f"period {period} is closed: its results cannot be recorded; a manager can reopen it with a reason")


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


@contextmanager
def open_output(output: str | os.PathLike | None, fmt: str) -> Iterator[IO]:
    """stdout, or a file written beside ``output`` and renamed into place only when complete."""
    if output is None:
        stream = _StdoutStream(sys.stdout.buffer if is_binary(fmt) else sys.stdout)
        yield stream
        stream.flush()
        return
    target = Path(output)
    if target.exists() and not target.is_file():
        # a device or a pipe (/dev/null, a FIFO to another program): write into it, never
        # rename a file over it
        with open(target, "wb" if is_binary(fmt) else "w", **({} if is_binary(fmt) else {"encoding": "utf-8", "newline": ""})) as stream:
            yield stream
        return
    partial = target.with_name(f".{target.name}.part")
    try:
        if is_binary(fmt):
            with open(partial, "wb") as stream:
                yield stream
        else:
            # a BOM lets Excel open a UTF-8 CSV with Chinese names correctly
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with open(partial, "w", encoding=encoding, newline="") as stream:
                yield stream
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
