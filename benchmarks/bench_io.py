"""Storage-side ratios of issue 14, each measured in one run: --apply over the dry run, a resumed
month with 48 months of history over one with 24, checkpoint encodings, and peak memory.

    python benchmarks/bench_io.py --employees 20000              # both histories at 20,000
    python benchmarks/bench_io.py --employees 100000 --deep 20000  # apply at 100,000, 24/48 at 20,000
    python benchmarks/bench_io.py --skip-depth                   # only --apply against the dry run

Companies are bench_batch.py's (cached in $TMPDIR, built once, not timed): the 24-month one
(2025-01 .. 2026-12) and a 48-month one (2023-01 .. 2026-12) with the same employees, each
with 2026-09 and 2026-11 applied through cstui (results and checkpoints). Every timed run is
a fresh child process (bench_batch.py --child grade ...: Python start-up and imports
included, as a user sees it); it reports wall seconds and its peak memory (ru_maxrss), and
this process adds its CPU seconds (user + system, os.wait4: steadier on a shared machine).
Runs alternate (dry, apply / 24, 48) round after round and the medians are printed.

- ``--apply`` of month 2026-12 (resumes from 2026-11) against its dry run, per scheme, one
  process (--jobs 1): issue 14's target is apply <= 2x dry.
- the resumed dry run of 2026-12 on the 48-month company against the 24-month one, per
  scheme: target 48 <= 24 (the resumed month reads the checkpoint and this month's cards).
- checkpoint states of the applied company: their JSON text against compact encodings
  (size, and decoding every team's state as a resumed month does).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_batch  # noqa: E402  (the cached companies, the child operations)

MONTH = bench_batch.GRADE_MONTH
DEEP_FIRST_YEAR, DEEP_MONTHS = 2023, 48


def child(op: str, db: Path, *args: str) -> dict:
    """One bench_batch child run: its report (wall seconds, peak MB) plus the CPU seconds it used."""
    cmd = [sys.executable, bench_batch.__file__, "--child", op, str(db), *args]
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=bench_batch.child_env())
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = status  # reaped here: Popen must not wait for it again
        if status != 0:
            err.seek(0)
            raise SystemExit(f"{op} {' '.join(args)} failed:\n{err.read().decode(errors='replace')}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["cpu"] = usage.ru_utime + usage.ru_stime
    return result


def fresh(db: Path, work: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, work)
    return work


def deep_company(n: int) -> Path:
    """bench_batch's company of ``n`` employees with 48 months of cards, 2026-09 and -11 applied."""
    first, months, layout = bench_batch.FIRST_YEAR, bench_batch.MONTHS, bench_batch.LAYOUT
    bench_batch.FIRST_YEAR, bench_batch.MONTHS, bench_batch.LAYOUT = DEEP_FIRST_YEAR, DEEP_MONTHS, f"{layout}-48m"
    try:
        db, _ = bench_batch.cached_company(n)
        return bench_batch.applied_company(db)
    finally:
        bench_batch.FIRST_YEAR, bench_batch.MONTHS, bench_batch.LAYOUT = first, months, layout


def measure_import(db: Path, files, rounds: int, work: Path) -> dict:
    """The CSV import of one month for every scheme against csv + executemany of the same rows
    into the same tables (bench_batch's baseline), on fresh copies, alternating."""
    pairs = [f"{scheme}={path}" for scheme, path in files]
    runs = {"baseline": [], "import": []}
    for _ in range(rounds):
        runs["baseline"].append(child("baseline-import", fresh(db, work), *pairs))
        runs["import"].append(child("import", fresh(db, work), *pairs))
    base, mine = _median_of(runs["baseline"]), _median_of(runs["import"])
    rows = runs["import"][0]["rows"]
    print(f"import of {rows:,} scorecard rows ({len(files)} files) against csv + executemany, {rounds} rounds, medians")
    for label, r in (("csv + executemany", base), ("import_scorecards", mine)):
        print(f"  {label:18} {r['seconds']:6.2f} s {r['cpu']:5.2f} cpu {r['peak_mb']:5.0f} MB")
    ratio = mine["cpu"] / base["cpu"]
    print(
        f"  import/baseline: x{mine['seconds'] / base['seconds']:.2f} wall, x{ratio:.2f} CPU "
        f"(target x1.3: {'met' if ratio <= 1.3 else 'NOT met'})"
    )
    return {"peak": mine["peak_mb"]}


