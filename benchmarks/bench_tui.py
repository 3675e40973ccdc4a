"""TUI benchmark: the roster and the period board at 100,000 employees, headless with Textual's Pilot.

    /work/venv/bin/python benchmarks/bench_tui.py [--employees 100000] [--baseline 1000] [--skip-roster] [--skip-board]
                                                  [--repeats N] [--trace]

Measures, for a big and a small (baseline) database in the same process:
  first paint  app start → the roster painted with its first page   (target < 1 s)
  page-down    one PgDn keypress → the next screen painted          (target < 50 ms)
  filter       a filter applied → its result painted (no debounce)  (target < 200 ms)
and prints the figures with their ratio to the baseline, plus a plain COUNT(*) for scale.
Setup writes rows with direct SQLite inserts (the store API's audit trail would dominate).

The board (issue 10) runs on bench_batch.py's company (its cache: N employees in teams of 100,
24 months of cards, 2026-09 and 2026-11 applied) at month 2026-12, resumed from the 2026-11
checkpoints, and prints, in the same process:
  first rows     "2" pressed → the board painted with its first graded rows      (target < 1 s)
  fully graded   "2" pressed → every scheme of the month graded                  (target: within
                 the batch dry run of the same month, every scheme, timed right after it)
  page-down, sort, team, scheme   one key → its last frame, the board fully graded (target < 50 ms);
                 a scheme switch also to its first frame ("rows shown": the Prev column
                 follows once the previous month is read in a thread); medians and slowest
  peak memory    this process's ru_maxrss before the batch run, plus its worker processes'
                 (an upper bound: 2 x the largest worker's, shared pages counted again), and
                 RSS and PSS of the TUI and its live workers summed, sampled every 0.1 s
                                                                                 (target < 400 MB)
``--repeats N`` measures the board N times, each in a fresh process, and prints every run with
the median and spread (the fully graded time varies from run to run on a loaded machine);
``--trace`` prints where the fully graded time went (board_trace.py: each worker's tasks, the
grading thread's waits, the screen's handling of the graded teams).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"first paint": 1.0, "page-down": 0.050, "filter": 0.200}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
LATIN = ["Alice", "Bob", "Carol", "Dana", "Evan", "Fay", "Gus", "Hana"]
SCHEMES = {
    "star-levels": ["1-star", "2-star", "3-star", "4-star", "5-star"],
    "assistant-class": ["class-3", "class-2", "class-1"],
    "five-tier": ["junior", "intermediate", "senior"],
    "ecommerce-kpi": ["junior", "intermediate", "senior"],
}
ROLES = ["agent", "agent", "agent", "assistant", "team-lead"]


def build_db(path: Path, employees: int, seed: int = 7) -> Path:
    """A company of ``employees`` in 50 teams; the schema comes from the store itself."""
    from cstui.store import Store

    Store.open(path, login="bench", create=True).close()  # creates the schema; bench is admin
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    teams = [f"team{n:02d}" for n in range(1, 51)]
    with conn:
        conn.executemany("INSERT INTO teams (id, name) VALUES (?, ?)", ((t, t) for t in teams))
        conn.executemany(
            "INSERT INTO employees (id, name, team, role, hire_date, status, scheme, level, version) "
            "VALUES (?, ?, ?, ?, ?, 'active', ?, ?, 1)",
            (_employee(n, rng, teams) for n in range(1, employees + 1)),
        )
    conn.close()
    return path


def _employee(n: int, rng: random.Random, teams: list[str]) -> tuple:
    if rng.random() < 0.8:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
    else:
        name = f"{rng.choice(LATIN)} {rng.choice(LATIN)}son"
    scheme = rng.choice(list(SCHEMES))
    hired = f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return (f"E{n:06d}", name, rng.choice(teams), rng.choice(ROLES), hired, scheme, rng.choice(SCHEMES[scheme]))


class Frames:
    """Timestamps of the frames the app writes to its (headless) terminal."""

    def __init__(self, app):
        self.times: list[float] = []
        original = app._display

        def display(screen, renderable):
            original(screen, renderable)
            self.times.append(time.perf_counter())

        app._display = display

    def first_after(self, t0: float) -> float:
        """Seconds from ``t0`` to the last frame painted after it (the screen settled)."""
        after = [t for t in self.times if t >= t0]
        if os.environ.get("BENCH_DEBUG"):
            print([round((t - t0) * 1000, 1) for t in after])
        return (after[-1] - t0) if after else float("nan")

    def earliest_after(self, t0: float) -> float:
        """Seconds from ``t0`` to the first frame painted after it (what a key shows first)."""
        return next((t - t0 for t in self.times if t >= t0), float("nan"))


KEY_CPU: list[float] = []  # the screen's thread's CPU seconds of each timed key, in order


async def timed_key(pilot, frames: Frames, key: str, first: list[float] | None = None) -> float:
    """Key press → last frame painted for it, without Pilot's idle-detection overhead. The
    CPU time the app's thread spent meanwhile goes to KEY_CPU: on a loaded machine the wall time
    is mostly the wait for a core, the CPU time what the key itself costs. ``first``: the time
    to its first frame is appended to it (a scheme switch paints its rows, then, once the
    previous month is read in a thread, the Prev column)."""
    t0, cpu0 = time.perf_counter(), time.thread_time()
    pilot.app.simulate_key(key)
    await pilot.pause()
    KEY_CPU.append(time.thread_time() - cpu0)
    if first is not None:
        first.append(frames.earliest_after(t0))
    return frames.first_after(t0)


async def measure(path: Path, size=(120, 40), pages: int = 20) -> dict[str, float]:
    from cstui.clock import default_period
    from cstui.store import Store
    from cstui.tui.app import CstuiApp
    from cstui.tui.context import AppContext

    figures: dict[str, float] = {}
    start = time.perf_counter()
    store = Store.open(path, login="bench", create=False)
    app = CstuiApp(AppContext(store=store, period=default_period(), lang="en"))
    frames = Frames(app)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        figures["first paint"] = frames.times[-1] - start
        roster = app.screen

        downs = [await timed_key(pilot, frames, "pagedown") for _ in range(pages)]
        figures["page-down"] = statistics.median(downs)
        figures["page-down (slowest)"] = max(downs)  # a new page read: its levels now included
        figures["end (last page)"] = await timed_key(pilot, frames, "end")
        figures["page-up at end"] = statistics.median([await timed_key(pilot, frames, "pageup") for _ in range(5)])

        times = []
        for text in ("王", "E00012", "team07", "Alice"):
            t0 = time.perf_counter()
            roster.search = text
            roster.reload()
            await app.workers.wait_for_complete()
            await pilot.pause()
            times.append(frames.first_after(t0))
        figures["filter"] = statistics.median(times)

        roster.search = ""
        t0 = time.perf_counter()
        app.simulate_key("s")  # sort by name: no index, SQLite sorts the whole roster
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        figures["sort by name"] = frames.first_after(t0)
        figures["page-down (by name)"] = statistics.median(
            [await timed_key(pilot, frames, "pagedown") for _ in range(5)]
        )

        # the level now is not a column: sorting by it orders every id once (cstui.levels),
        # then pages are read by id; the slowest page-down is the one that reads a new page
        from cstui.tui.screens.roster import SORT_KEYS

        roster.sort_index = SORT_KEYS.index("level")
        t0 = time.perf_counter()
        roster.reload()
        await app.workers.wait_for_complete()
        await pilot.pause()
        figures["sort by level"] = frames.first_after(t0)
        downs = [await timed_key(pilot, frames, "pagedown") for _ in range(10)]
        figures["page-down (by level)"] = statistics.median(downs)
        figures["page-down (by level, slowest)"] = max(downs)
    store.close()
    return figures


def count_query(path: Path) -> float:
    conn = sqlite3.connect(path)
    t0 = time.perf_counter()
    conn.execute("SELECT COUNT(*) FROM employees").fetchone()
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


BOARD_TARGETS = {
    "board first rows": 1.0,
    "board page-down": 0.050,
    "board sort": 0.050,
    "board peak MB": 400,
    "board peak MB, PSS sampled (TUI + live workers)": 400,
}
BOARD_MONTH = "2026-12"  # bench_batch.py's GRADE_MONTH: resumes from its 2026-11 checkpoints


async def until(pilot, done, timeout: float = 600.0, every: float = 0.005) -> float:
    """Wait (polling every ``every`` s, keys and frames going on) until ``done()``; the time it
    became so (a poll takes the GIL from the grading thread: long waits poll less often)."""
    limit = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > limit:
            raise TimeoutError("the board did not get there in time")
        await asyncio.sleep(every)
    return time.perf_counter()


async def measure_board(path: Path, size=(80, 24), trace: bool = False) -> tuple[dict[str, float], object]:
    """The period board on ``path`` at BOARD_MONTH: see the module's docstring. ``trace``: also
    print where the fully graded time went (board_trace.py)."""
    if trace:
        import board_trace

        board_trace.install()
    from cstui.domain import Period
    from cstui.store import Store
    from cstui.tui.app import CstuiApp
    from cstui.tui.context import AppContext

    figures: dict[str, float] = {}
    store = Store.open(path, create=False)  # bench_batch.py's company: your login is its admin
    app = CstuiApp(AppContext(store=store, period=Period.parse(BOARD_MONTH), lang="en"))
    frames = Frames(app)
    memory = MemorySampler()
    async with app.run_test(size=size) as pilot:
        memory.start()
        await pilot.pause()
        t0 = time.perf_counter()
        if trace:
            board_trace.mark()
        app.simulate_key("2")
        await until(pilot, lambda: getattr(app.screen, "view", None))
        figures["board first rows"] = await first_frame_after(pilot, frames, time.perf_counter()) - t0
        board = app.screen
        await time_grading(pilot, board, t0, figures, trace)
        await until(pilot, lambda: not board.loading_board, every=0.05)  # the previous month's results read too
        figures["board idle"] = time.perf_counter() - t0
        figures["board rows"] = len(board.graded.rows)
        await pilot.pause()
        await time_keys(pilot, frames, figures, trace)
        figures["board peak MB"] = peak_mb(figures)
        memory.stop()
        figures["board peak MB, RSS sampled (TUI + live workers)"] = memory.peak_rss
        figures["board peak MB, PSS sampled (TUI + live workers)"] = memory.peak_pss
        figures["board workers seen at once"] = memory.most_workers
    # not closed here: the app's thread workers (a previous month's read after the scheme keys)
    # may still query it; asyncio.run() joins them as it returns, then run_board closes it
    # (closing it here crashed SQLite in such a thread twice on a loaded machine)
    return figures, store


async def time_grading(pilot, board, t0: float, figures: dict[str, float], trace: bool) -> None:
    """ "2" pressed at ``t0`` → every scheme of the month graded (``board.graded.done``)."""
    await until(pilot, lambda: every_scheme_graded(board), every=0.05)
    figures["board fully graded"] = time.perf_counter() - t0
    if trace:
        import board_trace

        print("\n".join(board_trace.summary(t0, t0 + figures["board fully graded"])), flush=True)


async def time_keys(pilot, frames: Frames, figures: dict[str, float], trace: bool) -> None:
    keys_t0 = time.perf_counter()
    if os.environ.get("BENCH_SLOW_CALLBACKS"):  # which step of the event loop holds a key up
        import logging

        logging.basicConfig(level=logging.WARNING)
        asyncio.get_running_loop().set_debug(True)
        asyncio.get_running_loop().slow_callback_duration = 0.04
    await board_keys(pilot, frames, figures)
    if trace:
        import board_trace

        print("\n".join(board_trace.pauses(keys_t0, time.perf_counter())), flush=True)


def every_scheme_graded(board) -> bool:
    """Every scheme of the month graded, or failed with its error shown (``Graded.done``; before
    2026-12-01 it held between schemes too, and a poll landing there stopped the clock early)."""
    graded = board.graded
    return graded is not None and bool(board.schemes) and graded.done


async def first_frame_after(pilot, frames: Frames, t: float) -> float:
    await pilot.pause()
    return next((f for f in frames.times if f >= t), time.perf_counter())


async def board_keys(pilot, frames: Frames, figures: dict[str, float]) -> None:
    """Keys on the fully graded board: each one's time to its last frame."""
    KEY_CPU.clear()
    downs = [await timed_key(pilot, frames, "pagedown") for _ in range(20)]
    figures["board page-down"] = statistics.median(downs)
    figures["board page-down (slowest)"] = max(downs)
    figures["board page-down CPU (slowest)"] = max(KEY_CPU)
    _show_keys("page-downs", downs)
    sorts = [await timed_key(pilot, frames, "s") for _ in range(10)]  # each of the 5 sorts twice
    figures["board sort"] = statistics.median(sorts)
    figures["board sort (slowest)"] = max(sorts)
    figures["board sort CPU (slowest)"] = max(KEY_CPU[20:])
    _show_keys("sorts", sorts)
    teams = [await timed_key(pilot, frames, "t") for _ in range(5)]
    figures["board team"], figures["board team (slowest)"] = statistics.median(teams), max(teams)
    _show_keys("teams", teams)
    shown: list[float] = []
    schemes = [await timed_key(pilot, frames, "v", shown) for _ in range(3)]
    figures["board scheme"], figures["board scheme (slowest)"] = statistics.median(schemes), max(schemes)
    figures["board scheme, rows shown"] = statistics.median(shown)  # its first frame
    figures["board scheme, rows shown (slowest)"] = max(shown)
    _show_keys("schemes", schemes)


