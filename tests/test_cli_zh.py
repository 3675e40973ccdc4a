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


# (command, exit code, English as it always read, 中文, what the 中文 may still quote: typed words)
REFUSALS = [
    (
        ("results", "--mine", "--period", "2026-10"),
        3,
        "login 'alice' is the roster login of no employee (or of several)",
        "账号“alice”不是任何员工的花名册登录名",
        {"alice"},
    ),
    (("dispute", "record-again", "99"), 3, "no dispute 99", "没有编号为 99 的申诉", set()),
    (
        ("place", "1001", "--scheme", "star-levels"),
        3,
        "--scheme star-levels: model star-levels, not placement; a placement form needs a placement scheme",
        "--scheme star-levels：模型为 star-levels，不是入职定级模型",
        {"scheme", "star", "levels"},
    ),
    (
        ("place", "1001", "--set", "nope=1"),
        3,
        "--set nope=1: expected FIELD=VALUE with FIELD one of ",
        "--set nope=1：应为 FIELD=VALUE，其中字段为 ",
        {"set", "nope", "FIELD", "VALUE"},
    ),
    (
        ("whatif", "--scheme", "star-levels", "--period", "2026-01", "--from", "2026-05"),
        3,
        "--from 2026-05: after --period 2026-01; expected an earlier period",
        "--from 2026-05：晚于 --period 2026-01；应为更早的周期",
        {"from", "period"},
    ),
    (
        ("whatif", "--scheme", "star-levels@2026-01", "--period", "2026-01"),
        3,
        "star-levels@2026-01: no scheme remembered for star-levels in 2026-01",
        "star-levels@2026-01：2026-01 没有记录 star-levels 的方案",
        {"star", "levels"},
    ),
]


@pytest.mark.parametrize("args, code, english, chinese, typed", REFUSALS, ids=[" ".join(r[0][:2]) for r in REFUSALS])
def test_a_commands_own_refusal_reads_in_chinese(db, args, code, english, chinese, typed):
    said = run(db, *args)
    assert said.exit_code == code and english in said.output, said.output
    zh = run(db, "--lang", "zh", *args)
    assert zh.exit_code == code and chinese in zh.output, zh.output
    # the placement form's field names are the scheme's keys, typed as they are
    fields = (
        set(re.findall(r"[a-z_]+", zh.output.split("之一")[0].split("字段为")[-1])) if "字段为" in zh.output else set()
    )
    assert english_words(zh.output.replace("_", " "), typed | {w for f in fields for w in f.split("_")}) == set()


def test_record_again_of_a_dispute_not_accepted_is_refused_in_chinese(db):
    from decimal import Decimal

    from cstui.domain import Period, Result

    with Store.open(db, login="alice") as s:
        s.add_employee(Employee("1003", "王五", "T1", "agent", date(2025, 1, 1), login="ann", scheme="star-levels"))
        s.add_user("ann", "agent")
        graded = ("1003", "王五", "T1", Period.parse("2026-10"), "star-levels", "1", Decimal("80"), "B", None)
        s.record_results([Result(*graded, "L1", "L1", "stay", Decimal("0"), [], [])])
    assert run(db, "dispute", "open", "--period", "2026-10", "--reason", "wrong", login="ann").exit_code == 0
    said = run(db, "dispute", "record-again", "1")
    assert said.exit_code == 4 and "dispute 1 is open: only an accepted one is recorded again" in said.output
    zh = run(db, "--lang", "zh", "dispute", "record-again", "1")
    assert zh.exit_code == 4 and "申诉 1 尚待答复：只有已接受的申诉才能重新记录结果" in zh.output


def test_a_cell_over_csvs_field_limit_is_named_in_chinese(db, tmp_path):
    big = tmp_path / "roster.csv"
    big.write_text("employee_id,name,team,role,hire_date\n1002," + "x" * 200_000 + ",T1,agent,2025-01-01\n")
    said = run(db, "import", "roster", str(big))
    assert said.exit_code == 3 and said.output.endswith("roster.csv:2: field larger than field limit (131072)\n")
    zh = run(db, "--lang", "zh", "import", "roster", str(big))
    assert zh.exit_code == 3 and zh.output.endswith("roster.csv:2：单元格超过长度上限（131072 个字符）\n"), zh.output


def test_a_report_to_a_missing_directory_names_the_cause_in_chinese(db, tmp_path):
    target = tmp_path / "gone" / "report.csv"
    args = ("--scheme", "star-levels", "--period", "2026-10", "--output", str(target))
    said = run(db, *args)
    assert (
        said.exit_code == 2 and f"--output {target}: cannot write the report (No such file or directory)" in said.output
    )
    zh = run(db, "--lang", "zh", *args)
    assert zh.exit_code == 2 and f"--output {target}：无法写入报告（文件或目录不存在）" in zh.output, zh.output


@pytest.mark.parametrize(
    "error, english, chinese",
    [
        (
            FileNotFoundError(2, "No such file or directory", "/srv/in.csv"),
            "No such file or directory",
            "文件或目录不存在",
        ),
        (PermissionError(13, "Permission denied", "/srv/in.csv"), "Permission denied", "没有权限"),
        (IsADirectoryError(21, "Is a directory", "/srv/in.csv"), "Is a directory", "这是一个目录，不是文件"),
        (OSError(28, "No space left on device", "/srv/in.csv"), "No space left on device", "磁盘空间已满"),
    ],
)
def test_a_system_error_names_its_cause_in_chinese_and_keeps_its_english(error, english, chinese):
    from cstui.io.localize import user_message

    assert user_message(error) == f"/srv/in.csv: {english}"
    assert user_message(error, "zh") == f"/srv/in.csv：{chinese}"


def test_an_unknown_system_error_is_quoted_as_a_last_resort():
    from cstui.io.localize import csv_reason, os_reason, user_message

    odd = OSError(71, "Protocol error", "/srv/in.csv")
    assert user_message(odd, "zh") == "/srv/in.csv：Protocol error"
    assert os_reason(ValueError("embedded null byte")) == "embedded null byte"
    assert user_message(ValueError("embedded null byte"), "zh") == "embedded null byte"  # not an OSError: as raised
    from cstui.domain.texts import render

    assert render(os_reason(ValueError("embedded null byte")), "zh") == "路径中含有空字节"
    assert render(csv_reason(Exception("line contains NUL")), "zh") == "该行含有空字节"
    assert csv_reason(Exception("something new")) == "something new"
