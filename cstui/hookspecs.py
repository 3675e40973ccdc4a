"""The hooks a cstui plugin may implement. Declared once, here.

A plugin is a module (or object) registered under the ``cstui`` entry-point group.
It implements any of these functions, decorated with :data:`hookimpl`::

    from cstui import hookimpl

    @hookimpl
    def register_schemes(register):
        register(Path(__file__).with_name("acme.toml"))

Built-in schemes are plugins loaded the same way (see ``pyproject.toml``). A plugin that
fails to import, or raises inside a hook, is reported by name and skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("cstui")
hookimpl = pluggy.HookimplMarker("cstui")


@hookspec
def register_models(register: Callable[[Any], None]) -> None:
    """Register document models: the code of a grading scheme.

    Call ``register(model)`` once per :class:`cstui.engine.model.DocumentModel`
    instance, or ``register("package.module:Class", name="my-model")`` to have cstui import
    the module and make ``Class()`` only when a scheme of the model is first used (listing
    schemes and plugins then runs none of its code; the built-in plugins do this). A model's
    ``name`` (e.g. ``"star-levels"``) is what a scheme TOML names in its ``model`` key. Two
    plugins registering the same model name is a load error of the second plugin; so is a
    lazily registered model that fails to import or whose ``name`` is not the one given.
    """


@hookspec
def register_schemes(register: Callable[..., None]) -> None:
    """Register scheme parameter files: the numbers of a grading scheme.

    Call ``register(path)`` with the path of a TOML file (a :class:`pathlib.Path` or an
    :mod:`importlib.resources` traversable). The file names its ``model`` or ``extends``
    another scheme by name; see ``docs/plugins.md`` for the keys.
    """


@hookspec
def register_importers(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register readers of a company's own export formats.

    Call ``register(name, reader)``. ``reader(path)`` returns an iterable of
    ``(row_number, {column: text})`` pairs, the same shape the CSV and XLSX readers
    give, so every validation and error message of ``cstui import`` applies.
    ``cstui import scorecards FILE --format NAME`` picks it.
    """


@hookspec
def register_exporters(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register writers of report formats beyond table, csv, json and xlsx.

    Call ``register(name, writer)``. ``writer(records, stream)`` receives the report's
    records (dicts, the JSON shape) and a binary stream to write to.
    ``cstui --scheme S --period P --format NAME`` picks it; the TUI's export offers it too.
    """


@hookspec
def period_closed(db_path: str, period: str, closed_by: str) -> None:
    """Notice that a period was closed (locked) by ``closed_by``.

    Called after the close is committed; a failure here is reported and does not undo it.
    Use it to tell payroll, copy a report, or ping a chat channel.
    """
