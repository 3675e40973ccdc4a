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

import gc
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cstui.domain import Period, Result, texts
from cstui.domain.texts import render
from cstui.grading import (
    MAX_NAMED,
    DryRun,
    InvalidCards,
    TeamResults,
    apply_graded,
    count_graded,
    dry_run,
    graded_results,
    quota_breaches,
)
from cstui.io.localize import localized, report_labels
from cstui.io.output import open_output, refuse_output
from cstui.io.progress import Progress
from cstui.io.report import columns_for, write_report, write_result_csv

texts.register(
    {
        "batch.closed": (
            "period {period} is closed: its results cannot be recorded; a manager can reopen it with a reason",
            "周期 {period} 已关闭：不能记录其结果；经理可填写原因重新打开",
        ),
    }
)
YOUNG_COLLECTED_AFTER = 20_000  # allocations between collections of the youngest generation (Python's default: 700)


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
    run = None
    if apply:
        refuse_closed(store, period)
    elif (run := dry_run(store, scheme, period, teams, explain=explain, jobs=jobs)).notice is not None:
        _report_recorded(store, scheme, run, fmt=fmt, output=output, explain=explain)
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
    _dry_run(store, scheme, period, run, fmt=fmt, output=output, explain=explain, total=total, progress=progress)


def _report_recorded(store, scheme, run: DryRun, *, fmt, output, explain) -> None:
    """A closed or applied period: its recorded results, as they were graded."""
    results = [result for graded in run.teams for result in graded.results]
    print(f"cstui: {render(run.notice, fmt.lang, fmt.labels)}", file=sys.stderr)
    with open_output(output, fmt, database=store.path) as stream:
        fmt.write_results(results, stream, explain)
    QuotaBreaches.of_results(scheme, results).tell()


def _dry_run(store, scheme, period: Period, run: DryRun, *, fmt, output, explain, total, progress) -> None:
    """Grade without writing; invalid cards are refused after the report so everyone else is in it."""
    invalid, quotas = InvalidCards(period), QuotaBreaches(scheme)
    with (
        fewer_collections(),
        open_output(output, fmt, database=store.path) as stream,
        Progress(total, enabled=progress, label="grading") as bar,
    ):
        results = graded_rows(
            store, scheme, period, None, explain=explain, bar=bar, invalid=invalid, quotas=quotas, graded=run.teams
        )
        fmt.write_results(results, stream, explain)
    quotas.tell()
    invalid.refuse(applying=False)


def _apply_then_report(store, scheme, period: Period, teams, *, fmt, output, explain, total, progress, jobs) -> None:
    """Grade, record in one short transaction, then write the report from the spool (no lock held).

    A card the scheme refuses stops it before anything is recorded (exit 3, each card named).
    """
    if output is not None:  # before any grading: a report never goes over a database
        refuse_output(Path(output), store.path)
    quotas = QuotaBreaches(scheme)
    # the grading, the record and the report make as many short-lived objects as a dry run
    # (more: the checkpoints' timelines, the stored rows): the collector as the dry run has it
    with fewer_collections():
        with Progress(total, enabled=progress, label="grading") as bar:
            spool = apply_graded(
                store, scheme, period, teams, jobs=jobs, on_team=lambda graded: bar.advance(graded.size)
            )
        with spool, open_output(output, fmt, database=store.path) as stream:
            teams = quotas.noting(spool.teams(trace=explain))  # a trace is decoded only to be shown
            fmt.write_results((result for graded in teams for result in graded.results), stream, explain)
    quotas.tell()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """While a run grades: the objects already alive (the imported modules, the scheme) are left
    out of the garbage collector's passes, and the youngest generation is collected 30 times
    less often. Grading allocates millions of short-lived objects that reference counting frees
    at once (few cycles); each pass walked what was alive, 4-9% of a resumed month's CPU."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], YOUNG_COLLECTED_AFTER), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


class _Report(str):
    """The report's format (a ``str``, as open_output reads it) and the language it is written in."""

    def __new__(cls, fmt: str, lang: str, labels: dict) -> _Report:
        self = str.__new__(cls, fmt)
        self.lang, self.labels = lang, labels
        return self

    def write(self, records: Iterable[dict], stream: IO, explain: bool) -> None:
        write_report(localized(records, self.lang, self.labels), str(self), stream, columns_for(explain))

    def write_results(self, results: Iterable[Result], stream: IO, explain: bool) -> None:
        """The report of ``results``: their records (``Result.as_record``) written as :meth:`write`
        writes them; an English CSV straight from the Results (the same text, without the records)."""
        if self == "csv" and self.lang == "en":
            write_result_csv(results, explain, stream)
        else:
            self.write((result.as_record(explain) for result in results), stream, explain)


def graded_rows(
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
    graded: Iterable[TeamResults] | None = None,
) -> Iterator[Result]:
    """The results of a dry run, in team order, as the teams are graded; ``invalid`` collects
    the cards the scheme refused, ``quotas`` the grade quotas teams break, to be named once the
    report is out. ``graded``: teams already being graded (a :func:`cstui.grading.dry_run`);
    by default they are graded here."""
    if graded is None:
        graded = graded_results(store, scheme, period, teams, explain=explain, jobs=jobs)
    for team in graded:
        if invalid is not None:
            invalid.note(team.results)
        if quotas is not None:
            quotas.note(team.team, team.results)
        yield from team.results
        if bar is not None:
            bar.advance(team.size)


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
        raise PeriodClosed(texts.line("batch.closed", period=str(period)))
