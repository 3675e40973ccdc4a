"""A worker's answer that comes back after its screen is gone is dropped, never a crash.

Workers read in threads (a team's traces, the roster's rows) and hand their answers to the
app's loop. The user may quit while a read is on its way: the screen's widgets are removed,
then its workers cancelled, and an answer arriving between the two found no widgets to show it
in (a crash logged, CI saw it once). Each test holds a worker's read on an event, quits, and
lets the read go as the screen is unmounted (its widgets gone, its workers not yet cancelled),
waiting there until the thread has handed its answer over. The autouse fixture fails a test
whose app logged an unexpected error.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.roster import RosterScreen
from cstui.tui.threads import answer, on_screen

HELD_FOR_S = 10.0  # bounds a hang only: each read is let go long before


async def until(event: threading.Event, pause) -> bool:
    for _ in range(int(HELD_FOR_S / 0.05)):
        if event.is_set():
            return True
        await pause(0.05)
    return event.is_set()


class HeldRead:
    """``cls.read`` made to wait, in a worker's thread (the UI thread's calls go through), until
    ``cls`` is unmounted; what that thread's answer met is kept in ``answers``."""

    def __init__(self, monkeypatch, cls: type, read: str):
        self.started, self.go, self.answered = threading.Event(), threading.Event(), threading.Event()
        self.thread: int | None = None
        self.answers: list = []
        self.shown_after_unmount: list[bool] = []
        original = getattr(cls, read)

        def held(screen, *args, **kwargs):
            if threading.current_thread() is threading.main_thread():
                return original(screen, *args, **kwargs)
            self.thread = threading.get_ident()
            self.started.set()
            self.go.wait(HELD_FOR_S)
            return original(screen, *args, **kwargs)

        async def on_unmount(screen) -> None:  # the widgets are gone; the workers are not cancelled yet
            self.shown_after_unmount.append(on_screen(screen))
            if self.started.is_set():
                self.go.set()
                await until(self.answered, asyncio.sleep)

        monkeypatch.setattr(cls, read, held)
        monkeypatch.setattr(cls, "on_unmount", on_unmount, raising=False)

    def watch(self, app) -> None:
        hand_over = app.call_from_thread

        def handing_over(callback, *args, **kwargs):
            if threading.get_ident() != self.thread:
                return hand_over(callback, *args, **kwargs)
            try:
                return hand_over(callback, *args, **kwargs)
            except BaseException as error:
                self.answers.append(error)
                raise
            finally:
                self.answered.set()

        app.call_from_thread = handing_over


@pytest.mark.parametrize(
    ("cls", "read", "keys"),
    [
        # the cursor rests on the board: the team's traces are read; back to the roster, quit
        (PeriodBoardScreen, "_team_traces", ["2", "1"]),
        (RosterScreen, "_fetcher", ["s"]),  # sorted again: the rows are read again; quit
    ],
    ids=["board-traces", "roster-rows"],
)
async def test_an_answer_back_as_the_app_quits_is_dropped(make_app, monkeypatch, cls, read, keys):
    held = HeldRead(monkeypatch, cls, read)
    app = make_app()
    held.watch(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        assert await until(held.started, pilot.pause)
    assert held.answered.is_set() and held.answers == []
    assert held.shown_after_unmount == [False]


async def test_an_answer_to_a_screen_on_show_is_run(make_app):
    app = make_app()
    got = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert on_screen(screen)
        thread = threading.Thread(target=answer, args=(screen, got.append, "rows"))
        thread.start()
        while thread.is_alive():
            await pilot.pause(0.05)
    assert got == ["rows"]
    assert not on_screen(screen)


def test_an_answer_to_a_screen_never_shown_is_dropped(make_app):
    screen = RosterScreen.__new__(RosterScreen)  # no app: Textual finds none through its parents
    got = []
    RosterScreen.__init__(screen, make_app().ctx)
    answer(screen, got.append, "rows")
    assert got == []
