"""Before/after in one run: bench_batch's import (and its csv + executemany baseline) and full-replay
dry runs of two source trees, alternating, each run a fresh child process timed in CPU seconds
(user + system, os.wait4): on a shared machine CPU time moves less than wall time.

    git archive main | tar -x -C /tmp/before        # the tree to compare against
    TMPDIR=/tmp/mine python benchmarks/bench_before_after.py --before /tmp/before --after . \\
        --employees 20000 --rounds 4 --ops import,star-levels

The company is bench_batch.py's cached one (build it first: bench_batch.py --employees N).
Each tree's own benchmarks/bench_batch.py runs its operation; the plugins are the installed ones.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi")
IMPORT_MONTH, GRADE_MONTH = "2027-01", "2026-12"


def cpu_seconds(tree: str, args: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(Path(tree).resolve()))
    child = subprocess.Popen(
        [sys.executable, f"{tree}/benchmarks/bench_batch.py", "--child", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{tree}: {' '.join(args)} failed: {out!r}")
    return usage.ru_utime + usage.ru_stime


def fresh(db: Path, work: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, work)
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--ops", default="import,star-levels", help="import and/or scheme names (a full-replay dry run of 2026-12)"
    )
    options = parser.parse_args()
    folder = Path(tempfile.gettempdir()) / f"cstui-bench-{options.employees}-m011"
    db, work = folder / "company.db", Path(tempfile.mkdtemp(prefix="cstui-ab-")) / "work.db"
    pairs = [f"{s}={folder}/{s}-{IMPORT_MONTH}.csv" for s in SCHEMES]
    trees, times = {"before": options.before, "after": options.after}, {}
    for _ in range(options.rounds):
        for op in options.ops.split(","):
            if op == "import":
                times.setdefault("baseline-import", []).append(
                    cpu_seconds(options.after, ["baseline-import", str(fresh(db, work)), *pairs])
                )
                for name, tree in trees.items():
                    times.setdefault(f"import {name}", []).append(
                        cpu_seconds(tree, ["import", str(fresh(db, work)), *pairs])
                    )
            else:
                for name, tree in trees.items():
                    times.setdefault(f"{op} full replay {name}", []).append(
                        cpu_seconds(tree, ["grade", str(db), op, GRADE_MONTH, "dry", "1"])
                    )
    shutil.rmtree(work.parent, ignore_errors=True)
    for label, runs in times.items():
        print(
            f"{label:<36} median {statistics.median(runs):6.2f} s CPU, min {min(runs):5.2f}   runs {' '.join(f'{r:.2f}' for r in runs)}"
        )
    if "baseline-import" in times:
        base = times["baseline-import"]
        for name in trees:
            mine = times[f"import {name}"]
            print(
                f"import ratio {name}: x{statistics.median(mine) / statistics.median(base):.2f} the baseline (medians), x{min(mine) / min(base):.2f} (minima)"
            )


if __name__ == "__main__":
    main()
