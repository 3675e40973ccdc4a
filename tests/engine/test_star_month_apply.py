"""star-levels' resumed month column-wise for ``--apply`` (``apply_columns``, issue 14) against the
per-card reference.

The teams of test_star_month_columns.py (cards around every bar and rounding tie, refused cards,
incidents, missing months, overrides, probation hires whose probation ends before, in or after
the month, imported stars at both ends of the ladder, varied bars, decimals and windows) graded
with ``--apply``'s path, resuming from the checkpoint an apply of 2026-11 stored: the results,
their traces (text, template key, arguments, in order), flags, their rows as stored, and the
team's checkpoint state must be the reference's exactly.
"""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings

import cstui.grading as grading
from cstui.domain import Employee, Override, Scorecard
from cstui.grading import grade_team
from cstui.store.checkpoints import state_json
from cstui.store.periods import stored_result
from resumed_support import resumed
from skims_support import reference
from test_star_month_columns import EXAMPLES, LADDER, MONTH, MONTHS, SCHEME, schemes, team


def lines(texts) -> list:
    """Each line's text, template key and arguments (a plain text: its text alone)."""
    return [(str(t), getattr(t, "key", None), getattr(t, "args", None)) for t in texts]


def applied(results) -> list:
    return [
        (r.as_record(True), str(r.score), r.rank, lines(r.trace), lines(r.flags), stored_result(r)) for r in results
    ]


def both(scheme, history):
    """(column-wise, reference): each the team's results and its checkpoint state as stored."""
    fast, fast_state = grade_team(scheme, history, MONTH, apply=True, explain=False)
    with reference(scheme.model):
        slow, slow_state = grade_team(scheme, history, MONTH, apply=True, explain=False)
    return (fast, state_json(fast_state)), (slow, state_json(slow_state))


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scheme=schemes(), drawn=team())
def test_the_column_wise_apply_gives_the_references_results_traces_and_checkpoint(scheme, drawn):
    history = resumed(scheme, MONTH, *drawn, apply=True)
    (fast, fast_state), (slow, slow_state) = both(scheme, history)
    assert applied(fast) == applied(slow)
    assert fast == slow
    assert fast_state == slow_state


def test_the_column_wise_apply_takes_the_plain_rows(monkeypatch):
    """The property above compares two paths only if the rows really go column-wise: a plain
    team's every row does (windows closing, one at the top, a level moved in November, a
    probation ending in the month); a refused card and an override are left to the per-card path."""
    splits, real = [], grading.split_by_columns

    def spy(*args, **kwargs):
        splits.append(real(*args, **kwargs))
        return splits[-1]

    monkeypatch.setattr(grading, "split_by_columns", spy)
    employees = [
        Employee(f"E{i}", f"n{i}", "T", "agent", date(2025, 1, 1), level=lv) for i, lv in enumerate(LADDER[1:])
    ]
    employees.append(Employee("E5", "n5", "T", "agent", date(2026, 9, 1)))  # probation ends: December assessed
    values = {"sales_target": "100000", "sales_actual": "110000"}
    # from August: windows close in October and December (and November for the window of 1)
    high = {e.id: {m: Scorecard(e.id, m, dict(values)) for m in [*MONTHS[7:], MONTH]} for e in employees}
    for window in (3, 1):
        scheme = SCHEME if window == 3 else _window(window)
        history = resumed(scheme, MONTH, employees, high, {}, apply=True)
        splits.clear()
        (fast, state), (slow, slow_state) = both(scheme, history)
        assert applied(fast) == applied(slow) and state == slow_state
        assert [row for row in splits[0].graded if isinstance(row, str)] == []
        assert len(splits[0].graded) == 6 and fast[5].level_before == "1-star"
        timelines = json.loads(state[0])["employees"]  # (state, timelines apart): both() encodes it whole
        assert timelines["E5"]["timeline"][-1][:2] == [str(MONTH), "1-star"]
    # a window of 1: a star a month from August's card on, the last move in November, kept on the timeline in December
    assert fast[0].level_before == "5-star" and timelines["E0"]["timeline"][-1][:2] == [str(MONTH), "5-star"]
    high["E0"][MONTH] = Scorecard("E0", MONTH, {"sales_target": "0", "sales_actual": "110000"})
    history = resumed(
        SCHEME, MONTH, employees, high, {"E1": [Override("E1", MONTH, "3-star", "by hand", "boss")]}, apply=True
    )
    splits.clear()
    (fast, state), (slow, slow_state) = both(SCHEME, history)
    assert applied(fast) == applied(slow) and state == slow_state
    assert [row for row in splits[0].graded if isinstance(row, str)] == ["E0", "E1"]


def _window(window: int):
    import copy
    import dataclasses

    params = copy.deepcopy(SCHEME.params)
    params["review"]["window"] = window
    return dataclasses.replace(SCHEME, params=params)
