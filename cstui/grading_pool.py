"""A long-lived pool of grading worker processes, for a process that grades again and again (the
TUI's period board): started once, kept for the process's life, closed on exit.

Batch forks its workers per run from a small process (:func:`cstui.grading._pooled`); a TUI that
did the same would fork them from itself once it holds 100,000 graded rows, and every forked
worker's resident pages would count the TUI's heap again. These workers are started once, while
the process is still small: forked before the app runs (``fork=True``: they share only its
start-up pages and need no imports), or *spawned* (fresh interpreters that import only the
grading code, in the background, ~1-2 s of CPU on a busy machine).

A run sends its settings (the database, the login, the scheme, the period) pickled once with every
task; a worker unpickles them once per run and keeps its store open between runs. Teams come back
as tuples of each result's fields (:data:`RESULT_FIELDS`), not pickled objects: less to send and
to load in the process that shows them. A worker idle for :data:`IDLE_S` gives back what it no
longer holds (SQLite's page cache and the C heap's free pages), so an idle worker costs little.

A worker whose parent is gone (killed, so it could not close the pool) exits on its own within
:data:`WATCH_S`.
"""

from __future__ import annotations

import itertools
import os
import pickle
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Iterator
from dataclasses import fields
from multiprocessing.context import SpawnContext, SpawnProcess
from operator import attrgetter

from cstui.domain import Period, Result

WATCH_S = 0.25  # how often a worker checks that the process that started it still lives
IDLE_S = 0.5  # a worker idle this long gives back its memory (SQLite's cache, the heap's free pages)
WAIT_S = 0.25  # a run waiting for a team checks this often whether the pool was closed meanwhile
RESULT_FIELDS = tuple(f.name for f in fields(Result))
_result_tuple = attrgetter(*RESULT_FIELDS)


class PoolClosed(RuntimeError):
    """The pool was closed while a run still waited on it (the app is ending)."""


