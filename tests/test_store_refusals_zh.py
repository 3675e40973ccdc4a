"""The store's refusals of bad input (exit 3) and of actions the database's state forbids
(exit 4), not "unexpected" (1); each reads in 中文 under --lang zh, its English unchanged."""

from __future__ import annotations

import re
from datetime import date

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee
from cstui.store import Store

MONTH = "2026-10"


def run(db, login, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], obj={"login": login})


@pytest.fixture
def db(tmp_path):
    """ann (1001) is an agent on T1; sam supervises T1; alice is the only admin."""
    path = tmp_path / "c.db"
    with Store.open(path, login="alice", create=True) as s:
        s.add_team("T1", "One", "热线一组")
        s.add_employee(Employee("1001", "张三", "T1", "agent", date(2025, 1, 1), login="ann", scheme="star-levels"))
        s.add_user("ann", "agent")
        s.add_user("sam", "supervisor", ["T1"])
    return path


# what the zh line may still carry: what the user typed (logins, options, periods), and ids
TYPED = {"zed", "ann", "sam", "alice", "team", "reason", "TEXT"}

CASES = [
    (("user", "add", "zed", "--role", "agent"), 4, "must be the roster login of exactly one employee", "花名册"),
    (("user", "add", "ann", "--role", "agent", "--team", "T1"), 3, "give no --team", "请勿指定 --team"),
    (("user", "add", "sam", "--role", "supervisor"), 3, "needs at least one team (--team T)", "至少需要一个组别"),
    (("user", "add", "alice", "--role", "manager"), 4, "'alice' is the last admin", "最后一名管理员"),
    (("period", "reopen", MONTH, "--reason", "typo"), 4, f"period {MONTH} is not closed", "未关闭"),
    (
        ("period", "reopen", "2026-13", "--reason", "typo"),
        3,
        "period '2026-13': expected YYYY-MM",
        "周期 '2026-13' 无效",
    ),
]


@pytest.mark.parametrize("args, code, english, chinese", CASES, ids=[" ".join(c[0][:2]) + f"-{c[1]}" for c in CASES])
def test_a_store_refusal_has_its_exit_code_and_reads_in_chinese(db, args, code, english, chinese):
    said = run(db, "alice", *args)
    assert said.exit_code == code and english in said.output, said.output
    zh = run(db, "alice", "--lang", "zh", *args)
    assert zh.exit_code == code and chinese in zh.output, zh.output
    words = set(re.findall(r"[A-Za-z]{3,}", zh.output.replace("cstui:", ""))) - TYPED - {"YYYY", "Qn"}
    assert words == set(), zh.output


def test_an_agent_without_a_reason_is_told_in_chinese(db):
    said = run(db, "ann", "--lang", "zh", "dispute", "open", "--period", MONTH, "--reason", " ")
    assert said.exit_code == 3 and "申诉需要填写原因（--reason 文本）" in said.output, said.output


def test_the_second_close_is_refused_not_unexpected(db):
    assert run(db, "alice", "period", "close", MONTH).exit_code == 0
    again = run(db, "alice", "period", "close", MONTH)
    assert again.exit_code == 4 and f"period {MONTH} is already closed (by alice at " in again.output
    zh = run(db, "alice", "--lang", "zh", "period", "close", MONTH)
    assert zh.exit_code == 4 and f"周期 {MONTH} 已关闭（alice 于 " in zh.output


def test_an_employee_taken_twice_is_bad_input(db):
    from cstui.io.localize import user_message
    from cstui.store import BadInput

    with Store.open(db, login="alice") as s, pytest.raises(BadInput) as taken:
        s.add_employee(Employee("1001", "李四", "T1", "agent", date(2025, 1, 1)))
    assert str(taken.value) == "employee '1001' already exists" and taken.value.exit_code == 3
    assert user_message(taken.value, "zh") == "员工 '1001' 已存在"


def test_sign_off_refusals_and_unknown_ids_read_in_chinese(db):
    said = run(db, "ann", "confirm", "--period", MONTH)
    assert said.exit_code == 4 and f"you have no graded result for {MONTH} to sign off" in said.output
    zh = run(db, "ann", "--lang", "zh", "confirm", "--period", MONTH)
    assert zh.exit_code == 4 and f"您在 {MONTH} 没有可签认的评定结果" in zh.output, zh.output
    missing = run(db, "alice", "--lang", "zh", "employee", "show", "9999")
    assert missing.exit_code == 3 and "没有员工 '9999'" in missing.output, missing.output
    assert "no employee '9999'" in run(db, "alice", "employee", "show", "9999").output
