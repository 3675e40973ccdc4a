"""cstui against an analyst's pandas and polars script of the same rules (issue 14).

    python benchmarks/bench_baseline.py --check --employees 500     # equal answers only, no timing
    python benchmarks/bench_baseline.py --employees 2000            # check, then time
    python benchmarks/bench_baseline.py                             # 100,000 employees x 24 months
        --schemes star-levels,five-tier,ecommerce-kpi   --repeats 5

Needs the optional extra: ``pip install -e '.[bench]'`` (pandas, polars, numpy).

Uses bench_batch.py's cached company ($TMPDIR/cstui-bench-N/: N employees x 24 months, a
quarter of the teams on each built-in scheme) and its ``applied.db`` (2026-09 and 2026-11
applied, so grading 2026-12 resumes from the 2026-11 checkpoints).

For each scheme and the month 2026-12 (it closes Q4, so the quarterly schemes review):

1. **Check.** cstui grades the month (``graded_results``, one process, no trace) as a full
   replay of 24 months (company.db) and resumed from the checkpoints (applied.db); the pandas
   and the polars baselines (benchmarks/analyst/, written from domain.md and the TOML, nothing
   imported from cstui) compute it from the rows. Score, level before and after, decision and
   rank must be equal for every employee; the first differences are printed and the run exits 1.
2. **Time** (not with --check), in this one process, alternating the runs in rotating order,
   ``--repeats`` rounds, medians: cstui ``run_batch`` dry run, CSV report to /dev/null,
   ``--jobs 1`` (full replay and resumed); each baseline reading the SQLite file to its result
   table. Imports are done before timing (for both). Prints cstui / polars and cstui / pandas.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batch  # noqa: E402  (the cached company)
from analyst import params as analyst_params  # noqa: E402
from analyst import rough  # noqa: E402

PERIOD = bench_batch.GRADE_MONTH
DEFAULT_SCHEMES = ("star-levels", "five-tier", "ecommerce-kpi")
SHOWN_DIFFERENCES = 10


# ------------------------------------------------------------------------------ the contestants


def baseline(library: str, scheme: str):
    """A function db -> (result table, scale) for the scheme, in pandas or polars."""
    if library == "pandas":
        from analyst import with_pandas as impl
    else:
        from analyst import with_polars as impl
    if scheme == "star-levels":
        rules = analyst_params.StarRules.load(scheme)
        return lambda db: impl.star_levels(db, PERIOD, rules, scheme)
    rules = analyst_params.TierRules.load(scheme)
    return lambda db: impl.five_tier(db, PERIOD, rules, scheme)


def cstui_results(db: Path, scheme_name: str) -> list:
    from cstui.domain import Period
    from cstui.grading import graded_results
    from cstui.schemes import load_scheme
    from cstui.store import Store

    with Store.open(db) as store:
        graded = graded_results(store, load_scheme(scheme_name), Period.parse(PERIOD), explain=False, jobs=1)
        return [result for team in graded for result in team.results]


def cstui_dry_run(db: Path, scheme_name: str) -> None:
    """What bench_batch.py times: run_batch, dry, CSV to /dev/null, here in one process."""
    from cstui.batch import run_batch
    from cstui.domain import Period
    from cstui.schemes import load_scheme
    from cstui.store import Store

    with Store.open(db) as store, open(os.devnull, "w") as sink:
        saved, sys.stdout = sys.stdout, sink
        try:
            run_batch(store, load_scheme(scheme_name), Period.parse(PERIOD), fmt="csv", apply=False, jobs=1)
        finally:
            sys.stdout = saved


def rough_applied(company: Path, schemes: list[str]) -> Path:
    """The rough company with bench_batch's months applied through cstui (checkpoints to resume from)."""
    applied = company.with_name("rough-applied.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(applied) + suffix).unlink(missing_ok=True)
    shutil.copyfile(company, applied)
    for month in bench_batch.APPLIED:
        if month < PERIOD:
            for scheme in schemes:
                bench_batch.measure("grade", applied, scheme, month, "apply", "1", fresh_copy=False)
    return applied


# ------------------------------------------------------------------------------ equal answers


def as_rows(table) -> dict[str, dict]:
    rows = table.to_dicts() if hasattr(table, "to_dicts") else table.to_dict("records")
    return {row["employee_id"]: row for row in rows}


def _none(value):
    return None if value is None or value != value or str(value) == "<NA>" else value


def differences(results: list, table, scale: int) -> list[str]:
    """Every field where cstui and the baseline differ, one line each."""
    theirs = as_rows(table)
    places = len(str(scale)) - 1  # scales are powers of ten
    lines = []
    for r in results:
        row = theirs.pop(r.employee_id, None)
        if row is None:
            lines.append(f"{r.employee_id}: graded by cstui, not by the baseline")
            continue
        x = _none(row["score_x"])
        mine = {
            "score": None if x is None else Decimal(int(x)).scaleb(-places),
            "level_before": row["level_before"],
            "level_after": row["level_after"],
            "decision": row["decision"],
            "rank": None if _none(row["rank"]) is None else int(row["rank"]),
        }
        cstui = {
            "score": r.score,
            "level_before": r.level_before,
            "level_after": r.level_after,
            "decision": r.decision,
            "rank": r.rank,
        }
        for field, value in cstui.items():
            if value != mine[field]:
                lines.append(f"{r.employee_id} ({r.team}) {field}: cstui {value!s}, baseline {mine[field]!s}")
    lines.extend(f"{employee}: graded by the baseline, not by cstui" for employee in theirs)
    return lines


def check(scheme: str, company: Path, applied: Path | None) -> bool:
    started = time.perf_counter()
    replays = {"full replay": cstui_results(company, scheme)}
    if applied is not None:
        replays["resumed"] = cstui_results(applied, scheme)
    ok = True
    for library in ("polars", "pandas"):
        table, scale = baseline(library, scheme)(company)
        for how, results in replays.items():
            found = differences(results, table, scale)
            if found:
                ok = False
                print(
                    f"MISMATCH {scheme} {PERIOD}: cstui ({how}) and {library} differ in {len(found)} fields; the first:"
                )
                for text in found[:SHOWN_DIFFERENCES]:
                    print(f"    {text}")
    if ok:
        n = len(replays["full replay"])
        decisions = {}
        for r in replays["full replay"]:
            decisions[r.decision] = decisions.get(r.decision, 0) + 1
        spread = ", ".join(f"{k} {v:,}" for k, v in sorted(decisions.items()))
        print(
            f"equal: {scheme} {PERIOD}, {n:,} employees, cstui ({' and '.join(replays)}) = polars = pandas "
            f"on score, levels, decision, rank ({spread}; {time.perf_counter() - started:.1f} s)"
        )
    return ok


# ------------------------------------------------------------------------------ timing


def timed(run) -> float:
    gc.collect()
    started, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
    run()
    CPU.setdefault(run, []).append((time.process_time() - cpu, time.thread_time() - main))
    return time.perf_counter() - started


# run -> [(process CPU, this thread's CPU)] per round: on a busy machine the wall time says little;
# the CPU seconds say what each contestant costs, and this thread's what its critical path is
# (cstui reads the next block's numbers on a second thread; polars computes on its pool)
CPU: dict = {}


def time_scheme(scheme: str, company: Path, applied: Path | None, repeats: int) -> dict[str, float]:
    runs = {
        "cstui full replay": lambda: cstui_dry_run(company, scheme),
        "polars": lambda: baseline_polars[scheme](company),
        "pandas": lambda: baseline_pandas[scheme](company),
    }
    if applied is not None:
        runs["cstui resumed"] = lambda: cstui_dry_run(applied, scheme)
    baseline_polars[scheme] = baseline("polars", scheme)
    baseline_pandas[scheme] = baseline("pandas", scheme)
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(repeats):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:  # rotating order
            seconds[name].append(timed(runs[name]))
    for name, run in runs.items():
        cpu = CPU.pop(run, [])
        if cpu:
            CPU_MEDIANS[scheme, name] = tuple(statistics.median(c[i] for c in cpu) for i in (0, 1))
    return {name: statistics.median(values) for name, values in seconds.items()}


CPU_MEDIANS: dict[tuple[str, str], tuple[float, float]] = {}


baseline_polars: dict = {}
baseline_pandas: dict = {}


def report(scheme: str, medians: dict[str, float], repeats: int) -> None:
    for name, value in medians.items():
        cpu, main = CPU_MEDIANS.get((scheme, name), (0.0, 0.0))
        print(
            f"  {scheme:<14} {name:<18} {value:8.3f} s  (median of {repeats}; CPU {cpu:.3f} s, "
            f"of it the main thread {main:.3f} s)"
        )
    for cstui in ("cstui full replay", "cstui resumed"):
        if cstui in medians:
            print(
                f"  {scheme:<14} {cstui:<18} x{medians[cstui] / medians['polars']:6.2f} polars   "
                f"x{medians[cstui] / medians['pandas']:6.2f} pandas"
            )
    for cstui in ("cstui full replay", "cstui resumed"):
        if (scheme, cstui) in CPU_MEDIANS and (scheme, "polars") in CPU_MEDIANS:
            (cpu, main), (their_cpu, their_main) = CPU_MEDIANS[scheme, cstui], CPU_MEDIANS[scheme, "polars"]
            print(
                f"  {scheme:<14} {cstui:<18} CPU x{cpu / their_cpu:5.2f} polars's CPU; "
                f"main thread x{main / their_main:5.2f} polars's main thread"
            )


# ------------------------------------------------------------------------------ main


def main() -> int:
    global PERIOD
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--schemes", default=",".join(DEFAULT_SCHEMES))
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds (alternating order); medians")
    parser.add_argument("--check", action="store_true", help="equal answers only (no timing)")
    parser.add_argument(
        "--period",
        default=PERIOD,
        help=f"the month graded (default {PERIOD}; applied.db resumes from its checkpoint before it)",
    )
    parser.add_argument(
        "--rough",
        action="store_true",
        help="check on a rougher copy of the company (edges, gaps, new hires; analyst/rough.py)",
    )
    parser.add_argument(
        "--no-resumed", action="store_true", help="skip applied.db (its setup applies two months through cstui)"
    )
    options = parser.parse_args()
    PERIOD = options.period
    try:
        import numpy  # noqa: F401,E401
        import pandas
        import polars
    except ImportError as missing:
        print(f"needs the bench extra: pip install -e '.[bench]' ({missing})", file=sys.stderr)
        return 2
    company, _ = bench_batch.cached_company(options.employees)
    schemes = [s for s in options.schemes.split(",") if s]
    if options.rough:
        company = rough.rough_company(company)
        applied = None if options.no_resumed else rough_applied(company, schemes)
    else:
        applied = None if options.no_resumed else bench_batch.applied_company(company)
    print(
        f"cstui vs analyst baselines, {datetime.now():%Y-%m-%d %H:%M}, {platform.node()} ({platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"pandas {pandas.__version__}, polars {polars.__version__} ({polars.thread_pool_size()} threads), numpy {numpy.__version__})"
    )
    print(
        f"company: {options.employees:,} employees x {bench_batch.MONTHS} months; month {PERIOD}; cstui in one process (--jobs 1)"
    )
    ok = True
    for scheme in schemes:
        analyst_params.unsupported(company, scheme)
        ok = check(scheme, company, applied) and ok
    if not ok:
        print("FAILED: the baselines and cstui give different answers (see above)")
        return 1
    if options.check:
        return 0
    for scheme in schemes:
        report(scheme, time_scheme(scheme, company, applied, options.repeats), options.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
