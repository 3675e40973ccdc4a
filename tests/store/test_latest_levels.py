"""store.latest_levels: the level after each employee's latest recorded result, one query."""

from __future__ import annotations

from decimal import Decimal

from cstui.domain import Period, Result


def result(employee_id="1001", period="2026-10", level_after="2-star", scheme="star-levels", team="T1") -> Result:
    return Result(
        employee_id,
        "",
        team,
        Period.parse(period),
        scheme,
        "1",
        Decimal(100),
        None,
        1,
        "1-star",
        level_after,
        "stay",
        None,
    )


def test_the_latest_period_wins_and_a_quarter_counts_as_its_last_month(store):
    store.record_results(
        [result(period="2026-08", level_after="2-star"), result(period="2026-09", level_after="3-star")]
    )
    store.record_results(
        [result("2001", "2026-Q2", "senior", "five-tier", "T2"), result("2001", "2026-05", "junior", "five-tier", "T2")]
    )
    assert store.latest_levels(["1001", "2001", "1002"]) == {"1001": "3-star", "2001": "senior"}


def test_results_of_a_former_scheme_or_without_a_level_are_ignored(store):
    store.record_results(
        [
            result(period="2026-08", level_after="class-1", scheme="assistant-class"),
            result(period="2026-07", level_after="2-star"),
            result("1002", period="2026-07", level_after=None),
        ]
    )
    assert store.latest_levels(["1001", "1002"]) == {"1001": "2-star"}
    assert store.latest_levels([]) == {}


def test_a_supervisor_gets_only_visible_teams(store, open_as):
    store.record_results([result(), result("2001", level_after="senior", scheme="five-tier", team="T2")])
    store.add_user("sam", "supervisor", ["T1"])
    assert open_as("sam").latest_levels(["1001", "2001"]) == {"1001": "2-star"}
