"""five-tier's resumed month column-wise for ``--apply`` (``apply_columns``, issue 14) against the
per-card reference, for both schemes the model runs (five-tier: weighted items; ecommerce-kpi:
band tables, capped).

The teams of test_five_month_columns.py (values on every bar and edge, refused cards, incidents,
missing months, overrides, probation, tenure around its anniversary, both ends of the ladder,
varied bars, weights, probation lengths and cap), graded with ``--apply``'s path resuming from
the checkpoint an apply of the month before stored: in October (after September's review moved
people: their timelines grow and the review's why is read), November (inside a quarter) and
December (closing Q4, its review). The results, their traces (text, template key, arguments, in
order), flags and the team's checkpoint state must be the reference's exactly.
"""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings

import cstui.grading as grading
from cstui.domain import Override, Period, Scorecard
from cstui.grading import grade_team
from cstui.store.checkpoints import state_json
from cstui.store.periods import stored_result
from resumed_support import resumed
from skims_support import reference
from test_five_month_columns import EXAMPLES, FIVE, LADDER, SHOP, cases, plain_team

M = Period.parse
GRADED = [M("2026-10"), M("2026-11"), M("2026-12")]  # after a review; inside a quarter; closing one


def lines(texts) -> list:
    """Each line's text, template key and arguments (a plain text: its text alone)."""
    return [(str(t), getattr(t, "key", None), getattr(t, "args", None)) for t in texts]


def applied(results) -> list:
    """Each result's fields, its lines, and its row as the apply stores it (flags and trace as
    JSON: the arguments in the order the line gives them)."""
    return [
        (r.as_record(True), str(r.score), str(r.pay_delta), r.rank, lines(r.trace), lines(r.flags), stored_result(r))
        for r in results
    ]


def both(scheme, history, graded):
    """(column-wise, reference): each the team's results and its checkpoint state as stored."""
    fast, fast_state = grade_team(scheme, history, graded, apply=True, explain=False)
    with reference(scheme.model):
        slow, slow_state = grade_team(scheme, history, graded, apply=True, explain=False)
    return (fast, state_json(fast_state)), (slow, state_json(slow_state))


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases(GRADED))
def test_the_column_wise_apply_gives_the_references_results_traces_and_checkpoint(case):
    scheme, graded, drawn = case
    history = resumed(scheme, graded, *drawn, apply=True)
    (fast, fast_state), (slow, slow_state) = both(scheme, history, graded)
    assert applied(fast) == applied(slow)
    assert fast == slow
    assert fast_state == slow_state


def split_rows(monkeypatch, scheme, history, graded) -> list:
    """The rows the apply left to the per-card path (ids), its results checked against the reference."""
    splits, real = [], grading.split_by_columns

    def spy(*args, **kwargs):
        splits.append(real(*args, **kwargs))
        return splits[-1]

    monkeypatch.setattr(grading, "split_by_columns", spy)
    (fast, fast_state), (slow, slow_state) = both(scheme, history, graded)
    assert applied(fast) == applied(slow) and fast_state == slow_state
    assert splits[0] is not None and set(splits[0].entries) | {e.id for e in splits[0].rest.employees} == {
        e.id for e in history.employees
    }
    return [row for row in splits[0].graded if isinstance(row, str)]


def test_the_column_wise_apply_takes_the_plain_rows_of_each_month(monkeypatch):
    """The property above compares two paths only if the rows really go column-wise: a plain
    team's every row does, in October (levels moved by September's review), November and
    December (its review: probation, promotion, eligible, demotion); a refused card and an
    override in the month are left to the per-card path and still come out alike."""
    levels = ["junior", "intermediate", "senior", "expert", "junior", "senior"]
    hired = [date(2020, 1, 1)] * 4 + [date(2025, 6, 1), date(2020, 1, 1)]
    for scheme in (FIVE, SHOP):
        for graded in GRADED:
            tuned, employees, cards = plain_team(scheme, graded, [40, 40, 90, 90, 90, 65], levels, hired)
            del cards["E2"][graded]
            history = resumed(tuned, graded, employees, cards, {}, apply=True)
            assert split_rows(monkeypatch, tuned, history, graded) == []
            monkeypatch.undo()
            cards["E0"][graded] = Scorecard("E0", graded, {"handling": "x", "conversion": "x"})
            overrides = {"E1": [Override("E1", graded, "senior", "by hand", "boss")]}
            history = resumed(tuned, graded, employees, cards, overrides, apply=True)
            assert split_rows(monkeypatch, tuned, history, graded) == ["E0", "E1"]
            monkeypatch.undo()


def test_a_month_after_a_move_appends_to_the_stored_timeline():
    """October after September's review: the moved rows' entries carry the month's new level and
    the review's why, as the per-card path appends them."""
    graded = GRADED[0]
    tuned, employees, cards = plain_team(FIVE, graded, [40, 90], ["senior", "junior"], [date(2020, 1, 1)] * 2)
    history = resumed(tuned, graded, employees, cards, {}, apply=True)
    (fast, state), _ = both(tuned, history, graded)
    kept, _ = state  # (state, timelines apart): both() encodes the state whole
    timelines = {e: entry["timeline"][-1][:2] for e, entry in json.loads(kept)["employees"].items()}
    assert timelines == {"E0": [str(graded), "intermediate"], "E1": [str(graded), LADDER[1]]}
    assert [r.level_before for r in fast] == ["intermediate", "intermediate"]


def test_the_decimal_ways_of_a_score_and_a_review_give_the_references(monkeypatch):
    """A term with more decimals than the scaled integers hold (a rate typed to 11 places) makes
    its row's score by Decimals, and that row's review, and one reading a stored score with more
    than 14 decimals (a rate to 13 places in October and November), go the Decimal way; a context of fewer
    digits sends the whole team there. Each still gives the reference's results and state."""
    from decimal import localcontext

    from cstui_plugins.five_tier import month_apply

    graded = GRADED[2]
    tuned, employees, cards = plain_team(FIVE, graded, [80, 80, 90], LADDER[:3], [date(2020, 1, 1)] * 3)
    cards["E0"][graded] = Scorecard("E0", graded, dict(cards["E0"][graded].values, handling="0.12345678901"))
    for month in (graded.shift(-2), graded.shift(-1)):
        cards["E1"][month] = Scorecard("E1", month, dict(cards["E1"][month].values, handling="0.1234567890123"))
    decimal_ways = []
    real = month_apply._review_decimal
    monkeypatch.setattr(month_apply, "_review_decimal", lambda *a: decimal_ways.append(a[3]) or real(*a))
    history = resumed(tuned, graded, employees, cards, {}, apply=True)
    assert split_rows(monkeypatch, tuned, history, graded) == []
    assert [employee.id for employee in decimal_ways] == ["E0", "E1"]
    decimal_ways.clear()
    with localcontext() as context:
        context.prec = 27
        history = resumed(tuned, graded, employees, cards, {}, apply=True)
        (fast, fast_state), (slow, slow_state) = both(tuned, history, graded)
    assert applied(fast) == applied(slow) and fast_state == slow_state
    assert [employee.id for employee in decimal_ways] == ["E0", "E1", "E2"]
