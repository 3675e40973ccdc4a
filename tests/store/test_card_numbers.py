"""A card value's exact number (migration m011): every value cstui accepts round-trips exactly.

Stored through SQLite as ``units`` and ``scale`` (INTEGERs), a value comes back as the same
decimal, its text as typed comes back byte for byte, and ``scorecards_view.number`` is the
double nearest to it (what ``float`` of the exact decimal is). Examples: ``CSTUI_FUZZ_EXAMPLES``
(default 2000) per property.
"""

from __future__ import annotations

import os
import sqlite3
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cstui.domain.values import MAX_DIGITS, MAX_MAGNITUDE, ValueProblem, parse_decimal, parse_rate
from cstui.store.card_rows import INSERT_VALUE, value_rows
from cstui.store.migrations import migrate
from cstui.store.numbers import decimal_units, exact_units, units_decimal

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def conn():
    """The real schema, in memory, with one employee to hang cards on."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("BEGIN")
    migrate(conn)
    conn.execute("INSERT INTO teams (id, name) VALUES ('T1', 'One')")
    conn.execute(
        "INSERT INTO employees (id, name, team, role, hire_date) VALUES ('E1', 'E', 'T1', 'agent', '2025-01-01')"
    )
    conn.execute("INSERT INTO scorecards (employee_id, period) VALUES ('E1', '2026-10')")
    yield conn
    conn.execute("ROLLBACK")
    conn.close()


def stored(conn, text: str) -> tuple:
    """(value, units, scale, number) of ``text`` written as a card's value and read back."""
    conn.execute("DELETE FROM scorecard_values")
    conn.executemany(INSERT_VALUE, value_rows("E1", "2026-10", {"m": text}))
    return conn.execute("SELECT value, units, scale, number FROM scorecards_view").fetchone()


# Decimals cstui accepts: at most 15 significant digits and 15 decimals, magnitude <= 10^12.
accepted = st.builds(
    lambda digits, places, sign: Decimal(f"{sign}{digits}").scaleb(-places),
    st.integers(0, 10**MAX_DIGITS - 1),
    st.integers(0, MAX_DIGITS),
    st.sampled_from(["", "-"]),
).filter(lambda d: d.copy_abs() <= MAX_MAGNITUDE)


def typed_forms(value: Decimal) -> list[str]:
    """Ways a person types the value: plain, with trailing zeros, with a sign, grouped by commas."""
    plain = format(value, "f")
    forms = [plain, plain + ("0" if "." in plain else ".0"), f"{value:,f}"]
    if not value.is_signed():
        forms.append("+" + plain)
    return forms


@FUZZ
@given(accepted)
@example(Decimal("999999999999.999"))
@example(Decimal("-0.000000000000001"))
@example(Decimal("1000000000000"))
@example(Decimal("0"))
def test_every_accepted_decimal_round_trips_exactly_through_sqlite(conn, value):
    for text in typed_forms(value):
        exact = parse_decimal(text)
        units, scale = exact_units(text)
        assert units_decimal(units, scale) == exact
        assert abs(units) < 2**53 and 0 <= scale <= MAX_DIGITS  # an int64, and a double exactly
        assert stored(conn, text) == (text, units, scale, float(exact))


@FUZZ
@given(st.integers(0, 10**12), st.integers(0, 13))
@example(100, 0)
@example(1, 13)
def test_a_percent_is_its_exact_fraction(conn, digits, places):
    text = format(Decimal(digits).scaleb(-places), "f") + "%"
    try:
        exact = parse_rate(text)
    except ValueProblem:  # above 100%: no rate, but still its number
        exact = parse_decimal(text[:-1]).scaleb(-2)
    units, scale = exact_units(text)
    assert units_decimal(units, scale) == exact and scale <= MAX_DIGITS + 2
    assert stored(conn, text) == (text, units, scale, float(exact))


@FUZZ
@given(st.text(min_size=1, max_size=60))
@example("1-2")
@example("1E+28")
@example("1e9999999")
@example("NaN")
@example("12,5,00.1")
@example("0.0000000000000001")  # 16 decimals: refused by the parsers, so no number
def test_any_text_comes_back_as_typed_with_a_number_only_when_it_is_one(conn, text):
    value, units, scale, number = stored(conn, text)
    assert value == text
    try:
        exact = parse_decimal(text.strip()[:-1]).scaleb(-2) if text.strip().endswith("%") else parse_decimal(text)
    except ValueProblem:
        assert (units, scale, number) == (None, None, None)
    else:
        assert units_decimal(units, scale) == exact and number == float(exact)


def test_units_drop_only_trailing_fractional_zeros():
    assert exact_units("97.10") == (971, 1)
    assert exact_units("120") == (120, 0)
    assert exact_units("1,200.50") == (12005, 1)
    assert exact_units("-0") == (0, 0)
    assert exact_units("62%") == (62, 2)
    assert exact_units("yes") is None and exact_units(None) is None
    assert decimal_units(Decimal("1E+3")) == (1000, 0)
    assert decimal_units(Decimal("2.5000000000000000000000000")) == (25, 1)  # trailing zeros past 15 decimals


DIGITS = st.text(alphabet="0123456789", max_size=17)
PLAIN = st.one_of(
    DIGITS,
    st.builds(lambda whole, fraction: f"{whole}.{fraction}", DIGITS, DIGITS),
    st.builds(lambda sign, text: sign + text, st.sampled_from(["-", "+", " ", "٣"]), DIGITS),
    st.text(alphabet="0123456789.,% ", max_size=20),
)


@FUZZ
@given(PLAIN)
@example("000000000000.000")
@example("999999999999")
@example("1000000000000")
@example("999999999999.999")
@example("12.0")
@example("97.10")
@example("0.00")
@example("5.")
@example(".5")
def test_the_plain_texts_read_without_a_decimal_have_the_parsed_units(text):
    """The import's fast path (numbers._plain_units, digits and one point) against the units of
    the parsed decimal (parse_decimal, a percent its fraction): the same, or no fast answer."""
    from cstui.store.numbers import _parsed_units, _plain_units

    plain = _plain_units(text)
    assert plain is None or plain == _parsed_units(text), (text, plain)
