"""A team's members as a grading read takes them (``HistoryMixin._members_on``): roster rows and
scheme timelines in one query, the one-assignment stretch shared (issue 14), against the
reference: every timeline read on its own, each member's window found by ``window_on``."""

from __future__ import annotations

import itertools
import os
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.store import Store
from cstui.store.codec import employee_from_row
from cstui.store.history import _window_of
from cstui.store.timeline import timelines

SCHEMES = ("star-levels", "five-tier", None)
MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026) for m in (1, 4, 7, 10)]
EXAMPLES = max(1, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 10)
_teams = itertools.count()

assignment = st.tuples(st.sampled_from(MONTHS), st.sampled_from(SCHEMES), st.sampled_from(("a", "b", None)))
member = st.tuples(
    st.sampled_from(SCHEMES),  # the roster row's scheme (what a row without a timeline is on)
    st.sampled_from(("a", "b", None)),  # its level
    st.lists(assignment, max_size=3, unique_by=lambda a: a[0]),  # its timeline (none: an older cstui's row)
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store.open(tmp_path_factory.mktemp("members") / "cstui.db", login="alice", create=True)
    yield s
    s.close()


def _reference(store, scheme: str, team: str, first: str, last: str):
    """The members and windows as the read took them before (two queries, every timeline built)."""
    rows = store._rows("SELECT * FROM employees WHERE team = ? ORDER BY id", (team,))
    lines = timelines(
        store.conn.execute(
            "SELECT employee_id, since_month, scheme, level FROM scheme_assignments "
            "WHERE employee_id IN (SELECT id FROM employees WHERE team = ?)",
            (team,),
        )
    )
    employees, windows = [], {}
    for row in rows:
        window = _window_of(row, lines.get(row["id"]), scheme, first, last)
        if window is not None:
            employees.append(replace(employee_from_row(row), scheme=scheme, level=window.level))
            windows[row["id"]] = window
    return employees, windows


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(member, min_size=1, max_size=6),
    st.sampled_from(SCHEMES[:2]),
    st.sampled_from(MONTHS),
    st.integers(0, 8),
)
def test_members_and_windows_are_the_references(store, members, scheme, first, span):
    team = f"T{next(_teams)}"
    last = MONTHS[min(MONTHS.index(first) + span, len(MONTHS) - 1)]
    with store.conn:
        store.conn.execute("INSERT INTO teams (id, name) VALUES (?, ?)", (team, team))
        for i, (on, level, line) in enumerate(members):
            employee_id = f"{team}-{i}"
            store.conn.execute(
                "INSERT INTO employees (id, name, team, role, hire_date, scheme, level) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (employee_id, f"n{i}", team, "agent", date(2024, 1 + i, 1).isoformat(), on, level),
            )
            store.conn.executemany(
                "INSERT INTO scheme_assignments (employee_id, since_month, scheme, level) VALUES (?, ?, ?, ?)",
                [(employee_id, *entry) for entry in line],
            )
    got = store._members_on(scheme, team, first, last)
    assert got == _reference(store, scheme, team, first, last)
