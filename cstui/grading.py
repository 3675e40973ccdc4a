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


def graded_teams(store, scheme, period: Period, teams: Iterable[str] | None = None, *, apply: bool = False) -> Iterator[tuple[TeamHistory, list[Result]]]:
    """Each team's history and results for ``period``, team by team.

    With ``apply`` each team's results and its checkpoint are written as the team is
    graded; the caller holds the write transaction (:func:`apply_period` does).
    """
    fingerprint = scheme.fingerprint
    model = scheme.model
    for history in store.team_histories(scheme.name, period, teams, fingerprint=fingerprint):
        if not apply:
            yield history, model.grade(scheme, history, period)
            continue
        results, state = model.grade_and_checkpoint(scheme, history, period)
        store.record_results(results)
        if state is not None:
            store.save_checkpoints(scheme.name, fingerprint, period.last_month, {history.team: state})
        yield history, results


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
