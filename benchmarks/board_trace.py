"""Where the board's fully graded time goes (bench_tui.py --trace): timestamps from the TUI
process and from each grading worker, on one clock (``time.perf_counter``: CLOCK_MONOTONIC on
Linux, the same in every process), summarised after the run.

Installed in the benchmark's process before the app is built, so the workers the app forks
inherit the patched task function (a forked worker looks ``_grade_task`` up in its copy of
the module). Not used by the measured runs without ``--trace``.
"""

from __future__ import annotations

import functools
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

CPU0 = [0.0]  # the TUI process's CPU time when the key was pressed (mark())
EVENTS: list[tuple] = []  # (what, thread name, start, end, detail) in the TUI process
_LOG = Path(tempfile.gettempdir()) / f"cstui-board-trace-{os.getpid()}.log"


def install() -> None:
    """Patch the pool's task and initializer (for the workers), its wait (the grading thread)
    and the board's news handler (the screen's thread)."""
    import cstui.grading_pool as gp
    from cstui.tui.screens.board import PeriodBoardScreen

    _LOG.unlink(missing_ok=True)
    task, start = gp._grade_task, gp._worker_start

    @functools.wraps(task)
    def traced_task(run, setup, teams):
        t0 = time.perf_counter()
        cpu0 = time.thread_time()
        out = task(run, setup, teams)
        _worker_line("task", t0, time.perf_counter(), f"{len(teams)} {time.thread_time() - cpu0:.4f}")
        return out

    @functools.wraps(start)
    def traced_start(parent):
        t0 = time.perf_counter()
        start(parent)
        _worker_line("init", t0, time.perf_counter(), "")

    gp._grade_task, gp._worker_start = traced_task, traced_start
    import gc

    gc.callbacks.append(_gc_timed)
    _timed(gp.GradingPool, "_wait", "wait")
    _timed(PeriodBoardScreen, "on_board_news", "news", lambda _screen, news: f"{news.kind} {news.name}")
    _timed(PeriodBoardScreen, "_refresh_view", "view")


def _worker_line(what: str, t0: float, t1: float, detail: str) -> None:
    line = f"{os.getpid()} {what} {t0:.6f} {t1:.6f} {detail}\n"
    fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _timed(cls, name: str, what: str, detail=lambda *args: "") -> None:
    original = getattr(cls, name)

    @functools.wraps(original)
    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            EVENTS.append((what, threading.current_thread().name, t0, time.perf_counter(), detail(*args)))

    setattr(cls, name, timed)


def summary(t0: float, done: float) -> list[str]:
    """Lines describing the run from ``t0`` ("2" pressed) to ``done`` (fully graded)."""
    cpu = time.process_time() - CPU0[0]
    lines = [f"trace: fully graded at {done - t0:.2f} s after the key; TUI process CPU {cpu:.2f} s since the key"]
    lines.append("  schemes: " + ", ".join(_scheme_spans(t0)))
    workers: dict[str, list] = {}
    for line in _LOG.read_text().splitlines() if _LOG.exists() else []:
        pid, what, a, b, *detail = line.split()
        workers.setdefault(pid, []).append((what, float(a), float(b), detail))
    for pid, rows in sorted(workers.items()):
        inits = [(a, b) for what, a, b, _ in rows if what == "init"]
        tasks = [(a, b, d) for what, a, b, d in rows if what == "task" and b >= t0 and a <= done]
        busy = sum(min(b, done) - max(a, t0) for a, b, _ in tasks)
        idle = sum(max(0.0, a1 - b0) for (_a0, b0, _), (a1, _b1, _) in zip(tasks, tasks[1:]))
        cpu = sum(float(d[1]) for _a, _b, d in tasks)
        init = f"init {inits[0][0] - t0:+.2f}..{inits[0][1] - t0:+.2f} s" if inits else "init not seen"
        first = f"first task {tasks[0][0] - t0:.2f} s, last ends {tasks[-1][1] - t0:.2f} s" if tasks else "no task"
        lines.append(
            f"  worker {pid}: {init}; {len(tasks)} tasks, busy {busy:.2f} s, CPU {cpu:.2f} s "
            f"(x{cpu / busy if busy else 0:.2f} of busy), idle between tasks {idle:.2f} s; {first}"
        )
    for what in ("wait", "news", "view", "gc0", "gc1", "gc2"):
        spans = [b - a for w, _thread, a, b, _detail in EVENTS if w == what and t0 <= a <= done]
        if spans:
            lines.append(
                f"  {what:5} {len(spans):4} calls, {sum(spans):6.2f} s in all, median {statistics.median(spans) * 1000:6.1f} ms, "
                f"slowest {max(spans) * 1000:6.1f} ms"
            )
    return lines


def mark() -> None:
    CPU0[0] = time.process_time()


def _scheme_spans(t0: float) -> list[str]:
    """Each scheme's grading: from its start news to its done news, seconds after the key."""
    starts: dict[str, float] = {}
    spans = []
    for what, _thread, a, _b, detail in EVENTS:
        if what != "news":
            continue
        kind, _, name = detail.partition(" ")
        if kind == "start":
            starts[name] = a
        elif kind == "done" and name in starts:
            spans.append(f"{name} {starts[name] - t0:.2f}..{a - t0:.2f} s")
    return spans


_GC_START: list[float] = [0.0]


def _gc_timed(phase: str, info: dict) -> None:
    """The TUI process's collections: a full one over 100,000 results stops every thread."""
    if os.getpid() != _PARENT:
        return
    if phase == "start":
        _GC_START[0] = time.perf_counter()
    else:
        EVENTS.append(
            (f"gc{info['generation']}", threading.current_thread().name, _GC_START[0], time.perf_counter(), "")
        )


_PARENT = os.getpid()


def pauses(t0: float, t1: float) -> list[str]:
    """The collections and slow board handlers between ``t0`` and ``t1`` (the keys)."""
    lines = []
    for what in ("gc0", "gc1", "gc2", "news", "view"):
        spans = [b - a for w, _thread, a, b, _detail in EVENTS if w == what and t0 <= a <= t1]
        if spans:
            lines.append(
                f"  keys: {what:5} {len(spans):4} times, slowest {max(spans) * 1000:6.1f} ms, {sum(spans):.2f} s in all"
            )
    return lines
