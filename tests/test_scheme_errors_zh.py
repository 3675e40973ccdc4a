"""A scheme file that cannot be read or loaded reads in 中文 under --lang zh: still naming the
file (and line, column or TOML key), its English as it always was."""

from __future__ import annotations

import re

import pytest

from cstui.io.localize import user_message
from cstui.schemes import SchemeError, read_toml


def english_words(text: str, allowed: set[str]) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", text)) - allowed


def test_a_file_not_in_utf8_reads_in_chinese(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_bytes(b'name = "\xff"\n')
    with pytest.raises(SchemeError) as raised:
        read_toml(path)
    assert str(raised.value) == f"{path}: not UTF-8 text (byte 0xff at offset 8); save the file as UTF-8"
    zh = user_message(raised.value, "zh")
    assert zh.startswith(f"{path}：") and "0xff" in zh and "另存为" in zh
    assert english_words(zh.replace(str(path), ""), {"UTF", "xff"}) == set()


def test_an_extends_that_is_not_a_name_reads_in_chinese_naming_the_key(tmp_path):
    from cstui.schemes import SchemeCatalog

    path = tmp_path / "acme.toml"
    path.write_text('name = "acme"\nextends = 3\n', encoding="utf-8")
    with pytest.raises(SchemeError) as raised:
        SchemeCatalog().get(str(path))
    assert str(raised.value) == f"{path}: extends: expected a scheme name or a .toml path"
    zh = user_message(raised.value, "zh")
    assert zh == f"{path}：extends：应为方案名称或 .toml 文件路径"
