"""The assistant-class model: month results and the quarterly class review, replayed."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_cards import P, card, emp, fill, inc
from cstui.domain import Override, Scorecard
from cstui.engine.ledger import LedgerProblem
from cstui.engine.model import TeamHistory
from cstui.plugins import get_registry
from cstui.schemes import Problems, SchemeError, load_scheme

SCHEME = load_scheme("assistant-class")
MODEL = SCHEME.model
CLASS_2 = {"b_followups": "14", "b_reports": "4"}  # x3 months: 42 and 12
CLASS_1 = {"a_followups": "14", "a_reports": "4", **CLASS_2}


def quarters(start: str, n: int) -> list[str]:
    return [str(P(start).shift(k)) for k in range(n)]


def result(history: TeamHistory, period: str, eid: str = "E1"):
    return next(r for r in MODEL.grade(SCHEME, history, P(period)) if r.employee_id == eid)


# ------------------------------------------------------------------ plugin and month score


def test_plugin_registers_model_and_scheme():
    assert get_registry().models["assistant-class"].review == "quarterly"
    assert SCHEME.level_keys == ["class-3", "class-2", "class-1"]
    assert {m.key for m in MODEL.metrics(SCHEME)} == {
        "adjustment",
        "adjustment_reason",
        "a_followups",
        "b_followups",
        "a_reports",
        "b_reports",
        "suggestions",
    }


def test_score_month_trace():
    m = P("2026-10")
    c = Scorecard(
        "E1",
        m,
        {"adjustment": "3", "adjustment_reason": "covered the hotline"},
        [inc("E1", m, "late", 2), inc("E1", m, "top-performer")],
    )
    got = MODEL.score_month(SCHEME, emp(1), c)
    assert (got.score, got.grade, got.pay_delta, got.flags) == (84, "B", 40, [])
    assert got.trace == [
        "base 80",
        "late x2 → -4 (attendance)",
        "top-performer → +5 (merit)",
        "adjustment +3: covered the hotline",
        "total 84 → grade B",
        "pay (84 - 80) × 10 = +40",
    ]


def test_score_month_new_hire_scored_not_paid_and_flags():
    m = P("2026-10")
    c = Scorecard("E1", m, {}, [inc("E1", m, "sleeping-on-duty"), inc("E1", m, "absent")])
    got = MODEL.score_month(SCHEME, emp(1, hire=date(2026, 9, 30)), c)
    assert got.score == 60 and got.grade == "E" and got.pay_delta is None
    assert "scored, not paid" in got.trace[-1]
    assert got.flags == ["dismissal-review: sleeping-on-duty"]


def test_score_month_error_names_employee_month_field():
    c = Scorecard("E7", P("2026-10"), {"adjustment": "2"}, [])
    with pytest.raises(LedgerProblem) as info:
        MODEL.score_month(SCHEME, emp(7), c)
    assert (info.value.employee, info.value.month, info.value.field) == ("E7", "2026-10", "adjustment_reason")


# ------------------------------------------------------------------ month results


def test_month_result_rank_pay_level_and_decision_none():
    h = TeamHistory("T1", [emp(1), emp(2), emp(3, hire=date(2026, 9, 1))])
    for e, s in (("E1", 90), ("E2", 85), ("E3", 85)):
        h.cards.setdefault(e, {})[P("2026-10")] = card(e, P("2026-10"), s)
    rows = {r.employee_id: r for r in MODEL.grade(SCHEME, h, P("2026-10"))}
    assert [rows[e].rank for e in ("E1", "E2", "E3")] == [1, 2, 2]
    assert rows["E1"].pay_delta == 100 and rows["E1"].grade == "B" and rows["E1"].decision == "none"
    assert rows["E3"].pay_delta is None  # month 2 of employment
    assert rows["E1"].level_before == rows["E1"].level_after == "class-3"


def test_month_result_missing_card():
    h = TeamHistory("T1", [emp(1)])
    r = result(h, "2026-10")
    assert r.decision == "missing" and r.score is None


def test_month_dismissal_last_in_team_two_months_below_70():
    h = TeamHistory("T1", [emp(1), emp(2)])
    for month, low in (("2026-09", 69), ("2026-10", 69)):
        m = P(month)
        h.cards.setdefault("E2", {})[m] = card("E2", m)
        h.cards.setdefault("E1", {})[m] = card(
            "E1", m, 75, (("late", 1, "-5"), ("away-from-post",), ("entry-error",)) if low else ()
        )
    r = result(h, "2026-10")
    assert r.score == 63
    assert "dismissal-review: last in the team 2 months running, below 70" in r.flags
    one = TeamHistory("T1", h.employees, {e: {P("2026-10"): c[P("2026-10")]} for e, c in h.cards.items()})
    assert not any("last in the team" in f for f in result(one, "2026-10").flags)


def test_month_dismissal_score_below_60_and_incident():
    h = TeamHistory("T1", [emp(1)])
    m = P("2026-10")
    h.cards["E1"] = {m: card("E1", m, 80, (("absent",), ("cliques",), ("appearance",)))}
    assert result(h, "2026-10").flags == ["dismissal-review: score 59 < 60", "dismissal-review: cliques"]
    h.cards["E1"] = {m: card("E1", m, 80, (("absent",),))}
    assert result(h, "2026-10").flags == []


def test_invalid_card_is_flagged_and_counts_as_missing():
    h = TeamHistory("T1", [emp(1)])
    fill(h, "E1", "2026-Q4")
    h.cards["E1"][P("2026-11")].incidents.append(inc("E1", P("2026-11"), "napping"))
    month = result(h, "2026-11")
    assert month.decision == "missing" and "unknown incident code" in month.flags[0]
    quarter = result(h, "2026-Q4")
    assert quarter.decision == "missing" and quarter.flags[0] == "missing: 2026-11"


# ------------------------------------------------------------------ award


def test_two_consecutive_quarters_promote():
    h = TeamHistory("T1", [emp(1)])
    for q in ("2026-Q1", "2026-Q2"):
        fill(h, "E1", q, 80, **CLASS_2)
    q1, q2 = result(h, "2026-Q1"), result(h, "2026-Q2")
    assert (q1.decision, q1.level_after) == ("stay", "class-3")
    assert (q2.decision, q2.level_before, q2.level_after) == ("promote", "class-3", "class-2")
    assert any("2 consecutive quarters: 2026-Q1, 2026-Q2" in t for t in q2.trace)
    assert MODEL.levels(SCHEME, h, P("2026-Q3"))["E1"][-1] == (
        P("2026-07"),
        "class-2",
        "met class-2 in 2 consecutive quarters: 2026-Q1, 2026-Q2",
    )
    assert result(h, "2026-07").level_after == "class-2" and result(h, "2026-06").level_after == "class-3"


def test_two_quarters_apart_do_not_promote():
    h = TeamHistory("T1", [emp(1)])
    fill(h, "E1", "2026-Q1", 80, **CLASS_2)
    fill(h, "E1", "2026-Q2", 80)
    fill(h, "E1", "2026-Q3", 80, **CLASS_2)
    assert result(h, "2026-Q3").decision == "stay"
    assert result(h, "2026-Q3").level_after == "class-3"


def test_a_missing_quarter_breaks_the_streak():
    h = TeamHistory("T1", [emp(1)])
    fill(h, "E1", "2026-Q1", 80, **CLASS_2)
    fill(h, "E1", "2026-Q3", 80, **CLASS_2)
    assert result(h, "2026-Q2").decision == "missing"
    assert result(h, "2026-Q3").decision == "stay"


def test_more_than_four_quarters_in_all_promote():
    h = TeamHistory("T1", [emp(1)])
    for k, q in enumerate(quarters("2025-Q1", 9)):
        fill(h, "E1", q, 80, **(CLASS_2 if k % 2 == 0 else {}))
    assert result(h, "2026-Q3").decision == "stay"  # 4 met quarters: not more than 4
    fifth = result(h, "2027-Q1")
    assert (fifth.decision, fifth.level_after) == ("promote", "class-2")
    assert any("met class-2 in 5 quarters, more than 4" in t for t in fifth.trace)


def test_class_1_quarters_promote_straight_to_class_1():
    h = TeamHistory("T1", [emp(1)])
    fill(h, "E1", "2026-Q1", 85, **CLASS_1)
    fill(h, "E1", "2026-Q2", [85, 85, 85], **CLASS_1)
    assert result(h, "2026-Q2").level_after == "class-1"


APPEARANCE_19 = {0: (("eating-at-desk", 3),), 1: (("appearance", 3),), 2: (("appearance", 1),)}  # no month has 4 minor
APPEARANCE_20 = {0: (("eating-at-desk", 3),), 1: (("eating-at-desk", 1),)}


@pytest.mark.parametrize(
    "scores, values, incidents, met",
    [
        ([85, 85, 85], CLASS_1, {}, "class-1"),
        ([85, 85, 84], CLASS_1, {}, "class-2"),  # average 84.67
        ([75, 75, 75], CLASS_2, {}, "class-2"),
        ([75, 75, 76], {"b_followups": "13", "b_reports": "4"}, {}, None),  # 39 follow-ups
        ([85, 85, 85], CLASS_1, APPEARANCE_19, "class-1"),
        ([85, 85, 85], CLASS_1, APPEARANCE_20, None),  # class 2 needs appearance < 20 too
    ],
)
def test_class_requirements_at_the_boundaries(scores, values, incidents, met):
    h = TeamHistory("T1", [emp(1)])
    fill(h, "E1", "2026-Q1", scores, **values)
    for k, items in incidents.items():  # make up the deducted points so the average stays put
        m = P("2026-01").shift(k)
        lost = sum((5 if c == "eating-at-desk" else 1) * n for c, n in items)
        h.cards["E1"][m] = card("E1", m, scores[k] + lost, items, **values)
    r = result(h, "2026-Q1")
    assert r.score == (sum(D(s) for s in scores) / 3).quantize(D("0.01"))
    expected = f"meets {met}" if met else "does not meet class-2"
    assert any(t.startswith(expected) for t in r.trace), r.trace
    if incidents is APPEARANCE_20:
        assert any("appearance deductions 20 not below 20" in t for t in r.trace)


# ------------------------------------------------------------------ elimination and exemption


@pytest.mark.parametrize("extra, review", [((), False), ((("appearance",),), True)])
def test_quarter_deductions_over_40(extra, review):
    h = TeamHistory("T1", [emp(1)])
    fill(h, "E1", "2026-Q1", 80, (("absent", 2),) + extra)
    r = result(h, "2026-Q1")
    assert (r.decision == "elimination-review") is review
    if review:
        assert "elimination-review: deductions 41 in the quarter, over 40" in r.flags


@pytest.mark.parametrize("extra, review", [((), False), ((("appearance",),), True)])
def test_year_deductions_over_150(extra, review):
    h = TeamHistory("T1", [emp(1)])
    for q in ("2026-Q1", "2026-Q2", "2026-Q3"):
        fill(h, "E1", q, 80, (("absent", 2),))
    fill(h, "E1", "2026-Q4", 80, (("absent",), ("away-from-post", 2)) + extra)
    r = result(h, "2026-Q4")
    assert (r.decision == "elimination-review") is review
    assert any("in 2026, over 150" in f for f in r.flags) is review


def _ranked_team(n: int, levels: dict | None = None) -> TeamHistory:
    levels = levels or {}
    h = TeamHistory("T1", [emp(i, level=levels.get(i)) for i in range(n)])
    for q in quarters("2026-Q1", 4):
        for i in range(n):
            fill(h, f"E{i}", q, 100 - 5 * i)
    return h


def test_bottom_three_in_three_quarters_of_a_year():
    h = _ranked_team(5)
    assert {r.employee_id: r.decision for r in MODEL.grade(SCHEME, h, P("2026-Q2"))} == dict.fromkeys(
        ["E0", "E1", "E2", "E3", "E4"], "stay"
    )
    q3 = {r.employee_id: r.decision for r in MODEL.grade(SCHEME, h, P("2026-Q3"))}
    assert q3 == {
        "E0": "stay",
        "E1": "stay",
        "E2": "elimination-review",
        "E3": "elimination-review",
        "E4": "elimination-review",
    }
    assert result(h, "2026-Q4", "E4").decision == "stay"  # once a year, when the count reaches 3


def test_bottom_three_needs_a_team_larger_than_three():
    h = _ranked_team(3)
    assert {r.decision for r in MODEL.grade(SCHEME, h, P("2026-Q3"))} == {"stay"}


def test_bottom_three_only_for_the_entry_class():
    h = _ranked_team(5, {4: "class-2"})
    assert result(h, "2026-Q3", "E4").decision != "elimination-review"


def test_exemption_earned_by_best_in_three_quarters_waives_a_review():
    h = _ranked_team(4, {0: "class-2"})
    h.cards["E0"][P("2026-10")] = card("E0", P("2026-10"), 100, (("absent", 2), ("appearance",)), **CLASS_2)
    q3 = result(h, "2026-Q3", "E0")
    assert any(f.startswith("exemption-earned") for f in q3.flags)
    q4 = result(h, "2026-Q4", "E0")
    assert q4.decision == "exemption"
    assert "exemption: elimination review waived (deductions 41 in the quarter, over 40)" in q4.flags
    h.employees[0].level = "class-3"  # the same data without the class: no exemption
    assert result(h, "2026-Q4", "E0").decision == "elimination-review"


# ------------------------------------------------------------------ demotion proposal


def test_demotion_proposed_when_no_quarter_of_the_year_met_the_class():
    h = TeamHistory("T1", [emp(1, level="class-1")])
    for q in quarters("2026-Q1", 4):
        fill(h, "E1", q, 90, **CLASS_2)
    assert result(h, "2026-Q3").decision == "stay"
    r = result(h, "2026-Q4")
    assert (r.decision, r.level_before, r.level_after) == ("demotion-proposed", "class-1", "class-1")
    assert any(f.startswith("demotion-proposed: class-1 → class-2 (no quarter of 2026 met class-1)") for f in r.flags)


def test_demotion_proposed_for_the_lowest_average_of_the_class():
    h = TeamHistory("T1", [emp(1, level="class-2"), emp(2, level="class-2")])
    for q in quarters("2026-Q1", 4):
        fill(h, "E1", q, 85, **CLASS_2)
        fill(h, "E2", q, 90, **CLASS_2)
    rows = {r.employee_id: r for r in MODEL.grade(SCHEME, h, P("2026-Q4"))}
    assert rows["E1"].decision == "demotion-proposed" and rows["E2"].decision == "stay"
    assert "lowest 2026 average (85)" in rows["E1"].flags[0]


def test_confirmed_demotion_is_an_override():
    h = TeamHistory("T1", [emp(1, level="class-1")])
    for q in quarters("2026-Q1", 5):
        fill(h, "E1", q, 80)
    h.overrides["E1"] = [Override("E1", P("2027-01"), "class-2", "demotion confirmed", "boss")]
    r = result(h, "2027-Q1")
    assert r.level_before == "class-2"
    assert MODEL.levels(SCHEME, h, P("2027-Q1"))["E1"][-1] == (
        P("2027-01"),
        "class-2",
        "override by boss: demotion confirmed",
    )


# ------------------------------------------------------------------ team lead


def _lead_team(
    assistant_scores: list[list[int]], suggestions: str = "1", level: str = "class-2", n_quarters: int = 1
) -> TeamHistory:
    h = TeamHistory("T1", [emp("L", role="team-lead", level=level)] + [emp(i) for i in range(len(assistant_scores))])
    for q in quarters("2026-Q1", n_quarters):
        fill(h, "EL", q, 80)
        h.cards["EL"][P(q).months()[0]].values["suggestions"] = suggestions
        for i, scores in enumerate(assistant_scores):
            fill(h, f"E{i}", q, scores)
    return h


@pytest.mark.parametrize(
    "scores, pay",
    [
        ([[85, 85, 85]], 300),
        ([[85, 85, 84]], 200),
        ([[80, 80, 80]], 200),
        ([[80, 80, 79]], 100),
        ([[75, 75, 75]], 100),
        ([[90, 90, 90], [80, 80, 80]], 300),
    ],
)
def test_team_lead_management_pay(scores, pay):
    r = result(_lead_team(scores), "2026-Q1", "EL")
    assert r.pay_delta == pay and r.rank is None


def test_team_lead_unqualified_and_no_suggestion():
    r = result(_lead_team([[75, 75, 76 - 2]]), "2026-Q1", "EL")
    assert r.pay_delta == 0 and r.flags[0].startswith("team-lead-unqualified: team average 74.67")
    r = result(_lead_team([[85, 85, 85]], suggestions="0"), "2026-Q1", "EL")
    assert r.pay_delta == 0 and r.flags[0].startswith("team-lead-no-suggestion")


def test_team_lead_below_class_2_is_flagged():
    r = result(_lead_team([[85, 85, 85]], level="class-3"), "2026-Q1", "EL")
    assert any(f.startswith("team-lead-below-class") for f in r.flags)


def test_three_unqualified_quarters_running_demote_the_lead():
    h = _lead_team([[75, 75, 74]], n_quarters=3)
    assert not any("team-lead-demoted" in f for f in result(h, "2026-Q2", "EL").flags)
    assert "team-lead-demoted: 3 unqualified quarters running" in result(h, "2026-Q3", "EL").flags


# ------------------------------------------------------------------ replay


team_data = st.lists(
    st.lists(st.tuples(st.integers(75, 100), st.booleans(), st.booleans()), min_size=12, max_size=12),
    min_size=2,
    max_size=4,
)


@settings(max_examples=12, deadline=None)
@given(team_data)
def test_replay_equivalence(data):
    h = TeamHistory("T1", [emp(i) for i in range(len(data))])
    for i, months in enumerate(data):
        for k, (score, meets, present) in enumerate(months):
            m = P("2026-01").shift(k)
            if present or k % 3:
                h.cards.setdefault(f"E{i}", {})[m] = card(f"E{i}", m, score, **(CLASS_2 if meets else {}))
    previous = None
    for q in quarters("2026-Q1", 4):
        rows = {r.employee_id: r for r in MODEL.grade(SCHEME, h, P(q))}
        assert rows == {r.employee_id: r for r in MODEL.grade(SCHEME, h, P(q))}  # same data, same answer
        for eid, r in rows.items():
            if previous:
                assert r.level_before == previous[eid].level_after
            for m in P(q).months():
                assert result(h, str(m), eid).level_after == r.level_before
        previous = rows
    in_q4, after = MODEL.levels(SCHEME, h, P("2026-Q4")), MODEL.levels(SCHEME, h, P("2027-01"))
    for eid, r in previous.items():
        assert in_q4[eid][-1][1] == r.level_before  # a Q4 promotion takes effect in 2027-01
        assert after[eid][-1][1] == r.level_after


# ------------------------------------------------------------------ scheme check


def _check(mutate) -> list[str]:
    params = copy.deepcopy(SCHEME.params)
    mutate(params)
    problems = Problems("ac.toml")
    MODEL.check(params, problems)
    return problems.lines


def test_shipped_scheme_checks_clean():
    assert _check(lambda p: None) == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda p: p["ledger"]["incidents"]["late"].update(category="punctuality"),
            "ac.toml: ledger.incidents.late.category: unknown category 'punctuality'",
        ),
        (
            lambda p: p["ledger"]["incidents"]["late"].update(points=[-2, -5]),
            "ac.toml: ledger.incidents.late.points: range min -2 is above max -5",
        ),
        (
            lambda p: p["ledger"]["incidents"]["late"].update(points="-2"),
            "ac.toml: ledger.incidents.late.points: expected a number or [min, max], got '-2'",
        ),
        (
            lambda p: p["ledger"]["incidents"]["late"].update(severity="awful"),
            "ac.toml: ledger.incidents.late.severity: expected one of bonus, minor, moderate, severe",
        ),
        (lambda p: p["ledger"]["incidents"]["late"].pop("points"), "ac.toml: ledger.incidents.late.points: missing"),
        (
            lambda p: p["ledger"]["incidents"]["cliques"].update(points=-5),
            "ac.toml: ledger.incidents.cliques.points: a dismissal-review incident carries no points",
        ),
        (lambda p: p["ledger"].pop("base"), "ac.toml: ledger.base: missing; expected a number"),
        (lambda p: p["ledger"].update(cap="110"), "ac.toml: ledger.cap: expected a number, got str"),
        (
            lambda p: p["ledger"]["failing_duties"].update(code="nope"),
            "ac.toml: ledger.failing_duties.code: expected an incident code",
        ),
        (lambda p: p["ledger"]["adjustment"].update(min=6), "ac.toml: ledger.adjustment: min 6 is above max 5"),
        (lambda p: p["grade_bands"][1].update(to=91), "ac.toml: grade_bands[1]: band B overlaps band A"),
        (lambda p: p["grade_bands"][2].update({"below": 79}), "ac.toml: grade_bands[2]: gap between band C"),
        (lambda p: p.pop("pay_float"), "ac.toml: pay_float: missing"),
        (
            lambda p: p["classes"]["class-1"]["counts_at_least"].update(c_reports=3),
            "ac.toml: classes.class-1.counts_at_least.c_reports: unknown count metric",
        ),
        (
            lambda p: p["classes"]["class-1"]["deductions_below"].update(looks=3),
            "ac.toml: classes.class-1.deductions_below.looks: unknown ledger category",
        ),
        (lambda p: p["classes"].pop("class-2"), "ac.toml: classes.class-2: missing"),
        (
            lambda p: p["classes"].update({"class-3": {"average_at_least": 1}}),
            "ac.toml: classes.class-3: expected a level above the entry class",
        ),
        (
            lambda p: p["award"].update(consecutive_quarters="2"),
            "ac.toml: award.consecutive_quarters: expected a whole number",
        ),
        (lambda p: p.pop("elimination"), "ac.toml: elimination: missing; expected a table"),
        (
            lambda p: p["exemption"].update(min_level="class-9"),
            "ac.toml: exemption.min_level: expected one of the levels",
        ),
        (lambda p: p["demotion"].update(review_quarter=5), "ac.toml: demotion.review_quarter: expected a quarter 1..4"),
        (lambda p: p["team_lead"]["pay"][0].pop("pay"), "ac.toml: team_lead.pay[0].pay: missing"),
    ],
)
def test_check_errors_name_the_key(mutate, expected):
    lines = _check(mutate)
    assert any(line.startswith(expected) for line in lines), lines


def test_bad_company_file_is_reported_with_its_path(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(
        'name = "acme"\nextends = "assistant-class"\nversion = "1"\n[ledger.incidents.late]\npoints = [-2, -5]\n',
        encoding="utf-8",
    )
    with pytest.raises(SchemeError) as info:
        load_scheme(str(path))
    assert info.value.problems == [f"{path}: ledger.incidents.late.points: range min -2 is above max -5"]


def test_company_file_overrides_a_number(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(
        'name = "acme"\nextends = "assistant-class"\nversion = "1"\n[ledger]\ncap = 100\n', encoding="utf-8"
    )
    acme = load_scheme(str(path))
    m = P("2026-10")
    got = acme.model.score_month(acme, emp(1), Scorecard("E1", m, {}, [inc("E1", m, "cover-shift", 5)]))
    assert got.score == 100 and got.trace[-3] == "capped at 100"
