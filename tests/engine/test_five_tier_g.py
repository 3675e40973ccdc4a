"""five-tier-g (seed 000 lines 427-431: G1-G2 after 6 months, G3-G4 after at least 18, G5-G6
after at least 36; the review result picks the grade): golden tests at every boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from cstui.domain import Employee, Period
from cstui.domain.types import Scorecard
from cstui.engine.model import TeamHistory
from cstui.schemes import Problems, load_scheme


@pytest.fixture(scope="module")
def scheme():
    return load_scheme("five-tier-g")


def flat(score):
    rate = f"{D(score) / 100}"
    return {
        "follow_up_rate": rate,
        "satisfaction": rate,
        "handling": str(score),
        "training": str(score),
        "attendance": rate,
    }


def review(scheme, hired, level, scores, quarter="2026-Q2"):
    """The review of ``quarter`` for one agent with ``scores`` in its three months."""
    e = Employee("G1", "客服", "A", "agent", hired, level=level)
    months = Period.parse(quarter).months()
    cards = {m: Scorecard("G1", m, flat(s)) for m, s in zip(months, scores)}
    (r,) = scheme.model.grade(scheme, TeamHistory("A", [e], {"G1": cards}), months[-1])
    return r


# tenure counts complete months to the first day of the month after the review (2026-07-01)
@pytest.mark.parametrize(
    "hired, level, scores, decision, after",
    [
        (date(2026, 1, 1), "ungraded", [85, 85, 85], "promote", "G2"),  # 6 months: G1-G2, > 80 → upper
        (date(2026, 1, 2), "ungraded", [85, 85, 85], "stay", "ungraded"),  # 5 months: not yet graded
        (date(2026, 1, 1), "ungraded", [80, 80, 80], "promote", "G1"),  # exactly 80: the band's lower
        (date(2025, 1, 2), "G2", [75, 75, 75], "stay", "G2"),  # 17 complete months on 07-01: still G1-G2
        (date(2024, 12, 31), "G2", [75, 75, 75], "promote", "G3"),  # 18: the 31st comes round on Jun 30
        (date(2025, 1, 1), "G2", [75, 75, 75], "promote", "G3"),  # 18 months: G3-G4 entered from below
        (date(2025, 1, 1), "G2", ["80.01", 80, 80], "promote", "G4"),  # average 80.0033 > 80 → upper
        (date(2025, 1, 1), "G4", [70, 70, 70], "stay", "G4"),  # exactly 70 keeps the grade
        (date(2025, 1, 1), "G4", ["69.99", 70, 70], "demote", "G3"),  # 69.9967 < 70 → lower
        (date(2023, 7, 1), "G4", [90, 90, 90], "promote", "G6"),  # 36 months: G5-G6
        (date(2023, 7, 2), "G4", [90, 90, 90], "stay", "G4"),  # 35 months: still G3-G4 (already upper)
        (date(2023, 7, 1), "G6", ["49.99", 50, 50], "probation", "G5"),  # < 50: lower grade and probation
    ],
)
def test_tenure_picks_the_band_the_result_the_grade(scheme, hired, level, scores, decision, after):
    r = review(scheme, hired, level, scores)
    assert (r.decision, r.level_after) == (decision, after)


def test_the_exact_average_is_shown_on_its_side(scheme):
    r = review(scheme, date(2025, 1, 1), "G2", ["80.01", 80, 80])
    assert r.score == D("80.00")  # shown with 2 decimals
    assert any(line.startswith("80.003 > 80; 18 months in post on 2026-07-01 (>= 18) → band G3-G4") for line in r.trace)


def test_a_probation_month_below_50_proposes_dismissal(scheme):
    e = Employee("G1", "客服", "A", "agent", date(2023, 7, 1), level="G6")
    cards = {
        m: Scorecard("G1", m, flat(s))
        for m, s in zip(Period.parse("2026-Q2").months() + [Period.parse("2026-07")], [40, 40, 40, "49.99"])
    }
    (r,) = scheme.model.grade(scheme, TeamHistory("A", [e], {"G1": cards}), Period.parse("2026-07"))
    assert r.decision == "dismissal-review" and r.level_before == "G5"


def test_tenure_months_must_rise_with_the_ladder(scheme):
    params = {
        **scheme.params,
        "review": {
            **scheme.params["review"],
            "min_tenure_months": {**scheme.params["review"]["min_tenure_months"], "G3": 4},
        },
    }
    problems = Problems("g.toml")
    scheme.model.check(params, problems)
    assert problems.lines == [
        "g.toml: review.min_tenure_months.G3: expected at least 6: months in post rise with the ladder"
    ]
