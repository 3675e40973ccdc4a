"""Lazy registration through real entry points: a model registered as ``"module:Class"`` is imported
when a scheme of it is first used; what goes wrong then, or with a scheme file, is a load error of
the plugin, shown by ``cstui plugins`` and making ``cstui schemes`` exit 3."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.plugins import GuardedMethod, PluginFailure, build_registry, get_registry, reset_registry
from cstui.schemes import load_scheme
from test_plugins import fake_distribution

MODELS = """
    from cstui_plugins.star_levels.model import StarLevels


    class LazyStars(StarLevels):
        name = "lazy-stars"


    class Misnamed(StarLevels):
        name = "star-levels-copy"
"""
REGISTERS = """
    from pathlib import Path
    from cstui import hookimpl


    @hookimpl
    def register_models(register):
        register("cstui_lazy_models:LazyStars", name="lazy-stars")
        register("cstui_lazy_missing.model:Gone", name="gone")
        register("cstui_lazy_models:Misnamed", name="misnamed")


    @hookimpl
    def register_schemes(register):
        for name in ("lazy-stars", "gone", "misnamed"):
            register(Path(__file__).with_name(name + ".toml"))
"""
NAMELESS = """
    from cstui import hookimpl


    @hookimpl
    def register_models(register):
        register("cstui_lazy_models:LazyStars")
"""
SCHEME_FILES = """
    from pathlib import Path
    from cstui import hookimpl


    @hookimpl
    def register_schemes(register):
        here = Path(__file__).parent
        for name in ("not-installed", "bad-head", "bad-body"):
            register(here / f"{name}.toml")
"""
SCHEME_OF = 'name = "{name}"\nextends = "star-levels"\nmodel = "{model}"\nversion = "1"\n'


@pytest.fixture
def site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    fake_distribution(
        site,
        "cstui_lazy_fakes",
        {"lazy": "cstui_lazy_plugin", "nameless": "cstui_lazy_nameless"},
        {"cstui_lazy_plugin": REGISTERS, "cstui_lazy_models": MODELS, "cstui_lazy_nameless": NAMELESS},
    )
    for name, model in (("lazy-stars", "lazy-stars"), ("gone", "gone"), ("misnamed", "misnamed")):
        (site / f"{name}.toml").write_text(SCHEME_OF.format(name=name, model=model), encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "cstui_lazy_models", raising=False)
    reset_registry()
    return site


@pytest.fixture
def files_site(tmp_path, monkeypatch):
    """A plugin whose scheme files cannot be read: one not installed, one with a broken head, one
    whose head reads but whose body is not TOML."""
    site = tmp_path / "site"
    site.mkdir()
    fake_distribution(site, "cstui_file_fakes", {"files": "cstui_files_plugin"}, {"cstui_files_plugin": SCHEME_FILES})
    (site / "bad-head.toml").write_text('name = "bad-head\nmodel = "star-levels"\n', encoding="utf-8")
    (site / "bad-body.toml").write_text(
        SCHEME_OF.format(name="bad-body", model="star-levels") + "[review]\npromote_at = = 3\n"
    )
    monkeypatch.syspath_prepend(str(site))
    reset_registry()
    return site


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_lazy_model_is_known_by_name_and_imported_on_first_use(site):
    registry = build_registry()
    assert {"lazy-stars", "gone", "misnamed", "star-levels"} <= set(registry.models)
    assert "cstui_lazy_models" not in sys.modules
    assert not registry.models.is_loaded("lazy-stars")
    scheme = load_scheme("lazy-stars")
    assert type(scheme.model).__name__ == "LazyStars" and "cstui_lazy_models" in sys.modules
    assert isinstance(scheme.model.grade, GuardedMethod) and scheme.plugin == "lazy"
    assert scheme.model is get_registry().models["lazy-stars"]  # made once


def test_a_model_without_its_name_is_a_hook_error_of_its_plugin(site):
    errors = {e.plugin: e.message for e in build_registry().errors}
    assert errors["nameless"].startswith(
        "register_models raised ValueError: register('cstui_lazy_models:LazyStars') needs"
    )


def test_a_model_that_fails_to_load_is_a_load_error_and_one_line(site):
    with pytest.raises(PluginFailure, match=r"^plugin lazy: model gone failed to load: ModuleNotFoundError"):
        load_scheme("gone")
    with pytest.raises(PluginFailure, match="model gone failed to load"):  # the failure is kept, not retried
        get_registry().models["gone"]
    shown = run("scheme", "show", "misnamed")
    assert shown.exit_code == 1
    assert shown.stderr.strip() == (
        "cstui: plugin lazy: model misnamed failed to load: cstui_lazy_models:Misnamed is named 'star-levels-copy', "
        "registered as 'misnamed' (run with --debug for the traceback)"
    )


def test_schemes_lists_lazy_models_and_check_and_plugins_name_those_that_fail(site):
    listed = run("schemes")
    assert {"lazy-stars", "gone", "misnamed"} <= {line.split()[0] for line in listed.stdout.splitlines()[2:]}
    assert listed.exit_code == 3 and "plugin nameless has load errors" in listed.stderr
    reset_registry()
    checked = run("schemes", "--check")
    rows = {line.split()[0] for line in checked.stdout.splitlines()[2:]}
    assert "lazy-stars" in rows and "gone" not in rows and "misnamed" not in rows
    assert checked.exit_code == 3 and "plugin lazy: model gone failed to load: ModuleNotFoundError" in checked.stderr
    reset_registry()
    plugins = run("plugins")
    assert "model gone failed to load" in next(line for line in plugins.stdout.splitlines() if line.startswith("lazy "))


def test_a_scheme_file_that_cannot_be_read_is_a_load_error_and_schemes_exits_3(files_site):
    listed = run("schemes")
    assert listed.exit_code == 3
    names = {line.split()[0] for line in listed.stdout.splitlines()[2:]}
    assert "star-levels" in names and "bad-head" not in names
    assert "not-installed.toml: cannot read: No such file or directory" in listed.stderr
    assert "bad-head.toml:1:17: not valid TOML" in listed.stderr
    assert "plugin files has load errors (see `cstui plugins`)" in listed.stderr
    reset_registry()
    plugins = run("plugins")
    assert plugins.exit_code == 0
    errors = [e.message for e in get_registry().errors if e.plugin == "files"]
    assert any("not-installed.toml: cannot read" in message for message in errors)
    assert any("bad-head.toml:1:17: not valid TOML" in message for message in errors)


def test_a_body_that_is_not_toml_is_found_when_the_scheme_is_checked_or_used(files_site):
    assert "bad-body" in {line.split()[0] for line in run("schemes").stdout.splitlines()[2:]}  # its head reads
    reset_registry()
    checked = run("schemes", "--check")
    assert checked.exit_code == 3 and "bad-body.toml:6:14: not valid TOML" in checked.stderr
    reset_registry()
    run("plugins")
    assert any(
        e.message.startswith("scheme bad-body does not load") for e in get_registry().errors if e.plugin == "files"
    )
    used = run("scheme", "show", "bad-body")
    assert used.exit_code == 3 and "bad-body.toml:6:14: not valid TOML" in used.stderr
