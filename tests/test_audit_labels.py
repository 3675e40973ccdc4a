"""What changed in the audit trail names metrics and incident codes by their scheme's labels:
`cstui --lang zh audit` by label_zh (English `cstui audit` keeps the stored keys and codes, as a
script reading it always had them); the TUI's audit view by label or label_zh."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee, Incident, Period
from cstui.io.audit import AuditLabels, audit_records
from cstui.io.imports import import_scorecards
from cstui.schemes import load_scheme
from cstui.store import Store, os_login
from cstui.store.audit import AuditFilter


def company(tmp_path):
    db = tmp_path / "c.db"
    with Store.open(db, login="alice", create=True) as s:
        s.add_user(os_login(), "admin", [])
        s.add_team("T1", "One")
        s.add_employee(Employee("1001", "张三", "T1", "agent", date(2025, 1, 1), scheme="star-levels"))
        s.add_employee(Employee("2001", "赵六", "T1", "assistant", date(2025, 1, 1), scheme="assistant-class"))
        s.save_scorecard("1001", "2026-10", {"sales_target": "100", "sales_actual": "90"}, 0)
        s.add_incident(Incident("2001", date(2026, 10, 9), "extra-work"))
    csv = tmp_path / "oct.csv"
    csv.write_text("employee_id,sales_target,sales_actual\n1001,100,95\n", encoding="utf-8")
    with Store.open(db, login="alice") as s:
        import_scorecards(s, csv, Period.parse("2026-10"), load_scheme("star-levels"))
    return db


def changes(db, *lang: str) -> list[str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *lang, "audit", "--format", "table"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_english_audit_keeps_codes_and_keys(tmp_path):
    db = company(tmp_path)
    lines = "\n".join(changes(db))
    assert "code: extra-work" in lines
    assert "replaced: 1001/2026-10 sales_actual: 90, sales_target: 100" in lines


def test_chinese_audit_names_incidents_and_replaced_values_by_label_zh(tmp_path):
    db = company(tmp_path)
    lines = "\n".join(changes(db, "--lang", "zh"))
    assert "代码: 完成上级交办的额外工作" in lines
    assert "覆盖：1001/2026-10 实际销售额: 90, 销售目标: 100" in lines
    assert "extra-work" not in lines and "sales_actual" not in lines


def test_labels_in_english_for_the_audit_view(tmp_path):
    db = company(tmp_path)
    with Store.open(db, login="alice") as s:
        rows = s.audit_rows(AuditFilter())
        english = [r["change"] for r in audit_records(rows, labels=AuditLabels(s, "en"))]
        plain = [r["change"] for r in audit_records(rows)]
    incident = next(c for c in english if c.startswith("code: "))
    assert incident.startswith("code: Extra work for a superior;")
    assert any(c.endswith("replaced: 1001/2026-10 Sales: 90, Sales target: 100") for c in english)
    assert any(c.startswith("code: extra-work;") for c in plain)
