"""Calibration from the board (c): the table and the chart of rater means (textual-plotext)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable
from textual_plotext import PlotextPlot

from cstui.calibration import calibration
from cstui.domain import Period
from cstui.schemes import load_scheme
from cstui.store import Store
from cstui.tui.screens.calibration import CalibrationScreen
from pilot_support import settle


@pytest.fixture
def rated_db(company_db):
    """The seeded company with two assistant-class cards of 2026-10 saved again by their
    supervisors (an adjustment each), so three raters share the scheme: admin, sup1, sup2."""
    for login, employee_id, adjustment in (("sup1", "E002", "-4"), ("sup2", "E103", "3")):
        with Store.open(company_db, login=login) as store:
            card = store.scorecard(employee_id, "2026-10")
            values = card.values | {"adjustment": adjustment, "adjustment_reason": "校准"}
            store.save_scorecard(employee_id, "2026-10", values, card.version)
    return company_db


async def open_calibration(pilot) -> None:
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)


async def test_the_screen_shows_the_cores_figures(make_app, rated_db):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calibration(pilot)
        assert isinstance(app.screen, CalibrationScreen)
        table = app.screen.query_one("#calibration-table", DataTable)
        shown = {table.get_row_at(i)[0]: table.get_row_at(i)[2] for i in range(table.row_count)}
        assert app.screen.query_one(PlotextPlot) is not None
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CalibrationScreen)
    with Store.open(rated_db, login="admin") as store:
        report, _ = calibration(store, load_scheme("assistant-class"), Period.parse("2026-10"))
    assert shown == {row.rater: f"{row.scores.mean:.2f}" for row in report.raters}
    assert sorted(shown) == ["admin", "sup1", "sup2"]


async def test_a_supervisor_sees_only_their_teams_raters(make_app, rated_db):
    app = make_app(login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calibration(pilot)
        screen = app.screen
        raters = {row.rater for report in screen.reports for row in report.raters}
    assert "sup2" not in raters and "sup1" in raters


async def test_next_scheme_cycles(make_app, rated_db):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calibration(pilot)
        screen = app.screen
        first = screen.reports[screen.index].scheme
        await pilot.press("n")
        await pilot.pause()
        assert len(screen.reports) > 1 and screen.reports[screen.index].scheme != first


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_calibration_snapshot(make_app, rated_db, snap_compare, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=(80, 24), run_before=open_calibration)
