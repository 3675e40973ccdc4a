"""Thresholds compare exact values; rounding is for display (domain.md, "Rules settled
where the documents are silent").

A score, an average or a completion rate is compared with its threshold before any
rounding: three months at 109.995% are below 110%, a 3-month average of 80.0033 is above
80. Two helpers keep that true everywhere:

- :func:`mean` is the exact average (a :class:`~fractions.Fraction`): ``(80 + 80 + 80.01) / 3``
  is 80.00333... with no digit lost, and ``240 / 3`` is 80, never 79.999...; a Fraction
  compares exactly with the Decimal thresholds, so ``mean(...) > 80`` is the rule itself.
  (A Decimal quotient has 28 digits: an average of averages summed from rounded thirds can
  land below a threshold it exactly meets.)
- :func:`side_text` writes a compared value the way a trace shows it: rounded to the
  scheme's places, with more digits whenever the rounded text would put the value on the
  other side of (or onto) a threshold it is not on: ``109.995 < 110``, never ``110 < 110``.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Iterable, Union

from cstui.domain.values import format_number

Number = Union[Decimal, Fraction]

# extra digits a trace may add beyond the scheme's places to show the side of a threshold;
# a value closer than that to a threshold is shown rounded towards its side instead
MORE_PLACES = 8
_WIDE = Context(prec=60)


def mean(values: Iterable[Decimal | Fraction]) -> Fraction | None:
    """The exact average of ``values`` (None for none)."""
    total, count = Fraction(0), 0
    for value in values:
        total += value if isinstance(value, Fraction) else Fraction(value)
        count += 1
    return total / count if count else None


def to_decimal(value: Number, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``value`` rounded to ``places`` decimals (half up unless told): the shown value."""
    step = Decimal(1).scaleb(-places)
    if isinstance(value, Fraction):
        # 60 digits before the final rounding: a Fraction with a terminating expansion
        # (x.xx5) is exact there, a repeating one is never exactly half-way
        value = _WIDE.divide(Decimal(value.numerator), Decimal(value.denominator))
    return value.quantize(step, rounding=rounding, context=_WIDE)


def _sign(value: Number, threshold: Number) -> int:
    return (value > threshold) - (value < threshold)


def side_text(value: Number, *thresholds: Number, places: int = 2) -> str:
    """``value`` for a trace line that compares it with ``thresholds``.

    Rounded half up to ``places``; more decimals (up to ``MORE_PLACES`` more) while the
    rounded value would sit on a different side of any threshold than the exact value
    does (110.00 for 109.995 against 110). Past that, it is rounded towards its own
    side (down when below a threshold, up when above), so the text never lies about the
    side: ``109.9999999999 < 110``.
    """
    sides = [_sign(value, t) for t in thresholds]
    for p in range(places, places + MORE_PLACES + 1):
        shown = to_decimal(value, p)
        if [_sign(shown, t) for t in thresholds] == sides:
            return format_number(shown)
    last = places + MORE_PLACES
    side = next(s for s, t in zip(sides, thresholds) if _sign(shown, t) != s)
    return format_number(to_decimal(value, last, ROUND_FLOOR if side < 0 else ROUND_CEILING))
