"""Periods and the values people type: parsing, boundaries, round trips."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, astuple, dataclass
from datetime import date
from decimal import Decimal
from decimal import Decimal as _D

import pytest
from hypothesis import assume as _assume
from hypothesis import given
from hypothesis import given as _given
from hypothesis import strategies as _st
from hypothesis import strategies as st

from cstui.domain import Period, PeriodError, ValueProblem, months_between
from cstui.domain.texts import line
from cstui.domain.values import format_number, parse_count, parse_decimal, parse_money, parse_rate

months = st.builds(Period.month, st.integers(2000, 2100), st.integers(1, 12))


@given(months)
def test_month_text_round_trips_and_steps_by_one(month):
    assert Period.parse(str(month)) == month
    assert month.next().ordinal == month.ordinal + 1
    assert month.next().prev() == month
    assert month in month.quarter.months()


@given(st.integers(2000, 2100), st.integers(1, 4))
def test_quarter_has_three_consecutive_months(year, q):
    quarter = Period.parse(f"{year}-Q{q}")
    first, second, third = quarter.months()
    assert (second.ordinal - first.ordinal, third.ordinal - second.ordinal) == (1, 1)
    assert third.completes_quarter() and not first.completes_quarter()
    assert str(quarter) == f"{year}-Q{q}"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "26-10", "2026/10", "", "2026-1"])
def test_bad_periods_say_what_was_expected(text):
    with pytest.raises(PeriodError, match="YYYY-MM"):
        Period.parse(text)


def test_year_boundaries():
    assert Period.parse("2026-12").next() == Period.parse("2027-01")
    assert Period.parse("2026-Q4").next() == Period.parse("2027-Q1")
    assert Period.parse("2026-11").quarter == Period.parse("2026-Q4")


def test_hire_month_is_month_one():
    assert months_between(date(2026, 3, 31), Period.parse("2026-03")) == 1
    assert months_between(date(2026, 3, 1), Period.parse("2026-04")) == 2


# --- Period is interned and hand-written for speed: it must behave as the frozen dataclass it replaced.


@dataclass(frozen=True, order=True, slots=True)
class DataclassPeriod:
    """The old Period's fields, equality, hash and order: the reference for the fast one."""

    year: int
    kind: str
    index: int


periods = st.one_of(
    st.builds(Period.month, st.integers(1990, 2110), st.integers(1, 12)),
    st.builds(lambda y, q: Period.parse(f"{y}-Q{q}"), st.integers(1990, 2110), st.integers(1, 4)),
)


def reference(period):
    return DataclassPeriod(period.year, period.kind, period.index)


def made_every_way(period):
    """The same period built by each route: constructor, keywords, parse, month, from_ordinal, shift, pickle, copy."""
    made = [
        Period(period.year, period.kind, period.index),
        Period(year=period.year, kind=period.kind, index=period.index),
        Period.parse(str(period)),
        Period.parse(f" {period} "),
        period.next().prev(),
        period.shift(3).shift(-3),
        pickle.loads(pickle.dumps(period)),
        copy.copy(period),
        copy.deepcopy(period),
    ]
    if period.is_month:
        made += [
            Period.month(period.year, period.index),
            Period.from_ordinal(period.ordinal),
            Period.of_date(date(period.year, period.index, 28)),
        ]
    return made


@given(periods, periods)
def test_period_equality_hash_and_order_are_the_dataclass_tuple_ones(a, b):
    ra, rb = reference(a), reference(b)
    for x in made_every_way(a):
        for y in made_every_way(b):
            assert (x == y, x != y) == (ra == rb, ra != rb)
            assert (x < y, x <= y, x > y, x >= y) == (ra < rb, ra <= rb, ra > rb, ra >= rb)
        assert hash(x) == hash(ra) and x == a
    assert sorted([b, a, b]) == [Period(*astuple(r)) for r in sorted([rb, ra, rb])]
    assert {a, b} == {Period(*astuple(ra)), Period(*astuple(rb))}


@given(periods)
def test_a_period_is_one_shared_object_and_survives_pickle_and_copy(period):
    assert all(made is period for made in made_every_way(period))
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps({period: [period]}, protocol)) == {period: [period]}
    assert repr(period) == repr(reference(period)).replace("DataclassPeriod", "Period")
    assert period != astuple(reference(period)) and period != str(period)
    with pytest.raises(TypeError):
        _ = period < astuple(reference(period))


