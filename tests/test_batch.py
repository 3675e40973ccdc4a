"""Batch mode: every scheme and format, dry run vs --apply, atomicity, closed periods, scoping."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cstui.batch import run_batch
from cstui.cli import cli
from cstui.domain import Employee, Incident, Period
from cstui.io.report import RECORD_COLUMNS
from cstui.schemes import load_scheme
from cstui.store import Store

SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi")
MONTHS = [Period.month(2026, m) for m in range(1, 7)]
LEVELS = {"star-levels": "2-star", "assistant-class": "class-3", "five-tier": "junior", "ecommerce-kpi": "junior"}
ROLE = {"assistant-class": "assistant"}


def card(scheme: str, i: int, month: int) -> dict[str, str]:
    """Deterministic values that differ by person and month (so ranks and levels move)."""
    k = (i * 7 + month * 3) % 10
    if scheme == "star-levels":
        return {"sales_target": "100000", "sales_actual": str(85000 + k * 4000)}
    if scheme == "assistant-class":
        return {"a_followups": str(10 + k), "b_followups": str(12 + k), "a_reports": "3", "b_reports": "3"}
    if scheme == "five-tier":
        return {
            "follow_up_rate": f"0.{60 + k * 4}",
            "satisfaction": f"{70 + k * 3}%",
            "handling": str(55 + k * 4),
            "training": str(60 + k * 4),
            "attendance": "0.95",
        }
    return {
        "conversion": f"0.{35 + k * 3}",
        "unit_price_ratio": "1.2",
        "first_response_s": str(4 + k * 3),
        "avg_response_s": str(28 + k * 3),
        "satisfaction": f"0.{60 + k * 4}",
    }


def build_company(path, employees_per_team: int = 3) -> list[Employee]:
    """Teams T1 and T2 with employees on every built-in scheme and six months of scorecards."""
    roster = []
    for s, scheme in enumerate(SCHEMES):
        for team in ("T1", "T2"):
            for j in range(employees_per_team):
                i = len(roster)
                roster.append(
                    Employee(
                        id=f"{team}-{s}{j}",
                        name=f"张{i}" if i % 2 else f"Agent {i}",
                        team=team,
                        role=ROLE.get(scheme, "agent"),
                        hire_date=date(2023, 3, 1),
                        scheme=scheme,
                        level=LEVELS[scheme],
                    )
                )
    with Store.open(path, create=True) as store:
        store.import_roster(roster)
        store.save_scorecards((e.id, m, card(e.scheme, i, m.index)) for i, e in enumerate(roster) for m in MONTHS)
        store.add_incidents(
            [
                Incident("T1-10", date(2026, 6, 3), "late", 1, None, "迟到"),
                Incident("T1-10", date(2026, 6, 9), "messy-desk", 2, None, ""),
                Incident("T2-11", date(2026, 5, 3), "cover-shift", 1, None, ""),
            ]
        )
    return roster


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "company.db"
    build_company(path)
    return path


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def results_rows(db, period):
    with Store.open(db) as store:
        return store.results(period)


def audit_count(db):
    with Store.open(db) as store:
        return len(store.audit_log(limit=None))


# ------------------------------------------------------------------------------ formats


@pytest.mark.parametrize("scheme", SCHEMES)
def test_json_report_of_each_scheme(db, scheme):
    result = run(db, "--scheme", scheme, "--period", "2026-06", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == 6
    for record in records:
        assert list(record) == list(RECORD_COLUMNS)
        assert record["scheme"] == scheme and record["period"] == "2026-06"
        assert isinstance(record["score"], (int, float)) and not isinstance(record["score"], bool)
        assert isinstance(record["rank"], int)
        assert isinstance(record["flags"], list)
    assert {r["team"] for r in records} == {"T1", "T2"}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_csv_report_of_each_scheme_matches_json(db, scheme):
    as_json = json.loads(run(db, "--scheme", scheme, "--period", "2026-06", "--format", "json").stdout)
    result = run(db, "--scheme", scheme, "--period", "2026-06", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(RECORD_COLUMNS)
    assert [r["employee_id"] for r in rows] == [r["employee_id"] for r in as_json]
    for row, record in zip(rows, as_json):
        assert row["score"] == str(record["score"])
        assert row["flags"] == "; ".join(record["flags"])


@pytest.mark.parametrize("scheme", SCHEMES)
def test_table_report_of_each_scheme(db, scheme):
    result = run(db, "--scheme", scheme, "--period", "2026-06", "--format", "table")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{scheme} 2026-06")
    assert lines[1].split()[:3] == ["employee_id", "name", "team"]
    assert len([line for line in lines if line.startswith(("T1-", "T2-"))]) == 6


@pytest.mark.parametrize("scheme", SCHEMES)
def test_xlsx_report_of_each_scheme(db, tmp_path, scheme):
    out = tmp_path / "report.xlsx"
    result = run(db, "--scheme", scheme, "--period", "2026-Q2", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(RECORD_COLUMNS)
    assert len(rows) == 7
    score = rows[1][RECORD_COLUMNS.index("score")]
    assert isinstance(score, (int, float))


def test_explain_adds_the_trace(db):
    records = json.loads(
        run(db, "--scheme", "assistant-class", "--period", "2026-06", "--format", "json", "--explain").stdout
    )
    late = next(r for r in records if r["employee_id"] == "T1-10")
    assert list(late) == list(RECORD_COLUMNS) + ["trace"]
    assert any("late" in line for line in late["trace"])
    rows = list(
        csv.DictReader(io.StringIO(run(db, "--scheme", "assistant-class", "--period", "2026-06", "--explain").stdout))
    )
    row = next(r for r in rows if r["employee_id"] == "T1-10")
    assert row["trace"] == "; ".join(late["trace"])


def test_quarter_month_includes_the_review_decision(db):
    records = json.loads(run(db, "--scheme", "five-tier", "--period", "2026-06", "--format", "json").stdout)
    assert {r["decision"] for r in records} - {"none", ""}  # month 6 closes Q2: a review decision is there
    may = json.loads(run(db, "--scheme", "five-tier", "--period", "2026-05", "--format", "json").stdout)
    assert {r["decision"] for r in may} <= {"none", "missing", None}


def test_output_file_is_written_whole(db, tmp_path):
    out = tmp_path / "r.csv"
    result = run(db, "--scheme", "star-levels", "--period", "2026-06", "--output", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("employee_id,")
    assert list(tmp_path.glob(".*.part")) == []


def test_only_the_named_team(db):
    records = json.loads(
        run(db, "--scheme", "star-levels", "--period", "2026-06", "--team", "T2", "--format", "json").stdout
    )
    assert {r["team"] for r in records} == {"T2"} and len(records) == 3


# ------------------------------------------------------------------------------ dry run and apply


def test_dry_run_writes_nothing(db):
    before = audit_count(db)
    result = run(db, "--scheme", "star-levels", "--period", "2026-06")
    assert result.exit_code == 0
    assert results_rows(db, "2026-06") == []
    assert audit_count(db) == before


def test_apply_records_every_result_as_reported(db):
    result = run(db, "--scheme", "assistant-class", "--period", "2026-06", "--format", "json", "--apply")
    assert result.exit_code == 0, result.output
    reported = {r["employee_id"]: r for r in json.loads(result.stdout)}
    stored = {r["employee_id"]: r for r in results_rows(db, "2026-06")}
    assert stored.keys() == reported.keys()
    for employee_id, row in stored.items():
        assert float(row["score"]) == reported[employee_id]["score"]
        assert row["level_after"] == reported[employee_id]["level_after"]
        assert row["decision"] == reported[employee_id]["decision"]


def test_apply_is_all_or_nothing(db, monkeypatch):
    store = Store.open(db)
    real = store.record_stored_results
    calls = []

    def fail_on_second_team(rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(rows)

    monkeypatch.setattr(store, "record_stored_results", fail_on_second_team)
    with pytest.raises(RuntimeError):
        run_batch(
            store,
            load_scheme("star-levels"),
            Period.parse("2026-06"),
            fmt="json",
            output=str(db.parent / "r.json"),
            apply=True,
        )
    store.close()
    assert len(calls) == 2
    assert results_rows(db, "2026-06") == []
    assert not (db.parent / "r.json").exists()


def test_closed_period_is_refused_with_exit_4(db):
    with Store.open(db) as store:
        store.close_period(Period.parse("2026-Q2"))
    result = run(db, "--scheme", "star-levels", "--period", "2026-06", "--apply")
    assert result.exit_code == 4
    assert "closed" in result.stderr
    assert results_rows(db, "2026-06") == []
    assert run(db, "--scheme", "star-levels", "--period", "2026-06").exit_code == 0  # reading is still fine


def test_a_closed_period_reports_its_recorded_results_and_is_never_recomputed(db, tmp_path):
    assert run(db, "--scheme", "star-levels", "--period", "2026-06", "--apply").exit_code == 0
    recorded = json.loads(
        run(db, "--scheme", "star-levels", "--period", "2026-06", "--format", "json", "--explain").stdout
    )
    with Store.open(db) as store:
        store.close_period(Period.parse("2026-06"))
    # the company now raises the bar: a fresh grading would differ, the closed month must not
    variant = tmp_path / "stricter.toml"
    variant.write_text(
        'name = "star-levels"\nextends = "star-levels"\nversion = "2"\n[review]\npromote_at = 200\ndemote_below = 200\n',
        encoding="utf-8",
    )
    closed = run(db, "--scheme", str(variant), "--period", "2026-06", "--format", "json", "--explain")
    assert closed.exit_code == 0, closed.output
    assert json.loads(closed.stdout) == sorted(recorded, key=lambda r: (r["team"], r["rank"], r["employee_id"]))
    assert "2026-06 is closed: reporting the 6 results recorded under star-levels version 1" in closed.stderr
    assert "the current version is 2" in closed.stderr
    reopened = Store.open(db)
    reopened.reopen_period(Period.parse("2026-06"), "QA correction")
    reopened.close()
    fresh = run(db, "--scheme", str(variant), "--period", "2026-06", "--format", "json")
    assert [r["scheme_version"] for r in json.loads(fresh.stdout)] == ["2"] * 6
    assert "closed" not in fresh.stderr


def test_month_by_month_apply_equals_last_month_only(tmp_path):
    stepwise, direct = tmp_path / "a.db", tmp_path / "b.db"
    build_company(stepwise)
    build_company(direct)
    for scheme in SCHEMES:
        for month in MONTHS:
            assert run(stepwise, "--scheme", scheme, "--period", str(month), "--apply").exit_code == 0
        assert run(direct, "--scheme", scheme, "--period", "2026-06", "--apply").exit_code == 0

    def comparable(path):
        rows = results_rows(path, "2026-06")
        return sorted(
            ({k: v for k, v in r.items() if k not in ("recorded_at",)} for r in rows),
            key=lambda r: (r["scheme"], r["employee_id"]),
        )

    assert comparable(stepwise) == comparable(direct)
    assert len(comparable(direct)) == 24


def test_supervisor_sees_only_own_teams(db, capsys):
    with Store.open(db) as store:
        store.add_user("lin", "supervisor", ["T1"])
    with Store.open(db, login="lin") as store:
        run_batch(store, load_scheme("five-tier"), Period.parse("2026-06"), fmt="json", apply=True)
    records = json.loads(capsys.readouterr().out)
    assert {r["team"] for r in records} == {"T1"} and len(records) == 3
    assert {r["team"] for r in results_rows(db, "2026-06")} == {"T1"}


def test_progress_goes_to_stderr_only(db, capsys):
    with Store.open(db) as store:
        run_batch(store, load_scheme("star-levels"), Period.parse("2026-06"), fmt="json", progress=True)
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == 6
    assert "100%" in err and "6/6" in err


# ------------------------------------------------------------------------------ formula injection


def test_formulas_in_names_are_defused_and_negative_numbers_stay_numbers(tmp_path):
    path = tmp_path / "c.db"
    build_company(path)
    with Store.open(path) as store:
        e = store.employee("T1-10")
        e.name = '=HYPERLINK("http://x","y")'
        store.update_employee(e, e.version)
    csv_text = run(path, "--scheme", "assistant-class", "--period", "2026-06", "--team", "T1").stdout
    row = next(r for r in csv.DictReader(io.StringIO(csv_text)) if r["employee_id"] == "T1-10")
    assert row["name"] == '\'=HYPERLINK("http://x","y")'
    assert row["pay_delta"].startswith("-") and float(row["pay_delta"]) < 0  # a number, not quoted
    out = tmp_path / "r.xlsx"
    run(
        path,
        "--scheme",
        "assistant-class",
        "--period",
        "2026-06",
        "--team",
        "T1",
        "--format",
        "xlsx",
        "--output",
        str(out),
    )
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    cells = next(r for r in rows[1:] if r[0].value == "T1-10")
    name, pay = cells[header.index("name")], cells[header.index("pay_delta")]
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
    assert pay.data_type == "n" and pay.value < 0


def test_viewer_cannot_apply(db, capsys):
    from cstui.store import AccessDenied

    with Store.open(db) as store:
        store.add_user("vic", "viewer", [])
    with Store.open(db, login="vic") as store, pytest.raises(AccessDenied):
        run_batch(store, load_scheme("five-tier"), Period.parse("2026-06"), fmt="json", apply=True)
    assert results_rows(db, "2026-06") == []


def test_no_one_on_the_scheme_gives_an_empty_report(tmp_path):
    path = tmp_path / "empty.db"
    Store.open(path, create=True).close()
    assert json.loads(run(path, "--scheme", "five-tier", "--period", "2026-06", "--format", "json").stdout) == []
    assert run(path, "--scheme", "five-tier", "--period", "2026-06").stdout.startswith("employee_id,name,team,period")


def test_output_to_a_pipe_writes_into_it_and_leaves_it_a_pipe(db, tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "to-payroll"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = run(db, "--scheme", "star-levels", "--period", "2026-06", "--format", "csv", "--output", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith("employee_id,name,team,period")
    assert not list(tmp_path.glob(".*.part"))
