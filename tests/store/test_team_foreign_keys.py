"""results.team and checkpoints.team reference teams(id) (migration m012_team_foreign_keys), from
every earlier schema: rows, columns, indexes and views survive the rebuild; a result naming an
unknown team gets its team created (audited), a checkpoint naming one is dropped (a cache)."""

from __future__ import annotations

import sqlite3

import pytest

from cstui.errors import InvalidData
from cstui.store import Store
from cstui.store.audit import verify_chain
from cstui.store.migrations import MIGRATION_AUDITOR, MIGRATIONS, migrate, schema_version

NAMES = [m.__name__ for m in MIGRATIONS]
FK_MIGRATION = NAMES.index("m012_team_foreign_keys")
HAS_RESULTS = NAMES.index("m003_overrides_results") + 1
HAS_CHECKPOINTS = NAMES.index("m004_checkpoints") + 1


def build_at_version(path, k: int) -> None:
    """A file as an older cstui left it (first k migrations), with results and checkpoints for a
    known team T1 and, written behind cstui's back, for a team T9 that has no row."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn, upto=k)
    if k >= 1:  # at version 0 the file is blank
        conn.execute("INSERT INTO teams (id, name) VALUES ('T1', 'One')")
        for employee in ("1001", "1002"):
            conn.execute(
                "INSERT INTO employees (id, name, team, role, hire_date) VALUES (?, 'N', 'T1', 'agent', '2025-01-01')",
                (employee,),
            )
        conn.execute("INSERT INTO users (login, role, teams) VALUES ('olga', 'admin', '[]')")
    if k >= HAS_RESULTS:
        insert = "INSERT INTO results (employee_id, period, scheme, team, score, trace) VALUES (?, '2026-10', 'star-levels', ?, ?, '[\"x\"]')"
        conn.execute(insert, ("1001", "T1", "97.10"))
        conn.execute(insert, ("1002", "T9", "125.00"))  # the employee moved; T9 never had a row
    if k >= HAS_CHECKPOINTS:
        insert = "INSERT INTO checkpoints (scheme, fingerprint, team, month, state, created_at) VALUES ('star-levels', 'f', ?, '2026-10', '{}', 'now')"
        conn.execute(insert, ("T1",))
        conn.execute(insert, ("T9",))
    conn.execute("COMMIT")
    conn.close()


def _foreign_keys(conn, table: str) -> set[tuple[str, str, str]]:
    return {(row[3], row[2], row[4]) for row in conn.execute(f"PRAGMA foreign_key_list({table})")}


LATER_COLUMNS = {"timelines"}  # added by a migration after m012 (m015), at the end of the table


def _shape(conn, table: str) -> tuple[list, set]:
    columns = [tuple(row) for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in LATER_COLUMNS]
    indexes = {
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
        )
    }
    return columns, indexes


@pytest.mark.parametrize("k", range(FK_MIGRATION + 1))
def test_every_earlier_version_gets_the_team_foreign_keys(db_path, k):
    build_at_version(db_path, k)
    with Store.open(db_path, login="olga" if k else "alice", create=k == 0) as store:
        conn = store.conn
        assert ("team", "teams", "id") in _foreign_keys(conn, "results")
        assert ("employee_id", "employees", "id") in _foreign_keys(conn, "results")  # kept
        assert _foreign_keys(conn, "checkpoints") == {("team", "teams", "id")}
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute(
                "INSERT INTO results (employee_id, period, scheme, team) VALUES ('1001', '2026-11', 's', 'nowhere')"
            )
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute(
                "INSERT INTO checkpoints (scheme, fingerprint, team, month, state, created_at) "
                "VALUES ('s', 'f', 'nowhere', '2026-11', '{}', 'now')"
            )


@pytest.mark.parametrize("k", range(HAS_CHECKPOINTS, FK_MIGRATION + 1))
def test_rows_columns_indexes_and_views_survive_and_unknown_teams_are_handled(db_path, k):
    build_at_version(db_path, k)
    before = sqlite3.connect(db_path)
    shapes = {table: _shape(before, table) for table in ("results", "checkpoints")}
    results = before.execute("SELECT * FROM results ORDER BY employee_id").fetchall()
    before.close()
    with Store.open(db_path, login="olga") as store:
        conn = store.conn
        assert {table: _shape(conn, table) for table in shapes} == shapes
        assert conn.execute("SELECT * FROM results ORDER BY employee_id").fetchall() == results
        assert conn.execute("SELECT name FROM teams WHERE id = 'T9'").fetchone() == ("T9",)
        added = [e for e in store.audit_log(entity="teams") if e["key"] == "T9"]
        assert [(e["action"], e["who"], e["after"]["name"]) for e in added] == [("add-team", MIGRATION_AUDITOR, "T9")]
        assert verify_chain(conn)[1] is None
        assert [row[0] for row in conn.execute("SELECT team FROM checkpoints")] == ["T1"]  # T9's cache is gone
        ordered = conn.execute("SELECT employee_id, score FROM results_view ORDER BY score").fetchall()
        assert ordered == [("1001", 97.1), ("1002", 125.0)]


def test_a_result_whose_employee_is_gone_refuses_the_migration_and_changes_nothing(db_path):
    build_at_version(db_path, FK_MIGRATION)
    conn = sqlite3.connect(db_path, isolation_level=None)  # foreign keys off, as sqlite3's shell has them
    conn.execute("DELETE FROM employees WHERE id = '1002'")
    conn.close()
    with pytest.raises(InvalidData, match=r"results table has 1 rows .* PRAGMA foreign_key_check\(results\)"):
        Store.open(db_path, login="olga")
    conn = sqlite3.connect(db_path)
    assert schema_version(conn) == FK_MIGRATION
    assert conn.execute("SELECT count(*) FROM teams WHERE id = 'T9'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM checkpoints").fetchone() == (2,)
    conn.close()