def _show_keys(what: str, times: list[float]) -> None:
    """Each key's wall and CPU milliseconds (BENCH_KEYS=1)."""
    if os.environ.get("BENCH_KEYS"):
        cpu = KEY_CPU[-len(times) :]
        print(f"{what} ms (wall/CPU):", " ".join(f"{w * 1000:.0f}/{c * 1000:.0f}" for w, c in zip(times, cpu)))


class MemorySampler:
    """The TUI process and every live process under it (the grading workers), sampled every ``every`` s
    from /proc: the peak of their summed RSS (a forked worker's shared pages counted in each
    process) and of their summed PSS (each shared page divided among the processes sharing
    it: what they cost the machine together). Linux only; zeros elsewhere."""

    def __init__(self, every: float = 0.1):
        import threading

        self.every, self.peak_rss, self.peak_pss, self.most_workers = every, 0.0, 0.0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            pids = [os.getpid(), *_descendants(os.getpid())]
            rss = pss = 0.0
            for pid in pids:
                mine = _rollup(pid)
                rss, pss = rss + mine.get("Rss", 0) / 1024, pss + mine.get("Pss", 0) / 1024
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.most_workers = max(self.most_workers, len(pids) - 1)


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (a forkserver's workers are its children, not the TUI's)."""
    found, todo = [], _children(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += _children(child)
    return found


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found = []
    for tid in tasks:
        try:
            found += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            continue
    return found


def _rollup(pid: int) -> dict[str, int]:
    """kB figures of /proc/PID/smaps_rollup ({} when the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    except OSError:
        return {}
    return {name.rstrip(":"): int(value) for name, value, *_ in (line.split() for line in lines)}


def peak_mb(figures: dict[str, float]) -> float:
    """This process's peak resident memory plus its (forked) grading workers' largest, x2 workers
    (an upper bound: a forked worker's resident pages include those it shares with the TUI).
    Only workers that have ended count here (``RUSAGE_CHILDREN``): the TUI's long-lived pool
    (cstui.grading_pool) still runs, so for the TUI this is its own peak; the sampled sums are
    the figure that counts its workers."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures["board peak MB (TUI process)"] = own
    figures["board peak MB (one worker)"] = workers
    return own + 2 * workers


def batch_dry_run(path: Path) -> float:
    """Seconds for batch's dry run of BOARD_MONTH, every scheme on the roster (CSV to /dev/null,
    automatic --jobs), as ``cstui --scheme S --period 2026-12`` would run it."""
    from cstui.batch import run_batch
    from cstui.domain import Period
    from cstui.schemes import load_scheme
    from cstui.store import Store

    t0 = time.perf_counter()
    with Store.open(path, create=False) as store, open(os.devnull, "w") as sink:
        saved, sys.stdout = sys.stdout, sink
        try:
            for name in store.roster_schemes():
                run_batch(store, load_scheme(name), Period.parse(BOARD_MONTH), fmt="csv", jobs=None)
        finally:
            sys.stdout = saved
    return time.perf_counter() - t0


def board_report(n: int, figures: dict[str, float], batch_s: float) -> bool:
    """Print the board's figures; False when a target is missed."""
    print(
        f"board at {n:,} employees, month {BOARD_MONTH} (resumed from 2026-11), 80x24, {figures['board rows']:,.0f} rows"
    )
    ok = True
    for key, value in figures.items():
        if key == "board rows":
            continue
        if key == "board workers seen at once":
            print(f"  {key:28} {value:8.0f}")
            continue
        target = BOARD_TARGETS.get(key)
        unit = "MB" if "MB" in key else "s" if value >= 1 else "ms"
        shown = f"{value:8.1f} MB" if unit == "MB" else f"{value:8.2f} s " if unit == "s" else f"{value * 1000:8.1f} ms"
        verdict = ""
        if target is not None:
            met = value < target
            ok &= met
            verdict = f"target < {target if unit == 'MB' else f'{target * 1000:.0f} ms'}: {'met' if met else 'NOT met'}"
        print(f"  {key:28} {shown}  {verdict}")
    ratio = figures["board fully graded"] / batch_s
    ok &= ratio <= 1.0
    print(f"  {'batch dry run, every scheme':28} {batch_s:8.2f} s   (same month, same process, right after)")
    print(f"  fully graded / batch dry run  x{ratio:.2f}  target <= x1.00: {'met' if ratio <= 1.0 else 'NOT met'}")
    print(f"  first rows / batch dry run    x{figures['board first rows'] / batch_s:.3f}")
    return ok


