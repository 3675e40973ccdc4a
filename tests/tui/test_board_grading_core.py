"""The core the board asks (no screen here): grading.dry_run gives what batch's dry run reports,
and board_grading tells which teams a change since a grading touches."""

from __future__ import annotations

from datetime import date

from cstui.board_grading import SchemeRows, TeamRows, teams_to_grade
from cstui.domain import Employee, Incident, Period
from cstui.grading import apply_period, dry_run, graded_results
from cstui.schemes import catalog
from cstui.store import Store

OCTOBER = Period.parse("2026-10")


def graded_rows(store, name: str) -> SchemeRows:
    scheme = catalog().get(name)
    rows = SchemeRows(name, scheme.fingerprint, OCTOBER, stamp=store.change_stamp())
    for graded in dry_run(store, scheme, OCTOBER, jobs=1).teams:
        rows.put(*TeamRows.of(scheme, graded))
    rows.finish(rows.stamp)
    return rows


def test_dry_run_grades_an_open_period_and_reports_a_closed_one_as_recorded(company_db):
    with Store.open(company_db, login="admin", create=False) as store:
        scheme = catalog().get("assistant-class")
        run = dry_run(store, scheme, OCTOBER, jobs=1)
        assert run.notice is None and run.source == "computed"
        graded = [(t.team, [r.score for r in t.results]) for t in run.teams]
        assert graded == [(t.team, [r.score for r in t.results]) for t in graded_results(store, scheme, OCTOBER)]
        apply_period(store, scheme, OCTOBER)
        store.close_period(OCTOBER)
        run = dry_run(store, scheme, OCTOBER, jobs=1)
        assert run.source == "recorded" and "2026-10 is closed" in run.notice
        assert [(t.team, [r.score for r in t.results]) for t in run.teams] == graded


def test_nothing_changed_nothing_to_grade(company_db):
    with Store.open(company_db, login="admin", create=False) as store:
        rows = graded_rows(store, "assistant-class")
        assert teams_to_grade(store, rows, "open") == set()
        assert teams_to_grade(store, rows, "closed") is None  # closed since: the recorded results
        assert teams_to_grade(store, None, "open") is None


def test_a_card_or_an_incident_names_its_team_only(company_db):
    with Store.open(company_db, login="admin", create=False) as store:
        rows = graded_rows(store, "assistant-class")
        card = store.scorecard("E103", OCTOBER)
        store.save_scorecard("E103", OCTOBER, dict(card.values, a_followups="30"), card.version)
        assert teams_to_grade(store, rows, "open") == {"kf2"}
        store.add_incident(Incident("E002", date(2026, 10, 9), "late", points=-2))
        assert teams_to_grade(store, rows, "open") == {"kf2", "客服一组"}
        card = store.scorecard("E001", OCTOBER)  # another scheme's card: not this scheme's business
        store.save_scorecard("E001", OCTOBER, dict(card.values, sales_actual="1"), card.version)
        assert teams_to_grade(store, rows, "open") == {"kf2", "客服一组"}


def test_someone_joining_the_scheme_grades_it_all_again(company_db):
    with Store.open(company_db, login="admin", create=False) as store:
        rows = graded_rows(store, "assistant-class")
        store.add_employee(Employee("E105", "新人", "shop", "assistant", date(2026, 1, 5), scheme="assistant-class"))
        assert teams_to_grade(store, rows, "open") is None
