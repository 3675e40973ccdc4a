"""The bulk import's fast paths (issue 14) against their references.

- the scheme of an employee at a month, walked in SQL (the gate, ``scheme_members``), against
  :func:`cstui.store.timeline.scheme_at` on the same timelines;
- a file's cards judged a column at a time (``engine.cards.valid_by_specs``, the gate's
  ``_valid_by_columns``) against each card judged by its scheme: the same cards refused, in the
  same order, with the same problems and wording.
"""

from __future__ import annotations

import os
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.engine.cards import judged_by_specs_alone, unknown_fields, valid_by_specs, value_problems
from cstui.engine.model import MetricSpec
from cstui.store.timeline import Assignment, scheme_at
from gate_reference_support import assert_gate_refuses_as_each_card_alone

EXAMPLES = max(20, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 10)
IDS = ("1001", "1002", "1003", "2001", "2002")
SCHEMES = st.sampled_from(["star-levels", "five-tier", None])
MONTHS = st.sampled_from(["2024-12", "2025-01", "2025-06", "2025-07", "2026-01", "2026-12"])
TIMELINE = st.dictionaries(MONTHS, SCHEMES, max_size=4)  # since month -> scheme; empty: no timeline rows


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    current=st.tuples(*[SCHEMES] * len(IDS)),
    timelines=st.tuples(*[TIMELINE] * len(IDS)),
    month=MONTHS,
    scheme=st.sampled_from(["star-levels", "five-tier"]),
)
def test_the_scheme_at_a_month_in_sql_is_the_timelines(store, current, timelines, month, scheme):
    lines = {}
    with store.write():
        store.conn.execute("DELETE FROM scheme_assignments")
        for employee_id, now, timeline in zip(IDS, current, timelines):
            store.conn.execute("UPDATE employees SET scheme = ? WHERE id = ?", (now, employee_id))
            rows = [(employee_id, since, s) for since, s in sorted(timeline.items())]
            store.conn.executemany(
                "INSERT INTO scheme_assignments (employee_id, since_month, scheme) VALUES (?, ?, ?)", rows
            )
            lines[employee_id] = [Assignment(e, since, s, None) for e, since, s in rows]
    expected = {e: scheme_at(lines[e], month) if lines[e] else now for e, now in zip(IDS, current)}
    assert store._schemes_at((e, month) for e in IDS) == {(e, month): s for e, s in expected.items()}
    members = {e for e, s in expected.items() if s == scheme}
    assert set(store.scheme_members(scheme, month)) == members
    # the read without the teams (an import by a manager or admin): the same members, no team
    assert store.user.is_manager and store.scheme_members(scheme, month, teams=False) == dict.fromkeys(members)


# texts each kind accepts and refuses, blanks, and the like ("1e9", "62%", "-1", "1,2")
TEXTS = st.sampled_from(
    ["0.95", "95%", "62 %", "80", "100", "101", "0", "-1", "1,250.50", "1.005", "3.5", "abc", "1e9", " ", "", "1,2"]
)
KINDS = st.sampled_from(["rate", "seconds", "count", "number", "money", "rating", "points", "text", "no-such-kind"])
KEYS = ["a", "b", "c", "d"]
SPECS = st.lists(
    st.tuples(st.sampled_from(KEYS), KINDS, st.booleans()), min_size=1, max_size=4, unique_by=lambda t: t[0]
)
CARD = st.dictionaries(st.sampled_from(KEYS + ["stray", "(stored values)"]), TEXTS, max_size=5)


@settings(max_examples=EXAMPLES, deadline=None)
@given(specs=SPECS, cards=st.lists(CARD, max_size=30))
def test_a_column_verdict_is_the_card_verdict(specs, cards):
    specs = tuple(MetricSpec(key, kind, key, key, required) for key, kind, required in specs)
    verdicts = valid_by_specs(specs, cards)
    for values, valid in zip(cards, verdicts, strict=True):
        reference = unknown_fields(specs, values, "s") + value_problems(specs, values)
        assert valid == (not reference), (values, reference)


ANY_VALUE = st.one_of(TEXTS, st.none(), st.integers(-2, 200), st.decimals("-1", "200", places=2), st.booleans())
REPEATED_SPECS = st.lists(st.tuples(st.sampled_from(KEYS), KINDS, st.booleans()), min_size=1, max_size=5)


@settings(max_examples=EXAMPLES, deadline=None)
@given(specs=REPEATED_SPECS, cards=st.lists(st.dictionaries(st.sampled_from(KEYS + ["stray"]), ANY_VALUE), max_size=30))
def test_a_column_verdict_is_valid_only_for_cards_of_texts_the_cards_verdict_accepts(specs, cards):
    """Values that are not text (1 == 1.0 == True) are no verdict (False), and a field named by
    two specs is judged by both, as each card alone is."""
    specs = tuple(MetricSpec(key, kind, key, key, required) for key, kind, required in specs)
    verdicts = valid_by_specs(specs, cards)
    for values, valid in zip(cards, verdicts, strict=True):
        reference = unknown_fields(specs, values, "s") + value_problems(specs, values)
        texts_only = all(type(value) is str for value in values.values())
        assert valid == (texts_only and not reference), (values, reference)


