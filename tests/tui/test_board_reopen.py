"""Reopen a closed period from the board by keys: R, a required reason, then the period is open."""

from __future__ import annotations

from cstui.store import Store
from cstui.tui.modals.reopen import ReopenModal
from cstui.tui.screens.board import PeriodBoardScreen
from pilot_support import settle
from screens_support import screen_app


def board(company_db, **kwargs):
    return screen_app(company_db, PeriodBoardScreen, **kwargs)


def close_october(company_db) -> None:
    with Store.open(company_db, login="admin", create=False) as store:
        store.close_period("2026-10")


def actions(app) -> set[str]:
    return {b.binding.action for b in app.screen.active_bindings.values()}


async def test_reopen_needs_a_reason_then_opens_the_period(company_db):
    app = board(company_db, login="boss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "reopen_period" not in actions(app)  # an open period: nothing to reopen
        await pilot.press("C", "y")
        await settle(pilot)
        assert app.screen.graded.status == "closed" and "reopen_period" in actions(app)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReopenModal)
        await pilot.press("enter")  # no reason: refused, the modal stays
        assert isinstance(app.screen, ReopenModal)
        assert "reason is required" in str(app.screen.query_one("#reopen-error").render())
        await pilot.press(*"late scorecard", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PeriodBoardScreen)
        assert app.screen.graded.status == "open"
    with Store.open(company_db, login="admin", create=False) as store:
        assert store.period_status("2026-10") == "open"
        assert [p["reason"] for p in store.periods()] == ["late scorecard"]


async def test_esc_cancels_and_the_period_stays_closed(company_db):
    close_october(company_db)
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R", *"oops", "escape")
        await settle(pilot)
        assert isinstance(app.screen, PeriodBoardScreen) and app.screen.graded.status == "closed"


async def test_a_supervisor_is_never_offered_reopen(company_db):
    close_october(company_db)
    app = board(company_db, login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "reopen_period" not in actions(app)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, PeriodBoardScreen)


async def test_a_month_closed_through_its_quarter_says_which_to_reopen(company_db):
    with Store.open(company_db, login="admin", create=False) as store:
        store.close_period("2026-Q4")
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R", *"fix", "enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, PeriodBoardScreen)
        assert any("reopen 2026-Q4" in n.message for n in app._notifications)


def test_reopen_modal_snapshot(company_db, snap_compare):
    close_october(company_db)

    async def reopen(pilot):
        await settle(pilot)
        await pilot.press("R", "enter")
        await settle(pilot)

    assert snap_compare(board(company_db), terminal_size=(80, 24), run_before=reopen)
