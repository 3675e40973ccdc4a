"""Batch grading in worker processes (--jobs): the same report, results and checkpoints as one
process, in the same order; a worker's error writes nothing; workers keep the login's scoping."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cstui import grading
from cstui.batch import run_batch
from cstui.cli import cli
from cstui.domain import Employee, Incident, Period
from cstui.errors import InvalidData
from cstui.schemes import load_scheme
from cstui.store import AccessDenied, Store
from test_batch import LEVELS, MONTHS, ROLE, SCHEMES, card

pytestmark = pytest.mark.skipif(not grading.can_fork(), reason="worker processes need fork")
TEAMS = ("T1", "T2", "T3", "T4", "T5")


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """Five teams of three on every built-in scheme, six months of scorecards, some incidents."""
    path = tmp_path_factory.mktemp("jobs") / "company.db"
    roster = []
    for s, scheme in enumerate(SCHEMES):
        for team in TEAMS:
            for j in range(3):
                roster.append(
                    Employee(
                        id=f"{team}-{s}{j}",
                        name=f"张{len(roster)}",
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
            [Incident(f"{t}-1{j}", date(2026, 6, 3 + j), "late", 1, None, "") for t in TEAMS for j in range(2)]
        )
        store.add_user("lin", "supervisor", ["T2", "T4", "T5"])
    return path


@pytest.fixture
def db(company, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copyfile(company, path)
    return path


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def recorded(path) -> tuple[list[tuple], list[tuple]]:
    """Every results row (but when it was recorded) and every checkpoint with its state."""
    conn = sqlite3.connect(path)
    try:
        names = [row[1] for row in conn.execute("PRAGMA table_info(results)") if row[1] != "recorded_at"]
        results = conn.execute(
            f"SELECT {', '.join(names)} FROM results ORDER BY scheme, employee_id, period"
        ).fetchall()
        checkpoints = conn.execute(
            "SELECT scheme, fingerprint, team, month, state FROM checkpoints ORDER BY scheme, team, month"
        ).fetchall()
    finally:
        conn.close()
    return results, checkpoints


def in_workers(monkeypatch):
    """Make every run pooled with two workers, and fail the test if one is graded here instead."""
    parent = os.getpid()
    real = grading.grade_team

    def graded_in_a_worker(*args, **kwargs):
        assert os.getpid() != parent, "graded in the parent process"
        return real(*args, **kwargs)

    monkeypatch.setattr(grading, "grade_team", graded_in_a_worker)


# ------------------------------------------------------------------------------ same output


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
@pytest.mark.parametrize("explain", [False, True])
def test_two_jobs_report_exactly_what_one_job_reports(db, monkeypatch, scheme, fmt, explain):
    extra = ["--explain"] if explain else []
    one = run(db, "--scheme", scheme, "--period", "2026-Q2", "--format", fmt, "--jobs", "1", *extra)
    in_workers(monkeypatch)
    two = run(db, "--scheme", scheme, "--period", "2026-Q2", "--format", fmt, "--jobs", "2", *extra)
    assert one.exit_code == 0 and two.exit_code == 0, (one.output, two.output)
    assert two.stdout == one.stdout
    assert all(f"{team}-" in one.stdout for team in TEAMS)  # it did report every team


def test_two_jobs_xlsx_is_the_same_workbook(db, tmp_path, monkeypatch):
    cells = []
    for jobs in ("1", "2"):
        if jobs == "2":
            in_workers(monkeypatch)
        out = tmp_path / f"r{jobs}.xlsx"
        result = run(
            db,
            "--scheme",
            "assistant-class",
            "--period",
            "2026-06",
            "--format",
            "xlsx",
            "--output",
            str(out),
            "--jobs",
            jobs,
            "--explain",
        )
        assert result.exit_code == 0, result.output
        cells.append([list(row) for row in load_workbook(out).worksheets[0].iter_rows(values_only=True)])
    assert cells[0] == cells[1] and len(cells[0]) == 1 + 3 * len(TEAMS)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_two_jobs_apply_records_the_same_results_and_checkpoints(company, tmp_path, monkeypatch, scheme):
    reports, stored = [], []
    for jobs in ("1", "2"):
        path = tmp_path / f"jobs{jobs}.db"
        shutil.copyfile(company, path)
        if jobs == "2":
            in_workers(monkeypatch)
        for period in ("2026-04", "2026-05", "2026-Q2"):  # later periods resume from the checkpoints just written
            result = run(
                path, "--scheme", scheme, "--period", period, "--format", "json", "--apply", "--jobs", jobs, "--explain"
            )
            assert result.exit_code == 0, result.output
        reports.append(result.stdout)
        stored.append(recorded(path))
    assert reports[0] == reports[1]
    assert stored[0] == stored[1]
    results, checkpoints = stored[1]
    assert len(results) == 3 * 3 * len(TEAMS)
    if scheme != "ecommerce-kpi":  # a model that keeps checkpoints: one per team and applied month
        assert {(c[2], c[3]) for c in checkpoints} == {(t, m) for t in TEAMS for m in ("2026-04", "2026-05", "2026-06")}


def test_apply_period_with_jobs_equals_one_job(company, tmp_path, monkeypatch):
    scheme = load_scheme("five-tier")
    paths = [tmp_path / "a.db", tmp_path / "b.db"]
    for jobs, path in zip((1, 2), paths):
        shutil.copyfile(company, path)
        with Store.open(path) as store:
            assert grading.apply_period(store, scheme, Period.parse("2026-Q2"), jobs=jobs) == 3 * len(TEAMS)
    assert recorded(paths[0]) == recorded(paths[1])


def test_progress_counts_every_employee_with_jobs(db, capsys):
    with Store.open(db) as store:
        run_batch(store, load_scheme("star-levels"), Period.parse("2026-06"), fmt="csv", progress=True, jobs=2)
    err = capsys.readouterr().err
    assert "100%" in err and f"{3 * len(TEAMS)}/{3 * len(TEAMS)}" in err


# ------------------------------------------------------------------------------ failures


def fail_for_team(monkeypatch, team, error):
    real = grading.grade_team

    def grade_team(scheme, history, period, **kwargs):
        if history.team == team:
            raise error(os.getpid())
        return real(scheme, history, period, **kwargs)

    monkeypatch.setattr(grading, "grade_team", grade_team)


def test_an_error_in_a_worker_stops_the_run_and_writes_nothing(db, tmp_path, monkeypatch):
    fail_for_team(monkeypatch, "T4", lambda pid: RuntimeError(f"disk on fire in process {pid}"))
    out = tmp_path / "r.csv"
    result = run(db, "--scheme", "star-levels", "--period", "2026-06", "--apply", "--jobs", "2", "--output", str(out))
    assert result.exit_code != 0
    assert "disk on fire in process" in result.stderr
    assert f"process {os.getpid()}" not in result.stderr  # it failed in a worker
    assert recorded(db) == ([], [])  # T1..T3 were graded before T4 failed: none of it is kept
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_a_worker_error_comes_back_as_its_kind_and_message(db, monkeypatch):
    # InvalidData's __init__ takes lines, not a message: it must not come back garbled
    fail_for_team(
        monkeypatch, "T2", lambda pid: InvalidData([f"T2-00: sales_actual: expected a number (process {pid})"])
    )
    result = run(db, "--scheme", "star-levels", "--period", "2026-06", "--jobs", "2")
    assert result.exit_code == 3  # invalid data
    assert "cstui: T2-00: sales_actual: expected a number (process" in result.stderr


# ------------------------------------------------------------------------------ scoping


def test_a_supervisor_grades_only_own_teams_in_workers(db, tmp_path, monkeypatch):
    in_workers(monkeypatch)
    scheme, month, out = load_scheme("five-tier"), Period.parse("2026-06"), tmp_path / "r.json"
    with Store.open(db, login="lin") as store:
        run_batch(store, scheme, month, fmt="json", output=out, apply=True, jobs=2)
        assert {r["team"] for r in json.loads(out.read_text(encoding="utf-8"))} == {"T2", "T4", "T5"}
        with pytest.raises(AccessDenied):
            run_batch(store, scheme, month, teams=["T1", "T2"], fmt="json", output=out, jobs=2)
    results, checkpoints = recorded(db)
    teams = [row[0] for row in sqlite3.connect(db).execute("SELECT team FROM results")]
    assert set(teams) == {"T2", "T4", "T5"} and {c[2] for c in checkpoints} == {"T2", "T4", "T5"}


def test_a_worker_reads_with_the_parents_login(db):
    grading._worker_start(str(db), "lin", load_scheme("star-levels"), Period.parse("2026-06"), False, False)
    try:
        assert [team for team, *_ in grading._worker_grade(["T2", "T4"])] == ["T2", "T4"]
        failure = grading._worker_grade(["T1"])
        assert isinstance(failure.exception(), AccessDenied)
    finally:
        grading._WORKER.pop("store").close()


# ------------------------------------------------------------------------------ choosing jobs


def test_jobs_must_be_at_least_one(db):
    result = run(db, "--scheme", "star-levels", "--period", "2026-06", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.output
    with Store.open(db) as store, pytest.raises(ValueError, match="jobs"):
        run_batch(store, load_scheme("star-levels"), Period.parse("2026-06"), jobs=0)


def test_automatic_jobs_stay_in_process_for_a_small_run_and_use_the_cpus_for_a_large_one(db, monkeypatch):
    scheme = load_scheme("star-levels")
    with Store.open(db) as store:
        assert grading.resolve_jobs(store, scheme, None, None) == 1  # 15 employees
        assert grading.resolve_jobs(store, scheme, None, 1) == 1
        assert grading.resolve_jobs(store, scheme, None, 3) == 3
        monkeypatch.setattr(grading, "SMALL_RUN", 15)
        monkeypatch.setattr(os, "cpu_count", lambda: 16)
        assert grading.resolve_jobs(store, scheme, None, None) == grading.MAX_JOBS
        assert grading.resolve_jobs(store, scheme, ["T1"], None) == 1  # 3 employees


def test_tasks_keep_team_order_and_cover_every_team():
    names = [f"T{i:03d}" for i in range(250)]
    tasks = grading._tasks(names, 2)
    assert [team for task in tasks for team in task] == names
    assert max(len(task) for task in tasks) <= grading.TEAMS_PER_TASK and len(tasks) >= 2 * 8


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_a_real_stdout_gets_the_report_once(db, fmt):
    # forked workers inherit this process's stdout buffer: it must not be written twice
    outputs = []
    for jobs in ("1", "2"):
        args = [
            sys.executable,
            "-m",
            "cstui",
            "--db",
            str(db),
            "--scheme",
            "star-levels",
            "--period",
            "2026-06",
            "--format",
            fmt,
            "--jobs",
            jobs,
        ]
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[1] == outputs[0] and outputs[0].count("T5-02") == 1
