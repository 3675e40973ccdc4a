"""star-levels' column-wise month keeps each shown score it makes (``month_columns.shown_scores``,
issue 14): what it gives back for a score's units is what ``Decimal(units).scaleb(-places)``
makes there and then (value, digits, exponent), whatever places and units came before it in
the run (schemes with other places share the run's memory)."""

from __future__ import annotations

import os
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui_plugins.star_levels import month_columns

EXAMPLES = max(50, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000")) // 4)


@settings(max_examples=EXAMPLES, deadline=None)
@given(asked=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 4)), min_size=1, max_size=40))
def test_a_kept_shown_score_is_the_one_made_again(asked):
    month_columns._SHOWN.clear()
    for units, places in asked:
        kept = month_columns.shown_score(month_columns.shown_scores(places), units, places)
        made = Decimal(units).scaleb(-places)
        assert (kept, str(kept), kept.as_tuple()) == (made, str(made), made.as_tuple())
