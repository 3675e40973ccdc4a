"""Plugins cannot take cstui down: whatever a real, entry-point-discovered plugin raises (sys.exit
included) at import, in a hook or in a model method is reported by its name, and the rest works."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee, Period
from cstui.plugins import PluginFailure, build_registry, get_registry, reset_registry
from cstui.schemes import SchemeCatalog, load_scheme
from cstui.store import Store
from test_plugins import fake_distribution

REPO = Path(__file__).resolve().parent.parent

EXITS_AT_IMPORT = """
    import sys
    sys.exit(7)
"""
RAISES_AT_IMPORT = """
    raise RuntimeError("no licence server")
"""
EXITS_IN_HOOK = """
    import sys
    from cstui import hookimpl

    @hookimpl
    def register_models(register):
        sys.exit(5)
"""
# A model subclassing the built-in star-levels, with one method broken per scheme.
BROKEN_MODELS = """
    from pathlib import Path
    from cstui import hookimpl
    from cstui_plugins.star_levels.model import StarLevels


    class CheckRaises(StarLevels):
        name = "check-raises"

        def check(self, params, problems):
            raise KeyError("levels")


    class MetricsRaises(StarLevels):
        name = "metrics-raises"

        def metrics(self, scheme):
            raise SystemExit(9)


    class GradeRaises(StarLevels):
        name = "grade-raises"

        def grade(self, scheme, history, period, explain=True):
            return 1 / 0

        def grade_and_checkpoint(self, scheme, history, period, explain=True):
            return 1 / 0


    @hookimpl
    def register_models(register):
        for model in (CheckRaises(), MetricsRaises(), GradeRaises()):
            register(model)


    @hookimpl
    def register_schemes(register):
        for name in ("check-raises", "metrics-raises", "grade-raises", "unreadable"):
            register(Path(__file__).with_name(f"{name}.toml"))
