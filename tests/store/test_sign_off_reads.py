"""The reads the sign-off screens ask the store for (each scoped like every read: an agent gets
their own rows only), and recording one employee's result again after an accepted dispute."""

from __future__ import annotations

import pytest

from cstui.domain import Period
from cstui.grading import reapply_employee
from cstui.schemes import load_scheme
from cstui.store import AccessDenied
from test_sign_off import MONTH, agents_company, window


@pytest.fixture
def company(store):
    """test_sign_off's company: ann, bob (T1) and cat (T2) are agents of 1001, 1002 and 2001; sam
    supervises T1, tom T2, mia manages; 2026-10 is recorded for everyone."""
    return agents_company(store)


def test_sign_off_states_of_the_board(company, open_as):
    open_as("ann").confirm_result(MONTH, window())
    open_as("bob").open_dispute(MONTH, "too low", window())
    cats = open_as("cat").open_dispute(MONTH, "wrong card", window())
    assert company.sign_off_states(MONTH) == {
        "1001": "confirmed",
        "1002": "disputed",
        "1003": "pending",
        "2001": "disputed",
    }
    open_as("tom").answer_dispute(cats["id"], False, "the card is right")
    assert open_as("mia").sign_off_states(MONTH)["2001"] == "answered"
    assert open_as("sam").sign_off_states(MONTH) == {"1001": "confirmed", "1002": "disputed", "1003": "pending"}
    assert open_as("ann").sign_off_states(MONTH) == {"1001": "confirmed"}
    assert company.sign_off_states("2026-09") == {}


def test_open_disputes_are_counted_in_the_logins_scope_and_a_quarters_months(company, open_as):
    open_as("bob").open_dispute(MONTH, "too low", window())
    open_as("cat").open_dispute(MONTH, "wrong card", window())
    assert company.open_dispute_count(MONTH) == 2
    assert company.open_dispute_count("2026-Q4") == 2 and company.open_dispute_count("2026-Q3") == 0
    assert open_as("sam").open_dispute_count(MONTH) == 1
    assert open_as("ann").open_dispute_count(MONTH) == 0  # bob's dispute is not hers to count


def test_an_employees_results_with_their_sign_offs(company, open_as):
    bob = open_as("bob")
    bob.open_dispute(MONTH, "too low", window())
    open_as("sam").answer_dispute(1, False, "the card is right")
    bob.confirm_result(MONTH, window())
    [row] = bob.employee_results("1002")
    assert (row["period"], row["score"], row["trace"]) == (MONTH, 80, ["1002: score 80"])
    assert row["sign_off"]["kind"] == "confirm"
    assert (row["dispute"]["status"], row["dispute"]["answer"]) == ("rejected", "the card is right")
    assert bob.employee_results("1001") == [] and open_as("tom").employee_results("1002") == []
    assert [r["period"] for r in company.employee_results("1001")] == [MONTH]


def test_the_refusal_a_screen_shows_is_the_writes_message(company, open_as):
    ann = open_as("ann")
    assert ann.sign_off_refusal(MONTH, window()) is None
    assert "no graded result for 2026-09" in ann.sign_off_refusal("2026-09", window())
    ann.confirm_result(MONTH, window())
    assert "you confirmed your result of 2026-10" in ann.sign_off_refusal(MONTH, window())
    assert "only an agent" in open_as("sam").sign_off_refusal(MONTH, window())


def test_recording_one_result_again_leaves_the_teammates(company, open_as):
    sam = open_as("sam")
    before = {r["employee_id"]: (r["score"], r["recorded_at"]) for r in sam.results(MONTH)}
    card = sam.scorecard("1002", MONTH)
    sam.save_scorecard("1002", MONTH, card.values | {"sales_actual": "95"}, card.version)
    result = reapply_employee(sam, load_scheme("star-levels"), Period.parse(MONTH), "1002")
    assert result.score == 95
    after = {r["employee_id"]: (r["score"], r["recorded_at"]) for r in sam.results(MONTH)}
    assert after["1002"][0] == 95 and after["1002"][0] != before["1002"][0]
    assert {k: v for k, v in after.items() if k != "1002"} == {k: v for k, v in before.items() if k != "1002"}
    [applied] = sam.applied_schemes(MONTH)  # the scheme that graded it is remembered with it
    assert (applied.teams, applied.applied_by) == (("T1",), "sam")
    with pytest.raises(AccessDenied):
        reapply_employee(open_as("tom"), load_scheme("star-levels"), Period.parse(MONTH), "1002")


def test_the_cli_records_an_accepted_dispute_again_and_nothing_else(company, open_as, db_path):
    from click.testing import CliRunner

    from cstui.cli import cli

    def run(login, *args):
        return CliRunner().invoke(cli, ["--db", str(db_path), *args], obj={"login": login})

    open_as("bob").open_dispute(MONTH, "too low", window())
    sam = open_as("sam")
    refused = run("sam", "dispute", "record-again", "1")
    assert refused.exit_code == 4 and "is open" in refused.output  # answered first
    accepted = run("sam", "dispute", "answer", "1", "--accept", "--reason", "recounted")
    assert "cstui dispute record-again 1" in accepted.output
    card = sam.scorecard("1002", MONTH)
    sam.save_scorecard("1002", MONTH, card.values | {"sales_actual": "95"}, card.version)
    before = {r["employee_id"]: r["recorded_at"] for r in sam.results(MONTH)}
    assert run("tom", "dispute", "record-again", "1").exit_code == 3  # not a dispute tom may see: none
    done = run("sam", "dispute", "record-again", "1")
    assert done.exit_code == 0 and done.output.strip() == "dispute 1: 1002 2026-10 recorded again: score 95.00"
    after = {r["employee_id"]: (r["score"], r["recorded_at"]) for r in sam.results(MONTH)}
    assert after["1002"][0] == 95
    assert {k: v[1] for k, v in after.items() if k != "1002"} == {k: v for k, v in before.items() if k != "1002"}


def test_outcomes_are_the_recorded_results_columns_within_the_logins_scope(company, open_as):
    """What the board's Prev column reads: each result's score, levels and decision, as the full
    read gives them, for the employees this login may see (an agent: their own)."""
    full = {r["employee_id"]: r for r in company.results(MONTH, scheme="star-levels")}
    outcomes = company.outcomes(MONTH, "star-levels")
    assert set(outcomes) == set(full) and len(full) >= 3
    for employee_id, o in outcomes.items():
        r = full[employee_id]
        assert (o.scheme, o.score, o.level_before, o.level_after, o.decision) == (
            r["scheme"],
            r["score"],
            r["level_before"],
            r["level_after"],
            r["decision"],
        )
    assert set(open_as("sam").outcomes(MONTH, "star-levels")) == {e for e in full if e.startswith("1")}
    assert set(open_as("tom").outcomes(MONTH, "star-levels")) <= {e for e in full if e.startswith("2")}
    assert set(open_as("bob").outcomes(MONTH, "star-levels")) == {"1002"}
    assert company.outcomes("2026-09", "star-levels") == {} and company.outcomes(MONTH, "nope") == {}
