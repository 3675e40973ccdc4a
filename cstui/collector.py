"""Python's cyclic garbage collector, paused while a burst of short-lived objects is made.

An import's 100,000 rows and a team's story make hundreds of thousands of dicts, tuples and
results that form no cycles: reference counting frees them. Their number alone sets off the
collector, which then walks the whole heap (an import's growing rows, a TUI's ~80,000 objects)
again and again for nothing. Cycles made meanwhile are collected after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, back on after if it was on. Another thread's pause may
    end it early (then that block is only slower)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
