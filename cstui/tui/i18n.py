"""English and 简体中文 strings of the TUI.

Each screen module registers its own strings with :func:`register` (key → (en, zh)),
so two screens never edit one big table. Unknown keys show the key itself.
"""

from __future__ import annotations

from cstui.io.localize import lang_from_env  # noqa: F401  (the TUI and batch read LANG alike)

LANGS = ("en", "zh")
_STRINGS: dict[str, tuple[str, str]] = {}


def register(strings: dict[str, tuple[str, str]]) -> None:
    _STRINGS.update(strings)


def translate(key: str, lang: str, **values: object) -> str:
    pair = _STRINGS.get(key)
    text = key if pair is None else pair[1 if lang == "zh" else 0]
    return text.format(**values) if values else text
