import sqlite3

import pytest
import sqlite_utils

from cstui.store import SCHEMA_VERSION, Store, StoreError, migrations
from cstui.store.files import APPLICATION_ID
from cstui.store.migrations import MIGRATIONS, migrate, schema_version

TABLES = {
    "teams",
    "employees",
    "users",
    "audit",
    "periods",
    "scorecards",
    "incidents",
    "overrides",
    "results",
    "checkpoints",
    "scheme_assignments",
    "scheme_snapshots",
    "applied_schemes",
    "scorecard_values",
    "web_tokens",
    "sign_offs",
}


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
    return set(sqlite_utils.Database(store.conn).table_names()) - {"sqlite_sequence"}


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
            # m008 gives an employee who existed before it a timeline: their current scheme, since
            # their hire month (one written behind a newer schema's back has none, and grading
            # falls back to the employee's current scheme)
            if k <= [m.__name__ for m in MIGRATIONS].index("m008_scheme_assignments"):
                assert [(a.since, a.scheme, a.level) for a in store.scheme_assignments("1001")] == [
                    ("2025-01", "star-levels", None)
                ]
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
        with pytest.raises(StoreError, match="refused the change"), store.write():
            store.conn.execute(row, (None,))  # copy 1 of a key that has one: the unique key refuses it


VIEWS = {"results_view", "scorecards_view"}


def _views(conn) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}


@pytest.mark.parametrize("k", range(len(MIGRATIONS)))
def test_every_earlier_version_gets_the_views(db_path, k):
    build_at_version(db_path, k)
    with Store.open(db_path, login="olga" if k >= 1 else "alice", create=k == 0) as store:
        assert _views(store.conn) == VIEWS
        assert store.conn.execute("SELECT count(*) FROM results_view").fetchone() == (0,)


def _result(conn, employee_id: str, score: str | None, pay_delta: str | None) -> None:
    conn.execute(
        "INSERT INTO results (employee_id, period, scheme, team, score, pay_delta) VALUES (?, '2026-10', 'five-tier', 'T1', ?, ?)",
        (employee_id, score, pay_delta),
    )


def test_results_view_sorts_scores_as_numbers_and_pay_in_whole_fen(db_path):
    build_at_version(db_path, len(MIGRATIONS))
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(
        "INSERT INTO employees (id, name, team, role, hire_date) VALUES ('1002', 'Li', 'T1', 'agent', '2025-01-01')"
    )
    conn.execute(
        "INSERT INTO employees (id, name, team, role, hire_date) VALUES ('1003', 'Wu', 'T1', 'agent', '2025-01-01')"
    )
    _result(conn, "1001", "97.10", "-23.5")
    _result(conn, "1002", "125.00", "300")
    _result(conn, "1003", None, None)
    # as stored, text: '97.10' sorts above '125.00' -- what Datasette showed
    assert [r[0] for r in conn.execute("SELECT employee_id FROM results WHERE score IS NOT NULL ORDER BY score")] == [
        "1002",
        "1001",
    ]
    rows = conn.execute(
        "SELECT employee_id, score, pay_delta_fen, typeof(score), typeof(pay_delta_fen) FROM results_view "
        "WHERE score IS NOT NULL ORDER BY score"
    ).fetchall()
    assert rows == [("1001", 97.1, -2350, "real", "integer"), ("1002", 125.0, 30000, "real", "integer")]
    assert conn.execute("SELECT score, pay_delta_fen FROM results_view WHERE employee_id = '1003'").fetchone() == (
        None,
        None,
    )
    view_columns = [c[1] for c in conn.execute("PRAGMA table_info(results_view)")]
    table_columns = [c[1] for c in conn.execute("PRAGMA table_info(results)")]
    assert view_columns == [("pay_delta_fen" if c == "pay_delta" else c) for c in table_columns]  # every column
    conn.close()


def test_pay_in_fen_is_exact_for_cents_that_floats_cannot_hold(db_path):
    build_at_version(db_path, len(MIGRATIONS))
    conn = sqlite3.connect(db_path, isolation_level=None)
    for n, pay in enumerate(("0.29", "-0.57", "1.15", "-299.99", "12345678.07")):
        conn.execute(
            f"INSERT INTO employees (id, name, team, role, hire_date) VALUES ('p{n}', 'P', 'T1', 'agent', '2025-01-01')"
        )
        _result(conn, f"p{n}", "80", pay)
    fen = dict(conn.execute("SELECT employee_id, pay_delta_fen FROM results_view WHERE employee_id LIKE 'p%'"))
    assert fen == {"p0": 29, "p1": -57, "p2": 115, "p3": -29999, "p4": 1234567807}
    conn.close()


