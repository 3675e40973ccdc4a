"""At 80×24 the footer shows the keys that matter without running off the edge, and the
help modal lists cstui's own keys only."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from cstui.tui.widgets.footer import KeysFooter
from pilot_support import settle


def footer_keys(app) -> list[FooterKey]:
    return list(app.screen.query_one(KeysFooter).query(FooterKey))


def assert_fits(app, width: int = 80) -> None:
    keys = footer_keys(app)
    assert keys, "the footer shows no key"
    for key in keys:
        assert key.region.right <= width, f"{key.key} ({key.description}) ends at column {key.region.right}"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("keys", "screen", "app_keys"),
    [
        ((), "RosterScreen", True),
        (("2",), "PeriodBoardScreen", False),
        (("3",), "SchemesScreen", True),
        (("enter",), "ScorecardScreen", False),
        (("h",), "HistoryScreen", False),
    ],
)
async def test_every_screen_footer_fits_80_columns(make_app, lang, keys, screen, app_keys):
    app = make_app(lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert type(app.screen).__name__ == screen
        if screen == "ScorecardScreen":
            app.screen.set_focus(None)  # a focused text field takes "?" and the number keys
            await settle(pilot)
        assert_fits(app)
        actions = {key.action for key in footer_keys(app)}
        assert "help" in actions
        assert ("goto('board')" in actions) is app_keys
        assert ("period(-1)" in actions) is app_keys


async def test_the_board_footer_keeps_apply_and_close_in_view(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        actions = {key.action for key in footer_keys(app)}
        assert {"history", "sort", "filter", "team", "apply", "close_period", "help"} <= actions
        assert_fits(app)


async def test_app_keys_stay_reachable_where_the_footer_hides_them(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("3")
        assert type(app.screen).__name__ == "SchemesScreen"


async def test_f1_opens_help_where_a_text_field_takes_question_marks(make_app):
    from cstui.tui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "question_mark")
        assert app.screen.query_one("#roster-filter").value == "?"
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert type(app.screen).__name__ == "RosterScreen"


@pytest.mark.parametrize("keys", [(), ("2",), ("3",), ("h",)])
async def test_help_leaves_out_textual_keys(make_app, keys):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await settle(pilot)
        await pilot.press("question_mark")
        rows = app.screen.rows
        actions = {row.action for row in rows}
        descriptions = {row.description for row in rows}
        assert "Copy selected text" not in descriptions
        assert not actions & {"screen.copy_text", "command_palette", "app.focus_next", "app.focus_previous"}
        assert "help" in actions
