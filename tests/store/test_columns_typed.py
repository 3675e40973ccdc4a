"""A value's typed decimals, read with the columns (issue 14), rebuild exactly what the scheme parses.

The store keeps a number as ``units`` x 10^-``scale`` with trailing zeros dropped ("0.90" -> 9, 1);
the per-card reference parses the text and keeps them (Decimal("0.90")), and a state holds such
Decimals as text. :func:`cstui.engine.columns.exact_values` must give, for every text a kind's
parser accepts, the very value it gives (same type, same digits, same exponent), from the
``places`` SQL counts in the last months a model asks for; more than 15 typed decimals (which
the parser normalises) and the months not asked for must say "not known" instead.
"""

from __future__ import annotations

import os
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from columns_support import new_database, write_team
from cstui.domain import Period
from cstui.domain.values import PARSERS, ValueProblem
from cstui.engine.columns import MAX_PLACES, exact_values, places_known
from cstui.store import Store
from cstui.store.columns import team_columns


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return new_database(tmp_path_factory)


EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))
M = Period.parse
MONTHS = [M("2025-01").shift(i) for i in range(4)]
KINDS = ("money", "number", "rating", "rate", "seconds", "count")
BLANKS = ["", " ", "  ", "\t", "\u3000", "\u00a0", "\n"]


@st.composite
def typed_number(draw) -> str:
    """A number as people type it: sign, grouping commas (anywhere, even after the point), a point
    with 0-18 decimals (trailing zeros often), a percent sign, blanks of every kind around."""
    whole = str(draw(st.integers(0, 10**7)))
    if draw(st.booleans()):
        whole = f"{int(whole):,}"
    decimals = draw(st.sampled_from(["", "0", "00", "000", "5", "50", "25", "125", "1" + "0" * 15, "1" * 17]))
    point = draw(st.sampled_from(["", "."])) if decimals == "" else "."
    if decimals and draw(st.integers(0, 9)) == 0:
        decimals = decimals[:1] + "," + decimals[1:]  # "12.5,0": the parser drops every comma
    sign = draw(st.sampled_from(["", "", "", "+", "-"]))
    percent = draw(st.sampled_from(["", "", "%", " %"]))
    lead, trail = draw(st.sampled_from(BLANKS)), draw(st.sampled_from(BLANKS))
    if draw(st.integers(0, 5)) == 0:
        whole = "0" if draw(st.booleans()) else ""  # "0.5", ".5"
    return f"{lead}{sign}{whole}{point}{decimals}{percent}{trail}"


def parsed(kind: str, text: str):
    try:
        return PARSERS[kind](text)
    except ValueProblem:
        return None


def typed_decimals(text: str) -> int:
    number = text.strip().removesuffix("%").strip().replace(",", "")
    return len(number.partition(".")[2])


@settings(max_examples=max(EXAMPLES // 20, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(typed_number(), min_size=len(MONTHS), max_size=len(MONTHS)), typed=st.integers(0, 3))
def test_exact_values_are_what_the_parser_gives(database, texts, typed):
    cards = {month: {kind: text for kind in KINDS} for month, text in zip(MONTHS, texts, strict=True)}
    team = write_team(database, "star-levels", [(0, date(2024, 1, 1), "active", None, cards)])
    period = MONTHS[-1].next()
    with Store.open(database) as store:
        columns, _ = team_columns(store, "star-levels", [team], period, KINDS, typed, None)
    for j, text in enumerate(texts):
        here = np.zeros(columns.unreadable.shape, bool)
        here[0, j] = True
        for kind in KINDS:
            value, column = parsed(kind, text), columns.metrics[kind]
            if value is None:
                continue
            known = places_known(column, here)
            in_typed_months = j >= len(MONTHS) - typed
            assert known == (in_typed_months and (kind == "count" or typed_decimals(text) <= 15)), (kind, text)
            assert column.places[0, j] <= MAX_PLACES or not known
            if known:
                (rebuilt,) = exact_values(kind, column, here[:, j].nonzero()[0], j)
                assert type(rebuilt) is type(value) and repr(rebuilt) == repr(value), (kind, text)


def test_a_value_stored_as_no_text_is_not_known(database):
    """A value written into the table by hand as no text (a blob; the column's affinity makes a
    number text): its typed decimals are not known."""
    import sqlite3

    cards = {month: {"rate": "0.50"} for month in MONTHS}
    team = write_team(database, "star-levels", [(0, date(2024, 1, 1), "active", None, cards)])
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute(
        "UPDATE scorecard_values SET value = CAST(value AS BLOB) WHERE employee_id = ? AND period = ?",
        (f"{team}E0", "2025-04"),
    )
    conn.close()
    with Store.open(database) as store:
        columns, _ = team_columns(store, "star-levels", [team], MONTHS[-1].next(), ["rate"], 2, None)
    rate = columns.metrics["rate"]
    assert rate.places[0].tolist()[2] == 2 and rate.places[0].tolist()[3] > MAX_PLACES
