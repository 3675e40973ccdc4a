"""The board at 80 columns: every column on screen, flags as a count, the selected row in
full in the detail pane; at 120 columns the Team column, the previous level and the full flags
are back."""

from __future__ import annotations

from datetime import date

import pytest
from rich.cells import cell_len

from cstui.domain import Incident
from cstui.store import Store
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.widgets.virtual_table import VirtualTable
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


def column_keys(table: VirtualTable) -> list[str]:
    return [c.key for c in table.columns]


def painted(table: VirtualTable, index: int) -> str:
    """Row ``index`` as the table paints it (row 0 of the widget is the header)."""
    return table.render_line(index + 1 - int(table.scroll_y)).text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_at_80_columns_the_table_fits_and_the_detail_pane_has_the_flags(flagged_db, lang):
    app = board(flagged_db, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(VirtualTable)
        assert "team" not in column_keys(table) and {"flags", "prev"} <= set(column_keys(table))
        assert table.virtual_size.width <= table.scrollable_content_region.width
        flagged = [i for i, r in enumerate(screen.visible_rows()) if r.flags]
        assert flagged, "the seeded company has a flagged row"
        row = screen.visible_rows()[flagged[0]]
        await pilot.press(*["down"] * flagged[0])
        await settle(pilot)
        assert painted(table, flagged[0]).rstrip().endswith(str(len(row.flags)))
        detail = str(screen.query_one("#board-detail").render())
        assert detail.startswith(f"{row.employee_id} {row.name} · ")
        assert all(screen.ctx.show(flag, row.scheme) in detail for flag in row.flags)  # whole, in the language


async def test_at_120_columns_team_previous_level_and_full_flags_are_shown(flagged_db):
    app = board(flagged_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(VirtualTable)
        assert column_keys(table)[:2] == ["employee", "team"]
        row = next(r for r in screen.visible_rows() if r.flags)
        line = painted(table, screen.visible_rows().index(row))
        assert ", ".join(row.flags)[:20] in line
        assert "80 class-3" in painted(table, 0)  # E103's 2026-09 score and level
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert "team" not in column_keys(table)
        assert all(cell_len(painted(table, i)) <= table.size.width for i in range(len(screen.visible_rows())))
