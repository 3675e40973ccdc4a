"""Snapshots of the employee history and the manual override modal."""

from __future__ import annotations

from cstui.tui.screens.history import HistoryScreen
from pilot_support import settle
from screens_support import screen_app


def history(company_db, employee_id, **kwargs):
    return screen_app(company_db, lambda ctx: HistoryScreen(ctx, employee_id), **kwargs)


async def idle(pilot):
    await settle(pilot)


def test_history(company_db, snap_compare):
    assert snap_compare(history(company_db, "E001"), terminal_size=(80, 24), run_before=idle)


def test_history_in_chinese(company_db, snap_compare):
    assert snap_compare(history(company_db, "E101", lang="zh"), terminal_size=(80, 24), run_before=idle)


def test_override_modal(company_db, snap_compare):
    async def override(pilot):
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)

    assert snap_compare(history(company_db, "E001"), terminal_size=(80, 24), run_before=override)


def test_override_picker_open_lists_each_label_once(company_db, snap_compare):
    async def pick(pilot):
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        pilot.app.screen.query_one("#override-level").focus()
        await pilot.press("enter")  # the level list opens
        await settle(pilot)

    assert snap_compare(history(company_db, "E203"), terminal_size=(80, 24), run_before=pick)
