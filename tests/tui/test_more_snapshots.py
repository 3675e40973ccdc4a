"""Snapshots issue 10 asks for that no other file takes (80×24, seeded company, frozen clock),
each in English and 中文: the deactivate confirmation, a blank add-employee form, the command
palette, a quarterly board, filled five-tier and ecommerce-kpi scorecards, an assistant-class
history."""

from __future__ import annotations

import pytest

from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.history import HistoryScreen
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from screens_support import screen_app

LANGS = pytest.mark.parametrize("lang", ["en", "zh"])
SIZE = (80, 24)


async def idle(pilot):
    await settle(pilot)


def pressing(*keys: str, delay: float = 0.0):
    """A run_before that settles, presses ``keys`` and settles again (``delay``: let an
    opening animation or debounce finish)."""

    async def run(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot, delay)

    return run


@LANGS
def test_deactivate_confirm(make_app, snap_compare, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=pressing("d"))


@LANGS
def test_blank_add_employee_form(make_app, snap_compare, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=pressing("a"))


@pytest.mark.parametrize("lang, query", [("en", "hist"), ("zh", "考核")], ids=["en", "zh"])
def test_command_palette(make_app, snap_compare, lang, query):
    # a query: the unfiltered list's order depends on which command provider answers first
    keys = ("ctrl+p", *query)
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=pressing(*keys, delay=0.5))


@LANGS
def test_quarterly_board(company_db, snap_compare, lang):
    app = screen_app(company_db, PeriodBoardScreen, lang=lang, period="2026-Q3")
    assert snap_compare(app, terminal_size=SIZE, run_before=idle)


@LANGS
@pytest.mark.parametrize("employee_id", ["E101", "E201"], ids=["five-tier", "ecommerce-kpi"])
def test_filled_scorecard(company_db, snap_compare, lang, employee_id):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, employee_id), lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=idle)


@LANGS
def test_assistant_class_history(company_db, snap_compare, lang):
    app = screen_app(company_db, lambda ctx: HistoryScreen(ctx, "E002"), lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=idle)
