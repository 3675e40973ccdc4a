"""History benchmark: one employee's history at company scale (issue 10: under 200 ms at 100,000).

    python benchmarks/bench_history.py                     # 100,000 employees x 24 months
    python benchmarks/bench_history.py --employees 20000   # smaller
    python benchmarks/bench_history.py --baseline 2000     # the small company it is compared with

Uses bench_batch.py's cached company (teams of 100, a quarter of the teams on each of
star-levels, assistant-class, five-tier and ecommerce-kpi, 24 months of scorecards) with 2026-09
and 2026-11 applied (results and checkpoints; its ``applied.db``, built once, not timed), on a
copy of which 2026-09 is closed. The history is told as of 2026-12 (twelve months back to
2026-01: one closed month shown from its recorded results, the rest graded now).

Measures, in one process after a warm-up, for a few employees of each scheme spread over the
company: ``story``, the core's :func:`cstui.story.tell_story` with the level now (everything the
screen shows), and ``screen``, the HistoryScreen pushed in a headless Pilot app until its table
and then its chart are painted (the team's ranks of a person graded alone come after, from
another worker, and are not waited for), with the UI thread's CPU time over that span
(``ui cpu``: thread time, what the app's own thread spent whatever the load) and the process's
CPU time (``cpu``: every thread, the story's worker included: about the wall clock of an idle
machine, as the threads share one interpreter); the app keeps
its history screen and shows it again for the next person, so ``first opening`` (the app's
first history: its screen composed) is also shown on its own; it is timed once the app has
imported the screens' modules in a thread after start-up (``CstuiApp.warmed``, a second after
the first screen is up: a user takes longer than that to reach a person). Prints the median and slowest per scheme (wall clock, and the story's CPU time: on a shared
machine the wall clock mostly measures the others), at N and at the baseline size, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_batch  # noqa: E402  (the cached company and its applied copy)

UNTIL = "2026-12"
CLOSED = "2026-09"
TARGET_S = 0.200
PICKS = 4  # employees per scheme, spread over the company's teams


def prepared(n: int) -> Path:
    """A copy of the applied company with CLOSED closed (cached beside it)."""
    db, _files = bench_batch.cached_company(n)
    applied = bench_batch.applied_company(db)
    ready = applied.with_name("history-ready")
    path = applied.with_name("history.db")
    if not ready.exists():
        from cstui.domain import Period
        from cstui.store import Store

        shutil.copyfile(applied, path)
        with Store.open(path) as store:
            store.close_period(Period.parse(CLOSED))
        ready.write_text("ok")
    return path


def picks(n: int) -> dict[str, list[str]]:
    """A few employee ids per scheme: the first of teams spread from the first to the last."""
    teams = n // bench_batch.TEAM_SIZE
    chosen: dict[str, list[str]] = {s: [] for s in bench_batch.SCHEMES}
    for k, scheme in enumerate(bench_batch.SCHEMES):
        candidates = list(range(k, teams, len(bench_batch.SCHEMES)))
        for team_no in candidates[:: max(1, len(candidates) // PICKS)][:PICKS]:
            chosen[scheme].append(f"E{team_no * bench_batch.TEAM_SIZE + 7:06d}")
    return chosen


def time_stories(path: Path, chosen: dict[str, list[str]]) -> dict[str, list[float]]:
    from cstui.domain import Period
    from cstui.store import Store
    from cstui.story import tell_story
    from cstui.tui.context import AppContext

    times: dict[str, list[float]] = {}
    with Store.open(path) as store:
        ctx = AppContext(store=store, period=Period.parse(UNTIL))
        for scheme, ids in chosen.items():
            for employee_id in ids:
                started, cpu = time.perf_counter(), time.process_time()
                story = tell_story(store, ctx.try_scheme, ctx.levels.one, employee_id, Period.parse(UNTIL))
                times.setdefault(scheme, []).append(time.perf_counter() - started)
                times.setdefault(f"{scheme} cpu", []).append(time.process_time() - cpu)
                assert story.decisions and not story.problem, (employee_id, story.problem)
    return times


async def time_screens(path: Path, chosen: dict[str, list[str]]) -> dict[str, list[float]]:
    """Push the history screen and wait until its decisions table and chart are painted."""
    from cstui.domain import Period
    from cstui.store import Store
    from cstui.tui.app import CstuiApp
    from cstui.tui.context import AppContext
    from cstui.tui.navigation import make_screen

    times: dict[str, list[float]] = {}
    with Store.open(path) as store:
        app = CstuiApp(AppContext(store=store, period=Period.parse(UNTIL), lang="en"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            # a person is reached a second or more after start-up: by then the app has imported
            # the history's modules in a thread (CstuiApp._warm_screens), as it does for a user
            await asyncio.to_thread(app.warmed.wait, 10)
            for scheme, ids in chosen.items():
                for employee_id in ids:
                    started, ui_cpu, cpu = time.perf_counter(), time.thread_time(), time.process_time()
                    app.push_screen(make_screen(app.ctx, "history", employee_id))
                    while getattr(app.screen, "painted", None) is None:  # the table painted, then the chart
                        await asyncio.sleep(0.002)
                    times.setdefault(scheme, []).append(time.perf_counter() - started)
                    times.setdefault(f"{scheme} ui cpu", []).append(time.thread_time() - ui_cpu)
                    times.setdefault(f"{scheme} cpu", []).append(time.process_time() - cpu)
                    if "first opening" not in times:  # the app's first history composes its screen
                        for suffix in ("", " ui cpu", " cpu"):
                            times[f"first opening{suffix}"] = times[f"{scheme}{suffix}"][:]
                    app.pop_screen()
                    await pilot.pause()
    return times


def measure(n: int) -> dict[str, dict[str, list[float]]]:
    path = prepared(n)
    chosen = picks(n)
    time_stories(path, {s: ids[:1] for s, ids in chosen.items()})  # warm-up: imports, scheme loading
    return {"story": time_stories(path, chosen), "screen": asyncio.run(time_screens(path, chosen))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("CSTUI_TODAY", "2027-01-15")
    big, small = measure(args.employees), measure(args.baseline)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"history of one employee as of {UNTIL} (12 months shown, {CLOSED} closed), ms; load average {load:.1f}")
    print(f"{'measure':28} {args.employees:>16,} {args.baseline:>16,}  ratio  target")
    slow = False
    for kind in ("story", "screen"):
        names = [*bench_batch.SCHEMES, "first opening"]
        for scheme in [s for name in names for s in (name, f"{name} cpu", f"{name} ui cpu")]:
            if scheme not in big[kind]:
                continue
            a, b = big[kind][scheme], small[kind][scheme]
            med_a, med_b = statistics.median(a), statistics.median(b)
            verdict = "ok" if max(a) < TARGET_S else "SLOW"
            slow |= verdict == "SLOW"
            print(
                f"{kind + ' ' + scheme:28} {med_a * 1000:7.1f} (max {max(a) * 1000:5.1f}) "
                f"{med_b * 1000:7.1f} (max {max(b) * 1000:5.1f})  {med_a / med_b:5.2f}  < {TARGET_S * 1000:.0f} ms {verdict}"
            )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
