"""Before/after in one run: what the batch path's start-up costs (importing cstui's batch path
and loading a scheme), two source trees alternating, each run a fresh child process.

    git archive main | tar -x -C /tmp/before        # the tree to compare against
    python benchmarks/bench_startup_ab.py --before /tmp/before --after . --rounds 15
    python benchmarks/bench_startup_ab.py --before /tmp/before --after . --callgrind   # + instructions

Each child runs what bench_resumed_phases.py's start-up line times (``from cstui.batch import
run_batch; from cstui.schemes import load_scheme; from cstui.store import Store;
load_scheme(NAME)``) and prints its own CPU seconds (``time.process_time``); ``python -c pass``
(as a child printing its CPU) runs in the same rounds. Best and median of ``--rounds``, per
scheme and tree, and the start-up over the bare interpreter's. With ``--callgrind``, each
child also runs once under valgrind and its instruction count is printed (exact, unlike a
shared machine's seconds). Each tree runs its own cstui and plugins (a folder of links named
as the installed packages, first on PYTHONPATH, as bench_period_ab.py does); the entry points
are the installed distribution's, so both trees must name the same plugins. Bytecode caching
is on (an installed cstui has it), after one warm-up run of each child.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_period_ab import packages  # a folder whose cstui, cstui_plugins, cstui_schemes are a tree's
from bench_resumed_phases import STARTUP  # what a batch run imports and loads before it grades

SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi")
BARE = "import time; print(time.process_time())"


def child_env(path: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(path) if path else ""
    return env


def cpu_of(code: str, path: Path | None) -> float:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(path))
    if done.returncode != 0:
        raise SystemExit(f"child failed: {done.stderr[-2000:]}")
    return float(done.stdout.split()[-1])


def instructions_of(code: str, path: Path | None, scratch: Path) -> int:
    """Instructions (callgrind's ``I refs``) of one child."""
    out = scratch / "callgrind.out"
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", code]
    done = subprocess.run(argv, capture_output=True, text=True, env=child_env(path))
    found = re.search(r"refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed: {done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--schemes", default=",".join(SCHEMES))
    parser.add_argument("--callgrind", action="store_true", help="also count each child's instructions once")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="cstui-startup-ab-"))
    try:
        trees = {
            name: packages(Path(tree), scratch / name)
            for name, tree in (("before", options.before), ("after", options.after))
        }
        runs = {("pass", ""): BARE} | {
            (scheme, name): STARTUP.format(scheme=scheme) for scheme in options.schemes.split(",") for name in trees
        }
        for (_scheme, name), code in runs.items():  # warm-up: bytecode written, pages cached
            cpu_of(code, trees.get(name))
        times: dict[tuple[str, str], list[float]] = {key: [] for key in runs}
        for _ in range(options.rounds):
            for (scheme, name), code in runs.items():
                times[(scheme, name)].append(cpu_of(code, trees.get(name)))
        counts = {}
        if options.callgrind:
            counts = {key: instructions_of(code, trees.get(key[1]), scratch) for key, code in runs.items()}
        report(times, counts)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def report(times: dict[tuple[str, str], list[float]], counts: dict[tuple[str, str], int]) -> None:
    bare = min(times[("pass", "")])
    print(
        f"python -c pass: best {bare * 1e3:.1f} ms CPU" + (f", {counts[('pass', '')]:,} instructions" if counts else "")
    )
    print(f"{'scheme':<16} {'tree':<7} {'best':>8} {'median':>8} {'best - pass':>12}  instructions (- pass)")
    for (scheme, name), runs in times.items():
        if scheme == "pass":
            continue
        best, median = min(runs), statistics.median(runs)
        line = f"{scheme:<16} {name:<7} {best * 1e3:6.1f}ms {median * 1e3:6.1f}ms {(best - bare) * 1e3:10.1f}ms"
        if counts:
            line += f"  {counts[(scheme, name)]:,} ({counts[(scheme, name)] - counts[('pass', '')]:,})"
        print(line)


if __name__ == "__main__":
    main()
