"""five-tier's dry-run month and review in scaled integers (issue 14): a row's sums without a Decimal.

:func:`plugins.five_tier.month_columns.grade_columns` made each row's month score by Decimal
additions (the terms, or the bands' points, from 0), a division (or the cap), a bonus look-up,
and, in a review month, two ``Decimal(text)`` of the stored scores and their sum: each a few
hundred instructions, and the report then hashed every new score Decimal (a ``pow`` modulo a
prime, ~2,500 instructions) to find its cell. Here each distinct text is made once into its term
(or band value) as a whole count of 10^-:data:`TERM_PLACES` and the least exponent it brings; a
row is an integer sum and a ``min``; the score, its bonus and its count of 10^-:data:`SCALE_PLACES`
are made once per distinct (sum, exponent) by the reference's own Decimal operations and shared
by every row that has them (so the report hashes each score object once).

Why the digits agree: the reference's sums are exact when every part is finite, has at most
TERM_PLACES decimals and is below :data:`TERM_LIMIT` (the coefficients stay below 10^27, inside
28 digits); an exact Decimal sum from 0 is the exact value at the least exponent of its parts and
0 (+0 when it is zero, as rounding is not ROUND_FLOOR), so (sum, least exponent) gives the
reference's Decimal total, digit for digit. A review compares the quarter's total with each
bar x count: integers at SCALE_PLACES compare as the exact Decimals do. Anything outside the
guards (a context with fewer digits, a longer number) goes the Decimal way as before.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal, getcontext
from typing import Any

from cstui.domain.values import HUNDRED

TERM_PLACES = 12  # a term or band value with more decimals is left to the per-card path
SCALE_PLACES = 14  # a month score is a term sum / 100: two places more
TERM_LIMIT = 10**12  # a term, band value or stored score this large or larger: the same
MAX_PARTS = 1000  # items or band metrics: with TERM_LIMIT, the sums' coefficients stay below 10^27
STORED_KEPT = 100_000  # distinct stored score texts remembered (a company's repeat a few thousand)


def exact_context() -> bool:
    """The current context keeps the guarded sums exact (28 digits or more, room for the
    exponents) and an exact zero positive (not ROUND_FLOOR)."""
    context = getcontext()
    return context.prec >= 28 and context.Emax >= 28 and context.Emin <= -28 and context.rounding != ROUND_FLOOR


def scaled(number: Decimal, places: int) -> int | None:
    """``number`` x 10^``places`` when a whole number below TERM_LIMIT x 10^places (None otherwise)."""
    if type(number) is not Decimal or not number.is_finite():
        return None
    sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int) or exponent < -places:
        return None
    units = int("".join(map(str, digits)) or "0") * 10 ** (exponent + places)
    if units >= TERM_LIMIT * 10**places:
        return None
    return -units if sign else units


def part(number: Any) -> tuple[int, int] | None:
    """A term or band value as (its count of 10^-TERM_PLACES, min(0, its exponent)); None: left
    to the per-card path (not a Decimal, more places, too large)."""
    units = scaled(number, TERM_PLACES) if number is not None else None
    if units is None:
        return None
    return units, min(0, number.as_tuple().exponent)


def part_of(make: Any) -> Any:
    """``make(text)``'s Decimal (a term) or band (its points) as a :func:`part`."""

    def made(raw: object) -> tuple[int, int] | None:
        value = make(raw)
        return part(getattr(value, "value", value))

    return made


def total_of(units: int, least: int) -> Decimal:
    """The reference's exact Decimal sum from 0 of parts summing to ``units`` x 10^-TERM_PLACES
    whose least exponent (with 0's) is ``least``."""
    return Decimal(units // 10 ** (TERM_PLACES + least)).scaleb(least)


def month_mark(params: Any, units: int, least: int) -> tuple[Decimal, int | None, Any]:
    """(the month score, it x 10^SCALE_PLACES or None, its bonus) from the parts' sum, by the
    reference's operations: the weighted total / 100, or the bands' total capped."""
    total = total_of(units, least)
    if params.items:
        score = total / HUNDRED
    else:
        score = params.cap if params.cap is not None and total > params.cap else total
    return score, scaled(score, SCALE_PLACES), params.bonus.lookup(score)


def marks(params: Any, parts: list[list], memo: dict) -> list:
    """Each row's (score, scaled score, bonus), from its parts (one list per item or band metric,
    each row's :func:`part`); a row with a part None gets None. ``memo``: (sum, least) -> mark."""
    found: list = []
    for row in zip(*parts):
        if None in row:
            found.append(None)
            continue
        units, least = 0, 0
        for value, exponent in row:
            units += value
            if exponent < least:
                least = exponent
        mark = memo.get((units, least))
        if mark is None:
            if len(memo) >= STORED_KEPT:
                memo.clear()
            mark = memo[(units, least)] = month_mark(params, units, least)
        found.append(mark)
    return found


def stored_score(text: object) -> int | None:
    """A stored month score's text as a count of 10^-SCALE_PLACES (None: not such a number)."""
    known = STORED.get(text) if type(text) is str else None
    if known is None:
        try:
            known = scaled(Decimal(text), SCALE_PLACES) if type(text) is str else None
        except Exception:  # noqa: BLE001  (a text Decimal refuses: the Decimal way words it)
            known = None
        if type(text) is str and known is not None:
            if len(STORED) >= STORED_KEPT:
                STORED.clear()
            STORED[text] = known
    return known


STORED: dict[str, int] = {}  # stored score text -> its count of 10^-SCALE_PLACES (those that are such numbers)


def scaled_bars(bars: dict[int, list[Decimal]]) -> dict[int, list[int]] | None:
    """Each count's bar x count (the reference's Decimal products) at SCALE_PLACES; None if one is not such a number."""
    out = {n: [scaled(bar, SCALE_PLACES) for bar in products] for n, products in bars.items()}
    return None if any(None in products for products in out.values()) else out