"""
SCHEME_OF = 'name = "{name}"\nextends = "star-levels"\nmodel = "{name}"\nversion = "1"\n'


@pytest.fixture
def site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    fake_distribution(
        site,
        "cstui_guard_fakes",
        {
            "exits": "cstui_guard_exits",
            "raises": "cstui_guard_raises",
            "hook-exits": "cstui_guard_hook_exits",
            "models": "cstui_guard_models",
        },
        {
            "cstui_guard_exits": EXITS_AT_IMPORT,
            "cstui_guard_raises": RAISES_AT_IMPORT,
            "cstui_guard_hook_exits": EXITS_IN_HOOK,
            "cstui_guard_models": BROKEN_MODELS,
        },
    )
    for name in ("check-raises", "metrics-raises", "grade-raises"):
        (site / f"{name}.toml").write_text(SCHEME_OF.format(name=name), encoding="utf-8")
    (site / "unreadable.toml").write_bytes(b'name = "unreadable"\nlabel = "\xff\xfe"\n')
    monkeypatch.syspath_prepend(str(site))
    reset_registry()
    return site


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_every_failure_is_a_load_error_of_its_plugin(site):
    registry = build_registry()
    errors = {e.plugin: e.message for e in registry.errors}
    assert errors["exits"] == "failed to load: called sys.exit(7)"
    assert errors["raises"] == "failed to load: RuntimeError: no licence server"
    assert errors["hook-exits"] == "register_models raised called sys.exit(5)"
    assert {"check-raises", "metrics-raises", "grade-raises", "star-levels"} <= set(registry.models)


def test_plugins_lists_import_hook_model_and_scheme_file_errors(site):
    result = run("plugins")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[2:]}
    assert "called sys.exit(7)" in rows["exits"]
    assert "RuntimeError: no licence server" in rows["raises"]
    assert "register_models raised called sys.exit(5)" in rows["hook-exits"]
    # the plugin's scheme file is not UTF-8, and its model's check() raised: both are the plugin's errors
    assert "unreadable.toml: " in rows["models"]  # the table shows the first
    registry_errors = [e.message for e in get_registry().errors if e.plugin == "models"]
    assert any("unreadable.toml: " in m and "not UTF-8" in m for m in registry_errors)
    assert any("model check-raises: check() raised KeyError: 'levels'" in m for m in registry_errors)


def test_schemes_check_lists_the_rest_names_the_failures_and_exits_3(site):
    result = run("schemes", "--check")
    assert result.exit_code == 3
    listed = {line.split()[0] for line in result.stdout.splitlines()[2:]}
    assert {"star-levels", "assistant-class", "five-tier", "ecommerce-kpi", "metrics-raises", "grade-raises"} <= listed
    assert "check-raises" not in listed and "unreadable" not in listed
    assert "plugin models: model check-raises: check() raised KeyError: 'levels'" in result.stderr
    assert "unreadable.toml: not UTF-8 text (byte 0xff" in result.stderr
    for plugin in ("exits", "raises", "hook-exits", "models"):
        assert f"plugin {plugin} has load errors" in result.stderr
    assert "Traceback" not in result.stderr


def test_schemes_without_check_runs_no_model_code_and_still_exits_3_for_an_unreadable_file(site):
    result = run("schemes")
    assert result.exit_code == 3
    listed = {line.split()[0] for line in result.stdout.splitlines()[2:]}
    # check-raises is listed: its model's check() is not run to list it (`--check` runs it)
    assert {"star-levels", "ecommerce-kpi", "check-raises", "metrics-raises", "grade-raises"} <= listed
    assert "unreadable" not in listed
    assert "unreadable.toml: not UTF-8 text (byte 0xff" in result.stderr
    assert "check() raised" not in result.stderr
    for plugin in ("exits", "raises", "hook-exits", "models"):
        assert f"plugin {plugin} has load errors" in result.stderr
    assert not get_registry().models.is_loaded("star-levels")  # listing imported no built-in model
    assert "Traceback" not in result.stderr


def test_a_model_method_raising_is_one_line_naming_the_plugin(site):
    result = run("scheme", "show", "metrics-raises")  # describing a scheme lists its metrics
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "cstui: plugin models: model metrics-raises: metrics() raised called sys.exit(9) (run with --debug for the traceback)"
    )
    check = run("scheme", "check", "check-raises")
    assert check.exit_code == 1 and "plugin models: model check-raises: check() raised KeyError" in check.stderr
    assert run("scheme", "show", "star-levels").exit_code == 0  # the rest of cstui works


def _company(path: Path) -> None:
    roster = [
        Employee(f"E{i}{s[0]}", f"Agent {i}", "T1", "agent", date(2024, 1, 1), scheme=s, level="2-star")
        for i in range(3)
        for s in ("star-levels", "grade-raises")
    ]
    with Store.open(path, create=True) as store:
        store.import_roster(roster)
        cards = {"sales_target": "100000", "sales_actual": "120000"}
        store.save_scorecards((e.id, Period.parse("2026-10"), cards) for e in roster)


def test_grading_under_a_failing_model_exits_1_and_other_schemes_grade(site, tmp_path):
    db = tmp_path / "company.db"
    _company(db)
    for apply in ([], ["--apply"]):
        result = run("--db", str(db), "--scheme", "grade-raises", "--period", "2026-10", "--format", "csv", *apply)
        assert result.exit_code == 1, result.output
        assert "plugin models: model grade-raises: " in result.stderr and "ZeroDivisionError" in result.stderr
        assert "Traceback" not in result.stderr
    with Store.open(db) as store:
        assert store.results(Period.parse("2026-10")) == []  # the failed --apply recorded nothing
    good = run("--db", str(db), "--scheme", "star-levels", "--period", "2026-10", "--format", "csv", "--apply")
    assert good.exit_code == 0, good.stderr
    assert good.stdout.count("\n") == 4  # a header and the three star-levels agents


def test_debug_shows_the_plugins_own_traceback(site, tmp_path):
    db = tmp_path / "company.db"
    _company(db)
    result = CliRunner().invoke(cli, ["--debug", "--db", str(db), "--scheme", "grade-raises", "--period", "2026-10"])
    assert isinstance(result.exception, PluginFailure)
    assert isinstance(result.exception.__cause__, ZeroDivisionError)


def test_guarded_models_keep_their_type_signature_and_pickle(site):
    scheme = load_scheme("grade-raises")
    model = scheme.model
    assert type(model).__name__ == "GradeRaises"
    from cstui.plugins import MODEL_METHODS, GuardedMethod

    assert all(isinstance(getattr(model, name), GuardedMethod) for name in MODEL_METHODS)
    from cstui.grading import takes_explain

    assert takes_explain(model)
    again = pickle.loads(pickle.dumps(scheme))  # worker processes receive schemes and failures pickled
    assert again.model.name == "grade-raises"
    with pytest.raises(PluginFailure, match="model grade-raises: grade"):
        again.model.grade(again, None, Period.parse("2026-10"))
    failure = pickle.loads(pickle.dumps(PluginFailure("models", "boom")))
    assert str(failure) == "plugin models: boom"


def test_project_errors_pass_through_the_guard(site, tmp_path):
    """A model's own refusals (a bad card, a bad scheme) keep their type and exit code."""
    from cstui.domain import Scorecard
    from cstui.engine.replay import CardValueError

    scheme = load_scheme("star-levels")
    employee = Employee("E1", "A", "T1", "agent", date(2024, 1, 1), scheme="star-levels", level="2-star")
    card = Scorecard("E1", Period.parse("2026-10"), {"sales_target": "0", "sales_actual": "5"}, [])
    with pytest.raises(CardValueError):
        scheme.model.score_month(scheme, employee, card)


