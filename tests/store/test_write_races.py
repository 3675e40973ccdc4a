"""Every write path against a change committed between its reads and its write (real processes).

See race_support: the first writer has read everything it reads before its transaction, then
waits on the write lock while a second process commits a change; nothing may be lost or doubled.
"""

from __future__ import annotations

from datetime import date

import pytest

from cstui.domain import Employee, Incident, Period
from cstui.store import Store
from race_support import race

MONTH = "2026-10"


@pytest.fixture
def company(db_path):
    """T1: 1001, 1002 on star-levels, 3001 on assistant-class; a supervisor sam of T1."""
    with Store.open(db_path, login="alice", create=True) as s:
        s.add_team("T1", "Team one")
        for id, scheme in (("1001", "star-levels"), ("1002", "star-levels"), ("3001", "assistant-class")):
            s.add_employee(Employee(id, f"员工{id}", "T1", "agent", date(2025, 1, 1), scheme=scheme))
        s.add_user("sam", "supervisor", ["T1"])
        s.save_scorecard("3001", MONTH, {"a_followups": "10", "b_followups": "10"}, 0)
    return db_path


def read(db_path, fn):
    with Store.open(db_path, login="alice") as s:
        return fn(s)


def ok(outcome):
    assert outcome[0] == "ok", outcome[1:]
    return outcome[1]


def test_a_partial_scorecard_import_keeps_a_save_made_while_it_waited(company, tmp_path):
    from cstui.io.imports import import_scorecards
    from cstui.schemes import load_scheme

    partial = tmp_path / "a.csv"
    partial.write_text("employee_id,a_followups\n3001,42\n", encoding="utf-8")

    def first(path):
        with Store.open(path, login="alice") as s:
            return import_scorecards(s, partial, Period.parse(MONTH), load_scheme("assistant-class"))

    def second(s):  # a supervisor's acknowledged TUI save of another metric, version checked
        return s.save_scorecard("3001", MONTH, {"a_followups": "10", "b_followups": "77"}, 1)

    mine, theirs = race(company, first, second)
    assert ok(theirs) == 2 and "1 updated" in ok(mine)
    card = read(company, lambda s: s.scorecard("3001", MONTH))
    assert card.values == {"a_followups": "42", "b_followups": "77"} and card.version == 3


def test_a_roster_import_without_status_keeps_a_deactivation_made_while_it_waited(company, tmp_path):
    from cstui.io.imports import import_roster

    roster = tmp_path / "r.csv"
    roster.write_text(
        "employee_id,name,team,role,hire_date\n1001,新名字,T1,agent,2025-01-01\n1002,员工1002,T1,agent,2025-01-01\n",
        encoding="utf-8",
    )

    def first(path):
        with Store.open(path, login="alice") as s:
            return import_roster(s, roster)

    mine, theirs = race(company, first, lambda s: s.deactivate_employee("1001", 1).status)
    assert ok(theirs) == "inactive" and "1 updated" in ok(mine)
    e = read(company, lambda s: s.employee("1001"))
    assert (e.name, e.status, e.scheme, e.version) == ("新名字", "inactive", "star-levels", 3)


def test_a_roster_import_keeps_a_scheme_and_level_set_while_it_waited(company, tmp_path):
    from cstui.io.imports import import_roster

    roster = tmp_path / "r.csv"
    roster.write_text("employee_id,name,team,role,hire_date\n1002,员工1002,T1,team-lead,2025-01-01\n", encoding="utf-8")

    def first(path):
        with Store.open(path, login="alice") as s:
            return import_roster(s, roster)

    def second(s):
        e = s.employee("1002")
        e.level = "3-star"
        return s.update_employee(e, 1).version

    mine, theirs = race(company, first, second)
    assert ok(theirs) == 2 and "1 updated" in ok(mine)
    e = read(company, lambda s: s.employee("1002"))
    assert (e.role, e.level, e.status) == ("team-lead", "3-star", "active")


