"""A CSV file's scorecards read by position (issue 14: no dict per row) against the same file
read as dicts (the path XLSX sheets and plugin importers take): the same refusal, line for line,
or the same summary and the same cards stored."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cstui.io.imports as imports
from cstui.domain import Period
from cstui.errors import InvalidData
from cstui.schemes import load_scheme
from cstui.store import Store

EXAMPLES = max(20, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 20)
MONTH = Period.parse("2026-10")
COLUMNS = st.permutations(["employee_id", "sales_target", "sales_actual"]).flatmap(
    lambda cols: st.sampled_from([cols, cols[:2], [*cols, "stray"], [*cols, "sales_target"]])
)
CELLS = st.sampled_from(["E1", "E2", "A1", "X9", "", " ", "100000", "95000", "0", "-5", "abc", " 80 ", '"a,b"'])
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8)


def by_dicts(path, fmt=None):
    table = imports.open_table(path, fmt)
    table.cells = None  # the reference: each row as a dict
    return table


def outcome(db: Path, text: str, reference: bool, monkeypatch) -> tuple:
    folder = Path(tempfile.mkdtemp())
    try:
        work, csv = folder / "c.db", folder / "cards.csv"
        shutil.copyfile(db, work)
        csv.write_text(text, encoding="utf-8")
        with monkeypatch.context() as patch:
            if reference:
                patch.setattr(imports, "_open_scorecards", by_dicts)
            with Store.open(work) as store:
                try:
                    said = imports.import_scorecards(store, csv, MONTH, load_scheme("star-levels"))
                except InvalidData as error:
                    return "refused", str(error).replace(str(csv), "FILE")
                return said, store.month_values(MONTH, ["E1", "E2", "A1"])
    finally:
        shutil.rmtree(folder)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(header=COLUMNS, rows=ROWS)
@example(  # the second row's cells all seen before, one of them empty: not filled, as in the first
    header=["employee_id", "sales_target", "sales_actual"], rows=[["E1", "100000", ""], ["E2", "100000", ""]]
)
@example(header=["employee_id", "sales_target"], rows=[["E1", "100000"], ["E2", "100000"]])  # one metric column
@example(  # a row's new good text, then a bad one: refused as read as dicts; the good text read again after
    header=["employee_id", "sales_target", "sales_actual"], rows=[["E1", "95000", "-5"], ["E2", "95000", " 80 "]]
)
@example(  # new texts stored as their normal form ("95000.50" is 95000.5), then seen again
    header=["employee_id", "sales_target", "sales_actual"], rows=[["E1", "95000.50", "80"], ["E2", " 80 ", "95000.50"]]
)
def test_cells_read_by_position_are_the_rows_read_as_dicts(db, monkeypatch, header, rows):
    text = "\n".join([",".join(header), *(",".join(cells) for cells in rows)]) + "\n"
    assert outcome(db, text, False, monkeypatch) == outcome(db, text, True, monkeypatch)


def test_a_csv_file_is_read_by_position(store, write, monkeypatch):
    """The fast path is the one a CSV file takes (a test of the two paths compares something)."""
    seen = []
    values_at = imports._CardReader.values_at
    monkeypatch.setattr(imports._CardReader, "values_at", lambda self, *a: seen.append(a[0]) or values_at(self, *a))
    path = write("cards.csv", "employee_id,sales_target,sales_actual\nE1,100000,95000\nE2,100000,120000\n")
    assert "2 scorecards" in imports.import_scorecards(store, path, MONTH, load_scheme("star-levels"))
    assert seen == [2, 3]


def test_a_trailing_comma_is_no_extra_cell_and_the_row_is_imported(store, write):
    """Empty cells beyond the header are no problem (none is reported), so the row is imported:
    it was once dropped without a word, neither saved nor refused."""
    path = write("cards.csv", "employee_id,sales_target,sales_actual\nE1,100000,90000,\nE2,100000,95000\n")
    said = imports.import_scorecards(store, path, MONTH, load_scheme("star-levels"))
    assert "2 scorecards" in said
    assert store.month_values(MONTH, ["E1"]) == {"E1": {"sales_actual": "90000", "sales_target": "100000"}}
    refused = write("more.csv", "employee_id,sales_target,sales_actual\nE1,100000,90000,7\n")
    try:
        imports.import_scorecards(store, refused, MONTH, load_scheme("star-levels"))
    except InvalidData as error:
        assert ":2:(extra cells): more cells than header columns: '7'" in str(error)
    else:
        raise AssertionError("a row with a filled cell beyond the header was imported")


def test_an_empty_cell_of_a_row_read_from_seen_texts_is_not_filled(store, write):
    """The second row's cells were all seen in the first (the row is read from the seen texts,
    no parse): its empty cell is left out of the card, as the first row's was."""
    from datetime import date

    from cstui.domain import Employee

    store.import_roster([Employee("A2", "钱七", "T1", "assistant", date(2024, 1, 1), scheme="assistant-class")])
    path = write("cards.csv", "employee_id,a_followups,a_reports\nA1,3,\nA2,3,\n")
    assert "2 scorecards" in imports.import_scorecards(store, path, MONTH, load_scheme("assistant-class"))
    assert store.month_values(MONTH, ["A1", "A2"]) == {"A1": {"a_followups": "3"}, "A2": {"a_followups": "3"}}