def test_ctrl_c_still_interrupts(site, monkeypatch):
    scheme = load_scheme("star-levels")

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(scheme.model), "metrics", interrupted)
    with pytest.raises(KeyboardInterrupt):
        scheme.model.metrics(scheme)


def test_a_plugin_calling_sys_exit_at_import_does_not_end_the_process(site):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    out = subprocess.run(
        [sys.executable, "-m", "cstui", "scheme", "check", str(REPO / "schemes" / "star-levels.toml")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "ok (star-levels 1" in out.stdout


def test_catalog_of_a_registry_reports_a_duplicate_scheme_name(site, tmp_path):
    registry = build_registry()
    from cstui.plugins import SchemeSource

    twin = tmp_path / "twin.toml"
    twin.write_text('name = "star-levels"\nmodel = "star-levels"\nversion = "9"\n', encoding="utf-8")
    registry.scheme_sources.append(SchemeSource(twin, "twin-plugin"))
    catalog = SchemeCatalog(registry)
    assert any("scheme 'star-levels' is already registered by plugin star-levels" in line for line in catalog.errors)
    assert any(e.plugin == "twin-plugin" for e in registry.errors)
    assert catalog.get("star-levels").version == "1"


def test_which_errors_a_guard_lets_through():
    from cstui.domain import ValueProblem
    from cstui.plugins import is_project_error
    from cstui.schemes import SchemeError
    from cstui_plugins.assistant_class.checkpoint import CheckpointError

    assert is_project_error(ValueProblem("x")) and is_project_error(SchemeError(["x"]))
    assert is_project_error(CheckpointError("x"))  # a built-in plugin's declared refusal
    assert (
        not is_project_error(ValueError("x"))
        and not is_project_error(SystemExit(3))
        and not is_project_error(KeyError("k"))
    )


# A package built without package data (issue 13): its module registers a TOML that was not installed.
TOML_NOT_INSTALLED = """
    from pathlib import Path
    from cstui import hookimpl

    @hookimpl
    def register_schemes(register):
        register(Path(__file__).with_name("myco-stars.toml"))
"""


def test_a_scheme_file_that_was_not_installed_is_a_load_error_and_schemes_exits_3(tmp_path, monkeypatch):
    site = tmp_path / "site"
    fake_distribution(site, "cstui_myco", {"myco": "cstui_myco_nodata"}, {"cstui_myco_nodata": TOML_NOT_INSTALLED})
    monkeypatch.syspath_prepend(str(site))
    reset_registry()
    missing = str(site / "myco-stars.toml")
    plugins = run("plugins", "--json")
    (row,) = [p for p in json.loads(plugins.stdout) if p["name"] == "myco"]
    assert row["error"] == f"scheme file {missing}: cannot read: No such file or directory"  # named once
    reset_registry()
    listed = run("schemes")
    assert listed.exit_code == 3
    assert f"{missing}: cannot read" in listed.stderr and "plugin myco has load errors" in listed.stderr
    assert "star-levels" in listed.stdout  # the rest are still listed