def run_board(n: int, trace: bool = False, answer: str | None = None) -> bool:
    """The board measured in this process, then the batch dry run; ``answer``: a JSON file the
    figures are written to as well (for :func:`repeat_board`)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_batch

    db, _files = bench_batch.cached_company(n)
    applied = bench_batch.applied_company(db)
    figures, store = asyncio.run(measure_board(applied, trace=trace))
    store.close()
    batch_s = batch_dry_run(applied)
    if answer:
        Path(answer).write_text(json.dumps({**figures, "batch dry run": batch_s}))
    return board_report(n, figures, batch_s)


REPEATED = (
    "board fully graded",
    "batch dry run",
    "ratio",
    "board first rows",
    "board page-down (slowest)",
)
REPEATED += ("board sort (slowest)", "board page-down CPU (slowest)", "board sort CPU (slowest)")
REPEATED += ("board page-down", "board sort", "board team", "board team (slowest)", "board scheme")
REPEATED += ("board scheme (slowest)", "board scheme, rows shown", "board scheme, rows shown (slowest)")


def repeat_board(n: int, repeats: int, trace: bool) -> bool:
    """The board measured ``repeats`` times, each in a fresh process (its own app, pool and batch
    run, as a single run); every run's figures, then their median and spread. False when a run
    misses the fully graded target."""
    runs = []
    for i in range(repeats):
        with tempfile.TemporaryDirectory(prefix="cstui-bench-tui-") as tmp:
            answer = Path(tmp) / "figures.json"
            command = [sys.executable, __file__, "--employees", str(n), "--skip-roster", "--answer", str(answer)]
            print(f"-- run {i + 1} of {repeats}, load average {os.getloadavg()[0]:.1f}", flush=True)
            subprocess.run(command + (["--trace"] if trace else []), check=False)
            if answer.exists():
                figures = json.loads(answer.read_text())
                figures["ratio"] = figures["board fully graded"] / figures["batch dry run"]
                runs.append(figures)
    return repeat_report(runs, repeats)


def repeat_report(runs: list[dict], repeats: int) -> bool:
    """One line per figure: each run, then the median, min and max (the spread)."""
    print(f"board over {len(runs)} of {repeats} runs (each in a fresh process)")
    if not runs:
        return False
    heads = [f"run {i}" for i in range(1, len(runs) + 1)] + ["median", "min", "max"]
    print(f"  {'':30}" + "".join(f"{h:>9}" for h in heads))
    for key in REPEATED:
        values = [f[key] for f in runs if key in f]
        if not values:
            continue
        shown = values + [statistics.median(values), min(values), max(values)]
        print(f"  {key.removeprefix('board '):30}" + "".join(f"{_shown(key, v):>9}" for v in shown))
    met = sum(f["ratio"] <= 1.0 for f in runs)
    print(f"  fully graded within the batch dry run (ratio <= x1.00) in {met} of {len(runs)} runs")
    return met == len(runs) == repeats


def _shown(key: str, value: float) -> str:
    return f"x{value:.2f}" if key == "ratio" else f"{value:.2f}s" if value >= 1 else f"{value * 1000:.0f}ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--skip-roster", action="store_true", help="only the board")
    parser.add_argument("--skip-board", action="store_true", help="only the roster")
    parser.add_argument("--repeats", type=int, default=1, help="board runs, each in a fresh process")
    parser.add_argument("--trace", action="store_true", help="where the board's fully graded time goes")
    parser.add_argument("--answer", help=argparse.SUPPRESS)  # a repeated run's figures, as JSON
    args = parser.parse_args(argv)
    os.environ.setdefault("CSTUI_TODAY", "2026-11-15")
    print(
        f"bench_tui: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f}"
    )
    failed = False
    if not args.skip_board and args.repeats > 1:
        failed |= not repeat_board(args.employees, args.repeats, args.trace)
    elif not args.skip_board:
        failed |= not run_board(args.employees, args.trace, args.answer)
    if not args.skip_roster:
        failed |= roster_bench(args)
    return 1 if failed else 0


def roster_bench(args) -> bool:
    """The roster's figures (as before the board was measured here); True when one is slow."""
    with tempfile.TemporaryDirectory(prefix="cstui-bench-") as tmp:
        t0 = time.perf_counter()
        big = build_db(Path(tmp) / "big.db", args.employees)
        setup = time.perf_counter() - t0
        small = build_db(Path(tmp) / "small.db", args.baseline)
        asyncio.run(measure(small))  # warm-up: imports, CSS parsing, plugin discovery
        base = asyncio.run(measure(small))
        result = asyncio.run(measure(big))
        print(f"setup: {args.employees:,} employees inserted in {setup:.2f} s")
        print(
            f"COUNT(*): {count_query(big) * 1000:.2f} ms at {args.employees:,}, {count_query(small) * 1000:.2f} ms at {args.baseline:,}"
        )
        print(f"{'measure':22} {args.employees:>10,} {args.baseline:>10,}  ratio   target")
        failed = False
        for key, value in result.items():
            target = TARGETS.get(key)
            verdict = "" if target is None else ("ok" if value < target else "SLOW")
            failed |= verdict == "SLOW"
            target_text = "" if target is None else f"< {target * 1000:.0f} ms"
            print(
                f"{key:22} {value * 1000:8.1f} ms {base[key] * 1000:7.1f} ms  {value / base[key]:5.2f}  {target_text} {verdict}"
            )
    return failed


if __name__ == "__main__":
    sys.exit(main())
