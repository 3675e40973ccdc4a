"""The sign-off write paths against a change committed while they waited for the write lock
(real processes, see race_support): what decides each write is read inside its transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cstui.domain import Employee, Period, Result
from cstui.store import Store
from race_support import race

MONTH = "2026-10"


def five_days(scheme: str) -> int:
    return 5


@pytest.fixture
def company(db_path):
    """1001 (login ann) and 1002 (login bob) on T1, graded for 2026-10; sam supervises T1."""
    with Store.open(db_path, login="alice", create=True) as s:
        s.add_team("T1", "Team one")
        for id, login in (("1001", "ann"), ("1002", "bob")):
            s.add_employee(
                Employee(id, f"员工{id}", "T1", "agent", date(2025, 1, 1), login=login, scheme="star-levels")
            )
            s.add_user(login, "agent")
        s.add_user("sam", "supervisor", ["T1"])
        s.record_results(
            [
                Result(
                    id,
                    f"员工{id}",
                    "T1",
                    Period.parse(MONTH),
                    "star-levels",
                    "1",
                    Decimal("90"),
                    "B",
                    None,
                    "L1",
                    "L1",
                    "stay",
                    Decimal("0"),
                )
                for id in ("1001", "1002")
            ]
        )
    return db_path


def as_login(login, fn):
    def first(path):
        with Store.open(path, login=login) as s:
            return fn(s)

    return first


def rows(db_path):
    with Store.open(db_path, login="alice") as s:
        return [(r[0], r[1]) for r in s.conn.execute("SELECT kind, status FROM sign_offs ORDER BY id")]


def test_a_confirm_waiting_behind_a_dispute_of_the_same_result_is_refused(company):
    mine, theirs = race(
        company,
        as_login("ann", lambda s: s.confirm_result(MONTH, five_days)),
        lambda s: s.open_dispute(MONTH, "miscounted", five_days)["status"],
        second_login="ann",
    )
    assert theirs[0] == "ok" and mine[0] == "error" and "SignOffRefused" in mine[1] and "still open" in mine[1]
    assert rows(company) == [("dispute", "open")]


def test_a_dispute_waiting_behind_a_close_is_refused(company):
    mine, theirs = race(
        company,
        as_login("ann", lambda s: s.open_dispute(MONTH, "late", five_days)),
        lambda s: s.close_period(MONTH),
    )
    assert theirs[0] == "ok" and mine[0] == "error" and "PeriodClosed" in mine[1]
    assert rows(company) == []


def test_a_close_waiting_behind_a_dispute_is_refused(company):
    mine, theirs = race(
        company,
        as_login("alice", lambda s: s.close_period(MONTH)),
        lambda s: s.open_dispute(MONTH, "miscounted", five_days)["status"],
        second_login="bob",
    )
    assert theirs == ("ok", "open") and mine[0] == "error" and "DisputesOpen" in mine[1]
    with Store.open(company, login="alice") as s:
        assert s.period_status(MONTH) == "open"


def test_two_answers_to_one_dispute_keep_the_first(company):
    with Store.open(company, login="ann") as ann:
        dispute = ann.open_dispute(MONTH, "miscounted", five_days)["id"]
    mine, theirs = race(
        company,
        as_login("sam", lambda s: s.answer_dispute(dispute, False, "no")),
        lambda s: s.answer_dispute(dispute, True, "yes")["status"],
        second_login="sam",
    )
    assert theirs == ("ok", "accepted") and mine[0] == "error" and "already accepted" in mine[1]
    assert rows(company) == [("dispute", "accepted")]


def test_a_confirm_waiting_behind_a_re_apply_counts_the_new_window(company, monkeypatch):
    """The window is read inside the write: a re-apply committed meanwhile restarts it."""
    monkeypatch.setenv(
        "CSTUI_TODAY", "2999-01-01"
    )  # the real apply is long past; the one committed meanwhile is 2 days old
    mine, theirs = race(
        company,
        as_login("ann", lambda s: s.confirm_result(MONTH, five_days)),
        lambda s: (
            s.conn.execute(
                "UPDATE results SET recorded_at = '2998-12-30T09:00:00Z' WHERE employee_id = '1001'"
            ).rowcount
        ),
    )
    assert theirs == ("ok", 1) and mine[0] == "ok" and mine[1]["status"] == "confirmed"
    assert rows(company) == [("confirm", "confirmed")]
