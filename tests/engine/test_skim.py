"""The replay's fast path (a run's ``skim`` for months no report reads) against the reference.

``ReplayModel.skims = False`` sends every month through ``month()``, the per-card reference;
with it on, star-levels skims the months before the first reported one (five-tier does not:
its month is mostly the score itself, and skimming saved ~5%). Results (traces included, explained or not), checkpoint states, level timelines and
refusals must be exactly the same for random histories, every month and every quarter.
"""

from __future__ import annotations

import json
import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Override, Period
from cstui.domain.types import Scorecard
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.schemes import load_scheme
from skims_support import reference

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))
M = Period.parse
FIRST = M("2025-01")
WINDOW = 24  # 2025-01 .. 2026-12
MONTHS = [FIRST.shift(i) for i in range(WINDOW)]
QUARTERS = [FIRST.shift(i).quarter for i in range(0, WINDOW, 3)]

# percentages around star-levels' bar (110: >= counts up, < counts down), and a few far off;
# "0" is a target the scheme refuses (grading raises: both paths must raise the same)
PERCENTS = [80, 95, 109, 110, 111, 120, 135]
TARGETS = st.sampled_from(["100000", "80000", "120000", "99999.99"])


def regime(draw, values: list) -> st.SearchStrategy:
    """One employee's values: mostly low, mostly high, or anything (streaks and probation need runs)."""
    half = len(values) // 2
    return st.sampled_from(draw(st.sampled_from([values[:half], values[half:], values])))


def star_values(draw, pick) -> dict:
    target = draw(TARGETS) if draw(st.integers(0, 60)) else "0"
    percent = draw(pick)
    actual = str(percent * 1000) if target != "99999.99" else str(percent * 1000 - 1)
    return {"sales_target": target, "sales_actual": actual}


# the schemes whose runs skim, with their card values and the values' choices
VALUES = {"star-levels": (star_values, PERCENTS)}


@st.composite
def team(draw, scheme):
    ladder = scheme.level_keys
    employees, cards, overrides = [], {}, {}
    for i in range(draw(st.integers(1, 3))):
        eid = f"E{i}"
        hired = draw(st.dates(date(2023, 6, 1), date(2026, 11, 30)))
        level = draw(st.sampled_from([None, *ladder]))
        status = draw(st.sampled_from(["active", "active", "inactive"]))
        employees.append(Employee(eid, f"员工{eid}", "A", "agent", hired, status=status, level=level))
        # mostly every month (streaks fill windows), a few missing ones (a gap restarts them)
        gaps = (
            draw(st.sets(st.integers(0, WINDOW - 1), max_size=4))
            if draw(st.integers(0, 3))
            else draw(st.sets(st.integers(0, WINDOW - 1)))
        )
        months = set(range(WINDOW)) - gaps
        values, choices = VALUES[scheme.name]
        pick = regime(draw, choices)
        cards[eid] = {FIRST.shift(o): Scorecard(eid, FIRST.shift(o), values(draw, pick)) for o in sorted(months)}
        placed = draw(
            st.lists(
                st.tuples(st.integers(0, WINDOW - 1), st.sampled_from(ladder), st.sampled_from(["", "boss"])),
                max_size=3,
            )
        )
        overrides[eid] = [
            Override(eid, FIRST.shift(o), lv, "by hand", author) for o, lv, author in sorted(placed, key=lambda x: x[0])
        ]
    return employees, cards, overrides


def outcome(call):
    """What a model call gives: its value as JSON-able data, or the error it raises."""
    try:
        value = call()
    except Exception as exc:  # the refusal itself is compared: same type, same words
        return ("raised", type(exc).__name__, str(exc))
    return json.loads(json.dumps(value, default=_plain))


def _plain(value):
    if hasattr(value, "as_record"):
        return value.as_record(explain=True)
    return str(value)


def both(model, call):
    fast = outcome(call)
    with reference(model):
        slow = outcome(call)
    return fast, slow


def histories(employees, cards, overrides, period, checkpoint_month, state):
    """The full history up to ``period``, and the same resumed from ``checkpoint_month``'s state."""
    last = period.last_month
    upto = {e: {m: c for m, c in by.items() if m.ordinal <= last.ordinal} for e, by in cards.items()}
    ovs = {e: [o for o in by if o.period.ordinal <= last.ordinal] for e, by in overrides.items()}
    full = TeamHistory("A", employees, upto, ovs)
    if state is None or "raised" in state or checkpoint_month.ordinal >= period.months()[0].ordinal:
        return [full]
    after = checkpoint_month.ordinal
    resumed = TeamHistory(
        "A",
        employees,
        {e: {m: c for m, c in by.items() if m.ordinal > after} for e, by in upto.items()},
        {e: [o for o in by if o.period.ordinal > after] for e, by in ovs.items()},
        Checkpoint(checkpoint_month, state),
    )
    return [full, resumed]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VALUES))
@settings(max_examples=max(EXAMPLES // 20, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_skim_gives_the_references_results_traces_states_and_timelines(name, data):
    scheme = load_scheme(name)
    model = scheme.model
    employees, cards, overrides = data.draw(team(scheme))
    checkpoint_month = data.draw(st.sampled_from(MONTHS[:-1]))
    everything = TeamHistory("A", employees, cards, overrides)
    fast, slow = both(model, lambda: model.checkpoint(scheme, everything, checkpoint_month))
    assert fast == slow
    for period in MONTHS[1:] + QUARTERS:
        for history in histories(employees, cards, overrides, period, checkpoint_month, fast):
            for explain in (True, False):
                fast_results, slow_results = both(
                    model, lambda h=history, p=period, x=explain: model.grade(scheme, h, p, explain=x)
                )
                assert fast_results == slow_results, (period, explain)
            fast_applied, slow_applied = both(
                model, lambda h=history, p=period: model.grade_and_checkpoint(scheme, h, p)
            )
            assert fast_applied == slow_applied, period
            timelines = both(model, lambda h=history, p=period: model.levels(scheme, h, p))
            assert timelines[0] == timelines[1], period


def test_the_reference_switch_reaches_month(monkeypatch):
    """The property above compares two paths only if ``skims = False`` really bypasses skim."""
    scheme = load_scheme("star-levels")
    model = scheme.model
    employee = Employee("E1", "张伟", "A", "agent", date(2024, 1, 1), level="3-star")
    cards = {m: Scorecard("E1", m, {"sales_target": "100000", "sales_actual": "120000"}) for m in MONTHS}
    history = TeamHistory("A", [employee], {"E1": cards})
    months_seen = []
    import cstui_plugins.star_levels.model as star

    real = star._Run.month
    monkeypatch.setattr(star._Run, "month", lambda run, m, c, o: months_seen.append(m) or real(run, m, c, o))
    model.grade(scheme, history, M("2026-12"))
    assert months_seen == [M("2026-12")]  # the 23 months before were skimmed
    months_seen.clear()
    with reference(model):
        model.grade(scheme, history, M("2026-12"))
    assert months_seen == MONTHS
