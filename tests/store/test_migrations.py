import sqlite3

import pytest

from cstui.store import SCHEMA_VERSION, Store, StoreError
from cstui.store import migrations
from cstui.store.files import APPLICATION_ID
from cstui.store.migrations import MIGRATIONS, migrate, schema_version

TABLES = {"teams", "employees", "users", "audit", "periods", "scorecards", "incidents", "overrides", "results", "checkpoints", "scheme_assignments"}


def build_at_version(path, k: int) -> None:
    """A database as an older cstui left it: the first k migrations, with some data."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn, upto=k)
    if k >= 1:
        conn.execute("INSERT INTO teams (id, name) VALUES ('T1', 'One')")
        conn.execute(
            "INSERT INTO employees (id, name, team, role, hire_date, scheme) "
            "VALUES ('1001', '张三', 'T1', 'agent', '2025-01-01', 'star-levels')"
        )
        conn.execute("INSERT INTO users (login, role, teams) VALUES ('olga', 'admin', '[]')")
    conn.execute("COMMIT")
    conn.close()


def tables(store: Store) -> set[str]:
    return set(store.db.table_names()) - {"sqlite_sequence"}


def application_id(conn) -> int:
    return conn.execute("PRAGMA application_id").fetchone()[0]


def test_blank_database_gets_every_table_and_the_creator_as_admin(db_path):
    with Store.open(db_path, login="alice", create=True) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION == len(MIGRATIONS)
        assert application_id(store.conn) == APPLICATION_ID
        assert tables(store) == TABLES
        assert store.user.role == "admin"
        assert store.audit_log(entity="users")[0]["action"] == "bootstrap-admin"
    with Store.open(db_path, login="alice") as again:  # reopening changes nothing
        assert len(again.users()) == 1


@pytest.mark.parametrize("k", range(len(MIGRATIONS)))
def test_upgrade_from_every_earlier_version(db_path, k):
    build_at_version(db_path, k)
    assert application_id(sqlite3.connect(db_path)) == 0  # older cstui files are not marked
    login = "olga" if k >= 1 else "alice"  # at version 0 the file is blank: only creating opens it
    with Store.open(db_path, login=login, create=k == 0) as store:
        assert schema_version(store.conn) == SCHEMA_VERSION
        assert application_id(store.conn) == APPLICATION_ID  # marked as cstui's in the migration
        assert tables(store) == TABLES
        assert store.user.role == "admin"
        if k >= 1:
            assert store.employee("1001").name == "张三"
            assert [u.login for u in store.users()] == ["olga"]
            # m007: an existing employee's timeline is their current scheme, since their hire month
            assert [(a.since, a.scheme, a.level) for a in store.scheme_assignments("1001")] == [("2025-01", "star-levels", None)]
        card = {"sales_target": "100", "sales_actual": "90"}  # valid for star-levels: the store checks each card
        assert store.save_scorecard("1001" if k >= 1 else _add_one(store), "2026-10", card, 0) == 1


def _add_one(store: Store) -> str:
    from datetime import date

    from cstui.domain import Employee

    store.add_employee(Employee("1001", "张三", "T1", "agent", date(2025, 1, 1), scheme="star-levels"))
    return "1001"


def test_newer_schema_is_refused(db_path):
    Store.open(db_path, login="alice", create=True).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this cstui"):
        Store.open(db_path, login="alice")


def test_failed_migration_leaves_the_file_as_it_was(db_path, monkeypatch):
    build_at_version(db_path, 1)

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk on fire")

    monkeypatch.setattr(migrations, "MIGRATIONS", [MIGRATIONS[0], broken, *MIGRATIONS[2:]])
    with pytest.raises(StoreError, match="disk on fire"):
        Store.open(db_path, login="olga")
    conn = sqlite3.connect(db_path)
    assert schema_version(conn) == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
    conn.close()


def test_not_a_database_and_missing_file(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite " * 100)
    with pytest.raises(StoreError, match="not a cstui database"):
        Store.open(junk, login="alice")
    with pytest.raises(StoreError, match="no cstui database at"):
        Store.open(tmp_path / "absent.db", login="alice", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_duplicate_incidents_of_an_older_file_are_kept_as_copies(db_path):
    """Before the natural key (m006) the same incident could be stored twice: both stay, numbered."""
    build_at_version(db_path, 5)
    conn = sqlite3.connect(db_path, isolation_level=None)
    row = "INSERT INTO incidents (employee_id, date, period, code, count, points, note) VALUES ('1001', '2026-10-05', '2026-10', 'late', 1, ?, '迟到')"
    for points in ("-3", "-3", "-3", None, None):
        conn.execute(row, (points,))
    conn.close()
    with Store.open(db_path, login="olga") as store:
        stored = store.conn.execute("SELECT points, copy FROM incidents ORDER BY id").fetchall()
        assert stored == [("-3", 1), ("-3", 2), ("-3", 3), (None, 1), (None, 2)]
        assert len(store.incidents("1001", "2026-10")) == 5
        with pytest.raises(StoreError, match="refused the change"):
            with store.write():
                store.conn.execute(row, (None,))  # copy 1 of a key that has one: the unique key refuses it
