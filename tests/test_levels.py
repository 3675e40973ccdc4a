"""cstui.levels: the level now agrees with the board's grading (level_after) for every demo
employee in every month, before and after results are recorded, with an override recorded
after them, and for people with no data yet."""

from __future__ import annotations

import pytest

from cstui.demo import build_demo
from cstui.domain import Employee, Override, Period
from cstui.grading import apply_period, graded_teams
from cstui.levels import CurrentLevels
from cstui.schemes import catalog
from cstui.store import Store

MONTHS = ["2025-12", "2026-03", "2026-06", "2026-07", "2026-09", "2026-10"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("levels") / "demo.db"
    build_demo(path, end=Period.parse("2026-10"), login="admin")
    return path


@pytest.fixture
def store(demo, tmp_path):
    import shutil

    path = tmp_path / "demo.db"
    shutil.copyfile(demo, path)
    with Store.open(path, login="admin") as s:
        yield s


def board_levels(store, period: Period) -> dict[str, str]:
    levels = {}
    for name in store.roster_schemes():
        for _, results in graded_teams(store, catalog().get(name), period, explain=False):
            levels.update({r.employee_id: r.level_after for r in results})
    return levels


@pytest.mark.parametrize("month", MONTHS)
def test_every_demo_employee_agrees_with_the_board(store, month):
    period = Period.parse(month)
    now = CurrentLevels(store, catalog().get).of(store.employees(), period)
    assert now == board_levels(store, period)


def test_recorded_results_and_a_later_override(store):
    october, schemes = Period.parse("2026-10"), CurrentLevels(store, catalog().get)
    for name in store.roster_schemes():
        apply_period(store, catalog().get(name), october)
    assert schemes.of(store.employees(), october) == board_levels(store, october)
    store.add_override(Override("E0001", october, "3-star", "placed lower by hand", "admin"))
    assert schemes.one(store.employee("E0001"), october) == "3-star" == board_levels(store, october)["E0001"]


def test_someone_without_data_gets_what_their_team_gives_them(store):
    for scheme, level in (("assistant-class", "class-2"), ("star-levels", None), ("five-tier", "senior")):
        e = Employee(
            id=f"N-{scheme}",
            name="新人",
            team="hotline",
            role="agent",
            hire_date=Period.parse("2025-01").first_day,
            scheme=scheme,
            level=level,
        )
        store.add_employee(e)
    october = Period.parse("2026-10")
    now = CurrentLevels(store, catalog().get).of(store.employees(), october)
    assert now == board_levels(store, october)
