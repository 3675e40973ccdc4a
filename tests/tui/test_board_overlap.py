"""The board's schemes graded overlapped (board_grading.grade_schemes_overlapped, GradingPool's queued
runs): the next scheme's tasks are sent as soon as the one before has sent all of its own,
while its answers are still being taken, yet every scheme's teams come out in order, the same
as graded alone; and the board's one "every scheme graded" state (Graded.done), false between
schemes, true once each is graded or failed with its error shown."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from cstui import grading
from cstui.board_grading import board_schemes, grade_schemes_overlapped, rank_order
from cstui.domain import Period
from cstui.grading import graded_results
from cstui.grading_pool import GradingPool
from cstui.schemes import catalog
from cstui.store import Store
from pilot_support import settle

OCTOBER = Period.parse("2026-10")
BOUND_S = 30.0  # bounds a hang (a broken test), measures nothing

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="forks grading workers")


class FakePool:
    """Records which run each scheme's pool is queued after (no processes)."""

    def __init__(self):
        self.queued_runs = []

    def queued(self, after, sent):
        self.queued_runs.append((after, sent))
        return (after, sent)


def test_without_a_pool_the_schemes_are_graded_one_after_another_here():
    seen = []
    here = threading.current_thread()
    grade_schemes_overlapped(
        ["a", "b", "c"], lambda name, pool, begun: seen.append((name, pool, threading.current_thread()))
    )
    assert seen == [("a", None, here), ("b", None, here), ("c", None, here)]


def test_each_scheme_is_queued_after_the_one_before_and_starts_once_it_has_begun():
    pool, log = FakePool(), []
    a_may_begin = threading.Event()

    def grade(name, queued, begun):
        log.append(f"{name} starts")
        if name == "a":
            a_may_begin.wait(BOUND_S)
        begun()
        log.append(f"{name} begun")

    waiter = threading.Thread(target=grade_schemes_overlapped, args=(["a", "b"], grade, pool))
    waiter.start()
    for _ in range(int(BOUND_S / 0.01)):  # a's reads under way: b waits for them
        if "a starts" in log:
            break
        threading.Event().wait(0.01)
    assert log == ["a starts"] and len(pool.queued_runs) == 1
    a_may_begin.set()
    waiter.join(BOUND_S)
    assert not waiter.is_alive()
    assert log.index("a begun") < log.index("b starts")
    (first_after, first_sent), (second_after, second_sent) = pool.queued_runs
    assert first_after is None and second_after is first_sent  # b's tasks wait for a's to be sent
    assert first_sent.is_set() and second_sent.is_set()


def test_a_scheme_that_fails_unexpectedly_lets_the_next_go_on_and_is_raised_after_all():
    pool, graded = FakePool(), []

    def grade(name, queued, begun):
        if name == "a":
            raise RuntimeError("a broke")  # neither begun nor sent: the next goes on regardless
        graded.append(name)

    with pytest.raises(RuntimeError, match="a broke"):
        grade_schemes_overlapped(["a", "b"], grade, pool)
    assert graded == ["b"]


def test_a_stopped_look_starts_no_further_scheme():
    graded = []
    grade_schemes_overlapped(
        ["a", "b"], lambda name, pool, begun: graded.append(name), FakePool(), stopped=lambda: True
    )
    assert graded == []


def alone(store, name: str, period: Period = OCTOBER) -> list[tuple]:
    scheme = catalog().get(name)
    return [(t.team, t.size, t.results) for t in graded_results(store, scheme, period, jobs=1, explain=False)]


