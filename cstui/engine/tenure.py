"""Tenure: complete months of service (domain.md, "Rules settled where the documents are silent").

"At least N months in the company" counts complete months of service from the hire date
to the first day of the month in which the new level takes effect: hired 2024-04-01 has
24 months on 2026-04-01; hired 2024-04-30 has 23 there (and 24 on 2026-05-01).

A month of service is complete when the hire date's day of the month comes round again,
clamped to the last day of a shorter month: hired on Jan 31, the first month is complete
on Feb 28 (Feb 29 in a leap year), the second on Mar 31. This is not the pay float's
"month of the hire date is month 1" (:func:`cstui.domain.months_between`), a separate rule.
"""

from __future__ import annotations

from datetime import date

from cstui.engine.replay import add_months


def complete_months(hired: date, on: date) -> int:
    """Complete months of service from ``hired`` to ``on`` (0 before the first is complete)."""
    months = (on.year - hired.year) * 12 + on.month - hired.month
    if months > 0 and add_months(hired, months) > on:
        months -= 1  # this month's anniversary (clamped) is still to come
    return max(months, 0)
