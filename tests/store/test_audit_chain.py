"""The audit trail proves itself: a hash chain that names the first row edited, deleted or forged."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from cstui.domain import Employee, Incident
from cstui.store import AccessDenied, Store
from cstui.store.audit import GENESIS, AuditFilter, row_hash, verify_chain
from cstui.store.migrations import migrate
from scheme_cards import star_card


def busy_trail(store: Store) -> None:
    # A201: an assistant on T2 (incidents need a scheme with a catalogue: the card gate)
    store.add_employee(Employee("A201", "助理A201", "T2", "assistant", date(2025, 1, 1), scheme="assistant-class"))
    store.save_scorecard("1001", "2026-10", star_card("90"), 0)
    store.save_scorecards([("1002", "2026-10", star_card(target="100")), ("1003", "2026-10", star_card(target="5"))])
    inc = store.add_incident(Incident("A201", date(2026, 10, 3), "late", points=None))
    store.delete_incident(inc.id)
    store.close_period("2026-09")


def tamper(path, *statements) -> None:
    """What someone with the file and plain sqlite3 can do: drop the guard, then edit."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_is_permanent_update")
    conn.execute("DROP TRIGGER audit_is_permanent_delete")
    for sql in statements:
        conn.execute(sql)
    conn.close()


def test_every_write_path_extends_one_unbroken_chain(store):
    busy_trail(store)
    checked, broken = store.verify_audit()
    assert broken is None and checked == store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] > 10
    rows = store.conn.execute("SELECT id, hash FROM audit ORDER BY id").fetchall()
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    first = store.conn.execute(
        "SELECT id, at, who, action, entity, key, before, after FROM audit WHERE id = 1"
    ).fetchone()
    assert rows[0][1] == row_hash(GENESIS, first)


def test_a_row_edited_with_sqlite3_is_named(store, db_path):
    busy_trail(store)
    target = store.audit_log(entity="scorecards", key="1001/2026-10")[0]["id"]
    tamper(
        db_path, f"""UPDATE audit SET after = '{{"sales_actual": "190", "sales_target": "100"}}' WHERE id = {target}"""
    )
    checked, broken = store.verify_audit()
    assert broken.row_id == target and checked == target - 1
    assert "content does not match its hash" in broken.problem


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(store, db_path):
    busy_trail(store)
    conn = sqlite3.connect(db_path)
    previous = conn.execute("SELECT hash FROM audit WHERE id = 3").fetchone()[0]
    row = list(
        conn.execute("SELECT id, at, who, action, entity, key, before, after FROM audit WHERE id = 4").fetchone()
    )
    row[2] = "mallory"
    conn.close()
    tamper(db_path, f"UPDATE audit SET who = 'mallory', hash = '{row_hash(previous, row)}' WHERE id = 4")
    _, broken = store.verify_audit()
    assert broken.row_id == 5 and "row 4 was rewritten" in broken.problem


def test_a_deleted_row_is_named(store, db_path):
    busy_trail(store)
    tamper(db_path, "DELETE FROM audit WHERE id = 6")
    _, broken = store.verify_audit()
    assert broken.row_id == 6 and "missing: row 6 deleted" in broken.problem


def test_rows_deleted_from_the_end_are_named_and_the_next_write_does_not_hide_it(store, db_path):
    busy_trail(store)
    last = store.data_version()
    tamper(db_path, f"DELETE FROM audit WHERE id >= {last - 1}")
    _, broken = store.verify_audit()
    assert broken.row_id == last - 1 and f"rows {last - 1}-{last}" in broken.problem
    store.add_team("T9", "Nine")  # the next row takes a new number: the gap stays visible
    _, broken = store.verify_audit()
    assert broken.row_id == last - 1 and "missing" in broken.problem


def test_only_managers_read_or_verify_the_trail(store, open_as):
    store.add_user("sam", "supervisor", ["T1"])
    sam = open_as("sam")
    with pytest.raises(AccessDenied):
        sam.audit_rows()
    with pytest.raises(AccessDenied):
        sam.verify_audit()
    assert sam.card_history("1001", "2026-10") == []  # a card of their own team: its history is theirs


def test_filters_narrow_the_listing(store):
    busy_trail(store)
    store.add_user("sam", "supervisor", ["T1"])
    by_employee = store.audit_rows(AuditFilter(employee="A201"))
    assert {(r["entity"], r["action"]) for r in by_employee} == {
        ("employees", "add"),
        ("incidents", "add"),
        ("incidents", "delete"),
    }
    assert {r["key"] for r in store.audit_rows(AuditFilter(period="2026-10", table="scorecards"))} == {
        "1001/2026-10",
        "1002/2026-10",
        "1003/2026-10",
    }
    assert [r["key"] for r in store.audit_rows(AuditFilter(period="2026-Q3"))] == ["2026-09"]
    assert [r["key"] for r in store.audit_rows(AuditFilter(table="users"))] == ["sam", "alice"]
    assert store.audit_rows(AuditFilter(user="nobody")) == []
    assert store.audit_rows(AuditFilter(until=date(2000, 1, 1))) == []
    assert len(store.audit_rows(AuditFilter(since=date(2000, 1, 1), limit=3))) == 3
    assert [r["key"] for r in store.audit_rows(AuditFilter(text="sam"))] == ["sam"]


def test_a_card_history_lists_its_saves_and_its_months_incidents(store):
    busy_trail(store)
    history = store.card_history("1001", "2026-10")
    assert [(r["action"], r["after"]["sales_actual"]) for r in history] == [("save", "90")]
    assert [r["action"] for r in store.card_history("A201", "2026-10")] == ["delete", "add"]


def test_the_migration_chains_an_older_files_rows(db_path):
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn, upto=4)
    conn.execute("INSERT INTO users (login, role) VALUES ('olga', 'admin')")
    for n in range(5):
        conn.execute(
            "INSERT INTO audit (at, who, action, entity, key, before, after) VALUES ('2026-01-01T00:00:00Z', 'olga', 'add-team', 'teams', ?, NULL, '{}')",
            (f"T{n}",),
        )
    conn.execute("COMMIT")
    conn.close()
    with Store.open(db_path, login="olga") as store:
        assert verify_chain(store.conn) == (5, None)
        store.add_team("T9", "Nine")
        assert store.verify_audit() == (6, None)
