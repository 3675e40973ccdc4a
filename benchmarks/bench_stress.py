"""Stress: 8 writer processes of every kind on one database file for N seconds, then a check
that no acknowledged write was lost or doubled.

    .venv/bin/python benchmarks/bench_stress.py [--seconds 20] [--employees 40] [--keep DIR]

Writers (each its own process and login, on the same real file):
  tui-1, tui-2   TUI-style saves: read a card, change ``b_followups`` to a unique token, save
                 with the version read (a Conflict is counted, and the writer reads again)
  import-cards   partial scorecard imports: a CSV with only ``a_followups`` (a unique token)
  import-roster  roster imports (no status column): every name set to a unique token
  deactivate     deactivate / reactivate one employee at a time, with the version read
  incidents-1,2  ``cstui import incidents`` of the SAME file, over and over
  apply          ``apply_period`` of the month (grade unlocked, record in a short transaction)

Then it prints acknowledged writes per writer, conflicts, "busy" errors surfaced, apply
refusals, lost updates, doubled incidents, and audit rows against the writes that should
have made them, and verifies the audit chain. A lost update is an acknowledged write whose
effect is gone without a later acknowledged write to the same field: for a card field or a
name, the final value must be the token of the acknowledged write committed last (the
commit order is the audit trail's); for a status, the status of the acknowledged change
that returned the highest version.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

MONTH = "2026-10"
SCHEME = "assistant-class"
INCIDENTS_CSV = (
    "employee_id,date,code,count,points,note\n"
    "A0000,2026-10-05,late,1,-3,迟到\nA0000,2026-10-05,late,1,-3,迟到\n"  # the same incident twice: 2 copies
    "A0001,2026-10-06,loud,1,,\nA0002,2026-10-07,cover-shift,1,,顶班\nA0003,2026-10-08,entry-error,1,,\n"
)
WRITERS = ("tui-1", "tui-2", "import-cards", "import-roster", "deactivate", "incidents-1", "incidents-2", "apply")


def setup(folder: Path, employees: int) -> Path:
    from cstui.domain import Employee
    from cstui.store import Store

    path = folder / "stress.db"
    with Store.open(path, login="bench", create=True) as store:
        for login in WRITERS:
            store.add_user(login, "manager")
        people = [
            Employee(f"A{i:04d}", f"员工{i}", f"T{i % 2}", "assistant", date(2025, 1, 1), scheme=SCHEME)
            for i in range(employees)
        ]
        store.import_roster(people)
        store.save_scorecards((e.id, MONTH, {"a_followups": "0", "b_followups": "0"}) for e in people)
    (folder / "incidents.csv").write_text(INCIDENTS_CSV, encoding="utf-8")
    return path


# -- the writers ----------------------------------------------------------------------------------


def writer(name: str, path: str, seconds: float, employees: int, queue) -> None:
    from cstui.store import Store

    rng = random.Random(name)
    log = {"acks": [], "conflicts": 0, "busy": 0, "refused": 0, "errors": [], "expected_audit": 0}
    step = STEPS[name.rsplit("-", 1)[0] if name[-1].isdigit() else name]
    folder = Path(path).parent
    end = time.monotonic() + seconds
    n = 0
    with Store.open(path, login=name) as store:
        while time.monotonic() < end and n < TOKENS_PER_WRITER - 1:
            n += 1
            # unique per writer, and a count its scheme accepts (at most 10^6: the card check)
            token = f"{WRITERS.index(name) + 1}{n:05d}"
            try:
                step(store, rng, token, employees, folder, name, log)
            except Exception as error:  # noqa: BLE001  (counted by kind, the run goes on)
                classify(error, log)
    queue.put((name, log))


TOKENS_PER_WRITER = 100_000  # tokens 1_00001 .. 8_99999 stay below a count's limit of 10^6


def classify(error: Exception, log: dict) -> None:
    from cstui.store import ChangedMeanwhile, Conflict

    if isinstance(error, Conflict):
        log["conflicts"] += 1
    elif isinstance(error, ChangedMeanwhile):
        log["refused"] += 1
    elif "busy" in str(error) or "locked" in str(error):
        log["busy"] += 1
    else:
        log["errors"].append(f"{type(error).__name__}: {error}")


def step_tui(store, rng, token, employees, folder, name, log) -> None:
    employee_id = f"A{rng.randrange(employees):04d}"
    card = store.scorecard(employee_id, MONTH)
    values = dict(card.values) | {"b_followups": token}
    version = store.save_scorecard(employee_id, MONTH, values, card.version)
    log["acks"].append(("card", employee_id, "b_followups", token, version))
    log["expected_audit"] += 1


def step_import_cards(store, rng, token, employees, folder, name, log) -> None:
    from cstui.domain import Period
    from cstui.io.imports import import_scorecards
    from cstui.schemes import load_scheme

    ids = sorted(rng.sample(range(employees), max(1, employees // 4)))
    csv = folder / f"{name}.csv"
    csv.write_text("employee_id,a_followups\n" + "".join(f"A{i:04d},{token}\n" for i in ids), encoding="utf-8")
    summary = import_scorecards(store, csv, Period.parse(MONTH), load_scheme(SCHEME))
    log["acks"] += [("card", f"A{i:04d}", "a_followups", token, None) for i in ids]
    # one audit entry per file that changed a card; its cards' new values are the file's
    log["expected_audit"] += 1 if _counted(summary, "new") + _counted(summary, "updated") else 0
    log.setdefault("files", {})[hashlib.sha256(csv.read_bytes()).hexdigest()] = token


def step_import_roster(store, rng, token, employees, folder, name, log) -> None:
    from cstui.io.imports import import_roster

    ids = sorted(rng.sample(range(employees), max(1, employees // 4)))
    csv = folder / f"{name}.csv"
    rows = "".join(f"A{i:04d},N{token},T{i % 2},assistant,2025-01-01\n" for i in ids)
    csv.write_text("employee_id,name,team,role,hire_date\n" + rows, encoding="utf-8")
    summary = import_roster(store, csv)
    log["acks"] += [("name", f"A{i:04d}", "name", f"N{token}", None) for i in ids]
    log["expected_audit"] += _counted(summary, "new") + _counted(summary, "updated")


def step_deactivate(store, rng, token, employees, folder, name, log) -> None:
    employee_id = f"A{rng.randrange(employees):04d}"
    e = store.employee(employee_id)
    if e.status == "active":
        changed = store.deactivate_employee(employee_id, e.version)
    else:
        e.status = "active"
        changed = store.update_employee(e, e.version)
    log["acks"].append(("status", employee_id, "status", changed.status, changed.version))
    log["expected_audit"] += 1


def step_incidents(store, rng, token, employees, folder, name, log) -> None:
    from cstui.io.imports import import_incidents

    summary = import_incidents(store, folder / "incidents.csv")
    log["acks"].append(("incidents", "", "", _counted(summary, "new"), None))
    log["expected_audit"] += _counted(summary, "new")


def step_apply(store, rng, token, employees, folder, name, log) -> None:
    from cstui.domain import Period
    from cstui.grading import apply_period
    from cstui.schemes import load_scheme

    count = apply_period(store, load_scheme(SCHEME), Period.parse(MONTH))
    log["acks"].append(("apply", "", "", count, None))
    time.sleep(0.2)  # a manager applies now and then, not in a tight loop


STEPS = {
    "tui": step_tui,
    "import-cards": step_import_cards,
    "import-roster": step_import_roster,
    "deactivate": step_deactivate,
    "incidents": step_incidents,
    "apply": step_apply,
}


def _counted(summary: str, word: str) -> int:
    """N of "N new" / "N updated" in an import's one-line summary."""
    words = summary.replace("(", " ").replace(")", " ").replace(",", " ").split()
    return int(words[words.index(word) - 1]) if word in words else 0


