"""The board records results (A) and exports (e) in threads: keys keep working meanwhile, a second
apply or export waits for the first, a refusal is the store's message, and the board is read again
when it is done. The slow part is a gate the test opens (no sleeps standing for time)."""

from __future__ import annotations

import csv
import re
import threading

import pytest

import cstui.tui.modals.export as export_modal
import cstui.tui.screens.board as board_module
from cstui.store import Store
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.modals.export import ExportModal
from cstui.tui.screens.board import PeriodBoardScreen
from pilot_support import settle
from screens_support import screen_app


class Gate:
    """Wraps ``real``: the call waits in its thread until the test opens the gate."""

    def __init__(self, real):
        self.real, self.entered, self.open = real, threading.Event(), threading.Event()

    def __call__(self, *args, **kwargs):
        self.entered.set()
        assert self.open.wait(30), "the test never opened the gate"
        return self.real(*args, **kwargs)

    async def reached(self, pilot) -> None:
        for _ in range(400):  # the worker thread starts soon; the bound only ends a broken test
            if self.entered.is_set():
                return
            await pilot.pause(0.01)
        raise AssertionError("the worker never reached the gate")


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def status(screen) -> str:
    return str(screen.query_one("#board-status").render())


async def test_apply_runs_in_a_thread_and_keys_still_work(company_db, monkeypatch):
    gate = Gate(board_module.apply_schemes)
    monkeypatch.setattr(board_module, "apply_schemes", gate)
    app = screen_app(company_db, PeriodBoardScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("A", "y")
        await gate.reached(pilot)
        await pilot.pause()
        assert "recording results" in status(screen)
        await pilot.press("s")  # a key while the apply waits: the sort moves on at once
        await pilot.pause()
        assert screen.sort == "score" and "sort: score" in status(screen)
        await pilot.press("A")  # a second apply is refused while the first runs
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
        assert any("still being recorded" in m for m in messages(app))
        gate.open.set()
        await settle(pilot)
        assert any("Recorded 10 results for 2026-10" in m for m in messages(app))
        assert screen.applying is None and "recording" not in status(screen)
        assert screen.graded.recorded == 10  # the board read again: it counts what was recorded
    with Store.open(company_db, login="admin") as store:
        assert len(store.results("2026-10")) == 10


@pytest.mark.parametrize("lang, refusal", [("en", "close the period once they are"), ("zh", "记录完成后再关闭周期")])
async def test_close_is_refused_while_the_apply_records(company_db, monkeypatch, lang, refusal):
    gate = Gate(board_module.apply_schemes)
    monkeypatch.setattr(board_module, "apply_schemes", gate)
    app = screen_app(company_db, PeriodBoardScreen, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("A", "y")
        await gate.reached(pilot)
        await pilot.press("C")  # the apply waits at the gate: the close is refused, nothing asked
        await pilot.pause()
        assert app.screen is screen and not isinstance(app.screen, ConfirmModal)
        refused = [m for m in messages(app) if refusal in m]
        assert refused and (lang == "en" or not re.search(r"[A-Za-z]{3,}", refused[0])), messages(app)
        gate.open.set()
        await settle(pilot)
        assert screen.applying is None
        await pilot.press("C")  # once recorded, C asks as ever
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
    with Store.open(company_db, login="admin") as store:
        assert store.period_status("2026-10") == "open" and len(store.results("2026-10")) == 10


async def test_an_apply_refused_by_the_store_is_its_message(company_db):
    app = screen_app(company_db, PeriodBoardScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        with Store.open(company_db, login="admin") as other:  # closed by someone else meanwhile
            other.close_period("2026-10")
        await pilot.press("y")
        await settle(pilot)
        refused = [m for m in messages(app) if "is closed" in m]
        assert refused and "Traceback" not in refused[0] and app.screen.applying is None
    with Store.open(company_db, login="admin") as store:
        assert store.results("2026-10") == []


async def test_export_runs_in_a_thread_and_keys_still_work(company_db, tmp_path, monkeypatch):
    gate = Gate(export_modal.export_results)
    monkeypatch.setattr(export_modal, "export_results", gate)
    app = screen_app(company_db, PeriodBoardScreen)
    target = tmp_path / "board.csv"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await gate.reached(pilot)
        assert app.screen is screen and any("Exporting" in m for m in messages(app))
        await pilot.press("s")
        await pilot.pause()
        assert screen.sort == "score"
        await pilot.press("e")  # one export at a time
        await pilot.pause()
        assert app.screen is screen and any("still being written" in m for m in messages(app))
        gate.open.set()
        await settle(pilot)
        assert any("Exported" in m for m in messages(app))
    with open(target, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 3 and all(r["trace"] for r in rows)  # the traces were read in the thread
