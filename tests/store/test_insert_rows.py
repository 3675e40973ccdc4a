"""card_rows.insert_rows: a bulk INSERT run many rows to a statement stores what one row to a
statement stores, in the same order (the reference is ``executemany`` of the one-row INSERT)."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.store import card_rows
from cstui.store.card_rows import INSERT_VALUE, insert_rows

TABLE = "CREATE TABLE scorecard_values (n INTEGER PRIMARY KEY, period, employee_id, metric, value, units, scale)"

cells = st.one_of(st.none(), st.integers(-(2**62), 2**62), st.text(max_size=6))
rows = st.lists(st.tuples(cells, cells, cells, cells, cells, cells), max_size=260)


def stored(write) -> list[tuple]:
    """The rows a write leaves, in the order they were inserted (the rowid ``n`` counts them)."""
    conn = sqlite3.connect(":memory:")
    conn.execute(TABLE)
    write(conn)
    return conn.execute("SELECT n, period, employee_id, metric, value, units, scale FROM scorecard_values").fetchall()


@settings(max_examples=60, deadline=None)
@given(rows)
def test_batched_rows_are_the_rows_one_at_a_time(values):
    expected = stored(lambda conn: conn.executemany(INSERT_VALUE, values))
    assert stored(lambda conn: insert_rows(conn, INSERT_VALUE, iter(values))) == expected
    assert len(expected) == len(values)


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 200, 250])
def test_every_row_around_a_batch_boundary_is_stored_once_in_order(count, monkeypatch):
    monkeypatch.setattr(card_rows, "ROWS_PER_INSERT", 100)
    values = [("2026-10", f"E{n:04d}", "m", str(n), n, 0) for n in range(count)]
    got = stored(lambda conn: insert_rows(conn, INSERT_VALUE, values))
    assert [row[1:] for row in got] == values


def test_a_refused_row_in_a_batch_refuses_the_write_as_one_row_would():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE scorecard_values (period, employee_id, metric, value, units, scale, UNIQUE (metric))")
    values = [("2026-10", "E1", f"m{n}", "1", 1, 0) for n in range(150)] + [("2026-10", "E2", "m7", "1", 1, 0)]
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: scorecard_values.metric"):
        insert_rows(conn, INSERT_VALUE, values)