def test_a_queued_run_sends_while_the_run_before_is_still_taken_and_both_come_out_in_order(company_db):
    with Store.open(company_db, login="admin") as store, GradingPool(2) as pool:
        first, second = board_schemes(store)[:2]
        sends, taken, second_sent_one = [], [], threading.Event()
        real_send = pool._pool.apply_async

        def spy(func, args, **kwargs):
            sends.append((args[0], tuple(args[2])))  # (run, teams)
            if len({run for run, _teams in sends}) == 2:
                second_sent_one.set()
            return real_send(func, args, **kwargs)

        pool._pool.apply_async = spy
        runs = {}
        for name in (first, second):
            teams = store.history_teams(name, None)
            runs[name] = (catalog().get(name), [[team] for team in teams])  # a task per team: many
        assert len(runs[first][1]) >= 2
        first_sent = threading.Event()
        scheme, tasks = runs[first]
        before = pool.graded(store, scheme, OCTOBER, tasks, apply=False, explain=False, in_flight=1, sent=first_sent)
        out_first = [next(before)]  # the first run under way (its run is the first one sent)
        out_second: list = []
        scheme, tasks = runs[second]
        after_it = pool.queued(first_sent, threading.Event())
        worker = threading.Thread(
            target=lambda: out_second.extend(
                after_it.graded(store, scheme, OCTOBER, tasks, apply=False, explain=False, in_flight=1)
            )
        )
        worker.start()
        for graded in before:
            if first_sent.is_set() and not taken:
                # the first run's answers not all taken (its generator still open): the second
                # run's first task must go out now, not once the first run is through
                assert second_sent_one.wait(BOUND_S)
                taken.append(len(out_first))
            out_first.append(graded)
        worker.join(BOUND_S)
        assert taken, "the second run sent nothing while the first was still taken"
        runs_in_order = [run for run, _teams in sends]
        first_run = runs_in_order[0]
        last_of_first = max(i for i, run in enumerate(runs_in_order) if run == first_run)
        assert all(run == first_run for run in runs_in_order[: last_of_first + 1])  # the first's tasks first
        assert [(t, s, r) for t, s, r, _state in out_first] == alone(store, first)
        assert [(t, s, r) for t, s, r, _state in out_second] == alone(store, second)


def pretend_large(monkeypatch) -> None:
    """The seeded company graded as a large one: the app keeps two workers for its board."""
    monkeypatch.setattr(grading, "SMALL_RUN", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def watch_news(monkeypatch) -> list[tuple]:
    """(kind, scheme, whether every scheme counts as graded) after each piece of the board's news."""
    from cstui.tui.screens.board import PeriodBoardScreen

    seen, handle = [], PeriodBoardScreen.on_board_news

    def watched(board, news):
        handle(board, news)
        if news.generation == board._generation and news.period == board.ctx.period:
            seen.append((news.kind, news.name, board.graded is not None and board.graded.done))

    monkeypatch.setattr(PeriodBoardScreen, "on_board_news", watched)
    return seen


async def test_every_scheme_graded_holds_only_once_the_last_scheme_is_through(make_app, monkeypatch):
    pretend_large(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        board = app.screen
        seen = watch_news(monkeypatch)
        board.cache.clear()
        board.grade_again()  # every scheme graded from nothing, in the app's workers
        for _ in range(600):  # the bound ends a broken test
            if not board.loading_board:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert board.pool is app.grading_pool and board.pool is not None
        done = [(name, graded) for kind, name, graded in seen if kind == "done"]
        assert [name for name, _graded in done] == [board.scheme_name] + [
            n for n in board.schemes if n != board.scheme_name
        ]  # the shown scheme first, then the others in order
        assert len(done) >= 2
        assert [graded for _name, graded in done] == [False] * (len(done) - 1) + [True]
        assert not any(graded for kind, _name, graded in seen if kind in ("start", "teams"))
        assert board.graded.done and not board.graded.problems
        with Store.open(app.ctx.store.path, login="admin") as store:
            for name in board.schemes:
                kept = board._kept(board.ctx.period, name)
                graded = alone(store, name, board.ctx.period)
                rows = [sorted(results, key=rank_order) for _t, _s, results in graded]
                assert kept.done and list(kept.teams.values()) == rows, name


async def test_a_scheme_that_fails_counts_as_graded_with_its_error_shown_and_is_not_applied(make_app, monkeypatch):
    import cstui.tui.screens.board as board_module

    real_dry_run = board_module.dry_run

    def failing(store, scheme, period, teams=None, **kwargs):
        run = real_dry_run(store, scheme, period, teams, **kwargs)
        if scheme.name != "five-tier":
            return run

        def first_team_then_fail():
            yield next(run.teams)
            raise ValueError("the disk went away")

        return run._replace(teams=first_team_then_fail())

    monkeypatch.setattr(board_module, "dry_run", failing)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        board = app.screen
        g = board.graded
        assert "five-tier" in board.schemes and len(board.schemes) >= 2
        assert g.done and any("five-tier: " in p and "the disk went away" in p for p in g.problems)
        assert g.results and "five-tier" not in {r.scheme for r in g.results}
        assert not board._kept(board.ctx.period, "five-tier").done  # graded in full at the next look
