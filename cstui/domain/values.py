"""Parsing of the values people type or import: rates, seconds, counts, money, dates.

Every parser raises :class:`ValueProblem` with a short reason ("expected a rate such as
0.62 or 62%") that callers prefix with the file, row and column or the form field.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from cstui.errors import EXIT_INVALID, CstuiError

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class ValueProblem(CstuiError, ValueError):
    """A typed or imported value that does not fit its kind; the message is the reason."""

    exit_code = EXIT_INVALID


# A number people type or import: plain decimal notation with an optional sign, digits
# grouped by commas allowed ("12,500.50"). Exponents ("1E+28", "1e9999999") are refused: no
# field means such a number, and Decimal would build it (or int() would expand it) in time
# that grows with the exponent, not the text.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
MAX_TEXT = 40  # characters of a number's text: more is never a value a person typed
MAX_DIGITS = 15  # significant digits: what a spreadsheet keeps of a number
MAX_MAGNITUDE = Decimal(10) ** 12  # a trillion: above any amount, count or duration a card holds


def parse_decimal(text: object, what: str = "a number", limit: Decimal = MAX_MAGNITUDE) -> Decimal:
    """A finite decimal of at most 15 significant digits and magnitude at most ``limit``.

    Time is linear in the text's length; every refusal is a :class:`ValueProblem`.
    """
    if isinstance(text, bool):
        raise ValueProblem(f"expected {what}, got {text!r}")
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = _from_int(text, what, limit)
    elif isinstance(text, float):
        value = _from_float(text, what)
    else:
        value = _from_text(str(text), what)
    return _bounded(value, what, limit)


def _from_int(number: int, what: str, limit: Decimal) -> Decimal:
    if abs(number) > limit:  # compared as ints: no huge Decimal or text is ever built
        raise ValueProblem(f"expected {what} of at most {format_number(limit)}, got a number too large")
    return Decimal(number)


def _from_float(number: float, what: str) -> Decimal:
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueProblem(f"expected {what}, got {number!r}")
    # a spreadsheet cell holds a binary double: 15 significant digits are what it shows
    # (0.1 + 0.2 reads 0.3, not 0.30000000000000004)
    return Decimal(format(number, ".15g"))


def _from_text(raw: str, what: str) -> Decimal:
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS:  # the usual cell: a whole number
        return Decimal(raw)
    s = raw.strip().replace(",", "")
    if not s:
        raise ValueProblem(f"expected {what}, got an empty value")
    if len(s) > MAX_TEXT or not _PLAIN_NUMBER.fullmatch(s):
        raise ValueProblem(f"expected {what}, got {_shown(raw.strip())}")
    return Decimal(s)


def _bounded(value: Decimal, what: str, limit: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueProblem(f"expected {what}, got {value}")
    if value.copy_abs() > limit:  # copy_abs and compare are exact: no context, no overflow, any magnitude
        raise ValueProblem(
            f"expected {what} of at most {format_number(limit)}, got a number too large ({_shown(str(value))})"
        )
    _, digits, exponent = value.as_tuple()
    if len(digits) <= MAX_DIGITS and exponent >= -MAX_DIGITS:  # the usual value: nothing to count
        return value.copy_abs() if value.is_zero() else value
    if exponent < -MAX_DIGITS:  # trailing zeros of a typed fraction are fine
        value = value.normalize()
        if value.as_tuple().exponent < -MAX_DIGITS:
            raise ValueProblem(f"expected {what} with at most {MAX_DIGITS} decimals, got {_shown(str(value))}")
    if _significant(value) > MAX_DIGITS:
        raise ValueProblem(f"expected {what} of at most {MAX_DIGITS} significant digits, got {_shown(str(value))}")
    return value.copy_abs() if value.is_zero() else value  # "-0" is 0


def _significant(value: Decimal) -> int:
    """Significant digits; trailing zeros of a fraction do not count (12.50 has 3)."""
    _, digits, exponent = value.as_tuple()
    text = "".join(map(str, digits)).lstrip("0")
    if exponent < 0:
        text = text.rstrip("0")
    return max(len(text), 1)


def _shown(text: str) -> str:
    """A value quoted in a message, cut so a pasted page of digits does not fill the screen."""
    return repr(text if len(text) <= 24 else text[:20] + "…")


RATE = "a rate such as 0.62 or 62%"


def parse_rate(text: object) -> Decimal:
    """A rate as a fraction: ``0.62`` or ``62%``. ``62`` is an error, never 6200%."""
    if isinstance(text, str) and text.strip().endswith("%"):
        value = parse_decimal(text.strip()[:-1], RATE).scaleb(-2)  # exact: the fraction of 100
        if value.normalize().as_tuple().exponent < -MAX_DIGITS:  # stored as a fraction: 2 decimals more
            raise ValueProblem(
                f"expected {RATE} with at most {MAX_DIGITS - 2} decimals in a percent, got {_shown(text.strip())}"
            )
    else:
        value = parse_decimal(text, RATE)
    if not ZERO <= value <= 1:
        raise ValueProblem(f"expected a rate between 0 and 1 (or 0% to 100%), got {_shown(str(text).strip())}")
    return value


def parse_non_negative(text: object, what: str = "a non-negative number", limit: Decimal = MAX_MAGNITUDE) -> Decimal:
    value = parse_decimal(text, what, limit)
    if value < 0:
        raise ValueProblem(f"expected {what}, got {format_number(value)}")
    return value


MAX_COUNT = 10**6  # a month's follow-ups, reports or occurrences: far below a million
MAX_SECONDS = Decimal(10**6)  # eleven days: no response or handling time a card records


def parse_count(text: object) -> int:
    value = parse_non_negative(text, "a whole count (0, 1, 2 ...)", Decimal(MAX_COUNT))
    if value != value.to_integral_value():
        raise ValueProblem(f"expected a whole count (0, 1, 2 ...), got {format_number(value)}")
    return int(value)


def parse_rating(text: object) -> Decimal:
    """A 0-100 rating."""
    value = parse_decimal(text, "a rating from 0 to 100")
    if not ZERO <= value <= HUNDRED:
        raise ValueProblem(f"expected a rating from 0 to 100, got {format_number(value)}")
    return value


def parse_money(text: object) -> Decimal:
    """Yuan, exact to the fen."""
    value = parse_decimal(text, "an amount in yuan such as 12500.50")
    if value != value.quantize(Decimal("0.01")):
        raise ValueProblem(f"expected an amount in yuan with at most 2 decimals, got {format_number(value)}")
    return value


MAX_TEXT_FIELD = 1000  # characters of a free-text field (a reason, a note)


def parse_text(text: object) -> str:
    if isinstance(text, int) and not isinstance(text, bool) and abs(text) >= 10**MAX_TEXT_FIELD:
        raise ValueProblem(f"expected at most {MAX_TEXT_FIELD} characters, got a longer number")
    value = str(text).strip()
    if len(value) > MAX_TEXT_FIELD:
        raise ValueProblem(f"expected at most {MAX_TEXT_FIELD} characters, got {len(value)}")
    return value


def parse_date(text: object) -> date:
    if isinstance(text, date):
        return text
    s = str(text).strip()
    try:
        return date.fromisoformat(s) if len(s) <= MAX_TEXT else _no_date(s)
    except ValueError:
        return _no_date(s)


def _no_date(s: str) -> date:
    raise ValueProblem(f"expected a date YYYY-MM-DD, got {_shown(s)}")


# Parser per metric kind, the vocabulary scheme TOML uses in ``[metrics.*] kind = ...``.
PARSERS = {
    "rate": parse_rate,
    "seconds": lambda v: parse_non_negative(v, "non-negative seconds", MAX_SECONDS),
    "count": parse_count,
    "number": lambda v: parse_non_negative(v, "a non-negative number"),
    "money": parse_money,
    "rating": parse_rating,
    "points": parse_decimal,
    "text": parse_text,
}


def format_number(value: Decimal | int | None) -> str:
    """A decimal without trailing zeros: 110, 83.5, -120."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if type(value) is Decimal and value.is_finite():
        # a trace formats the same few hundred numbers (weights, item scores, points) for every
        # employee: remembered, each costs a look-up (equal decimals format alike once their
        # zeros are cut; zero is not remembered, as -0 and 0 are equal but shown apart)
        known = _FORMATTED.get(value)
        if known is None:
            known = _formatted(value)
            if value and len(_FORMATTED) < _FORMATTED_MAX:
                _FORMATTED[value] = known
        return known
    return _formatted(value)


_FORMATTED: dict[Decimal, str] = {}
_FORMATTED_MAX = 8192


def _formatted(value: Decimal) -> str:
    # fast path (traces format tens of numbers per employee): the fixed-point text with its
    # trailing zeros cut is what normalize() gives, whenever normalize() would not round
    # (at most 28 digits, the default context's precision)
    text = format(value, "f")
    if len(text) <= 28 and value.is_finite():
        return text.rstrip("0").rstrip(".") if "." in text else text
    if not value.is_finite():
        return str(value)  # never a card's value (the parsers refuse it); named, not a crash
    return text.rstrip("0").rstrip(".") if "." in text else text  # exact: no context rounds it