def test_scorecards_view_has_a_row_per_metric_with_its_exact_number(db_path):
    build_at_version(db_path, len(MIGRATIONS))
    values = {
        "sales_actual": "97000.50",
        "satisfaction": "95%",
        "handling": "-3",
        "note": "1-2",
        "rate": "+.5",
        "ip": "1.2.3",
        "big": "1,200",
        "tiny": "0.000000000000001",
        "word": "yes",
    }
    with Store.open(db_path, login="olga") as store, store.write():
        write_card_rows(store.conn, "1001", "2026-10", values)
    conn = sqlite3.connect(db_path, isolation_level=None)
    rows = conn.execute(
        "SELECT employee_id, team, metric, value, number, units, scale FROM scorecards_view ORDER BY metric"
    ).fetchall()
    assert rows == [
        ("1001", "T1", "big", "1,200", 1200.0, 1200, 0),
        ("1001", "T1", "handling", "-3", -3.0, -3, 0),
        ("1001", "T1", "ip", "1.2.3", None, None, None),
        ("1001", "T1", "note", "1-2", None, None, None),
        ("1001", "T1", "rate", "+.5", 0.5, 5, 1),
        ("1001", "T1", "sales_actual", "97000.50", 97000.5, 970005, 1),
        ("1001", "T1", "satisfaction", "95%", 0.95, 95, 2),
        ("1001", "T1", "tiny", "0.000000000000001", 1e-15, 1, 15),
        ("1001", "T1", "word", "yes", None, None, None),
    ]
    # sorted as numbers, as Datasette sorts the view: 97.10 below 125.00
    conn.execute(
        "INSERT INTO employees (id, name, team, role, hire_date) VALUES ('1002', 'Li', 'T1', 'agent', '2025-01-01')"
    )
    with Store.open(db_path, login="olga") as store, store.write():
        write_card_rows(store.conn, "1002", "2026-10", {"sales_actual": "125.00"})
        write_card_rows(store.conn, "1001", "2026-10", {"sales_actual": "97.10"})
    assert [r[0] for r in conn.execute("SELECT value FROM scorecards_view ORDER BY number")] == ["97.10", "125.00"]
    conn.close()


def write_card_rows(conn, employee_id: str, month: str, values: dict[str, str]) -> None:
    """The card's rows as the store writes them (value as typed, its exact number), through no check."""
    from cstui.store.card_rows import INSERT_VALUE, value_rows

    conn.execute("DELETE FROM scorecard_values WHERE employee_id = ? AND period = ?", (employee_id, month))
    conn.execute(
        "INSERT OR IGNORE INTO scorecards (employee_id, period, version) VALUES (?, ?, 1)", (employee_id, month)
    )
    conn.executemany(INSERT_VALUE, value_rows(employee_id, month, values))


M011 = [m.__name__ for m in MIGRATIONS].index("m011_typed_scorecard_values")
OLDER_CARDS = {  # an older cstui's "values" column -> the card it reads as, before and after m011
    ("1001", "2026-09"): '{"sales_actual": "97000.50", "sales_target": "100000"}',
    ("1001", "2026-10"): '{"sales_target": "100000", "sales_actual": "62%", "note": "见备注"}',
    ("1001", "2026-11"): "{}",
    ("1002", "2026-10"): "not json",
    ("1002", "2026-11"): "[1, 2]",
    ("1002", "2026-12"): '{"sales_target": 100000.5, "sales_actual": null, "x": 7, "y": true, "z": [1]}',
}


def test_m011_converts_every_card_to_typed_rows_read_back_as_before(db_path):
    from cstui.store.card_rows import stored_text
    from cstui.store.codec import card_values

    build_at_version(db_path, M011)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(
        "INSERT INTO employees (id, name, team, role, hire_date, scheme) VALUES ('1002', 'Li', 'T1', 'agent', '2025-01-01', 'star-levels')"
    )
    for (employee_id, month), text in OLDER_CARDS.items():
        conn.execute(
            """INSERT INTO scorecards (employee_id, period, "values", version, updated_by) VALUES (?, ?, ?, 3, 'bo')""",
            (employee_id, month, text),
        )
    conn.close()
    with Store.open(db_path, login="olga") as store:
        for (employee_id, month), text in OLDER_CARDS.items():
            card = store.scorecard(employee_id, month)
            read_before = {k: stored_text(v) for k, v in card_values(text).items() if v is not None}
            assert (card.values, card.version) == (read_before, 3)
            assert list(card.values) == sorted(card.values)  # fields in key order, as the JSON had them
        assert store.scorecard("1002", "2026-10").values == {"(stored values)": "the stored values are not JSON"}
        assert store.scorecard("1002", "2026-12").values == {
            "sales_target": "100000.5",
            "x": "7",
            "y": "True",
            "z": "[1]",
        }
        rows = dict(
            store.conn.execute(
                "SELECT metric, units || '/' || scale FROM scorecard_values WHERE employee_id = '1001' AND period = '2026-10'"
            )
        )
        assert rows == {"note": None, "sales_actual": "62/2", "sales_target": "100000/0"}
        assert store.scorecard_stamp("1001", "2026-10") == (3, "bo")
        # the month-first key: a month's cards are one range of the table
        plan = " ".join(
            r[3]
            for r in store.conn.execute("EXPLAIN QUERY PLAN SELECT * FROM scorecard_values WHERE period = '2026-10'")
        )
        assert "USING PRIMARY KEY (period=?)" in plan
