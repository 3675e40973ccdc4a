"""The board's orders (cstui.board_grading.sorted_rows) made in stable passes of one field each
are the orders of the sorts by the tuple of their fields (the board sorted that way before)."""

from __future__ import annotations

import os
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.board_grading import SORTS, by_id, sorted_rows
from cstui.domain import Period, Result
from cstui.engine.cards import INVALID

EXAMPLES = max(1, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 4)
MISSING = Decimal("-1e9")

# the board's sort keys before the passes, as tuples: a refused card first, then the fields
REFERENCE = {
    "team": lambda r: (),
    "score": lambda r: (-(r.score if r.score is not None else MISSING), r.employee_id),
    "name": lambda r: (r.name, r.employee_id),
    "decision": lambda r: (r.decision, r.team, r.rank or 10**9, r.employee_id),
    "pay": lambda r: (-(r.pay_delta if r.pay_delta is not None else MISSING), r.employee_id),
}


def reference(rows: list[Result], sort: str) -> list[Result]:
    return sorted(rows, key=lambda r: (r.decision != INVALID, REFERENCE[sort](r)))


small_decimal = st.none() | st.decimals(min_value=-200, max_value=200, places=2, allow_nan=False)
row = st.builds(
    lambda n, name, team, score, rank, decision, pay: Result(
        f"E{n:03d}", name, team, Period.parse("2026-12"), "s", "1", score, None, rank, None, None, decision, pay
    ),
    st.integers(0, 999),
    st.sampled_from(["张伟", "王芳", "Alice", "Bob", "李娜"]),
    st.sampled_from(["t1", "t2", "t3"]),
    small_decimal,
    st.none() | st.integers(0, 5),
    st.sampled_from(["stay", "promote", "demote", INVALID]),
    small_decimal,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(row, max_size=40, unique_by=lambda r: r.employee_id), st.sampled_from(SORTS))
def test_the_passes_give_the_tuple_order(rows, sort):
    assert sorted_rows(rows, sort) == reference(rows, sort)
    assert sorted_rows(rows, sort, sorted(rows, key=by_id)) == reference(rows, sort)  # the id order shared


def test_refused_cards_come_first_and_ties_keep_the_id_order():
    def result(employee, score, decision="stay"):
        return Result(
            employee, "n", "t1", Period.parse("2026-12"), "s", "1", score, None, 1, None, None, decision, None
        )

    rows = [result("E3", Decimal(90)), result("E1", Decimal(90)), result("E2", None), result("E4", None, INVALID)]
    assert [r.employee_id for r in sorted_rows(rows, "score")] == ["E4", "E1", "E3", "E2"]
    assert [r.employee_id for r in sorted_rows(rows, "team")] == ["E4", "E3", "E1", "E2"]


def test_names_sort_by_the_key_given_and_as_written_without_one():
    def result(n, name):
        return Result(
            f"E{n}", name, "t1", Period.parse("2026-12"), "s", "1", None, None, None, None, None, "stay", None
        )

    rows = [result(1, "张伟"), result(2, "王芳"), result(3, "Alice")]
    keys = {"E1": "zhangwei zw", "E2": "wangfang wf"}
    assert [r.name for r in sorted_rows(rows, "name", names=keys)] == ["Alice", "王芳", "张伟"]
    assert [r.name for r in sorted_rows(rows, "name")] == ["Alice", "张伟", "王芳"]  # code points
