"""CLI conventions of cstui's family (click, sqlite-utils, llm): plugin report formats on --format,
--json on listings, help everywhere, batch options that cannot be silently ignored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.plugins import reset_registry
from test_batch import build_company
from test_plugins import fake_distribution

REPO = Path(__file__).resolve().parent.parent

# A real entry-point plugin: its exporter gets the records (the JSON shape) and a binary stream.
SHOUTING_EXPORTER = """
    import json
    from cstui import hookimpl

    def shout(records, stream):
        for record in records:
            shouted = {key.upper(): value for key, value in record.items()}
            stream.write((json.dumps(shouted, ensure_ascii=False) + "\\n").encode("utf-8"))

    @hookimpl
    def register_exporters(register):
        register("shout", shout)
"""


@pytest.fixture
def shout_plugin(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    fake_distribution(
        site, "cstui_shout", {"shout": "cstui_shout_exporter"}, {"cstui_shout_exporter": SHOUTING_EXPORTER}
    )
    monkeypatch.syspath_prepend(str(site))
    reset_registry()
    return site


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "company.db"
    build_company(path, employees_per_team=2)
    return path


def run(*args: str, **kwargs):
    return CliRunner().invoke(cli, list(args), **kwargs)


def _shouted(output: bytes) -> list[dict]:
    return [json.loads(line) for line in output.decode("utf-8").splitlines()]


def test_batch_format_accepts_a_plugins_exporter(shout_plugin, db):
    result = run("--db", str(db), "--scheme", "star-levels", "--period", "2026-06", "--team", "T1", "--format", "shout")
    assert result.exit_code == 0, result.output
    records = _shouted(result.stdout_bytes)
    assert [r["EMPLOYEE_ID"] for r in records] == ["T1-00", "T1-01"]
    assert isinstance(records[0]["SCORE"], (int, float))  # the JSON shape: numbers stay numbers
    assert records[0]["PERIOD"] == "2026-06"


def test_a_plugin_format_writes_its_bytes_to_output_file(shout_plugin, db, tmp_path):
    out = tmp_path / "report.shout"
    result = run(
        "--db", str(db), "--scheme", "star-levels", "--period", "2026-06", "--format", "shout", "--output", str(out)
    )
    assert result.exit_code == 0, result.output
    records = _shouted(out.read_bytes())
    assert sorted(r["EMPLOYEE_ID"] for r in records) == ["T1-00", "T1-01", "T2-00", "T2-01"]


def test_an_unknown_format_is_a_usage_error_listing_plugin_formats(shout_plugin, db):
    result = run("--db", str(db), "--scheme", "star-levels", "--period", "2026-06", "--format", "whisper")
    assert result.exit_code == 2
    assert "'whisper' is not a report format" in result.output
    assert "shout" in result.output and "xlsx" in result.output


def test_without_the_plugin_its_format_is_refused(db):
    result = run("--db", str(db), "--scheme", "star-levels", "--period", "2026-06", "--format", "shout")
    assert result.exit_code == 2
    assert "'shout' is not a report format" in result.output


def test_the_batch_path_with_a_format_does_not_import_textual(shout_plugin, db):
    code = (
        "import sys\nfrom cstui.cli import main\n"
        f"sys.argv = ['cstui', '--db', {str(db)!r}, '--scheme', 'star-levels', '--period', '2026-06', '--format', 'shout']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('textual' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(shout_plugin)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert _shouted(done.stdout.encode())[0]["PERIOD"] == "2026-06"
    assert done.stderr.split()[-1] == "False"


# ------------------------------------------------------------------ --json on listings


def _json_of(*args: str) -> list[dict]:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_schemes_json_lists_every_builtin_scheme_with_stable_keys():
    schemes = _json_of("schemes", "--json")
    assert {s["name"] for s in schemes} >= {"star-levels", "assistant-class", "five-tier", "ecommerce-kpi"}
    assert all(list(s) == ["name", "model", "version", "plugin", "toml"] for s in schemes)


def test_plugins_json_names_a_plugins_hooks_as_a_list(shout_plugin):
    plugins = {p["name"]: p for p in _json_of("plugins", "--json")}
    assert plugins["shout"] == {
        "name": "shout",
        "version": "1.0",
        "source": "installed",
        "hooks": ["register_exporters"],
        "error": None,
    }
    assert all(list(p) == ["name", "version", "source", "hooks", "error"] for p in plugins.values())


def test_period_list_json_shows_open_and_closed_periods(db):
    assert run("--db", str(db), "period", "close", "2026-05").exit_code == 0
    periods = _json_of("--db", str(db), "period", "list", "--json")
    closed = [p for p in periods if p["period"] == "2026-05"]
    assert len(closed) == 1 and closed[0]["status"] == "closed" and closed[0]["closed_by"]
    assert all(list(p) == ["period", "status", "closed_by", "closed_at"] for p in periods)


def test_period_list_json_of_a_database_without_periods_is_an_empty_array(db):
    assert _json_of("--db", str(db), "period", "list", "--json") == []


def test_user_list_json_gives_teams_as_a_list(db):
    assert (
        run("--db", str(db), "user", "add", "ming", "--role", "supervisor", "--team", "T1", "--team", "T2").exit_code
        == 0
    )
    users = {u["login"]: u for u in _json_of("--db", str(db), "user", "list", "--json")}
    assert users["ming"] == {"login": "ming", "role": "supervisor", "teams": ["T1", "T2"]}


# ------------------------------------------------------------------ help on everything


def _commands(command: click.Command, path: tuple[str, ...] = ("cstui",)):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help(path, command):
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"


OPTIONS = [
    (path, param)
    for path, command in COMMANDS
    for param in command.params
    if isinstance(param, click.Option) and param.name not in ("help", "version")
]


@pytest.mark.parametrize("path, option", OPTIONS, ids=[f"{' '.join(p)} {o.opts[0]}" for p, o in OPTIONS])
def test_every_option_has_help(path, option):
    assert (option.help or "").strip(), f"{' '.join(path)} {option.opts[0]} has no help text"


def test_every_command_renders_its_help():
    for path, _ in COMMANDS:
        result = run(*path[1:], "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, (path, result.output)


# ------------------------------------------------------------------ options that would be ignored


@pytest.mark.parametrize(
    "options",
    [
        ["--scheme", "star-levels"],
        ["--period", "2026-06"],
        ["--format", "json"],
        ["--explain"],
        ["--team", "T1"],
        ["--demo"],
        ["--jobs", "2"],
    ],
)
def test_batch_options_before_a_command_are_a_usage_error_naming_them(db, options):
    result = run("--db", str(db), *options, "period", "list")
    assert result.exit_code == 2, result.output
    assert f"{options[0]} is for batch mode or the TUI, not for `cstui period`" in result.output


def test_several_ignored_options_are_all_named(db):
    result = run("--db", str(db), "--scheme", "star-levels", "--period", "2026-06", "user", "list")
    assert result.exit_code == 2
    assert "--scheme, --period are for batch mode" in result.output


def test_a_batch_option_after_the_command_is_an_unknown_option(db):
    result = run("--db", str(db), "period", "list", "--scheme", "x")
    assert result.exit_code == 2
    assert "No such option '--scheme'" in result.output


def test_options_every_command_uses_still_go_before_it(db):
    result = run("--db", str(db), "--lang", "zh", "period", "list")
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ shell completion (README)


def _complete(words: str) -> list[str]:
    env = {
        **os.environ,
        "_CSTUI_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    done = subprocess.run([sys.executable, "-m", "cstui"], capture_output=True, text=True, env=env, timeout=60)
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_the_readmes_completion_script_is_what_click_prints():
    env = {**os.environ, "_CSTUI_COMPLETE": "bash_source"}
    done = subprocess.run([sys.executable, "-m", "cstui"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and "_cstui_completion()" in done.stdout
    assert "_CSTUI_COMPLETE=bash_source cstui" in (REPO / "README.md").read_text(encoding="utf-8")


def test_completion_offers_commands_and_builtin_formats():
    assert "period" in _complete("cstui per")
    assert _complete("cstui --format x") == ["xlsx"]


# ------------------------------------------------------------------ `-` reads standard input, for every import

STDIN_FILES = {
    "roster": ([], "employee_id,name,team,role,hire_date\nN-1,新人,T1,agent,2026-06-01\n", "1 employee"),
    "scorecards": (
        ["--period", "2026-06", "--scheme", "star-levels"],
        "employee_id,sales_target,sales_actual\nT1-00,100000,123000\n",
        "1 scorecard",
    ),
    "incidents": ([], "employee_id,date,code,count,points,note\nT1-10,2026-06-20,cover-shift,1,,\n", "1 incident"),
}
IMPORTS = sorted(cli.commands["import"].commands)


def _xlsx(text: str) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    for line in text.splitlines():
        book.active.append(line.split(","))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("as_xlsx", [False, True], ids=["csv", "xlsx"])
@pytest.mark.parametrize("what", IMPORTS)
def test_every_import_reads_a_dash_from_standard_input(db, what, as_xlsx):
    assert what in STDIN_FILES, f"cstui import {what}: add it here, with a file it takes from standard input"
    options, text, imported = STDIN_FILES[what]
    stdin = _xlsx(text) if as_xlsx else text.encode("utf-8")
    result = run("--db", str(db), "import", what, "-", *options, input=stdin)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"stdin.{'xlsx' if as_xlsx else 'csv'}: {imported}"), result.stdout


def test_a_bad_cell_from_standard_input_is_named_by_stdin_not_a_spool_path(db):
    result = run(
        "--db",
        str(db),
        "import",
        "roster",
        "-",
        input="employee_id,name,team,role,hire_date\nX,x,T1,agent,2026-13-01\n",
    )
    assert result.exit_code == 3
    assert "stdin.csv:2:" in result.output and "cstui-stdin-" not in result.output
