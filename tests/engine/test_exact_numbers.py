"""``period_columns.exact_numbers`` (a column-wise month's numbers, issue 14) reads a text as the
kind's parser does: where the parser accepts a text of at most MAX_PLACES decimals, the same
number exactly; where it refuses one that is not plain digits, None (the per-card path words it).
A plain text ("123", "12.50") is read as it stands, whatever the kind then says of it (the card
check has passed it first); each text alike wherever it stands in the column."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.engine.cards import parse_value
from cstui.engine.period_columns import MAX_PLACES, exact_numbers

DIGITS = st.text("0123456789", min_size=0, max_size=6)
FRACTION = st.text("0123456789", min_size=0, max_size=14)  # up to past MAX_PLACES
PLAIN = st.builds(lambda w, p, f: w + p + f, DIGITS, st.sampled_from(["", ".", ".", "..", ","]), FRACTION)
ODD = st.sampled_from(
    ["", " ", " 12", "12 ", "-5", "+5", "1e3", "٣", "12.٣", "¹", "12%", "0.5%", "1,000.50", "x", "1.0000000000000"]
)
TEXT = st.none() | PLAIN | ODD | st.text(max_size=5)
KINDS = st.sampled_from(["money", "number", "count", "rate", "seconds", "rating"])


def _plain(raw) -> bool:
    whole, point, fraction = raw.partition(".") if type(raw) is str else ("", "", "")
    return whole.isdigit() and whole.isascii() and (not point or (fraction.isdigit() and fraction.isascii()))


@settings(max_examples=400, deadline=None)
@given(KINDS, st.lists(TEXT, max_size=12))
def test_numbers_are_the_parsers(kind, raws):
    numbers = exact_numbers(kind, raws)
    assert len(numbers) == len(raws)
    for raw, number in zip(raws, numbers, strict=True):
        assert number == exact_numbers(kind, [raw])[0]  # a text alike anywhere in a column
        if _plain(raw):
            whole, _, fraction = raw.partition(".")
            expected = (int(whole + fraction), len(fraction)) if len(fraction) <= MAX_PLACES else number
            assert number == expected
            continue
        try:
            value = Decimal(parse_value(kind, raw))
        except Exception:  # noqa: BLE001  (refused by the parser: no number)
            assert number is None
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()) or -value.as_tuple().exponent > MAX_PLACES:
            assert number is None
        else:
            units, places = number
            assert Fraction(units, 10**places) == Fraction(value) and places == max(-value.as_tuple().exponent, 0)
