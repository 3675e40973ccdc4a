"""probation-test (客服部员工晋级管理方案, seed 000 lines 505-507): golden tests at each condition."""

from __future__ import annotations

from datetime import date

import pytest

from cstui.domain import Employee, Period
from cstui.domain.types import Scorecard
from cstui.engine.cards import card_problems
from cstui.engine.model import TeamHistory
from cstui.schemes import load_scheme

OCT, NOV = Period.parse("2026-10"), Period.parse("2026-11")
PASS = {"theory": "80", "practice": "85", "typing": "40"}


@pytest.fixture(scope="module")
def scheme():
    return load_scheme("probation-test")


def grade(scheme, cards, period="2026-10", level=None):
    e = Employee("T1", "试用员", "热线一组", "agent", date(2026, 9, 7), level=level)
    (result,) = scheme.model.grade(scheme, TeamHistory("热线一组", [e], {"T1": cards}), Period.parse(period))
    return result


# seed 000 l.505: 理论考核分值满80分为通过;实操考核满85分为通过; 打字速度在每分钟40字以上
@pytest.mark.parametrize(
    "field, value, passes",
    [
        ("theory", "80", True),
        ("theory", "79.99", False),
        ("practice", "85", True),
        ("practice", "84.99", False),
        ("typing", "40", True),
        ("typing", "39.9", False),
    ],
)
def test_each_condition_at_its_boundary(scheme, field, value, passes):
    r = grade(scheme, {OCT: Scorecard("T1", OCT, {**PASS, field: value})})
    if passes:
        # seed 000 l.507: 次月薪资调正为正式岗位薪资
        assert (r.decision, r.level_before, r.level_after) == ("pass", "probation", "regular")
        assert r.trace[-1] == "passed → regular, regular post pay from 2026-11"
    else:
        # seed 000 l.507: 不通过者 ... 确定继续试用或辞退 — proposed, never decided
        assert (r.decision, r.level_after, r.flags) == ("dismissal-review", "probation", ["dismissal-review"])
        assert r.trace[-1].startswith(f"failed on {field}, no retry date → the supervisor decides")
        low = {"theory": "80", "practice": "85", "typing": "40"}[field]
        assert f"{field} {value} < {low}" in r.trace


def test_a_retry_date_proposes_another_try_then_the_second_test_passes(scheme):
    cards = {
        OCT: Scorecard("T1", OCT, {**PASS, "theory": "70", "retry_date": "2026-11-05"}),
        NOV: Scorecard("T1", NOV, PASS),
    }
    first = grade(scheme, cards)
    assert (first.decision, first.flags, first.level_after) == ("retry", ["retry 2026-11-05"], "probation")
    second = grade(scheme, cards, "2026-11")
    assert (second.decision, second.level_before, second.level_after) == ("pass", "probation", "regular")


def test_the_regular_level_holds_and_a_later_test_changes_nothing(scheme):
    dec = NOV.next()
    cards = {OCT: Scorecard("T1", OCT, PASS), dec: Scorecard("T1", dec, {**PASS, "theory": "10"})}
    assert grade(scheme, cards, "2026-11").level_before == "regular"
    r = grade(scheme, cards, "2026-12")
    assert (r.decision, r.level_after) == ("none", "regular") and r.trace[-1].startswith("regular: not on probation")


@pytest.mark.parametrize(
    "values, reason",
    [
        ({**PASS, "retry_date": "2026-11-05"}, "the test passes: a retry date is for a test that fails"),
        ({**PASS, "theory": "70", "retry_date": "2026-09-30"}, "expected a date from 2026-10-01 on"),
        ({**PASS, "theory": "70", "retry_date": "next week"}, "date"),
    ],
)
def test_the_card_check_refuses_a_retry_date_that_does_not_fit(scheme, values, reason):
    (problem,) = card_problems(scheme, Scorecard("T1", OCT, values))
    assert problem.field == "retry_date" and reason in problem.reason


def test_a_failed_card_with_a_retry_date_on_the_test_month_is_valid(scheme):
    assert card_problems(scheme, Scorecard("T1", OCT, {**PASS, "practice": "84", "retry_date": "2026-10-01"})) == []


def test_a_quarter_reports_the_test_decided_in_it(scheme):
    r = grade(scheme, {OCT: Scorecard("T1", OCT, PASS)}, "2026-Q4")
    assert (r.decision, r.level_before, r.level_after) == ("pass", "probation", "regular")
