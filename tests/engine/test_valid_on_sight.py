"""Texts a kind's parser takes on sight (``cstui.domain.values.VALID_ON_SIGHT``, issue 14).

The column-wise card check (``engine.cards.valid_by_specs``, a resumed month's and an import's)
leaves such texts unparsed: each must be one the kind's parser accepts, and the check must still
judge every card as :func:`value_problems` judges it alone (blank, missing and bad amounts too),
with nothing parsed before (a run's first team: the parse cache empty).
"""

from __future__ import annotations

import os
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain.values import VALID_ON_SIGHT, parse_money
from cstui.engine import cards as card_checks
from cstui.engine.cards import unknown_fields, valid_by_specs, value_problems
from cstui.engine.model import MetricSpec

EXAMPLES = max(50, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 4)
# near-amounts: digits around the limits (12 before the point, 2 after), points, signs, spaces,
# non-ASCII digits ("٣", "１", "²" are str.isdigit but not 0-9), line ends
AMOUNTS = st.one_of(
    st.from_regex(r"[0-9]{0,14}(\.[0-9]{0,4})?", fullmatch=True),
    st.text(alphabet="0123456789..,-+ e%٣１²\n", max_size=16),
    st.sampled_from(["", " ", ".", "0", "00.00", "1.", ".5", "999999999999.99", "1000000000000", "1.005"]),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(text=AMOUNTS)
def test_an_amount_taken_on_sight_is_one_parse_money_reads_as_it_stands(text):
    if VALID_ON_SIGHT["money"](text):
        assert parse_money(text) == Decimal(text)
        assert str(parse_money(text)) == str(Decimal(text))


SPECS = (MetricSpec("actual", "money", "a", "a", True), MetricSpec("target", "money", "t", "t", False))
CARD = st.dictionaries(st.sampled_from(["actual", "target"]), AMOUNTS, max_size=2)


@settings(max_examples=EXAMPLES, deadline=None)
@given(cards=st.lists(CARD, max_size=25))
def test_a_column_of_amounts_is_judged_as_each_card_alone(cards):
    card_checks._PARSED["money"].clear()  # nothing seen yet: every valid text is taken on sight or parsed
    verdicts = valid_by_specs(SPECS, cards)
    for values, valid in zip(cards, verdicts, strict=True):
        reference = unknown_fields(SPECS, values, "s") + value_problems(SPECS, values)
        assert valid == (not reference), (values, reference)
