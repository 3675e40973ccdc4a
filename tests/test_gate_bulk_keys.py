"""The gate's bulk shortcuts (i14-import8) against the per-card forms they replace: the cards'
values taken as ``final``'s own values only when its keys are exactly the gate's keys (the
same objects, in the same order), the changed keys taken as ``final``'s own only when every
card is new; and a bulk save whose one scheme finds every card valid still refuses one bad card
in a file of good ones."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cstui.domain import Employee
from cstui.engine.cards import CardRefused
from cstui.store import Store
from cstui.store.cards import _changed_keys
from cstui.store.gate import _values_of

IDS = st.sampled_from(["E1", "E2", "E3", "E4", "E5"])
MONTHS = st.sampled_from(["2026-10", "2026-11"])
KEYS = st.lists(st.tuples(IDS, MONTHS), unique=True, max_size=6)
VALUES = st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(["1", "2"]), max_size=2)


@given(KEYS, st.data())
def test_the_cards_values_are_the_looked_up_ones_whatever_the_keys(keys, data):
    """Same objects in order, equal copies, another order, fewer or more keys: always the look-up's list."""
    final = {key: data.draw(VALUES) for key in data.draw(st.permutations(keys))}
    shape = data.draw(st.sampled_from(["own", "copies", "subset", "superset"]))
    if shape == "own":
        asked = list(final)
    elif shape == "copies":
        asked = [(e, m) for e, m in [(e + "", m + "") for e, m in final]]
    elif shape == "subset":
        asked = list(final)[: data.draw(st.integers(0, len(final)))]
    else:
        asked = [*final, ("E9", "2026-12")]
    assert _values_of(asked, final) == [final.get(key, {}) for key in asked]


def test_the_cards_values_follow_the_keys_order_not_the_dicts():
    a, b = ("E1", "2026-10"), ("E2", "2026-10")
    final = {a: {"x": "1"}, b: {"x": "2"}}
    assert _values_of([b, a], final) == [{"x": "2"}, {"x": "1"}]


@given(st.lists(st.tuples(IDS, MONTHS, st.booleans()), unique_by=lambda c: c[:2], max_size=6), st.booleans())
def test_the_changed_keys_are_the_new_then_the_changed_cards(cards, with_unchanged):
    inserts = [(e, m, 1, "who", "now") for e, m, new in cards if new]
    updates = [(e, m, 2, "who", "now") for e, m, new in cards if not new]
    final = {(e, m): {} for e, m, _ in cards}
    if with_unchanged:
        final["E9", "2026-12"] = {}  # a card the save leaves as it was
    expected = [(card[0], card[1]) for card in (*inserts, *updates)]
    assert _changed_keys(inserts, updates, final) == expected


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "company.db"
    with Store.open(path, create=True) as store:
        store.import_roster(
            [
                Employee(f"E{i}", f"n{i}", "T1", "agent", date(2024, 1, 5), scheme="star-levels", level="2-star")
                for i in range(1, 6)
            ]
        )
    return path


def _cards(target_of_e3: str):
    return [
        (f"E{i}", "2026-11", {"sales_target": target_of_e3 if i == 3 else "100000", "sales_actual": "90000"})
        for i in range(1, 6)
    ]


def test_a_bulk_save_of_one_scheme_refuses_its_one_bad_card_and_writes_none(db):
    with Store.open(db) as store:
        with pytest.raises(CardRefused) as refused, store.write():
            members = store.scheme_members("star-levels", "2026-11")
            assert set(members) == {f"E{i}" for i in range(1, 6)}
            store.save_scorecards(_cards("0"), columns=["sales_target", "sales_actual"], on_scheme="star-levels")
        assert list(refused.value.refused) == [("E3", "2026-11")]
        assert store.month_values("2026-11", [f"E{i}" for i in range(1, 6)]) == {}


def test_a_bulk_save_of_one_scheme_whose_cards_are_all_valid_writes_them_all(db):
    with Store.open(db) as store:
        with store.write():
            store.scheme_members("star-levels", "2026-11")
            saved = store.save_scorecards(
                _cards("100000"), columns=["sales_target", "sales_actual"], on_scheme="star-levels"
            )
        assert saved == (5, 0, 0)
        stored = store.month_values("2026-11", [f"E{i}" for i in range(1, 6)])
        assert stored == {e: values for e, _, values in _cards("100000")}


@given(st.lists(st.tuples(IDS, MONTHS), unique=True, max_size=6))
def test_the_cleaned_cards_name_their_owners_only_when_of_one_month(keys):
    from cstui.store.cards import CardsMixin, CleanValues

    cards, owners = CardsMixin._clean_cards(None, [(e, m, CleanValues(a="1")) for e, m in keys])
    assert cards == [(e, m, {"a": "1"}) for e, m in keys]
    assert owners == ({e for e, _ in keys} if len({m for _, m in keys}) < 2 else None)


def test_a_bulk_save_naming_its_month_two_ways_still_uses_the_members_read(db):
    """A Period and its text: two forms of one month (no owners set), judged and written as ever."""
    from cstui.domain import Period

    rows = [(e, Period.parse(m) if e in ("E2", "E4") else m, values) for e, m, values in _cards("0")]
    with Store.open(db) as store:
        with pytest.raises(CardRefused) as refused, store.write():
            store.scheme_members("star-levels", "2026-11")
            store.save_scorecards(rows, columns=["sales_target", "sales_actual"], on_scheme="star-levels")
        assert list(refused.value.refused) == [("E3", "2026-11")]
        good = [(e, m, values) for e, m, values in _cards("100000")]
        with store.write():
            store.scheme_members("star-levels", "2026-11")
            assert store.save_scorecards(good, on_scheme="star-levels") == (5, 0, 0)
