"""No pay float in the first two months of employment, through the real batch CLI: null in
JSON, an empty CSV cell, and the trace says why; never a 0 a payroll reader could take for
a float (domain.md, "Rules settled where the documents are silent")."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee, Period
from cstui.store import Store

OCT = Period.month(2026, 10)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "company.db"
    roster = [
        Employee("N1", "新人", "T1", "assistant", date(2026, 10, 15), scheme="assistant-class", level="class-3"),
        Employee("V1", "老员工", "T1", "assistant", date(2024, 1, 1), scheme="assistant-class", level="class-3"),
        Employee("Z1", "零浮动", "T1", "assistant", date(2024, 1, 1), scheme="assistant-class", level="class-3"),
    ]
    with Store.open(path, create=True) as store:
        store.import_roster(roster)
        store.save_scorecards(
            [
                ("N1", OCT, {"adjustment": "3", "adjustment_reason": "helped"}),
                ("V1", OCT, {"adjustment": "3", "adjustment_reason": "helped"}),
                ("Z1", OCT, {}),  # 80: a real float of 0
            ]
        )
    return path


def report(db, fmt: str, *more: str) -> str:
    got = CliRunner().invoke(
        cli, ["--db", str(db), "--scheme", "assistant-class", "--period", "2026-10", "--format", fmt, *more]
    )
    assert got.exit_code == 0, got.output
    return got.stdout


def test_json_gives_null_for_no_pay_float_and_0_for_a_float_of_0(db):
    rows = {r["employee_id"]: r for r in json.loads(report(db, "json", "--explain"))}
    assert rows["N1"]["score"] == 83 and rows["N1"]["pay_delta"] is None
    assert rows["V1"]["pay_delta"] == 30 and rows["Z1"]["pay_delta"] == 0
    assert (
        "no pay float: month 1 of employment (hired 2026-10-15); scored, not paid (first 2 months)"
        in rows["N1"]["trace"]
    )


def test_csv_gives_an_empty_cell_for_no_pay_float_and_0_for_a_float_of_0(db):
    rows = {r["employee_id"]: r for r in csv.DictReader(io.StringIO(report(db, "csv")))}
    assert rows["N1"]["score"] == "83" and rows["N1"]["pay_delta"] == ""
    assert rows["V1"]["pay_delta"] == "30" and rows["Z1"]["pay_delta"] == "0"
