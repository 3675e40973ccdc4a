"""One error base, one list of exit codes: every error cstui raises for a person is a CstuiError
whose class carries its exit code; the command line and the TUI both go by it, and README's
table lists exactly the codes the code has."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sqlite3
from pathlib import Path

import pytest

import cstui
import cstui_plugins
from cstui import errors
from cstui.errors import CstuiError, exit_code_for

ROOT = Path(__file__).resolve().parents[1]

# Exception classes of cstui's own that are deliberately not CstuiError: each reaches the user
# as an unexpected error (exit code 1; in the TUI a line naming the error log, which holds the
# traceback), because it means code failed, not that the user's input or action was wrong.
NOT_USER_ERRORS = {
    "cstui.plugins.PluginFailure": "a plugin's code raised: its author needs the traceback (--debug, the TUI's log)",
    "cstui_plugins.assistant_class.checkpoint.CheckpointError": "a checkpoint the model cannot resume from: a bug",
    "cstui.grading_pool.PoolClosed": "the app is ending while a grading waits on its workers: the board drops it, nobody sees it",
    "cstui.story._Stopped": "a history's rank worker stopped (another person opened): caught in team_ranks, nobody sees it",
}

# Outside exception classes raised in cstui's source, and why that is right. Builtin errors
# are allowed only where listed (file, class): anything new must be a CstuiError or named here.
OUTSIDE_RAISES = {
    ("cstui/cli.py", "UsageError"): "click's own: click prints it and exits 2 (usage)",
    ("cstui/cli_signoff.py", "UsageError"): "click's own: neither --accept nor --reject given, exit 2 (usage)",
    ("cstui/cli.py", "Exit"): "click's own: an exit with an explicit documented code",
    ("cstui/tui/app.py", "SystemExit"): "the TUI's end, with exit_code_for() or the app's return code",
    ("cstui/__init__.py", "AttributeError"): "module __getattr__ protocol",
    ("cstui/domain/period.py", "FrozenInstanceError"): "a Period is immutable, as the dataclass it replaced",
    ("cstui/engine/params_schema.py", "FrozenInstanceError"): "a parameter shape is immutable, as the dataclass it was",
    ("cstui/store/core.py", "RuntimeError"): "audit outside a write transaction: a bug, not a user error",
    ("cstui/store/checkpoints.py", "RuntimeError"): "invalidation outside a write transaction: a bug",
    (
        "cstui/engine/model.py",
        "RuntimeError",
    ): "a checkpoint's timelines read where its reader said none would be: a bug",
    ("cstui/batch.py", "ValueError"): "jobs < 1 from a caller: the CLI's option type refuses it first",
    ("cstui/grading.py", "ValueError"): "jobs < 1 from a caller: the CLI's option type refuses it first",
    ("cstui/grading_pool.py", "ValueError"): "jobs < 1 from a caller: the app passes pool_jobs(), 2 or more",
    ("cstui/demo/__init__.py", "ValueError"): "demo sizes from a caller: the CLI's option types refuse them first",
    ("cstui/domain/texts.py", "KeyError"): (
        "a line of a template no module registered: a model's bug (tests/test_texts_complete.py checks the built-in keys)"
    ),
    ("cstui/io/report.py", "ValueError"): "an unknown format from a caller: the CLI's --format type refuses it first",
    ("cstui/plugins.py", "ValueError"): "a model registered twice: caught at plugin load as that plugin's error",
    ("plugins/assistant_class/review.py", "ValueError"): "a replay asked to end before its checkpoint: a bug",
    ("cstui/cli_plugin_kit.py", "BadParameter"): "click's own: click prints it and exits 2 (usage)",
    ("cstui/cli_people.py", "BadParameter"): "click's own: an unknown --format of employee history, exit 2 (usage)",
    ("cstui/entry_points.py", "ValueError"): "a malformed entry point: caught at plugin load as that plugin's error",
    ("cstui/scaffold.py", "ValueError"): "a bad NAME from a caller: the CLI checks it first (usage, exit 2)",
    ("cstui/schemes.py", "AttributeError"): "module __getattr__ protocol",
    ("cstui/store/deferred.py", "AttributeError"): "module __getattr__ protocol (cstui.store.records)",
    ("plugins/placement/__init__.py", "AttributeError"): "module __getattr__ protocol",
    ("plugins/assistant_class/checkpoint.py", "AttributeError"): "__getattr__ protocol of a lazily decoded state",
    (
        "cstui/tui/screens/history.py",
        "RuntimeError",
    ): "a StopIteration from a bug re-raised so the worker ends: unexpected",
    ("cstui/story.py", "RuntimeError"): "a team's replay state missing where the model's contract keeps one: a bug",
    ("cstui/cli_web.py", "UsageError"): "click's own: click prints it and exits 2 (usage)",
    ("cstui/web.py", "HTTPForbidden"): "aiohttp's own: the 403 answer to a websocket without a served page",
}

# The exit code each kind of user error gives, as README documents it.
EXPECTED_CODES = {
    "InvalidData": 3,
    "SchemeError": 3,
    "ValueProblem": 3,
    "PeriodError": 3,
    "CardRefused": 3,
    "CardValueError": 3,
    "LedgerProblem": 3,
    "AccessDenied": 4,
    "ShellRefused": 4,
    "TokenRefused": 4,
    "ScaffoldRefused": 4,
    "PeriodClosed": 4,
    "ChangedMeanwhile": 4,
    "Conflict": 4,
    "NotOurs": 4,
    "Occupied": 4,
    "ReportRefused": 4,
    "ExportExists": 4,
    "SignOffRefused": 4,
    "DisputesOpen": 4,
    "NoDatabase": 2,
    "Busy": 5,
    "StorageFailure": 6,
    "OutputClosed": 141,
    "StoreError": 1,
    "NotFound": 3,
    "BadInput": 3,
    "Refused": 4,
    "DemoRefused": 1,
    "ReportNotWritten": 1,
}


def _modules():
    for package in (cstui, cstui_plugins):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith("__main__"):  # runs the command line when imported
                yield importlib.import_module(info.name)


def _own_exception_classes() -> dict[str, type[BaseException]]:
    found = {}
    for module in _modules():
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == module.__name__:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


OWN = _own_exception_classes()


def test_every_own_exception_class_is_a_cstui_error_or_named_as_unexpected():
    strays = sorted(
        name for name, cls in OWN.items() if not issubclass(cls, CstuiError) and name not in NOT_USER_ERRORS
    )
    assert strays == [], "make them CstuiError with an exit_code, or say in NOT_USER_ERRORS why not"
    assert set(NOT_USER_ERRORS) <= set(OWN), "NOT_USER_ERRORS names a class that no longer exists"


def test_every_user_error_class_has_the_documented_exit_code():
    users = {
        cls.__name__: cls.exit_code for cls in OWN.values() if issubclass(cls, CstuiError) and cls is not CstuiError
    }
    assert users == EXPECTED_CODES


def _raised_names() -> set[tuple[str, str]]:
    """(file, class name) of every ``raise Name(...)`` in cstui's and the built-in plugins' source."""
    raised = set()
    for folder in ("cstui", "plugins"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                    func = node.exc.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                    if name and name[0].isupper():  # a class; ``raise failure.exception()`` re-raises one
                        raised.add((path.relative_to(ROOT).as_posix(), name))
    return raised


def test_every_raise_in_the_source_is_a_user_error_or_a_named_exception():
    own = {cls.__name__: cls for cls in OWN.values()}
    strays = sorted(
        (path, name)
        for path, name in _raised_names()
        if not (
            name in own
            and (issubclass(own[name], CstuiError) or name in {n.rsplit(".", 1)[1] for n in NOT_USER_ERRORS})
        )
        and (path, name) not in OUTSIDE_RAISES
    )
    assert strays == []


def test_exit_code_for_reads_the_class_and_treats_the_rest_as_unexpected():
    from cstui.io.output import ReportNotWritten
    from cstui.plugins import PluginFailure
    from cstui.store import AccessDenied

    assert exit_code_for(AccessDenied("no")) == errors.EXIT_REFUSED
    assert exit_code_for(ReportNotWritten("disk full", errors.EXIT_STORAGE)) == errors.EXIT_STORAGE
    assert exit_code_for(PluginFailure("acme", "grade() raised KeyError")) == errors.EXIT_OTHER
    assert exit_code_for(KeyError("x")) == errors.EXIT_OTHER


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_the_tui_shows_every_user_error_as_a_message(name):
    from cstui.tui.guard import USER_ERRORS

    cls = next(cls for cls in OWN.values() if cls.__name__ == name)
    assert issubclass(cls, USER_ERRORS)


def test_the_tui_logs_what_is_not_a_user_error():
    from cstui.plugins import PluginFailure
    from cstui.tui.guard import USER_ERRORS

    assert not issubclass(PluginFailure, USER_ERRORS)
    assert not issubclass(KeyError, USER_ERRORS)
    assert issubclass(sqlite3.OperationalError, USER_ERRORS)  # "database is locked"
    assert issubclass(PermissionError, USER_ERRORS)  # an unreadable import file


def _readme_exit_codes() -> dict[int, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("\nExit codes:\n", 1)[1].lstrip("\n").split("\n\n", 1)[0]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| (.+) \|$", table, re.M)}


def test_readme_exit_code_table_lists_exactly_the_codes_in_the_code():
    constants = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    documented = _readme_exit_codes()
    assert set(documented) == constants
    assert set(EXPECTED_CODES.values()) <= constants