def measure_apply(db: Path, schemes: list[str], rounds: int, work: Path) -> dict:
    print(f"--apply {MONTH} against its dry run (resumed from 2026-11, --jobs 1), {rounds} rounds, medians")
    print(f"  {'scheme':16} {'dry':>16} {'--apply':>16}   apply/dry wall  cpu   peak MB dry/apply")
    ratios, peaks = [], []
    for scheme in schemes:
        runs = {"dry": [], "apply": []}
        for _ in range(rounds):
            runs["dry"].append(child("grade", db, scheme, MONTH, "dry", "1"))
            runs["apply"].append(child("grade", fresh(db, work), scheme, MONTH, "apply", "1"))
        dry, app = (_median_of(runs[k]) for k in ("dry", "apply"))
        ratios.append((app["cpu"] / dry["cpu"], app["seconds"] / dry["seconds"]))
        peaks += [dry["peak_mb"], app["peak_mb"]]
        print(
            f"  {scheme:16} {dry['seconds']:6.2f} s {dry['cpu']:5.2f} cpu {app['seconds']:6.2f} s {app['cpu']:5.2f} cpu"
            f"   x{app['seconds'] / dry['seconds']:4.2f}       x{app['cpu'] / dry['cpu']:4.2f}  {dry['peak_mb']:5.0f} / {app['peak_mb']:.0f}"
        )
    worst = max(r[0] for r in ratios)
    print(f"  apply/dry (CPU), worst scheme: x{worst:.2f} (target x2.0: {'met' if worst <= 2.0 else 'NOT met'})")
    return {"peak": max(peaks)}


def _median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in ("seconds", "cpu", "peak_mb")}


def measure_depth(shallow: Path, deep: Path, schemes: list[str], rounds: int, n: int) -> dict:
    print(f"resumed dry run of {MONTH} (from 2026-11), 24 against 48 months of history, {n:,} employees, --jobs 1")
    print(f"  {'scheme':16} {'24 months':>18} {'48 months':>18}   48/24 wall  cpu   peak MB 24/48")
    worst, peaks = 0.0, []
    for scheme in schemes:
        runs = {24: [], 48: []}
        for _ in range(rounds):
            for months, db in ((24, shallow), (48, deep)):
                runs[months].append(child("grade", db, scheme, MONTH, "dry", "1"))
        a, b = _median_of(runs[24]), _median_of(runs[48])
        worst = max(worst, b["cpu"] / a["cpu"])
        peaks += [a["peak_mb"], b["peak_mb"]]
        print(
            f"  {scheme:16} {a['seconds']:6.2f} s {a['cpu']:5.2f} cpu {b['seconds']:6.2f} s {b['cpu']:5.2f} cpu"
            f"   x{b['seconds'] / a['seconds']:4.2f}      x{b['cpu'] / a['cpu']:4.2f}  {a['peak_mb']:5.0f} / {b['peak_mb']:.0f}"
        )
    print(f"  48/24 (CPU), worst scheme: x{worst:.2f} (target: no slower, x1.0 within the noise)")
    sizes = {months: _state_sizes(db) for months, db in ((24, shallow), (48, deep))}
    print(
        "  checkpoint states at 2026-11, MB of JSON 24 / 48 months: "
        + ", ".join(f"{s} {sizes[24].get(s, 0):.2f} / {sizes[48].get(s, 0):.2f}" for s in schemes)
    )
    return {"peak": max(peaks)}


def _state_sizes(db: Path) -> dict[str, float]:
    conn = sqlite3.connect(db)
    sql = "SELECT scheme, SUM(LENGTH(state)) / 1e6 FROM checkpoints WHERE month = '2026-11' GROUP BY scheme"
    sizes = dict(conn.execute(sql).fetchall())
    conn.close()
    return sizes


