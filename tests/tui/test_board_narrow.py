"""The board at 80 columns: every column on screen, flags as a count, the selected row in
full on the detail line; at 120 columns the Team column and the full flags are back."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable

from cstui.domain import Incident
from cstui.store import Store
from cstui.tui.screens.board import PeriodBoardScreen
from pilot_support import settle
from screens_support import screen_app


def board(company_db, **kwargs):
    return screen_app(company_db, PeriodBoardScreen, **kwargs)


@pytest.fixture
def flagged_db(company_db):
    """The seeded company with a dismissal-review incident for E002 in 2026-10 (a flag)."""
    with Store.open(company_db, login="admin", create=False) as store:
        store.add_incident(Incident("E002", date(2026, 10, 9), "sleeping-on-duty", note="值班睡觉"))
    return company_db


def column_keys(table: DataTable) -> list[str]:
    return [key.value for key in table.columns]


async def test_at_80_columns_the_table_fits_and_the_detail_line_has_the_flags(flagged_db):
    app = board(flagged_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        assert "team" not in column_keys(table) and "flags" in column_keys(table)
        assert table.virtual_size.width <= table.size.width
        flagged = [i for i, r in enumerate(screen.visible_rows()) if r.flags]
        assert flagged, "the seeded company has a flagged row"
        row = screen.visible_rows()[flagged[0]]
        await pilot.press(*["down"] * flagged[0])
        await settle(pilot)
        assert table.get_cell_at((flagged[0], column_keys(table).index("flags"))) == f"⚑{len(row.flags)}"
        detail = str(screen.query_one("#board-detail").render())
        assert detail.startswith(f"{row.employee_id} {row.name} · {row.team}")
        assert row.flags[0][:20] in detail


async def test_at_120_columns_team_and_full_flags_are_shown(flagged_db):
    app = board(flagged_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        assert column_keys(table)[:2] == ["employee", "team"]
        row = next(r for r in screen.visible_rows() if r.flags)
        index = screen.visible_rows().index(row)
        assert table.get_cell_at((index, column_keys(table).index("flags"))) == ", ".join(row.flags)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert "team" not in column_keys(table) and table.row_count == len(screen.visible_rows())
