"""Fuzzing the scheme loader: whatever a file holds, only SchemeError leaves ``load_scheme``.

Random bytes, random TOML documents made of the real keys and their misspellings, and the
shipped schemes with one to three parts replaced, removed or misspelt. CI runs a bounded
count: ``CSTUI_FUZZ_EXAMPLES`` (default 2000) random files, and an eighth of that of each
kind of document (generating a document costs ~15 times a random file; the three take
~30 s together on a busy 2-core machine). A long run: ``CSTUI_FUZZ_EXAMPLES=80000``.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.schemes import Scheme, SchemeError, load_scheme

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000"))
SHIPPED = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted((REPO / "schemes").glob("*.toml"))}
FUZZ = settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ_DOCS = settings(FUZZ, max_examples=max(1, EXAMPLES // 8))
WORKDIR = Path(tempfile.mkdtemp(prefix="cstui-scheme-fuzz-"))


def _keys(value: Any, into: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            into.add(key)
            _keys(item, into)
    elif isinstance(value, list):
        for item in value:
            _keys(item, into)
    return into


REAL_KEYS = sorted(set().union(*(_keys(doc, set()) for doc in SHIPPED.values())))


def _misspelt(key: str) -> list[str]:
    if not key:
        return ["x"] * 5
    return [key[:-1], key + key[-1], key[1:] + key[0], key.upper(), key.replace("_", "-")]


KEYS = (
    st.sampled_from(REAL_KEYS)
    | st.sampled_from(sorted({m for k in REAL_KEYS for m in _misspelt(k) if m}))
    | st.text(max_size=6)
)
SCALARS = (
    st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.booleans()
    | st.dates(min_value=date(1900, 1, 1))
    | st.sampled_from(
        ["star-levels", "assistant-class", "five-tier", "1-star", "class-2", "junior", "count", "rate", "higher"]
    )
    | st.sampled_from([0, 1, -1, 3, 100, 110, 10**30, -(10**30), 1e308, 0.5])
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5), max_leaves=8
)


def load_only_scheme_errors(text: bytes) -> Scheme | None:
    path = WORKDIR / "fuzz.toml"
    path.write_bytes(text)
    try:
        return load_scheme(str(path))
    except SchemeError:
        return None


def dumped(doc: dict) -> bytes | None:
    try:
        return tomli_w.dumps(doc).encode("utf-8")
    except (TypeError, ValueError):  # a document tomli_w cannot write (e.g. a surrogate): not a test case
        return None


@pytest.mark.slow
@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data):
    load_only_scheme_errors(data)


@pytest.mark.slow
@FUZZ_DOCS
@given(
    st.dictionaries(KEYS, VALUES, max_size=8),
    st.sampled_from(
        [
            {},
            {"extends": "star-levels"},
            {"extends": "assistant-class"},
            {"extends": "five-tier"},
            {"extends": "ecommerce-kpi"},
            {"model": "star-levels"},
            {"model": "assistant-class"},
        ]
    ),
)
def test_random_documents_of_real_and_misspelt_keys(doc, head):
    text = dumped({"name": "fuzz", "version": "1", **head, **doc})
    if text is not None:
        load_only_scheme_errors(text)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, prefix + (i,))
    return found


PATHS = {name: _paths(doc) for name, doc in SHIPPED.items()}


def _mutate(doc: Any, path: tuple, how: str, value: Any) -> None:
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "remove":
        del parent[last]
    elif isinstance(last, str):  # misspell the key, keep its value
        parent[_misspelt(last)[len(last) % 5] or last + "x"] = parent.pop(last)


@pytest.mark.slow
@FUZZ_DOCS
@given(st.data())
def test_shipped_schemes_with_a_part_replaced_removed_or_misspelt(data):
    name = data.draw(st.sampled_from(sorted(SHIPPED)))
    doc = tomllib.loads(tomli_w.dumps(SHIPPED[name]))  # a deep copy
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        _mutate(doc, path, data.draw(st.sampled_from(["replace", "replace", "remove", "misspell"])), data.draw(VALUES))
    doc["name"] = "fuzz"  # never the registered name: the file is loaded as itself
    text = dumped(doc)
    if text is not None:
        load_only_scheme_errors(text)


def test_a_mutation_the_fuzz_makes_is_reported_not_ignored():
    """The mutation test is only as good as its loader: one fixed example fails as it should."""
    doc = tomllib.loads(tomli_w.dumps(SHIPPED["star-levels"]))
    _mutate(doc, ("review", "promote_at"), "misspell", None)
    doc["name"] = "fuzz"
    assert load_only_scheme_errors(dumped(doc)) is None


@pytest.mark.slow
@settings(FUZZ_DOCS, max_examples=max(1, EXAMPLES // 16))
@given(st.data())
def test_scheme_check_exits_0_or_3_never_unexpected(data):
    """`cstui scheme check` on a mutated shipped scheme: ok, or invalid data with every line named."""
    from click.testing import CliRunner

    from cstui.cli import cli

    name = data.draw(st.sampled_from(sorted(SHIPPED)))
    doc = tomllib.loads(tomli_w.dumps(SHIPPED[name]))
    path = data.draw(st.sampled_from(_paths(doc)))
    _mutate(doc, path, data.draw(st.sampled_from(["replace", "remove", "misspell"])), data.draw(VALUES))
    doc["name"] = "fuzz"
    text = dumped(doc)
    if text is None:
        return
    target = WORKDIR / "check.toml"
    target.write_bytes(text)
    result = CliRunner().invoke(cli, ["scheme", "check", str(target)])
    assert result.exit_code in (0, 3), result.output
    if result.exit_code == 3:
        assert all(line.startswith(f"cstui: {target}") for line in result.stderr.splitlines()), result.stderr
