"""The board's keys do only their own work (issue 10: page-down and sort under 50 ms at 100,000):
every graded scheme's orders are made ahead (s and v sort nothing on the screen's thread), v
reads only its previous month (no new look at the whole board), and a cursor move lays the
detail pane out once the cursor rests."""

from __future__ import annotations

from rich.cells import cell_len

import cstui.tui.screens.board as board_module
from cstui.board_grading import SORTS
from cstui.domain import Period
from cstui.tui.screens.board import PeriodBoardScreen
from pilot_support import settle
from screens_support import screen_app


def board(company_db, **kwargs):
    return screen_app(company_db, PeriodBoardScreen, **kwargs)


def all_sorted(screen) -> bool:
    """Every scheme of the period held in every order, for its rows as they are now."""
    for name in screen.schemes:
        kept, version, orders = screen._orders.get(name, (None, None, {}))
        if kept is not screen._kept(screen.ctx.period, name) or version != kept.version:
            return False
        if not set(SORTS) <= set(orders):
            return False
    return True


async def test_every_scheme_is_sorted_ahead_and_s_or_v_sorts_nothing(company_db, monkeypatch):
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        waited = 0.0  # one sort a tick once the board is idle
        while not all_sorted(screen) and waited < 10:
            await pilot.pause(0.05)
            waited += 0.05
        assert all_sorted(screen)
        sorted_now = []
        monkeypatch.setattr(board_module, "sorted_rows", lambda rows, sort, *_: sorted_now.append(sort) or list(rows))
        shown = []
        for _ in range(len(SORTS)):
            await pilot.press("s")
            shown.append([r.employee_id for r in screen.visible_rows()])
        await pilot.press("v", "s")
        await settle(pilot)
        assert sorted_now == []
        assert len({tuple(ids) for ids in shown}) > 1  # the orders differ, all of them made ahead


async def test_v_reads_its_previous_month_and_nothing_else(company_db, monkeypatch):
    looks = []
    real = board_module.board_schemes
    monkeypatch.setattr(board_module, "board_schemes", lambda store: looks.append(1) or real(store))
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert len(looks) == 1
        await pilot.press("v")
        await settle(pilot)
        assert len(looks) == 1  # no new look at the board: its plan and every scheme's check
        prev = Period.parse("2026-09")
        assert list(screen._previous) == [(prev, screen.scheme_name)]
        assert "2026-09 (previous): " in str(screen.query_one("#board-detail").render())
        assert "(previous): …" not in str(screen.query_one("#board-detail").render())


async def test_the_detail_pane_is_laid_out_once_the_cursor_rests(company_db):
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        pane = screen.query_one("#board-detail")
        for _ in range(len(screen.visible_rows()) - 1):
            before = pane.size.height
            await pilot.press("down")
            await pilot.pause()
            text = screen._detail_text
            fits = all(cell_len(line) <= pane.content_region.width for line in text.split("\n"))
            if fits and text.count("\n") + 1 != before:
                break
        else:
            raise AssertionError("no two rows with details of another height")
        assert pane.size.height == before and screen.trace_pending  # painted now, laid out at rest
        await settle(pilot)
        assert pane.size.height == screen._detail_text.count("\n") + 1
        assert not screen.trace_pending
