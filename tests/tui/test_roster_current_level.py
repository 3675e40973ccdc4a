"""The roster's Level column shows the level now: after Apply on the board it follows the
recorded results; with nothing recorded, the starting level or the scheme's entry level."""

from __future__ import annotations

from pilot_support import settle


def level_of(app, employee_id: str) -> str:
    table = app.screen.table
    return next(table.row(i)[5] for i in range(table.count) if table.row(i)[0] == employee_id)


async def test_apply_on_the_board_moves_the_roster_level_by_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert level_of(app, "E001") == "3-star"  # the starting level: nothing recorded yet
        assert level_of(app, "E004") == "probation"  # no starting level: the ladder's first
        await pilot.press("2")
        await settle(pilot)
        board = app.screen
        e001 = next(r for r in board.graded.results if r.employee_id == "E001")
        assert e001.level_after == "4-star"
        await pilot.press("A", "y")
        await settle(pilot)
        await pilot.press("1")  # back on the roster: it reads the page again
        await settle(pilot)
        assert level_of(app, "E001") == "4-star"
        assert level_of(app, "E004") == "probation"


async def test_the_level_is_read_for_the_page_on_screen_only(make_app, monkeypatch):
    from cstui.store import Store

    asked: list[list[str]] = []
    original = Store.latest_levels
    monkeypatch.setattr(Store, "latest_levels", lambda self, ids: asked.append(list(ids)) or original(self, ids))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.reload()
        await settle(pilot)
        assert asked and all(len(ids) <= 100 for ids in asked)
