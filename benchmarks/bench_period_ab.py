"""Before/after in one run, for a resumed month: the dry run against the plain sqlite3 read of
its rows, and ``--apply`` against the dry run (issue 14's targets x2 and x2), two source trees
alternating, each run a fresh child process timed in CPU seconds (user + system, os.wait4).

    git archive main | tar -x -C /tmp/before        # the tree to compare against
    python benchmarks/bench_period_ab.py --before /tmp/before --after . --employees 20000 --rounds 3

The company is bench_batch.py's cached applied one (2026-09 and 2026-11 applied), copied here
first: the cache is never opened in place (a WAL database writes beside itself when opened).
Each tree runs its own cstui and plugins (a folder of links named as the installed packages,
first on PYTHONPATH), through the after tree's benchmarks/bench_batch.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_before_after import fresh  # a fresh copy of the cached company (its WAL files gone)

SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi")
MONTH = "2026-12"
MONTH_BEFORE = "2026-11"  # applied in the cached company, as MONTH is not


def packages(tree: Path, into: Path) -> Path:
    """A folder whose cstui, cstui_plugins and cstui_schemes are ``tree``'s."""
    into.mkdir(parents=True, exist_ok=True)
    for name, folder in (("cstui", "cstui"), ("cstui_plugins", "plugins"), ("cstui_schemes", "schemes")):
        (into / name).symlink_to(tree.resolve() / folder)
    return into


def cpu_seconds(path: Path | None, args: list[str], cwd: Path) -> float:
    """CPU seconds of the operation alone in a fresh child (start-up and imports not counted)."""
    env = dict(os.environ, PYTHONPATH=str(path) if path else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    return float(done.stdout.split()[-1])


def child(op: str, db: str, scheme_name: str, month: str) -> None:
    """One operation, timed in this process's CPU seconds: the sqlite3 read, a dry run or an apply."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_batch

    from cstui.batch import run_batch
    from cstui.domain import Period
    from cstui.schemes import load_scheme
    from cstui.store import Store

    scheme = load_scheme(scheme_name) if op != "sqlite3" else None
    started = time.process_time()
    if op == "sqlite3":
        bench_batch.op_baseline_resumed(Path(db), scheme_name, month)
    else:
        with Store.open(db) as store, open(os.devnull, "w") as sink:
            saved, sys.stdout = sys.stdout, sink
            try:
                run_batch(store, scheme, Period.parse(month), fmt="csv", apply=op == "apply", jobs=1)
            finally:
                sys.stdout = saved
    print(f"{time.process_time() - started:.4f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--schemes", default=",".join(SCHEMES))
    parser.add_argument(
        "--own-checkpoints",
        action="store_true",
        help="each tree first applies the month before again (untimed), so the month measured "
        "resumes from checkpoints in that tree's own layout, not the cache's",
    )
    options = parser.parse_args()
    cached = Path(tempfile.gettempdir()) / f"cstui-bench-{options.employees}-m011" / "applied.db"
    scratch = Path(tempfile.mkdtemp(prefix="cstui-period-ab-"))
    try:
        applied = fresh(cached, scratch / "applied.db")
        trees = {
            name: packages(Path(tree), scratch / name)
            for name, tree in (("before", options.before), ("after", options.after))
        }
        bases = {name: applied for name in trees}
        if options.own_checkpoints:
            bases = {
                name: own_checkpoints(applied, scratch / f"{name}.db", path, options) for name, path in trees.items()
            }
        times: dict[str, list[float]] = {}
        for _ in range(options.rounds):
            for scheme in options.schemes.split(","):
                run = lambda label, path, args: times.setdefault(label, []).append(cpu_seconds(path, args, scratch))  # noqa: E731
                run(f"{scheme} sqlite3", trees["after"], ["sqlite3", str(applied), scheme, MONTH])
                for name, path in trees.items():
                    run(f"{scheme} dry {name}", path, ["dry", str(bases[name]), scheme, MONTH])
                    run(
                        f"{scheme} apply {name}",
                        path,
                        ["apply", str(fresh(bases[name], scratch / "work.db")), scheme, MONTH],
                    )
        report(times, options.schemes.split(","))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def own_checkpoints(applied: Path, db: Path, tree: Path, options) -> Path:
    """A copy of ``applied`` whose month before MONTH was applied again by ``tree`` (its
    checkpoints then in that tree's layout, as a month applied after an upgrade finds them)."""
    fresh(applied, db)
    for scheme in options.schemes.split(","):
        cpu_seconds(tree, ["apply", str(db), scheme, MONTH_BEFORE], db.parent)
    conn = sqlite3.connect(db)  # everything into the file: the copies take the file alone
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return db


def report(times: dict[str, list[float]], schemes: list[str]) -> None:
    for label, runs in times.items():
        print(f"{label:<34} median {statistics.median(runs):6.2f} s CPU   runs {' '.join(f'{r:.2f}' for r in runs)}")
    med = {label: statistics.median(runs) for label, runs in times.items()}
    for scheme in schemes:
        for name in ("before", "after"):
            dry, apply = med[f"{scheme} dry {name}"], med[f"{scheme} apply {name}"]
            print(
                f"{scheme:<16} {name:<6} dry / sqlite3 x{dry / med[f'{scheme} sqlite3']:.2f}   apply / dry x{apply / dry:.2f}"
            )


if __name__ == "__main__":
    main()
