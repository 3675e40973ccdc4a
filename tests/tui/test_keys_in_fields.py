"""Keys do what the footer says: the app's printable keys (1 2 3 [ ] ?) type into a focused
text field and are then not claimed by the footer, help or palette (F1 opens help there);
1 2 3 always open the Roster, Board and Schemes themselves."""

from __future__ import annotations

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from cstui.tui.commands import binding_rows
from cstui.tui.widgets.footer import KeysFooter
from pilot_support import settle


def footer_actions(app) -> set[str]:
    return {key.action for key in app.screen.query_one(KeysFooter).query(FooterKey)}


async def test_printable_app_keys_type_into_the_roster_filter(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        period = app.ctx.period
        await pilot.press("slash", "question_mark", "1", "left_square_bracket", "right_square_bracket", "2")
        await settle(pilot, 0.3)
        field = app.screen.query_one("#roster-filter", Input)
        assert field.value == "?1[]2"
        assert type(app.screen).__name__ == "RosterScreen" and app.ctx.period == period
        actions = footer_actions(app)
        assert "help" not in actions and "help_anywhere" in actions
        assert not {a for a in actions if a.startswith(("goto", "period"))}
        listed = {row.action for row in binding_rows(app.screen)}
        assert "help" not in listed and not {a for a in listed if a.startswith(("goto", "period"))}
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"


async def test_brackets_and_digits_type_into_scorecard_fields(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        period = app.ctx.period
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ScorecardScreen"
        field = app.focused
        assert isinstance(field, Input)
        before = field.value
        await pilot.press("end", "left_square_bracket", "2", "right_square_bracket")
        await settle(pilot)
        assert field.value == before + "[2]"
        assert app.ctx.period == period and type(app.screen).__name__ == "ScorecardScreen"


async def test_off_a_field_the_app_keys_work_and_are_listed(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        actions = footer_actions(app)
        assert "help" in actions and "help_anywhere" not in actions
        assert "goto('board')" in actions
        await pilot.press("question_mark")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"


async def test_one_on_the_board_opens_the_roster_not_a_history_left_open(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")  # a history on the roster's stack
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("h")  # and one on the board's
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert type(app.screen).__name__ == "RosterScreen"
        await pilot.press("2")
        await settle(pilot)
        assert type(app.screen).__name__ == "PeriodBoardScreen"
        await pilot.press("3", "1")
        await settle(pilot)
        assert type(app.screen).__name__ == "RosterScreen"


async def test_help_and_palette_list_the_same_keys_as_the_footer(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in ((), ("2",), ("3",)):
            await pilot.press(*keys)
            await settle(pilot)
            listed = {row.action for row in binding_rows(app.screen) if row.enabled}
            assert footer_actions(app) <= listed | {"help"}
