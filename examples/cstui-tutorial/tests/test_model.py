"""The tutorial-followups model, tested with cstui's pytest plugin (cstui.testing: fixtures and builders)."""

from decimal import Decimal

from cstui.schemes import load_scheme
from cstui.testing import assert_model_contract, assert_result, cards, employee, grade, history, month, override


def scheme():
    return load_scheme("tutorial-followups")


def test_three_good_months_promote_from_the_month_after():
    e = employee("E1", hired="2026-01-01")
    team = history(
        e, cards={"E1": cards("E1", "2026-01", [{"a_followups": 12}, {"a_followups": 7}, {"a_followups": 6}])}
    )
    results = grade(scheme(), team, "2026-03")
    assert_result(
        results["E1"],
        decision="promote",
        score=80,
        level_before="assistant",
        level_after="senior-assistant",
        rank=1,
        trace_contains=["a_followups 6 (>= 6) → 80 points"],
    )
    timeline = scheme().model.levels(scheme(), team, month("2026-04"))
    assert [level for _, level, _ in timeline["E1"]] == ["assistant", "senior-assistant"]


def test_a_missing_month_restarts_the_streak():
    e = employee("E1", hired="2026-01-01")
    team = history(
        e, cards={"E1": cards("E1", "2026-01", [{"a_followups": 12}, None, {"a_followups": 12}, {"a_followups": 12}])}
    )
    results = grade(scheme(), team, "2026-04")
    assert_result(results["E1"], decision="stay", level_after="assistant", score=100)
    assert_result(grade(scheme(), team, "2026-02")["E1"], decision="missing", score=None, flags=["missing 2026-02"])


def test_an_override_places_a_level_and_ranks_share_ties():
    a, b, c = employee("A", hired="2026-01-01"), employee("B", hired="2026-01-01"), employee("C", hired="2026-01-01")
    rows = {"A": [{"a_followups": 3}], "B": [{"a_followups": 4}], "C": [{"a_followups": 10}]}
    team = history(
        a,
        b,
        c,
        cards={k: cards(k, "2026-01", v) for k, v in rows.items()},
        overrides=[override("A", "2026-01", "senior-assistant", "transferred in")],
    )
    results = grade(scheme(), team, "2026-01")
    assert_result(results["A"], level_before="senior-assistant", rank=2, flags=["override"], score=Decimal(60))
    assert [results[k].rank for k in "ABC"] == [2, 2, 1]


def test_the_model_keeps_the_contract_cstui_relies_on():
    e, f = employee("E1", hired="2025-11-01"), employee("E2", hired="2026-02-01")
    rows = [{"a_followups": n} for n in (12, 11, 10, 2, 6, 7)]
    team = history(e, f, cards={"E1": cards("E1", "2025-11", rows), "E2": cards("E2", "2026-02", rows[3:])})
    for period in ("2026-01", "2026-04", "2026-Q1"):
        assert_model_contract(scheme(), team, period)
