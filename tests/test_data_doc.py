"""docs/data.md documents every table and view of a company's file, and every column of each,
read from a fresh database by sqlite-utils' introspection (what a Datasette user sees)."""

from __future__ import annotations

import re
from pathlib import Path

import sqlite_utils

from cstui.store import Store

DATA_MD = Path(__file__).resolve().parent.parent / "docs" / "data.md"
INTERNAL = {"sqlite_sequence"}  # SQLite's own


def documented_rows() -> dict[str, str]:
    """The row of each table and view in data.md's tables: {name: the row's text}."""
    rows = {}
    for line in DATA_MD.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^\| `(\w+)` \|", line)
        if found:
            rows[found.group(1)] = line
    return rows


def test_every_table_view_and_column_is_in_data_md(tmp_path):
    with Store.open(tmp_path / "company.db", create=True) as store:
        db = sqlite_utils.Database(store.conn)
        shapes = {name: db[name].columns_dict for name in db.table_names() if name not in INTERNAL}
        shapes |= {name: db[name].columns_dict for name in db.view_names()}
    rows = documented_rows()
    missing = sorted(set(shapes) - set(rows))
    assert not missing, f"docs/data.md has no row for {missing}"
    stale = sorted(set(rows) - set(shapes))
    assert not stale, f"docs/data.md documents {stale}, which a new database does not have"
    for name, row in rows.items():  # a view with "every column of `results`" names those through that row
        also = re.search(r"every column of `(\w+)`", row)
        rows[name] = row + rows.get(also.group(1), "") if also else row
    undocumented = [
        f"{name}.{column}" for name, columns in shapes.items() for column in columns if f"`{column}`" not in rows[name]
    ]
    assert not undocumented, f"docs/data.md does not name these columns in their table's row: {undocumented}"
