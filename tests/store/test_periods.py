from datetime import date
from decimal import Decimal

import pytest

from cstui.domain import Incident, Period, Result
from cstui.store import PeriodClosed, StoreError
from scheme_cards import star_card


def result(employee_id="1001", period="2026-10", team="T1", score="101.5") -> Result:
    return Result(
        employee_id,
        "x",
        team,
        Period.parse(period),
        "star-levels",
        "1",
        Decimal(score),
        None,
        1,
        "1-star",
        "1-star",
        "stay",
        Decimal("-12.50"),
        ["flag"],
        ["line 1", "line 2"],
    )


def test_unknown_period_is_open_and_close_locks_the_month(store, assistants):
    inc = store.add_incident(Incident(assistants[0], date(2026, 10, 9), "late"))  # a scheme with incidents
    store.save_scorecard("1001", "2026-10", star_card("1"), 0)
    assert store.period_status("2026-10") == "open"
    store.close_period("2026-10")
    assert store.period_status(Period.parse("2026-10")) == "closed"
    assert store.period_status("2026-11") == "open"
    with pytest.raises(PeriodClosed, match="period 2026-10 is closed \\(by alice at"):
        store.save_scorecard("1001", "2026-10", star_card("2"), 1)
    with pytest.raises(PeriodClosed, match="row 2"):
        store.save_scorecards([("1001", "2026-11", star_card("1")), ("1002", "2026-10", star_card("1"))])
    with pytest.raises(PeriodClosed):
        store.add_incident(Incident(assistants[0], date(2026, 10, 20), "late"))
    with pytest.raises(PeriodClosed):
        store.delete_incident(inc.id)
    with pytest.raises(PeriodClosed):
        store.record_results([result()])
    assert store.scorecard("1001", "2026-10").values == star_card("1")
    assert store.scorecard("1001", "2026-11").version == 0


def test_a_closed_quarter_locks_each_of_its_months(store):
    store.close_period("2026-Q4")
    for month in ("2026-10", "2026-11", "2026-12"):
        assert store.period_status(month) == "closed"
        with pytest.raises(PeriodClosed, match="2026-Q4"):
            store.save_scorecard("1001", month, star_card("1"), 0)
    assert store.period_status("2027-01") == "open"
    with pytest.raises(StoreError, match="reopen 2026-Q4"):
        store.reopen_period("2026-11", "typo")


def test_reopen_needs_a_reason_and_unlocks(store):
    store.close_period("2026-10")
    with pytest.raises(StoreError, match="already closed"):
        store.close_period("2026-10")
    with pytest.raises(StoreError, match="needs a reason"):
        store.reopen_period("2026-10", "  ")
    store.reopen_period("2026-10", "late correction from HR")
    assert store.period_status("2026-10") == "open"
    assert store.periods()[0]["reason"] == "late correction from HR"
    store.save_scorecard("1001", "2026-10", star_card("1"), 0)
    actions = [a["action"] for a in store.audit_log(entity="periods")]
    assert actions == ["reopen", "close"]
    with pytest.raises(StoreError, match="not closed"):
        store.reopen_period("2026-10", "again")


def test_results_round_trip_exactly_and_upsert(store):
    store.record_results([result(score="101.50"), result("2001", team="T2", score="99")])
    store.record_results([result(score="102.25")])
    rows = store.results("2026-10")
    assert [(r["employee_id"], r["score"]) for r in rows] == [("1001", Decimal("102.25")), ("2001", Decimal("99"))]
    assert rows[0]["pay_delta"] == Decimal("-12.50") and rows[0]["trace"] == ["line 1", "line 2"]
    assert store.results("2026-10", team="T2")[0]["name"] == "员工2001"
    assert store.results("2026-10", scheme="five-tier") == []
    audit = store.audit_log(entity="results")
    summaries = [a for a in audit if a["action"] == "apply"]
    assert [a["after"] for a in summaries] == [{"count": 1, "changed": 1}, {"count": 2, "changed": 2}]
    assert summaries[0]["key"] == "2026-10/star-levels"
    changes = [a for a in audit if a["action"] == "record"]
    assert [a["key"] for a in changes] == ["1001/2026-10", "2001/2026-10", "1001/2026-10"]
    assert changes[0]["before"]["score"] == "101.50" and changes[0]["after"]["score"] == "102.25"
    assert changes[2]["before"] is None and changes[2]["after"]["scheme"] == "star-levels"


def test_an_unchanged_re_apply_records_no_result_change(store):
    store.record_results([result(score="101.50")])
    store.record_results([result(score="101.50")])
    audit = store.audit_log(entity="results")
    assert [a["action"] for a in audit] == ["apply", "apply", "record"]
    assert audit[0]["after"] == {"count": 1, "changed": 0}


def test_quarter_results_refused_once_the_quarter_is_closed(store):
    store.record_results([result(period="2026-Q4")])
    store.close_period("2026-Q4")
    with pytest.raises(PeriodClosed):
        store.record_results([result(period="2026-Q4")])


def test_supervisor_sees_only_own_teams_results(store, open_as):
    store.record_results([result(), result("2001", team="T2")])
    store.add_user("sam", "supervisor", ["T1"])
    assert [r["employee_id"] for r in open_as("sam").results("2026-10")] == ["1001"]


def test_an_override_into_a_closed_month_is_refused_with_the_reason(store):
    from cstui.domain import Override

    store.close_period("2026-Q3")  # closes 2026-09 through its quarter
    with pytest.raises(
        PeriodClosed, match=r"override of employee 1001 from 2026-09: period 2026-Q3 is closed \(by alice"
    ):
        store.add_override(Override("1001", Period.parse("2026-09"), "3-star", "outstanding", ""))
    assert store.overrides("1001") == []
    store.add_override(Override("1001", Period.parse("2026-10"), "3-star", "outstanding", ""))  # an open month
    assert [o.period for o in store.overrides("1001")] == [Period.parse("2026-10")]
