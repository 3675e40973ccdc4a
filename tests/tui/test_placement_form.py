"""A new hire on the placement scheme goes from the add-employee form to their placement form
(the hire month's card, seed 000 岗位定级标准), which places them: keys only, then snapshots."""

from __future__ import annotations

from cstui.tui.modals.employee_form import EmployeeForm
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle


async def add_hire(pilot) -> None:
    await pilot.press("a")
    for text in ("E950", "林新"):
        await pilot.press(*text, "tab")
    await pilot.press("enter")  # team
    await pilot.pause()
    await pilot.press("down", "enter", "tab", "tab")  # kf2; role stays agent
    await pilot.press(*"2026-10-08", "tab")
    form = pilot.app.screen
    assert isinstance(form, EmployeeForm)
    await pilot.press("enter")  # scheme
    await pilot.pause()
    options = [value for _label, value in form.query_one("#f-scheme")._options]
    await pilot.press(*["down"] * options.index("placement"), "enter")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_new_hire_on_placement_lands_on_their_placement_form(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await add_hire(pilot)
        screen = app.screen
        assert isinstance(screen, ScorecardScreen)
        assert (screen.employee_id, str(screen.month)) == ("E950", "2026-10")  # the hire month
        assert any("placement form" in n.message for n in app._notifications)
        assert app.ctx.store.employee("E950").scheme == "placement"


def test_placement_form(make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=add_hire)


def test_placement_form_in_chinese(make_app, snap_compare):
    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24), run_before=add_hire)
