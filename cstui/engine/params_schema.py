"""The shape of a scheme's parameters, declared once per model and checked before its rules.

A model declares the tables it reads from the scheme TOML as a :class:`Table` of
:class:`Shape` values; the loader checks every key and type against it before the model's
own ``check`` runs, so that check sees well-typed values only::

    from cstui.engine.params_schema import ArrayOf, MapOf, NUMBER, TEXT, WHOLE, Table

    class MyModel(DocumentModel):
        params_schema = Table({
            "review": Table({"promote_at": NUMBER, "window": WHOLE}),
            "bonus": MapOf(NUMBER, "level key"),          # free keys: [bonus] junior = 100
            "kpis": ArrayOf(Table({"metric": TEXT, "weight": NUMBER})),
        })

The shapes say what type a key holds, never whether it must be present or what range is
valid: those are the model's own ``check``. An unknown key in a :class:`Table` is a
problem with a "did you mean" suggestion; :class:`MapOf` holds keys the scheme names
itself (metric keys, levels, incident codes). Problems are added as
``problems.add("key.path", "what was expected")``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from datetime import date, datetime, time
from typing import Any, ClassVar, Protocol

from cstui.domain.texts import joined, line
from cstui.engine.problem_texts import expected as expected_line
from cstui.engine.problem_texts import word

SHOWN_CHARS = 40  # a value quoted in a message is cut here: a problem line stays one line


class Problems(Protocol):
    def add(self, key_path: str, message: str) -> None: ...


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def join(path: str, key: str) -> str:
    """``review.promote_at``; a key that is not a bare TOML key is quoted as TOML would (``ledger."a.b"``)."""
    shown = key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)
    return f"{path}.{shown}" if path else shown


def described(value: Any) -> str:
    """What a TOML value is, for "expected X, got <this>": ``a string 'abc'``, ``a table`` (a
    text line: the value as written, its kind in the reader's language)."""
    if isinstance(value, bool):
        return line("got.boolean", value="true" if value else "false")
    if isinstance(value, str):
        text = value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "..."
        return line("got.string", text=repr(text))
    if isinstance(value, int):
        if abs(value) < 10**SHOWN_CHARS:
            return line("got.whole", text=str(value))
        return line("got.whole_digits", digits=str(len(str(abs(value)))))
    if isinstance(value, float):
        return line("got.number", text=repr(value))
    if isinstance(value, dict):
        return line("got.table")
    if isinstance(value, list):
        return line("got.array")
    if isinstance(value, (datetime, date, time)):
        return line("got.date", text=value.isoformat())
    return type(value).__name__


class Shape:
    """One TOML value's expected type; :meth:`check` adds problems and says whether it fits."""

    expected: str  # "a number": what a problem line says was expected

    def check(self, value: Any, path: str, problems: Problems) -> bool:
        raise NotImplementedError


class _FrozenShape(Shape):
    """What ``@dataclass(frozen=True)`` gave the shapes, written once: immutable fields, equality,
    hash and repr over ``_fields``. Why not the dataclass: every scheme load imports this module
    and the five dataclasses compiled their generated methods at each start-up (~15 million
    instructions, 5% of a batch run's)."""

    _fields: ClassVar[tuple[str, ...]] = ()

    def _init(self, *values: Any) -> None:
        for name, value in zip(self._fields, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"


class Scalar(_FrozenShape):
    _fields = ("expected", "fits", "many")

    def __init__(self, expected: str, fits: Callable[[Any], bool], many: str = line("many.values")):
        self._init(expected, fits, many)  # many: the plural, for an array of them

    def check(self, value: Any, path: str, problems: Problems) -> bool:
        if self.fits(value):
            return True
        problems.add(path, expected_line(self.expected, described(value)))
        return False


def _is_number(value: Any) -> bool:
    # TOML allows inf and nan; no rule can compare with them
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_BOOLEANS = {"true": "true", "false": "false"}  # TOML's words, the same in every language
NUMBER = Scalar(line("what.number"), _is_number, line("many.numbers"))
WHOLE = Scalar(line("what.whole"), lambda v: isinstance(v, int) and not isinstance(v, bool), line("many.whole"))
TEXT = Scalar(line("what.string"), lambda v: isinstance(v, str), line("many.strings"))
FLAG = Scalar(line("what.flag", **_BOOLEANS), lambda v: isinstance(v, bool), line("many.flags", **_BOOLEANS))
ANY = Scalar(line("what.any"), lambda v: True)


class Table(_FrozenShape):
    """A table with known keys; ``open`` tables accept other keys unchecked."""

    _fields = ("fields", "open")
    expected: ClassVar[str] = line("what.table")

    def __init__(self, fields: dict[str, Shape] | None = None, open: bool = False):
        self._init({} if fields is None else fields, open)

    def check(self, value: Any, path: str, problems: Problems) -> bool:
        if not isinstance(value, dict):
            problems.add(path, expected_line(self.expected, described(value)))
            return False
        fits = True
        for key, item in value.items():
            shape = self.fields.get(key)
            if shape is not None:
                fits &= shape.check(item, join(path, key), problems)
            elif not self.open:
                problems.add(join(path, key), unknown_key(path, key, self.fields))
                fits = False
        return fits

    def extended(self, more: dict[str, Shape], open: bool = False) -> Table:
        return Table({**self.fields, **more}, open=open)


def unknown_key(path: str, key: str, known: dict[str, Shape]) -> str:
    import difflib  # here: only a scheme with a mistyped key needs it (with heapq, at every start-up otherwise)

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    if close:
        return line("problem.unknown_key_close", name=join(path, key), close=join(path, close[0]))
    if known:
        return line("problem.unknown_key_of", name=join(path, key), names=", ".join(sorted(known)))
    return line("problem.unknown_key", name=join(path, key))


class MapOf(_FrozenShape):
    """A table whose keys the scheme chooses (metric keys, levels, codes), each holding ``values``."""

    _fields = ("values", "what")

    def __init__(self, values: Shape, what: str = "key"):
        self._init(values, what)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return line("what.table_of", what=word(self.what), values=self.values.expected)

    def check(self, value: Any, path: str, problems: Problems) -> bool:
        if not isinstance(value, dict):
            problems.add(path, expected_line(self.expected, described(value)))
            return False
        fits = True
        for key, item in value.items():
            fits &= self.values.check(item, join(path, key), problems)
        return fits


class ArrayOf(_FrozenShape):
    _fields = ("item",)

    def __init__(self, item: Shape):
        self._init(item)

    @property
    def expected(self) -> str:  # type: ignore[override]
        many = getattr(self.item, "many", None) or line(
            "many.tables" if isinstance(self.item, Table) else "many.values"
        )
        return line("what.array_of", many=many)

    def check(self, value: Any, path: str, problems: Problems) -> bool:
        if not isinstance(value, list):
            problems.add(path, expected_line(self.expected, described(value)))
            return False
        fits = True
        for i, item in enumerate(value):
            fits &= self.item.check(item, f"{path}[{i}]", problems)
        return fits


class _Quiet:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def add(self, key_path: str, message: str) -> None:
        self.lines.append((key_path, message))


class OneOf(_FrozenShape):
    """Any of ``options`` (``points = -2`` or ``points = [-5, -2]``)."""

    _fields = ("options",)

    def __init__(self, options: tuple[Shape, ...]):
        self._init(options)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return joined([option.expected for option in self.options], " or ")

    def check(self, value: Any, path: str, problems: Problems) -> bool:
        tried = []
        for option in self.options:
            quiet = _Quiet()
            if option.check(value, path, quiet):
                return True
            tried.append((option, quiet))
        # a table or an array that almost fits one option: that option's own lines say where
        for option, quiet in tried:
            if (isinstance(option, (Table, MapOf)) and isinstance(value, dict)) or (
                isinstance(option, ArrayOf) and isinstance(value, list)
            ):
                for key_path, message in quiet.lines:
                    problems.add(key_path, message)
                return False
        problems.add(path, expected_line(self.expected, described(value)))
        return False


def load_tables(
    raw: object, key_path: str, hints: tuple[Any, Any], problems: Any, load: Callable[[dict, str], Any]
) -> list:
    """``[[KEY_PATH]]``: each table loaded by ``load(data, path)``, what it returns kept unless
    None. Not an array of tables, or an entry that is not a table, is a problem of its key;
    ``hints`` say what the array's entries hold and what one table holds."""
    if not isinstance(raw, list) or not raw:
        problems.add(key_path, expected_line(line("what.tables_with", table=key_path, keys=hints[0])))
        return []
    loaded = []
    for i, data in enumerate(raw):
        path = f"{key_path}[{i}]"
        if not isinstance(data, dict):
            problems.add(path, expected_line(line("what.table_with", keys=hints[1])))
            continue
        item = load(data, path)
        if item is not None:
            loaded.append(item)
    return loaded
