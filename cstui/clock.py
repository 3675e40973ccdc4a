"""Today's date, overridable with ``CSTUI_TODAY=YYYY-MM-DD`` (frozen clock for tests and demos)."""

from __future__ import annotations

import os
from datetime import date

from cstui.domain.period import Period


def today() -> date:
    frozen = os.environ.get("CSTUI_TODAY")
    return date.fromisoformat(frozen) if frozen else date.today()


def default_period() -> Period:
    """The month a supervisor grades by default: the previous calendar month."""
    return Period.of_date(today()).prev()
