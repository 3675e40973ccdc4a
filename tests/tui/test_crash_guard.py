"""An unexpected error in the TUI: one toast naming the log, the app and the typing intact,
the details in a 0600 log without local variables, nothing on the terminal."""

from __future__ import annotations

import stat

import pytest
from textual.widgets import Input

from cstui.store import StoreError
from cstui.tui import crashlog
from cstui.tui.screens.roster import RosterScreen
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle

SECRET = "Zed Secretworth 秘密"  # stands for another employee's data inside an exception


def toasts(app) -> list[str]:
    return [n.message for n in app._notifications]


def assert_reported(app, crash_log, capsys, *expected_in_log: str) -> None:
    assert app.is_running
    shown = toasts(app)
    assert any("Something went wrong" in m and str(crash_log) in m for m in shown), shown
    assert not any(SECRET in m for m in shown)
    text = crash_log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and SECRET in text
    for part in expected_in_log:
        assert part in text
    assert stat.S_IMODE(crash_log.stat().st_mode) == 0o600
    assert stat.S_IMODE(crash_log.parent.stat().st_mode) == 0o700
    seen = capsys.readouterr()
    assert SECRET not in seen.out + seen.err and "Traceback" not in seen.out + seen.err


async def open_scorecard_and_type(pilot, text: str) -> tuple[ScorecardScreen, Input]:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ScorecardScreen)
    field = screen.query(Input).first()
    field.focus()
    await pilot.press("ctrl+u", *text)
    await settle(pilot)
    assert field.value == text
    return screen, field


async def test_an_action_that_fails_keeps_the_screen_and_the_typing(make_app, crash_log, capsys):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, field = await open_scorecard_and_type(pilot, "61234")

        def save():
            raise RuntimeError(f"cannot grade {SECRET}")

        screen.save = save
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and field.value == "61234" and screen.dirty
        assert_reported(app, crash_log, capsys, "RuntimeError", "action save on ScorecardScreen", "in save")
        await pilot.press("5")  # still typing into the same field
        assert field.value == "612345"


async def test_a_message_handler_that_fails_leaves_the_screen_handling_messages(
    make_app, crash_log, capsys, monkeypatch
):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, field = await open_scorecard_and_type(pilot, "1")
        original = ScorecardScreen.on_input_changed
        calls = []

        def on_input_changed(self, event):
            calls.append(event.value)
            if len(calls) == 1:
                raise KeyError(SECRET)
            original(self, event)

        monkeypatch.setattr(ScorecardScreen, "on_input_changed", on_input_changed)
        await pilot.press("2")
        await settle(pilot)
        assert_reported(app, crash_log, capsys, "KeyError", "message handler")
        await pilot.press("3")  # the screen's message loop goes on: the next change is handled
        await settle(pilot)
        assert calls == ["12", "123"] and field.value == "123" and app.screen is screen


async def test_a_failing_worker_or_timer_is_reported_and_the_app_goes_on(make_app, crash_log, capsys):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        roster = app.screen

        async def grade():
            raise ValueError(f"bad card of {SECRET}")

        roster.run_worker(grade, exit_on_error=True)
        await pilot.pause(0.1)  # not settle: waiting for a failed worker raises in the test itself
        assert_reported(app, crash_log, capsys, "ValueError", "worker")

        def tick():
            raise ZeroDivisionError(SECRET)

        app.set_timer(0.01, tick)
        await settle(pilot, 0.1)
        assert "ZeroDivisionError" in crash_log.read_text(encoding="utf-8")
        assert app.is_running and app.screen is roster
        await pilot.press("2")  # keys still work
        assert type(app.screen).__name__ == "PeriodBoardScreen"


async def test_an_expected_error_in_a_worker_is_a_plain_toast_and_no_log(make_app, crash_log):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        async def save():
            raise StoreError("employee E001 was changed by sup1")

        app.screen.run_worker(save, exit_on_error=True)
        await pilot.pause(0.1)
        assert app.is_running
        assert "employee E001 was changed by sup1" in toasts(app)
        assert not crash_log.exists()


