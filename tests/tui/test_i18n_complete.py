"""Every user-visible string the TUI registers has a 中文 entry (and an English one)."""

from __future__ import annotations

import importlib
import pkgutil

import cstui.tui
from cstui.tui import i18n


def test_every_registered_string_has_a_zh_entry():
    for module in pkgutil.walk_packages(cstui.tui.__path__, "cstui.tui."):
        importlib.import_module(module.name)  # each screen registers its strings on import
    assert len(i18n._STRINGS) > 100
    missing = [key for key, (en, zh) in i18n._STRINGS.items() if not zh.strip() or not en.strip()]
    assert missing == []
    ascii_only = [key for key, (en, zh) in i18n._STRINGS.items() if zh.isascii() and any(c.isalpha() for c in zh)]
    assert ascii_only == [], "a zh entry in English"
