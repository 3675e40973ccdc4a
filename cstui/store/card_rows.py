"""How a scorecard is laid out in SQLite (migration m011), written and read in one place.

A card is a row of ``scorecards`` (its version and who saved it) and one row of
``scorecard_values`` per filled field: the value as typed, and its exact number where it is
one (:mod:`cstui.store.numbers`). Both tables are keyed month first, so the cards of one
month -- what grading a month reads -- sit together on disk, in employee order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from itertools import chain, islice

from cstui.store.numbers import KNOWN, units_or_none

INSERT_CARD = "INSERT INTO scorecards (employee_id, period, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)"
UPDATE_CARD = (
    "UPDATE scorecards SET version = ?3, updated_by = ?4, updated_at = ?5 WHERE employee_id = ?1 AND period = ?2"
)
INSERT_VALUE = (
    "INSERT INTO scorecard_values (period, employee_id, metric, value, units, scale) VALUES (?, ?, ?, ?, ?, ?)"
)
CLEAR_VALUES = "DELETE FROM scorecard_values WHERE period = ? AND employee_id = ?"

# One card: its header and its values, in field order (the order a card's values always had).
CARD = (
    "SELECT s.version, s.updated_by, s.updated_at, v.metric, v.value FROM scorecards s "
    "LEFT JOIN scorecard_values v ON v.period = s.period AND v.employee_id = s.employee_id "
    "WHERE s.period = ? AND s.employee_id = ? ORDER BY v.metric"
)
# The cards of one month of some employees (a JSON list): one pass over that month's rows.
MONTH_CARDS = (
    "SELECT s.employee_id, s.version, v.metric, v.value FROM scorecards s "
    "LEFT JOIN scorecard_values v ON v.period = s.period AND v.employee_id = s.employee_id "
    "WHERE s.period = ?1 AND s.employee_id IN (SELECT value FROM json_each(?2)) ORDER BY s.employee_id, v.metric"
)
# Who has a card in one month: the month's stretch of the primary key as ONE JSON row (each
# row handed to Python costs more than reading it: the module's step per row takes the GIL back).
MONTH_IDS = "SELECT json_group_array(employee_id) FROM scorecards WHERE period = ?"
HAS_CARD = "SELECT 1 FROM scorecards WHERE period = ? AND employee_id = ?"
# The same cards as one JSON text, {employee_id: [version, {metric: value}]}: SQLite steps the rows
# and Python decodes one text, not a row tuple per value (a resumed five-tier month reads 25,000
# values). The aggregates take the rows in key order, the plan MONTH_CARDS has (the sorted id list,
# a seek each on the month-first keys; json() keeps a card's object JSON): ids in order, each card's
# values by metric. Without a subquery: ordering one costs more than the row read saved for a
# card of two values (star-levels).
MONTH_CARDS_JSON = (
    "SELECT json_group_object(s.employee_id, json_array(s.version, json(coalesce("
    "(SELECT json_group_object(v.metric, v.value) FROM scorecard_values v "
    "WHERE v.period = s.period AND v.employee_id = s.employee_id), '{}')))) "
    "FROM scorecards s WHERE s.period = ?1 AND s.employee_id IN (SELECT value FROM json_each(?2))"
)


def value_rows(employee_id: str, month: str, values: Mapping[str, object]) -> list[tuple]:
    """The ``scorecard_values`` rows of one card's (cleaned, text) values."""
    return [(month, employee_id, metric, value, *units_or_none(value)) for metric, value in values.items()]


# Rows per INSERT statement of a bulk write: an import's 100,000 cards are 500,000 rows, and each
# statement run costs SQLite and the sqlite3 module a reset, a step's set-up and a halt (a third of
# the write, by instruction count) besides the row itself. 100 rows of 6 values stay below the 999
# parameters an older SQLite allows a statement.
ROWS_PER_INSERT = 100


def write_cards(conn, inserts: list[tuple], updates: list[tuple], values: Mapping[tuple[str, str], Mapping]) -> None:
    """Store new cards and changed ones: ``inserts``/``updates`` are (employee_id, month, version,
    who, when) and ``values[employee_id, month]`` each card's values."""
    insert_rows(conn, INSERT_CARD, inserts)
    conn.executemany(UPDATE_CARD, updates)
    conn.executemany(CLEAR_VALUES, [(card[1], card[0]) for card in updates])
    insert_rows(conn, INSERT_VALUE, _rows_of((*inserts, *updates), values))


