"""The trace's shortcuts give exactly what the plain way gives (issue 14: an apply builds every
employee's trace, so the common cases are made cheap).

- :func:`cstui.engine.exact.side_text` rounds once in the common case and falls back to
  :func:`~cstui.engine.exact.side_text_reference` otherwise: the same text for every value;
- a weighted item's line and a band's line are remembered per item (metric) and value: the
  same line (text, key and arguments) as one made afresh, the total with exactly its digits,
  whatever order values come in (0.9 after 0.90, 0 after -0, another item with the same value).
"""

from __future__ import annotations

import json
import os
import pickle
from dataclasses import replace
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain import values
from cstui.domain.texts import from_json, joined, line, shared, to_json
from cstui.domain.values import HUNDRED, format_number
from cstui.engine import bonus, weighted
from cstui.engine.exact import Mean, side_text, side_text_reference
from cstui.engine.weighted import WeightedItem, item_line, weighted_total
from cstui.schemes import load_scheme
from cstui.store.periods import lines_json
from cstui_plugins.five_tier import model as five_tier
from cstui_plugins.five_tier import month_apply as five_month_apply

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))
_plain_json = json.JSONEncoder(ensure_ascii=False, default=str).encode  # what lines_json always wrote

# values near the thresholds below, with many decimals, few, or trailing zeros
NEAR = st.sampled_from(["80", "70", "50", "110", "90", "60", "0"]).flatmap(
    lambda bar: st.integers(-(10**8), 10**8).map(lambda k: D(bar) + D(k).scaleb(-10))
)
DECIMALS = st.one_of(
    NEAR,
    st.decimals(min_value=-500, max_value=500, places=6, allow_nan=False),
    st.decimals(min_value=-500, max_value=500, places=2, allow_nan=False).map(lambda d: d.quantize(D("0.0001"))),
    st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False),
)
MEANS = st.builds(lambda values: Mean.of(values), st.lists(DECIMALS, min_size=1, max_size=4))
BARS = st.lists(
    st.one_of(
        st.sampled_from([D(80), D(70), D(50), D(110), D("79.99")]),
        st.decimals(min_value=-500, max_value=500, places=2, allow_nan=False),
        MEANS,
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.one_of(DECIMALS, MEANS, st.fractions(min_value=-500, max_value=500, max_denominator=1000)),
    BARS,
    st.integers(0, 5),
)
def test_side_text_is_its_reference(value, bars, places):
    assert side_text(value, *bars, places=places) == side_text_reference(value, *bars, places=places)


def test_side_text_falls_back_where_rounding_once_would_cross_a_bar():
    assert side_text(D("109.995"), D(110)) == "109.995"
    assert side_text(Mean(D("240.01"), 3), D(80)) == "80.003"  # 80.00333...: 80.00 would sit on the bar
    assert side_text(Mean(D("240.0001"), 3), D(80)) == "80.00003"
    assert side_text(D("-0.000"), D(1)) == side_text_reference(D("-0.000"), D(1)) == "-0"


def _fresh(line) -> tuple:
    return str.__str__(line), line.key, line.args


# a small pool, so values repeat: equal values written apart (0.9, 0.90), zero and -0
RATES = st.sampled_from(["0", "-0", "0.0", "0.9", "0.90", "0.900", "0.62", "0.620", "1", "1.00", "0.75", "0.333"])
RATINGS = st.sampled_from(["0", "-0", "70", "70.0", "70.00", "85", "85.5", "85.50", "100", "99.99"])
ITEMS = (
    WeightedItem("follow_up_rate", D(20), "rate", "follow-up"),
    WeightedItem("satisfaction", D("20.0"), "rate", "satisfaction"),
    WeightedItem("handling", D(35), "rating", "handling"),
    WeightedItem("training", D(25), "rating", "training"),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(RATES, RATES, RATINGS, RATINGS), min_size=1, max_size=12))
def test_weighted_lines_remembered_are_the_lines_made_afresh(cards):
    weighted._ITEM_LINES.clear()
    for card in cards:
        values = {item.key: D(text) for item, text in zip(ITEMS, card)}
        total, trace = weighted_total(ITEMS, values)
        expected = D(0)
        for item in ITEMS:
            score = values[item.key] * HUNDRED if item.kind == "rate" else values[item.key]
            expected += item.weight * score / HUNDRED
        assert str(total) == str(expected)  # the same digits, not only an equal number
        assert [_fresh(t) for t in trace] == [_fresh(item_line(item, values[item.key])) for item in ITEMS]


def test_a_remembered_weighted_line_is_its_own_items():
    weighted._ITEM_LINES.clear()
    values = {"follow_up_rate": D("0.9"), "satisfaction": D("0.9"), "handling": D(90), "training": D(90)}
    _, trace = weighted_total(ITEMS, values)
    assert trace[0] == "follow-up 90% → 90 × 20% = 18" and trace[1] == "satisfaction 90% → 90 × 20% = 18"
    assert trace[2] == "handling 90 → 90 × 35% = 31.5" and trace[3] == "training 90 → 90 × 25% = 22.5"


