"""Batch reports in 中文 (--lang zh, or LANG): labels, flags and trace from their templates in
every format; English stays the default, byte for byte; applied results render in 中文 later."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from cstui.store import Store
from test_batch import build_company, run

ARGS = ("--scheme", "five-tier", "--period", "2026-06", "--explain")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "company.db"
    build_company(path)
    with Store.open(path) as store:
        store.add_team("T1", "T1", "热线一组")
    return path


def records(db, *args) -> list[dict]:
    result = run(db, *ARGS, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_english_is_the_default_and_unchanged_by_lang_en(db, monkeypatch):
    plain = run(db, *ARGS, "--format", "csv").stdout
    assert run(db, "--lang", "en", *ARGS, "--format", "csv").stdout == plain
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run(db, *ARGS, "--format", "csv").stdout == plain
    assert "score = " in plain and "junior" in plain


def test_lang_zh_renders_labels_flags_and_trace(db):
    english = records(db)
    chinese = json.loads(run(db, "--lang", "zh", *ARGS, "--format", "json").stdout)
    assert [r["employee_id"] for r in chinese] == [r["employee_id"] for r in english]
    first = next(r for r in chinese if r["team"] == "热线一组")
    assert first["level_before"] == "初级"
    assert any(line.startswith("得分 = ") for r in chinese for line in r["trace"])
    assert {r["decision"] for r in chinese} <= {
        "晋升",
        "降级",
        "保持",
        "试用",
        "符合条件",
        "缺数据",
        "辞退审查",
        "无评审",
    }
    assert all(r["score"] == e["score"] for r, e in zip(chinese, english))  # numbers stay numbers


def test_lang_follows_LANG_like_the_tui(db, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    rows = list(csv.DictReader(io.StringIO(run(db, *ARGS, "--format", "csv").stdout)))
    assert "得分 = " in rows[0]["trace"] and rows[0]["team"] in ("热线一组", "T2")


def test_xlsx_in_zh(db, tmp_path):
    out = tmp_path / "r.xlsx"
    assert run(db, "--lang", "zh", *ARGS, "--format", "xlsx", "--output", str(out)).exit_code == 0
    sheet = load_workbook(out).active
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert "热线一组" in cells and any(isinstance(c, str) and "得分 = " in c for c in cells)


def test_applied_results_keep_templates_and_render_in_zh_later(db):
    assert run(db, *ARGS, "--apply", "--format", "csv").exit_code == 0
    with Store.open(db) as store:
        stored = store.results("2026-06")
        store.close_period("2026-06")
    assert any(hasattr(line, "key") for row in stored for line in row["trace"])
    # the closed period reads back from the results table, in either language
    english, chinese = records(db), json.loads(run(db, "--lang", "zh", *ARGS, "--format", "json").stdout)
    assert any(line.startswith("score = ") for r in english for line in r["trace"])
    assert any(line.startswith("得分 = ") for r in chinese for line in r["trace"])


def test_an_old_plain_stored_trace_renders_as_it_is(db):
    assert run(db, *ARGS, "--apply", "--format", "csv").exit_code == 0
    with Store.open(db) as store:
        with store.write():
            store.conn.execute("UPDATE results SET trace = '[\"an old line\"]', flags = '[\"old flag\"]'")
        store.close_period("2026-06")
    chinese = json.loads(run(db, "--lang", "zh", *ARGS, "--format", "json").stdout)
    assert chinese and all(r["trace"] == ["an old line"] and r["flags"] == ["old flag"] for r in chinese)


def test_an_apply_into_a_closed_period_is_refused_in_chinese_and_english_is_unchanged(db):
    with Store.open(db) as store:
        store.close_period("2026-06")
    english, chinese = run(db, *ARGS, "--apply"), run(db, "--lang", "zh", *ARGS, "--apply")
    assert english.exit_code == chinese.exit_code == 4
    assert english.stderr == (
        "cstui: period 2026-06 is closed: its results cannot be recorded; a manager can reopen it with a reason\n"
    )
    assert chinese.stderr == "cstui: 周期 2026-06 已关闭：不能记录其结果；经理可填写原因重新打开\n"


def test_a_closed_periods_notice_reads_in_chinese(db):
    assert run(db, *ARGS, "--apply", "--format", "csv").exit_code == 0
    with Store.open(db) as store:
        store.close_period("2026-06")
    english, chinese = run(db, *ARGS, "--format", "csv"), run(db, "--lang", "zh", *ARGS, "--format", "csv")
    assert english.stderr.startswith("cstui: 2026-06 is closed: reporting the ")
    assert chinese.stderr.startswith("cstui: 2026-06 已关闭：报告在方案 five-tier 版本 ") and "条结果" in chinese.stderr
