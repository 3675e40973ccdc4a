"""``cstui plugin new`` and examples/cstui-tutorial, run for real: written, pip-installed
(no deps) into a directory of their own as tests/test_plugins.py does examples/cstui-acme,
their own tests run with cstui's pytest plugin, and the demo graded with their schemes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.plugins import reset_registry
from cstui.scaffold import package_files

REPO = Path(__file__).resolve().parent.parent
TUTORIAL = REPO / "examples" / "cstui-tutorial"


def pip_install(package: Path, target: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(package)],
        check=True,
    )
    return target


def run(args: list[str], site: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def own_tests(package: Path, site: Path) -> subprocess.CompletedProcess:
    """The package's tests, run in it (a copy: no cache is written into the repository)."""
    return run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], site, cwd=package)


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    """``cstui plugin new acme-co`` (no model), written and installed."""
    parent = tmp_path_factory.mktemp("scaffold")
    result = CliRunner().invoke(cli, ["plugin", "new", "acme-co", "--dir", str(parent)])
    assert result.exit_code == 0, result.output
    root = parent / "cstui-acme-co"
    return root, pip_install(root, tmp_path_factory.mktemp("scaffold-site"))


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory):
    """examples/cstui-tutorial, copied and installed."""
    root = tmp_path_factory.mktemp("tutorial") / "cstui-tutorial"
    shutil.copytree(TUTORIAL, root, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    return root, pip_install(root, tmp_path_factory.mktemp("tutorial-site"))


def test_scaffold_writes_an_installable_package_with_its_toml(scaffolded):
    root, site = scaffolded
    assert "[build-system]" in (root / "pyproject.toml").read_text()
    assert (site / "cstui_acme_co" / "acme-co-stars.toml").is_file()  # package data: the TOML is installed
    assert not (root / "cstui_acme_co" / "model.py").exists()  # no --model, no model
    plugins = json.loads(run(["-m", "cstui", "plugins", "--json"], site).stdout)
    row = next(p for p in plugins if p["name"] == "acme-co")
    assert row["error"] is None and row["hooks"] == ["register_schemes"] and row["version"] == "0.1.0"
    listed = run(["-m", "cstui", "schemes", "--json"], site)
    assert listed.returncode == 0, listed.stderr
    assert {"name": "acme-co-stars", "model": "star-levels", "plugin": "acme-co"}.items() <= next(
        s for s in json.loads(listed.stdout) if s["name"] == "acme-co-stars"
    ).items()


def test_scaffolded_package_passes_its_own_tests_and_grades_the_demo(scaffolded):
    root, site = scaffolded
    out = own_tests(root, site)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 passed" in out.stdout  # the demo among them: test_grades_the_demo_company


def test_tutorial_is_what_plugin_new_writes_with_a_model():
    written = {
        p.relative_to(TUTORIAL).as_posix() for p in TUTORIAL.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    expected = package_files("tutorial", model=True)
    assert written == set(expected)
    for relative, text in expected.items():
        assert (TUTORIAL / relative).read_text(encoding="utf-8") == text, (
            f"examples/cstui-tutorial/{relative} differs from `cstui plugin new tutorial --model`"
        )


def test_tutorial_passes_its_own_tests(tutorial):
    root, site = tutorial
    out = own_tests(root, site)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "8 passed" in out.stdout


def test_tutorial_model_grades_the_demo_from_the_command_line(tutorial, tmp_path, monkeypatch):
    root, site = tutorial
    monkeypatch.syspath_prepend(str(site))
    reset_registry()
    db = tmp_path / "demo.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["demo", "--db", str(db), "--employees", "30"]).exit_code == 0
    listed = runner.invoke(
        cli, ["--db", str(db), "employee", "assign", "E0008", "--scheme", "tutorial-followups", "--since", "2025-11"]
    )
    assert listed.exit_code == 0, listed.output
    graded = runner.invoke(
        cli, ["--db", str(db), "--scheme", "tutorial-followups", "--period", "2026-Q3", "--format", "json", "--explain"]
    )
    assert graded.exit_code == 0, graded.output
    (record,) = json.loads(graded.stdout)
    assert record["employee_id"] == "E0008" and record["scheme"] == "tutorial-followups" and record["rank"] == 1
    assert record["level_after"] in ("assistant", "senior-assistant") and isinstance(record["score"], (int, float))
    assert any("a_followups" in line and "points" in line for line in record["trace"])


def test_plugin_new_refuses_to_overwrite_and_bad_names(tmp_path):
    runner = CliRunner()
    (tmp_path / "cstui-mine").mkdir()
    (tmp_path / "cstui-mine" / "notes.txt").write_text("mine")
    refused = runner.invoke(cli, ["plugin", "new", "mine", "--dir", str(tmp_path)])
    assert refused.exit_code == 4 and "exists and is not empty" in refused.output
    assert [p.name for p in (tmp_path / "cstui-mine").iterdir()] == ["notes.txt"]
    for bad in ("Mine", "my_co", "x-", "a--b", "9lives"):
        result = runner.invoke(cli, ["plugin", "new", bad, "--dir", str(tmp_path)])
        assert result.exit_code == 2 and "expected lowercase letters" in result.output, bad
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cstui-mine"]
