"""Replay checkpoints: resuming from a month-end state grades exactly as a full replay does."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Override, Period
from cstui.domain.types import Scorecard
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.schemes import load_scheme

M = Period.parse
FIRST = M("2025-01")
WINDOW = 24  # months 2025-01 .. 2026-12
SCHEMES = {name: load_scheme(name) for name in ("star-levels", "five-tier", "ecommerce-kpi")}


def star_values(draw_pct: int) -> dict:
    return {"sales_target": "100000", "sales_actual": str(draw_pct * 1000)}


def tier_values(score: int) -> dict:
    rate = f"{D(score) / 100}"
    return {
        "follow_up_rate": rate,
        "satisfaction": rate,
        "handling": str(score),
        "training": str(score),
        "attendance": rate,
    }


def shop_values(pick: int) -> dict:
    rows = [
        {
            "conversion": "0.62",
            "unit_price_ratio": "1.4",
            "first_response_s": "5",
            "avg_response_s": "25",
            "satisfaction": "0.95",
        },
        {
            "conversion": "0.40",
            "unit_price_ratio": "1.12",
            "first_response_s": "15",
            "avg_response_s": "40",
            "satisfaction": "0.70",
        },
        {
            "conversion": "0.20",
            "unit_price_ratio": "1.0",
            "first_response_s": "40",
            "avg_response_s": "60",
            "satisfaction": "0.50",
        },
    ]
    return rows[pick % len(rows)]


# scores chosen around each scheme's thresholds (110 for stars; 50/70/80 for tiers)
VALUES = {
    "star-levels": (st.sampled_from([90, 105, 109, 110, 115, 120]), star_values),
    "five-tier": (st.sampled_from([40, 49, 55, 69, 75, 80, 81, 90]), tier_values),
    "ecommerce-kpi": (st.integers(0, 2), shop_values),
}


@st.composite
def team(draw, name: str):
    scheme = SCHEMES[name]
    ladder = scheme.level_keys
    values, build = VALUES[name]
    employees, cards, overrides = [], {}, {}
    for i in range(draw(st.integers(1, 4))):
        eid = f"E{i}"
        hired = draw(st.dates(date(2022, 6, 1), date(2026, 10, 31)))
        level = draw(st.sampled_from([None, *ladder]))
        status = draw(st.sampled_from(["active", "active", "inactive"]))
        employees.append(Employee(eid, f"员工{eid}", "A", "agent", hired, status=status, level=level))
        months = draw(st.sets(st.integers(0, WINDOW - 1), max_size=WINDOW))
        cards[eid] = {FIRST.shift(o): Scorecard(eid, FIRST.shift(o), build(draw(values))) for o in sorted(months)}
        placed = draw(st.lists(st.tuples(st.integers(0, WINDOW - 1), st.sampled_from(ladder)), max_size=2))
        overrides[eid] = [Override(eid, FIRST.shift(o), lv, "by hand", "boss") for o, lv in sorted(placed)]
    return employees, cards, overrides


@st.composite
def periods(draw):
    """A checkpoint month C and a later period P (a month or a quarter starting after C)."""
    if draw(st.booleans()):
        p_first = draw(st.integers(1, WINDOW - 1))
        period = FIRST.shift(p_first)
    else:
        quarter = draw(st.integers(1, WINDOW // 3 - 1))
        period = FIRST.shift(quarter * 3).quarter
        p_first = quarter * 3
    c = draw(st.integers(0, p_first - 1))
    return FIRST.shift(c), period


def upto(cards: dict, last: Period, after: Period | None = None) -> dict:
    return {
        eid: {m: c for m, c in by.items() if m.ordinal <= last.ordinal and (after is None or m.ordinal > after.ordinal)}
        for eid, by in cards.items()
    }


def upto_overrides(overrides: dict, last: Period, after: Period | None = None) -> dict:
    return {
        eid: [
            o for o in ovs if o.period.ordinal <= last.ordinal and (after is None or o.period.ordinal > after.ordinal)
        ]
        for eid, ovs in overrides.items()
    }


def records(results):
    return [r.as_record(explain=True) for r in results]


def resumed_history(employees, cards, overrides, checkpoint: Period, last: Period, state: dict) -> TeamHistory:
    state = json.loads(json.dumps(state))  # what the store keeps
    return TeamHistory(
        "A",
        employees,
        upto(cards, last, checkpoint),
        upto_overrides(overrides, last, checkpoint),
        Checkpoint(checkpoint, state),
    )


def check_resume(name, data):
    scheme = SCHEMES[name]
    employees, cards, overrides = data.draw(team(name))
    month, period = data.draw(periods())
    last = period.last_month
    full = TeamHistory("A", employees, upto(cards, last), upto_overrides(overrides, last))
    state = scheme.model.checkpoint(scheme, full, month)
    assert json.loads(json.dumps(state)) == state
    resumed = resumed_history(employees, cards, overrides, month, last, state)
    assert records(scheme.model.grade(scheme, resumed, period)) == records(scheme.model.grade(scheme, full, period))
    assert scheme.model.levels(scheme, resumed, period) == scheme.model.levels(scheme, full, period)
    # grade_and_checkpoint: the same results, and a state that resumes the next month exactly
    results, next_state = scheme.model.grade_and_checkpoint(scheme, resumed, period)
    assert records(results) == records(scheme.model.grade(scheme, full, period))
    assert next_state == scheme.model.checkpoint(scheme, full, last)
    later = last.next()
    if later.ordinal < FIRST.shift(WINDOW).ordinal:
        everything = TeamHistory("A", employees, upto(cards, later), upto_overrides(overrides, later))
        chained = resumed_history(employees, cards, overrides, last, later, next_state)
        assert records(scheme.model.grade(scheme, chained, later)) == records(
            scheme.model.grade(scheme, everything, later)
        )


@pytest.mark.parametrize("name", sorted(SCHEMES))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_resuming_from_a_checkpoint_grades_as_a_full_replay(name, data):
    check_resume(name, data)


# --- golden: what a checkpoint carries ------------------------------------------------------


def star_card(eid, month, pct):
    return Scorecard(eid, M(month), star_values(pct))


def test_a_resumed_streak_promotes_and_quotes_its_scores():
    scheme = SCHEMES["star-levels"]
    e = Employee("E1", "员工E1", "A", "agent", date(2024, 1, 1), level="2-star")
    cards = {"E1": {M(m): star_card("E1", m, pct) for m, pct in [("2026-09", 112), ("2026-10", 115), ("2026-11", 110)]}}
    full = TeamHistory("A", [e], upto(cards, M("2026-11")), {})
    state = scheme.model.checkpoint(scheme, full, M("2026-10"))
    # the streaks keep the exact scores (domain.md, settled rules: thresholds compare exact values)
    assert state["employees"]["E1"]["run"]["up"] == ["112", "115"]
    resumed = resumed_history([e], cards, {}, M("2026-10"), M("2026-11"), state)
    (result,) = scheme.model.grade(scheme, resumed, M("2026-11"))
    assert (result.decision, result.level_before, result.level_after) == ("promote", "2-star", "3-star")
    assert "3 months >= 110 (112, 115, 110) → 2-star → 3-star from 2026-12" in result.trace
    # the next month resumes the new level, and its timeline says why it started
    _, after = scheme.model.grade_and_checkpoint(scheme, resumed, M("2026-11"))
    assert after["employees"]["E1"]["level"] == "3-star"
    nothing = resumed_history([e], cards, {}, M("2026-11"), M("2026-12"), after)
    assert scheme.model.levels(scheme, nothing, M("2026-12"))["E1"][-1] == (
        M("2026-12"),
        "3-star",
        "3 months >= 110 (112, 115, 110)",
    )


def test_a_resumed_partial_quarter_reviews_on_all_three_months():
    scheme = SCHEMES["five-tier"]
    e = Employee("E1", "员工E1", "A", "agent", date(2020, 1, 1), level="intermediate")
    cards = {
        "E1": {
            M(m): Scorecard("E1", M(m), tier_values(s)) for m, s in [("2026-10", 90), ("2026-11", 81), ("2026-12", 75)]
        }
    }
    full = TeamHistory("A", [e], upto(cards, M("2026-12")), {})
    state = scheme.model.checkpoint(scheme, full, M("2026-11"))
    assert {m: D(s) for m, s in state["employees"]["E1"]["run"]["scores"].items()} == {"2026-10": 90, "2026-11": 81}
    resumed = resumed_history([e], cards, {}, M("2026-11"), M("2026-12"), state)
    (result,) = scheme.model.grade(scheme, resumed, M("2026-12"))
    assert result.decision == "promote" and result.level_after == "senior"
    assert "review 2026-Q4: average (90 + 81 + 75) / 3 = 82" in result.trace
    assert records([result]) == records(scheme.model.grade(scheme, full, M("2026-12")))


def test_probation_months_after_the_checkpoint_are_kept():
    scheme = SCHEMES["five-tier"]
    e = Employee("E1", "员工E1", "A", "agent", date(2020, 1, 1), level="intermediate")
    cards = {
        "E1": {
            M(m): Scorecard("E1", M(m), tier_values(s))
            for m, s in [("2026-07", 40), ("2026-08", 40), ("2026-09", 40), ("2026-10", 45)]
        }
    }
    full = TeamHistory("A", [e], upto(cards, M("2026-10")), {})
    state = scheme.model.checkpoint(scheme, full, M("2026-09"))
    assert state["employees"]["E1"]["run"]["probation"] == ["2026-10"]
    (result,) = scheme.model.grade(
        scheme, resumed_history([e], cards, {}, M("2026-09"), M("2026-10"), state), M("2026-10")
    )
    assert result.decision == "dismissal-review"


def test_an_employee_missing_from_the_state_is_replayed_from_what_the_history_holds():
    scheme = SCHEMES["star-levels"]
    e = Employee("E1", "员工E1", "A", "agent", date(2024, 1, 1), level="2-star")
    cards = {"E1": {M("2026-11"): star_card("E1", "2026-11", 120)}}
    history = TeamHistory("A", [e], cards, {}, Checkpoint(M("2026-10"), {"employees": {}}))
    (result,) = scheme.model.grade(scheme, history, M("2026-11"))
    assert (result.level_before, result.decision) == ("2-star", "stay")
