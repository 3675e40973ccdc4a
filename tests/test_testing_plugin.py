"""cstui.testing, the pytest plugin plugin authors test with: loaded through its pytest11 entry
point, its fixtures, builders and checks (each check shown to fail on what it guards)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from cstui.domain import Period
from cstui.engine.model import DocumentModel
from cstui.schemes import load_scheme
from cstui.testing import (
    assert_model_contract,
    assert_result,
    card,
    cards,
    employee,
    grade,
    history,
    month,
    override,
)

Failed = pytest.fail.Exception


def sales(*percents):
    return [None if p is None else {"sales_target": 100000, "sales_actual": p * 1000} for p in percents]


def star_team():
    a, b = employee("A", level="1-star"), employee("B", level="2-star")
    return history(
        a,
        b,
        cards={"A": cards("A", "2026-01", sales(112, 111, 115)), "B": cards("B", "2026-01", sales(90, None, 100))},
        overrides=[override("B", "2026-02", "3-star", "transferred in")],
    )


def test_the_plugin_is_loaded_through_its_pytest11_entry_point(request):
    plugin = request.config.pluginmanager.get_plugin("cstui")
    assert plugin is not None and plugin.__name__ == "cstui.testing"


def test_every_public_name_and_fixture_is_in_the_guides_table():
    import cstui.testing

    guide = (Path(__file__).resolve().parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
    table = guide[guide.index("## Testing a model") :]
    for name in [*cstui.testing.__all__, "cstui_company", "cstui_demo"]:
        assert f"`{name}" in table or f"fixture `{name}`" in table, (
            f"docs/plugins.md, Testing a model: no row for {name}"
        )


def test_importing_it_imports_no_textual():
    code = "import sys, cstui.testing; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_builders_give_what_the_store_gives():
    c = card("E1", "2026-03", {"calls": 12}, rate="87%")
    assert c.period == Period.parse("2026-03") and c.values == {"calls": "12", "rate": "87%"}
    built = cards("E1", "2026-11", [{"n": 1}, None, {"n": 3}])
    assert list(built) == [month("2026-11"), month("2027-01")]
    team = star_team()
    assert team.team == "T1" and [o.level for o in team.overrides["B"]] == ["3-star"]


def test_assert_result_passes_and_names_every_mismatch():
    results = grade(load_scheme("star-levels"), star_team(), "2026-03")
    assert_result(
        results["A"],
        decision="promote",
        level_before="1-star",
        level_after="2-star",
        score="115",
        rank=1,
        trace_contains=["115"],
    )
    with pytest.raises(Failed) as failed:
        assert_result(results["A"], decision="stay", score=Decimal("114.99"), trace_contains=["no such line"])
    text = str(failed.value)
    assert "decision: expected 'stay', got 'promote'" in text and "score: expected" in text
    assert "trace: no line contains 'no such line'" in text and "trace:\n" in text


@pytest.mark.parametrize(
    "name, period", [("star-levels", "2026-03"), ("star-levels", "2026-Q1"), ("star-levels", "2026-02")]
)
def test_the_contract_holds_for_a_built_in_model(name, period):
    assert_model_contract(load_scheme(name), star_team(), period)


class Careless(DocumentModel):
    """A model breaking one rule at a time (``broken``), to show the contract check fails on each."""

    name = "star-levels"  # graded under the star-levels scheme's numbers
    broken = ""

    def __init__(self, real):
        self.real = real

    def grade(self, scheme, team_history, period, explain=True):
        results = self.real.grade(scheme, team_history, period, explain)
        if self.broken == "timelines" and team_history.checkpoint is not None:
            for e in team_history.employees:
                team_history.checkpoint.timeline(e.id)
        if self.broken == "explain" and not explain:
            results[0].score = Decimal(1)
        if self.broken == "ranks":
            results[0].rank, results[1].rank = results[1].rank, results[0].rank
        return results

    def levels(self, scheme, team_history, until):
        timelines = self.real.levels(scheme, team_history, until)
        if self.broken == "none-month":
            timelines["A"][0] = (None, *timelines["A"][0][1:])
        return timelines

    def checkpoint(self, scheme, team_history, month):
        if self.broken == "timelines":  # the real state, stored apart, and grade() reads the timelines
            return self.real.checkpoint(scheme, team_history, month)
        return {"broken": True} if self.broken == "checkpoint" else None

    @property
    def timelines_apart(self):
        return self.broken == "timelines"


@pytest.mark.parametrize(
    "broken, message",
    [
        ("explain", "explain=False"),
        ("ranks", "scored higher"),
        ("none-month", "every entry starts at a month"),
        ("checkpoint", r"checkpoint\(\) must equal a full replay"),
        ("timelines", r"must not read a checkpoint's timelines"),
    ],
)
def test_the_contract_check_fails_on_a_model_that_breaks_it(broken, message):
    from dataclasses import replace

    scheme = load_scheme("star-levels")
    careless = Careless(scheme.model)
    careless.broken = broken
    with pytest.raises(AssertionError, match=message):
        assert_model_contract(replace(scheme, model=careless), star_team(), "2026-03")


def test_company_fixture_saves_cards_and_grades_like_the_batch(cstui_company):
    assert [e.id for e in cstui_company.employees] == ["E1", "E2", "E3", "E4", "E5"]
    cstui_company.save_cards(
        *cards("E1", "2026-01", sales(112, 111, 115)).values(), card("E4", "2026-03", sales(80)[0])
    )
    results = cstui_company.grade("star-levels", "2026-03")
    assert sorted(results) == ["E1", "E2", "E3", "E4", "E5"]
    assert_result(results["E1"], decision="promote", level_after="2-star", rank=1)
    assert_result(results["E2"], decision="none", score=None, rank=None)  # no card yet: not assessed
    assert_result(results["E4"], score=80, rank=1)  # ranks are per team


def test_company_moves_people_between_schemes(cstui_company):
    cstui_company.store.assign_scheme("E5", "five-tier", "2026-01")
    assert cstui_company.move("star-levels", "five-tier") == ["E1", "E2", "E3", "E4"]
    assert cstui_company.members("star-levels") == []
    assert cstui_company.members("five-tier") == ["E1", "E2", "E3", "E4", "E5"]
