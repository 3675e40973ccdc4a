"""Start-up: what `cstui --help`, `cstui schemes` and friends cost over starting Python at all.

    python benchmarks/bench_startup.py                 # 21 alternating rounds
    python benchmarks/bench_startup.py --rounds 41 --cstui /path/to/venv/bin/cstui

Every command runs as a fresh process: `python -c pass` (the same interpreter the `cstui` script
runs on, so both pay the same `site` start-up, an editable install's finder included), then
`cstui --version`, `--help`, `schemes`, `schemes --check` and `plugins`, one after the other,
round after round (a shared machine's noise hits them alike). It prints the best and the
median wall time of each, the median CPU time (user + system, less hurt by a busy machine),
and each median's ratio to `python -c pass`'s. Issue 14's target: `--help` and `schemes`
within 3x `python -c pass`.

Children run with bytecode writing on (``PYTHONDONTWRITEBYTECODE`` removed) and after one
warm-up run each, so they read compiled modules as an installed cstui does.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

TARGET = 3.0
TARGETED = ("--help", "schemes")


def commands(python: str, cstui: str) -> list[tuple[str, list[str]]]:
    return [
        ("python -c pass", [python, "-c", "pass"]),
        ("python -c 'import click'", [python, "-c", "import click"]),
        ("cstui --version", [cstui, "--version"]),
        ("cstui --help", [cstui, "--help"]),
        ("cstui schemes", [cstui, "schemes"]),
        ("cstui schemes --check", [cstui, "schemes", "--check"]),
        ("cstui plugins", [cstui, "plugins"]),
    ]


class Unavailable(Exception):
    """A command this cstui does not have (an older version, measured for comparison)."""


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode == 2 and b"No such option" in done.stderr:
        raise Unavailable(" ".join(argv))
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode(errors='replace').strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


Times = dict[str, list[tuple[float, float]]]  # command -> (wall, cpu) of each round


def measure(cmds: list[tuple[str, list[str]]], rounds: int, env: dict[str, str]) -> Times:
    available = []
    for label, argv in cmds:  # warm-up: compiles and caches bytecode, fills the page cache
        try:
            run_once(argv, env)
            available.append((label, argv))
        except Unavailable:
            print(f"(this cstui has no `{label}`: left out)")
    cmds = available
    times: Times = {label: [] for label, _ in cmds}
    for _ in range(rounds):
        for label, argv in cmds:
            times[label].append(run_once(argv, env))
    return times


def report(times: Times) -> None:
    base_wall = statistics.median(w for w, _ in times["python -c pass"])
    base_cpu = statistics.median(c for _, c in times["python -c pass"])
    print(f"{'command':28} {'best':>8} {'median':>8} {'cpu med':>8} {'x pass':>7} {'x pass cpu':>10}")
    for label, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        verdict = ""
        if label.removeprefix("cstui ") in TARGETED:
            verdict = f"  target <= x{TARGET:.0f}: {'met' if wall / base_wall <= TARGET else 'NOT met'}"
        print(
            f"{label:28} {min(walls) * 1e3:6.1f}ms {wall * 1e3:6.1f}ms {cpu * 1e3:6.1f}ms "
            f"{wall / base_wall:6.2f}x {cpu / base_cpu:9.2f}x{verdict}"
        )


def machine(python: str, cstui: str) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    asked = [python, "-c", "import sys; print(sys.version.split()[0])"]
    version = subprocess.run(asked, capture_output=True, text=True).stdout.strip()
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}: {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {version}, load average {load}\ncstui: {cstui}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="alternating rounds (default 21)")
    parser.add_argument("--cstui", default=None, help="the cstui script (default: the one next to this Python)")
    args = parser.parse_args()
    cstui = args.cstui or str(Path(sys.executable).with_name("cstui"))
    if not Path(cstui).exists():
        cstui = shutil.which("cstui") or sys.exit("no cstui script found; pass --cstui PATH")
    python = _interpreter_of(cstui)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(machine(python, cstui))
    print(f"{args.rounds} alternating rounds, each command a fresh process; ratios are of medians\n")
    report(measure(commands(python, cstui), args.rounds, env))
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _interpreter_of(script: str) -> str:
    """The Python a console script runs on (its ``#!`` line), so `python -c pass` is the same start-up."""
    with open(script, "rb") as file:
        first = file.readline().decode(errors="replace").strip()
    return first[2:].strip().split()[0] if first.startswith("#!") else sys.executable


if __name__ == "__main__":
    main()
