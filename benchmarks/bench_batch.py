"""Batch benchmark: grading, applying and importing at company scale.

    python benchmarks/bench_batch.py                    # 100,000 employees x 24 months
    python benchmarks/bench_batch.py --employees 20000  # smaller

Builds (once, cached in the temp dir keyed by N) a company of N employees in teams of
100, a quarter of them on each built-in scheme, with 24 months of scorecards
(2025-01 .. 2026-12) and incidents for the points-ledger scheme. Setup is not timed.

Each measurement runs in a fresh child process on a fresh copy of the cached database,
so its seconds and its peak memory (ru_maxrss of that child) are its own:

- import one month of scorecards from CSV (every scheme's file, N rows in all), and the
  same files again (idempotent: nothing changes);
- the month-end flow: a copy of the company with 2026-09 and 2026-11 applied (results and
  replay checkpoints; set up once, not timed), then grade the next month (2026-12, which
  closes a quarter) and the quarter 2026-Q4 per scheme, dry run and --apply, report as CSV
  to /dev/null: they resume from the checkpoints of 2026-11 and 2026-09;
- the same dry runs on the company with nothing applied (a full replay of 24 months);
- three baselines: plain sqlite3 reading what the resumed grading reads (the period's
  scorecard rows after the checkpoint, in key order, each card's values as a dict, and the
  checkpoint states, decoding their JSON); reading every scorecard row up to the period (what
  a full replay reads); and csv + executemany of the import's rows into the same tables;
- ``cstui --version``.

``--jobs N`` is passed to every grading run (default: automatic, as the CLI; ``--jobs 1`` is
one process). A run's peak memory is its own process's plus, when it grades in worker
processes, the workers' (jobs x the largest worker's peak: an upper bound, forked workers
share pages with the parent).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi")
TEAM_SIZE = 100
FIRST_YEAR, MONTHS = 2025, 24
GRADE_MONTH, GRADE_QUARTER = "2026-12", "2026-Q4"
APPLIED = ("2026-09", "2026-11")  # applied before the timed runs: the checkpoints they resume from
IMPORT_MONTH = "2027-01"
INCIDENT_CODES = (  # (code, points as recorded or None for the catalogue default)
    ("late", "-3"),
    ("messy-desk", None),
    ("cover-shift", None),
    ("entry-error", None),
    ("spot-check-error", "-4"),
    ("zero-complaints", None),
    ("off-topic-chat", None),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
# the layout the cached company is written in (part of its folder's name): the migration that last
# changed what the bench reads (m011: scorecards month first; m015: checkpoint timelines apart)
LAYOUT = "m015"
JOBS = ["auto"]  # the grading runs' --jobs (set by main; "auto" = the CLI default)
TARGETS = {
    "grade_s": 5.0,
    "apply_s": 10.0,
    "import_s": 5.0,
    "peak_mb": 400.0,
    "version_s": 0.15,
    "ratio": 5.0,
    "import_ratio": 1.3,
    "apply_ratio": 2.0,  # issue 14: --apply of a month <= x2 its dry run
}


# ------------------------------------------------------------------------------ company


def month_list() -> list[str]:
    return [f"{FIRST_YEAR + i // 12}-{i % 12 + 1:02d}" for i in range(MONTHS)]


def card_values(scheme: str, rnd: random.Random) -> dict[str, str]:
    if scheme == "star-levels":
        target = rnd.choice((80000, 100000, 120000))
        return {"sales_target": str(target), "sales_actual": str(int(target * rnd.uniform(0.8, 1.35)))}
    if scheme == "assistant-class":
        return {
            "a_followups": str(rnd.randint(8, 20)),
            "b_followups": str(rnd.randint(8, 20)),
            "a_reports": str(rnd.randint(2, 5)),
            "b_reports": str(rnd.randint(2, 5)),
        }
    if scheme == "five-tier":
        return {
            "follow_up_rate": f"{rnd.uniform(0.6, 1):.2f}",
            "satisfaction": f"{rnd.randint(60, 100)}%",
            "handling": str(rnd.randint(50, 100)),
            "training": str(rnd.randint(50, 100)),
            "attendance": f"{rnd.uniform(0.85, 1):.2f}",
        }
    return {
        "conversion": f"{rnd.uniform(0.3, 0.7):.2f}",
        "unit_price_ratio": f"{rnd.uniform(1, 1.4):.2f}",
        "first_response_s": str(rnd.randint(3, 35)),
        "avg_response_s": str(rnd.randint(20, 60)),
        "satisfaction": f"{rnd.uniform(0.55, 1):.2f}",
    }


def employee_rows(n: int, rnd: random.Random):
    levels = {
        "star-levels": ("1-star", "2-star", "3-star", "4-star"),
        "assistant-class": ("class-3", "class-3", "class-2"),
        "five-tier": ("junior", "intermediate", "senior"),
        "ecommerce-kpi": ("junior", "intermediate"),
    }
    for i in range(n):
        team_no = i // TEAM_SIZE
        scheme = SCHEMES[team_no % len(SCHEMES)]
        role = "assistant" if scheme == "assistant-class" else "agent"
        hired = date(2015 + rnd.randint(0, 8), rnd.randint(1, 12), rnd.randint(1, 28)).isoformat()
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
        yield (f"E{i:06d}", name, f"T{team_no:04d}", role, hired, "active", None, scheme, rnd.choice(levels[scheme]), 1)


def build_company(path: Path, n: int) -> None:
    from cstui.store import Store

    rnd = random.Random(n)
    Store.open(path, create=True).close()  # schema and admin through the store itself
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    employees = list(employee_rows(n, rnd))
    conn.executemany("INSERT INTO teams (id, name) VALUES (?, ?)", {(e[2], e[2]) for e in employees})
    conn.executemany(
        "INSERT INTO employees (id, name, team, role, hire_date, status, login, scheme, level, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        employees,
    )
    # each employee's scheme timeline: one assignment since hire, as migration 7 and the store write it
    conn.execute(
        "INSERT INTO scheme_assignments (employee_id, since_month, scheme, level) SELECT id, substr(hire_date, 1, 7), scheme, level FROM employees"
    )
    stamp = datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    for month in month_list():
        cards = [(e[0], month, card_values(e[7], rnd)) for e in employees]
        write_card_rows(conn, cards, "bench", stamp)
        conn.executemany(
            "INSERT INTO incidents (employee_id, date, period, code, count, points, note, recorded_by, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'bench', ?)",
            incident_rows(employees, month, rnd, stamp),
        )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def write_card_rows(conn: sqlite3.Connection, cards: list[tuple[str, str, dict]], who: str, stamp: str) -> None:
    """Cards as the store lays them out (migration m011): a header row, and a row per value with
    its exact number (units x 10^-scale, cstui.store.numbers)."""
    from cstui.store.numbers import exact_units

    conn.executemany(
        "INSERT INTO scorecards (employee_id, period, version, updated_by, updated_at) VALUES (?, ?, 1, ?, ?)",
        ((employee_id, month, who, stamp) for employee_id, month, _ in cards),
    )
    conn.executemany(
        "INSERT INTO scorecard_values (period, employee_id, metric, value, units, scale) VALUES (?, ?, ?, ?, ?, ?)",
        (
            (month, employee_id, metric, value, *(exact_units(value) or (None, None)))
            for employee_id, month, values in cards
            for metric, value in sorted(values.items())
        ),
    )


def incident_rows(employees, month: str, rnd: random.Random, stamp: str):
    for e in employees:
        if e[7] != "assistant-class" or rnd.random() < 0.5:
            continue
        code, points = rnd.choice(INCIDENT_CODES)
        yield (e[0], f"{month}-{rnd.randint(1, 28):02d}", month, code, 1, points, "", stamp)


def import_files(n: int, folder: Path) -> list[tuple[str, Path]]:
    """One CSV per scheme for IMPORT_MONTH, every employee of the scheme in it."""
    from cstui.schemes import load_scheme

    rnd = random.Random(n + 1)
    by_scheme: dict[str, list] = {s: [] for s in SCHEMES}
    for e in employee_rows(n, random.Random(n)):
        by_scheme[e[7]].append(e[0])
    files = []
    for scheme_name, ids in by_scheme.items():
        keys = [m.key for m in load_scheme(scheme_name).metric_specs()]
        path = folder / f"{scheme_name}-{IMPORT_MONTH}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["employee_id", *keys])
            for employee_id in ids:
                values = card_values(scheme_name, rnd)
                writer.writerow([employee_id, *(values.get(k, "") for k in keys)])
        files.append((scheme_name, path))
    return files


def cached_company(n: int) -> tuple[Path, list[tuple[str, Path]]]:
    folder = Path(tempfile.gettempdir()) / f"cstui-bench-{n}-{LAYOUT}"
    db, ready = folder / "company.db", folder / "ready"
    if not ready.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        print(f"building a company of {n:,} employees x {MONTHS} months in {folder} ...", flush=True)
        build_company(db, n)
        import_files(n, folder)
        ready.write_text("ok")
        print(f"  built in {time.perf_counter() - started:.1f} s (not measured)", flush=True)
    files = [(s, folder / f"{s}-{IMPORT_MONTH}.csv") for s in SCHEMES]
    return db, files


def applied_company(db: Path) -> Path:
    """The company with APPLIED months applied through cstui (results and checkpoints), cached."""
    applied, ready = db.with_name("applied.db"), db.with_name("applied-ready")
    if not ready.exists():
        started = time.perf_counter()
        print(f"applying {', '.join(APPLIED)} for every scheme (month-end setup, not measured) ...", flush=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(applied) + suffix).unlink(missing_ok=True)
        shutil.copyfile(db, applied)
        for month in APPLIED:
            for scheme in SCHEMES:
                measure("grade", applied, scheme, month, "apply", JOBS[0], fresh_copy=False)
        ready.write_text("ok")
        print(f"  applied in {time.perf_counter() - started:.1f} s (not measured)", flush=True)
    return applied


# ------------------------------------------------------------------------------ one measurement (child)


def child(args: list[str]) -> None:
    """Run one operation and print {"seconds": ..., "rows": ..., "peak_mb": ...} as JSON."""
    op, db = args[0], Path(args[1])
    rest = args[2:]
    started = time.perf_counter()
    rows = OPERATIONS[op](db, *rest)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if WORKERS[0] > 1 else 0
    print(
        json.dumps(
            {"seconds": seconds, "rows": rows, "peak_mb": (peak_kb + WORKERS[0] * worker_kb) / 1024, "jobs": WORKERS[0]}
        )
    )


WORKERS = [1]  # worker processes of the last grading run in this child


def op_grade(db: Path, scheme_name: str, period_text: str, apply: str, jobs_text: str = "auto") -> int:
    from cstui.batch import run_batch
    from cstui.domain import Period
    from cstui.grading import resolve_jobs
    from cstui.schemes import load_scheme
    from cstui.store import Store

    scheme, period = load_scheme(scheme_name), Period.parse(period_text)
    jobs = None if jobs_text == "auto" else int(jobs_text)
    with Store.open(db) as store, open(os.devnull, "w") as sink:
        WORKERS[0] = resolve_jobs(store, scheme, None, jobs)
        saved, sys.stdout = sys.stdout, sink
        try:
            run_batch(store, scheme, period, fmt="csv", apply=apply == "apply", jobs=jobs)
        finally:
            sys.stdout = saved
        return store.count_employees(scheme=scheme_name)


def op_import(db: Path, *paths: str) -> int:
    from cstui.domain import Period
    from cstui.io.imports import import_scorecards
    from cstui.schemes import load_scheme
    from cstui.store import Store

    rows = 0
    with Store.open(db) as store:
        for item in paths:
            scheme_name, path = item.split("=", 1)
            summary = import_scorecards(store, Path(path), Period.parse(IMPORT_MONTH), load_scheme(scheme_name))
            print(summary, file=sys.stderr)
            rows += int(summary.split(": ", 1)[1].split(" ", 1)[0].replace(",", ""))
    return rows


def op_baseline(db: Path, scheme_name: str, period_text: str) -> int:
    """What a full replay must at least do: read the scorecard history rows up to the period, each
    card's values as a dict."""
    last = period_text if "Q" not in period_text else _quarter_last_month(period_text)
    conn = sqlite3.connect(db)
    sql = (
        "SELECT e.team, v.employee_id, v.period, v.metric, v.value FROM scorecard_values v JOIN employees e ON e.id = v.employee_id "
        "WHERE e.scheme = ? AND v.period <= ? ORDER BY v.period, v.employee_id, v.metric"
    )
    rows = _cards_of(conn.execute(sql, (scheme_name, last)), lambda team, period: True)
    conn.close()
    return rows


