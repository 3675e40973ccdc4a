"""One level now (cstui.levels) on every screen: the roster, the board (its level after the
period's decision) and the history header agree, before and after Apply and after an
override recorded after the last result; the roster sorts by it in ladder order."""

from __future__ import annotations

import pytest

from pilot_support import settle


def level_of(app, employee_id: str) -> str:
    table = app.screen.table
    return next(table.row(i)[5] for i in range(table.count) if table.row(i)[0] == employee_id)


def board_level(app, employee_id: str) -> str:
    return next(r.level_after for r in app.screen.graded.rows if r.employee_id == employee_id)


async def history_level(app, pilot, employee_id: str) -> str:
    from cstui.tui.screens.history import HistoryScreen

    app.push_screen(HistoryScreen(app.ctx, employee_id))
    await settle(pilot)
    level = app.screen.current_level()
    label = app.ctx.level_label(app.screen.employee.scheme, level, full=True)
    assert f"now {label}" in str(app.screen.query_one("#hist-head").render())
    await pilot.press("escape")
    await settle(pilot)
    return level


@pytest.fixture(scope="module")
def _demo_template(tmp_path_factory):
    from cstui.demo import build_demo
    from cstui.domain import Period

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, end=Period.parse("2026-10"), login="admin")
    return path


@pytest.fixture
def demo_app(_demo_template, tmp_path, make_app_at):
    import shutil

    path = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, path)
    return lambda: make_app_at(path)


async def test_the_demos_people_show_one_level_on_roster_board_and_history(demo_app):
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        roster = {i: level_of(app, i) for i in ("E0001", "E0007", "E0019")}
        assert roster == {"E0001": "5-star", "E0007": "3-star", "E0019": "intermediate"}
        await pilot.press("2")
        await settle(pilot)
        assert {i: board_level(app, i) for i in roster} == roster
        for employee_id, level in roster.items():
            assert await history_level(app, pilot, employee_id) == level


async def test_apply_keeps_roster_and_board_agreeing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert level_of(app, "E001") == "4-star"  # replayed (the starting level is 3-star)
        assert level_of(app, "E004") == "probation"  # hired later: the ladder's first
        await pilot.press("2")
        await settle(pilot)
        e001 = next(r for r in app.screen.graded.results if r.employee_id == "E001")
        assert e001.level_after == "4-star" == board_level(app, "E001")
        await pilot.press("A", "y")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert level_of(app, "E001") == "4-star"  # now from the recorded result
        assert await history_level(app, pilot, "E001") == "4-star"


async def test_an_override_after_the_last_result_shows_on_every_screen(make_app):
    from cstui.domain import Override, Period

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("A", "y")  # results recorded for 2026-10
        await settle(pilot)
        app.ctx.store.add_override(Override("E001", Period.parse("2026-10"), "5-star", "placed by hand", "admin"))
        await pilot.press("r")
        await settle(pilot)
        assert board_level(app, "E001") == "5-star"
        await pilot.press("1")
        await settle(pilot)
        assert level_of(app, "E001") == "5-star"
        assert await history_level(app, pilot, "E001") == "5-star"


async def test_sort_by_level_follows_the_ladder(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        while app.screen.table.sort_key != "level":
            await pilot.press("s")
            await settle(pilot)
        table = app.screen.table
        rows = [table.row(i) for i in range(table.count)]
        for scheme_name in {row[4] for row in rows if row[4]}:
            ladder = app.ctx.scheme(scheme_name).level_keys
            shown = [ladder.index(row[5]) for row in rows if row[4] == scheme_name]
            assert shown == sorted(shown), scheme_name
        assert [row[4] for row in rows] == sorted(row[4] for row in rows)


async def test_the_level_is_read_for_the_page_on_screen_only(make_app, monkeypatch):
    from cstui.store import Store

    asked: list[list[str]] = []
    original = Store.recorded_levels
    monkeypatch.setattr(
        Store, "recorded_levels", lambda self, periods, ids=None: asked.append(ids) or original(self, periods, ids)
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.reload()
        await settle(pilot)
        assert asked and all(ids is not None and len(ids) <= 100 for ids in asked)
