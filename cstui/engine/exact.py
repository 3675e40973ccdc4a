"""Thresholds compare exact values; rounding is for display (domain.md, "Rules settled
where the documents are silent").

A score, an average or a completion rate is compared with its threshold before any
rounding: three months at 109.995% are below 110%, a 3-month average of 80.0033 is above
80. These helpers keep that true everywhere:

- :class:`Mean` is an exact average kept as its total and count, and compared by
  cross-multiplying (``total > 3 × 80``, never ``total / 3 > 80``): ``(80 + 80 + 80.01) / 3``
  is above 80 and ``240 / 3`` is exactly 80, never 79.999.... It compares with Decimals,
  ints and other Means like a number, so ranks, grade bands and thresholds take it as is.
  A Decimal quotient would keep 28 digits, and an average of such quotients can land just
  below a threshold it exactly meets.
- :func:`mean_of` is the exact average of averages (a :class:`~fractions.Fraction`).
- :func:`side_text` writes a compared value the way a trace shows it: rounded to the
  scheme's places, with more digits whenever the rounded text would put the value on the
  other side of (or onto) a threshold it is not on: ``109.995 < 110``, never ``110 < 110``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction

from cstui.domain.values import format_number

# extra digits a trace may add beyond the scheme's places to show the side of a threshold;
# a value closer than that to a threshold is shown rounded towards its side instead
MORE_PLACES = 8
# the display rounding of an average of averages divides at 60 digits first (see to_decimal)
_WIDE = Context(prec=60)
_STEPS = tuple(Decimal(1).scaleb(-p) for p in range(16))


class Mean:
    """The exact average ``total / count`` of some Decimals (count >= 1).

    Sums and products use the default 28-digit context: exact for scores and thresholds
    people type (at most 15 significant digits), and cheap: every review compares one.
    """

    __slots__ = ("total", "count")

    def __init__(self, total: Decimal, count: int):
        self.total, self.count = total, count

    @classmethod
    def of(cls, values: Iterable[Decimal]) -> Mean | None:
        """The average of ``values``; None for none."""
        values = list(values)
        return cls(sum(values, Decimal(0)), len(values)) if values else None

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.total) / self.count

    def _cmp(self, other: object) -> int | None:
        if type(other) is Decimal or type(other) is int:
            left, right = self.total, other * self.count
        elif isinstance(other, Mean):
            if self.count == other.count:  # the common case in a team: compare the totals
                left, right = self.total, other.total
            else:
                left, right = self.total * other.count, other.total * self.count
        elif type(other) is Fraction:
            left, right = self.fraction, other
        else:
            return None
        return (left > right) - (left < right)

    def __eq__(self, other: object) -> bool:
        c = self._cmp(other)
        return NotImplemented if c is None else c == 0

    def __lt__(self, other: object) -> bool:
        c = self._cmp(other)
        return NotImplemented if c is None else c < 0

    def __le__(self, other: object) -> bool:
        c = self._cmp(other)
        return NotImplemented if c is None else c <= 0

    def __gt__(self, other: object) -> bool:
        c = self._cmp(other)
        return NotImplemented if c is None else c > 0

    def __ge__(self, other: object) -> bool:
        c = self._cmp(other)
        return NotImplemented if c is None else c >= 0

    def __hash__(self) -> int:  # equal to the hash of an equal Decimal or Fraction
        return hash(self.fraction)

    def __repr__(self) -> str:
        return f"Mean({self.total} / {self.count})"


Number = Decimal | Fraction | Mean


def mean_of(values: Iterable[Mean | Decimal | Fraction]) -> Fraction | None:
    """The exact average of averages (None for none): rare, so Fractions are fine."""
    total, count = Fraction(0), 0
    for value in values:
        total += value.fraction if isinstance(value, Mean) else Fraction(value)
        count += 1
    return total / count if count else None


def to_decimal(value: Number, places: int | Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``value`` rounded to ``places`` decimals (or to a step such as 0.01), half up unless
    told: the shown value."""
    step = places if type(places) is Decimal else _STEPS[places] if places < len(_STEPS) else Decimal(1).scaleb(-places)
    if type(value) is Decimal:
        pass
    elif type(value) is Mean:
        # a 28-digit quotient before the final rounding: a terminating average (x.xx5) is
        # exact there, a repeating one is never exactly half-way
        value = value.total / value.count
    else:  # a Fraction
        value = _WIDE.divide(Decimal(value.numerator), Decimal(value.denominator))
    return value.quantize(step, rounding=rounding)


def _sign(value: Number, threshold: Number) -> int:
    if type(value) is Mean:
        return value._cmp(threshold)  # type: ignore[return-value]
    return (value > threshold) - (value < threshold)


def side_text(value: Number, *thresholds: Number, places: int = 2) -> str:
    """``value`` for a trace line that compares it with ``thresholds``.

    Rounded half up to ``places``; more decimals (up to ``MORE_PLACES`` more) while the
    rounded value would sit on a different side of any threshold than the exact value
    does (110.00 for 109.995 against 110). Past that, it is rounded towards its own
    side (down when below a threshold, up when above), so the text never lies about the
    side: ``109.9999999999 < 110``.

    The common case first (an apply shows a few of these per employee): the value rounded
    once to ``places``, on every threshold's side as the exact value is. Anything else is
    :func:`side_text_reference`'s, which gives the same text in every case (a property test
    holds the two together).
    """
    kind = type(value)
    if places >= len(_STEPS) or (kind is not Decimal and kind is not Mean):
        return side_text_reference(value, *thresholds, places=places)
    exact = value if kind is Decimal else value.total / value.count
    try:
        shown = exact.quantize(_STEPS[places], rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too many digits for the context: the reference says how it is shown
        return side_text_reference(value, *thresholds, places=places)
    if kind is Decimal and shown == value:  # no more decimals than places: shown as it is
        return format_number(shown)
    for t in thresholds:
        if (shown > t) - (shown < t) != _sign(value, t):
            return side_text_reference(value, *thresholds, places=places)
    return format_number(shown)


def side_text_reference(value: Number, *thresholds: Number, places: int = 2) -> str:
    """:func:`side_text` the plain way: the reference its fast path is tested against."""
    if type(value) is Decimal:  # no more decimals than places: shown as it is
        text = format_number(value)
        dot = text.find(".")
        if dot < 0 or len(text) - dot - 1 <= places:
            return text
    bars = tuple(dict.fromkeys(thresholds))
    sides = [_sign(value, t) for t in bars]
    for p in range(places, places + MORE_PLACES + 1):
        shown = to_decimal(value, p)
        for t, side in zip(bars, sides):
            if (shown > t) - (shown < t) != side:
                break  # the rounded text would be on another side of t: more digits
        else:
            return format_number(shown)
    return format_number(to_decimal(value, places + MORE_PLACES, ROUND_FLOOR if side < 0 else ROUND_CEILING))