def _cards_of(rows, wanted) -> int:
    """Cards (dicts of their values) of rows (team, employee, period, metric, value); their number."""
    cards, key, values = 0, None, None
    for team, employee_id, period, metric, value in rows:
        if (employee_id, period) != key:
            if not wanted(team, period):
                continue
            key, values, cards = (employee_id, period), {}, cards + 1
        values[metric] = value
    return cards


def op_baseline_resumed(db: Path, scheme_name: str, period_text: str) -> int:
    """What a resumed grading must at least do: read and decode each team's latest checkpoint
    before the period and the scorecard rows after it, up to the period's end, as dicts."""
    first = period_text if "Q" not in period_text else _quarter_first_month(period_text)
    last = period_text if "Q" not in period_text else _quarter_last_month(period_text)
    conn = sqlite3.connect(db)
    rows = 0
    states = (
        "SELECT c.team, c.month, c.state FROM checkpoints c WHERE c.scheme = ? AND c.month = "
        "(SELECT MAX(month) FROM checkpoints WHERE scheme = c.scheme AND team = c.team AND month < ?) ORDER BY c.team"
    )
    after = {}
    for team, month, state in conn.execute(states, (scheme_name, first)):
        json.loads(state)
        after[team] = month
        rows += 1
    sql = (
        "SELECT e.team, v.employee_id, v.period, v.metric, v.value FROM scorecard_values v JOIN employees e ON e.id = v.employee_id "
        "WHERE e.scheme = ? AND v.period > ? AND v.period <= ? ORDER BY v.period, v.employee_id, v.metric"
    )
    rows += _cards_of(
        conn.execute(sql, (scheme_name, min(after.values(), default=""), last)),
        lambda team, period: period > after.get(team, ""),
    )
    conn.close()
    return rows


