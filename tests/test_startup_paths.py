"""What `cstui schemes` does without the modules it no longer imports (issue 14), against the
references they replaced: the heads' plain lines against the simple-line pattern, the copy of
TOML data against ``copy.deepcopy``, ASCII display widths against ``unicodedata``."""

from __future__ import annotations

import copy
import os
import re
import unicodedata
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.io.text import display_width
from cstui.schemes import _SIMPLE_LINE, _STRING, _copied, _plain_line, read_text, simple_line

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000"))
PIECES = ["k", "a-b", "x_1", " ", "\t", "=", " = ", '"', "'", "[", "]", ",", "#", "\\", "\x01", "\x7f", "中", '"v"']
LINES = st.lists(st.sampled_from(PIECES + ['["a", "b"]', "'s'", "# note"]), max_size=10).map("".join)


def by_pattern(line: str):
    match = re.fullmatch(_SIMPLE_LINE, line)
    if match is None:
        return None
    strings = [value[1:-1] for value in re.findall(_STRING, match[2])]
    return match[1], strings if match[2].startswith("[") else strings[0]


@settings(max_examples=EXAMPLES, deadline=None)
@given(line=LINES)
def test_a_plain_head_line_reads_as_the_pattern_reads_it(line):
    plain = _plain_line(line)
    assert plain is None or plain == by_pattern(line)
    assert simple_line(line) == by_pattern(line)


def test_every_shipped_head_line_is_read_without_the_pattern():
    from cstui.schemes import catalog

    for name in catalog().names():
        path = catalog()._raw[name].path
        for line in read_text(path).split("\n"):
            if line.startswith("["):
                break
            if line.strip() and not line.lstrip().startswith("#"):
                assert _plain_line(line.removesuffix("\r")) is not None, (path, line)


TOML = st.recursive(
    st.one_of(st.text(max_size=3), st.integers(), st.floats(allow_nan=False), st.booleans(), st.just(date(2026, 1, 2))),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=2), inner, max_size=3)),
    max_leaves=12,
)


@settings(max_examples=EXAMPLES // 4, deadline=None)
@given(value=st.dictionaries(st.text(max_size=2), TOML, max_size=4))
def test_toml_data_is_copied_as_deepcopy_copies_it(value):
    copied = _copied(value)
    assert copied == copy.deepcopy(value)
    containers = [(copied, value)]
    while containers:  # every table and array is a new one
        new, old = containers.pop()
        if isinstance(old, (dict, list)):
            assert new is not old
            pairs = zip(new.values(), old.values()) if isinstance(old, dict) else zip(new, old)
            containers.extend(pairs)


def test_an_ascii_text_is_as_wide_as_unicodedata_says():
    def reference(text: str) -> int:
        return sum(
            0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
            for ch in text
        )

    for code in range(128):
        assert display_width(chr(code) * 3) == reference(chr(code) * 3)
    assert display_width("星级 a") == reference("星级 a") == 6


def test_a_scheme_file_loses_one_byte_order_mark(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfname = 1")
    assert read_text(path) == "\ufeffname = 1"  # as utf-8-sig decodes it: one mark removed
