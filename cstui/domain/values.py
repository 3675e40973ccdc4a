"""Parsing of the values people type or import: rates, seconds, counts, money, dates.

Every parser raises :class:`ValueProblem` with a short reason ("expected a rate such as
0.62 or 62%") that callers prefix with the file, row and column or the form field.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from cstui.domain import texts
from cstui.domain.texts import Line, line
from cstui.errors import EXIT_INVALID, CstuiError

ZERO = Decimal(0)
HUNDRED = Decimal(100)

RATE = "a rate such as 0.62 or 62%"
COUNT = "a whole count (0, 1, 2 ...)"
RATING = "a rating from 0 to 100"

# what a value should be, by the English a parser is given (a caller's own stays English)
WHAT = {
    "a number": ("value.what.number", "数字"),
    "a non-negative number": ("value.what.non_negative", "非负数"),
    COUNT: ("value.what.count", "整数计数（0、1、2……）"),
    RATING: ("value.what.rating", "0 到 100 的评分"),
    "an amount in yuan such as 12500.50": ("value.what.money", "以元为单位的金额（如 12500.50）"),
    RATE: ("value.what.rate", "比率（如 0.62 或 62%）"),
}

texts.register({key: (en, zh) for en, (key, zh) in WHAT.items()})
texts.register(
    {
        "value.got": ("expected {what}, got {got}", "应为{what}，实际为 {got}"),
        "value.empty": ("expected {what}, got an empty value", "应为{what}，实际为空"),
        "value.too_large": (
            "expected {what} of at most {limit}, got a number too large",
            "应为不超过 {limit} 的{what}，实际数值过大",
        ),
        "value.too_large_shown": (
            "expected {what} of at most {limit}, got a number too large ({got})",
            "应为不超过 {limit} 的{what}，实际数值过大（{got}）",
        ),
        "value.decimals": (
            "expected {what} with at most {n} decimals, got {got}",
            "应为最多 {n} 位小数的{what}，实际为 {got}",
        ),
        "value.digits": (
            "expected {what} of at most {n} significant digits, got {got}",
            "应为最多 {n} 位有效数字的{what}，实际为 {got}",
        ),
        "value.percent_decimals": (
            "expected {what} with at most {n} decimals in a percent, got {got}",
            "应为百分数中最多 {n} 位小数的{what}，实际为 {got}",
        ),
        "value.rate_range": (
            "expected a rate between 0 and 1 (or 0% to 100%), got {got}",
            "应为 0 到 1（或 0% 到 100%）之间的比率，实际为 {got}",
        ),
        "value.money_fen": (
            "expected an amount in yuan with at most 2 decimals, got {got}",
            "应为最多 2 位小数的金额（元），实际为 {got}",
        ),
        "value.text_long_number": (
            "expected at most {n} characters, got a longer number",
            "应不超过 {n} 个字符，实际为更长的数字",
        ),
        "value.text_long": ("expected at most {n} characters, got {got}", "应不超过 {n} 个字符，实际为 {got} 个"),
        "value.date": ("expected a date YYYY-MM-DD, got {got}", "应为日期（年-月-日，如 2026-10-01），实际为 {got}"),
    }
)


def _what(what: str) -> Line | str:
    """What a value should be, as a line when it is one of the parsers' own descriptions."""
    known = WHAT.get(what)
    return line(known[0]) if known else what


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
        raise ValueProblem(line("value.got", what=_what(what), got=repr(text)))
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
        raise ValueProblem(line("value.too_large", what=_what(what), limit=format_number(limit)))
    return Decimal(number)


def _from_float(number: float, what: str) -> Decimal:
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueProblem(line("value.got", what=_what(what), got=repr(number)))
    # a spreadsheet cell holds a binary double: 15 significant digits are what it shows
    # (0.1 + 0.2 reads 0.3, not 0.30000000000000004)
    return Decimal(format(number, ".15g"))


def _from_text(raw: str, what: str) -> Decimal:
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS:  # the usual cell: a whole number
        return Decimal(raw)
    s = raw.strip().replace(",", "")
    if not s:
        raise ValueProblem(line("value.empty", what=_what(what)))
    if len(s) > MAX_TEXT or not _PLAIN_NUMBER.fullmatch(s):
        raise ValueProblem(line("value.got", what=_what(what), got=_shown(raw.strip())))
    return Decimal(s)


