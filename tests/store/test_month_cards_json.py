"""A month's cards read as one JSON text (card_rows.month_cards, issue 14) are the cards read a
row per value (the reference): the same employees in the same order, each card's values in
metric order, as stored, whatever the text; a value JSON cannot hold is read by rows."""

from __future__ import annotations

import json
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.store import card_rows
from cstui.store.migrations import migrate

TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=8)  # no lone surrogates: not storable
# an employee id with a NUL is cut short by SQLite's json_each in either read: never a real id
IDS = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=8)
CARD = st.tuples(st.integers(1, 2**40), st.dictionaries(TEXT, TEXT, max_size=4))


def _store(cards: dict[str, tuple[int, dict]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn)
    for employee_id, (version, values) in cards.items():
        for month in ("2026-11", "2026-12"):
            conn.execute(
                "INSERT INTO scorecards (employee_id, period, version) VALUES (?, ?, ?)", (employee_id, month, version)
            )
            conn.executemany(
                "INSERT INTO scorecard_values (period, employee_id, metric, value) VALUES (?, ?, ?, ?)",
                [(month, employee_id, metric, value) for metric, value in values.items()],
            )
    return conn


def _in_order(cards: dict) -> list:
    return [(employee_id, version, list(values.items())) for employee_id, (values, version) in cards.items()]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(IDS, CARD, max_size=6), st.data())
def test_json_read_is_the_row_read(cards, data):
    conn = _store(cards)
    asked = data.draw(st.lists(st.sampled_from(sorted(cards) or ["none"]), max_size=8)) + ["missing"]
    ids = json.dumps(asked)
    found = card_rows.month_cards(conn, "2026-12", ids)
    assert _in_order(found) == _in_order(card_rows._month_cards_by_row(conn, "2026-12", ids))
    assert set(found) == set(asked) & set(cards)


def test_a_value_json_cannot_hold_is_read_by_rows():
    conn = _store({"E1": (3, {"a": "1"}), "E2": (1, {"b": "x\x00y", "c": ""})})
    conn.execute("UPDATE scorecard_values SET value = ? WHERE employee_id = 'E1'", (b"\xff",))
    found = card_rows.month_cards(conn, "2026-12", '["E1", "E2"]')
    assert found == {"E1": ({"a": b"\xff"}, 3), "E2": ({"b": "x\x00y", "c": ""}, 1)}
    assert card_rows.month_cards(conn, "2026-12", "[]") == {}
