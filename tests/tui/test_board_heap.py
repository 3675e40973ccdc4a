"""The board keeps the garbage collector off its graded rows (cstui.tui.heap): with the app's
grading workers (a company of thousands) the rows it holds are frozen out of the collector's
walks, a grading the user asks for gives them back first, and the app's end gives back all."""

from __future__ import annotations

import gc
import os
import weakref

import pytest

from cstui import grading
from cstui.tui import heap
from pilot_support import settle


class Node:
    def __init__(self):
        self.me = self  # a cycle: only the collector frees it


@pytest.fixture(autouse=True)
def nothing_frozen():
    heap.release()
    yield
    heap.release()


def test_settle_collects_the_dead_and_freezes_the_living():
    living, dead = Node(), Node()
    dead_ref = weakref.ref(dead)
    del dead
    heap.settle()
    assert dead_ref() is None  # collected, not frozen
    assert heap.frozen() > 0 and gc.is_tracked(living)
    heap.release()
    assert heap.frozen() == 0


async def graded_board(pilot):
    await pilot.press("2")
    await settle(pilot)
    board = pilot.app.screen
    for _ in range(600):  # the workers import on their first run; the bound ends a broken test
        if board.graded is not None and board.graded.done and not board.loading_board:
            break
        await pilot.pause(0.05)
    assert board.graded.done
    await settle(pilot)
    return board


async def test_with_workers_the_graded_rows_are_frozen_until_the_app_ends(make_app, monkeypatch):
    monkeypatch.setattr(grading, "SMALL_RUN", 1)  # the seeded company graded as a large one
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = await graded_board(pilot)
        assert board.pool is not None and heap.frozen() > 0
        frozen_alive = Node()
        dead_ref = weakref.ref(frozen_alive)
        heap.settle()
        del frozen_alive  # dies frozen: no collection finds it ...
        gc.collect()
        assert dead_ref() is not None
        await pilot.press("r")  # ... until a grading the user asks for gives the frozen back
        await settle(pilot)
        gc.collect()
        assert dead_ref() is None
    assert heap.frozen() == 0


async def test_without_workers_nothing_is_frozen(make_app):
    app = make_app()  # far below SMALL_RUN: the board grades in a thread, holding few rows
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = await graded_board(pilot)
        assert board.pool is None and heap.frozen() == 0
