"""assistant-class's resumed month graded a team at once (``grade_columns``, issue 14) against the
per-card reference.

A random team's months up to the month before are graded with ``--apply``'s path (the per-card
reference) to get the checkpoint a real apply stores (encoded to JSON and decoded, as the store
reads it back: its timelines unread); the month (one opening a quarter, inside one, or closing
one) is then graded resuming from it, with the column-wise month on and off (``model.skims =
False``: the whole team per card). Scores around the grade bands, the pay float's bounds and the
dismissal bars, ties and "last in the team" runs over the months the checkpoint keeps, incidents
of every kind (ranged points, repeated ones, dismissal codes, enough minor and moderate ones for
failing duties), adjustments with and without a reason, refused cards (an unknown code, a bad
count, an unreadable card), team leads, inactive members with and without a card, late hires,
members the checkpoint does not hold, overrides in and before the month, other bars and
look-backs: the results must be the same in every field, with traces and without.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from datetime import date
from decimal import Decimal

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
GRADED = [M("2026-10"), M("2026-11"), M("2026-12"), M("2027-01")]
SCHEME = load_scheme("assistant-class")
LEVELS = ["class-3", "class-2", "class-1"]
ROLES = ["assistant", "assistant", "assistant", "team-lead"]
# incidents as (code, count, points): deductions fixed and ranged, bonuses, dismissal flags
INCIDENTS = [
    ("late", 1, None),
    ("late", 2, "-3"),
    ("cover-shift", 1, None),
    ("cover-shift", 3, None),
    ("top-performer", 1, None),
    ("messy-desk", 1, None),
    ("messy-desk", 4, None),  # four minor: failing duties
    ("missed-meeting", 2, None),  # two moderate: failing duties
    ("failing-duties", 1, None),
    ("absent", 1, None),
    ("off-topic-chat", 1, "-1"),
    ("sleeping-on-duty", 1, None),
    ("hung-up-line", 2, None),
]
ODD_INCIDENTS = [("no-such-code", 1, None), ("top-performer", 2, None), ("late", 1, "-9")]
ADJUSTMENTS = [None, None, None, "0", "5", "-5", "3", "-2.5", "+1", " 4 ", "1.25"]
COUNTS = ["0", "3", "12", "", " 2 ", "１"]


@st.composite
def card(draw, employee_id: str, month: Period, low: bool = False) -> Scorecard:
    """``low``: an absence on most cards (the member is last in the team month after month)."""
    values = {}
    adjustment = draw(st.sampled_from(ADJUSTMENTS))
    if adjustment is not None:
        values["adjustment"] = adjustment
        values["adjustment_reason"] = draw(st.sampled_from(["help", "help", ""]))
    for metric in draw(st.sets(st.sampled_from(["a_followups", "b_reports", "suggestions"]))):
        values[metric] = draw(st.sampled_from(COUNTS))
    shape = draw(st.integers(0, 40))
    if shape == 0:
        values["a_followups"] = draw(st.sampled_from(["-1", "x", "2.5"]))
    elif shape == 1:
        values[UNREADABLE] = "{not json"
    elif shape == 2:
        values["adjustment"] = draw(st.sampled_from(["9", "abc"]))
    drawn = draw(st.lists(st.sampled_from(INCIDENTS), max_size=3)) if draw(st.booleans()) else []
    if shape == 3:
        drawn.append(draw(st.sampled_from(ODD_INCIDENTS)))
    if low and draw(st.integers(0, 5)):
        drawn.append(("absent", 1, None))
    day = date(month.year, month.index, 2)
    incidents = [Incident(employee_id, day, c, n, None if p is None else Decimal(p)) for c, n, p in drawn]
    return Scorecard(employee_id, month, values, incidents, 1)


@st.composite
def team(draw, graded: Period):
    """(employees, cards by id and month, overrides by id)."""
    months = [graded.shift(-k) for k in range(7, -1, -1)]
    employees, cards, overrides = [], {}, {}
    for i in range(draw(st.integers(1, 8))):
        eid = f"E{i}"
        hired = draw(st.one_of(st.just(date(2025, 1, 1)), st.sampled_from([m.first_day for m in months])))
        level = draw(st.sampled_from([None, *LEVELS, "nowhere"]))
        status = draw(st.sampled_from(["active", "active", "active", "inactive"]))
        role = draw(st.sampled_from(ROLES))
        employees.append(Employee(eid, f"n{i}", "T", role, hired, status, None, "assistant-class", level))
        gaps = draw(st.sets(st.sampled_from(months), max_size=2 if draw(st.booleans()) else 8))
        low = draw(st.integers(0, 3)) == 0
        kept = [m for m in months if m not in gaps and m.first_day >= hired.replace(day=1)]
        cards[eid] = {m: draw(card(eid, m, low)) for m in kept}
        if draw(st.integers(0, 6)) == 0:
            month = draw(st.sampled_from([graded.shift(-2), graded.shift(-1), graded]))
            overrides[eid] = [Override(eid, month, draw(st.sampled_from(LEVELS)), "by hand", "boss")]
    return employees, cards, overrides


@st.composite
def schemes(draw):
    """The shipped scheme, or one with other dismissal bars, look-back and unpaid months."""
    if draw(st.booleans()):
        return SCHEME
    params = copy.deepcopy(SCHEME.params)
    params["dismissal_review"]["score_below"] = draw(st.sampled_from([60, 75, 80.5]))
    params["dismissal_review"]["last_in_team_months"] = draw(st.integers(0, 4))
    params["dismissal_review"]["last_in_team_below"] = draw(st.sampled_from([70, 85, 111]))
    params["pay_float"]["unpaid_first_months"] = draw(st.integers(0, 3))
    return dataclasses.replace(SCHEME, params=params)


@st.composite
def cases(draw):
    graded = draw(st.sampled_from(GRADED))
    return draw(schemes()), graded, draw(team(graded))


def records(results) -> list:
    return [(r.as_record(True), str(r.score), r.rank, r.flags, r.trace) for r in results]


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_the_column_wise_month_gives_the_references_results(case):
    scheme, graded, drawn = case
    history = resumed(scheme, graded, *drawn)
    for explain in (False, True):
        fast, _ = grade_team(scheme, history, graded, apply=False, explain=explain)
        with reference(scheme.model):
            slow, _ = grade_team(scheme, history, graded, apply=False, explain=explain)
        assert records(fast) == records(slow), explain
        assert fast == slow


def _spied(monkeypatch) -> list:
    import cstui.grading as grading

    splits = []
    real = grading.split_by_columns

    def spy(*args, **kwargs):
        split = real(*args, **kwargs)
        splits.append(split)
        return split

    monkeypatch.setattr(grading, "split_by_columns", spy)
    return splits


def _both(history, month):
    fast, _ = grade_team(SCHEME, history, month, apply=False, explain=False)
    with reference(SCHEME.model):
        slow, _ = grade_team(SCHEME, history, month, apply=False, explain=False)
    assert records(fast) == records(slow)
    return fast


def test_a_plain_team_is_graded_column_wise_and_a_refused_card_leaves_it_per_card(monkeypatch):
    """The property above compares two paths only if the teams are really graded column-wise: a
    team with incidents, a lead, a missing month and an inactive member without a card is (every
    row but the inactive member's); one refused card or an override in the month leaves the
    whole team per card, graded alike."""
    splits = _spied(monkeypatch)
    month, hired = M("2026-12"), date(2025, 1, 1)
    roles = ["assistant", "assistant", "assistant", "team-lead", "assistant"]
    employees = [Employee(f"E{i}", f"n{i}", "T", r, hired, level="class-2") for i, r in enumerate(roles)]
    employees.append(Employee("E5", "n5", "T", "assistant", hired, "inactive", level="class-2"))
    nov = M("2026-11")
    cards = {e.id: {m: Scorecard(e.id, m, {}) for m in (nov, month)} for e in employees[:4]}
    for m in (nov, month):  # E1 last in the team, below 70, two months running
        cards["E1"][m] = Scorecard("E1", m, {}, [Incident("E1", date(2026, m.index, 2), "absent", 1)])
    history = resumed(SCHEME, month, employees, cards, {})
    splits.clear()
    fast = _both(history, month)
    assert [isinstance(row, str) for row in splits[0].graded] == [False] * 5 + [True]  # E5 per card
    assert [r.rank for r in fast] == [1, 3, 1, None, None, None]  # the lead is not ranked
    assert [str(r.score) for r in fast] == ["80", "60", "80", "80", "None", "None"]
    assert fast[1].flags == ["dismissal-review: last in the team 2 months running, below 70"]
    assert [r.decision for r in fast] == ["none"] * 4 + ["missing"] * 2
    cards["E0"][month] = Scorecard("E0", month, {"adjustment": "9"})
    splits.clear()
    fast = _both(resumed(SCHEME, month, employees, cards, {}), month)
    assert splits[0] is None and fast[0].decision == "invalid"
    cards["E0"][month] = Scorecard("E0", month, {})
    splits.clear()
    _both(
        resumed(SCHEME, month, employees, cards, {"E2": [Override("E2", month, "class-1", "by hand", "boss")]}), month
    )
    assert splits[0] is None
