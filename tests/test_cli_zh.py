"""What the command line prints under --lang zh (or LANG=zh_*) is 中文 from templates: import
summaries and the refusals of single commands; the English of each stays as it was."""

from __future__ import annotations

import re
from datetime import date

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee
from cstui.store import Store


def run(db, *args: str, login: str = "alice", env: dict | None = None):
    return CliRunner().invoke(cli, ["--db", str(db), *args], obj={"login": login}, env=env)


def english_words(text: str, allowed: set[str] = frozenset()) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", text)) - {"cstui", "csv"} - set(allowed)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "c.db"
    with Store.open(path, login="alice", create=True) as s:
        s.add_team("T1", "One", "热线一组")
        s.add_employee(Employee("1001", "张三", "T1", "agent", date(2025, 1, 1), scheme="star-levels"))
        s.add_employee(Employee("2001", "赵六", "T1", "assistant", date(2025, 1, 1), scheme="assistant-class"))
    return path


def test_a_roster_import_summary_reads_in_chinese(db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "employee_id,name,team,role,hire_date\n1001,张三,T1,agent,2025-01-01\n1002,李四,T1,agent,2025-02-01\n"
        "1003,王五,T1,agent,2025-03-01\n",
        encoding="utf-8",
    )
    zh = run(db, "--lang", "zh", "import", "roster", str(roster))
    assert zh.exit_code == 0 and zh.output == "roster.csv：3 名员工（新增 2，更新 0，未变 1）\n", zh.output
    again = run(db, "import", "roster", str(roster), env={"LANG": "zh_CN.UTF-8"})
    assert again.output == "roster.csv：3 名员工（新增 0，更新 0，未变 3）\n"


def test_import_summaries_in_english_are_as_they_were(db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "employee_id,name,team,role,hire_date,scheme\n1002,李四,T1,agent,2025-02-01,star-levels\n", encoding="utf-8"
    )
    said = run(db, "--lang", "en", "import", "roster", str(roster))
    assert said.output == "roster.csv: 1 employee (1 new, 0 updated)\n"
    cards = tmp_path / "cards.csv"
    cards.write_text("employee_id,sales_target,sales_actual\n1001,100,90\n1002,100,120\n", encoding="utf-8")
    args = ("import", "scorecards", str(cards), "--period", "2026-10", "--scheme", "star-levels")
    said = run(db, "--lang", "en", *args)
    assert said.output == "cards.csv: 2 scorecards for 2026-10 (star-levels): 2 new, 0 updated, 0 unchanged\n"
    zh = run(db, "--lang", "zh", *args)
    assert zh.output == "cards.csv：2026-10 的2 张考核表（star-levels）：新增 0，更新 0，未变 2\n", zh.output
    incidents = tmp_path / "incidents.csv"
    incidents.write_text("employee_id,date,code,count,points,note\n2001,2026-10-03,late,1,,\n", encoding="utf-8")
    said = run(db, "--lang", "en", "import", "incidents", str(incidents))
    assert said.output == "incidents.csv: 1 incident (1 new, 0 already recorded)\n"
    zh = run(db, "--lang", "zh", "import", "incidents", str(incidents))
    assert (
        zh.output == "incidents.csv：1 条奖惩记录（新增 0，已记录过 1）\n"
        and english_words(zh.output, {"incidents"}) == set()
    )