def test_a_roster_level_checked_against_a_scheme_changed_while_it_waited_is_refused(company, tmp_path):
    from cstui.io.imports import import_roster

    roster = tmp_path / "r.csv"  # a level, no scheme column: checked against the stored scheme, star-levels
    roster.write_text(
        "employee_id,name,team,role,hire_date,level\n1002,员工1002,T1,agent,2025-01-01,3-star\n", encoding="utf-8"
    )

    def first(path):
        with Store.open(path, login="alice") as s:
            return import_roster(s, roster)

    def second(s):
        e = s.employee("1002")
        e.scheme = "five-tier"
        return s.update_employee(e, 1).scheme

    mine, theirs = race(company, first, second)
    assert ok(theirs) == "five-tier"
    assert (
        mine[0] == "error"
        and mine[1].startswith("InvalidData:")
        and "r.csv:2:level: level '3-star' is not on scheme five-tier" in mine[1]
    )
    e = read(company, lambda s: s.employee("1002"))
    assert (e.scheme, e.level) == ("five-tier", None)


def _incident_file(tmp_path):
    path = tmp_path / "inc.csv"
    path.write_text(
        "employee_id,date,code,count,points,note\n3001,2026-10-05,late,1,-3,迟到\n3001,2026-10-05,late,1,-3,迟到\n",
        encoding="utf-8",
    )
    return path


def test_the_same_incident_file_imported_while_another_import_of_it_commits_is_stored_once(company, tmp_path):
    from cstui.io.imports import import_incidents

    path = _incident_file(tmp_path)

    def first(db):
        with Store.open(db, login="alice") as s:
            return import_incidents(s, path)

    mine, theirs = race(company, first, lambda s: import_incidents(s, path))
    assert ok(theirs) == "inc.csv: 2 incidents (2 new, 0 already recorded)"
    assert ok(mine) == "inc.csv: 2 incidents (0 new, 2 already recorded)"
    stored = read(company, lambda s: s.incidents("3001", MONTH))
    assert len(stored) == 2  # the file lists the same incident twice: two copies, not four


def test_a_stale_tui_save_is_a_conflict_not_a_lost_update(company):
    def first(path):
        with Store.open(path, login="sam") as s:
            seen = s.scorecard("3001", MONTH).version
            return s.save_scorecard("3001", MONTH, {"a_followups": "1"}, seen)

    mine, theirs = race(company, first, lambda s: s.save_scorecard("3001", MONTH, {"a_followups": "99"}, 1))
    assert mine[0] == "error" and mine[1].startswith("Conflict:") and ok(theirs) == 2
    assert read(company, lambda s: s.scorecard("3001", MONTH).values["a_followups"]) == "99"


def test_a_stale_deactivation_is_a_conflict(company):
    def first(path):
        with Store.open(path, login="sam") as s:
            return s.deactivate_employee("1002", s.employee("1002").version).status

    def second(s):
        e = s.employee("1002")
        e.name = "改名"
        return s.update_employee(e, 1).version

    mine, theirs = race(company, first, second)
    assert mine[0] == "error" and "Conflict" in mine[1] and ok(theirs) == 2
    e = read(company, lambda s: s.employee("1002"))
    assert (e.name, e.status) == ("改名", "active")


def test_an_incident_delete_with_a_stale_version_is_a_conflict(company):
    inc = read(company, lambda s: s.add_incident(Incident("3001", date(2026, 10, 6), "loud")))

    def first(path):
        with Store.open(path, login="sam") as s:
            version = s.conn.execute("SELECT version FROM incidents WHERE id = ?", (inc.id,)).fetchone()[0]
            return s.delete_incident(inc.id, version).id

    def second(s):  # deleted and restored meanwhile: version 3
        s.delete_incident(inc.id, 1)
        return s.restore_incident(inc.id, 2).id

    mine, theirs = race(company, first, second)
    assert mine[0] == "error" and "Conflict" in mine[1] and ok(theirs) == inc.id
    assert [i.id for i in read(company, lambda s: s.incidents("3001", MONTH))] == [inc.id]


