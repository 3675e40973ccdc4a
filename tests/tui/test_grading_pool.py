"""The board's long-lived grading workers (cstui.grading_pool), checked on real processes: the
same results as grading in one process, the same workers for every run, none left once the
pool is closed, the app ends or their parent is killed, and a run waiting on a closed pool
stops instead of hanging the app's exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from cstui import grading
from cstui.board_grading import board_schemes
from cstui.domain import Period
from cstui.grading import graded_results
from cstui.grading_pool import GradingPool, PoolClosed, TaskWindow
from cstui.schemes import catalog
from cstui.store import Store
from pilot_support import settle

OCTOBER = Period.parse("2026-10")
GONE_WITHIN = 15.0  # seconds: bounds a hang, measures nothing

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process checks read /proc and POSIX signals")


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def gone(pids, within: float = GONE_WITHIN) -> bool:
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(alive(pid) for pid in pids)


def team_results(runs) -> list[tuple]:
    return [(t.team, t.size, t.results) for t in runs]


def test_a_pooled_run_grades_as_one_process_does_in_the_same_workers_every_time(company_db, monkeypatch):
    with Store.open(company_db, login="admin") as store, GradingPool(2) as pool:
        workers = pool.pids()
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        alone = {}
        for name in board_schemes(store):
            alone[name] = team_results(graded_results(store, catalog().get(name), OCTOBER, jobs=1))

        def not_here(*args, **kwargs):  # the spawned workers do not see this patch
            raise AssertionError("graded in the TUI's process")

        monkeypatch.setattr(grading, "grade_team", not_here)
        for name, expected in alone.items():
            pooled = team_results(graded_results(store, catalog().get(name), OCTOBER, jobs=2, pool=pool))
            assert pooled == expected and pooled, name
        assert pool.pids() == workers  # started once, reused by every run
    assert gone(workers)


def test_a_scheme_the_workers_cannot_be_sent_is_graded_by_workers_forked_for_the_run(company_db):
    """A plugin's model class defined inside a function does not pickle: the long-lived pool is
    passed over (a forked worker receives it without pickling), the results are the same."""
    import dataclasses
    import pickle

    scheme = catalog().get("star-levels")

    class LocalModel(type(scheme.model)):  # defined here: pickle cannot find it by name
        pass

    local = dataclasses.replace(scheme, model=LocalModel())
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(local)
    with Store.open(company_db, login="admin") as store, GradingPool(1) as pool:
        expected = team_results(graded_results(store, scheme, OCTOBER, jobs=1))
        assert team_results(graded_results(store, local, OCTOBER, jobs=2, pool=pool)) == expected and expected


def test_a_run_waiting_on_a_closed_pool_stops(company_db):
    pool = GradingPool(1).start()
    workers = pool.pids()
    never = pool._pool.apply_async(time.sleep, (60,))  # a task that will not answer in time
    threading.Timer(0.3, pool.close).start()
    started = time.monotonic()
    with pytest.raises(PoolClosed):
        pool._wait(never)
    assert time.monotonic() - started < GONE_WITHIN
    assert gone(workers)
    with pytest.raises(PoolClosed):
        pool.start()  # a closed pool stays closed


def test_workers_end_when_their_parent_is_killed(tmp_path):
    starter = (
        "from cstui.grading_pool import GradingPool\nimport time\n"
        "pool = GradingPool(2).start()\nprint(*pool.pids(), flush=True)\ntime.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", starter], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        parent.send_signal(signal.SIGKILL)  # no chance to close its pool
        parent.wait(GONE_WITHIN)
        assert gone(workers)
    finally:
        parent.kill()
        parent.wait()


def pretend_large(monkeypatch) -> None:
    """The seeded company graded as a large one: the app keeps two workers for its board."""
    monkeypatch.setattr(grading, "SMALL_RUN", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


async def test_the_app_starts_its_pool_once_uses_it_and_ends_it_on_exit(make_app, monkeypatch):
    pretend_large(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pool = app.grading_pool
        assert pool is not None and pool.started
        workers = pool.pids()
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        await pilot.press("2")
        await settle(pilot)
        board = app.screen
        for _ in range(600):  # the workers import on their first run; the bound ends a broken test
            if board.graded is not None and board.graded.done:
                break
            await pilot.pause(0.05)
        assert board.graded.done and board.view
        assert board.pool is pool
        await pilot.press("1", "2", "r")  # back, and grade again: the same workers
        await settle(pilot)
        assert app.grading_pool is pool and pool.pids() == workers
    assert app.grading_pool is None and not pool.started
    assert gone(workers)


async def test_a_small_company_starts_no_workers(make_app):
    app = make_app()  # the seeded company is far below SMALL_RUN: the board grades in a thread
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.grading_pool is None


class Answer:
    """A stand-in for a pool task's AsyncResult: answered or not, as the test says."""

    def __init__(self, teams):
        self.teams, self.answered = teams, False

    def ready(self) -> bool:
        return self.answered


def test_a_task_answered_before_the_head_frees_its_worker_for_another():
    sent = []
    window = TaskWindow([[f"t{n}"] for n in range(8)], 2, lambda teams: sent.append(Answer(teams)) or sent[-1])
    assert [a.teams for a in sent] == [["t0"], ["t1"]]
    sent[1].answered = True  # the head (t0) still grades: t1's worker takes t2
    window.fill()
    assert len(sent) == 3
    sent[2].answered = True
    window.fill()
    assert len(sent) == 4  # t0 and t3 unanswered: two out, as many as may be
    sent[3].answered = True
    window.fill()
    assert len(sent) == 4  # four answers held, none taken yet: no more until the head is taken


def test_the_window_hands_every_task_back_once_in_order():
    sent = []

    def send(teams):
        sent.append(Answer(teams))
        sent[-1].answered = len(sent) % 3 != 1  # some answered early, some late
        return sent[-1]

    window, taken = TaskWindow([[n] for n in range(11)], 3, send), []
    while (head := window.next()) is not None:
        head.answered = True
        taken.append(head.teams)
    assert taken == [[n] for n in range(11)]
