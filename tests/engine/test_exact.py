"""The settled rules' helpers: exact averages, trace text that shows a threshold's side, and
complete months of service (domain.md, "Rules settled where the documents are silent")."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain.values import format_number
from cstui.engine.exact import Mean, mean_of, side_text, to_decimal
from cstui.engine.replay import add_months
from cstui.engine.tenure import complete_months

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))


# ------------------------------------------------------------------ mean


def mean(values):
    return Mean.of(values)


def test_mean_is_exact_and_compares_like_a_number():
    assert mean([D(80), D(80), D("80.01")]) == Fraction(24001, 300)
    assert mean([D(80), D(80), D("80.01")]) > D(80) and D(80) < mean([D(80), D(80), D("80.01")])
    assert mean([D("79.99"), D(80), D("80.01")]) == 80  # 240 / 3: never 79.999...
    assert mean([D(70), D(70), D("69.99")]) < 70 and not mean([D(70)] * 3) < 70
    assert mean([D(1), D(2)]) == mean([D(1), D(2), D("1.5")]) == D("1.5")
    assert hash(mean([D(1), D(2)])) == hash(D("1.5")) and len({mean([D(1), D(2)]), mean([D("1.5")])}) == 1
    assert sorted([mean([D(3)]), mean([D(1), D(2)]), D(2)]) == [D("1.5"), D(2), D(3)]
    assert mean([]) is None


def test_an_average_of_averages_meets_the_bar_it_exactly_meets():
    # four assistants' quarter averages (239, 233, 250, 238) / 3: their average is exactly 80
    averages = [
        mean([D(80), D(80), D(79)]),
        mean([D(78), D(78), D(77)]),
        mean([D(83), D(83), D(84)]),
        mean([D(79), D(79), D(80)]),
    ]
    assert mean_of(averages) == 80
    # what 28-digit decimal quotients would have said: just below the bar
    assert sum(m.total / m.count for m in averages) / 4 < 80


SCORES = st.lists(st.decimals(min_value=0, max_value=120, places=4, allow_nan=False), min_size=1, max_size=6)


@settings(max_examples=EXAMPLES, deadline=None)
@given(SCORES, SCORES, st.decimals(min_value=0, max_value=120, places=2, allow_nan=False))
def test_mean_compares_exactly_like_the_fraction_it_is(a, b, bar):
    ma, mb = Mean.of(a), Mean.of(b)
    fa, fb = sum(map(Fraction, a)) / len(a), sum(map(Fraction, b)) / len(b)
    assert ((ma > bar), (ma >= bar), (ma == bar), (ma < bar)) == ((fa > bar), (fa >= bar), (fa == bar), (fa < bar))
    assert ((ma > mb), (ma == mb), (ma < mb)) == ((fa > fb), (fa == fb), (fa < fb))
    assert (hash(ma) == hash(mb)) if ma == mb else True
    assert to_decimal(ma, 2) == to_decimal(fa, 2)


# ------------------------------------------------------------------ side_text


@pytest.mark.parametrize(
    "value, thresholds, text",
    [
        (D("109.995"), (D(110),), "109.995"),  # never "110" against 110
        (D("110.004"), (D(110),), "110.004"),
        (D("110"), (D(110),), "110"),
        (D("112.345"), (D(110),), "112.35"),  # far from the bar: rounded to places
        (mean([D(80), D(80), D("80.01")]), (D(80), D(70)), "80.003"),
        (mean([D(70), D(70), D("69.99")]), (D(80), D(70)), "69.997"),
        (D("89.995"), (D(80), D(90)), "89.995"),
        (D("109.99999999999999"), (D(110),), "109.9999999999"),  # past the extra digits: towards its side
        (D("110.00000000000001"), (D(110),), "110.0000000001"),
        (Fraction(1, 3), (), "0.33"),
    ],
)
def test_side_text_examples(value, thresholds, text):
    assert side_text(value, *thresholds) == text


VALUES = st.one_of(
    st.decimals(min_value=-500, max_value=500, places=6, allow_nan=False),
    st.fractions(min_value=-500, max_value=500, max_denominator=1000),
)
BARS = st.lists(st.decimals(min_value=-500, max_value=500, places=2, allow_nan=False), min_size=1, max_size=4)


@settings(max_examples=EXAMPLES, deadline=None)
@given(VALUES, BARS, st.integers(0, 4))
def test_side_text_puts_the_value_on_the_side_of_every_threshold(value, bars, places):
    shown = D(side_text(value, *bars, places=places))
    for bar in bars:
        assert (shown > bar) == (value > bar) and (shown < bar) == (value < bar)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.decimals(min_value=-500, max_value=500, places=2, allow_nan=False), BARS)
def test_side_text_of_a_value_with_few_decimals_is_the_value(value, bars):
    assert side_text(value, *bars) == format_number(value)


def test_to_decimal_rounds_half_up_exactly():
    assert to_decimal(Fraction(80005, 1000), 2) == D("80.01")
    assert to_decimal(Fraction(240, 3), 2) == D("80.00")


# ------------------------------------------------------------------ complete_months


@pytest.mark.parametrize(
    "hired, on, months",
    [
        (date(2024, 4, 1), date(2026, 4, 1), 24),
        (date(2024, 4, 30), date(2026, 4, 1), 23),
        (date(2024, 4, 30), date(2026, 5, 1), 24),
        (date(2024, 4, 30), date(2026, 4, 30), 24),
        (date(2025, 1, 31), date(2025, 2, 28), 1),  # clamped to the short month's last day
        (date(2024, 1, 31), date(2024, 2, 28), 0),  # leap year: complete on Feb 29
        (date(2024, 1, 31), date(2024, 2, 29), 1),
        (date(2025, 1, 31), date(2025, 3, 30), 1),
        (date(2025, 1, 31), date(2025, 3, 31), 2),
        (date(2025, 1, 30), date(2025, 2, 28), 1),
        (date(2026, 3, 15), date(2026, 3, 1), 0),  # before the hire date
        (date(2026, 3, 15), date(2026, 3, 15), 0),
    ],
)
def test_complete_months_examples(hired, on, months):
    assert complete_months(hired, on) == months


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@settings(max_examples=EXAMPLES, deadline=None)
@given(DAYS, DAYS, DAYS)
def test_complete_months_is_monotone_in_the_day(hired, a, b):
    early, late = min(a, b), max(a, b)
    assert 0 <= complete_months(hired, early) <= complete_months(hired, late)


@settings(max_examples=EXAMPLES, deadline=None)
@given(DAYS, st.integers(0, 400))
def test_a_month_is_complete_on_its_clamped_anniversary_and_not_a_day_before(hired, k):
    anniversary = add_months(hired, k)
    assert complete_months(hired, anniversary) == k
    if k:
        assert complete_months(hired, anniversary - timedelta(days=1)) == k - 1


@settings(max_examples=EXAMPLES, deadline=None)
@given(DAYS, st.integers(0, 400))
def test_each_first_of_a_month_adds_one(hired, k):
    first = date(hired.year, hired.month, 1)
    on = add_months(first, k)
    if on >= hired:
        assert complete_months(hired, add_months(on, 1)) == complete_months(hired, on) + 1
