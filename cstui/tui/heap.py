"""Keeping Python's cyclic garbage collector off the keys of a TUI that holds 100,000 graded rows.

A full collection walks every container object the process tracks. The board holds three per
graded result (the result, its flags, its trace), so at 100,000 employees one full collection
took 0.2-0.5 s (more on a loaded machine), and the interpreter runs one whenever its oldest
generation has grown by a quarter: several while the rows arrive, and now and then on a key
afterwards. Every thread stops meanwhile: the screen, and the grading thread that hands the
workers their next tasks.

:func:`settle` collects what is not yet frozen (cheap: only what came since the last settle)
and freezes the survivors (``gc.freeze``): later collections skip them. Nothing cyclic dies
frozen unnoticed for long: :func:`release` (called before each new grading and when the app
ends) unfreezes everything, so the next full collection sees it again.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect the objects made since the last settle, then freeze what survived."""
    gc.collect()  # the frozen are not walked: this costs what came since the last freeze
    gc.freeze()


def release() -> None:
    """Unfreeze every frozen object (the next full collection walks them again)."""
    gc.unfreeze()


def frozen() -> int:
    return gc.get_freeze_count()
