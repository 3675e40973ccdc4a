"""Every built-in template has its 中文, and every trace line, flag and reason of the built-in
models is made from a registered template (none is an English f-string any more)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from pathlib import Path

import cstui
import cstui_plugins
from cstui.domain import texts

ROOTS = {"cstui": Path(cstui.__file__).parent, "cstui_plugins": Path(cstui_plugins.__path__[0])}
# the model scaffold writes a third party's starting code, not a line cstui shows
NOT_BUILT_IN = {"scaffold_model.py"}


def source_files() -> list[tuple[str, Path]]:
    found = []
    for package, root in ROOTS.items():
        for path in sorted(root.rglob("*.py")):
            if path.name not in NOT_BUILT_IN and "tui" not in path.relative_to(root).parts:
                module = ".".join((package, *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
                found.append((module, path))
    return found


def import_everything() -> None:
    for package in ROOTS:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if ".tui" not in info.name:
                importlib.import_module(info.name)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_built_in_template_has_zh():
    import_everything()
    built_in = {key: t for key, t in texts.catalog().items() if not key.startswith("test.")}
    assert len(built_in) > 150
    missing = [key for key, t in built_in.items() if not t.zh or not t.zh.strip()]
    assert missing == [], "templates without 中文"
    # (a field name the user types, such as retry_date, may stay as it is)
    english = [
        key
        for key, t in built_in.items()
        if re.search(r"(?<![A-Za-z0-9_])[A-Za-z]{3,}(?![A-Za-z0-9_])", re.sub(r"\{[^}]*\}", "", t.zh))
    ]
    assert english == [], "a 中文 template in English"
    # a 中文 template may name a field by another argument the line carries (label_zh, the metric key)
    unknown = [key for key, t in built_in.items() if not fields(t.zh) <= fields(t.en) | set(t.labels) | {"label_zh"}]
    assert unknown == []


def registered_keys(tree: ast.AST) -> set[str]:
    """The keys of the dict literals given to ``texts.register`` in a module."""
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "register" and node.args:
            if isinstance(node.args[0], ast.Dict):
                keys |= {k.value for k in node.args[0].keys if isinstance(k, ast.Constant)}
    return keys


def used_keys(tree: ast.AST) -> set[str]:
    """The literal keys of ``line(KEY, ...)`` and ``Later.line(KEY, ...)`` calls."""
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name == "line" and isinstance(node.args[0].value, str):
                keys.add(node.args[0].value)
    return keys


def test_a_module_uses_only_templates_it_registers_or_imports():
    """A line's template must be registered by the time the line is made: by its own module or
    one it imports (a worker process imports only what the model imports)."""
    modules = {module: ast.parse(path.read_text(encoding="utf-8")) for module, path in source_files()}
    owner = {key: module for module, tree in modules.items() for key in registered_keys(tree)}
    wrong = []
    for module, tree in modules.items():
        imported = {module} | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {
            f"{module.rsplit('.', 1)[0]}.{n.module}"
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.level and n.module
        }
        for key in used_keys(tree):
            if key not in owner or owner[key] not in imported:
                wrong.append((module, key, owner.get(key)))
    assert [w for w in wrong if w[2] is None] == [], "a template used but never registered"
    assert [w for w in wrong if w[2] is not None] == [], "a template registered by a module the user does not import"


LITERAL_LINE = re.compile(r"""\b(trace|flags)\.(append|extend|insert)\((\d+, )?\s*(f?"|f?'|\[f")""")


def test_no_built_in_trace_line_or_flag_is_an_english_literal():
    found = [
        f"{path.name}:{number}: {text.strip()}"
        for _, path in source_files()
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LITERAL_LINE.search(text)
    ]
    assert found == []
