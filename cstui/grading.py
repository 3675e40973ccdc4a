"""Grading a period from the store, and applying it: the one path the CLI and the TUI share.

Reads resume from the scheme's checkpoints (same scheme name and parameters), so grading a
month reads that month's cards and each team's saved replay state, not all of history.
Applying records the results AND each team's checkpoint at the period's last month in one
transaction, so the next period resumes from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from cstui.domain import Period, Result
from cstui.engine.model import TeamHistory


def graded_teams(store, scheme, period: Period, teams: Iterable[str] | None = None, *, apply: bool = False, explain: bool = True) -> Iterator[tuple[TeamHistory, list[Result]]]:
    """Each team's history and results for ``period``, team by team.

    With ``apply`` each team's results and its checkpoint are written as the team is
    graded; the caller holds the write transaction (:func:`apply_period` does).
    Without ``explain`` (a dry run whose report has no trace column) the results carry
    no trace; recorded results always carry theirs (the TUI shows them).
    """
    fingerprint = scheme.fingerprint
    model = scheme.model
    quiet = {} if explain or apply or not takes_explain(model) else {"explain": False}
    for history in store.team_histories(scheme.name, period, teams, fingerprint=fingerprint):
        if not apply:
            yield history, model.grade(scheme, history, period, **quiet)
            continue
        results, state = model.grade_and_checkpoint(scheme, history, period)
        store.record_results(results)
        if state is not None:
            store.save_checkpoints(scheme.name, fingerprint, period.last_month, {history.team: state})
        yield history, results


def takes_explain(model) -> bool:
    """Whether a (plugin) model's grade() takes ``explain``; one written before it did still works."""
    import inspect

    return "explain" in inspect.signature(model.grade).parameters


def apply_period(store, scheme, period: Period, teams: Iterable[str] | None = None, on_results: Callable[[list[Result]], None] | None = None) -> int:
    """Grade ``period`` and record its results and checkpoints in one transaction; returns the count.

    ``on_results`` sees each team's results as they are recorded (a report, a progress bar).
    """
    count = 0
    with store.write():
        for _, results in graded_teams(store, scheme, period, teams, apply=True):
            count += len(results)
            if on_results is not None:
                on_results(results)
    return count


def recorded_results(store, scheme, period: Period, teams: Iterable[str] | None = None) -> tuple[list[Result], str] | None:
    """A closed period's results as recorded when it was applied, and a notice saying so.

    A closed period is never silently recomputed: its recorded results stand, even when
    the scheme has since changed version. None when the period is open or has no results
    recorded under ``scheme`` (then it is graded as usual).
    """
    if store.period_status(period) != "closed":
        return None
    wanted = set(teams) if teams else None
    rows = [row for row in store.results(period, scheme=scheme.name) if wanted is None or row["team"] in wanted]
    if not rows:
        return None
    versions = sorted({row["scheme_version"] for row in rows})
    notice = f"{period} is closed: reporting the {len(rows)} results recorded under {scheme.name} version {', '.join(versions)}"
    if versions != [scheme.version]:
        notice += f"; the current version is {scheme.version}, and a closed period is not recomputed (a manager can reopen it)"
    return [result_from_row(row) for row in rows], notice


def result_from_row(row: dict) -> Result:
    """A Result from a row of ``Store.results`` (recorded when a period was applied)."""
    return Result(
        employee_id=row["employee_id"], name=row["name"], team=row["team"], period=Period.parse(row["period"]),
        scheme=row["scheme"], scheme_version=row["scheme_version"], score=row["score"], grade=row["grade"],
        rank=row["rank"], level_before=row["level_before"], level_after=row["level_after"],
        decision=row["decision"], pay_delta=row["pay_delta"], flags=row["flags"], trace=row["trace"],
    )