class GradingPool:
    """``jobs`` spawned worker processes, started by :meth:`start` (or the first run) and ended by
    :meth:`close`; one run at a time uses them (runs from several threads queue their tasks)."""

    def __init__(self, jobs: int, *, fork: bool = False):
        if jobs < 1:
            raise ValueError(f"jobs: expected a whole number >= 1, got {jobs}")
        self.jobs, self.fork = jobs, fork  # fork: only while this process is still small
        self._pool = None
        self._closed = False
        self._lock = threading.Lock()
        self._runs = itertools.count(1)

    @property
    def started(self) -> bool:
        return self._pool is not None and not self._closed

    def pids(self) -> list[int]:
        """The worker processes' ids (none before :meth:`start` or after :meth:`close`)."""
        pool = self._pool
        return [] if pool is None or self._closed else [p.pid for p in pool._pool if p.pid]

    def start(self) -> GradingPool:
        """Start the workers (no-op when started); they import in the background."""
        with self._lock:
            if self._closed:
                raise PoolClosed("the grading pool is closed")
            if self._pool is None:
                self._pool = self._new_pool()
        return self

    def _new_pool(self):
        import gc
        import multiprocessing
        from multiprocessing.pool import Pool

        if not self.fork:
            return Pool(self.jobs, initializer=_worker_start, initargs=(os.getpid(),), context=_spawn_context())
        gc.freeze()  # the parent's objects left alone by the workers' collections (no copied pages)
        try:
            context = multiprocessing.get_context("fork")
            return Pool(self.jobs, initializer=_worker_start, initargs=(os.getpid(),), context=context)
        finally:
            gc.unfreeze()

    def close(self) -> None:
        """End the workers now (a task under way is abandoned) and wait for them; idempotent."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.terminate()
            pool.join()

    def __enter__(self) -> GradingPool:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def queued(self, after: threading.Event | None, sent: threading.Event) -> QueuedRuns:
        """This pool for runs sent in turn (see :class:`QueuedRuns`)."""
        return QueuedRuns(self, after, sent)

    def graded(
        self,
        store,
        scheme,
        period: Period,
        tasks: list[list[str]],
        *,
        apply: bool,
        explain: bool,
        in_flight: int,
        after: threading.Event | None = None,
        sent: threading.Event | None = None,
    ) -> Iterator[tuple[str, int, list[Result], dict | None]]:
        """(team, size, results, state) for each team of ``tasks``, in order. At most ``in_flight``
        tasks are outstanding, so teams the caller has not taken yet stay few. ``after``: no task
        is sent before it is set (an earlier run has sent all of its own); ``sent`` is set once
        every task of this run is sent (or the run ends), for the run after it."""
        try:
            pool = self.start()._pool
            run = (os.getpid(), next(self._runs))
            setup = pickle.dumps(
                (str(store.path), store.login, scheme, period, apply, explain), pickle.HIGHEST_PROTOCOL
            )
            answered = threading.Event()  # set by the pool's result thread as each task's answer lands

            def send(teams: list[str]):
                wake = lambda _answer: answered.set()  # noqa: E731
                return pool.apply_async(_grade_task, (run, setup, teams), callback=wake, error_callback=wake)

            self._await_turn(after)
            window = TaskWindow(tasks, in_flight, send, sent)
            while (head := window.next()) is not None:
                graded = self._wait(head, window, answered)
                for team, size, rows, state in graded:
                    yield team, size, [Result(*row) for row in rows], state
        finally:
            if sent is not None:
                sent.set()  # a run stopped or failed early holds the next one back no longer

    def _await_turn(self, after: threading.Event | None) -> None:
        """Wait until the run before has sent all its tasks (PoolClosed when the pool closes first)."""
        while after is not None and not after.wait(WAIT_S):
            if self._closed:
                raise PoolClosed("the grading pool was closed during a run")

    def _wait(self, head, window: TaskWindow | None = None, answered: threading.Event | None = None):
        """The head task's answer; meanwhile each answer of a later task sends another task (the
        workers are not held idle by a slow head). PoolClosed when the pool is closed first."""
        from cstui.grading import raise_failure

        answered = answered or threading.Event()
        while not head.ready():
            answered.wait(WAIT_S)
            answered.clear()
            if self._closed:
                raise PoolClosed("the grading pool was closed during a run")
            if window is not None:
                window.fill()
        return raise_failure(head.get())


class QueuedRuns:
    """A pool whose runs are sent in turn, for a caller grading several runs one after another
    (the board's schemes): a run prepares (its reads) while the one before it still grades, but
    sends its first task only once every task of that one is sent (``after``); its tasks then
    queue behind that run's last ones, so the workers go from one run to the next without
    waiting, and the earlier run's teams still come first. ``sent`` is set once this run's tasks
    are all sent (the next run's ``after``). Passed as ``pool`` to :func:`cstui.grading.dry_run`."""

    def __init__(self, pool: GradingPool, after: threading.Event | None, sent: threading.Event):
        self.pool, self.after, self.sent = pool, after, sent

    @property
    def jobs(self) -> int:
        return self.pool.jobs

    def graded(self, *args, **kwargs) -> Iterator[tuple[str, int, list[Result], dict | None]]:
        return self.pool.graded(*args, after=self.after, sent=self.sent, **kwargs)


class TaskWindow:
    """Which tasks are out: the run's answers are taken in order (teams come in team order), but
    a task answered before the head frees its worker, so another task is sent for it: at most
    ``in_flight`` tasks unanswered, and at most twice that many answers held, not yet taken.
    ``sent``, if given, is set once the last task is sent."""

    def __init__(self, tasks: list, in_flight: int, send, sent: threading.Event | None = None):
        self.todo, self.in_flight, self.send, self.sent = deque(tasks), max(1, in_flight), send, sent
        self.pending: deque = deque()
        self.fill()

    def fill(self) -> None:
        """Send tasks while fewer than ``in_flight`` are unanswered (and the held answers few)."""
        while self.todo and len(self.pending) < 2 * self.in_flight:
            if sum(not p.ready() for p in self.pending) >= self.in_flight:
                return
            self.pending.append(self.send(self.todo.popleft()))
        if not self.todo and self.sent is not None:
            self.sent.set()

    def next(self):
        """The next task in order (None when the run is through); the window is filled again."""
        self.fill()
        return self.pending.popleft() if self.pending else None


class _WorkerProcess(SpawnProcess):
    """A spawned worker that does not import the parent's ``__main__``: it needs none of it (less
    to hold), and a script without a main guard would run again in each worker."""

    @staticmethod
    def _Popen(process_obj):
        # the child's start-up data is read from sys.modules["__main__"] within this call
        with _MAIN_SWAP:
            main = sys.modules["__main__"]
            sys.modules["__main__"] = types.ModuleType("__main__")
            try:
                return SpawnProcess._Popen(process_obj)
            finally:
                sys.modules["__main__"] = main


class _WorkerContext(SpawnContext):
    Process = _WorkerProcess


def _spawn_context() -> SpawnContext:
    return _WorkerContext()


_MAIN_SWAP = threading.Lock()


# -- in the worker process ---------------------------------------------------------------------

_WORKER: dict = {}  # the worker's run settings (by run) and its open stores (by database and login)
_TASK = threading.Lock()  # held by a task, and by the watch thread while it gives memory back


def _worker_start(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent decides, and closes the pool
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watch").start()
    # what every task needs, imported now (1-2 s on a busy machine), while nobody waits on the
    # pool yet, rather than by the board's first task
    import cstui.grading  # noqa: F401
    import cstui.grading_columns  # noqa: F401
    import cstui.store  # noqa: F401


def _watch(parent: int) -> None:
    """A killed parent closes nothing: the worker, re-parented, ends itself. Meanwhile, a worker
    idle for IDLE_S gives back what its last tasks held (during a run, tasks keep SQLite's page
    cache warm for the next: giving it back after each one slowed the board's grading)."""
    while os.getppid() == parent:
        time.sleep(WATCH_S)
        _give_back_when_idle()
    os._exit(0)


def _give_back_when_idle() -> None:
    done = _WORKER.get("done")  # when the last task ended; None once given back since
    if done is None or time.monotonic() - done < IDLE_S or not _TASK.acquire(blocking=False):
        return
    try:  # no task runs meanwhile: the store's connection is this thread's alone
        if _WORKER.get("done") == done:
            _give_back()
            _WORKER["done"] = None
    finally:
        _TASK.release()


def _grade_task(run: tuple, setup: bytes, teams: list[str]):
    """[(team, size, result tuples, state)] for ``teams``, or the error, for the parent to raise."""
    from cstui.grading import _Failure, grade_team
    from cstui.grading_columns import team_histories

    with _TASK:
        try:
            store, scheme, period, apply, explain = _settings(run, setup)
            graded = []
            for history in team_histories(store, scheme, period, teams, apply=apply):
                results, state = grade_team(scheme, history, period, apply=apply, explain=explain)
                graded.append((history.team, len(history.employees), [_result_tuple(r) for r in results], state))
            return graded
        except Exception as error:  # noqa: BLE001  (sent to the parent, which raises it)
            return _Failure.of(error)
        finally:
            _WORKER["done"] = time.monotonic()


def _settings(run: tuple, setup: bytes) -> tuple:
    """This run's store, scheme, period and flags: unpickled once per run, the store kept open."""
    if _WORKER.get("run") != run:
        path, login, scheme, period, apply, explain = pickle.loads(setup)
        _WORKER.update(run=run, settings=(_store(path, login), scheme, period, apply, explain))
    return _WORKER["settings"]


def _store(path: str, login: str):
    from cstui.store import Store

    stores = _WORKER.setdefault("stores", {})
    if (path, login) not in stores:
        for other in stores.values():  # another database or login: one open store at a time
            other.close()
        stores.clear()
        stores[(path, login)] = Store.open(path, login=login, check_pages=False)
    return stores[(path, login)]


def _give_back() -> None:
    """Return what the task no longer holds: SQLite's page cache, and the C heap's free pages
    (glibc keeps freed memory for reuse; an idle worker would go on holding its busiest task's)."""
    for store in _WORKER.get("stores", {}).values():
        try:
            store.conn.execute("PRAGMA shrink_memory")
        except Exception:  # noqa: BLE001, S110  (only memory: the next task reads as usual)
            pass
    _malloc_trim()


def _malloc_trim() -> None:
    try:
        import ctypes

        libc = _WORKER.get("libc")
        if libc is None:
            libc = _WORKER["libc"] = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim this way
        _WORKER["libc"] = False
