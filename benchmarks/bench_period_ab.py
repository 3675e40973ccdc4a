"""Before/after in one run, for a resumed month: the dry run against the plain sqlite3 read of
its rows, and ``--apply`` against the dry run (issue 14's targets x2 and x2), two source trees
alternating, each run a fresh child process timed in CPU seconds (user + system, os.wait4).

    git archive main | tar -x -C /tmp/before        # the tree to compare against
    python benchmarks/bench_period_ab.py --before /tmp/before --after . --employees 20000 --rounds 3

The company is bench_batch.py's cached applied one (2026-09 and 2026-11 applied), each tree's
own: the cache of the layout its benchmarks/bench_batch.py names (``LAYOUT``: a tree whose
checkpoints are stored otherwise reads a company applied by its own cstui; build it first with
that tree's bench_batch.py), copied here first (the cache is never opened in place: a WAL
database writes beside itself when opened) and opened once by that tree's cstui, untimed (a
migration a copy needs runs there). The sqlite3 baseline reads each tree's copy: what that
tree's resumed month reads. Each tree runs its own cstui and plugins (a folder of links named
as the installed packages, first on PYTHONPATH), through the after tree's benchmarks/bench_batch.py.
"""

from __future__ import annotations

import argparse
import ast
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

    scheme = load_scheme(scheme_name) if op not in ("sqlite3", "open") else None
    started = time.process_time()
    if op == "open":  # untimed by the caller: the copy brought to this tree's schema
        Store.open(db).close()
    elif op == "sqlite3":
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
    scratch = Path(tempfile.mkdtemp(prefix="cstui-period-ab-"))
    try:
        sources = {"before": Path(options.before), "after": Path(options.after)}
        trees = {name: packages(tree, scratch / name) for name, tree in sources.items()}
        bases = {name: own_copy(sources[name], trees[name], scratch / f"{name}-applied.db", options) for name in trees}
        if options.own_checkpoints:
            bases = {
                name: own_checkpoints(bases[name], scratch / f"{name}.db", path, options)
                for name, path in trees.items()
            }
        times: dict[str, list[float]] = {}
        for _ in range(options.rounds):
            for scheme in options.schemes.split(","):
                run = lambda label, path, args: times.setdefault(label, []).append(cpu_seconds(path, args, scratch))  # noqa: E731
                for name, path in trees.items():
                    run(f"{scheme} sqlite3 {name}", trees["after"], ["sqlite3", str(bases[name]), scheme, MONTH])
                    run(f"{scheme} dry {name}", path, ["dry", str(bases[name]), scheme, MONTH])
                    run(
                        f"{scheme} apply {name}",
                        path,
                        ["apply", str(fresh(bases[name], scratch / "work.db")), scheme, MONTH],
                    )
        report(times, options.schemes.split(","))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def layout(tree: Path) -> str:
    """The ``LAYOUT`` a tree's benchmarks/bench_batch.py names (the folder of its cached company)."""
    source = (tree / "benchmarks" / "bench_batch.py").read_text()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "LAYOUT" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"{tree}: benchmarks/bench_batch.py names no LAYOUT")


def own_copy(tree: Path, path: Path, into: Path, options) -> Path:
    """A copy of the tree's own cached applied company, opened once by the tree's cstui (untimed)."""
    cached = Path(tempfile.gettempdir()) / f"cstui-bench-{options.employees}-{layout(tree)}" / "applied.db"
    if not cached.exists():
        raise SystemExit(
            f"{cached} is not set up: run {tree}/benchmarks/bench_batch.py --employees {options.employees}"
        )
    print(f"{tree}: {cached}", flush=True)
    fresh(cached, into)
    cpu_seconds(path, ["open", str(into), "-", MONTH], into.parent)
    return into


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
            own, before = med[f"{scheme} sqlite3 {name}"], med[f"{scheme} sqlite3 before"]
            print(
                f"{scheme:<16} {name:<6} dry / its sqlite3 x{dry / own:.2f}   dry / before's sqlite3 x{dry / before:.2f}"
                f"   apply / dry x{apply / dry:.2f}"
            )


if __name__ == "__main__":
    main()
