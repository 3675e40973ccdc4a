"""--output never goes over a database, keeps a replaced report's mode, and names the user's path."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from cstui.errors import EXIT_REFUSED, EXIT_USAGE
from files_support import cstui, foreign_sqlite, snapshot

BATCH = ("--scheme", "star-levels", "--period", "2026-10", "--format", "csv")


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    path = tmp_path_factory.mktemp("company") / "company.db"
    result = cstui("demo", "--db", str(path), "--employees", "12", "--months", "3")
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize("target", ["db", "wal", "shm", "symlink", "hardlink", "other"])
@pytest.mark.parametrize("apply", [False, True])
def test_output_refuses_the_database_its_sidecars_and_any_sqlite_file(company, tmp_path, target, apply):
    db = tmp_path / "company.db"
    db.write_bytes(company.read_bytes())
    output = {
        "db": db,
        "wal": tmp_path / "company.db-wal",
        "shm": tmp_path / "company.db-shm",
        "symlink": tmp_path / "report.csv",
        "hardlink": tmp_path / "report.csv",
        "other": tmp_path / "other.db",
    }[target]
    if target == "symlink":
        output.symlink_to(db)
    elif target == "hardlink":
        os.link(db, output)
    elif target == "other":
        foreign_sqlite(output)
    before = snapshot(tmp_path)
    result = cstui(*BATCH, *(["--apply"] if apply else []), "--output", str(output), db=db)
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert f"--output {output}" in result.stderr and ".part" not in result.stderr
    assert snapshot(tmp_path) == before


def test_a_replaced_report_keeps_its_mode(company, tmp_path):
    report = tmp_path / "report.csv"
    report.write_text("old\n")
    report.chmod(0o600)
    result = cstui(*BATCH, "--output", str(report), db=company)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert "employee_id" in report.read_text(encoding="utf-8-sig")


def test_a_missing_directory_is_named_as_the_user_wrote_it(company, tmp_path):
    report = tmp_path / "no-such-dir" / "report.csv"
    result = cstui(*BATCH, "--output", str(report), db=company)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.strip() == (
        f"cstui: --output {report}: cannot write the report (No such file or directory)"
    ), result.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/full is Linux's")
def test_a_full_disk_while_writing_the_report_names_the_report(company):
    result = cstui(*BATCH, "--output", "/dev/full", db=company)
    assert result.returncode == 6 and "--output /dev/full" in result.stderr and "Traceback" not in result.stderr