SHOP = load_scheme("ecommerce-kpi")
SHOP_VALUES = {
    "conversion": st.sampled_from(["0", "-0", "0.38", "0.380", "0.45", "0.5", "0.50", "0.6", "0.61", "0.3"]),
    "unit_price_ratio": st.sampled_from(["1.1", "1.10", "1.16", "1.25", "1.35", "1.350", "0", "1.2"]),
    "first_response_s": st.sampled_from(["6", "6.0", "12", "20", "30", "31", "0", "-0", "3"]),
    "avg_response_s": st.sampled_from(["30", "30.0", "35", "45", "55", "56", "0", "20"]),
    "satisfaction": st.sampled_from(["0.9", "0.90", "0.8", "0.6", "0.59", "0", "1"]),
}


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.fixed_dictionaries(SHOP_VALUES), min_size=1, max_size=12))
def test_band_lines_remembered_are_the_lines_made_afresh(cards):
    params = SHOP.model.compiled(SHOP)
    five_tier._BAND_LINES.clear()
    for card in cards:
        for metric in params.bands:
            value = D(card[metric.key])
            band = metric.table.band_of(value)
            remembered = five_tier.band_line(metric, band, value)
            kept = dict(five_tier._BAND_LINES)
            five_tier._BAND_LINES.clear()
            afresh = five_tier.band_line(metric, band, value)
            five_tier._BAND_LINES.clear()
            five_tier._BAND_LINES.update(kept)
            assert _fresh(remembered) == _fresh(afresh)


def test_a_remembered_band_line_is_its_own_metrics():
    params = SHOP.model.compiled(SHOP)
    five_tier._BAND_LINES.clear()
    value = D("0.9")
    texts = [five_tier.band_line(m, m.table.band_of(value), value) for m in params.bands]
    assert len(set(texts)) == len(texts)  # one value, as many lines as metrics


def test_fractions_are_shown_by_the_reference():
    assert side_text(Fraction(1, 3), D(0)) == side_text_reference(Fraction(1, 3), D(0)) == "0.33"


def _pool() -> list:
    """Lines shared and not, plain texts (quotes, 中文, the list separator), nested lines."""
    texts = ["plain", 'a "quoted" 文本', "a, b", "}, {", ""]
    made = [line("weighted.item", label=t, metric="m", value="1", score="1", weight="2", part="3") for t in texts]
    nested = line("replay.in_month", month="2026-12", line=made[1])
    listed = joined([made[0], "x, y", made[2]])
    return [*(shared(line("flag.missing", month=m)) for m in ("2026-11", "2026-12")), *made, nested, listed, *texts]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.integers(0, 13), max_size=12), st.lists(st.integers(0, 13), max_size=12), st.booleans())
def test_lines_with_shared_ones_are_stored_as_the_encoder_writes_them(first, second, pickled):
    pool = _pool()
    pool[2], pool[7] = shared(pool[2]), shared(pool[7])
    if pickled:  # through the worker pool: a shared line stays shared, its stored text with it
        pool = pickle.loads(pickle.dumps(pool))
    for picks in (first, second):  # the second list meets lines the first one encoded
        lines = [pool[i] for i in picks]
        assert lines_json(lines) == _plain_json(to_json(lines))
        assert from_json(json.loads(lines_json(lines))) == lines


SCORES = st.sampled_from(["0", "-0", "0.00", "83.45", "83.450", "90", "90.0", "89.995", "60", "59.99", "100", "110.5"])


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(SCORES, min_size=1, max_size=12), st.booleans())
def test_bonus_lines_remembered_are_the_lines_made_afresh(scores, two_tables):
    table = SHOP.model.compiled(SHOP).bonus  # and a copy whose lowest band pays another amount
    tables = [table, replace(table, bands=table.bands[:-1] + (replace(table.bands[-1], value=D(-80)),))]
    bonus._BONUSES.clear()
    for text in scores:
        for table in tables if two_tables else tables[:1]:
            score = D(text)
            amount, remembered = bonus.bonus_for(table, score)
            kept = dict(bonus._BONUSES)
            bonus._BONUSES.clear()
            fresh_amount, afresh = bonus.bonus_for(table, score)
            bonus._BONUSES.clear()
            bonus._BONUSES.update(kept)
            assert str(amount) == str(fresh_amount) and _fresh(remembered) == _fresh(afresh)


# numbers as a trace meets them: equal ones spelled apart, zero's signs and exponents, exponents
NUMBERS = st.sampled_from(
    ["0", "-0", "0.00", "-0.00", "0E+2", "0E-5", "1E+2", "100", "100.0", "83.5", "83.50", "-120", "-120.0", "0.0001"]
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(NUMBERS, min_size=1, max_size=16))
def test_numbers_remembered_are_formatted_as_afresh(texts):
    """format_number remembers by the value's own text: whatever came before, a value's text
    is the one formatting it alone gives (0 after -0, 83.5 after 83.50, 100 after 1E+2)."""
    values._FORMATTED.clear()
    for text in texts:
        assert format_number(D(text)) == values._formatted(D(text))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(SCORES, min_size=1, max_size=12), st.booleans())
def test_five_tier_score_lines_remembered_are_the_lines_made_afresh(scores, two_tables):
    """The weighted score's line (five-tier's apply, remembered per bounds and score text) is
    the line made with nothing remembered, for each table's bounds."""
    table = SHOP.model.compiled(SHOP).bonus
    bounds = [bonus.bounds(table), (D(90), D("83.45"))]
    five_month_apply._SCORE_LINES.clear()
    for text in scores:
        for bars in bounds if two_tables else bounds[:1]:
            remembered = five_month_apply._score_line(D(text), bars)
            kept = dict(five_month_apply._SCORE_LINES)
            five_month_apply._SCORE_LINES.clear()
            afresh = five_month_apply._score_line(D(text), bars)
            five_month_apply._SCORE_LINES.clear()
            five_month_apply._SCORE_LINES.update(kept)
            assert _fresh(remembered) == _fresh(afresh)
