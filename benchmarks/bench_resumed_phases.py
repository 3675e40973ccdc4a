"""Where a resumed month's time goes, phase by phase, beside the sqlite3 read of the same rows.

    python benchmarks/bench_resumed_phases.py --employees 20000
    python benchmarks/bench_resumed_phases.py --employees 100000 --schemes star-levels --repeats 1

On bench_batch.py's cached company with 2026-09 and 2026-11 applied (its ``applied.db``, read
only; run bench_batch.py once first), grading month 2026-12 (or ``--period``) the way
``cstui batch --jobs 1`` does, one phase at a time, in this process (best of ``--repeats``,
CPU seconds, so a loaded machine's waits are left out):

- start-up: importing cstui's batch path and loading the scheme (a fresh process each repeat);
- read: ``grading_columns.team_histories`` (each team's members, checkpoint and cards);
- columns: ``grading_columns.split_by_columns``, the rows a model's ``grade_columns`` grades a
  team at once (their card check included; 0 for a model without the method);
- screen: ``engine.cards.screen_history`` (the card check) of the rows left per card;
- grade: the model's ``grade`` without traces (a dry run's CSV report has none) of those rows;
- report: the CSV report of the results, written to /dev/null as the batch writes it
  (``write_result_csv``, straight from the Results; ``as_record`` + ``write_csv`` for a tree
  from before it);
- baseline: bench_batch.py's ``baseline-resumed`` read (checkpoints decoded, cards gathered
  into dicts), in this process.

Each line ends with the rows graded and how many of them went per card (``per card``: the
rows ``grade_columns`` left, or a whole team it declined): a column path that leaves more rows
at one size than another shows there, not as a phase's seconds alone.

The phases add up to about what bench_batch.py's dry run takes, without the garbage collector's
share (the run's own, tuned by ``cstui.batch.fewer_collections``, is on during each phase here).
Issue 14's target for the whole: at most x2 the baseline. Each scheme is measured twice in
the same process, alternating: as the batch grades (``cstui``) and with ``split_by_columns``
switched off (``per card``: every row per card, as before the column-wise month).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_batch  # noqa: E402  (the cached company and its baseline read)

STARTUP = (
    "import time\n"
    "from cstui.batch import run_batch\n"
    "from cstui.schemes import load_scheme\n"
    "from cstui.store import Store\n"
    "load_scheme({scheme!r})\n"
    "print(time.process_time())\n"
)


def _cpu_of(code: str) -> float:
    env = bench_batch.child_env()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return float(done.stdout)


def startup_cpu(scheme: str, repeats: int) -> float:
    """CPU of a process that imports cstui's batch path and loads ``scheme``, less ``python -c pass``."""
    bare = min(_cpu_of("import time; print(time.process_time())") for _ in range(repeats))
    return min(_cpu_of(STARTUP.format(scheme=scheme)) for _ in range(repeats)) - bare


def phases(db: Path, scheme_name: str, period_text: str, repeats: int) -> dict[str, dict[str, float]]:
    """Each phase's CPU seconds, best of ``repeats``, with the column-wise month on and off."""
    from cstui.domain import Period
    from cstui.schemes import load_scheme
    from cstui.store import Store

    scheme, period = load_scheme(scheme_name), Period.parse(period_text)
    best: dict[str, dict[str, float]] = {"cstui": {}, "per card": {}}
    with Store.open(db) as store, _collections():
        for _ in range(repeats):
            for way, spent in best.items():
                for phase, seconds in _one_round(store, scheme, period, columns=way == "cstui").items():
                    spent[phase] = min(spent.get(phase, float("inf")), seconds)
            started = time.process_time()
            bench_batch.op_baseline_resumed(db, scheme_name, period_text)
            for spent in best.values():
                spent["baseline"] = min(spent.get("baseline", float("inf")), time.process_time() - started)
    return best


def _collections():
    """The run's garbage collector settings (``cstui.batch.fewer_collections``; Python's
    defaults with a cstui from before it, for an A/B against an older tree)."""
    try:
        from cstui.batch import fewer_collections
    except ImportError:
        return contextlib.nullcontext()
    return fewer_collections()


def _one_round(store, scheme, period, columns: bool) -> dict[str, float]:
    """The phases' CPU over one run, team by team as the batch goes (one team alive at a time)."""
    from cstui import grading
    from cstui.engine.cards import screen_history
    from cstui.grading_columns import team_histories
    from cstui.io import report

    split_by_columns = getattr(grading, "split_by_columns", None) if columns else None
    spent = dict.fromkeys(("read", "columns", "screen", "grade", "report", "rows", "left"), 0.0)
    teams = team_histories(store, scheme, period, None, apply=False)
    with open(os.devnull, "w") as sink:
        while True:
            started = time.process_time()
            history = next(teams, None)
            read = time.process_time()
            spent["read"] += read - started
            if history is None:
                return spent
            split = split_by_columns(scheme, history, period, apply=False, explain=False) if split_by_columns else None
            split_done = time.process_time()
            rest = split.rest if split else history
            spent["rows"] += len(split.graded) if split else len(history.employees)
            spent["left"] += len(rest.employees)
            screened = screen_history(scheme, rest, period)[0] if rest.employees else rest
            checked = time.process_time()
            results = (
                grading._graded(scheme.model, scheme, screened, period, apply=False, explain=False)[0]
                if rest.employees
                else []
            )
            results = split.merged(results) if split else results
            graded = time.process_time()
            _write_report(report, results, sink)
            spent["columns"] += split_done - read
            spent["screen"] += checked - split_done
            spent["grade"] += graded - checked
            spent["report"] += time.process_time() - graded


def _write_report(report, results: list, sink) -> None:
    """The dry run's CSV report of ``results``, as ``cstui.batch`` writes it (an older tree: its records)."""
    if hasattr(report, "write_result_csv"):
        report.write_result_csv(results, False, sink)
    else:
        report.write_csv((r.as_record(False) for r in results), report.columns_for(False), sink)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--schemes", default=",".join(bench_batch.SCHEMES))
    parser.add_argument("--period", default=bench_batch.GRADE_MONTH)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", type=Path, help="a copy of the cached applied.db to read instead (a shared cache)")
    options = parser.parse_args()
    db = options.db or Path(bench_batch.cached_company(options.employees)[0]).with_name("applied.db")
    if options.db is None and not db.with_name("applied-ready").exists():
        raise SystemExit(f"{db} is not set up: run bench_batch.py --employees {options.employees} once first")
    print(f"resumed {options.period}, {options.employees:,} employees, CPU seconds, best of {options.repeats}")
    names = ("start-up", "read", "columns", "screen", "grade", "report")
    heads = f"{'sum':>8}{'baseline':>10}{'ratio':>8}{'rows':>9}{'per card':>10}"
    print(f"{'scheme':<26}" + "".join(f"{n:>9}" for n in names) + heads)
    for scheme in options.schemes.split(","):
        startup = startup_cpu(scheme, options.repeats)
        for way, cpu in phases(db, scheme, options.period, options.repeats).items():
            cpu = {"start-up": startup, **cpu}
            base, rows, left = cpu.pop("baseline"), cpu.pop("rows"), cpu.pop("left")
            total = sum(cpu.values())
            cells = "".join(f"{cpu[k]:>9.3f}" for k in names)
            counts = f"{rows:>9,.0f}{left:>10,.0f}"
            print(f"{scheme + ', ' + way:<26}{cells}{total:>8.3f}{base:>10.3f}{total / base:>7.1f}x{counts}")


if __name__ == "__main__":
    main()
