"""What the engine needs of a scheme, so it never imports the scheme loader.

The loader (:mod:`cstui.schemes`) sits above the engine: it finds TOML, merges ``extends``
chains and asks plugins for models, and it imports :mod:`cstui.engine.model`. The engine and
the models' checks only need a place to add problems, the error a bad scheme raises, and a
few attributes of a loaded scheme; those live here. :mod:`cstui.schemes` re-exports
``Problems``, ``SchemeError`` and ``one_line``, so plugins keep importing them from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from cstui.errors import EXIT_INVALID, CstuiError

if TYPE_CHECKING:
    from cstui.engine.model import DocumentModel, MetricSpec


class SchemeError(CstuiError):
    """A scheme that cannot be loaded; ``problems`` holds every line."""

    exit_code = EXIT_INVALID

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class Problems:
    """Collects ``FILE: key.path: message`` lines while a scheme is checked."""

    def __init__(self, source: str):
        self.source = source
        self.lines: list[str] = []

    def add(self, key_path: str, message: str) -> None:
        """Add ``FILE: key.path: message``; a ``message`` made from a text template (a
        cstui.domain.texts Line) makes a line that renders in the reader's language."""
        if type(message) is str:  # a plain text: the line is its English (as every line once was)
            # a key or value from the file may hold a newline or a control character: one problem, one line
            self.lines.append(one_line(f"{self.source}: {key_path}: {message}"))
        else:
            self.lines.append(problem_line(self.source, key_path, message))

    def __bool__(self) -> bool:
        return bool(self.lines)


def problem_line(source: str, key_path: str, message: Any) -> str:
    """``FILE: key.path: message`` as a text line (template ``scheme.problem``, registered in
    cstui.engine.problem_texts); its English is exactly the plain line's: each text in it is
    :func:`one_line`'d, as the whole plain line is (the templates' own words are printable)."""
    from cstui.engine.problem_texts import line

    made = line("scheme.problem", source=source, path=key_path, message=message)
    return made if made.isprintable() else _printable(made)


def _printable(value: Any) -> Any:
    """``value`` with :func:`one_line` applied to every text in it, nested lines rebuilt."""
    from cstui.domain.texts import Line

    if isinstance(value, Line):
        return Line(value.key, {name: _printable(arg) for name, arg in value.args.items()})
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, (list, tuple)):
        return [_printable(item) for item in value]
    return value


def one_line(text: str) -> str:
    """Control characters (newlines included) shown escaped, as ``\\x1e``; other text as it is."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class SchemeView(Protocol):
    """The parts of a loaded scheme (:class:`cstui.schemes.Scheme`) the engine reads."""

    name: str
    version: str
    source: str
    params: dict[str, Any]
    model: DocumentModel

    def metric_specs(self) -> list[MetricSpec]: ...
