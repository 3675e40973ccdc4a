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


def test_no_screen_imports_another_screen():
    """Screens ask the core and open each other by name (cstui.tui.navigation): an import of
    another screen module, even inside a function, is refused (import-linter's independence
    contract says the same, and also catches one made through a helper module)."""
    import ast

    screens = ROOT / "cstui" / "tui" / "screens"
    names = {f"cstui.tui.screens.{path.stem}" for path in screens.glob("*.py") if path.stem != "__init__"}
    found = []
    for path in sorted(screens.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                imported = {a.name for a in node.names}
            else:
                continue
            found += [f"{path.name}:{node.lineno} imports {name}" for name in sorted(imported & names)]
    assert len(names) >= 9 and found == []
    assert "independence" in {c["type"] for c in CONFIG["contracts"]}
