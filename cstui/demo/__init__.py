"""A deterministic demo company: three teams, every built-in scheme, months of scorecards.

``build_demo(path)`` writes it into a new database. The same seed and last month give the
same roster, scorecards and incidents (only timestamps differ). A scripted cast
(:data:`SCENARIOS`, ids E0001..E0020) shows every outcome of the real schemes; the other
employees are generated from ``random.Random(seed)``.
"""

from __future__ import annotations

from pathlib import Path

from cstui.demo.build import DemoRefused, DemoSummary, refuse_existing, write_demo
from cstui.demo.cast import CAST
from cstui.demo.plan import Window
from cstui.domain import Period

SCENARIOS = {f"E{n:04d}": member.scenario for n, member in enumerate(CAST, start=1)}
MIN_MONTHS_FOR_SCENARIOS = 12

__all__ = ["SCENARIOS", "DemoRefused", "DemoSummary", "build_demo"]


def build_demo(
    path: str | Path,
    employees: int = 60,
    months: int = 12,
    seed: int = 7,
    end: Period | None = None,
    login: str | None = None,
) -> DemoSummary:
    """Write the demo company to ``path`` (a new or empty file) and describe it.

    ``end`` is the last month with scorecards (default: last month, see cstui.clock);
    ``login`` becomes the database's admin (default: the OS login). Every scenario of
    :data:`SCENARIOS` is present with ``employees >= len(SCENARIOS)`` and ``months >= 12``.
    """
    if employees < 1:
        raise ValueError(f"employees: expected at least 1, got {employees}")
    if months < 1:
        raise ValueError(f"months: expected at least 1, got {months}")
    if end is None:
        from cstui.clock import default_period

        end = default_period()
    if not end.is_month:
        raise ValueError(f"end: expected a month (YYYY-MM), got {end}")
    path = Path(path).expanduser()
    refuse_existing(path)
    created = not path.exists()
    try:
        return write_demo(path, employees, Window.ending(end, months), seed, login)
    except BaseException:
        if created:  # only a file this call made; never a user's
            for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                part.unlink(missing_ok=True)
        raise
