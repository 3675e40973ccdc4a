"""Entry points of the installed distributions, read as :mod:`importlib.metadata` reads them,
without importing it.

Why: importing ``importlib.metadata`` (email, zipfile, csv, importlib.resources) costs about as
much as the rest of ``cstui schemes`` together. For the usual layouts (``*.dist-info`` and
``*.egg-info`` directories in the directories on ``sys.path``) reading each one's
``entry_points.txt`` is all it does: same directories in the same order, the first distribution
of a (normalised) name wins, the same ``[group]`` / ``name = module:attr`` parsing. Anything
else (a zip or an egg on ``sys.path``, an import finder that brings its own distributions) is
left to ``importlib.metadata`` itself. ``tests/test_entry_points.py`` asserts both agree.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import Any

INFO_SUFFIXES = (".dist-info", ".egg-info")
# importlib.metadata.EntryPoint.pattern
_TARGET = (
    r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$"  # compiled only off the common form
)


class Distribution:
    """An installed distribution's metadata directory; name and version read on first use."""

    def __init__(self, path: str):
        self.path = path
        self._headers: dict[str, str] | None = None

    @property
    def name(self) -> str | None:
        return self._header("name")

    @property
    def version(self) -> str | None:
        return self._header("version")

    def read_text(self, filename: str) -> str | None:
        try:
            with open(os.path.join(self.path, filename), encoding="utf-8") as file:
                return file.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
            return None

    def _header(self, key: str) -> str | None:
        if self._headers is None:
            text = self.read_text("METADATA") or self.read_text("PKG-INFO") or ""
            self._headers = metadata_headers(text)
        return self._headers.get(key)


def metadata_headers(text: str) -> dict[str, str]:
    """The first value of each header of a METADATA file (the part before its first blank line)."""
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep and not line[0].isspace():
            headers.setdefault(key.strip().lower(), value.strip())
    return headers


class EntryPoint:
    """``name = value`` of a ``[group]`` in a distribution's ``entry_points.txt``."""

    def __init__(self, name: str, value: str, group: str, dist: Distribution):
        self.name, self.value, self.group, self.dist = name, value, group, dist

    def load(self) -> Any:
        """The object the value names, imported (as ``importlib.metadata.EntryPoint.load``)."""
        return import_object(self.value)

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"


def import_object(target: str) -> Any:
    """The object ``"package.module:attr.path"`` names, imported now (an entry point's value)."""
    from importlib import import_module

    module, attrs = _simple_target(target) or _matched_target(target)
    value: Any = import_module(module)
    for attr in filter(None, attrs.split(".")):
        value = getattr(value, attr)
    return value


def _simple_target(target: str) -> tuple[str, str] | None:
    """``module:attr`` of dotted identifiers (every built-in plugin's): the parts :data:`_TARGET`
    would match, without compiling it at start-up; None for any other form."""
    module, colon, attrs = target.partition(":")
    if (attrs or not colon) and all(
        part.isidentifier() for part in (*module.split("."), *(attrs.split(".") if attrs else ()))
    ):
        return module, attrs
    return None


def _matched_target(target: str) -> tuple[str, str]:
    match = re.match(_TARGET, target)
    if match is None:
        raise ValueError(f"{target!r} names no module; expected 'package.module:attribute'")
    return match.group("module"), match.group("attr") or ""


def entry_points(group: str) -> list[Any]:
    """The entry points of ``group`` of every installed distribution, in ``importlib.metadata``'s order."""
    if not _plain_layout():
        from importlib import metadata

        return list(metadata.entry_points(group=group))
    found = []
    for dist in _unique(_distributions()):
        found.extend(ep for ep in _parse(dist.read_text("entry_points.txt") or "", dist) if ep.group == group)
    return found


def _plain_layout() -> bool:
    """Whether every distribution is a metadata directory in a directory on sys.path."""
    for finder in sys.meta_path:
        if hasattr(finder, "find_distributions") and getattr(finder, "__name__", "") != "PathFinder":
            return False
    for entry in sys.path:
        root = entry or "."
        if os.path.basename(root).lower().endswith(".egg") or os.path.isfile(root):
            return False
    return True


def _distributions() -> Iterable[Distribution]:
    for entry in sys.path:
        root = entry or "."
        try:
            children = os.listdir(root)
        except OSError:
            continue
        by_name: dict[str, list[str]] = {}  # grouped by name in first-seen order, as importlib's Lookup
        for child in children:
            low = child.lower()
            if low.endswith(INFO_SUFFIXES):
                by_name.setdefault(normalize(low.rpartition(".")[0].partition("-")[0]), []).append(child)
        for paths in by_name.values():
            yield from (Distribution(os.path.join(root, child)) for child in paths)


def _unique(dists: Iterable[Distribution]) -> Iterable[Distribution]:
    seen: set[str] = set()
    for dist in dists:
        key = _normalized_name(dist)
        if key not in seen:
            seen.add(key)
            yield dist


def _normalized_name(dist: Distribution) -> str:
    stem, ext = os.path.splitext(os.path.basename(dist.path))
    if ext in INFO_SUFFIXES:
        return normalize(stem.partition("-")[0])
    return normalize(dist.name or "")  # an upper-case suffix: the name in its metadata, as importlib


def normalize(name: str) -> str:
    """PEP 503 normalisation with underscores (``importlib.metadata.Prepared.normalize``)."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _parse(text: str, dist: Distribution) -> Iterable[EntryPoint]:
    """``importlib.metadata.Sectioned.section_pairs``: stripped lines, ``#`` comments, ``[group]`` headers."""
    group = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line.strip("[]")
        elif group is not None:
            name, _, value = line.partition("=")
            yield EntryPoint(name.strip(), value.strip(), group, dist)
