"""The two settled rules as the second-wave models use them (domain.md, "Rules settled where
the documents are silent"): thresholds compare exact values, and tenure counts complete
months of service to the first day of the month a change takes effect.

Branch ``settled-rules`` adds the engine's own helpers for both (``cstui.engine.exact`` and
``cstui.engine.tenure``), with the same signatures and the same answers. Once it is merged,
this module's body becomes the one line::

    from cstui.engine.exact import side_text, to_decimal; from cstui.engine.tenure import complete_months  # noqa

and :func:`exact_mean` may stay (a Fraction compares with any threshold exactly).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Iterable, Union

from cstui.domain.values import format_number

Number = Union[Decimal, Fraction]
MORE_PLACES = 8  # extra digits a trace may show to keep a value on its side of a threshold
_WIDE = Context(prec=60)


def exact_mean(values: Iterable[Decimal]) -> Fraction | None:
    """The exact average of ``values`` (None for none): never rounded before a decision."""
    values = list(values)
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values) if values else None


def to_decimal(value: Number, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``value`` rounded half up (unless told) to ``places`` decimals: display only."""
    if isinstance(value, Fraction):
        value = _WIDE.divide(Decimal(value.numerator), Decimal(value.denominator))
    return value.quantize(Decimal(1).scaleb(-places), rounding=rounding, context=_WIDE)


def _sign(value: Number, threshold: Number) -> int:
    return (value > threshold) - (value < threshold)


def side_text(value: Number, *thresholds: Number, places: int = 2) -> str:
    """``value`` rounded to ``places`` for a trace, with more digits while the rounded text
    would sit on another side of a threshold than the value does (``109.995 < 110``)."""
    sides = [_sign(value, t) for t in thresholds]
    for p in range(places, places + MORE_PLACES + 1):
        shown = to_decimal(value, p)
        if [_sign(shown, t) for t in thresholds] == sides:
            return format_number(shown)
    side = next(s for s, t in zip(sides, thresholds) if _sign(shown, t) != s)
    return format_number(to_decimal(value, places + MORE_PLACES, ROUND_FLOOR if side < 0 else ROUND_CEILING))


def complete_months(hired: date, on: date) -> int:
    """Complete months of service from ``hired`` to ``on``: hired 2024-04-01 has 24 on
    2026-04-01, hired 2024-04-30 has 23 (a hire day past a month's end counts on its last day)."""
    months = (on.year - hired.year) * 12 + on.month - hired.month
    if months > 0:
        ordinal = hired.year * 12 + hired.month - 1 + months
        year, month = divmod(ordinal, 12)
        anniversary = date(year, month + 1, min(hired.day, calendar.monthrange(year, month + 1)[1]))
        if anniversary > on:
            months -= 1
    return max(months, 0)