def measure_checkpoints(db: Path) -> None:
    """Every kept checkpoint state: JSON text (today) against compact encodings of the same value."""
    import marshal
    import pickle

    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT scheme, state FROM checkpoints WHERE month = '2026-11' ORDER BY scheme, team"
    ).fetchall()
    conn.close()
    by_scheme: dict[str, list[str]] = {}
    for scheme, state in rows:
        by_scheme.setdefault(scheme, []).append(state)
    print("checkpoint states at 2026-11 (one per team): bytes and decode time of every state, best of 5")
    import zlib

    names = ["json", "json+zlib", "pickle", "marshal"] + [name for name, _, _ in _optional_codecs()]
    print(f"  {'scheme':16} {'teams':>5} " + " ".join(f"{name:>14}" for name in names))

    for scheme, texts in by_scheme.items():
        values = [json.loads(t) for t in texts]
        encodings = {
            "json": ([t.encode() for t in texts], lambda b: json.loads(b)),
            "json+zlib": ([zlib.compress(t.encode()) for t in texts], lambda b: json.loads(zlib.decompress(b))),
            "pickle": ([pickle.dumps(v, protocol=5) for v in values], pickle.loads),
            "marshal": ([marshal.dumps(v) for v in values], marshal.loads),
        }
        for name, encode, decode in _optional_codecs():  # not cstui dependencies: measured where installed
            encodings[name] = ([encode(v) for v in values], decode)
        cells = []
        for blobs, decode in encodings.values():
            best = min(_timed(lambda blobs=blobs, decode=decode: [decode(b) for b in blobs]) for _ in range(5))
            cells.append(f"{sum(map(len, blobs)) / 1e6:5.2f} MB {best * 1e3:4.0f} ms")
        print(f"  {scheme:16} {len(texts):5} " + " ".join(f"{c:>14}" for c in cells))


def _optional_codecs() -> list[tuple[str, object, object]]:
    codecs = []
    try:
        import orjson

        codecs.append(("orjson", orjson.dumps, orjson.loads))
    except ImportError:
        pass
    try:
        import msgpack

        codecs.append(("msgpack", msgpack.packb, msgpack.unpackb))
    except ImportError:
        pass
    return codecs


def _timed(fn) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=20_000, help="company of the apply and checkpoint measures")
    parser.add_argument(
        "--deep", type=int, default=None, help="employees of the 24/48-month pair (default: --employees)"
    )
    parser.add_argument("--schemes", default=",".join(bench_batch.SCHEMES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-apply", action="store_true")
    parser.add_argument("--skip-depth", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--only-import", action="store_true", help="the import measure alone (no applied company)")
    options = parser.parse_args()
    bench_batch.JOBS[0] = "1"  # the applied months are set up in one process (any jobs give the same)
    schemes = [s for s in options.schemes.split(",") if s]
    print(
        f"cstui storage benchmark, {datetime.now():%Y-%m-%d %H:%M}, {platform.node()} ({platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}), load {os.getloadavg()[0]:.1f}"
    )
    db, files = bench_batch.cached_company(options.employees)
    work = Path(tempfile.mkdtemp(prefix="cstui-bench-io-"))
    bench_batch.warm_bytecode()
    peak = 0.0
    try:
        if not options.skip_import:
            peak = max(peak, measure_import(db, files, options.rounds, work / "work.db")["peak"])
        if options.only_import:
            return
        applied = bench_batch.applied_company(db)
        if not options.skip_apply:
            peak = max(peak, measure_apply(applied, schemes, options.rounds, work / "work.db")["peak"])
        if not options.skip_depth:
            n = options.deep or options.employees
            shallow = bench_batch.applied_company(bench_batch.cached_company(n)[0])
            peak = max(peak, measure_depth(shallow, deep_company(n), schemes, options.rounds, n)["peak"])
        # last: it decodes every state in this process, and a child started after it would
        # report this process's peak as its own (Linux keeps ru_maxrss across fork and exec)
        measure_checkpoints(applied)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print(
            f"peak memory of any run {peak:.0f} MB (one process each; target < 150 MB), load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
