"""Where ``--apply`` spends what the dry run does not: one month, one process, CPU seconds by part.

    python benchmarks/bench_apply_parts.py --employees 20000            # every built-in scheme
    python benchmarks/bench_apply_parts.py --schemes five-tier --rounds 3

On a fresh copy of bench_batch.py's cached applied company (2026-09 and 2026-11 applied; the
cache itself is never opened), each round runs the dry run of 2026-12 and then its ``--apply``
in this process (``--jobs 1``, CSV report to /dev/null), with the grading, encoding and recording
functions wrapped to add up their CPU time; the smallest of the rounds is printed per part.
Issue 14's target is apply <= x2 the dry run; ``bench_io.py`` measures that ratio in fresh
processes, this splits the difference into its parts:

- grade: the teams graded (the apply with traces and the checkpoint state, the dry run without);
- stored form: each result as its row (flags and trace as JSON); checkpoint JSON: each team's state;
- spool: pickling the teams to the spool file and reading them back (to record, to report);
- results + audit: the upsert of the rows, of which audit is the audit rows and their hash chain;
- checkpoints: their upsert and pruning; commit and the rest: BEGIN, the checks, COMMIT (the WAL
  written, and checkpointed into the database when it is full);
- report: the CSV written from the spool, its results decoded again (the dry run writes its
  report too, from the results as they are graded, inside its grading loop: part of this line
  is work the dry run does as well).

Then the floor: the rows that apply wrote (its results, audit rows and checkpoints, read back
from its database) written again into a fresh copy by plain sqlite3, no Python work at all
(executemany in one transaction, the store's pragmas, committed): what any ``--apply`` that
stores these rows pays however fast its Python. ``dry + floor`` over the dry run is the
smallest apply/dry ratio those rows allow, in this process (start-up is outside: a whole
process divides both by a little more).

The wrapping costs a little in every part; the figures are for comparing parts, not for the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench_batch import last_audit_id, write_rows, written_rows
from bench_before_after import fresh  # a fresh copy of the cached company (its WAL files gone)

SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi")
MONTH = "2026-12"
PARTS = (
    "grade",
    "stored form",
    "checkpoint JSON",
    "spool",
    "results + audit",
    "  of which audit",
    "checkpoints",
    "commit and the rest",
    "report",
)


class Clock:
    """CPU seconds added up per label by wrapped functions (a generator counts while it runs)."""

    def __init__(self):
        self.spent: dict[str, float] = defaultdict(float)

    def wrap(self, owner, name: str, label: str, generator: bool = False) -> None:
        original, spent = getattr(owner, name), self.spent

        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - started

        def timed_generator(*args, **kwargs):
            items = original(*args, **kwargs)
            while True:
                started = time.process_time()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    spent[label] += time.process_time() - started
                yield item

        setattr(owner, name, timed_generator if generator else timed)


def instrumented() -> Clock:
    import cstui.batch
    import cstui.grading
    from cstui.store import Store

    clock = Clock()
    for owner, name, label in (
        (cstui.grading, "grade_team", "grade"),
        (cstui.grading, "stored_result", "stored form"),
        (cstui.grading, "state_json", "checkpoint JSON"),
        (cstui.grading.Spool, "add", "spool add"),
        (cstui.grading, "_record_spools", "record"),
        (Store, "record_stored_results", "results + audit"),
        (Store, "_audit_many", "  of which audit"),
        (Store, "save_encoded_checkpoints", "checkpoints"),
        (cstui.batch._Report, "write_results", "report"),
    ):
        clock.wrap(owner, name, label)
    clock.wrap(cstui.grading.Spool, "_entries", "spool read", generator=True)
    return clock


def one_run(clock: Clock, db: Path, scheme, apply: bool) -> dict[str, float]:
    from cstui.batch import run_batch
    from cstui.domain import Period
    from cstui.store import Store

    clock.spent.clear()
    started = time.process_time()
    with Store.open(db) as store, open(os.devnull, "w") as sink:
        saved, sys.stdout = sys.stdout, sink
        try:
            run_batch(store, scheme, Period.parse(MONTH), fmt="csv", apply=apply, jobs=1)
        finally:
            sys.stdout = saved
    parts = dict(clock.spent, total=time.process_time() - started)
    if apply:
        spooled = parts.pop("spool add") - parts["stored form"] - parts["checkpoint JSON"]
        read = parts.pop("spool read")
        parts["spool"] = spooled + read
        # the record's own reading of the spool is in "spool"; its encoders ran when spooling
        record = parts.pop("record") - parts["results + audit"] - parts["checkpoints"]
        parts["commit and the rest"] = record - read / 2
        parts["report"] -= read / 2
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--schemes", default=",".join(SCHEMES))
    options = parser.parse_args()
    from cstui.schemes import load_scheme

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_batch  # the cache's folder follows its layout

    cached = Path(tempfile.gettempdir()) / f"cstui-bench-{options.employees}-{bench_batch.LAYOUT}" / "applied.db"
    work = Path(tempfile.mkdtemp(prefix="cstui-apply-parts-")) / "work.db"
    clock = instrumented()
    print(f"--apply of {MONTH} against its dry run, {options.employees:,} employees, one process, CPU s")
    print(f"  (smallest of {options.rounds} round(s); the parts are what the apply does beyond the dry run)")
    try:
        for name in options.schemes.split(","):
            scheme, runs = load_scheme(name), {"dry": [], "apply": []}
            for _ in range(options.rounds):
                runs["dry"].append(one_run(clock, fresh(cached, work), scheme, apply=False))
                audit_after = last_audit_id(fresh(cached, work))
                runs["apply"].append(one_run(clock, work, scheme, apply=True))
            written = written_rows(work, name, MONTH, audit_after)
            floor = min(write_rows(fresh(cached, work), written) for _ in range(options.rounds))
            report(name, *({k: min(r[k] for r in rs) for k in rs[0]} for rs in (runs["dry"], runs["apply"])))
            report_floor(runs["dry"], floor, written)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        work.parent.rmdir()


def report(name: str, dry: dict[str, float], apply: dict[str, float]) -> None:
    beyond = apply["total"] - dry["total"]
    print(f"\n{name}: dry {dry['total']:.3f}   apply {apply['total']:.3f}   x{apply['total'] / dry['total']:.2f}")
    print(f"  {'grade (dry run)':22} {dry['grade']:6.3f}")
    for part in PARTS:
        seconds = apply.get(part, 0.0) - (dry["grade"] if part == "grade" else 0.0)
        label = "grade beyond the dry" if part == "grade" else part
        print(f"  {label:22} {seconds:6.3f}   {seconds / beyond:4.0%} of the apply's extra {beyond:.3f}")


def report_floor(dry_runs: list[dict[str, float]], floor: float, written: dict[str, list[tuple]]) -> None:
    dry = min(run["total"] for run in dry_runs)
    counts = ", ".join(f"{len(rows):,} {table}" for table, rows in written.items())
    print(f"  floor: plain sqlite3 writing the same rows ({counts}): {floor:.3f}")
    print(f"  dry + floor = x{(dry + floor) / dry:.2f} the dry run: the least apply/dry these rows allow")


if __name__ == "__main__":
    main()
