"""What each start-up path imports, listed from ``sys.modules`` of a real ``cstui`` process.

`--help` and `--version` import click and the command line only; `cstui schemes` adds the
plugin machinery, each plugin's registration module and the scheme files' heads, but no model
code, no engine and no full TOML parser; the batch path imports the one model it grades with.
None of them imports the TUI (textual), openpyxl or pypinyin. Speed itself is measured in
benchmarks/bench_startup.py, never asserted here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from cstui.domain import Period

# Runs the real entry point (cstui.cli:main) with its output discarded, then prints the modules.
LIST_MODULES = """
import contextlib, io, sys
from cstui.cli import main
sys.argv = ["cstui", *sys.argv[1:]]
try:
    with contextlib.redirect_stdout(io.StringIO()):
        main()
except SystemExit as stop:
    code = stop.code
else:
    code = 0
print(code, *sorted(sys.modules))
"""
NEVER = ("textual", "openpyxl", "pypinyin")
HEAVY = ("cstui.store", "sqlite3", "decimal", "cstui.engine", "cstui.domain", "tomllib", "importlib.metadata")
BUILTIN_MODELS = (
    "star_levels",
    "assistant_class",
    "five_tier",
    "kpi_card",
    "placement",
    "probation_test",
    "five_tier_g",
    "rank_streak",
)


def imported_by(*args: str, env: dict | None = None) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", LIST_MODULES, *args], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    code, *modules = done.stdout.split()
    return int(code), set(modules)


def present(modules: set[str], *prefixes: str) -> list[str]:
    """The modules that are one of ``prefixes`` or inside one of them."""
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from cstui.demo import build_demo

    db = tmp_path_factory.mktemp("hygiene") / "demo.db"
    build_demo(db, months=2, end=Period.parse("2026-06"))
    return db


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("schemes", "--help")])
def test_help_and_version_import_the_command_line_only(args):
    code, modules = imported_by(*args)
    assert code == 0
    assert present(modules, *NEVER) == []
    assert present(modules, *HEAVY) == []
    command_line = {"cstui", "cstui.errors"} | {m for m in modules if m.startswith("cstui.cli")}
    assert set(present(modules, "cstui")) == command_line  # the command modules register their commands
    assert "cstui.cli_calibration_report" not in modules
    assert present(modules, "pluggy", "cstui_plugins", "tempfile") == []


@pytest.mark.parametrize("args", [("schemes",), ("schemes", "--json")])
def test_schemes_lists_without_model_code_engine_store_or_toml_parser(args):
    code, modules = imported_by(*args)
    assert code == 0
    assert present(modules, *NEVER) == []
    # the loader's error types live in the engine's small protocol module (the engine must not
    # import the loader): that module, and the package it sits in, are all of the engine it loads
    assert set(present(modules, *HEAVY)) <= {"cstui.engine", "cstui.engine.protocol"}
    # every built-in plugin is discovered and registers, but its model module is not imported
    for plugin in BUILTIN_MODELS:
        assert f"cstui_plugins.{plugin}" in modules
        assert present(modules, f"cstui_plugins.{plugin}.model") == []
    assert "pluggy" in modules
    # its records are plain classes: defining dataclasses (and importing the module) cost start-up
    assert present(modules, "dataclasses") == []
    # nor what it used for one small thing each: deepcopy of the scheme heads (schemes._copied),
    # display widths of ASCII cells (io.text), a BOM (schemes.read_text), the heads' patterns
    assert present(modules, "copy", "unicodedata", "encodings.utf_8_sig") == []


def test_schemes_check_imports_every_model_and_still_no_store():
    code, modules = imported_by("schemes", "--check")
    assert code == 0
    assert all(f"cstui_plugins.{plugin}.model" in modules for plugin in BUILTIN_MODELS)
    assert present(modules, *NEVER, "cstui.store", "sqlite3") == []


def test_the_batch_path_imports_the_one_model_it_grades_with(demo_db):
    code, modules = imported_by(
        "--db", str(demo_db), "--scheme", "star-levels", "--period", "2026-06", "--format", "csv"
    )
    assert code == 0
    assert present(modules, *NEVER) == []
    assert "cstui_plugins.star_levels.model" in modules and "cstui.store" in modules
    other_models = [f"cstui_plugins.{plugin}.model" for plugin in BUILTIN_MODELS if plugin != "star_levels"]
    assert present(modules, *other_models) == []
    # what only an --apply's spool (tempfile), worker processes (multiprocessing), a web token
    # (secrets) or a run without --db (platformdirs, with tempfile and shutil) uses
    unused = ("platformdirs", "tempfile", "shutil", "multiprocessing", "secrets")
    assert present(modules, *unused) == []
    assert present(modules, *ONLY_SOME_RUNS) == []


# What a dry run of a built-in scheme never needs (issue 14, the batch path's start-up): OpenSSL's
# hashlib (an audit row's hash; the scheme's fingerprint takes the built-in sha256), a worker's
# signal handling, did-you-mean suggestions (difflib) for a mistyped key, calendar (and locale)
# for a month's length, grade quotas for a scheme that sets none, and the store's records no dry
# run makes (the audit trail's filter and broken link, snapshots, rated cards, web sessions).
ONLY_SOME_RUNS = (
    "hashlib",
    "_hashlib",
    "signal",
    "difflib",
    "calendar",
    "cstui.engine.distribution",
    "cstui.store.records",
)


@pytest.fixture(scope="module")
def applied_db(demo_db, tmp_path_factory):
    """The demo company with 2026-05 applied for every built-in scheme: 2026-06 resumes from checkpoints."""
    import shutil

    db = tmp_path_factory.mktemp("hygiene-applied") / "applied.db"
    shutil.copyfile(demo_db, db)
    for scheme in ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi"):
        args = ["--db", str(db), "--scheme", scheme, "--period", "2026-05", "--apply", "--format", "csv"]
        assert imported_by(*args)[0] == 0
    return db


@pytest.mark.parametrize("scheme", ["star-levels", "assistant-class", "five-tier", "ecommerce-kpi"])
def test_a_resumed_month_imports_only_what_it_uses(applied_db, scheme):
    code, modules = imported_by(
        "--db", str(applied_db), "--scheme", scheme, "--period", "2026-06", "--format", "csv", "--jobs", "1"
    )
    assert code == 0
    assert present(modules, *NEVER, *ONLY_SOME_RUNS, "numpy", "multiprocessing", "tempfile") == []
