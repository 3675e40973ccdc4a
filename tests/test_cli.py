"""The command line: version, help, listings, error lines and exit codes."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from cstui import __version__
from cstui.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_lists_every_command():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("demo", "import", "plugins", "schemes", "scheme", "period", "user"):
        assert command in result.output


def test_importing_cli_does_not_import_textual():
    code = "import sys, cstui.cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_batch_needs_both_scheme_and_period():
    result = run("--scheme", "star-levels")
    assert result.exit_code == 2
    assert "--period" in result.output


def test_bad_period_is_one_line_and_exit_3(tmp_path):
    result = run("--db", str(tmp_path / "x.db"), "--scheme", "star-levels", "--period", "2026-13")
    assert result.exit_code == 3
    assert "YYYY-MM" in result.output
    assert "Traceback" not in result.output


def test_unknown_scheme_names_the_installed_ones():
    result = run("scheme", "show", "no-such-scheme")
    assert result.exit_code == 3
    assert "star-levels" in result.output


def test_employee_show_prints_the_level_now_the_tui_shows(tmp_path, monkeypatch):
    from cstui.demo import build_demo
    from cstui.domain import Period

    monkeypatch.setenv("CSTUI_TODAY", "2026-11-15")
    db = tmp_path / "demo.db"
    build_demo(db, end=Period.parse("2026-10"))
    shown = run("--db", str(db), "employee", "show", "E0001")
    assert shown.exit_code == 0, shown.output
    assert "starting level       2-star" in shown.output and "level now (2026-10)  5-star" in shown.output
    assert (
        "level now (2026-06)  1-star" in run("--db", str(db), "employee", "show", "E0007", "--period", "2026-06").output
    )
    missing = run("--db", str(db), "employee", "show", "E9999")
    assert missing.exit_code == 3 and "no employee 'E9999'" in missing.output


def test_batch_never_imports_pypinyin(tmp_path, monkeypatch):
    from cstui.demo import build_demo
    from cstui.domain import Period

    db = tmp_path / "demo.db"
    build_demo(db, end=Period.parse("2026-10"))
    code = (
        "import sys, contextlib, io\nfrom cstui.cli import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    cli(['--db', {str(db)!r}, '--scheme', 'star-levels', '--period', '2026-10', '--format', 'csv'], standalone_mode=False)\n"
        "print('pypinyin' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
