"""A team's members and their scheme timelines read as one JSON text (history.members_with_timelines,
issue 14) are what the row read gives (history.members_by_row, the reference): the same members in
id order, each roster row's values as stored, each timeline by month, whatever the texts and the
order the rows were written in; a value JSON cannot hold exactly (a BLOB, a REAL version) is read
by rows."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.store import history
from cstui.store.migrations import migrate

TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=6)  # no lone surrogates: not storable
MAYBE = st.none() | TEXT
MONTHS = st.lists(st.sampled_from([f"20{y:02d}-{m:02d}" for y in (25, 26) for m in (1, 6, 11)]), unique=True)
VERSION = st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.just(1)
MEMBER = st.fixed_dictionaries(
    {
        "name": TEXT,
        "team": st.sampled_from(["T1", "T1", "T2"]),
        "role": TEXT,
        "hire": TEXT,
        "status": st.sampled_from(["active", "inactive"]),
        "login": MAYBE,
        "scheme": MAYBE,
        "level": MAYBE,
        "version": VERSION,
        "timeline": MONTHS.flatmap(
            lambda months: st.lists(st.tuples(MAYBE, MAYBE), min_size=len(months), max_size=len(months)).map(
                lambda rest: [(m, *r) for m, r in zip(months, rest)]
            )
        ),
    }
)


def _store(members: dict[str, dict], order: list[str]) -> sqlite3.Connection:
    """The members written in ``order`` (the team index then gives them in that order), each
    timeline's months in reverse."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn)
    conn.execute("PRAGMA foreign_keys = OFF")
    for employee_id in order:
        m = members[employee_id]
        conn.execute(
            "INSERT INTO employees (id, name, team, role, hire_date, status, login, scheme, level, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                employee_id,
                m["name"],
                m["team"],
                m["role"],
                m["hire"],
                m["status"],
                m["login"],
                m["scheme"],
                m["level"],
                m["version"],
            ),
        )
        conn.executemany(
            "INSERT INTO scheme_assignments (employee_id, since_month, scheme, level) VALUES (?, ?, ?, ?)",
            [(employee_id, *entry) for entry in reversed(m["timeline"])],
        )
    return conn


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(TEXT, MEMBER, max_size=6), st.randoms(use_true_random=False))
def test_json_read_is_the_row_read(members, random):
    order = sorted(members)
    random.shuffle(order)
    conn = _store(members, order)
    for team in ("T1", "T2", "T3"):
        found = history.members_with_timelines(conn, team)
        assert found == list(history.members_by_row(conn, team))
        assert [row[0] for row, _ in found] == sorted(e for e, m in members.items() if m["team"] == team)
        for row, _ in found:  # the same types too (1 == 1.0 == True)
            assert [type(value) for value in row] == [type(value) for value in _row_of(conn, row[0])]


def _row_of(conn, employee_id: str) -> tuple:
    return conn.execute(
        "SELECT id, name, team, role, hire_date, status, login, scheme, level, version FROM employees WHERE id = ?",
        (employee_id,),
    ).fetchone()


def test_a_value_json_cannot_hold_is_read_by_rows():
    member = {"name": "张伟", "team": "T1", "role": "agent", "hire": "2024-01-02", "status": "active", "login": None}
    member |= {"scheme": "star-levels", "level": None, "version": 1, "timeline": [("2024-01", "star-levels", "1-star")]}
    conn = _store({"E1": member, "E2": {**member, "version": 0.1 + 0.2}}, ["E2", "E1"])
    found = history.members_with_timelines(conn, "T1")
    assert [row[9] for row, _ in found] == [1, 0.1 + 0.2]  # not JSON's 15 digits, 0.3
    conn.execute("UPDATE employees SET version = 2, login = ? WHERE id = 'E2'", (b"\xff",))
    found = history.members_with_timelines(conn, "T1")
    assert found == list(history.members_by_row(conn, "T1"))
    assert found[1][0][6] == b"\xff"
    assert history.members_with_timelines(conn, "T9") == []
