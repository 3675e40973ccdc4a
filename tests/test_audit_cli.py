"""`cstui audit` and `cstui audit verify`, as a manager types them."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from datetime import date

from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee
from cstui.store import Store, os_login


def run(db, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def company(tmp_path, role="admin"):
    db = tmp_path / "c.db"
    with Store.open(db, login="alice", create=True) as s:
        s.add_user(os_login(), role, ["T1"] if role == "supervisor" else [])
        s.add_team("T1", "One")
        s.add_employee(Employee("1001", "张三", "T1", "agent", date(2025, 1, 1), scheme="star-levels"))
        s.save_scorecard("1001", "2026-10", {"sales_target": "100", "sales_actual": "90"}, 0)
        s.save_scorecard("1001", "2026-10", {"sales_target": "100", "sales_actual": "95"}, 1)
    return db


def test_audit_lists_filters_and_formats(tmp_path):
    db = company(tmp_path)
    table = run(db, "audit", "--employee", "1001")
    assert table.exit_code == 0, table.output
    assert "sales_actual: 90 → 95" in table.output and "张三" in table.output
    rows = list(csv.DictReader(io.StringIO(run(db, "audit", "--table", "scorecards", "--format", "csv").output)))
    assert [(r["action"], r["key"]) for r in rows] == [("save", "1001/2026-10")] * 2
    assert json.loads(rows[0]["after"]) == {"sales_actual": "95", "sales_target": "100"}
    records = json.loads(run(db, "audit", "--user", "alice", "--period", "2026-10", "--format", "json").output)
    assert [r["before"] for r in records] == [{"sales_actual": "90", "sales_target": "100"}, None]
    assert json.loads(run(db, "audit", "--until", "2000-01-01", "--format", "json").output) == []


def test_a_supervisor_may_not_read_the_trail(tmp_path):
    db = company(tmp_path, role="supervisor")
    for args in (("audit",), ("audit", "verify")):
        result = run(db, *args)
        assert result.exit_code == 4 and "only a manager or admin" in result.output


def test_verify_names_a_row_edited_with_sqlite3_and_exits_3(tmp_path):
    db = company(tmp_path)
    ok = run(db, "audit", "verify")
    assert ok.exit_code == 0 and "intact" in ok.output
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER audit_is_permanent_update")
    target = conn.execute("SELECT id FROM audit WHERE entity = 'scorecards' ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.execute('UPDATE audit SET after = \'{"sales_actual": "200"}\' WHERE id = ?', (target,))
    conn.close()
    broken = run(db, "audit", "verify")
    assert broken.exit_code == 3
    assert f"audit row {target}: its content does not match its hash" in broken.output


def test_two_imports_of_one_incident_file_at_once_store_it_once(tmp_path):
    db = tmp_path / "c.db"
    with Store.open(db, create=True) as s:
        s.add_team("T1", "One")
        s.add_employee(Employee("3001", "李四", "T1", "assistant", date(2025, 1, 1), scheme="assistant-class"))
    same = tmp_path / "same.csv"
    same.write_text("employee_id,date,code,count,points,note\n3001,2026-10-05,late,1,-3,迟到\n", encoding="utf-8")
    command = [sys.executable, "-m", "cstui", "--db", str(db), "import", "incidents", str(same)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = sorted(p.communicate(timeout=60)[0].strip() for p in runs)
    assert all(p.returncode == 0 for p in runs)
    assert outputs == [
        "same.csv: 1 incident (0 new, 1 already recorded)",
        "same.csv: 1 incident (1 new, 0 already recorded)",
    ]
    with Store.open(db) as s:
        assert len(s.incidents("3001", "2026-10", include_deleted=True)) == 1


def test_check_names_a_row_edited_with_sqlite3(tmp_path):
    """`cstui check` walks the chain too: the nightly check catches an edit the day it happens."""
    db = company(tmp_path)
    assert run(db, "check").exit_code == 0
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER audit_is_permanent_update")
    target = conn.execute("SELECT id FROM audit WHERE entity = 'scorecards' ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.execute("UPDATE audit SET who = 'nobody' WHERE id = ?", (target,))
    conn.close()
    checked = run(db, "check")
    assert checked.exit_code == 3
    assert f"audit row {target}: " in checked.output and "audit trail broken" in checked.output
