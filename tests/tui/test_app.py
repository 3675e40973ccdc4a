"""The application shell: modes, period switching, help, command palette, errors as toasts."""

from __future__ import annotations

import sqlite3

import pytest

from cstui.domain import Period
from cstui.store import StoreError


async def test_starts_on_the_roster_with_the_default_period(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "RosterScreen"
        assert app.ctx.period == Period.parse("2026-10")  # CSTUI_TODAY 2026-11-15 → previous month
        assert "2026-10" in app.sub_title and "admin" in app.sub_title


async def test_the_screens_opened_from_a_row_are_imported_after_start_up(make_app, monkeypatch):
    """A second after the first screen is up, a thread imports the history's and scorecard's
    modules (plotext and the rest: most of a first history's opening) and builds the company's
    schemes, then sets ``warmed``."""
    import asyncio

    import cstui.tui.app as app_module

    imported: list[str] = []
    monkeypatch.setattr(app_module, "WARM_AFTER_S", 0.01)
    monkeypatch.setattr(app_module, "screen_class", imported.append)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert await asyncio.to_thread(app.warmed.wait, 10)
        assert imported == ["history", "scorecard"]
        schemes = set(app.ctx.store.roster_schemes())
        assert len(schemes) >= 2 and schemes <= set(app.ctx._schemes)  # built, kept by the context
        assert app.stylesheet.has_source(str(app_module.SCREENS_CSS), "")  # the screens' stylesheet read
        assert type(app.screen).__name__ == "RosterScreen"


async def test_an_app_ending_during_the_warm_up_leaves_no_thread_traceback(make_app, monkeypatch):
    """The warm-up thread hands the stylesheet to the UI thread; when the app has ended meanwhile
    Textual cancels that call (CancelledError, not RuntimeError): nothing may escape the thread,
    whose traceback Python would print on the terminal the TUI has just given back."""
    import asyncio
    import threading
    from concurrent.futures import CancelledError

    import cstui.tui.app as app_module

    escaped = []
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    monkeypatch.setattr(app_module, "WARM_AFTER_S", 0.01)
    app = make_app()

    def ended(callback, *args, **kwargs):
        raise CancelledError()

    monkeypatch.setattr(app, "call_from_thread", ended)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert await asyncio.to_thread(app.warmed.wait, 10)
    await asyncio.sleep(0.05)  # the thread's end, excepthook included
    assert escaped == []


async def test_a_screen_pushed_after_the_warm_up_reads_no_stylesheet_again(make_app, monkeypatch):
    """The screens' stylesheet is read once, at the warm-up, under the key Textual's first push
    of a screen would read it by: that push then parses nothing."""
    import asyncio

    import cstui.tui.app as app_module
    from cstui.tui.navigation import make_screen

    monkeypatch.setattr(app_module, "WARM_AFTER_S", 0.01)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert await asyncio.to_thread(app.warmed.wait, 10)
        reads = []
        real = app.stylesheet.read
        monkeypatch.setattr(app.stylesheet, "read", lambda path: reads.append(path) or real(path))
        app.push_screen(make_screen(app.ctx, "history", "E001"))
        await pilot.pause()
        assert type(app.screen).__name__ == "HistoryScreen"
        assert reads == []


async def test_number_keys_switch_screens_and_keep_their_state(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        assert type(app.screen).__name__ == "SchemesScreen"
        await pilot.press("2")
        assert type(app.screen).__name__ == "PeriodBoardScreen"
        await pilot.press("1")
        assert type(app.screen).__name__ == "RosterScreen"


async def test_brackets_move_the_period_and_tell_the_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        seen = []
        app.screen.on_period_changed = lambda: seen.append(app.ctx.period)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert app.ctx.period == Period.parse("2026-08")
        await pilot.press("right_square_bracket")
        assert app.ctx.period == Period.parse("2026-09")
        assert seen == [Period.parse("2026-09"), Period.parse("2026-08"), Period.parse("2026-09")]
        assert "2026-09" in app.sub_title


async def test_a_background_screen_catches_up_with_the_period_when_shown(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        schemes = app.screen
        seen = []
        schemes.on_period_changed = lambda: seen.append(app.ctx.period)
        await pilot.press("1", "right_square_bracket", "3")
        await pilot.pause()
        assert seen == [Period.parse("2026-11")]


async def test_help_lists_screen_and_app_keys(make_app):
    from cstui.tui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        descriptions = [row.description for row in app.screen.rows]
        for wanted in ("Filter", "Sort", "Add", "Edit", "Import", "Roster", "Schemes", "Prev period", "Help"):
            assert wanted in descriptions
        await pilot.press("escape")
        assert type(app.screen).__name__ == "RosterScreen"


async def test_help_is_translated(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        descriptions = [row.description for row in app.screen.rows]
        assert "筛选" in descriptions and "花名册" in descriptions and "Filter" not in descriptions


async def test_command_palette_offers_screen_and_app_actions(make_app):
    from cstui.tui.commands import ActionsProvider

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        provider = ActionsProvider(app.screen)
        texts = [text for text, _run in provider._commands()]
        assert any(text.startswith("Add") for text in texts)
        assert any(text.startswith("Schemes") for text in texts)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"schemes")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "SchemesScreen"


@pytest.mark.parametrize(
    "error",
    [StoreError("employee E001 was changed by sup1"), sqlite3.OperationalError("database is locked")],
)
async def test_a_failing_action_becomes_a_notification(make_app, error):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:

        def boom():
            raise error

        app.screen.action_sort = boom
        await pilot.press("s")
        await pilot.pause()
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any(str(error) in m for m in messages)


def test_run_refuses_a_login_without_a_role(company_db, capsys):
    from cstui.tui.app import run

    with pytest.raises(SystemExit) as exit_info:
        run(company_db, login="nobody")
    assert exit_info.value.code == 4
    err = capsys.readouterr().err
    assert "nobody" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
