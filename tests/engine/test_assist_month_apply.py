"""assistant-class's ``--apply`` of a resumed month (issue 14) against its per-card reference.

The apply grades every member per card with traces and records the team's checkpoint; the
model makes the lines that depend on a few values (the pay line by score, the rank and level
lines) once a run and shares them, so the stored form encodes each once. The reference (``skims``
off) makes each row's own. The random teams of test_assist_month_columns.py (months opening,
inside and closing a quarter, whose review the checkpoint holds; incidents, refused cards,
leads, inactive members, late hires, overrides, other bars, look-backs and unpaid months) are
applied both ways: each result's record, its stored row (flags and trace JSON: text, key,
arguments and their order) and the team's checkpoint JSON (state and timelines) must be equal.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings

from cstui.domain import Period
from cstui.grading import grade_team
from cstui.store.checkpoints import state_json
from cstui.store.periods import stored_result
from resumed_support import resumed
from skims_support import reference
from test_assist_month_columns import SCHEME, cases

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))


def _applied(scheme, history, month: Period) -> tuple[list, tuple | None]:
    results, state = grade_team(scheme, history, month, apply=True, explain=False)
    rows = [(r.as_record(True), str(r.score), str(r.pay_delta), stored_result(r)) for r in results]
    return rows, state_json(state, scheme.model.timelines_apart)


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_the_applied_month_stores_what_the_reference_stores(case):
    scheme, graded, drawn = case
    history = resumed(scheme, graded, *drawn, apply=True)
    fast = _applied(scheme, history, graded)
    with reference(scheme.model):
        slow = _applied(scheme, history, graded)
    assert fast == slow


def test_shared_lines_are_shared_and_stored_as_each_rows_own():
    """The property above compares two ways of making lines only if the fast one shares them:
    two members with equal scores in a quarter's closing month get the very same pay and level
    lines, stored as the reference stores each row's own."""
    from datetime import date

    from cstui.domain import Employee, Scorecard

    month, hired = Period.parse("2026-12"), date(2025, 1, 1)
    employees = [Employee(f"E{i}", f"n{i}", "T", "assistant", hired, level="class-2") for i in range(3)]
    cards = {e.id: {m: Scorecard(e.id, m, {}) for m in (month.shift(-1), month)} for e in employees}
    history = resumed(SCHEME, month, employees, cards, {}, apply=True)
    results, _ = grade_team(SCHEME, history, month, apply=True, explain=False)
    pay = [r.trace[-2] for r in results]
    assert pay[0] is pay[1] is pay[2] and pay[0].stored is not None
    assert results[0].trace[-1] is results[1].trace[-1]
    with reference(SCHEME.model):
        slow, _ = grade_team(SCHEME, history, month, apply=True, explain=False)
    assert slow[0].trace[-2] is not slow[1].trace[-2]
    assert [stored_result(r) for r in results] == [stored_result(r) for r in slow]
