"""Agents in the loop: an agent reads only their own employee; confirms or disputes a graded
result within the scheme's window; a supervisor answers; a period with open disputes closes
only with a manager's reason. Everything audited."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Period, Result
from cstui.store import AccessDenied, Store, StoreError
from cstui.store.codec import now
from cstui.store.errors import DisputesOpen, SignOffRefused

MONTH = "2026-10"


def result(employee_id: str, team: str = "T1", score: str = "90") -> Result:
    return Result(
        employee_id,
        f"员工{employee_id}",
        team,
        Period.parse(MONTH),
        "star-levels",
        "1",
        Decimal(score),
        "B",
        None,
        "L1",
        "L1",
        "stay",
        Decimal("0"),
        [],
        [f"{employee_id}: score {score}"],
    )


def window(days: int = 5):
    return lambda scheme: days


def agents_company(store):
    """ann is the roster login of 1001, bob of 1002 (both T1), cat of 2001 (T2); sam supervises T1,
    tom supervises T2, mia is a manager. Results of 2026-10 are recorded for everyone."""
    for id, login in (("1001", "ann"), ("1002", "bob"), ("2001", "cat")):
        e = store.employee(id)
        store.update_employee(replace(e, login=login), e.version)
    for login in ("ann", "bob", "cat"):
        store.add_user(login, "agent")
    store.add_user("sam", "supervisor", ["T1"])
    store.add_user("tom", "supervisor", ["T2"])
    store.add_user("mia", "manager")
    store.save_scorecard("1001", MONTH, {"sales_target": "100", "sales_actual": "90"}, 0)
    store.save_scorecard("1002", MONTH, {"sales_target": "100", "sales_actual": "80"}, 0)
    store.record_results([result("1001"), result("1002", score="80"), result("1003"), result("2001", "T2")])
    return store


@pytest.fixture
def company(store):
    return agents_company(store)


def test_an_agent_reads_only_their_own_employee(company, open_as):
    ann = open_as("ann")
    assert ann.user.employee == "1001"
    assert [e.id for e in ann.employees()] == ["1001"]
    assert ann.count_employees() == 1 and ann.employees(search="员工") == ann.employees()
    assert [r["employee_id"] for r in ann.results(MONTH)] == ["1001"]
    assert ann.results(MONTH)[0]["trace"] == ["1001: score 90"]
    assert ann.scorecard("1001", MONTH).values["sales_actual"] == "90"
    assert ann.employees_by_ids(["1002", "1001", "2001"]) == [ann.employee("1001")]
    assert ann.latest_levels(["1001", "1002"]) == {"1001": "L1"}
    assert [r["employee_id"] for r in ann.recorded_levels([Period.parse(MONTH)])] == ["1001"]
    assert ann.teams() == [] and [u.login for u in ann.users()] == ["ann"]
    assert [c.employee_id for c in ann.rated_cards(MONTH)] == ["1001"]
    for read in (
        lambda: ann.employee("1002"),
        lambda: ann.scorecard("1002", MONTH),
        lambda: ann.incidents("2001", MONTH),
        lambda: ann.card_history("1002", MONTH),
    ):
        with pytest.raises(AccessDenied) as refused:
            read()
        assert "员工1002" not in str(refused.value)


def test_an_agent_changes_nothing_but_their_sign_off(company, open_as):
    ann = open_as("ann")
    with pytest.raises(AccessDenied):
        ann.save_scorecard("1001", MONTH, {"sales_target": "100", "sales_actual": "100"}, 1)
    with pytest.raises(AccessDenied):
        ann.record_results([result("1001", score="100")])
    with pytest.raises(AccessDenied):
        ann.close_period(MONTH)


def test_an_agent_without_exactly_one_employee_sees_nothing(company, open_as):
    with pytest.raises(StoreError, match="roster login of exactly one employee"):
        company.add_user("zed", "agent")
    e = company.employee("1003")
    company.update_employee(replace(e, login="ann"), e.version)  # two employees with ann's login
    ann = open_as("ann")
    assert ann.user.employee is None and ann.employees() == [] and ann.results(MONTH) == []
    with pytest.raises(AccessDenied):
        ann.confirm_result(MONTH, window())


def test_the_dispute_life_cycle(company, open_as):
    ann, sam, tom = open_as("ann"), open_as("sam"), open_as("tom")
    dispute = ann.open_dispute(MONTH, "  my calls were miscounted  ", window())
    assert dispute["status"] == "open" and dispute["reason"] == "my calls were miscounted"
    with pytest.raises(SignOffRefused, match="still open"):
        ann.confirm_result(MONTH, window())
    assert [d["id"] for d in sam.disputes(MONTH)] == [dispute["id"]]
    assert tom.disputes() == [] and open_as("bob").disputes() == []
    with pytest.raises(AccessDenied):
        tom.answer_dispute(dispute["id"], True, "not mine")
    answer = sam.answer_dispute(dispute["id"], True, "recounted: 95")
    assert answer["status"] == "accepted"
    with pytest.raises(SignOffRefused, match="already accepted"):
        sam.answer_dispute(dispute["id"], False, "changed my mind")
    seen = ann.disputes(MONTH)
    assert [(d["status"], d["answer"], d["answered_by"]) for d in seen] == [("accepted", "recounted: 95", "sam")]
    # the correction: the card saved and the employee applied again; then the agent confirms
    sam.save_scorecard("1001", MONTH, {"sales_target": "100", "sales_actual": "95"}, 1)
    sam.record_results([result("1001", score="95")])
    assert ann.confirm_result(MONTH, window())["status"] == "confirmed"
    with pytest.raises(SignOffRefused, match="confirmed"):
        ann.open_dispute(MONTH, "after all", window())
    assert sam.sign_offs(MONTH)["1001"]["status"] == "confirmed" and "1002" not in sam.sign_offs(MONTH)
    actions = [(a["action"], a["who"]) for a in company.audit_log(entity="sign_offs")]
    assert actions == [("confirm", "ann"), ("answer", "sam"), ("dispute", "ann")]


def test_a_rejected_dispute_keeps_its_reason_and_the_agent_may_confirm(company, open_as):
    bob, sam = open_as("bob"), open_as("sam")
    d = bob.open_dispute(MONTH, "too low", window())
    assert sam.answer_dispute(d["id"], False, "the card is right")["status"] == "rejected"
    assert bob.disputes()[0]["answer"] == "the card is right"
    assert bob.confirm_result(MONTH, window())["status"] == "confirmed"


def test_reasons_are_required(company, open_as):
    with pytest.raises(StoreError, match="reason"):
        open_as("ann").open_dispute(MONTH, "  ", window())
    d = open_as("bob").open_dispute(MONTH, "why", window())
    with pytest.raises(StoreError, match="reason"):
        open_as("sam").answer_dispute(d["id"], True, "")


@pytest.mark.parametrize("days_after, allowed", [(0, True), (5, True), (6, False)])
def test_the_window_counts_days_after_the_apply(company, open_as, monkeypatch, days_after, allowed):
    applied = date.fromisoformat(now()[:10])
    monkeypatch.setenv("CSTUI_TODAY", (applied + timedelta(days=days_after)).isoformat())
    ann = open_as("ann")
    if allowed:
        assert ann.confirm_result(MONTH, window(5))["status"] == "confirmed"
        return
    with pytest.raises(SignOffRefused, match=f"closed on {(applied + timedelta(days=5)).isoformat()}"):
        ann.open_dispute(MONTH, "late", window(5))
    assert ann.sign_offs(MONTH) == {}


def test_nothing_to_sign_without_a_graded_result(company, open_as):
    with pytest.raises(SignOffRefused, match="no graded result for 2026-09"):
        open_as("ann").confirm_result("2026-09", window())


def test_a_period_with_open_disputes_closes_only_with_a_reason(company, open_as):
    d = open_as("ann").open_dispute(MONTH, "miscounted", window())
    mia = open_as("mia")
    for period in (MONTH, "2026-Q4"):  # a quarter's close locks its months: their disputes count too
        with pytest.raises(DisputesOpen, match="1 open dispute"):
            mia.close_period(period)
    assert mia.period_status(MONTH) == "open"
    mia.close_period(MONTH, reason="pay run today; dispute follows next month")
    row = [p for p in mia.periods() if p["period"] == MONTH][0]
    assert (row["status"], row["reason"]) == ("closed", "pay run today; dispute follows next month")
    audit = mia.audit_log(entity="periods", key=MONTH)[0]
    assert audit["after"]["open_disputes"] == 1 and audit["after"]["reason"].startswith("pay run")
    assert d["status"] == "open"


def test_a_period_closes_once_every_dispute_is_answered(company, open_as):
    d = open_as("ann").open_dispute(MONTH, "miscounted", window())
    open_as("sam").answer_dispute(d["id"], False, "checked")
    open_as("mia").close_period(MONTH)
    assert company.period_status(MONTH) == "closed"
    with pytest.raises(Exception, match="closed"):
        open_as("bob").confirm_result(MONTH, window())


# a store write per example: a tenth of the fuzz budget (200 at the default 2000)
WINDOW_EXAMPLES = max(1, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 10)


def test_the_window_boundary_holds_for_any_length_and_day(db_path, new_employee):
    """Signing is taken exactly when today <= the day of the apply + window_days, for either kind."""
    store = Store.open(db_path, login="alice", create=True)
    store.add_team("T1", "Team one")
    store.add_employee(new_employee("1001", login="ann"))
    store.add_user("ann", "agent")
    store.record_results([result("1001")])
    ann = Store.open(db_path, login="ann")
    applied = date.fromisoformat(now()[:10])

    @settings(max_examples=WINDOW_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(days=st.integers(0, 60), after=st.integers(-3, 70), dispute=st.booleans())
    def check(days, after, dispute):
        os.environ["CSTUI_TODAY"] = (applied + timedelta(days=after)).isoformat()
        sign = (
            (lambda: ann.open_dispute(MONTH, "why", window(days)))
            if dispute
            else (lambda: ann.confirm_result(MONTH, window(days)))
        )
        try:
            sign()
            taken = True
        except SignOffRefused as refused:
            taken = False
            assert "window" in str(refused)
        finally:
            ann.conn.execute("DELETE FROM sign_offs")  # each example starts unsigned (autocommit)
        assert taken == (after <= days)

    try:
        check()
    finally:
        os.environ.pop("CSTUI_TODAY", None)
        ann.close()
        store.close()
