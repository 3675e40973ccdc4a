"""tutorial-stars, tested with cstui's pytest plugin (cstui.testing: fixtures and builders)."""

from cstui.clock import default_period
from cstui.schemes import load_scheme
from cstui.testing import assert_model_contract, assert_result, cards, employee, grade, history


def sales(*percents):
    return [{"sales_target": 100000, "sales_actual": p * 1000} for p in percents]


def test_the_plugin_registers_the_scheme():
    scheme = load_scheme("tutorial-stars")
    assert scheme.plugin == "tutorial"
    assert scheme.params["review"]["promote_at"] == 105


def test_three_months_at_105_percent_promote_one_star():
    e = employee("E1", level="1-star")
    team = history(e, cards={"E1": cards("E1", "2026-01", sales(106, 105, 107))})
    results = grade(load_scheme("tutorial-stars"), team, "2026-03")
    assert_result(results["E1"], decision="promote", level_before="1-star", level_after="2-star", score=107)
    # the built-in bar (110) would not have moved them
    assert grade(load_scheme("star-levels"), team, "2026-03")["E1"].level_after == "1-star"
    assert_model_contract(load_scheme("tutorial-stars"), team, "2026-03")


def test_grades_the_demo_company(cstui_demo):
    agents = cstui_demo.move("star-levels", "tutorial-stars")  # every month they were on star-levels
    results = cstui_demo.grade("tutorial-stars", default_period())
    assert sorted(results) == agents
    assert not [r for r in results.values() if r.decision == "invalid"]
