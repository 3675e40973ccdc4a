"""A plain progress bar on stderr (``\\r[#####     ] 52%  52,000/100,000``), no dependency.

Drawn only when asked (the CLI asks when stderr is a terminal), redrawn at most once
per percent, so it costs nothing measurable in a 100,000-row run.
"""

from __future__ import annotations

import sys
from typing import IO

WIDTH = 30


class Progress:
    def __init__(self, total: int, enabled: bool = True, label: str = "", stream: IO[str] | None = None):
        self.total = max(0, total)
        self.enabled = enabled and self.total > 0
        self.label = label
        self.stream = stream or sys.stderr
        self.done = 0
        self._shown = -1

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        percent = min(100, self.done * 100 // self.total)
        if percent != self._shown:
            self._shown = percent
            self._draw(percent)

    def _draw(self, percent: int) -> None:
        filled = WIDTH * percent // 100
        bar = "#" * filled + " " * (WIDTH - filled)
        label = f"{self.label} " if self.label else ""
        self.stream.write(f"\r{label}[{bar}] {percent:3d}%  {min(self.done, self.total):,}/{self.total:,}")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self._shown >= 0:
            self.stream.write("\r\x1b[K")  # clear the line: the report or summary follows alone
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.finish()