NOT_TEXT = st.one_of(st.integers(0, 100), st.decimals("0", "100", places=2), st.booleans())


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    specs=SPECS,
    cards=st.lists(st.dictionaries(st.sampled_from(KEYS), st.one_of(TEXTS, TEXTS, NOT_TEXT), min_size=1), max_size=30),
)
def test_a_file_of_known_fields_has_no_verdict_for_a_value_that_is_not_text(specs, cards):
    """Every card naming only the specs' fields, none blank (the usual file, counted over the
    columns): a value that is not a text still leaves its card without a verdict."""
    specs = tuple(MetricSpec(key, kind, key, key, required) for key, kind, required in specs)
    known = {spec.key for spec in specs}
    cards = [{k: v for k, v in values.items() if k in known} for values in cards]
    verdicts = valid_by_specs(specs, cards)
    for values, valid in zip(cards, verdicts, strict=True):
        reference = value_problems(specs, values)
        texts_only = all(type(value) is str for value in values.values())
        assert valid == (texts_only and not reference), (values, reference)


FIVE_TIER = ("follow_up_rate", "satisfaction", "handling", "training", "attendance")
FIVE_CARD = st.dictionaries(st.sampled_from(FIVE_TIER + ("stray",)), TEXTS, min_size=3, max_size=6)


@settings(max_examples=EXAMPLES // 4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cards=st.lists(FIVE_CARD, min_size=1, max_size=60))
def test_the_gate_refuses_what_each_card_judged_alone_refuses(store, cards):
    """2001 and 2002 are on five-tier, whose check is its metric specs: judged column-wise."""
    keys = [(e, f"{2020 + i // 12}-{i % 12 + 1:02d}") for i in range(len(cards)) for e in ("2001", "2002")]
    values = dict(zip(keys, [c for card in cards for c in (card, card)]))
    assert_gate_refuses_as_each_card_alone(store, "five-tier", keys, values)


def test_only_a_check_that_is_the_metric_specs_alone_is_judged_by_columns():
    from cstui.schemes import catalog

    schemes = catalog()
    five = schemes.get("five-tier")
    assert judged_by_specs_alone(five)  # registered: its model's methods are guarded wrappers
    assert not judged_by_specs_alone(schemes.get("star-levels"))  # its own check (targets above 0)
    assert not judged_by_specs_alone(schemes.get("assistant-class"))  # a [ledger]: incidents' rules

    class Stricter(type(five.model)):
        def card_problems(self, scheme, card):
            return []

    assert not judged_by_specs_alone(replace(five, model=Stricter()))
    patched = type(five.model)()
    patched.card_problems = lambda scheme, card: []  # set on the instance: its own check
    assert not judged_by_specs_alone(replace(five, model=patched))


CARD_TEXT = st.sampled_from(["0.95", "}, {", '"}, {"', "{", "}", "", "张伟", "a\\"])
AUDITED = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["a", "b", "}, {", "注"]), st.one_of(CARD_TEXT, st.lists(st.just({})))),
    st.just("text"),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(values=st.lists(AUDITED, max_size=8))
def test_cards_encoded_in_one_pass_are_each_encoded(values):
    """The audit's one encoder pass over an import's cards (codec.dumps_each) against dumps of each."""
    from cstui.store.codec import dumps, dumps_each

    assert dumps_each(values) == [dumps(v) for v in values]


PART = st.one_of(st.none(), st.text(max_size=6), st.integers(-5, 5))
AUDIT_ROW = st.tuples(
    st.just("2026-11-30T21:00:00Z"),
    st.text(min_size=1, max_size=4),
    st.just("import"),
    st.just("scorecards"),
    PART,
    PART,
    PART,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(rows=st.lists(AUDIT_ROW, max_size=5))
def test_the_bulk_chain_hashes_each_row_as_row_hash_does(rows):
    """audit.chained (the bulk writer's, its content spelled out) against row_hash of each row."""
    import sqlite3

    from cstui.store.audit import GENESIS, chained, row_hash

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT)")
    previous = GENESIS
    for number, row in enumerate(chained(conn, rows), start=1):
        assert row[0] == number
        previous = row_hash(previous, row[:-1])
        assert row[-1] == previous


def test_an_empty_text_its_kind_once_parsed_is_still_judged_blank():
    """The column check leaves out the texts a kind parsed before (valid on sight), but an empty
    text is judged blank whatever parsed it: a required field left empty is refused."""
    from cstui.engine.cards import parse_value

    assert parse_value("text", "") == ""  # now a text the kind parsed
    specs = (MetricSpec("reason", "text", "reason", "reason", True), MetricSpec("n", "count", "n", "n", False))
    cards = [{"reason": ""}, {"reason": "covered a shift", "n": "2"}, {"reason": " ", "n": ""}]
    assert valid_by_specs(specs, cards) == [not value_problems(specs, values) for values in cards]
    assert valid_by_specs(specs, cards)[0] is False


class _Withheld(dict):
    """A card whose class reads its values through its own ``get``: it gives none."""

    def get(self, key, default=None):
        return default


def test_a_card_class_with_its_own_get_is_read_through_it():
    """The column check reads a dict's cells in C only for a class that keeps dict's ``get``."""
    specs = (MetricSpec("reason", "text", "reason", "reason", True), MetricSpec("n", "count", "n", "n", True))
    cards = [{"reason": "ok", "n": "3"}, _Withheld(reason="fine", n="2")]
    assert [not value_problems(specs, values) for values in cards] == [True, False]
    assert valid_by_specs(specs, cards) == [True, False]