def op_baseline_import(db: Path, *paths: str) -> int:
    """csv + executemany of the same rows into the same tables, in one transaction: what the
    import of those files must at least do (no checks, no audit)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    cards = []
    for item in paths:
        with open(item.split("=", 1)[1], encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            keys = next(reader)[1:]
            cards += [(row[0], IMPORT_MONTH, {k: v for k, v in zip(keys, row[1:]) if v}) for row in reader]
    write_card_rows(conn, cards, "bench", datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    conn.execute("COMMIT")
    conn.close()
    return len(cards)


def _quarter_first_month(quarter: str) -> str:
    year, q = quarter.split("-Q")
    return f"{year}-{int(q) * 3 - 2:02d}"


def _quarter_last_month(quarter: str) -> str:
    year, q = quarter.split("-Q")
    return f"{year}-{int(q) * 3:02d}"


def op_baseline_write(db: Path, source: str, scheme_name: str, period_text: str, mode: str = "write") -> int:
    """What an ``--apply`` must at least do beyond grading: write the rows it writes. ``source`` is
    the database after that apply (``db`` the same before it): its results and checkpoints of
    the period and its audit rows after ``db``'s last are read, then (``mode`` "write", not
    "read") written into ``db`` by plain sqlite3 in one transaction. Read alone, it is what the
    write's own count is taken from (callgrind_month.sh's floor modes)."""
    from cstui.store.core import CACHE_KIB  # in both modes: their difference is the write alone

    rows = written_rows(Path(source), scheme_name, period_text, last_audit_id(db))
    if mode == "write":
        write_rows(db, rows, CACHE_KIB)
    return len(rows["results"])


def written_rows(db: Path, scheme: str, period: str, audit_after: int) -> dict[str, list[tuple]]:
    """The rows an apply of ``period`` wrote into ``db``: its results and checkpoints of
    ``scheme``, and the audit rows after id ``audit_after``."""
    conn = sqlite3.connect(db)
    try:
        return {
            "results": conn.execute(
                "SELECT * FROM results WHERE period = ? AND scheme = ?", (period, scheme)
            ).fetchall(),
            "audit": conn.execute("SELECT * FROM audit WHERE id > ? ORDER BY id", (audit_after,)).fetchall(),
            "checkpoints": conn.execute(
                "SELECT * FROM checkpoints WHERE month = ? AND scheme = ?", (period, scheme)
            ).fetchall(),
        }
    finally:
        conn.close()


def last_audit_id(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
    finally:
        conn.close()


def write_rows(db: Path, rows: dict[str, list[tuple]], cache_kib: int | None = None) -> float:
    """Write ``rows`` (table → rows of all its columns) into ``db`` by plain sqlite3, connected
    as the store connects (WAL, foreign keys, its page cache), in one transaction, committed;
    the CPU seconds that took."""
    if cache_kib is None:
        from cstui.store.core import CACHE_KIB as cache_kib

    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode = WAL", "foreign_keys = ON", f"cache_size = -{cache_kib}"):
        conn.execute(f"PRAGMA {pragma}")
    started = time.process_time()
    conn.execute("BEGIN IMMEDIATE")
    for table, written in rows.items():
        if written:
            conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(written[0]))})", written)
    conn.execute("COMMIT")
    spent = time.process_time() - started
    conn.close()
    return spent


OPERATIONS = {
    "grade": op_grade,
    "baseline-write": op_baseline_write,
    "import": op_import,
    "baseline": op_baseline,
    "baseline-resumed": op_baseline_resumed,
    "baseline-import": op_baseline_import,
}


# ------------------------------------------------------------------------------ the parent


def measure(op: str, db: Path, *args: str, fresh_copy: bool = True, work: Path | None = None) -> dict:
    target = db
    if fresh_copy:
        assert work is not None
        target = work / "work.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(db, target)
    cmd = [sys.executable, __file__, "--child", op, str(target), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=child_env())
    if done.returncode != 0:
        raise SystemExit(f"{op} {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_env() -> dict[str, str]:
    """The environment of a measured child: bytecode caching on, as an installed cstui has it
    (this machine sets PYTHONDONTWRITEBYTECODE=1, under which every child compiled cstui's
    modules from source: 0.2-0.4 s of CPU a run that no user pays, and that the baselines,
    importing little, did not pay either)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_bytecode() -> None:
    """Compile cstui and its built-in plugins to bytecode once, before any measured child."""
    code = (
        "import compileall, os, cstui, cstui_plugins\n"
        "for folder in [os.path.dirname(cstui.__file__), *cstui_plugins.__path__]:\n"
        "    compileall.compile_dir(folder, quiet=1)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=child_env())


def version_seconds(runs: int = 5) -> float:
    cstui = Path(sys.executable).with_name("cstui")
    cmd = [str(cstui)] if cstui.exists() else [sys.executable, "-m", "cstui"]
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*cmd, "--version"], capture_output=True, check=True, env=child_env())
        best = min(best, time.perf_counter() - started)
    return best


