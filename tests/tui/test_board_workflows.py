"""Period board workflows by keys: apply results, close the period, then a read-only scorecard."""

from __future__ import annotations

from cstui.plugins import get_registry
from cstui.store import Store
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.history import HistoryScreen
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from screens_support import screen_app


def board(company_db, **kwargs):
    return screen_app(company_db, PeriodBoardScreen, **kwargs)


def employee_ids(screen) -> list[str]:
    return [r.employee_id for r in screen.visible_rows()]


async def test_apply_then_close_makes_the_scorecard_read_only(company_db, monkeypatch):
    closed = []
    registry = get_registry()
    monkeypatch.setattr(registry, "notify_period_closed", lambda *args: closed.append(args))
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert len(screen.graded.results) == 10
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Record 10 results for 2026-10" in app.screen.message
        await pilot.press("n")  # cancel: nothing recorded
        await settle(pilot)
        with Store.open(company_db, login="admin", create=False) as store:
            assert store.results("2026-10") == []
        await pilot.press("A", "y")
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert "Close 2026-10: scorecards" in app.screen.message
        assert "10 results are recorded" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert screen.graded.status == "closed" and screen.graded.source == "recorded"
        assert closed and closed[0][1:] == ("2026-10", "admin")
        screen.query_one("#board-table").focus()
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ScorecardScreen)
        assert not card.editable
        assert "closed" in str(card.query_one("#sc-banner").render())
        assert all(field.disabled for field in card.query("Input"))
    with Store.open(company_db, login="admin", create=False) as store:
        assert len(store.results("2026-10")) == 10
        assert store.period_status("2026-10") == "closed"


async def test_a_supervisor_gets_no_apply_or_close(company_db):
    app = board(company_db, login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "apply" not in actions and "close_period" not in actions
        assert {r.employee_id for r in app.screen.graded.rows} == {"E001", "E002", "E003", "E004"}
        await pilot.press("A", "C")
        await settle(pilot)
        assert isinstance(app.screen, PeriodBoardScreen)


async def test_sort_filter_and_team(company_db):
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.scheme_name == "assistant-class"  # one scheme at a time, the first by name
        await pilot.press("s")  # by score, highest first
        scores = [r.score for r in screen.visible_rows() if r.score is not None]
        assert scores == sorted(scores, reverse=True) and len(scores) == 3
        ids = employee_ids(screen)
        await pilot.press("S")  # the same sort backwards, and the status line says so
        assert employee_ids(screen) == ids[::-1] and "reversed" in str(screen.query_one("#board-status").render())
        await pilot.press("S")
        assert employee_ids(screen) == ids
        await pilot.press("slash", *"王芳", "enter")
        assert employee_ids(screen) == ["E002"]
        await pilot.press("slash", "escape")  # Esc clears the filter
        assert len(employee_ids(screen)) == 3
        await pilot.press("t")  # first team
        await settle(pilot)
        assert screen.team == "kf2"
        assert {r.team for r in screen.visible_rows()} == {"kf2"} and employee_ids(screen) == ["E103"]


async def test_enter_and_h_open_the_rows_screens(company_db):
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = app.screen.current_row().employee_id
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and app.screen.employee_id == first
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen) and app.screen.employee_id == first


async def test_period_change_regrades(company_db):
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.ctx.period = app.ctx.period.prev()
        app.screen.on_period_changed()
        await settle(pilot)
        assert str(app.screen.graded.period) == "2026-09"
