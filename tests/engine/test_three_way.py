"""The three-way merge of two edits of one scorecard (cstui.engine.cards.three_way)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cstui.engine.cards import three_way

FIELDS = ("a", "b", "c")
VALUES = st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(["", "1", "2", "3"]))


def test_different_fields_merge_without_asking():
    merged, clashes = three_way({"a": "1", "b": "1"}, {"a": "2", "b": "1"}, {"a": "1", "b": "3"})
    assert (merged, clashes) == ({"a": "2", "b": "3"}, [])


def test_the_same_field_changed_differently_is_a_clash_and_mine_is_kept():
    merged, clashes = three_way({"a": "1"}, {"a": "2"}, {"a": "3"})
    assert (merged, clashes) == ({"a": "2"}, ["a"])


def test_the_same_change_on_both_sides_is_no_clash_and_a_cleared_field_stays_cleared():
    assert three_way({"a": "1", "b": "1"}, {"a": "2", "b": ""}, {"a": "2", "b": "1"}) == ({"a": "2"}, [])


@given(base=VALUES, mine=VALUES, theirs=VALUES)
def test_every_field_is_theirs_mine_or_asked(base, mine, theirs):
    merged, clashes = three_way(base, mine, theirs)

    def get(values, field):
        return values.get(field) or None

    for field in FIELDS:
        was, ours, other, now = get(base, field), get(mine, field), get(theirs, field), merged.get(field)
        if field in clashes:
            assert was not in (ours, other) and ours != other and now == ours
        elif ours == was:
            assert now == other  # I did not touch it: theirs stands
        else:
            assert now == ours  # only I changed it (or we agree)
