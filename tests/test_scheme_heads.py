"""A scheme file's head, read without parsing the rest (cstui.schemes.toml_head), says what
tomllib says of the same keys; a head it cannot read simply is parsed whole."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.schemes import SchemeError, toml_head

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = st.sampled_from(["name", "model", "extends", "version", "label", "label_zh", "replace", "x-y_1"])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
SIMPLE = st.one_of(
    st.builds(lambda k, t: f'{k} = "{t}"', KEYS, TEXT.filter(lambda t: '"' not in t and "\\" not in t)),
    st.builds(lambda k, t: f"{k}='{t}'  # note", KEYS, TEXT.filter(lambda t: "'" not in t)),
    st.builds(
        lambda k, ts: f"{k} = [{', '.join(repr(t) for t in ts)}]",
        KEYS,
        st.lists(st.text("abc-_", max_size=4), max_size=3),
    ),
    st.sampled_from(["", "   ", "# a comment [x]", "\t# 注释"]),
)
# Lines a head may hold that the quick reader does not: each must send it to the whole parse.
TRICKY = st.sampled_from(
    [
        'description = """\n[not-a-table]\nname = "inner"\n"""',
        '"name" = "quoted"',
        'name = "a\\"b"',
        "version = 1",
        "a.b = 'dotted'",
        'replace = [\n"metrics",\n]',
        'name = "x" junk',
        'label = "a\u2028name = "b"',
        "inline = { a = 1 }",
        "name = 'x'\r",
        "[[levels]]\nkey = 'a'",
    ]
)
BODY = st.sampled_from(["", "[review]\npromote_at = 110\n", "[[levels]]\nkey = 'a'\n", "[x]\ny = = 1\n", "[a]\n[a]\n"])


def expected_head(text: str) -> dict:
    """tomllib's answer for the keys before the first table: the file cut there, parsed."""
    lines = text.split("\n")
    cut = next((i for i, line in enumerate(lines) if line.strip(" \t").startswith("[")), len(lines))
    return tomllib.loads("\n".join(lines[:cut]) + "\n")


@FUZZ
@given(st.lists(st.one_of(SIMPLE, TRICKY), max_size=8), BODY)
def test_the_head_is_what_tomllib_reads_of_the_same_keys(lines, body):
    text = "\n".join(lines) + "\n" + body
    try:
        whole = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        whole = None
    try:
        head, data = toml_head(text, "f.toml")
    except SchemeError:
        assert whole is None  # only a file tomllib refuses is refused
        return
    if data is not None:  # parsed whole: the head is the file
        assert head == data == whole
        return
    assert head == expected_head(text)  # the quick reader took only lines tomllib reads alike
    if whole is not None:
        assert all(whole[key] == value for key, value in head.items())


@pytest.mark.parametrize(
    "path",
    sorted((REPO / "schemes").glob("*.toml")) + sorted((REPO / "examples").glob("*/*/*.toml")),
    ids=lambda p: p.name,
)
def test_every_shipped_file_has_a_quick_head_that_agrees_with_tomllib(path):
    text = path.read_text(encoding="utf-8")
    head, data = toml_head(text, path)
    assert data is None, "a shipped file's head should be readable without parsing it whole"
    whole = tomllib.loads(text)
    assert head == {key: value for key, value in whole.items() if key in head}
    assert "name" in head and "version" in head and ("model" in head or "extends" in head)
