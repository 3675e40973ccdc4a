"""Parsing of the values people type or import: rates, seconds, counts, money, dates.

Every parser raises :class:`ValueProblem` with a short reason ("expected a rate such as
0.62 or 62%") that callers prefix with the file, row and column or the form field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class ValueProblem(ValueError):
    """A typed or imported value that does not fit its kind; the message is the reason."""


def parse_decimal(text: object, what: str = "a number") -> Decimal:
    if isinstance(text, Decimal):
        return text
    if isinstance(text, bool):
        raise ValueProblem(f"expected {what}, got {text!r}")
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    s = str(text).strip().replace(",", "")
    if not s:
        raise ValueProblem(f"expected {what}, got an empty value")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise ValueProblem(f"expected {what}, got {s!r}") from None
    if not value.is_finite():
        raise ValueProblem(f"expected {what}, got {s!r}")
    return value


def parse_rate(text: object) -> Decimal:
    """A rate as a fraction: ``0.62`` or ``62%``. ``62`` is an error, never 6200%."""
    s = str(text).strip()
    if s.endswith("%"):
        value = parse_decimal(s[:-1], "a rate such as 0.62 or 62%") / HUNDRED
    else:
        value = parse_decimal(s, "a rate such as 0.62 or 62%")
    if not ZERO <= value <= 1:
        raise ValueProblem(f"expected a rate between 0 and 1 (or 0% to 100%), got {s!r}")
    return value


def parse_non_negative(text: object, what: str = "a non-negative number") -> Decimal:
    value = parse_decimal(text, what)
    if value < 0:
        raise ValueProblem(f"expected {what}, got {value}")
    return value


def parse_count(text: object) -> int:
    value = parse_non_negative(text, "a whole count (0, 1, 2 ...)")
    if value != value.to_integral_value():
        raise ValueProblem(f"expected a whole count (0, 1, 2 ...), got {value}")
    return int(value)


def parse_rating(text: object) -> Decimal:
    """A 0-100 rating."""
    value = parse_decimal(text, "a rating from 0 to 100")
    if not ZERO <= value <= HUNDRED:
        raise ValueProblem(f"expected a rating from 0 to 100, got {value}")
    return value


def parse_money(text: object) -> Decimal:
    """Yuan, exact to the fen."""
    value = parse_decimal(text, "an amount in yuan such as 12500.50")
    if value != value.quantize(Decimal("0.01")):
        raise ValueProblem(f"expected an amount in yuan with at most 2 decimals, got {value}")
    return value


def parse_date(text: object) -> date:
    if isinstance(text, date):
        return text
    s = str(text).strip()
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise ValueProblem(f"expected a date YYYY-MM-DD, got {s!r}") from None


# Parser per metric kind, the vocabulary scheme TOML uses in ``[metrics.*] kind = ...``.
PARSERS = {
    "rate": parse_rate,
    "seconds": lambda v: parse_non_negative(v, "non-negative seconds"),
    "count": parse_count,
    "number": lambda v: parse_non_negative(v, "a non-negative number"),
    "money": parse_money,
    "rating": parse_rating,
    "points": parse_decimal,
    "text": lambda v: str(v).strip(),
}


def format_number(value: Decimal | int | None) -> str:
    """A decimal without trailing zeros: 110, 83.5, -120."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    # fast path (traces format tens of numbers per employee): the fixed-point text with its
    # trailing zeros cut is what normalize() gives, whenever normalize() would not round
    # (at most 28 digits, the default context's precision)
    text = format(value, "f")
    if len(text) <= 28 and value.is_finite():
        return text.rstrip("0").rstrip(".") if "." in text else text
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return str(normal.quantize(Decimal(1)))
    return format(normal, "f")
