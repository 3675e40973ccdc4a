"""An imported scorecard file is ONE audit entry: who, when, the file, its SHA-256, the scheme,
the month, the counts, and the values of every card it replaced (cstui.store.file_audit).
Every reader of the trail still finds and shows the import: a card's history, the filtered
listing, ``cstui audit``, the chain's verification, and what --apply and the board read."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Period
from cstui.errors import InvalidData
from cstui.io.audit import audit_records
from cstui.io.imports import import_scorecards
from cstui.schemes import load_scheme
from cstui.store.audit import AuditFilter

OCT = Period.parse("2026-10")
STAR = "employee_id,sales_target,sales_actual\n"


def entries(store) -> list[dict]:
    return [r for r in store.audit_log(limit=None) if r["action"] == "import-file"]


def imported(store, write, name: str, text: str) -> str:
    return import_scorecards(store, write(name, STAR + text), OCT, load_scheme("star-levels"))


def test_a_new_file_is_one_entry_naming_the_file_its_hash_and_its_new_cards(store, write):
    path = write("oct.csv", STAR + "E1,100,120\nE2,100,80\n")
    rows_before = len(store.audit_log(limit=None))
    import_scorecards(store, path, OCT, load_scheme("star-levels"))
    assert len(store.audit_log(limit=None)) == rows_before + 1
    (entry,) = entries(store)
    assert (entry["entity"], entry["key"], entry["who"]) == ("scorecards", "oct.csv/2026-10", store.login)
    assert entry["before"] is None  # new cards: their values are the file, which the hash names
    assert entry["after"] == {
        "file": "oct.csv",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "scheme": "star-levels",
        "periods": ["2026-10"],
        "new": 2,
        "changed": 0,
        "unchanged": 0,
        "new_cards": [["2026-10", ["E1", "E2"]]],
    }
    assert store.verify_audit() == (len(store.audit_log(limit=None)), None)


def test_a_reimport_keeps_the_befores_of_the_cards_it_replaced_only(store, write):
    imported(store, write, "a.csv", "E1,100,120\nE2,100,80\n")
    imported(store, write, "b.csv", "E1,100,130\nE2,100,80\n")
    newest = entries(store)[0]
    assert newest["before"] == [["E1", "2026-10", {"sales_actual": "120", "sales_target": "100"}]]
    counts = {k: newest["after"][k] for k in ("new", "changed", "unchanged", "new_cards")}
    assert counts == {"new": 0, "changed": 1, "unchanged": 1, "new_cards": []}
    audit_count = len(store.audit_log(limit=None))
    imported(store, write, "b.csv", "E1,100,130\nE2,100,80\n")  # the same file again: nothing changes
    assert len(store.audit_log(limit=None)) == audit_count


def test_a_card_history_shows_the_import_narrowed_to_that_card(store, write):
    imported(store, write, "a.csv", "E1,100,120\n")
    imported(store, write, "b.csv", "E1,100,130\nE2,100,90\n")
    e1 = [r for r in store.card_history("E1", "2026-10") if r["action"] == "import-file"]
    assert [r["after"]["file"] for r in e1] == ["b.csv", "a.csv"]  # newest first
    assert e1[0]["before"] == {"sales_actual": "120", "sales_target": "100"} and e1[1]["before"] is None
    assert "new_cards" not in e1[0]["after"] and e1[0]["card"] == "E1/2026-10"
    (e2,) = [r for r in store.card_history("E2", "2026-10") if r["action"] == "import-file"]
    assert e2["after"]["file"] == "b.csv"
    assert store.card_history("E1", "2026-11") == []


def test_the_filtered_listing_finds_the_entry_by_employee_and_period(store, write):
    imported(store, write, "a.csv", "E1,100,120\n")
    imported(store, write, "b.csv", "E1,100,130\nE2,100,90\n")
    keys = lambda **f: [r["key"] for r in store.audit_rows(AuditFilter(table="scorecards", **f))]  # noqa: E731
    assert keys(employee="E1") == ["b.csv/2026-10", "a.csv/2026-10"]
    assert keys(employee="E2") == ["b.csv/2026-10"]
    assert keys(employee="100") == []  # a value's text is not an employee the file wrote
    assert keys(period="2026-10") == ["b.csv/2026-10", "a.csv/2026-10"]
    assert keys(period="2026-Q4") == ["b.csv/2026-10", "a.csv/2026-10"]
    assert keys(period="2026-11") == []


def test_what_changed_reads_each_card_the_entry_wrote(store, write):
    version = store.data_version()
    imported(store, write, "a.csv", "E1,100,120\n")
    imported(store, write, "b.csv", "E1,100,130\nE2,100,90\n")
    changes = [c for c in store.changes_since(version) if c[0] == "scorecards"]
    assert changes == [
        ("scorecards", "E1/2026-10", None, None),
        ("scorecards", "E1/2026-10", {"sales_actual": "120", "sales_target": "100"}, None),
        ("scorecards", "E2/2026-10", None, None),
    ]


def test_the_apply_sees_an_import_of_its_employees_cards(store, write):
    from cstui.grading import _input_changed

    version = store.data_version()
    imported(store, write, "a.csv", "E2,100,120\n")
    assert _input_changed(store, {"star-levels"}, {"E2"}, version)
    assert not _input_changed(store, {"star-levels"}, {"E1"}, version)


def test_the_entry_in_words_names_the_file_counts_and_befores(store, write):
    imported(store, write, "a.csv", "E1,100,120\n")
    imported(store, write, "b.csv", "E1,100,130\nE2,100,90\n")
    (record,) = [r for r in audit_records(store.audit_rows(AuditFilter(limit=1)))]
    assert record["change"].startswith("b.csv 2026-10 (star-levels): 1 new, 1 changed, 0 unchanged; sha256 ")
    assert record["change"].endswith("; replaced: E1/2026-10 sales_actual: 120, sales_target: 100")
    (card,) = [r for r in store.card_history("E2", "2026-10") if r["action"] == "import-file"]
    assert next(audit_records([card]))["change"].endswith("; new card")


def test_a_refused_file_leaves_no_entry(store, write):
    with pytest.raises(InvalidData):
        imported(store, write, "bad.csv", "E1,0,120\n")  # a target of 0: refused
    assert entries(store) == []


def test_an_edited_entry_breaks_the_chain(store, write):
    imported(store, write, "a.csv", "E1,100,120\n")
    imported(store, write, "b.csv", "E1,100,130\n")
    assert store.verify_audit()[1] is None
    entry_id = entries(store)[0]["id"]
    store.conn.execute("DROP TRIGGER audit_is_permanent_update")  # as someone around cstui could
    store.conn.execute("UPDATE audit SET before = ? WHERE id = ?", (json.dumps([["E1", "2026-10", {}]]), entry_id))
    broken = store.verify_audit()[1]
    assert broken is not None and broken.row_id == entry_id


def test_who_is_on_the_scheme_is_read_inside_the_write(store, write, monkeypatch):
    asked = []
    members = type(store).scheme_members

    def watched(self, scheme, month=None, **options):
        asked.append(self.in_write)
        return members(self, scheme, month, **options)

    monkeypatch.setattr(type(store), "scheme_members", watched)
    imported(store, write, "a.csv", "E1,100,120\n")
    assert asked == [True]


def test_cli_lists_and_verifies_the_entry(db, write):
    path = write("oct.csv", STAR + "E1,100,120\n")
    runner = CliRunner()
    args = ["--db", str(db)]
    assert (
        runner.invoke(
            cli, [*args, "import", "scorecards", str(path), "--period", "2026-10", "--scheme", "star-levels"]
        ).exit_code
        == 0
    )
    listed = runner.invoke(cli, [*args, "audit", "--employee", "E1", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (row,) = [r for r in json.loads(listed.output) if r["action"] == "import-file"]
    assert row["after"]["new_cards"] == [["2026-10", ["E1"]]] and row["change"].startswith("oct.csv 2026-10")
    verified = runner.invoke(cli, [*args, "audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output


def test_a_rows_bad_cells_are_named_in_the_files_column_order(store, write):
    # cells are parsed in field order (the order the store keeps); problems keep the file's order
    header = "employee_id,training,attendance,follow_up_rate,satisfaction,handling\n"
    with pytest.raises(InvalidData) as excinfo:
        import_scorecards(store, write("f.csv", header + "F1,abc,x,0.5,0.9,80\n"), OCT, load_scheme("five-tier"))
    assert [line.split(":")[2] for line in excinfo.value.lines] == ["training", "attendance"]


def test_a_scheme_claimed_outside_a_transaction_is_not_trusted(store):
    # on_scheme stands for the caller's read of the members inside the save's transaction;
    # without one, the gate reads each employee's scheme: E1's star-levels card is judged as
    # star-levels (five-tier would refuse its fields)
    card = {"sales_target": "100", "sales_actual": "120"}
    assert store.save_scorecards([("E1", OCT, card)], on_scheme="five-tier") == (1, 0, 0)


def test_the_members_read_is_used_only_for_that_scheme_and_until_something_is_written(store):
    from cstui.engine.cards import CardRefused

    card = {"sales_target": "100", "sales_actual": "120"}
    with store.write():  # members of another scheme than claimed: not used
        store.scheme_members("star-levels", str(OCT))
        assert store.save_scorecards([("E1", OCT, card)], on_scheme="five-tier") == (1, 0, 0)
    with pytest.raises(CardRefused), store.write():  # E2 moved to five-tier after the read
        store.scheme_members("star-levels", str(OCT))
        store.assign_scheme("E2", "five-tier", OCT, level="junior")
        store.save_scorecards([("E2", OCT, card)], on_scheme="star-levels")
    assert store.scorecard("E2", OCT).version == 0


def test_the_collector_paused_for_an_import_runs_again_after_it_even_after_a_refusal(store, write):
    import gc

    assert gc.isenabled()
    imported(store, write, "a.csv", "E1,100,120\n")
    assert gc.isenabled()
    with pytest.raises(InvalidData):
        imported(store, write, "bad.csv", "E1,0,120\n")
    assert gc.isenabled()
    gc.disable()
    try:  # paused by its caller: left so
        imported(store, write, "b.csv", "E1,100,130\n")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_xlsx_files_entry_hashes_its_bytes(store, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "oct.xlsx"
    wb = Workbook()
    wb.active.append(["employee_id", "sales_target", "sales_actual"])
    wb.active.append(["E1", 100, 120])
    wb.save(path)
    import_scorecards(store, path, OCT, load_scheme("star-levels"))
    (entry,) = entries(store)
    assert entry["key"] == "oct.xlsx/2026-10" and entry["after"]["new_cards"] == [["2026-10", ["E1"]]]
    assert entry["after"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
