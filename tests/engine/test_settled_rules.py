"""Golden tests at the boundaries of domain.md's "Rules settled where the documents are silent",
for every built-in model: exact threshold comparison (with traces showing the side), tenure
in complete months to the effective date, no pay float (None, with the reason), bottom-N and
last-in-team ties, and the junior floor with probation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from assistant_cards import P, card, emp, fill
from cstui.domain import Employee, Incident, Period, Scorecard
from cstui.engine.model import TeamHistory
from cstui.schemes import load_scheme

STARS = load_scheme("star-levels")
FIVE = load_scheme("five-tier")
SHOP = load_scheme("ecommerce-kpi")
ASSIST = load_scheme("assistant-class")


def grade(scheme, history: TeamHistory, period: str, eid: str = "E1"):
    return next(r for r in scheme.model.grade(scheme, history, P(period)) if r.employee_id == eid)


# ------------------------------------------------------------------ star-levels: 110%


def stars(level: str, actuals: list[str], first: str = "2026-08") -> TeamHistory:
    e = Employee("E1", "员工", "A", "agent", date(2024, 1, 1), level=level)
    cards = {
        P(first).shift(i): Scorecard("E1", P(first).shift(i), {"sales_target": "100000", "sales_actual": a})
        for i, a in enumerate(actuals)
    }
    return TeamHistory("A", [e], {"E1": cards})


def test_three_months_at_109_995_percent_are_below_110_a_demotion_not_a_promotion():
    r = grade(STARS, stars("3-star", ["109995"] * 3), "2026-10")
    assert (r.decision, r.level_after) == ("demote", "2-star")
    assert r.score == D("110.00")  # shown rounded (score.places = 2); the exact 109.995 decided
    assert "sales 109,995 / 100,000 = 109.995% (weight 100%) → 109.995" in r.trace
    assert "3 months < 110 (109.995, 109.995, 109.995) → 3-star → 2-star from 2026-11" in r.trace
    assert not any("110 < 110" in line or "110.00 < 110" in line for line in r.trace)


@pytest.mark.parametrize(
    "actual, shown, decision",
    [
        ("110000", "110", "promote"),  # exactly the bar: >= 110
        ("110004", "110.004", "promote"),  # rounds to 110.00; more digits show it is above
        ("109999.99", "109.99999", "demote"),  # rounds to 110.00 but is below
        ("109990", "109.99", "demote"),
        ("110005", "110.01", "promote"),  # rounding cannot cross: 2 places suffice
    ],
)
def test_star_streaks_at_the_110_bar(actual, shown, decision):
    r = grade(STARS, stars("3-star", [actual] * 3), "2026-10")
    assert r.decision == decision
    rule = ">= 110" if decision == "promote" else "< 110"
    assert any(f"3 months {rule} ({shown}, {shown}, {shown})" in line for line in r.trace)


def test_star_checkpoint_keeps_exact_scores_and_resumes_as_a_full_replay():
    hist = stars("3-star", ["109995", "109995", "109995"])
    state = STARS.model.checkpoint(
        STARS,
        TeamHistory("A", hist.employees, {"E1": {m: c for m, c in hist.cards["E1"].items() if m <= P("2026-09")}}),
        P("2026-09"),
    )
    assert state["employees"]["E1"]["run"]["down"] == ["109.995", "109.995"]
    assert STARS.model.state_version >= 2  # older checkpoints held rounded scores


def test_star_live_panel_shows_the_rounded_score():
    e = Employee("E1", "员工", "A", "agent", date(2024, 1, 1), level="3-star")
    got = STARS.model.score_month(
        STARS, e, Scorecard("E1", P("2026-10"), {"sales_target": "300", "sales_actual": "330"})
    )
    assert got.score == D("110.00")


# ------------------------------------------------------------------ five-tier: 80 / 70 / 50


def flat(score: str) -> dict[str, str]:
    rate = str(D(score) / 100)
    return {"follow_up_rate": rate, "satisfaction": rate, "handling": score, "training": score, "attendance": rate}


def tiers(level: str, scores: list, first: str = "2026-07", hired: date = date(2020, 1, 1)) -> TeamHistory:
    e = Employee("E1", "客服", "A", "agent", hired, level=level)
    cards = {
        P(first).shift(i): Scorecard("E1", P(first).shift(i), flat(str(s)))
        for i, s in enumerate(scores)
        if s is not None
    }
    return TeamHistory("A", [e], {"E1": cards})


@pytest.mark.parametrize(
    "scores, decision, after, line",
    [
        (["80", "80", "80.01"], "promote", "senior", "80.003 > 80"),  # 80.0033 is above 80
        (["80", "80", "80"], "stay", "intermediate", "70 <= 80 <= 80"),  # exactly 80 stays
        (["79.99", "80", "80.01"], "stay", "intermediate", "70 <= 80 <= 80"),  # 240 / 3 is exactly 80
        (["70", "70", "70"], "stay", "intermediate", "70 <= 70 <= 80"),  # exactly 70 stays
        (["70", "70", "69.99"], "demote", "junior", "69.997 < 70"),  # 69.9967 is below 70
        (["50", "50", "50"], "demote", "junior", "50 < 70"),  # exactly 50: down one (50-<70), no probation
        (["50", "50", "49.99"], "probation", "junior", "49.997 < 50"),  # < 50: down one and probation
    ],
)
def test_five_tier_review_at_each_boundary(scores, decision, after, line):
    r = grade(FIVE, tiers("intermediate", scores), "2026-09")
    assert (r.decision, r.level_before, r.level_after) == (decision, "intermediate", after)
    assert any(t.startswith(line) for t in r.trace), r.trace


def test_the_quarter_shows_the_rounded_average_and_grades_on_the_exact_one():
    r = grade(FIVE, tiers("intermediate", ["80", "80", "80.01"]), "2026-Q3")
    assert (r.score, r.decision) == (D("80.00"), "promote")
    assert "2026-09: review 2026-Q3: average (80 + 80 + 80.01) / 3 = 80.003" in r.trace


SHOP_80 = {
    "conversion": "55%",
    "unit_price_ratio": "1.2",
    "first_response_s": "15",
    "avg_response_s": "30",
    "satisfaction": "0.85",
}  # 26+12+12+10+20
SHOP_81 = {**SHOP_80, "unit_price_ratio": "1.3", "avg_response_s": "40"}  # 26+15+12+8+20
SHOP_79 = {**SHOP_80, "avg_response_s": "33"}  # 26+12+12+9+20


@pytest.mark.parametrize(
    "months, decision, line",
    [
        ([SHOP_80, SHOP_80, SHOP_80], "stay", "70 <= 80 <= 80"),
        ([SHOP_79, SHOP_80, SHOP_81], "stay", "70 <= 80 <= 80"),  # 240 / 3: exactly 80
        ([SHOP_80, SHOP_80, SHOP_81], "promote", "80.33 > 80"),
    ],
)
def test_ecommerce_kpi_reviews_on_the_exact_average(months, decision, line):
    e = Employee("E1", "客服", "A", "agent", date(2020, 1, 1), level="intermediate")
    cards = {m: Scorecard("E1", m, v) for m, v in zip(P("2026-Q3").months(), months)}
    r = grade(SHOP, TeamHistory("A", [e], {"E1": cards}), "2026-09")
    assert r.decision == decision
    assert any(t.startswith(line) for t in r.trace), r.trace


def test_bonus_bands_compare_the_exact_score_and_show_its_side():
    r = grade(FIVE, tiers("junior", ["89.995"]), "2026-07")
    assert r.pay_delta == 200  # 89.995 is in 80-<90, though it rounds to 90.00
    assert "bonus: score 89.995 >= 80, < 90 → +200 yuan" in r.trace
    assert "score = 89.995" in r.trace


# ------------------------------------------------------------------ five-tier: tenure


@pytest.mark.parametrize(
    "hired, review, decision, tenure",
    [
        (date(2024, 4, 1), "2026-03", "promote", 24),  # 24 complete months on 2026-04-01
        (date(2024, 4, 30), "2026-03", "eligible", 23),  # 23 on 2026-04-01 (was promoted at 23)
        (date(2024, 4, 30), "2026-06", "promote", 26),  # 26 on 2026-07-01
        (date(2024, 1, 31), "2025-12", "eligible", 23),  # the 31st: 23 on 2026-01-01
        (date(2024, 1, 1), "2025-12", "promote", 24),
        (date(2024, 3, 31), "2026-03", "promote", 24),  # hired Mar 31: 24 complete on Mar 31 2026
    ],
)
def test_tenure_counts_complete_months_to_the_first_day_of_the_new_tier(hired, review, decision, tenure):
    first = str(P(review).shift(-2))
    r = grade(FIVE, tiers("junior", ["90", "90", "90"], first, hired), review)
    assert r.decision == decision
    effective = P(review).next().first_day
    if decision == "eligible":
        assert f"tenure {tenure} months < 24 for intermediate on {effective} (hired {hired})" in r.trace[-1]
    else:
        assert f"(tenure {tenure} months >= 24) → junior → intermediate from {P(review).next()}" in r.trace[-1]


# ------------------------------------------------------------------ five-tier: junior floor


def test_a_junior_below_50_stays_junior_starts_probation_and_a_probation_month_below_50_is_a_review():
    hist = tiers("junior", ["40", "40", "40", "45"])
    review = grade(FIVE, hist, "2026-09")
    assert (review.decision, review.level_after) == ("probation", "junior")
    assert "probation" in review.flags
    assert any("→ stays junior: junior is the floor" in t for t in review.trace)
    month = grade(FIVE, hist, "2026-10")
    assert (month.decision, month.level_before) == ("dismissal-review", "junior")
    assert "probation month: 45 < 50 → dismissal review" in month.trace
    passed = grade(FIVE, tiers("junior", ["40", "40", "40", "50"]), "2026-10")
    assert passed.decision == "none" and "probation month: 50 >= 50 → passed" in passed.trace


def test_a_probation_month_just_below_50_shows_its_side():
    month = grade(FIVE, tiers("junior", ["40", "40", "40", "49.995"]), "2026-10")
    assert month.decision == "dismissal-review"
    assert "probation month: 49.995 < 50 → dismissal review" in month.trace


# ------------------------------------------------------------------ assistant-class


def adjusted(eid: str, month: Period, adjustment: str, incidents: tuple = (), **values: str) -> Scorecard:
    """base 80 + ``adjustment`` (with a reason) + incidents: decimals that land near a bar."""
    inc = [
        Incident(eid, date(month.year, month.index, 3), code, 1, None if pts is None else D(pts))
        for code, pts in incidents
    ]
    return Scorecard(eid, month, {"adjustment": adjustment, "adjustment_reason": "test", **values}, inc)


CLASS_2 = {"b_followups": "14", "b_reports": "4"}


def test_a_class_2_average_of_74_9967_does_not_meet_75():
    h = TeamHistory("T1", [emp(1)])
    months = P("2026-Q1").months()
    h.cards["E1"] = {m: card("E1", m, 75, **CLASS_2) for m in months[:2]}
    h.cards["E1"][months[2]] = adjusted("E1", months[2], "-0.01", (("late", "-5"),), **CLASS_2)  # 74.99
    r = grade(ASSIST, h, "2026-Q1")
    assert r.score == D("75.00")  # shown to the cent; the exact 74.9967 decides
    assert "does not meet class-2: average 74.997 < 75" in r.trace
    assert "months: 2026-01 75, 2026-02 75, 2026-03 74.99 → average 74.997" in r.trace


def test_the_quarter_grade_band_applies_to_the_exact_average():
    h = TeamHistory("T1", [emp(1)])
    months = P("2026-Q1").months()
    h.cards["E1"] = {m: card("E1", m, 80) for m in months[:2]}
    h.cards["E1"][months[2]] = adjusted("E1", months[2], "-0.01")  # 79.99: average 79.9967
    r = grade(ASSIST, h, "2026-Q1")
    assert (r.score, r.grade) == (D("80.00"), "C")  # C is 70-<80, B is 80-90


def test_team_lead_pay_compares_the_exact_average_of_averages():
    # averages 239/3, 233/3, 250/3, 238/3: exactly 80 → +200 (28-digit decimals: 79.999... → +100)
    h = TeamHistory("T1", [emp("L", role="team-lead", level="class-2")] + [emp(i) for i in range(4)])
    fill(h, "EL", "2026-Q1", 80)
    h.cards["EL"][P("2026-01")].values["suggestions"] = "1"
    for i, scores in enumerate([[80, 80, 79], [78, 78, 77], [83, 83, 84], [79, 79, 80]]):
        fill(h, f"E{i}", "2026-Q1", scores)
    r = grade(ASSIST, h, "2026-Q1", "EL")
    assert r.pay_delta == 200
    assert "team lead: team average 80 → management pay +200" in r.trace


def test_ranks_compare_exact_averages():
    h = TeamHistory("T1", [emp(1), emp(2)])
    months = P("2026-Q1").months()
    h.cards["E1"] = {m: card("E1", m, 80) for m in months}
    h.cards["E2"] = {m: card("E2", m, 80) for m in months[:2]}
    h.cards["E2"][months[2]] = adjusted("E2", months[2], "0.01")  # 80.0033: shown 80.00, ranks above
    ranks = {r.employee_id: (r.score, r.rank) for r in ASSIST.model.grade(ASSIST, h, P("2026-Q1"))}
    assert ranks == {"E1": (D("80.00"), 2), "E2": (D("80.00"), 1)}


def test_bottom_three_counts_ties_like_ranks_fewer_than_three_score_strictly_lower():
    # averages 90, 85, 85, 80, 70: the two 85s have 2 below them, so both are in the bottom 3
    h = TeamHistory("T1", [emp(i) for i in range(5)])
    for q in ("2026-Q1", "2026-Q2", "2026-Q3"):
        for i, s in enumerate([90, 85, 85, 80, 70]):
            fill(h, f"E{i}", q, s)
    q3 = {r.employee_id: r.decision for r in ASSIST.model.grade(ASSIST, h, P("2026-Q3"))}
    assert q3 == {
        "E0": "stay",
        "E1": "elimination-review",
        "E2": "elimination-review",
        "E3": "elimination-review",
        "E4": "elimination-review",
    }
    assert (
        "elimination-review: class-3 and in the team's bottom 3 in 3 quarters of 2026"
        in grade(ASSIST, h, "2026-Q3", "E1").flags
    )


def test_bottom_three_quarters_count_within_a_calendar_year():
    h = TeamHistory("T1", [emp(i) for i in range(5)])
    for q in ("2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"):
        for i, s in enumerate([90, 88, 86, 84, 82]):
            fill(h, f"E{i}", q, s)
    assert grade(ASSIST, h, "2026-Q1", "E4").decision == "stay"  # 2 quarters of 2025, 1 of 2026
    assert grade(ASSIST, h, "2026-Q2", "E4").decision == "stay"  # 2 of 2026
    assert any("(2 quarters of 2026)" in t for t in grade(ASSIST, h, "2026-Q2", "E4").trace)


def test_last_in_the_team_ties_share_the_flag():
    h = TeamHistory("T1", [emp(i) for i in range(3)])
    for m in (P("2026-01"), P("2026-02")):
        h.cards.setdefault("E0", {})[m] = card("E0", m, 90)
        for i in (1, 2):  # tied last at 65 (85 - 20): nobody scores strictly lower
            h.cards.setdefault(f"E{i}", {})[m] = card(f"E{i}", m, 85, ("absent",))
    rows = {r.employee_id: r.flags for r in ASSIST.model.grade(ASSIST, h, P("2026-02"))}
    flag = "dismissal-review: last in the team 2 months running, below 70"
    assert flag in rows["E1"] and flag in rows["E2"] and flag not in rows["E0"]


def test_a_dismissal_score_flag_shows_its_side():
    h = TeamHistory("T1", [emp(1)])
    m = P("2026-01")
    h.cards["E1"] = {m: adjusted("E1", m, "-0.005", (("absent", None),))}  # 59.995
    r = grade(ASSIST, h, "2026-01")
    assert "dismissal-review: score 59.995 < 60" in r.flags


@pytest.mark.parametrize(
    "hired, month, paid",
    [
        (date(2026, 10, 15), "2026-10", False),
        (date(2026, 10, 15), "2026-11", False),
        (date(2026, 10, 15), "2026-12", True),
        (date(2026, 9, 30), "2026-10", False),
        (date(2026, 9, 30), "2026-11", True),
    ],
)
def test_no_pay_float_in_the_first_two_months_is_none_and_the_trace_says_why(hired, month, paid):
    h = TeamHistory("T1", [emp(1, hire=hired)])
    h.cards["E1"] = {P(month): card("E1", P(month), 91)}
    r = grade(ASSIST, h, month)
    assert r.score == 91
    if paid:
        assert r.pay_delta == 110
    else:
        n = P(month).ordinal - Period.of_date(hired).ordinal + 1
        assert r.pay_delta is None and r.as_record()["pay_delta"] is None
        assert (
            f"no pay float: month {n} of employment (hired {hired.isoformat()}); scored, not paid (first 2 months)"
            in r.trace
        )
