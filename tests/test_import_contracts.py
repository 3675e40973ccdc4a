"""The layers hold one way (domain < engine < schemes/plugins < store < grading/io < cli/tui) and
the batch path never imports Textual: import-linter's contracts in pyproject.toml, run here."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import cstui

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def _contract(kind: str) -> dict:
    return next(c for c in CONFIG["contracts"] if c["type"] == kind)


def test_lint_imports_keeps_every_contract():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is in the [test] extra: pip install -e '.[test]'"
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(CONFIG['contracts'])} kept, 0 broken." in done.stdout


def test_every_top_level_module_has_a_layer():
    """A new module of cstui must be placed in a layer (and on or off the batch path) on purpose."""
    layered = {name.strip() for layer in _contract("layers")["layers"] for name in layer.replace("|", ":").split(":")}
    modules = {f"cstui.{info.name}" for info in pkgutil.iter_modules(cstui.__path__)}
    assert modules - layered == set()
    batch_path = set(_contract("forbidden")["source_modules"])
    assert modules - batch_path == {"cstui.__main__", "cstui.tui"}
