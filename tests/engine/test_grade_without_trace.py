"""grade(..., explain=False): the same results as with the trace, only without it.

A dry run whose report has no trace column grades with ``explain=False`` so no trace line
is ever formatted; every other field (scores, ranks, levels, decisions, pay, flags) must be
exactly what ``explain=True`` gives, for every model, month and quarter, from a full
history and from a checkpoint.
"""

from __future__ import annotations

import json
import random
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Incident, Override, Period, Scorecard
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.schemes import load_scheme

START = Period.parse("2025-01")
SPAN = 15  # months 2025-01 .. 2026-03: five quarters
NAMES = ("star-levels", "five-tier", "ecommerce-kpi", "assistant-class")
SCHEMES = {name: load_scheme(name) for name in NAMES}
CODES = (
    "late",
    "appearance",
    "spot-check-error",
    "games-at-work",
    "absent",
    "sleeping-on-duty",
    "cover-shift",
    "top-performer",
)


def values(name: str, rng: random.Random) -> dict:
    """Scores around each scheme's thresholds; now and then a value the scheme refuses."""
    if name == "star-levels":
        return {
            "sales_target": "100000",
            "sales_actual": str(rng.choice((90, 105, 109, 110, 115, 120)) * 1000 + rng.randint(0, 999)),
        }
    if name == "five-tier":
        s = rng.choice((40, 49, 55, 69, 75, 80, 81, 90))
        rate = f"{D(s) / 100}"
        return {
            "follow_up_rate": rate,
            "satisfaction": f"{s}%",
            "handling": str(s),
            "training": str(rng.randint(s - 5, min(s + 5, 100))),
            "attendance": rate,
        }
    if name == "ecommerce-kpi":
        return {
            "conversion": f"{rng.uniform(0.3, 0.7):.2f}",
            "unit_price_ratio": f"{rng.uniform(1, 1.4):.2f}",
            "first_response_s": str(rng.randint(3, 35)),
            "avg_response_s": str(rng.randint(20, 60)),
            "satisfaction": f"{rng.uniform(0.55, 1):.2f}",
        }
    row = {
        "a_followups": str(rng.randint(11, 16)),
        "b_followups": str(rng.randint(11, 16)),
        "a_reports": str(rng.randint(2, 5)),
        "b_reports": str(rng.randint(2, 5)),
        "suggestions": str(rng.randint(0, 1)),
    }
    adjust = rng.randint(-5, 5)
    if adjust:
        row.update(
            adjustment=str(adjust), adjustment_reason="" if rng.randrange(30) == 0 else "why"
        )  # no reason: invalid
    return row


def build(name: str, seed: int) -> TeamHistory:
    rng = random.Random(seed)
    scheme = SCHEMES[name]
    ladder = scheme.level_keys
    employees = []
    history = TeamHistory("T1", employees)
    for i in range(rng.randint(1, 5)):
        hire = START.shift(rng.randint(-30, SPAN - 2))
        role = (
            "team-lead"
            if name == "assistant-class" and i == 0 and rng.random() < 0.5
            else ("assistant" if name == "assistant-class" else "agent")
        )
        level = rng.choice([None, *ladder])
        status = rng.choice(("active", "active", "inactive"))
        e = Employee(
            f"E{i}", f"员工{i}", "T1", role, date(hire.year, hire.index, rng.randint(1, 28)), status=status, level=level
        )
        employees.append(e)
        for k in range(SPAN):
            month = START.shift(k)
            if month.ordinal < hire.ordinal or rng.random() < 0.1:
                continue
            incidents = []
            if name == "assistant-class":
                incidents = [
                    Incident(e.id, date(month.year, month.index, 3), rng.choice(CODES), rng.randint(1, 2))
                    for _ in range(rng.choice((0, 0, 1, 1, 2)))
                ]
            history.cards.setdefault(e.id, {})[month] = Scorecard(e.id, month, values(name, rng), incidents)
        if rng.random() < 0.3:
            history.overrides[e.id] = [
                Override(e.id, START.shift(rng.randint(0, SPAN - 1)), rng.choice(ladder), "placed", "boss")
            ]
    return history


def upto(
    history: TeamHistory, last: Period, after: Period | None = None, checkpoint: Checkpoint | None = None
) -> TeamHistory:
    def keep(m: Period) -> bool:
        return m.ordinal <= last.ordinal and (after is None or m.ordinal > after.ordinal)

    cards = {e: {m: c for m, c in by.items() if keep(m)} for e, by in history.cards.items()}
    overrides = {e: [o for o in os if keep(o.period)] for e, os in history.overrides.items()}
    return TeamHistory(history.team, history.employees, cards, overrides, checkpoint)


def all_periods() -> list[Period]:
    months = [START.shift(k) for k in range(SPAN)]
    return months + list(dict.fromkeys(m.quarter for m in months))


def assert_same_without_trace(scheme, history: TeamHistory, period: Period) -> None:
    model = scheme.model
    explained = model.grade(scheme, history, period)
    quiet = model.grade(scheme, history, period, explain=False)
    assert [r.trace for r in quiet] == [[] for _ in quiet]
    for r in explained:
        r.trace = []
    assert quiet == explained  # every other field, Decimals exact


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_explain_false_drops_only_the_trace(name, seed):
    scheme = SCHEMES[name]
    history = build(name, seed)
    for period in all_periods():
        assert_same_without_trace(scheme, upto(history, period.last_month), period)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), at=st.integers(0, SPAN - 5))
def test_explain_false_from_a_checkpoint(name, seed, at):
    """Resumed histories too, and grade_and_checkpoint keeps the same state without the trace."""
    scheme = SCHEMES[name]
    model = scheme.model
    history = build(name, seed)
    month = START.shift(at)
    state = json.loads(json.dumps(model.checkpoint(scheme, upto(history, month), month)))
    for period in all_periods():
        if period.months()[0].ordinal <= month.ordinal:
            continue
        resumed = upto(history, period.last_month, month, Checkpoint(month, state))
        assert_same_without_trace(scheme, resumed, period)
        full = upto(history, period.last_month)
        explained, saved = model.grade_and_checkpoint(scheme, full, period)
        quiet, quiet_saved = model.grade_and_checkpoint(scheme, full, period, explain=False)
        assert quiet_saved == saved
        for r in explained:
            r.trace = []
        assert quiet == explained