def test_a_save_waiting_on_the_lock_is_refused_once_its_period_is_closed(company):
    def first(path):
        with Store.open(path, login="sam") as s:
            return s.save_scorecard("1001", MONTH, {"sales_target": "1", "sales_actual": "1"}, 0)

    mine, theirs = race(company, first, lambda s: s.close_period(MONTH))
    assert mine[0] == "error" and mine[1].startswith("PeriodClosed:") and ok(theirs) is None
    assert read(company, lambda s: s.scorecard("1001", MONTH).version) == 0


def test_a_role_removed_while_a_write_waited_is_enforced(company):
    def first(path):
        with Store.open(path, login="sam") as s:  # opened as a supervisor of T1
            return s.save_scorecard("1001", MONTH, {"sales_target": "1", "sales_actual": "1"}, 0)

    mine, theirs = race(company, first, lambda s: s.add_user("sam", "viewer", ["T1"]).role)
    assert mine[0] == "error" and mine[1].startswith("AccessDenied:") and ok(theirs) == "viewer"
    assert read(company, lambda s: s.scorecard("1001", MONTH).version) == 0


def test_an_override_by_a_manager_demoted_meanwhile_is_refused(company):
    from cstui.domain import Override

    read(company, lambda s: s.add_user("mia", "manager"))

    def first(path):
        with Store.open(path, login="mia") as s:
            return s.add_override(Override("1001", Period.parse(MONTH), "5-star", "star of the month", "")).level

    mine, theirs = race(company, first, lambda s: s.add_user("mia", "supervisor", ["T1"]).role)
    assert mine[0] == "error" and "AccessDenied" in mine[1] and ok(theirs) == "supervisor"
    assert read(company, lambda s: s.overrides("1001")) == []


def test_results_waiting_on_the_lock_are_refused_once_the_period_is_closed(company):
    from cstui.grading import apply_period
    from cstui.schemes import load_scheme

    def first(path):
        with Store.open(path, login="alice") as s:
            return apply_period(s, load_scheme("star-levels"), Period.parse(MONTH))

    mine, theirs = race(company, first, lambda s: s.close_period(MONTH))
    assert mine[0] == "error" and mine[1].startswith("PeriodClosed:") and ok(theirs) is None
    assert read(company, lambda s: s.results(MONTH)) == []


def test_an_apply_regrades_with_a_card_saved_while_it_waited(company):
    from cstui.grading import apply_period
    from cstui.schemes import load_scheme

    read(company, lambda s: s.save_scorecard("1001", MONTH, {"sales_target": "100", "sales_actual": "100"}, 0))

    def first(path):
        with Store.open(path, login="alice") as s:
            return apply_period(s, load_scheme("star-levels"), Period.parse(MONTH))

    def second(s):
        return s.save_scorecard("1001", MONTH, {"sales_target": "100", "sales_actual": "150"}, 1)

    mine, theirs = race(company, first, second)
    assert ok(mine) == 2 and ok(theirs) == 2
    scores = read(company, lambda s: {r["employee_id"]: r["score"] for r in s.results(MONTH)})
    assert scores["1001"] == 150  # graded again with the card saved meanwhile, not the 100 read first


def test_a_period_closed_while_another_close_waited_is_closed_once(company):
    def first(path):
        with Store.open(path, login="alice") as s:
            return s.close_period(MONTH)

    mine, theirs = race(company, first, lambda s: s.close_period(MONTH))
    assert ok(theirs) is None and mine[0] == "error" and "already closed" in mine[1]
    assert [a["action"] for a in read(company, lambda s: s.audit_log(entity="periods"))] == ["close"]


def test_a_user_removed_while_an_admin_change_to_them_waited_is_not_brought_back(company):
    def first(path):
        with Store.open(path, login="alice") as s:
            return s.remove_user("sam")

    mine, theirs = race(company, first, lambda s: s.remove_user("sam"))
    assert ok(theirs) is None and mine[0] == "error" and "no user 'sam'" in mine[1]
    assert "sam" not in [u.login for u in read(company, lambda s: s.users())]
