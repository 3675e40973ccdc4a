import sqlite3

import pytest

from cstui.store import NotFound, Store, StoreError, roster


def table_count(store: Store, table: str) -> int:
    return store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_connection_settings(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_import_of_10000_rows_is_all_or_nothing_when_row_9999_is_invalid(store, new_employee):
    employees_before, audit_before = table_count(store, "employees"), table_count(store, "audit")
    rows = [new_employee(f"E{i:05d}", team=f"NEW{i % 7}") for i in range(1, 10_001)]
    rows[9_998].name = ""  # row 9,999
    with pytest.raises(StoreError, match="row 9999: employee 'E09999': name is required"):
        store.import_roster(rows)
    assert table_count(store, "employees") == employees_before
    assert table_count(store, "audit") == audit_before
    assert [t["id"] for t in store.teams()] == ["T1", "T2"]  # auto-created teams rolled back too


def test_import_rolled_back_when_the_database_refuses_row_9999(store, new_employee, monkeypatch):
    # bypass the Python checks so the CHECK constraint fails mid-way, after 9 chunks were written
    monkeypatch.setattr(roster, "check_employee", lambda e, where="": None)
    employees_before, audit_before = table_count(store, "employees"), table_count(store, "audit")
    rows = [new_employee(f"E{i:05d}") for i in range(1, 10_001)]
    rows[9_998].status = "retired"
    with pytest.raises(StoreError, match="nothing was saved"):
        store.import_roster(rows)
    assert table_count(store, "employees") == employees_before
    assert table_count(store, "audit") == audit_before
    assert not store.conn.in_transaction


def test_import_upserts_and_counts(store, new_employee):
    rows = [new_employee("1001", name="新名字"), new_employee("1002"), new_employee("3001", team="T3")]
    assert store.import_roster(rows) == (1, 1)  # 1002 unchanged: counted in neither
    assert store.employee("1001").name == "新名字"
    assert store.employee("1001").version == 2
    assert "T3" in [t["id"] for t in store.teams()]
    assert store.import_roster(rows) == (0, 0)


def test_import_refuses_a_repeated_id(store, new_employee):
    with pytest.raises(StoreError, match="row 3: employee '9' appears twice \\(also row 1\\)"):
        store.import_roster([new_employee("9"), new_employee("8"), new_employee("9")])
    with pytest.raises(NotFound):
        store.employee("8")


def test_write_rolls_back_changes_and_their_audit_rows(store, new_employee):
    audit_before = table_count(store, "audit")
    with pytest.raises(RuntimeError), store.write():
        store.add_team("T9", "Nine")
        store.add_employee(new_employee("9001", team="T9"))
        assert table_count(store, "audit") == audit_before + 2  # audit joins the same transaction
        raise RuntimeError("boom")
    assert table_count(store, "audit") == audit_before
    assert table_count(store, "employees") == 5
    assert "T9" not in [t["id"] for t in store.teams()]


def test_nested_write_joins_the_outer_transaction(store, new_employee, open_as):
    other = open_as("alice")
    with store.write():
        store.add_team("T8", "Eight")
        with pytest.raises(StoreError), store.write():  # inner failure undoes only the inner part
            store.add_team("T7", "Seven")
            store.add_employee(new_employee("1001"))  # already exists
        assert "T8" not in [t["id"] for t in other.teams()]  # not committed yet
    ids = [t["id"] for t in other.teams()]
    assert "T8" in ids and "T7" not in ids


def test_write_takes_the_lock_at_begin(store, open_as):
    """BEGIN IMMEDIATE: a second writer is refused at once, not halfway through its changes."""
    other = open_as("alice")
    other.conn.execute("PRAGMA busy_timeout = 0")
    with store.write(), pytest.raises(StoreError, match="busy"), other.write():
        pass
    with other.write():
        other.add_team("T5", "Five")


def test_audit_rows_cannot_be_deleted_or_edited(store):
    with pytest.raises(sqlite3.DatabaseError, match="audit rows are permanent"):
        store.conn.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.DatabaseError, match="audit rows are permanent"):
        store.conn.execute("UPDATE audit SET who = 'x'")


def test_audit_row_records_who_what_and_before_after(store):
    e = store.employee("1001")
    e.name = "李四"
    store.update_employee(e, expected_version=1)
    entry = store.audit_log(limit=1, entity="employees", key="1001")[0]
    assert entry["who"] == "alice" and entry["action"] == "update"
    assert entry["before"]["name"] == "员工1001" and entry["after"]["name"] == "李四"
    assert entry["at"].endswith("Z")