def _bounded(value: Decimal, what: str, limit: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueProblem(line("value.got", what=_what(what), got=str(value)))
    if value.copy_abs() > limit:  # copy_abs and compare are exact: no context, no overflow, any magnitude
        raise ValueProblem(
            line("value.too_large_shown", what=_what(what), limit=format_number(limit), got=_shown(str(value)))
        )
    _, digits, exponent = value.as_tuple()
    if len(digits) <= MAX_DIGITS and exponent >= -MAX_DIGITS:  # the usual value: nothing to count
        return value.copy_abs() if value.is_zero() else value
    if exponent < -MAX_DIGITS:  # trailing zeros of a typed fraction are fine
        value = value.normalize()
        if value.as_tuple().exponent < -MAX_DIGITS:
            raise ValueProblem(line("value.decimals", what=_what(what), n=MAX_DIGITS, got=_shown(str(value))))
    if _significant(value) > MAX_DIGITS:
        raise ValueProblem(line("value.digits", what=_what(what), n=MAX_DIGITS, got=_shown(str(value))))
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


def parse_rate(text: object) -> Decimal:
    """A rate as a fraction: ``0.62`` or ``62%``. ``62`` is an error, never 6200%."""
    if isinstance(text, str) and text.strip().endswith("%"):
        value = parse_decimal(text.strip()[:-1], RATE).scaleb(-2)  # exact: the fraction of 100
        if value.normalize().as_tuple().exponent < -MAX_DIGITS:  # stored as a fraction: 2 decimals more
            raise ValueProblem(
                line("value.percent_decimals", what=_what(RATE), n=MAX_DIGITS - 2, got=_shown(text.strip()))
            )
    else:
        value = parse_decimal(text, RATE)
    if not ZERO <= value <= 1:
        raise ValueProblem(line("value.rate_range", got=_shown(str(text).strip())))
    return value


def parse_non_negative(text: object, what: str = "a non-negative number", limit: Decimal = MAX_MAGNITUDE) -> Decimal:
    value = parse_decimal(text, what, limit)
    if value < 0:
        raise ValueProblem(line("value.got", what=_what(what), got=format_number(value)))
    return value


MAX_COUNT = 10**6  # a month's follow-ups, reports or occurrences: far below a million
MAX_SECONDS = Decimal(10**6)  # eleven days: no response or handling time a card records


def parse_count(text: object) -> int:
    value = parse_non_negative(text, COUNT, Decimal(MAX_COUNT))
    if value != value.to_integral_value():
        raise ValueProblem(line("value.got", what=_what(COUNT), got=format_number(value)))
    return int(value)


def parse_rating(text: object) -> Decimal:
    """A 0-100 rating."""
    value = parse_decimal(text, RATING)
    if not ZERO <= value <= HUNDRED:
        raise ValueProblem(line("value.got", what=_what(RATING), got=format_number(value)))
    return value


FEN = Decimal("0.01")  # built once: parse_money checked every amount against a new one
MAX_PLAIN_YUAN = 12  # digits before the point of a plain amount: below MAX_MAGNITUDE, a trillion
# The texts parse_money's first test reads as they stand (ASCII digits, at least one, at most
# MAX_PLAIN_YUAN before the point and 2 after it): valid amounts a column-wise card check takes
# on sight, matched in C (engine.cards._unseen; a month's cards are nearly all distinct amounts,
# and parsing each only to learn it parses was most of star-levels' check)
PLAIN_MONEY = re.compile(rf"[0-9]{{1,{MAX_PLAIN_YUAN}}}(?:\.[0-9]{{0,2}})?|\.[0-9]{{1,2}}")


def parse_money(text: object) -> Decimal:
    """Yuan, exact to the fen."""
    if type(text) is str and text.isascii():
        # the usual cell ("98032", "12500.5"): ASCII digits, at most one point and 2 decimals,
        # at most 14 digits, is a value parse_decimal would return unchanged (under its limits,
        # never -0, whole fen), so Decimal reads it directly
        yuan, _, fen = text.partition(".")
        if len(fen) <= 2 and len(yuan) <= MAX_PLAIN_YUAN and (yuan + fen).isdigit():
            return Decimal(text)
    value = parse_decimal(text, "an amount in yuan such as 12500.50")
    if value != value.quantize(FEN):
        raise ValueProblem(line("value.money_fen", got=format_number(value)))
    return value


MAX_TEXT_FIELD = 1000  # characters of a free-text field (a reason, a note)


def parse_text(text: object) -> str:
    if isinstance(text, int) and not isinstance(text, bool) and abs(text) >= 10**MAX_TEXT_FIELD:
        raise ValueProblem(line("value.text_long_number", n=MAX_TEXT_FIELD))
    value = str(text).strip()
    if len(value) > MAX_TEXT_FIELD:
        raise ValueProblem(line("value.text_long", n=MAX_TEXT_FIELD, got=len(value)))
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
    raise ValueProblem(line("value.date", got=_shown(s)))


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
# By kind, a test (in C) of texts its parser takes as valid on sight: a check asks it before parsing
VALID_ON_SIGHT = {"money": PLAIN_MONEY.fullmatch}


def format_number(value: Decimal | int | None) -> str:
    """A decimal without trailing zeros: 110, 83.5, -120."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if type(value) is Decimal:
        # a trace formats the same few hundred numbers (weights, item scores, points) for every
        # employee: remembered by the value's own text (its sign, digits and exponent exactly,
        # so 0 and -0 apart), not by the Decimal: a fresh Decimal's first hash costs ~2,700
        # instructions, more than formatting it, its text a few hundred
        key = str(value)
        known = _FORMATTED.get(key)
        if known is None:
            known = _formatted(value)
            if len(_FORMATTED) < _FORMATTED_MAX:
                _FORMATTED[key] = known
        return known
    return _formatted(value)


_FORMATTED: dict[str, str] = {}  # {a Decimal's str: its text here}
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
