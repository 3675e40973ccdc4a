"""A scheme problem (``problems.add(path, message)``) and a usage error cstui raises itself
(``click.UsageError`` / ``click.BadParameter``) are said with a text template, so they render in
中文: a ratchet. STILL_ENGLISH counts the English literals each module still has; a new one
anywhere (or one more in a listed module) fails here: say it with line(KEY, ...) and a
registered (en, zh) template (cstui.engine.problem_texts has the common phrases)."""

from __future__ import annotations

import ast
from collections import Counter

from test_texts_complete import ROOTS

# (module file, relative to its package) → English-literal messages left; none are left: a module
# listed here again is a step back (lower a count when a message gets its template)
STILL_ENGLISH: dict[str, int] = {}

USAGE_ERRORS = {"UsageError", "BadParameter"}


def _english(arg: ast.expr) -> bool:
    """A message given as an English literal: a (formatted) string, or a choice of them."""
    if isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
        return True
    return isinstance(arg, ast.IfExp) and (_english(arg.body) or _english(arg.orelse))


def _name(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _problem_message(call: ast.Call) -> ast.expr | None:
    """The message of ``problems.add(path, message)`` (any name ending in ``problems``)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "add" and len(call.args) == 2:
        owner = _name(func.value) or ""
        if owner.lower().endswith("problems"):
            return call.args[1]
    return None


def english_messages_in(source: str) -> int:
    """How many problems and usage errors in ``source`` are given an English literal."""
    count = 0
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        message = _problem_message(node)
        if message is None and _name(node.func) in USAGE_ERRORS and node.args:
            message = node.args[0]
        count += message is not None and _english(message)
    return count


def english_messages() -> Counter:
    found = Counter()
    for package, root in ROOTS.items():
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).parts
            if path.name == "scaffold_model.py":  # a third party's starting code, not cstui's words
                continue
            count = english_messages_in(path.read_text(encoding="utf-8"))
            if count:
                found["/".join((package, *parts))] += count
    return found


def test_no_new_english_problem_or_usage_error():
    found = english_messages()
    grown = {module: count for module, count in found.items() if count > STILL_ENGLISH.get(module, 0)}
    assert grown == {}, "say these with line(KEY, ...) and a registered (en, zh) template"


def test_the_counts_left_are_not_too_high():
    """A module that gave messages their templates lowers its count (the ratchet only turns one way)."""
    found = english_messages()
    stale = {module: (count, found.get(module, 0)) for module, count in STILL_ENGLISH.items() if found[module] < count}
    assert stale == {}, "lower these counts in STILL_ENGLISH (listed, found)"


def test_the_detector_finds_english_literals():
    """The scan sees each way an English message is written, and not a template line."""
    source = """
problems.add("levels", "expected a table")
self.problems.add(f"{path}.kind", f"expected one of {kinds}")
problems.add(key, "missing" if value is None else f"expected {what}")
quiet_problems.add(key, expected("what.number"))
problems.add(key, line("problem.levels", field="'key'"))
raise click.UsageError("batch mode needs both --scheme and --period")
raise click.BadParameter(f"{fmt!r}; expected one of {known}", param_hint="--format")
raise click.UsageError(said_in_lang(ctx, line("cli.batch_needs_both")))
seen.add("not a problem")
problems.add("only one argument")
"""
    assert english_messages_in(source) == 5


def registered_keys_in(source: str) -> list[str]:
    """The template keys a module registers (``texts.register({...})`` with a literal dict)."""
    keys = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) == "register" and node.args:
            if isinstance(node.args[0], ast.Dict):
                keys += [k.value for k in node.args[0].keys if isinstance(k, ast.Constant)]
    return keys


def test_no_template_key_is_registered_twice():
    """A key registered again replaces the first text (a problem's template once replaced a
    trace line's of the same name): each key is registered in one place."""
    where: dict[str, list[str]] = {}
    for package, root in ROOTS.items():
        for path in sorted(root.rglob("*.py")):
            if "tui" in path.relative_to(root).parts:  # the TUI's words are another catalog (cstui.tui.i18n)
                continue
            for key in registered_keys_in(path.read_text(encoding="utf-8")):
                where.setdefault(key, []).append(f"{package}/{path.relative_to(root)}")
    assert {key: files for key, files in where.items() if len(files) > 1} == {}
    assert registered_keys_in('texts.register({"a.b": ("x", "y")})\nregister({"c": 1})') == ["a.b", "c"]
