"""Import refusals in 中文: every FILE:ROW:COLUMN problem is a template line, rendered in the
user's language (the TUI's import, the command line under --lang zh) with the file, row and
column still named; its English is what import always printed (tests/io/test_imports.py)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Period
from cstui.errors import InvalidData
from cstui.io.imports import import_incidents, import_roster, import_scorecards
from cstui.io.localize import user_message
from cstui.schemes import load_scheme

OCT = Period.parse("2026-10")
ROSTER = "employee_id,name,team,role,hire_date,scheme,level,scheme_since\n"
STAR = "employee_id,sales_target,sales_actual\n"
INCIDENTS = "employee_id,date,code,count,points,note\n"
ASSIST = "employee_id,adjustment,adjustment_reason,a_followups,b_followups,a_reports,b_reports\n"

# what a 中文 problem may still spell in Latin letters: column names, keys and values as typed
TYPED = {"employee_id", "hire_date", "scheme_since", "scheme", "level", "role", "code", "count", "points", "date"}
TYPED |= {"sales_actual", "sales_target", "bonus", "adjustment", "adjustment_reason", "grade", "team"}
TYPED |= {"boss", "agent", "assistant", "manager", "supervisor", "lead", "star", "class", "tier", "five", "levels"}
TYPED |= {"napping", "late", "zero", "complaints", "sleeping", "duty", "extra", "csv", "roster", "cards", "inc"}
TYPED |= {"YYYY", "junior", "intermediate", "senior", "principal", "expert", "probation", "ecommerce", "kpi"}
TYPED |= {"placement", "name"}


def english_words(text: str) -> set[str]:
    """Latin words of ``text`` that are neither typed (quoted values, keys with a hyphen, column
    names) nor a command to run."""
    text = re.sub(r"'[^']*'|[A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)+|cstui scheme \w+", "", text)
    return set(re.findall(r"(?<![A-Za-z0-9_])[A-Za-z_]{3,}", text)) - TYPED


def refused(call) -> InvalidData:
    with pytest.raises(InvalidData) as excinfo:
        call()
    return excinfo.value


def roster(store, write, text):
    path = write("roster.csv", text)
    return path, refused(lambda: import_roster(store, path))


@pytest.mark.parametrize(
    ("row", "column", "chinese"),
    [
        ("N1,陈静,T3,boss,2026-01-15,,,", "role", "未知的岗位 'boss'"),
        ("N1,陈静,T3,agent,2026-01-15,,1-star,", "level", "填写级别时须有方案"),
        ("N1,陈静,T3,agent,2026-01-15,,,2026-05", "scheme_since", "填写 scheme_since 时须有方案"),
        ("E1,王芳,T1,agent,2024-01-05,star-levels,2-star,2026-13", "scheme_since", "应为月份 YYYY-MM"),
        ("N1,陈静,T3,agent,2026-01-15,nope,,", "scheme", "未知的方案 'nope'"),
        ("N1,陈静,T3,agent,2026-01-15,star-levels,class-1,", "level", "级别 'class-1' 不在方案 star-levels 中"),
        ("N1,,T3,agent,2026-01-15,,,", "name", "必填；单元格为空"),
        ("N1,陈静,T3,agent,2026-01-15,,,,extra", "（多余单元格）", "单元格多于表头列数"),
    ],
)
def test_roster_problems_read_in_chinese_naming_file_row_and_column(store, write, row, column, chinese):
    path, error = roster(store, write, ROSTER + row + "\n")
    zh = user_message(error, "zh")
    assert zh.startswith(f"{path}:2:{column}：") and chinese in zh, zh
    assert english_words(zh.removeprefix(str(path))) == set(), zh
    assert user_message(error) == str(error) and not re.search(r"[\u4e00-\u9fff]", str(error).replace("陈静", ""))


def test_header_problems_duplicates_and_the_count_of_the_rest_read_in_chinese(store, write):
    path, error = roster(store, write, "employee_id,name,role,hire_date,grade,name\nN1,陈静,agent,2026-01-15,A,B\n")
    zh = user_message(error, "zh")
    assert f"{path}:1:grade：未知的列；应为 employee_id" in zh and f"{path}:1:team：缺少必需的列" in zh
    assert f"{path}:1:name：列重复出现" in zh
    rows = "".join(f"N{i},x,T3,boss,2026-01-15,,,\n" for i in range(60))
    path, error = roster(store, write, ROSTER + rows)
    assert user_message(error, "zh").endswith("……另有 10 个问题") and str(error).endswith("... and 10 more problems")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (STAR + "E1,100000,62x\n", "2:sales_actual：应为"),
        (STAR + "X9,100000,90000\n", "2:employee_id：未知的员工 'X9'"),
        (STAR + "F1,100000,90000\n", "2:employee_id：员工 F1 的方案是 five-tier，不是 star-levels"),
        (STAR + "E1,100000,90000\nE1,100000,91000\n", "3:employee_id：员工 'E1' 重复出现（另见第 2 行）"),
        ("employee_id,sales_target,sales_actual,bonus\nE1,1,1,1\n", "1:bonus：未知的列"),
    ],
)
def test_scorecard_problems_read_in_chinese(store, write, text, expected):
    path = write("cards.csv", text)
    error = refused(lambda: import_scorecards(store, path, OCT, load_scheme("star-levels")))
    zh = user_message(error, "zh")
    assert zh.startswith(f"{path}:{expected}"), zh
    assert english_words(zh.removeprefix(str(path))) == set(), zh


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("A1,2026-10-03,napping,1,,", "2:code：未知的奖惩代码 'napping'"),
        ("A1,2026-10-03,late,1,3,", "2:points：3 超出 late 的范围 -5..-2（扣分为负数）"),
        ("A1,2026-10-03,late,0,,", "2:count：应为 1 或以上，实际为 0"),
        ("E1,2026-10-03,late,1,,", "2:employee_id：员工 E1 的方案 star-levels 没有奖惩目录"),
        ("A1,2026-10-03,zero-complaints,2,,", "2:count：zero-complaints 每月只能记录一次，实际为 2"),
        ("A1,2026-10-03,sleeping-on-duty,1,-5,", "2:points：sleeping-on-duty 是辞退审查标记，不计分；请留空"),
        ("A1,2026-10-03,,1,,", "2:code：必填；单元格为空"),
    ],
)
def test_incident_problems_read_in_chinese(store, write, row, expected):
    path = write("inc.csv", INCIDENTS + row + "\n")
    zh = user_message(refused(lambda: import_incidents(store, path)), "zh")
    assert zh.startswith(f"{path}:{expected}"), zh
    assert english_words(zh.removeprefix(str(path))) == set(), zh


def test_an_adjustment_without_a_reason_reads_in_chinese(store, write):
    path = write("cards.csv", ASSIST + "A1,3,,0,0,0,0\n")
    zh = user_message(refused(lambda: import_scorecards(store, path, OCT, load_scheme("assistant-class"))), "zh")
    assert zh.startswith(f"{path}:2:adjustment_reason：调整 +3 须填写原因"), zh


def test_a_file_that_is_no_table_reads_in_chinese(store, write):
    path = write("roster.csv", "")
    assert user_message(refused(lambda: import_roster(store, path)), "zh") == f"{path}:1：空文件；应有表头行"
    path = write("cards.csv", STAR)
    quarter = refused(lambda: import_scorecards(store, path, Period.parse("2026-Q4"), load_scheme("star-levels")))
    assert user_message(quarter, "zh") == f"{path}：周期 2026-Q4：考核表按月（YYYY-MM）导入，不能按季度"


def test_the_command_line_under_lang_zh_names_stdin_in_chinese(db):
    args = ["--db", str(db), "--lang", "zh", "import", "roster", "-"]
    result = CliRunner().invoke(cli, args, input="employee_id,name,team,role,hire_date\nX,x,T1,boss,2026-01-01\n")
    assert result.exit_code == 3
    assert (
        result.stderr
        == "cstui: stdin.csv:2:role：未知的岗位 'boss'；应为 agent, assistant, team-lead, supervisor, manager 之一\n"
    )
    english = CliRunner().invoke(
        cli, args[:2] + args[4:], input="employee_id,name,team,role,hire_date\nX,x,T1,boss,2026-01-01\n"
    )
    assert english.stderr.startswith("cstui: stdin.csv:2:role: unknown role 'boss'; expected one of agent")
