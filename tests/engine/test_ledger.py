"""The points ledger: catalogue defaults and ranges, repeats, failing duties, adjustment, cap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain import Incident
from cstui.engine.ledger import LedgerProblem, catalogue, compile_ledger, score_ledger
from cstui.schemes import load_scheme

SCHEME = load_scheme("assistant-class")
LEDGER = compile_ledger(SCHEME.params)


def inc(code: str, count: int = 1, points: str | None = None) -> Incident:
    return Incident("E1", date(2026, 10, 5), code, count, None if points is None else D(points))


def score(*incidents: Incident, **values: str):
    return score_ledger(LEDGER, "E1", "2026-10", values, list(incidents))


def problem(*incidents: Incident, **values: str) -> LedgerProblem:
    with pytest.raises(LedgerProblem) as info:
        score(*incidents, **values)
    return info.value


def test_base_alone():
    total = score()
    assert total.score == 80 and total.trace == ["base 80"]


def test_catalogue_has_exactly_the_contract_codes():
    codes = {e.code for e in catalogue(SCHEME)}
    assert codes == {
        "top-performer",
        "perfect-test",
        "cover-shift",
        "extra-work",
        "zero-complaints",
        "adopted-suggestion",
        "no-mandarin",
        "messy-desk",
        "no-cleanup",
        "late",
        "handover-missing",
        "slow-complaint",
        "away-from-post",
        "ineffective-service",
        "off-topic-chat",
        "loud",
        "eating-at-desk",
        "entry-error",
        "emergency-late-10",
        "spot-check-error",
        "appearance",
        "games-at-work",
        "falsified-workload",
        "unreported-anomaly",
        "unapproved-software",
        "skipped-issue",
        "missed-meeting",
        "test-below-60",
        "emergency-late-30",
        "absent",
        "customer-quarrel",
        "outsider-in-area",
        "equipment-removed",
        "failing-duties",
        "emergency-late-over-30",
        "sleeping-on-duty",
        "hung-up-line",
        "cliques",
        "abuse-of-position",
    }
    late = next(e for e in catalogue(SCHEME) if e.code == "late")
    assert (late.category, late.points_min, late.points_max, late.repeatable) == ("attendance", D(-5), D(-2), True)
    assert late.default_points == D(-2) and late.label_zh == "迟到或早退"


def test_ranged_incident_takes_the_smallest_deduction():
    total = score(inc("late", 2))
    assert total.score == 76
    assert total.trace[1] == "late x2 → -4 (attendance)"
    assert score(inc("off-topic-chat")).score == 79


@pytest.mark.parametrize("points, expected", [("-2", 78), ("-3", 77), ("-5", 75)])
def test_points_inside_the_range(points, expected):
    total = score(inc("late", 1, points))
    assert total.score == expected
    assert "at " + points in total.trace[1]


@pytest.mark.parametrize("points", ["-6", "-1", "3", "0"])
def test_points_outside_the_range_are_an_error(points):
    err = problem(inc("late", 1, points))
    assert err.field == "incident late" and err.employee == "E1" and err.month == "2026-10"
    assert "outside -5..-2" in str(err)


def test_fixed_points_must_match():
    assert score(inc("messy-desk", 1, "-2")).score == 78
    assert "outside -2" in str(problem(inc("messy-desk", 1, "-3")))


def test_positive_points_for_a_deduction_get_a_hint():
    assert "deductions are negative" in str(problem(inc("late", 1, "3")))


def test_unknown_code():
    err = problem(inc("napping"))
    assert err.field == "incident napping" and "unknown incident code" in str(err)


def test_repeatable_and_not():
    assert score(inc("cover-shift", 3)).score == 95
    assert "once a month, got 2" in str(problem(inc("top-performer", 2)))
    assert "once a month, got 2" in str(problem(inc("top-performer"), inc("top-performer")))


def test_count_must_be_positive():
    assert "count must be" in str(problem(inc("late", 0)))


def test_failing_duties_two_moderate_vs_one():
    one = score(inc("games-at-work"))
    assert one.score == 70 and not any("failing-duties" in t for t in one.trace)
    two = score(inc("games-at-work"), inc("missed-meeting"))
    assert two.score == 40
    assert two.trace[-1] == "failing-duties (2 moderate) → -20 (conduct)"
    assert two.deductions == {"discipline": 10, "attendance": 10, "conduct": 20}


def test_failing_duties_four_minor_vs_three():
    assert score(inc("late", 3)).score == 74
    four = score(inc("late", 3), inc("loud"))
    assert four.score == 80 - 6 - 2 - 20
    assert four.trace[-1] == "failing-duties (4 minor) → -20 (conduct)"


def test_failing_duties_recorded_by_hand_is_not_added_twice():
    total = score(inc("games-at-work"), inc("missed-meeting"), inc("failing-duties"))
    assert total.score == 40


def test_severe_incidents_do_not_count_as_moderate():
    assert score(inc("absent", 2)).score == 40


def test_adjustment_with_reason():
    total = score(adjustment="3", adjustment_reason="covered the hotline")
    assert total.score == 83 and total.trace[-1] == "adjustment +3: covered the hotline"
    assert score(adjustment="-5", adjustment_reason="late report").score == 75
    assert score(adjustment="5", adjustment_reason="x").score == 85


@pytest.mark.parametrize("value", ["6", "-6", "5.5", "-5.01"])
def test_adjustment_outside_the_range(value):
    err = problem(adjustment=value, adjustment_reason="why")
    assert err.field == "adjustment" and "-5..5" in str(err)


def test_adjustment_needs_a_reason():
    err = problem(adjustment="3", adjustment_reason="  ")
    assert err.field == "adjustment_reason" and "needs a reason" in str(err)


def test_adjustment_blank_or_zero_needs_nothing():
    assert score(adjustment="").score == 80
    assert score(adjustment="0").score == 80


def test_adjustment_not_a_number():
    assert problem(adjustment="three").field == "adjustment"


def test_every_problem_is_reported():
    err = problem(inc("napping"), inc("late", 1, "-9"), adjustment="9")
    assert [f for f, _ in err.problems] == ["incident napping", "incident late", "adjustment"]


def test_cap_at_110():
    full = [inc("top-performer"), inc("perfect-test"), inc("zero-complaints"), inc("cover-shift", 3)]
    at_cap = score(*full)
    assert at_cap.score == 110 and "capped at 110" not in at_cap.trace
    over = score(*full, adjustment="1", adjustment_reason="extra")
    assert over.score == 110 and over.trace[-1] == "capped at 110"


def test_dismissal_incidents_are_flags_not_points():
    total = score(inc("sleeping-on-duty"))
    assert total.score == 80 and total.dismissal == ["sleeping-on-duty"]
    assert "dismissal review" in total.trace[-1]


CODES = [e.code for e in catalogue(SCHEME) if e.repeatable]
incidents = st.lists(st.tuples(st.sampled_from(CODES), st.integers(1, 4)), max_size=8)
adjust = st.integers(-5, 5)


@settings(max_examples=60, deadline=None)
@given(incidents, adjust)
def test_score_never_above_cap(items, adjustment):
    total = score(*(inc(c, n) for c, n in items), adjustment=str(adjustment), adjustment_reason="r")
    assert total.score <= 110


DEDUCTIONS = [e.code for e in catalogue(SCHEME) if e.repeatable and e.points_max is not None and e.points_max < 0]


@settings(max_examples=60, deadline=None)
@given(incidents, adjust, st.sampled_from(DEDUCTIONS))
def test_adding_a_deduction_never_raises_the_score(items, adjustment, extra):
    base = [inc(c, n) for c, n in items]
    before = score(*base, adjustment=str(adjustment), adjustment_reason="r").score
    after = score(*base, inc(extra), adjustment=str(adjustment), adjustment_reason="r").score
    assert after <= before
