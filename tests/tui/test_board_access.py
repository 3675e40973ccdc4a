"""A supervisor on the board sees only their teams' rows, and an employee they may not see
(a stale or forged row) opens as a message, never a crash."""

from __future__ import annotations

from cstui.domain import Period, Result
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.history import HistoryScreen
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from screens_support import screen_app


def board(company_db, **kwargs):
    return screen_app(company_db, PeriodBoardScreen, **kwargs)


async def test_every_row_a_supervisor_sees_opens(company_db):
    app = board(company_db, login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = app.screen.visible_rows()
        assert {r.team for r in rows} == {"客服一组"}
        for _ in range(len(rows)):
            await pilot.press("h")
            await settle(pilot)
            assert isinstance(app.screen, HistoryScreen)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("down")


async def test_another_teams_employee_is_a_message(company_db, monkeypatch):
    app = board(company_db, login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        other = Result(
            "E101",
            "Alice Chen",
            "kf2",
            Period.parse("2026-10"),
            "five-tier",
            "1",
            None,
            None,
            None,
            None,
            None,
            "stay",
            None,
        )
        monkeypatch.setattr(screen, "current_row", lambda: other)
        await pilot.press("enter", "h")  # Enter comes as DataTable.RowSelected
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert not isinstance(app.screen, (HistoryScreen, ScorecardScreen))
        assert sum("may not see" in n.message for n in app._notifications) == 2
