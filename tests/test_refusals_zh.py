"""The demo's, an export's, the plugin scaffold's, a migration's and ``audit verify``'s refusals
read in 中文 (user_message, as --lang zh prints them), their English as it always was."""

from __future__ import annotations

import re
import sqlite3

import pytest

from cstui.errors import InvalidData
from cstui.io.localize import user_message


def english_words(text: str, allowed: set[str] = frozenset()) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", text)) - set(allowed)


def refused(call, *args):
    with pytest.raises(Exception) as raised:
        call(*args)
    return raised.value


def test_the_demo_refuses_a_directory_and_a_full_file_in_chinese(tmp_path):
    from cstui.demo.build import refuse_existing

    error = refused(refuse_existing, tmp_path)
    assert str(error) == f"{tmp_path} is a directory; give the demo a file name such as {tmp_path / 'demo.db'}"
    assert "是目录" in user_message(error, "zh")
    full = tmp_path / "mine.db"
    full.write_text("data")
    error = refused(refuse_existing, full)
    assert str(error).endswith("Choose another --db path, or move the file away yourself.")
    zh = user_message(error, "zh")
    assert "从不覆盖" in zh and english_words(zh.replace(str(full), "")) == set()


def test_an_export_over_a_file_is_refused_in_chinese(tmp_path):
    from cstui.io.export import export_results

    target = tmp_path / "results.csv"
    target.write_text("kept")
    error = refused(lambda: export_results([], "csv", target, database=tmp_path / "c.db"))
    assert str(error) == f"{target} exists: replace it, or give another name"
    assert user_message(error, "zh") == f"{target} 已存在：请选择替换，或换一个文件名"


def test_the_scaffold_refuses_a_full_directory_in_chinese(tmp_path):
    from cstui.scaffold import write_package

    (tmp_path / "cstui-acme").mkdir()
    (tmp_path / "cstui-acme" / "x").write_text("")
    error = refused(write_package, "acme", tmp_path)
    assert str(error) == f"{tmp_path / 'cstui-acme'}: exists and is not empty; choose another NAME or --dir"
    zh = user_message(error, "zh")
    assert (
        "已存在且不为空" in zh and english_words(zh.replace(str(tmp_path / "cstui-acme"), ""), {"NAME", "dir"}) == set()
    )


def test_a_file_with_broken_references_is_not_migrated_in_chinese():
    from cstui.store import migrations

    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE employees (id TEXT PRIMARY KEY);"
        "CREATE TABLE results (employee_id TEXT REFERENCES employees(id));"
        "INSERT INTO results VALUES ('gone');"
    )
    error = refused(migrations._refuse_broken_references, conn)
    assert isinstance(error, InvalidData)
    assert "rows that name a missing row of another table (edited outside cstui); nothing was migrated." in str(error)
    zh = user_message(error, "zh")
    assert "未迁移任何内容" in zh and "foreign_key_check" in zh
    said_as_is = ("PRAGMA foreign_key_check(results)", "sqlite3", "cstui", "results")
    assert english_words(re.sub("|".join(map(re.escape, said_as_is)), "", zh)) == set()


def test_a_broken_audit_chain_reads_in_chinese():
    from cstui.cli_texts import line

    error = InvalidData([line("audit.broken", at=41, checked="1,234")])
    assert str(error) == "audit trail broken at 41 (1,234 rows before it hold)"
    assert user_message(error, "zh") == "审计链在 41 处断开（其前 1,234 行完好）"
