"""Records a store module names but a dry grading never makes, defined on first use.

They live in :mod:`cstui.store.records` (each dataclass compiles its methods when its module is
imported: ~3 million instructions apiece at every start-up); the module that always held one
keeps finding it under its own name through the ``__getattr__`` made here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def records_found_here(module: str, *names: str) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``module``: each of ``names`` is cstui.store.records' own,
    imported when first asked for; any other name is not there."""

    def __getattr__(name: str) -> Any:
        if name in names:
            from cstui.store import records

            return getattr(records, name)
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
