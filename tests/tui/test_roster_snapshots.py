"""Snapshots of the roster and its modals (80×24, the roster also at 120×40 and in 中文)."""

from __future__ import annotations

import pytest

from pilot_support import settle


async def idle(pilot):
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_roster(make_app, snap_compare, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=idle)


def test_roster_filtered(make_app, snap_compare):
    async def filter_chinese_team(pilot):
        await pilot.press("slash", *"客服")
        await settle(pilot, 0.3)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=filter_chinese_team)


def test_roster_in_chinese(make_app, snap_compare):
    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24), run_before=idle)


def test_roster_sorted_by_name_descending(make_app, snap_compare):
    async def sort(pilot):
        await pilot.press("s", "S")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=sort)


def test_roster_sorted_by_level(make_app, snap_compare):
    async def sort(pilot):
        await pilot.press(*"s" * 5)  # id → name → team → role → scheme → level
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=sort)


def test_roster_sorted_by_level_in_chinese(make_app, snap_compare):
    async def sort(pilot):
        await pilot.press(*"s" * 5)
        await settle(pilot)

    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24), run_before=sort)


def test_employee_form_with_validation_errors(make_app, snap_compare):
    async def add_badly(pilot):
        await pilot.press("a", *"E 9", "tab", *"新员工")
        form = pilot.app.screen
        form.query_one("#f-hire_date").value = "2026/02/01"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=add_badly)


def test_employee_form_edit_in_chinese(make_app, snap_compare):
    async def edit(pilot):
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24), run_before=edit)


def test_import_modal_with_errors(make_app, snap_compare, tmp_path, monkeypatch):
    (tmp_path / "roster.csv").write_text(
        "employee_id,name,team,role,hire_date,scheme\n"
        "E500,新人,kf2,agent,2026-02-30,star-levels\n"
        "E501,,kf2,boss,2026-01-01,star-levels\n"
        "E502,王五,kf2,agent,2026-01-01,no-such-scheme\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # a relative path: the errors name "roster.csv:ROW:COLUMN"

    async def import_bad(pilot):
        await pilot.press("i", *"roster.csv", "enter")
        await settle(pilot)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=import_bad)