# -- the check ------------------------------------------------------------------------------------


def check(path: Path, logs: dict) -> dict:
    from cstui.store import Store
    from cstui.store.audit import verify_chain

    with Store.open(path, login="bench") as store:
        files = {sha: token for log in logs.values() for sha, token in log.get("files", {}).items()}
        commit_order = _commit_order(store, files)
        lost = _lost_fields(store, logs, commit_order) + _lost_statuses(store, logs)
        file_rows = INCIDENTS_CSV.count("\n") - 1
        stored = store.conn.execute("SELECT COUNT(*) FROM incidents").fetchone()[0]
        reported_new = sum(a[3] for log in logs.values() for a in log["acks"] if a[0] == "incidents")
        by_writer = dict(store.conn.execute("SELECT who, COUNT(*) FROM audit GROUP BY who"))
        checked, broken = verify_chain(store.conn)
    return {
        "lost": lost,
        "doubled": stored - file_rows,
        "reported_new": reported_new,
        "file_rows": file_rows,
        "audit_by_writer": by_writer,
        "chain": (checked, broken),
    }


def _commit_order(store, files: dict[str, str]) -> dict:
    """(kind, employee, field, token) -> the audit id that committed it (``files``: each imported
    file's sha256 -> the token it wrote, for the file's one audit entry)."""
    from cstui.store.codec import loads
    from cstui.store.file_audit import IMPORT_FILE, written_cards

    order = {}
    for audit_id, action, entity, key, before, after in store.conn.execute(
        "SELECT id, action, entity, key, before, after FROM audit WHERE entity IN ('scorecards', 'employees') ORDER BY id"
    ):
        values = loads(after) or {}
        if action == IMPORT_FILE:
            token = files.get(values.get("sha256"))
            for card, _ in written_cards(loads(before), values):
                order.setdefault(("card", card.split("/")[0], "a_followups", token), audit_id)
        elif entity == "scorecards":
            employee_id = key.split("/")[0]
            for field in ("a_followups", "b_followups"):
                order.setdefault(("card", employee_id, field, values.get(field)), audit_id)
        elif "name" in values:
            order.setdefault(("name", key, "name", values["name"]), audit_id)
    return order


