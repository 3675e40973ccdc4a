"""The per-card reference of a model whose runs skim: its fast paths switched off for a while."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def reference(model):
    """Every month through the model's per-card path (``skims`` off), as before the fast paths;
    the class's default again on leaving."""
    model.skims = False
    try:
        yield
    finally:
        del model.skims