def line(label: str, result: dict, baseline: float | None = None, target: str = "") -> str:
    rate = result["rows"] / result["seconds"] if result["seconds"] else 0
    text = f"{label:<52} {result['seconds']:8.2f} s {rate:11,.0f} rows/s {result['peak_mb']:7.0f} MB"
    if baseline:
        text += f"   x{result['seconds'] / baseline:5.1f} baseline"
    return text + (f"   {target}" if target else "")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--schemes", default=",".join(SCHEMES), help="comma list of schemes to grade")
    parser.add_argument("--skip-apply", action="store_true")
    parser.add_argument("--skip-import", action="store_true", help="do not measure the CSV import")
    parser.add_argument(
        "--jobs",
        default="auto",
        help="grading runs' --jobs: N worker processes, 1 = one process (default: auto, as the CLI)",
    )
    options = parser.parse_args()
    JOBS[0] = options.jobs
    n = options.employees
    db, files = cached_company(n)
    work = Path(tempfile.mkdtemp(prefix="cstui-bench-work-"))
    warm_bytecode()
    print(
        f"cstui batch benchmark, {datetime.now():%Y-%m-%d %H:%M}, {platform.node()} "
        f"({platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version})"
    )
    print(
        f"grading --jobs {options.jobs}"
        + (
            " (the CLI default: one worker per CPU, at most 4, for 2,000 employees or more)"
            if options.jobs == "auto"
            else ""
        )
    )
    print(
        f"company: {n:,} employees in teams of {TEAM_SIZE}, {MONTHS} months of scorecards; db {db.stat().st_size / 1e6:,.0f} MB"
    )
    try:
        run_all(n, db, files, work, options)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_apply(applied_db: Path, scheme: str, period: str, dry: dict, base: dict, work: Path) -> dict:
    """The ``--apply`` of ``period`` on a fresh copy, printed with its ratio to the dry run (issue
    14's target: x2) and the floor's: the dry run plus writing the rows it wrote by plain sqlite3
    (``baseline-write``: its run that writes less its run that only reads them), the least
    apply/dry those rows allow."""
    applied = measure("grade", applied_db, scheme, period, "apply", JOBS[0], work=work)
    source = keep_applied(work, work / "applied-source.db")
    read, write = floor_runs(applied_db, source, scheme, period, work)
    floor = max(write - read, 0.0)
    print(
        line(f"grade {scheme} {period} --apply", applied)
        + f"   x{applied['seconds'] / dry['seconds']:4.2f} the dry run (target x{TARGETS['apply_ratio']:.0f}; "
        + f"its rows written alone: floor x{(dry['seconds'] + floor) / dry['seconds']:4.2f}), "
        + f"x{applied['seconds'] / base['seconds']:5.1f} resumed baseline, jobs {applied['jobs']}"
    )
    return applied


