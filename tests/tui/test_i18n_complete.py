"""Every user-visible string the TUI registers has a 中文 entry (and an English one)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

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


def test_every_binding_description_is_a_registered_string():
    # descriptions are i18n keys (tui/guard.py translates them for the footer, help and palette)
    modules = [importlib.import_module(m.name) for m in pkgutil.walk_packages(cstui.tui.__path__, "cstui.tui.")]
    unregistered = set()
    for module in modules:
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, DOMNode) and cls.__module__ == module.__name__):
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                description = binding.description if isinstance(binding, Binding) else (binding[2:3] or [""])[0]
                if description and description not in i18n._STRINGS:
                    unregistered.add(f"{cls.__qualname__}: {description}")
    assert sorted(unregistered) == []


# what a 中文 entry may spell in Latin letters: key names, file formats, the product and its
# commands, a date's pattern, the import's column names (typed as they are in any language)
LATIN_IN_ZH = {"Esc", "Tab", "ctrl", "UTC", "cstui", "whatif", "TOML", "toml", "acme", "SVG", "CSV", "XLSX", "UTF"}
LATIN_IN_ZH |= {"YYYY", "name", "team", "role", "login", "scheme", "level"}


def test_no_zh_entry_has_an_english_word():
    import re

    for module in pkgutil.walk_packages(cstui.tui.__path__, "cstui.tui."):
        importlib.import_module(module.name)
    english = {
        key: words
        for key, (_en, zh) in i18n._STRINGS.items()
        if (words := set(re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]{3,}(?![A-Za-z0-9_])", re.sub(r"\{[^}]*\}", "", zh))))
        - LATIN_IN_ZH
    }
    assert english == {}, "a 中文 entry with English in it"
