"""Snapshots of the period board and its confirmations (80×24; 120×40 and 中文 too)."""

from __future__ import annotations

import pytest

from cstui.tui.screens.board import PeriodBoardScreen
from pilot_support import settle
from screens_support import screen_app


def board(company_db, **kwargs):
    return screen_app(company_db, PeriodBoardScreen, **kwargs)


async def idle(pilot):
    await settle(pilot)  # settle waits for the selected row's trace: the pane never shows "reading…"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_board(company_db, snap_compare, size):
    assert snap_compare(board(company_db), terminal_size=size, run_before=idle)


def test_board_in_chinese(company_db, snap_compare):
    assert snap_compare(board(company_db, lang="zh"), terminal_size=(80, 24), run_before=idle)


def test_board_sorted_by_score_and_filtered(company_db, snap_compare):
    async def sort_and_filter(pilot):
        await settle(pilot)
        await pilot.press("s", "slash", *"no review")
        await settle(pilot)

    assert snap_compare(board(company_db), terminal_size=(80, 24), run_before=sort_and_filter)


def test_confirm_apply(company_db, snap_compare):
    async def apply(pilot):
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)

    assert snap_compare(board(company_db), terminal_size=(80, 24), run_before=apply)


def test_confirm_close(company_db, snap_compare):
    async def close(pilot):
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)

    assert snap_compare(board(company_db), terminal_size=(80, 24), run_before=close)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_board_star_levels_with_the_detail_pane_tall(company_db, snap_compare, lang):
    async def star_levels_detail(pilot):
        await settle(pilot)
        await pilot.press("v", "v", "v", "down", "d")
        await settle(pilot)

    assert snap_compare(board(company_db, lang=lang), terminal_size=(80, 24), run_before=star_levels_detail)
