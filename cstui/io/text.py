"""Plain-text tables that line up with double-width (CJK) characters in them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def display_width(text: str) -> int:
    """Terminal columns of ``text``: wide and fullwidth characters take two, combining marks none."""
    if text.isascii():  # every ASCII character is one column: `cstui schemes` lists without unicodedata
        return len(text)
    import unicodedata

    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def render_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[bool] | None = None
) -> str:
    """Columns separated by two spaces; numeric columns right-aligned."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(value))
    numeric = numeric or [False] * len(headers)
    lines = ["  ".join(pad(h, widths[i], numeric[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(pad(v, widths[i], numeric[i]) for i, v in enumerate(row)).rstrip())
    return "\n".join(lines)
