"""five-tier's dry-run month in scaled integers (plugins/five_tier/month_scaled.py, issue 14)
against the reference's Decimal operations: the same score digits, the same comparisons."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from cstui.domain.values import HUNDRED
from cstui_plugins.five_tier.month_columns import _banded, _weighted
from cstui_plugins.five_tier.month_scaled import SCALE_PLACES, marks, part, scaled, stored_score, total_of

# numbers as cards and schemes make them, and beyond the guards (more places, larger, exponents > 0)
numbers = st.builds(
    lambda sign, units, exponent: Decimal((sign, tuple(map(int, str(units))), exponent)),
    st.integers(0, 1),
    st.integers(0, 10**16),
    st.integers(-16, 4),
)


class _Bonus:
    def lookup(self, score: Decimal) -> Decimal:
        return Decimal(7) if score > 50 else Decimal("0.0")


def _digits(number: Decimal) -> tuple:
    return number.as_tuple(), str(number)


@given(st.lists(numbers, min_size=1, max_size=6))
def test_a_sum_of_parts_is_the_references_decimal_sum_digit_for_digit(terms):
    parts = [part(term) for term in terms]
    if None in parts:
        return  # left to the per-card path
    units, least = sum(p[0] for p in parts), min(p[1] for p in parts)
    assert _digits(total_of(units, least)) == _digits(sum(terms, Decimal(0)))


@given(st.lists(st.lists(numbers, min_size=3, max_size=3), min_size=1, max_size=8), st.booleans())
def test_a_rows_mark_is_the_references_score_and_bonus(rows, weighted):
    cap = None if weighted else Decimal("110.0")
    params = SimpleNamespace(items=weighted, cap=cap, bonus=_Bonus())
    columns = [[part(row[k]) for row in rows] for k in range(3)]
    found = marks(params, columns, {})
    for row, mark in zip(rows, found, strict=True):
        if any(part(value) is None for value in row):
            assert mark is None
            continue
        if weighted:
            expected = _weighted(tuple(row))
            assert expected == sum(row, Decimal(0)) / HUNDRED
        else:
            expected = _banded(params, tuple(SimpleNamespace(value=v) for v in row))
        assert _digits(mark[0]) == _digits(expected)
        assert mark[2] == params.bonus.lookup(expected)
        assert mark[1] is None or Decimal(mark[1]).scaleb(-SCALE_PLACES) == expected


@given(numbers, numbers, st.integers(1, 3))
def test_scaled_numbers_compare_as_the_decimals_do(a, b, n):
    left, right = stored_score(str(a)), scaled(b * n, SCALE_PLACES)
    if left is None or right is None:
        return
    assert (left > right, left >= right) == (a > b * n, a >= b * n)
    assert Decimal(left).scaleb(-SCALE_PLACES) == a
