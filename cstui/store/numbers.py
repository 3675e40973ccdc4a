"""A scorecard value's exact number, as SQLite stores it: ``units`` x 10^-``scale``.

A card keeps each value as typed ("97.10", "62%", "1,200", "yes"): that text is what the
scheme parses and what a person sees again. Beside it the store keeps the value's number as
two INTEGERs, exact for every value cstui accepts (at most 15 significant digits, at most 15
decimals, magnitude at most 10^12, see :mod:`cstui.domain.values`): ``units`` is the decimal
without its point and trailing fractional zeros ("97.10" -> 971, scale 1), so ``|units|`` <
10^15 < 2^53: an int64 always, and a double exactly. A percent is its fraction ("62%" -> 62,
scale 2), as a rate reads it. Text that is no number ("yes", "1-2") has neither.

The numbers are for other tools (Datasette sorts and facets ``scorecards_view.number``) and
for SQL; grading parses the text, so a number can never change a decision.
"""

from __future__ import annotations

from decimal import Decimal

from cstui.domain.values import ValueProblem, parse_decimal

NO_NUMBER = (None, None)
# text -> (units, scale), or NO_NUMBER: a company's cards repeat a few thousand texts, and an
# import of 100,000 cards looks up each of their values
KNOWN: dict[str, tuple[int, int] | tuple[None, None]] = {}
_KNOWN_LIMIT = 200_000


def exact_units(text: object) -> tuple[int, int] | None:
    """(units, scale) of a stored value's text, or None when it is not a number cstui accepts."""
    found = units_or_none(text)
    return None if found is NO_NUMBER else found


def units_or_none(text: object) -> tuple[int, int] | tuple[None, None]:
    """(units, scale) of a value's text, or :data:`NO_NUMBER`: the two columns as stored."""
    found = KNOWN.get(text) if type(text) is str else NO_NUMBER
    if found is None:
        found = _units_of(text) or NO_NUMBER
        if len(KNOWN) >= _KNOWN_LIMIT:  # bounded: a long import sees many distinct amounts
            KNOWN.clear()
        KNOWN[text] = found
    return found


def _units_of(text: str) -> tuple[int, int] | None:
    plain = _plain_units(text)
    if plain is not None:
        return plain
    return _parsed_units(text)


def _plain_units(text: str) -> tuple[int, int] | None:
    """(units, scale) of the usual stored value, read without building a Decimal: ASCII digits,
    perhaps one point, at most 12 before it and 15 in all (a number :func:`parse_decimal`
    always accepts, below 10^12); None for any other text. An import's cards hold tens of
    thousands of distinct amounts, each looked up here once."""
    whole, point, fraction = text.partition(".")
    if not (whole.isascii() and whole.isdigit() and len(whole) <= 12):
        return None
    if not point:
        return int(whole), 0
    if not (fraction.isascii() and fraction.isdigit() and len(whole) + len(fraction) <= 15):
        return None
    fraction = fraction.rstrip("0")
    return int(whole + fraction), len(fraction)


def _parsed_units(text: str) -> tuple[int, int] | None:
    percent = text.strip().endswith("%")
    try:
        value = parse_decimal(text.strip()[:-1] if percent else text)
    except ValueProblem:
        return None
    if percent:
        value = value.scaleb(-2)  # exact: the fraction of 100
    return decimal_units(value)


def decimal_units(value: Decimal) -> tuple[int, int]:
    """A finite decimal as (units, scale), scale >= 0 and no trailing fractional zero in units."""
    sign, digits, exponent = value.as_tuple()
    units = int("".join(map(str, digits)) or "0")
    if exponent >= 0:
        return (-1 if sign else 1) * units * 10**exponent, 0
    scale = -exponent
    while scale and units % 10 == 0:
        units //= 10
        scale -= 1
    return (-1 if sign else 1) * units, scale


def units_decimal(units: int, scale: int) -> Decimal:
    """The exact decimal of (units, scale): what :func:`decimal_units` took apart."""
    return Decimal(units).scaleb(-scale)