async def test_a_log_that_cannot_be_written_is_said_so(make_app, tmp_path, monkeypatch, crash_log):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("CSTUI_LOG_DIR", str(blocker))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def boom():
            raise RuntimeError(SECRET)

        app.screen.action_sort = boom
        await pilot.press("s")
        await settle(pilot)
        assert app.is_running
        [message] = [m for m in toasts(app) if "Something went wrong" in m]
        assert "RuntimeError" in message and "could not be written" in message and SECRET not in message


@pytest.mark.parametrize("method", ["compose", "on_mount"])
async def test_an_error_before_the_first_screen_stops_the_app_with_exit_1(
    make_app, crash_log, capsys, monkeypatch, method
):
    def fail(self):
        raise RuntimeError(f"roster of {SECRET}")

    monkeypatch.setattr(RosterScreen, method, fail)
    app = make_app()
    with pytest.raises(RuntimeError):  # Pilot re-raises the error that stopped the app, as Textual does
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
    assert app.return_code == 1 and app.crash_log == crash_log
    assert SECRET in crash_log.read_text(encoding="utf-8")
    line = app.closing_line()
    assert str(crash_log) in line and SECRET not in line
    seen = capsys.readouterr()
    assert SECRET not in seen.out + seen.err


def test_run_stops_with_one_line_and_exit_1_when_textual_fails(company_db, crash_log, capsys, monkeypatch):
    from cstui.tui.app import CstuiApp, run

    def fail(self, **kwargs):
        raise OSError(f"no terminal for {SECRET}")

    monkeypatch.setattr(CstuiApp, "run", fail)
    with pytest.raises(SystemExit) as stopped:
        run(company_db, login="admin")
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"cstui: stopped by an unexpected error; details were written to {crash_log}"]
    assert SECRET in crash_log.read_text(encoding="utf-8")


def test_the_log_has_no_local_variables_and_stays_small(crash_log, monkeypatch):
    monkeypatch.setattr(crashlog, "MAX_BYTES", 4000)

    def grade(card_of_someone_else):
        total = card_of_someone_else["salary"] * 2  # noqa: F841 (a local the log must not show)
        raise RuntimeError("grading failed")

    for _ in range(40):
        try:
            grade({"salary": "-".join(["SALARY", "OF", "42"])})  # never in a source line
        except RuntimeError as error:
            path = crashlog.write_error(error, "test")
    text = path.read_text(encoding="utf-8")
    assert "RuntimeError: grading failed" in text and "SALARY-OF" not in text
    assert path == crash_log and path.stat().st_size <= 4000
    assert path.with_name("errors.log.1").exists()


def test_an_existing_log_is_made_private(crash_log):
    path = crash_log
    path.parent.mkdir(parents=True)
    path.write_text("old\n")
    path.chmod(0o644)
    try:
        raise RuntimeError("x")
    except RuntimeError as error:
        crashlog.write_error(error, "test")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("old\n")


async def test_the_message_is_in_the_users_language(make_app, crash_log):
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def boom():
            raise RuntimeError(SECRET)

        app.screen.action_sort = boom
        await pilot.press("s")
        await settle(pilot)
        assert any(m.startswith("出错了") and str(crash_log) in m for m in toasts(app))


async def test_a_screen_that_fails_to_open_leaves_the_others_usable(make_app, crash_log, monkeypatch):
    from cstui.tui.screens.board import PeriodBoardScreen

    def compose(self):
        raise RuntimeError(f"board of {SECRET}")

    monkeypatch.setattr(PeriodBoardScreen, "compose", compose)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.is_running and "board of" in crash_log.read_text(encoding="utf-8")
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        logged = crash_log.read_text(encoding="utf-8")
        await pilot.press("s")  # the roster still takes keys, without a new error
        await settle(pilot)
        assert crash_log.read_text(encoding="utf-8") == logged
