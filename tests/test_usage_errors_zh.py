"""The usage errors cstui raises itself (click.UsageError / BadParameter) say their message in
the CLI's language (--lang zh, or LANG): English exactly as before; click's own frame ("Usage:",
"Error:") is click's."""

from __future__ import annotations

from click.testing import CliRunner

from cstui.cli import cli
from cstui.scaffold import name_problem


def error_line(*args: str, env: dict | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 2, result.output
    return result.output.splitlines()[-1]


def test_batch_needs_both_options():
    assert error_line("--scheme", "star-levels") == "Error: batch mode needs both --scheme and --period"
    assert error_line("--lang", "zh", "--scheme", "star-levels") == "Error: 批处理模式需要同时给出 --scheme 和 --period"
    said = error_line("--period", "2026-10", env={"LANG": "zh_CN.UTF-8"})
    assert said == "Error: 批处理模式需要同时给出 --scheme 和 --period"


def test_batch_options_before_a_command():
    one = ("--period", "2026-10", "schemes")
    assert error_line(*one) == "Error: --period is for batch mode or the TUI, not for `cstui schemes`; leave it out"
    assert (
        error_line("--lang", "zh", *one) == "Error: --period 只用于批处理模式或终端界面，不用于 `cstui schemes`；请去掉"
    )
    two = ("--scheme", "star-levels", "--period", "2026-10", "schemes")
    said = error_line(*two)
    assert said == "Error: --scheme, --period are for batch mode or the TUI, not for `cstui schemes`; leave them out"


def test_a_dispute_answer_says_accept_or_reject(tmp_path):
    db = ("--db", str(tmp_path / "c.db"))
    assert error_line(*db, "dispute", "answer", "3", "--reason", "x") == "Error: say --accept or --reject"
    assert (
        error_line(*db, "--lang", "zh", "dispute", "answer", "3", "--reason", "x")
        == "Error: 请指定 --accept 或 --reject"
    )


def test_web_session_outside_cstui_web(monkeypatch):
    monkeypatch.delenv("CSTUI_WEB_SESSION", raising=False)
    english = "Error: web-session is started by `cstui web` for a browser; run `cstui web-token` instead"
    assert error_line("web-session") == english
    assert (
        error_line("--lang", "zh", "web-session")
        == "Error: web-session 由 `cstui web` 为浏览器启动；请改用 `cstui web-token`"
    )


def test_a_bad_plugin_name(tmp_path):
    args = ("plugin", "new", "Bad_Name", "--dir", str(tmp_path))
    english = (
        "expected lowercase letters, digits and single hyphens, starting with a letter (e.g. acme), got 'Bad_Name'"
    )
    assert name_problem("Bad_Name") == english and name_problem("acme") is None
    assert error_line(*args) == f"Error: Invalid value for NAME: {english}"
    zh = "应为小写字母、数字和单个连字符，以字母开头（例如 acme），实际为 'Bad_Name'"
    assert error_line("--lang", "zh", *args) == f"Error: Invalid value for NAME: {zh}"
    assert not any(tmp_path.iterdir())