def keep_applied(work: Path, source: Path) -> Path:
    """The database the last measured run wrote (``work``'s copy) kept as ``source``, the rows
    the floor writes again (``measure`` copies over ``work.db`` for the next run)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(source) + suffix).unlink(missing_ok=True)
    shutil.move(work / "work.db", source)
    return source


def floor_runs(applied_db: Path, source: Path, scheme: str, period: str, work: Path) -> tuple[float, float]:
    """Seconds of ``baseline-write`` reading ``source``'s rows, then reading and writing them into
    a fresh copy of ``applied_db``: the second less the first is the floor."""
    read, write = (
        measure("baseline-write", applied_db, str(source), scheme, period, mode, work=work)["seconds"]
        for mode in ("read", "write")
    )
    return read, write


def run_all(n: int, db: Path, files, work: Path, options) -> None:
    totals = {"grade": 0.0, "full": 0.0, "apply": 0.0, "baseline": 0.0, "full_baseline": 0.0, "peak": 0.0}
    schemes = [s for s in options.schemes.split(",") if s]
    pairs = [f"{s}={p}" for s, p in files]
    imported = None
    if not options.skip_import:
        import_base = measure("baseline-import", db, *pairs, work=work)
        imported = measure("import", db, *pairs, work=work)
        print(line(f"baseline csv + executemany of the same {IMPORT_MONTH} rows", import_base))
        print(
            line(
                f"import {IMPORT_MONTH} scorecards from CSV ({len(files)} files)",
                imported,
                import_base["seconds"],
                target=f"target < {TARGETS['import_s']} s, x{TARGETS['import_ratio']} baseline",
            )
        )
        totals["peak"] = max(totals["peak"], imported["peak_mb"])
        again = measure("import", work / "work.db", *pairs, fresh_copy=False)
        print(line("  the same files again (nothing changes)", again))
    applied_db = applied_company(db)
    for scheme in schemes:
        for period in (GRADE_MONTH, GRADE_QUARTER):
            full_base = measure("baseline", db, scheme, period, fresh_copy=False)
            base = measure("baseline-resumed", applied_db, scheme, period, fresh_copy=False)
            full = measure("grade", db, scheme, period, "dry", JOBS[0], fresh_copy=False)
            dry = measure("grade", applied_db, scheme, period, "dry", JOBS[0], fresh_copy=False)
            ratios = f"x{dry['seconds'] / base['seconds']:5.1f} resumed baseline, x{dry['seconds'] / full_base['seconds']:4.1f} full baseline"
            print(line(f"baseline sqlite3 {scheme} {period} full history", full_base))
            print(line(f"baseline sqlite3 {scheme} {period} resumed", base))
            print(
                line(f"grade {scheme} {period} full replay (dry)", full, full_base["seconds"])
                + f"   jobs {full['jobs']}"
            )
            print(line(f"grade {scheme} {period} (dry run)", dry) + "   " + ratios + f", jobs {dry['jobs']}")
            if period == GRADE_MONTH:
                totals["grade"] += dry["seconds"]
                totals["full"] += full["seconds"]
                totals["baseline"] += base["seconds"]
                totals["full_baseline"] += full_base["seconds"]
            totals["peak"] = max(totals["peak"], dry["peak_mb"], full["peak_mb"])
            if not options.skip_apply:
                applied = measure_apply(applied_db, scheme, period, dry, base, work)
                totals["peak"] = max(totals["peak"], applied["peak_mb"])
                if period == GRADE_MONTH:
                    totals["apply"] += applied["seconds"]
    version = version_seconds()
    print(f"{'cstui --version (best of 5)':<52} {version:8.3f} s{'':33}target < {TARGETS['version_s']} s")
    print()
    print(
        f"all {n:,} employees, month {GRADE_MONTH} after {APPLIED[-1]} was applied: dry run {totals['grade']:.2f} s "
        f"(target < {TARGETS['grade_s']} s; x{totals['grade'] / max(totals['baseline'], 1e-9):.1f} the resumed baseline's "
        f"{totals['baseline']:.2f} s, target x{TARGETS['ratio']:.0f}; x{totals['grade'] / max(totals['full_baseline'], 1e-9):.2f} "
        f"the full-history baseline's {totals['full_baseline']:.2f} s)"
        + ("" if options.skip_apply else f"; --apply {totals['apply']:.2f} s (target < {TARGETS['apply_s']} s)")
    )
    print(f"the same month as a full replay (no checkpoints): dry run {totals['full']:.2f} s")
    if imported is not None:
        print(
            f"import of {imported['rows']:,} scorecard rows: {imported['seconds']:.2f} s (target < {TARGETS['import_s']} s; "
            f"x{imported['seconds'] / import_base['seconds']:.1f} csv + executemany's {import_base['seconds']:.2f} s, target x{TARGETS['import_ratio']})"
        )
    print(
        f"peak memory of any run {totals['peak']:.0f} MB (with its workers; target < {TARGETS['peak_mb']:.0f} MB); grading --jobs {options.jobs}"
    )


if __name__ == "__main__":
    main()