def _lost_fields(store, logs: dict, order: dict) -> list[str]:
    latest: dict[tuple, tuple[int, str]] = {}
    for log in logs.values():
        for kind, employee_id, field, token, _ in log["acks"]:
            if kind not in ("card", "name"):
                continue
            committed = order.get((kind, employee_id, field, token))
            if committed is None:
                latest[(kind, employee_id, field)] = (10**12, f"acknowledged {token} never committed")
                continue
            if committed > latest.get((kind, employee_id, field), (0, ""))[0]:
                latest[(kind, employee_id, field)] = (committed, token)
    lost = []
    for (kind, employee_id, field), (_, token) in latest.items():
        if kind == "card":
            final = store.scorecard(employee_id, MONTH).values.get(field)
        else:
            final = store.employee(employee_id).name
        if final != token:
            lost.append(f"{kind} {employee_id} {field}: last acknowledged {token}, stored {final}")
    return lost


def _lost_statuses(store, logs: dict) -> list[str]:
    latest: dict[str, tuple[int, str]] = {}
    for log in logs.values():
        for kind, employee_id, _, status, version in log["acks"]:
            if kind == "status" and version > latest.get(employee_id, (0, ""))[0]:
                latest[employee_id] = (version, status)
    return [
        f"status {employee_id}: last acknowledged {status} (version {version}), stored {store.employee(employee_id).status}"
        for employee_id, (version, status) in latest.items()
        if store.employee(employee_id).status != status
    ]


def report(logs: dict, found: dict, seconds: float, employees: int) -> None:
    print(
        f"bench_stress: 8 writers x {seconds:g} s, {employees} employees, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(
        f"{'writer':<14} {'acked':>7} {'conflicts':>9} {'busy':>5} {'refused':>7} {'audit rows':>10} {'expected':>8}  errors"
    )
    totals = Counter()
    for name in WRITERS:
        log = logs[name]
        audit = found["audit_by_writer"].get(name, 0)
        expected = "-" if name == "apply" else str(log["expected_audit"])
        print(
            f"{name:<14} {len(log['acks']):>7} {log['conflicts']:>9} {log['busy']:>5} {log['refused']:>7} {audit:>10} {expected:>8}  {'; '.join(log['errors'][:2])}"
        )
        totals.update(
            acked=len(log["acks"]),
            conflicts=log["conflicts"],
            busy=log["busy"],
            refused=log["refused"],
            errors=len(log["errors"]),
        )
        if name != "apply" and audit != log["expected_audit"]:
            totals["audit mismatches"] += 1
    checked, broken = found["chain"]
    print(
        f"acknowledged writes {totals['acked']:,}; conflicts {totals['conflicts']}; busy surfaced {totals['busy']}; "
        f"apply refused (data kept changing) {totals['refused']}; other errors {totals['errors']}"
    )
    print(
        f"lost updates {len(found['lost'])}; doubled incidents {found['doubled']} "
        f"(file rows {found['file_rows']}, reported new in all imports {found['reported_new']}); "
        f"writers whose audit rows differ from their writes {totals['audit mismatches']}"
    )
    print(f"audit chain: {checked:,} rows, " + ("intact" if broken is None else f"BROKEN at {broken}"))
    for line in found["lost"][:10]:
        print("  lost:", line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--employees", type=int, default=40)
    parser.add_argument("--keep", type=Path, default=None, help="build the database in DIR and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cstui-stress-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = setup(folder, args.employees)
    context = multiprocessing.get_context("spawn")  # each writer a fresh process, as separate cstui runs are
    queue = context.Queue()
    procs = [
        context.Process(target=writer, args=(name, str(path), args.seconds, args.employees, queue)) for name in WRITERS
    ]
    for p in procs:
        p.start()
    logs = dict(queue.get(timeout=args.seconds + 300) for _ in procs)
    for p in procs:
        p.join()
    found = check(path, logs)
    report(logs, found, args.seconds, args.employees)
    bad = (
        found["lost"]
        or found["doubled"]
        or found["reported_new"] != found["file_rows"]
        or found["chain"][1] is not None
    )
    return 1 if bad or any(log["busy"] for log in logs.values()) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