@given(periods)
def test_period_arithmetic_is_the_old_arithmetic(period):
    first = period.year * 12 + (period.index if period.is_month else period.index * 3 - 2) - 1
    assert period.ordinal == first
    assert [m.ordinal for m in period.months()] == list(range(first, first + (1 if period.is_month else 3)))
    assert period.quarter == (period if period.is_quarter else Period(period.year, "Q", (period.index - 1) // 3 + 1))
    assert period.last_month == period.months()[-1] and period.first_day == date(
        period.year, period.months()[0].index, 1
    )
    assert str(period) == (
        f"{period.year:04d}-{period.index:02d}" if period.is_month else f"{period.year:04d}-Q{period.index}"
    )
    assert period.contains(period.first_day) and not period.contains(period.last_month.next().first_day)
    assert period.completes_quarter() == (period.is_month and period.index % 3 == 0)


@given(periods)
def test_months_is_a_new_list_each_time(period):
    months = period.months()
    months.append(period.next())
    months[0] = None
    assert period.months() == [Period.from_ordinal(period.ordinal + i) for i in range(len(period.months()))]
    assert None not in period.months()


@given(periods, st.sampled_from(["year", "kind", "index", "ordinal", "is_month", "new_field"]))
def test_a_period_cannot_be_changed(period, field):
    with pytest.raises(FrozenInstanceError):
        setattr(period, field, 1)
    with pytest.raises(FrozenInstanceError):
        delattr(period, field)
    assert period == Period(*astuple(reference(period)))


@given(
    st.dates(date(1990, 1, 1), date(2110, 12, 31)), st.builds(Period.month, st.integers(1990, 2110), st.integers(1, 12))
)
def test_months_between_counts_the_hire_month_as_one(hired, month):
    assert months_between(hired, month) == month.ordinal - Period.of_date(hired).ordinal + 1


@pytest.mark.parametrize(
    "text, expected", [("62%", "0.62"), ("0.62", "0.62"), ("100%", "1"), ("0", "0"), (" 59.99% ", "0.5999")]
)
def test_rates_read_as_fractions_or_percent(text, expected):
    assert parse_rate(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["62", "1.01", "-0.1", "101%", "abc", ""])
def test_a_rate_outside_0_to_1_is_an_error_not_a_percentage(text):
    with pytest.raises(ValueProblem, match="rate"):
        parse_rate(text)


def test_money_is_exact_and_counts_are_whole():
    assert parse_money("12,500.50") == Decimal("12500.50")
    with pytest.raises(ValueProblem):
        parse_money("1.005")
    assert parse_count("3") == 3
    with pytest.raises(ValueProblem, match="whole count"):
        parse_count("2.5")
    with pytest.raises(ValueProblem):
        parse_count("-1")


def test_format_number_drops_trailing_zeros():
    assert [format_number(Decimal(v)) for v in ("110.00", "83.50", "-120", "0.0")] == ["110", "83.5", "-120", "0"]


# ------------------------------------------------------------------ format_number fast path


def _format_number_reference(value):
    """format_number as first written (normalize, then integral or fixed-point)."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return str(normal.quantize(_D(1)))
    return format(normal, "f")


@_given(
    _st.decimals(allow_nan=False, allow_infinity=False, places=None)
    | _st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6)
)
def test_format_number_fast_path_matches_normalize(value):
    """Up to the context's 28 digits, what normalize() gave; beyond, the exact value (never a
    rounded one, never an InvalidOperation: a stored 1E+28 is named in a message, not a crash)."""
    from cstui.domain.values import format_number

    text = format_number(value)
    assert "E" not in text and _D(text) == value
    if "." in text:
        assert not text.endswith("0")
    try:
        expected = _format_number_reference(value)
    except ArithmeticError:  # beyond the context's precision: exact text, checked above
        return
    if len(value.as_tuple().digits) <= 28:
        assert text == expected


def test_format_number_edge_cases():
    from cstui.domain.values import format_number

    for text in ("0", "-0", "-0.00", "0E-5", "1E+2", "110.00", "83.50", "-120", "0.0001", "1.5E+3", "-0.5"):
        assert format_number(_D(text)) == _format_number_reference(_D(text)), text
    # more than 28 digits: exact, where normalize() rounded to the context's precision
    assert format_number(_D("12345678901234567890.123456789")) == "12345678901234567890.123456789"
    assert format_number(_D("1E+28")) == "1" + "0" * 28


@_given(
    _st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6),
    _st.integers(0, 6),
)
def test_format_number_remembers_a_number_whatever_its_zeros(value, zeros):
    """format_number remembers the numbers it formatted (a trace formats the same ones for every
    employee): an equal decimal written with more zeros, formatted first or second, reads the same."""
    from cstui.domain.values import _formatted, format_number

    _assume(value)  # adding zeros to -0 makes it 0: zero's sign has its own test below
    padded = value + _D(f"0.{'0' * zeros}") if zeros else value
    first, second = (value, padded) if zeros % 2 else (padded, value)
    assert format_number(first) == format_number(second) == format_number(first) == _formatted(value)


def test_format_number_keeps_the_sign_of_zero_after_remembering():
    from cstui.domain.values import format_number

    assert [format_number(_D(t)) for t in ("0", "-0", "0.00", "-0.0", "0", "-0")] == ["0", "-0", "0", "-0", "0", "-0"]
    assert format_number(_D("sNaN")) == "sNaN" and format_number(_D("NaN")) == "NaN"  # never remembered, never a crash


def _parse_money_reference(text):
    """parse_money before its fast path for plain amounts: the general parser, then the fen check."""
    value = parse_decimal(text, "an amount in yuan such as 12500.50")
    if value != value.quantize(_D("0.01")):
        raise ValueProblem(line("value.money_fen", got=format_number(value)))
    return value


def _outcome(parse, text):
    """What a parser gives: the value's sign, digits and exponent, or the problem's key, args and text."""
    try:
        value = parse(text)
    except ValueProblem as exc:
        reason = exc.args[0]
        return ("problem", reason.key, repr(reason.args), str(exc))
    return ("value", type(value), value.as_tuple(), str(value))


_money_pieces = _st.sampled_from(["0", "1", "5", "9", "00", ".", ",", "+", "-", " ", "\t", "e", "E", "１２", "²", "%"])
_plain_amounts = _st.from_regex(r"\A[0-9]{0,16}(\.[0-9]{0,4})?\Z")
_money_inputs = _st.one_of(
    _plain_amounts,
    _st.lists(_money_pieces, max_size=12).map("".join),
    _st.builds(lambda n, pad: "0" * pad + str(n), _st.integers(0, 10**18), _st.integers(0, 20)),
    # around the trillion limit and 15 significant digits, where the fast path must stop
    _st.builds("{}.{}".format, _st.integers(10**11, 10**14), _st.sampled_from(["", "0", "5", "01", "99", "001"])),
    _st.sampled_from(["", ".5", "5.", "1e3", "１２", "12.345", "+12", "-0", "-0.00", " 7 ", "1,000.5", "0.00"]),
    _st.none(),
    _st.booleans(),
    _st.integers(-(10**14), 10**14),
    _st.decimals(allow_nan=True, allow_infinity=True, places=3) | _st.decimals(allow_nan=False, max_value=10**13),
    _st.floats(allow_nan=True, allow_infinity=True),
)


@_given(_money_inputs)
def test_parse_money_fast_path_matches_the_general_parser(text):
    assert _outcome(parse_money, text) == _outcome(_parse_money_reference, text)


def test_parse_money_fast_path_is_exercised_by_plain_amounts():
    # the cases the fast path takes must agree too (the property test would pass if none did)
    for text in ["98032", "12500.5", "12500.50", ".5", "5.", "000000000000.00", "999999999999.99"]:
        assert _outcome(parse_money, text) == _outcome(_parse_money_reference, text)
    # and the first texts past it: the general parser's answers (too large, too many decimals)
    for text in ["1000000000000", "1000000000000.00", "9999999999999", "0000000000001", "1.001", "12.345"]:
        assert _outcome(parse_money, text) == _outcome(_parse_money_reference, text)
