"""star-levels' resumed month graded a team at once (``grade_columns``, issue 14) against the
per-card reference.

A random team's months up to 2026-11 are graded with ``--apply``'s path (the per-card
reference) to get the checkpoint a real apply stores (encoded to JSON and decoded, as the store
reads it back); 2026-12 is then graded resuming from it, with the column-wise rows on and off
(``model.skims = False``: every row per card). Cards typed around every bar and rounding tie,
refused cards (bad texts, a target of 0, missing fields, unreadable), cards with incidents,
missing months, overrides in and before the month, probation hires, imported stars at both ends
of the ladder, varied bars, decimals and windows: the results must be the same in every field,
the shown score's digits included, with traces (asked: the per-card path builds them) and without.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Incident, Override, Period, Scorecard
from cstui.engine.cards import UNREADABLE
from cstui.grading import grade_team
from cstui.schemes import load_scheme
from resumed_support import resumed
from skims_support import reference

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))
M = Period.parse
MONTH, BEFORE = M("2026-12"), M("2026-11")
MONTHS = [M("2026-01").shift(i) for i in range(12)]
LADDER = ["probation", "1-star", "2-star", "3-star", "4-star", "5-star"]
SCHEME = load_scheme("star-levels")

# around the bars (110, and 90 when demote_below is 90) on a target of 100,000: exactly on
# them, a fen either side, and on the shown score's rounding ties (109.995 shows 110.00 and
# is below 110; 89.995 likewise)
ACTUALS = [
    "80000",
    "89995",
    "89999.99",
    "90000",
    "90000.01",
    "95000",
    "109994.99",
    "109995",
    "109999.99",
    "110000",
    "110000.00",
    "110000.01",
    "120000",
    "135000.5",
    "0",
    "110,000",
    " 111000 ",
    "\u3000110000.000",
]
TARGETS = ["100000", "100000.00", "99999.99", "100,000", "100000.0", "3", "7.77"]
ODD = ["-100", "110%", "yes", "", "1e5", "12.345", "0", "-5", "abc"]


@st.composite
def card(draw, employee_id: str, month: Period) -> Scorecard:
    values = {"sales_target": draw(st.sampled_from(TARGETS)), "sales_actual": draw(st.sampled_from(ACTUALS))}
    shape = draw(st.integers(0, 40))
    if shape == 0:
        values["sales_target"] = draw(st.sampled_from(ODD))
    elif shape == 1:
        values["sales_actual"] = draw(st.sampled_from(ODD))
    elif shape == 2:
        del values["sales_actual"]
    elif shape == 3:
        values[UNREADABLE] = "{not json"
    elif shape == 4:
        values["note"] = "not a field of the scheme"
    incidents = [Incident(employee_id, month.first_day, "late")] if shape == 5 else []
    return Scorecard(employee_id, month, values, incidents, 1)


@st.composite
def team(draw):
    """(employees, cards by id and month, overrides by id)."""
    employees, cards, overrides = [], {}, {}
    for i in range(draw(st.integers(1, 8))):
        eid = f"E{i}"
        # long served, or hired lately: probation ending before, in or after the month (or hired after it)
        hired = draw(
            st.one_of(st.dates(date(2025, 6, 1), date(2026, 6, 30)), st.dates(date(2026, 7, 1), date(2027, 1, 5)))
        )
        level = draw(st.sampled_from([None, None, *LADDER]))
        status = draw(st.sampled_from(["active", "active", "active", "inactive"]))
        employees.append(Employee(eid, f"n{i}", "T", "agent", hired, status, None, "star-levels", level))
        # runs of one side fill windows; a mixed one breaks them
        side = draw(st.sampled_from([ACTUALS[:9], ACTUALS[9:], ACTUALS]))
        gaps = draw(st.sets(st.sampled_from([*MONTHS, MONTH]), max_size=2 if draw(st.booleans()) else 12))
        mine = {}
        for month in [*MONTHS, MONTH]:
            if month not in gaps:
                drawn = draw(card(eid, month))
                if drawn.values.get("sales_actual") in ACTUALS:
                    drawn.values["sales_actual"] = draw(st.sampled_from(side))
                mine[month] = drawn
        cards[eid] = mine
        if draw(st.integers(0, 6)) == 0:
            month = draw(st.sampled_from([MONTHS[-3], BEFORE, MONTH]))
            overrides[eid] = [Override(eid, month, draw(st.sampled_from(LADDER)), "by hand", "boss")]
    return employees, cards, overrides


@st.composite
def schemes(draw):
    """The shipped scheme, or one with other bars, decimals and window."""
    if draw(st.booleans()):
        return SCHEME
    params = copy.deepcopy(SCHEME.params)
    params["review"]["demote_below"] = draw(st.sampled_from([110, 90, 109.995]))
    params["score"]["places"] = draw(st.integers(0, 3))
    params["review"]["window"] = draw(st.integers(1, 3))
    return dataclasses.replace(SCHEME, params=params)


def records(results) -> list:
    return [(r.as_record(True), str(r.score), r.rank) for r in results]


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scheme=schemes(), drawn=team())
def test_the_column_wise_month_gives_the_references_results(scheme, drawn):
    history = resumed(scheme, MONTH, *drawn)
    for explain in (False, True):
        fast, _ = grade_team(scheme, history, MONTH, apply=False, explain=explain)
        with reference(scheme.model):
            slow, _ = grade_team(scheme, history, MONTH, apply=False, explain=explain)
        assert records(fast) == records(slow), explain
        assert fast == slow


def test_the_column_wise_month_grades_the_plain_rows_and_leaves_the_rest(monkeypatch):
    """The property above compares two paths only if the rows are really graded column-wise: a
    plain team's rows are (no row goes per card, a window closing at the ladder's edge included);
    a refused card and an override in the month are left to the per-card path, and still graded
    alike."""
    import cstui.grading as grading

    splits = []
    real = grading.split_by_columns

    def spy(*args, **kwargs):
        split = real(*args, **kwargs)
        splits.append(split)
        return split

    monkeypatch.setattr(grading, "split_by_columns", spy)
    hired = date(2025, 1, 1)
    employees = [Employee(f"E{i}", f"n{i}", "T", "agent", hired, level=lv) for i, lv in enumerate(LADDER[1:])]
    values = {"sales_target": "100000", "sales_actual": "110000"}
    # six months from July: windows close in September and December
    high = {e.id: {m: Scorecard(e.id, m, dict(values)) for m in [*MONTHS[6:], MONTH]} for e in employees}
    history = resumed(SCHEME, MONTH, employees, high, {})
    splits.clear()
    fast, _ = grade_team(SCHEME, history, MONTH, apply=False, explain=False)
    with reference(SCHEME.model):
        slow, _ = grade_team(SCHEME, history, MONTH, apply=False, explain=False)
    assert fast == slow
    left = [row for row in splits[0].graded if isinstance(row, str)]
    assert len(splits[0].graded) == 5 and left == []
    assert [r.decision for r in fast] == ["promote"] * 3 + ["stay"] * 2  # 5-star by then: a window closes at the top
    assert fast[4].flags == ["3 months >= 110 (110, 110, 110): already at the top (5-star)"]
    high["E0"][MONTH] = Scorecard("E0", MONTH, {"sales_target": "0", "sales_actual": "110000"})
    history = resumed(SCHEME, MONTH, employees, high, {"E1": [Override("E1", MONTH, "3-star", "by hand", "boss")]})
    splits.clear()
    fast, _ = grade_team(SCHEME, history, MONTH, apply=False, explain=False)
    with reference(SCHEME.model):
        slow, _ = grade_team(SCHEME, history, MONTH, apply=False, explain=False)
    assert fast == slow and fast[0].decision == "invalid"
    assert [row for row in splits[0].graded if isinstance(row, str)] == ["E0", "E1"]
