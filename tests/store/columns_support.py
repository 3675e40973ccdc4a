"""What the column-wise replay tests share (test_columns_fast.py, test_columns_five_tier.py):
teams written in the store's own row layout, and a grading through the store with the model's
fast paths on and off (the per-card reference)."""

from __future__ import annotations

import itertools
import sqlite3

from cstui.domain import Period
from cstui.engine.cards import screen_history
from cstui.grading import graded_results
from cstui.grading_columns import columns_plan
from cstui.store import Store
from cstui.store.card_rows import INSERT_CARD, INSERT_VALUE, value_rows
from cstui.store.columns import team_columns
from skims_support import reference

_teams = itertools.count()
STAMP = "2026-01-01T00:00:00Z"


def new_database(tmp_path_factory):
    """A fresh company file (each test module's ``database`` fixture)."""
    path = tmp_path_factory.mktemp("columns") / "company.db"
    Store.open(path, create=True).close()
    return path


def write_team(path, scheme: str, staff, extra: str | None = None, *, override_level: str = "") -> str:
    """A new team of ``staff`` ([(i, hire date, status, level, {month: values})]) on ``scheme``
    in the store's own row layout; ``extra``: an incident, or an override to ``override_level``."""
    team = f"T{next(_teams)}"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO teams (id, name) VALUES (?, ?)", (team, team))
    for i, hired, status, level, cards in staff:
        eid = f"{team}E{i}"
        conn.execute(
            "INSERT INTO employees (id, name, team, role, hire_date, status, scheme, level) "
            "VALUES (?, ?, ?, 'agent', ?, ?, ?, ?)",
            (eid, f"员工{eid}", team, hired.isoformat(), status, scheme, level),
        )
        conn.execute(
            "INSERT INTO scheme_assignments (employee_id, since_month, scheme, level) VALUES (?, ?, ?, ?)",
            (eid, hired.isoformat()[:7], scheme, level),
        )
        for month, values in cards.items():
            conn.execute(INSERT_CARD, (eid, str(month), 1, "test", STAMP))
            conn.executemany(INSERT_VALUE, value_rows(eid, str(month), values))
    if extra == "incident":
        conn.execute(
            "INSERT INTO incidents (employee_id, date, period, code, count, points, note, recorded_by, recorded_at) "
            "VALUES (?, '2025-06-03', '2025-06', 'late', 1, -2, '', 'test', ?)",
            (f"{team}E0", STAMP),
        )
    elif extra == "override":
        conn.execute(
            "INSERT INTO overrides (employee_id, period, level, reason, author, created_at) "
            "VALUES (?, '2025-08', ?, 'by hand', 'boss', ?)",
            (f"{team}E0", override_level, STAMP),
        )
    conn.execute("COMMIT")
    conn.close()
    return team


def graded(path, scheme, period, team, explain):
    with Store.open(path) as store:
        return [r for t in graded_results(store, scheme, period, [team], explain=explain, jobs=1) for r in t.results]


def both(path, scheme, period, team, explain):
    """(the results with the fast paths on, the reference's)."""
    fast = graded(path, scheme, period, team, explain)
    with reference(scheme.model):
        slow = graded(path, scheme, period, team, explain)
    return fast, slow


def spied(monkeypatch, columnar) -> list:
    """The months ``columnar.checkpoint_columns`` (a model's column-wise module) returned a
    state for; a None (declined) is not counted."""
    taken, real = [], columnar.checkpoint_columns

    def spy(*args):
        state = real(*args)
        if state is not None:
            taken.append(args[-1])
        return state

    monkeypatch.setattr(columnar, "checkpoint_columns", spy)
    return taken


def states(path, scheme, period, team) -> tuple[dict | None, dict]:
    """(the column-wise state at the month before ``period``, the reference's checkpoint there)."""
    before = Period.from_ordinal(period.months()[0].ordinal - 1)
    keys, typed = columns_plan(scheme)
    with Store.open(path) as store:
        read = team_columns(store, scheme.name, [team], period, keys, typed, None)
        fast = scheme.model.checkpoint_columns(scheme, read[0], before) if read is not None else None
        (history,) = store.team_histories(scheme.name, before, [team])
        screened, _ = screen_history(scheme, history, before)
        slow = scheme.model.checkpoint(scheme, screened, before)
    return fast, slow


def without_timelines(state: dict) -> dict:
    """The entries but their timelines (the column-wise state resumes a grading, never a timeline)."""
    return {eid: {k: v for k, v in entry.items() if k != "timeline"} for eid, entry in state["employees"].items()}
