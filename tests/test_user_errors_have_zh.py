"""Every error a person reads is raised with a text template (so it renders in 中文), not an
English literal: a ratchet. STILL_ENGLISH counted the modules that still raised some
English-only messages (none are left); a new one anywhere fails here: give it a template (cstui.domain.texts)."""

from __future__ import annotations

import ast
from collections import Counter

from cstui.errors import CstuiError
from test_texts_complete import ROOTS, import_everything

# (module file, relative to its package) → English-only raises left; none are left: a module
# listed here again is a step back (every one now raises with a template)
STILL_ENGLISH: dict[str, int] = {}


def user_error_names() -> set[str]:
    import_everything()
    found, todo = set(), [CstuiError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


def _english(arg: ast.expr) -> bool:
    """A message given as an English literal: a (formatted) string, or a list holding one."""
    if isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
        return True
    return isinstance(arg, ast.List) and any(_english(e) for e in arg.elts)


def english_raises() -> Counter:
    names, found = user_error_names(), Counter()
    for package, root in ROOTS.items():
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).parts
            if "tui" in parts or path.name == "scaffold_model.py":  # the TUI: tests/tui/test_i18n_complete.py
                continue
            count = english_raises_in(path.read_text(encoding="utf-8"), names)
            if count:
                found["/".join((package, *parts))] += count
    return found


def english_raises_in(source: str, names: set[str]) -> int:
    """How many ``raise Error(<English literal>, ...)`` of the user error classes ``names``."""
    count = 0
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            func = node.exc.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            # Conflict's first argument is the kind of row, named by a template inside it
            count += name in names and name != "Conflict" and _english(node.exc.args[0])
    return count


def test_no_user_error_is_raised_with_a_new_english_literal():
    found = english_raises()
    grown = {module: count for module, count in found.items() if count > STILL_ENGLISH.get(module, 0)}
    assert grown == {}, "raise these with line(KEY, ...) and a registered (en, zh) template"


def test_the_ratchet_finds_english_literals():
    """The scan above sees each way an English message is written, and not a template line."""
    source = """
raise StoreError("no such card")
raise errors.BadInput(f"bad {x}")
raise SchemeError(["a.toml: not valid"])
raise StoreError(line("store.no_employee", where="", employee=x))
raise Conflict("card", 1)
raise ValueError("not a user error")
"""
    assert english_raises_in(source, user_error_names()) == 3
