"""Grade bands, pay float and dismissal review flags of the points ledger (doc 003)."""

from __future__ import annotations

import copy
import os
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.engine.grades import (
    DismissalRule,
    PayFloat,
    check_grade_bands,
    check_pay_float,
    compile_grading,
    dismissal_reasons,
    grade_of,
    pay_delta,
    pay_float,
)
from cstui.schemes import Problems, load_scheme

SCHEME = load_scheme("assistant-class")
GRADING = compile_grading(SCHEME.params)


@pytest.mark.parametrize(
    "score, grade",
    [
        ("110", "A"),
        ("90.5", "A"),
        ("90.01", "A"),
        ("90", "B"),
        ("85", "B"),
        ("80", "B"),
        ("79.99", "C"),
        ("70", "C"),
        ("69.99", "D"),
        ("65", "D"),
        ("64.99", "E"),
        ("60", "E"),
        ("59.99", "F"),
        ("0", "F"),
        ("-20", "F"),
    ],
)
def test_grade_bands_at_and_beside_every_boundary(score, grade):
    assert grade_of(GRADING.bands, D(score)) == grade


def test_no_score_no_grade():
    assert grade_of(GRADING.bands, None) is None


@pytest.mark.parametrize(
    "score, delta, line",
    [
        ("80", "0", "pay (80 - 80) × 10 = 0"),
        ("91", "110", "pay (91 - 80) × 10 = +110"),
        ("68", "-120", "pay (68 - 80) × 10 = -120"),
        ("110", "300", "pay (110 - 80) × 10 = +300"),
        ("50", "-300", "pay (50 - 80) × 10 = -300"),
        ("49", "-300", "pay (49 - 80) × 10 = -310, held to -300"),
        ("20", "-300", "pay (20 - 80) × 10 = -600, held to -300"),
        ("80.5", "5", "pay (80.5 - 80) × 10 = +5"),
    ],
)
def test_pay_float(score, delta, line):
    got, trace = pay_float(GRADING.pay, D(score), 3)
    assert got == D(delta) and trace == line


def test_pay_clamped_above():
    pay = compile_grading(
        _with(pay_float={"neutral": 80, "per_point": 20, "min": -300, "max": 300, "unpaid_first_months": 2})
    ).pay
    got, trace = pay_float(pay, D(100), 3)
    assert got == 300 and trace.endswith("= +400, held to +300")


@pytest.mark.parametrize("month, paid", [(1, False), (2, False), (3, True), (0, False)])
def test_first_two_months_scored_not_paid(month, paid):
    got, trace = pay_float(GRADING.pay, D(91), month)
    assert (got is not None) == paid
    if not paid:
        assert "scored, not paid" in trace


RULE = DismissalRule(D(60), 2, D(70))


def test_dismissal_reasons():
    assert dismissal_reasons(RULE, D(60), [], []) == []
    assert dismissal_reasons(RULE, D("59.5"), [], []) == ["score 59.5 < 60"]
    assert dismissal_reasons(RULE, D(80), [], ["cliques"]) == ["cliques"]


def test_last_in_team_two_months_running_below_70():
    last = "last in the team 2 months running, below 70"
    assert dismissal_reasons(RULE, D(69), [(True, D(69)), (True, D(69))], []) == [last]
    assert dismissal_reasons(RULE, D(69), [(True, D(70)), (True, D(69))], []) == []
    assert dismissal_reasons(RULE, D(69), [(False, D(65)), (True, D(69))], []) == []
    assert dismissal_reasons(RULE, D(69), [(False, None), (True, D(69))], []) == []
    assert dismissal_reasons(RULE, D(69), [(True, D(69))], []) == []


@settings(max_examples=80, deadline=None)
@given(st.decimals(min_value=-200, max_value=200, places=2), st.integers(-2, 40))
def test_pay_delta_within_bounds(score, month):
    got, _ = pay_float(GRADING.pay, score, month)
    assert got is None or D(-300) <= got <= D(300)
    assert (got is None) == (month <= 2)


DECIMALS = st.decimals(min_value=-500, max_value=500, places=2)


@settings(max_examples=int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")), deadline=None)
@given(
    st.builds(PayFloat, DECIMALS, st.decimals(0, 50, places=2), DECIMALS, DECIMALS, st.integers(0, 4)),
    st.decimals(min_value=-200, max_value=200, places=3),
    st.integers(-2, 40),
)
def test_pay_delta_is_pay_floats_delta(pay, score, month):
    """The trace-less delta a dry run takes is exactly pay_float's, held, unpaid or not."""
    assert pay_delta(pay, score, month) == pay_float(pay, score, month)[0]


def _with(**changes) -> dict:
    params = copy.deepcopy(SCHEME.params)
    params.update(changes)
    return params


def _band_problems(bands) -> list[str]:
    problems = Problems("x.toml")
    check_grade_bands(bands, problems)
    return problems.lines


def test_shipped_bands_check_clean():
    assert _band_problems(SCHEME.params["grade_bands"]) == []


def test_bands_overlapping():
    bands = copy.deepcopy(SCHEME.params["grade_bands"])
    bands[0] = {"grade": "A", "from": 90}
    assert _band_problems(bands) == ["x.toml: grade_bands[1]: band B overlaps band A at 90"]


def test_bands_gapped():
    bands = copy.deepcopy(SCHEME.params["grade_bands"])
    bands[2] = {"grade": "C", "from": 70, "below": 79}
    assert _band_problems(bands) == ["x.toml: grade_bands[2]: gap between band C (up to 79) and band B (from 80)"]
    bands = copy.deepcopy(SCHEME.params["grade_bands"])
    bands[1] = {"grade": "B", "from": 80, "below": 90}
    assert "gap between band B" in _band_problems(bands)[0]


def test_bands_open_ends_and_types():
    bands = copy.deepcopy(SCHEME.params["grade_bands"])
    bands[-1] = {"grade": "F", "from": 0, "below": 60}
    assert "lowest band must have no lower bound" in _band_problems(bands)[0]
    bands = copy.deepcopy(SCHEME.params["grade_bands"])
    bands[3]["from"] = "65"
    assert _band_problems(bands) == ["x.toml: grade_bands[3].from: expected a number, got '65'"]
    assert "missing" in _band_problems(None)[0]
    bands = copy.deepcopy(SCHEME.params["grade_bands"])
    bands[1] = {"grade": "B", "from": 80, "to": 90, "below": 90}
    assert "not both" in _band_problems(bands)[0]


def test_pay_float_check():
    problems = Problems("x.toml")
    check_pay_float({"neutral": 80, "per_point": "10", "min": 300, "max": -300, "unpaid_first_months": -1}, problems)
    assert problems.lines == [
        "x.toml: pay_float.per_point: expected a number, got '10'",
        "x.toml: pay_float: min 300 is above max -300",
        "x.toml: pay_float.unpaid_first_months: expected a whole number of months 0 or more, got -1",
    ]
