"""Snapshots of the scorecard screen and its modals (80×24; 120×40 and 中文 too)."""

from __future__ import annotations

import pytest

from cstui.store import Store
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from screens_support import screen_app


def scorecard(company_db, employee_id, **kwargs):
    return screen_app(company_db, lambda ctx: ScorecardScreen(ctx, employee_id), **kwargs)


async def idle(pilot):
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_filled_star_levels(company_db, snap_compare, size):
    assert snap_compare(scorecard(company_db, "E001"), terminal_size=size, run_before=idle)


def test_filled_in_chinese(company_db, snap_compare):
    assert snap_compare(scorecard(company_db, "E002", lang="zh"), terminal_size=(80, 24), run_before=idle)


def test_empty_month(company_db, snap_compare):
    assert snap_compare(scorecard(company_db, "E101", period="2026-11"), terminal_size=(80, 24), run_before=idle)


def test_validation_error_beside_the_field(company_db, snap_compare):
    async def type_bad_rate(pilot):
        await settle(pilot)
        await pilot.press("ctrl+u", "6", "2")  # a rate typed as 62: an error, not 6200%
        await settle(pilot)

    app = scorecard(company_db, "E101")
    assert snap_compare(app, terminal_size=(80, 24), run_before=type_bad_rate)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_with_incidents(company_db, snap_compare, size):
    assert snap_compare(scorecard(company_db, "E003"), terminal_size=size, run_before=idle)


def test_with_incidents_in_chinese(company_db, snap_compare):
    """Each incident by its catalogue's 中文 label (cut with … to fit), not its code."""
    assert snap_compare(scorecard(company_db, "E003", lang="zh"), terminal_size=(80, 24), run_before=idle)


def test_incident_picker_searches_as_you_type(company_db, snap_compare):
    async def pick(pilot):
        await settle(pilot)
        await pilot.press("ctrl+n", *"late")
        await settle(pilot)

    assert snap_compare(scorecard(company_db, "E002"), terminal_size=(80, 24), run_before=pick)


def test_incident_picker_in_chinese(company_db, snap_compare):
    async def pick(pilot):
        await settle(pilot)
        await pilot.press("ctrl+n", *"desk", "enter")
        await settle(pilot)

    assert snap_compare(scorecard(company_db, "E002", lang="zh"), terminal_size=(80, 24), run_before=pick)


def test_unsaved_modal(company_db, snap_compare):
    async def leave(pilot):
        await settle(pilot)
        await pilot.press("ctrl+u", *"90000", "escape")
        await settle(pilot)

    assert snap_compare(scorecard(company_db, "E001"), terminal_size=(80, 24), run_before=leave)


def test_conflict_modal_compares_side_by_side(company_db, snap_compare, monkeypatch):
    import cstui.store.cards as cards

    monkeypatch.setattr(cards, "now", lambda: "2026-11-15T09:30:00")  # the "when" on screen

    async def collide(pilot):
        await settle(pilot)
        with Store.open(company_db, login="sup1", create=False) as other:
            card = other.scorecard("E001", "2026-10")
            other.save_scorecard("E001", "2026-10", card.values | {"sales_actual": "70000"}, card.version)
        await pilot.press("tab", "ctrl+u", *"99999", "ctrl+s")  # the same field: a clash, asked
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(scorecard(company_db, "E001"), terminal_size=(80, 24), run_before=collide)


def test_closed_period_is_read_only(company_db, snap_compare):
    with Store.open(company_db, login="admin", create=False) as store:
        store.close_period("2026-10")
    assert snap_compare(scorecard(company_db, "E001"), terminal_size=(80, 24), run_before=idle)


def test_viewer_cannot_edit(company_db, snap_compare):
    assert snap_compare(scorecard(company_db, "E101", login="viewer"), terminal_size=(80, 24), run_before=idle)
