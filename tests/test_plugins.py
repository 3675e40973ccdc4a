"""Plugin discovery through real entry points: allow-list, broken plugins, a third-party package."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.plugins import build_registry, get_registry, reset_registry

REPO = Path(__file__).resolve().parent.parent
BUILTIN_MODELS = {
    "star-levels",
    "assistant-class",
    "five-tier",
    "kpi-card",
    "placement",
    "probation-test",
    "five-tier-g",
    "rank-streak",
}


def fake_distribution(site: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """Install a distribution by hand: dist-info with entry points, plus its modules."""
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text("[cstui]\n" + lines)
    for module, source in modules.items():
        (site / f"{module}.py").write_text(textwrap.dedent(source))


GOOD = """
    from cstui import hookimpl

    @hookimpl
    def register_exporters(register):
        register("shout", lambda records, stream: stream.write(b"HELLO"))
"""
RAISES_IN_HOOK = """
    from cstui import hookimpl

    @hookimpl
    def register_schemes(register):
        raise RuntimeError("the TOML server is down")
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    fake_distribution(
        site,
        "cstui_fakes",
        {"good": "cstui_fake_good", "broken": "cstui_fake_missing_module", "raiser": "cstui_fake_raiser"},
        {"cstui_fake_good": GOOD, "cstui_fake_raiser": RAISES_IN_HOOK},
    )
    monkeypatch.syspath_prepend(str(site))
    reset_registry()
    return site


def names(registry):
    return {p.name for p in registry.plugins}


def test_builtins_register_their_models():
    registry = get_registry()
    assert set(registry.models) >= BUILTIN_MODELS
    assert {"star-levels", "assistant-class", "five-tier"} <= {p.name for p in registry.plugins if p.builtin}
    assert not registry.errors


def test_unset_allow_list_loads_every_installed_plugin(site):
    registry = build_registry()
    assert {"good", "broken", "raiser"} <= names(registry)
    assert "shout" in registry.exporters


def test_empty_allow_list_loads_builtins_only(site, monkeypatch):
    monkeypatch.setenv("CSTUI_LOAD_PLUGINS", "")
    registry = build_registry()
    assert names(registry) == BUILTIN_MODELS
    assert "shout" not in registry.exporters


def test_comma_list_loads_only_those_plus_builtins_and_warns_about_unknown(site, monkeypatch):
    monkeypatch.setenv("CSTUI_LOAD_PLUGINS", "good, nonesuch")
    with pytest.warns(UserWarning, match="nonesuch"):
        registry = build_registry()
    assert names(registry) == BUILTIN_MODELS | {"good"}


def test_broken_plugins_are_reported_by_name_and_skipped(site):
    registry = build_registry()
    errors = {e.plugin: e.message for e in registry.errors}
    assert "failed to load" in errors["broken"] and "ModuleNotFoundError" in errors["broken"]
    assert "register_schemes raised RuntimeError: the TOML server is down" in errors["raiser"]
    assert set(registry.models) >= BUILTIN_MODELS  # cstui keeps working
    assert "shout" in registry.exporters


def test_plugins_command_lists_hooks_and_errors(site):
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0, result.output
    good = next(line for line in result.output.splitlines() if line.startswith("good "))
    assert "register_exporters" in good
    assert "ModuleNotFoundError" in next(line for line in result.output.splitlines() if line.startswith("broken "))


@pytest.fixture(scope="module")
def acme_site(tmp_path_factory):
    """The example company package, pip-installed (no deps) into a directory of its own."""
    target = tmp_path_factory.mktemp("acme-site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(REPO / "examples" / "cstui-acme"),
        ],
        check=True,
    )
    return target


def test_third_party_package_shows_up_in_schemes(acme_site, monkeypatch):
    env = {**__import__("os").environ, "PYTHONPATH": str(acme_site)}
    out = subprocess.run([sys.executable, "-m", "cstui", "schemes"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    row = next(line for line in out.stdout.splitlines() if line.startswith("acme-assistants"))
    assert "assistant-class" in row and "2026.1" in row and "acme" in row


def test_third_party_scheme_grades_with_its_own_incident(acme_site, monkeypatch):
    from datetime import date
    from decimal import Decimal

    from cstui.domain import Employee, Incident, Period, Scorecard
    from cstui.schemes import load_scheme

    monkeypatch.syspath_prepend(str(acme_site))
    reset_registry()
    scheme = load_scheme("acme-assistants")
    assert scheme.params["classes"]["class-1"]["average_at_least"] == 88
    employee = Employee("A1", "王芳", "desk", "assistant", date(2020, 1, 1), scheme="acme-assistants")
    month = Period.parse("2026-10")
    card = Scorecard("A1", month, {}, [Incident("A1", date(2026, 10, 3), "headset-damage")])
    scored = scheme.model.score_month(scheme, employee, card)
    assert scored.score == Decimal(77)
    assert any("headset-damage" in line for line in scored.trace)
