"""TUI benchmark: the roster at 100,000 employees, driven headless with Textual's Pilot.

    /work/venv/bin/python benchmarks/bench_tui.py [--employees 100000] [--baseline 1000]

Measures, for a big and a small (baseline) database in the same process:
  first paint  app start → the roster painted with its first page   (target < 1 s)
  page-down    one PgDn keypress → the next screen painted          (target < 50 ms)
  filter       a filter applied → its result painted (no debounce)  (target < 200 ms)
and prints the figures with their ratio to the baseline, plus a plain COUNT(*) for scale.
Setup writes rows with direct SQLite inserts (the store API's audit trail would dominate).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
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


async def timed_key(pilot, frames: Frames, key: str) -> float:
    """Key press → last frame painted for it, without Pilot's idle-detection overhead."""
    t0 = time.perf_counter()
    pilot.app.simulate_key(key)
    await pilot.pause()
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("CSTUI_TODAY", "2026-11-15")
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
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