def insert_rows(conn, insert: str, rows: Iterable[tuple]) -> None:
    """``conn.executemany(insert, rows)`` for an ``INSERT ... VALUES (?, ...)`` of one row, run
    :data:`ROWS_PER_INSERT` rows to a statement (its VALUES repeated): the same rows, stored in
    the same order; the last few rows one to a statement."""
    head, _, one = insert.rpartition(" VALUES ")
    width, rest = one.count("?"), []
    batches = _batches(iter(rows), width * ROWS_PER_INSERT, rest)
    first = next(batches, None)
    if first is not None:  # a card saved alone never prepares the long statement
        many = f"{head} VALUES {', '.join([one] * ROWS_PER_INSERT)}"
        conn.executemany(many, chain((first,), batches))
    conn.executemany(insert, zip(*[iter(rest)] * width))


def _batches(rows: Iterator[tuple], size: int, rest: list) -> Iterator[list]:
    """The rows' values flat, ``size`` at a time; the values of a last, shorter batch go to ``rest``."""
    while True:
        batch = list(chain.from_iterable(islice(rows, ROWS_PER_INSERT)))
        if len(batch) < size:
            rest.extend(batch)
            return
        yield batch


def _rows_of(cards: Iterable[tuple], values: Mapping[tuple[str, str], Mapping]):
    # the import's inner loop (a row per value of 100,000 cards): the number's lookup inlined
    known, units_of = KNOWN, units_or_none
    for card in cards:
        employee_id, month = card[0], card[1]
        for metric, value in values[employee_id, month].items():
            number = known.get(value) if type(value) is str else None
            yield (month, employee_id, metric, value) + (number or units_of(value))


def card(conn, employee_id: str, month: str) -> tuple[dict, int, str | None, str | None] | None:
    """(values, version, updated_by, updated_at) of one stored card, or None."""
    found = None
    for version, who, when, metric, value in conn.execute(CARD, (month, employee_id)):
        if found is None:
            found = ({}, version, who, when)
        if metric is not None:
            found[0][metric] = value
    return found


def month_cards(conn, month: str, ids_json: str) -> dict[str, tuple[dict, int]]:
    """{employee_id: (values, version)} of the month's stored cards of these employees."""
    try:
        text = conn.execute(MONTH_CARDS_JSON, (month, ids_json)).fetchone()[0]
    except sqlite3.OperationalError:  # a value JSON cannot hold (a BLOB, put there by hand)
        return _month_cards_by_row(conn, month, ids_json)
    if text is None:
        return {}
    return {employee_id: (values, version) for employee_id, (version, values) in json.loads(text).items()}


def _month_cards_by_row(conn, month: str, ids_json: str) -> dict[str, tuple[dict, int]]:
    """:func:`month_cards` a row per value (any stored value)."""
    cards: dict[str, tuple[dict, int]] = {}
    current, values = None, None
    for employee_id, version, metric, value in conn.execute(MONTH_CARDS, (month, ids_json)):
        if employee_id != current:  # rows come grouped by employee
            current, values = employee_id, {}
            cards[employee_id] = (values, version)
        if metric is not None:
            values[metric] = value
    return cards


def month_ids(conn, month: str) -> set[str]:
    """The employees with a stored card in ``month``."""
    return set(json.loads(conn.execute(MONTH_IDS, (month,)).fetchone()[0]))


def stored_months(conn, after: str, last: str) -> list[str]:
    """The months with stored cards after ``after`` up to ``last`` ("" = from the first): one
    seek each, on the month-first key."""
    months, sql = [], "SELECT min(period) FROM scorecards WHERE period > ?"
    month = conn.execute(sql, (after,)).fetchone()[0]
    while month is not None and month <= last:
        months.append(month)
        month = conn.execute(sql, (month,)).fetchone()[0]
    return months


def cards_between(conn, ids_json: str, after: str, last: str):
    """(month, employee_id, values, version) of these employees' cards after ``after`` up to
    ``last``, month by month (each month's cards read together)."""
    for month in stored_months(conn, after, last):
        for employee_id, (values, version) in month_cards(conn, month, ids_json).items():
            yield month, employee_id, values, version


def stored_text(value: object) -> str | None:
    """A value of a JSON card (migration m011) as the text it now keeps; None: not filled.

    The store always wrote text; a number or other JSON in a card was put there by hand:
    it is kept as the text the scheme then parses (a float in plain notation, not 1e-07).
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return format(Decimal(format(value, ".15g")), "f")
    if isinstance(value, (bool, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
