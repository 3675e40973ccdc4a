"""The least an ``--apply`` can cost with the rows it stores today, in whole processes, wall seconds.

    python benchmarks/bench_apply_floor.py --employees 100000            # every built-in scheme
    python benchmarks/bench_apply_floor.py --schemes five-tier --rounds 5

Issue 14's target is ``--apply`` of a resumed month <= x2 its dry run. Per scheme, alternating
rounds (medians printed), each a fresh child process as ``bench_batch.py`` runs them:

- dry: the dry run of 2026-12 (``--jobs 1``, CSV to /dev/null) on the cached applied company;
- apply: its ``--apply`` on a fresh copy (the first round's database is kept as the source);
- floor: the rows that apply wrote (its results, audit rows and checkpoints) written again into a
  fresh copy by plain sqlite3, connected as the store connects, in one transaction, committed
  (``bench_batch.py``'s ``baseline-write``): its run that writes, less its run that only reads them.

``dry + floor`` over the dry run is the smallest apply/dry ratio those rows allow, however fast
the Python that builds them: over x2, the target needs fewer bytes stored, not faster code.
The cached company comes from ``bench_batch.py --employees N`` (run it once first).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

import bench_batch
from bench_batch import GRADE_MONTH as MONTH
from bench_batch import floor_runs, keep_applied, measure


def rounds_of(cached: Path, work: Path, scheme: str, rounds: int) -> dict[str, float]:
    """Median seconds of the dry run, the apply and the floor's two runs, ``rounds`` alternating."""
    source = work / f"{scheme}-applied.db"
    seconds: dict[str, list[float]] = {"dry": [], "apply": [], "read": [], "write": []}
    for _ in range(rounds):
        seconds["dry"].append(measure("grade", cached, scheme, MONTH, "dry", "1", fresh_copy=False)["seconds"])
        seconds["apply"].append(measure("grade", cached, scheme, MONTH, "apply", "1", work=work)["seconds"])
        if not source.exists():  # the first apply's database: what the floor writes again
            keep_applied(work, source)
        read, write = floor_runs(cached, source, scheme, MONTH, work)
        seconds["read"].append(read)
        seconds["write"].append(write)
    return {part: statistics.median(values) for part, values in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--schemes", default=",".join(bench_batch.SCHEMES))
    options = parser.parse_args()
    company = Path(tempfile.gettempdir()) / f"cstui-bench-{options.employees}-{bench_batch.LAYOUT}"
    cached = company / "applied.db"
    if not cached.exists():
        raise SystemExit(f"no {cached}: run benchmarks/bench_batch.py --employees {options.employees} first")
    bench_batch.warm_bytecode()
    work = Path(tempfile.mkdtemp(prefix="cstui-apply-floor-"))
    print(f"--apply of {MONTH}, {options.employees:,} employees, whole processes, wall s (medians of {options.rounds})")
    try:
        for scheme in options.schemes.split(","):
            m = rounds_of(cached, work, scheme, options.rounds)
            floor = m["write"] - m["read"]
            print(
                f"{scheme:16} dry {m['dry']:6.2f}   apply {m['apply']:6.2f} (x{m['apply'] / m['dry']:.2f})   "
                f"floor {floor:6.2f}   dry + floor x{(m['dry'] + floor) / m['dry']:.2f}",
                flush=True,
            )
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
