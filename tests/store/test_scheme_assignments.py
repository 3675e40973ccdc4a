"""An employee's scheme timeline (issue 12, part 2): from a month on, another scheme judges and
grades their cards; earlier months stay graded and recorded under the old one."""

from __future__ import annotations

import shutil

import pytest

from cstui.domain import Period
from cstui.engine.cards import CardRefused
from cstui.grading import apply_period, graded_teams
from cstui.schemes import SchemeError, catalog
from cstui.store import PeriodClosed, Store, StoreError
from cstui.store.timeline import Assignment
from scheme_cards import five_card, star_card

M = Period.parse
STAR_MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]
FIVE_MONTHS = [f"2026-{m:02d}" for m in range(7, 13)]


def switched(store) -> Store:
    """1001 and 1002 on star-levels (1002 imported at 3-star) until June; 1001 moves to
    five-tier from July at "senior"; every month has a valid card for the scheme of that month."""
    store.update_employee(
        store.employee("1002").__class__(**{**_fields(store.employee("1002")), "level": "3-star"}),
        store.employee("1002").version,
    )
    for employee_id in ("1001", "1002"):
        for i, month in enumerate(STAR_MONTHS):
            store.save_scorecard(employee_id, month, star_card(str(80 + 7 * i)), 0)
    for month in FIVE_MONTHS:
        store.save_scorecard("1002", month, star_card("95"), 0)
    store.assign_scheme("1001", "five-tier", "2026-07", "senior")
    for i, month in enumerate(FIVE_MONTHS):
        store.save_scorecard("1001", month, five_card(str(70 + 5 * i)), 0)
    return store


def _fields(e) -> dict:
    return {f: getattr(e, f) for f in e.__slots__}


def outcome(results) -> list[tuple]:
    return sorted((r.employee_id, str(r.period), r.score, r.level_before, r.level_after, r.decision) for r in results)


def test_a_new_employee_starts_one_assignment_since_hire_and_edits_change_the_current_one(store):
    assert store.scheme_assignments("1001") == [Assignment("1001", "2025-01", "star-levels", None)]
    e = store.employee("1001")
    store.update_employee(e.__class__(**{**_fields(e), "level": "2-star"}), e.version)
    assert store.scheme_assignments("1001") == [Assignment("1001", "2025-01", "star-levels", "2-star")]


def test_assigning_from_a_month_keeps_the_earlier_months_on_the_old_scheme(store):
    store = switched(store)
    assert [a.scheme for a in store.scheme_assignments("1001")] == ["star-levels", "five-tier"]
    e = store.employee("1001")
    assert (e.scheme, e.level) == ("five-tier", "senior")  # the employee row is the current assignment
    (june,) = store.team_histories("star-levels", "2026-06", teams=["T1"])
    assert "1001" in [x.id for x in june.employees] and list(june.cards["1001"]) == [M(m) for m in STAR_MONTHS]
    (q3_star,) = store.team_histories("star-levels", "2026-Q3", teams=["T1"])
    assert "1001" not in [x.id for x in q3_star.employees]  # a period after the switch: not on it
    (q3,) = store.team_histories("five-tier", "2026-Q3", teams=["T1"])
    (moved,) = q3.employees
    assert (moved.id, moved.level, moved.scheme) == ("1001", "senior", "five-tier")
    assert list(q3.cards["1001"]) == [M(m) for m in FIVE_MONTHS[:3]]  # replay starts at the switch


def test_old_scheme_still_grades_the_earlier_months_and_the_new_one_starts_from_the_assigned_level(store):
    store = switched(store)
    star, five = catalog().get("star-levels"), catalog().get("five-tier")
    june = [r for _, rs in graded_teams(store, star, M("2026-06"), teams=["T1"]) for r in rs]
    assert {r.employee_id for r in june} == {"1001", "1002", "1003"}
    q3 = [r for _, rs in graded_teams(store, five, M("2026-Q3"), teams=["T1"]) for r in rs]
    (result,) = q3
    assert result.employee_id == "1001" and result.level_before == "senior"
    assert "1001" not in {r.employee_id for _, rs in graded_teams(store, star, M("2026-09"), teams=["T1"]) for r in rs}


def test_a_switch_mid_year_graded_month_by_month_equals_one_shot(store, db_path, tmp_path):
    store = switched(store)
    one_shot_path = tmp_path / "one-shot.db"
    store.close()
    shutil.copy(db_path, one_shot_path)
    star, five = catalog().get("star-levels"), catalog().get("five-tier")
    with Store.open(db_path, login="alice") as stepwise:
        for month in STAR_MONTHS:
            apply_period(stepwise, star, M(month))
        for quarter in ("2026-Q3", "2026-Q4"):
            apply_period(stepwise, five, M(quarter))
        assert stepwise.checkpoints()  # the later gradings resumed from checkpoints
        stepped = {
            p: outcome(r for _, rs in graded_teams(stepwise, s, M(p)) for r in rs)
            for s, p in ((star, "2026-06"), (five, "2026-Q4"))
        }
        recorded = {(r["employee_id"], r["scheme"]) for r in stepwise.results("2026-06")}
        assert ("1001", "star-levels") in recorded  # earlier months stay recorded under the old scheme
    with Store.open(one_shot_path, login="alice") as fresh:
        assert not fresh.checkpoints()
        for s, p in ((star, "2026-06"), (five, "2026-Q4")):
            assert outcome(r for _, rs in graded_teams(fresh, s, M(p)) for r in rs) == stepped[p]


def test_cards_from_the_since_month_are_judged_by_the_new_scheme(store):
    store.save_scorecard("1001", "2026-08", star_card(), 0)
    with pytest.raises(CardRefused):
        store.assign_scheme("1001", "five-tier", "2026-07")  # the August card is a star-levels card
    assert store.employee("1001").scheme == "star-levels" and len(store.scheme_assignments("1001")) == 1
    store.assign_scheme("1001", "five-tier", "2026-09")
    with pytest.raises(CardRefused):
        store.save_scorecard("1001", "2026-09", star_card(), 0)
    store.save_scorecard("1001", "2026-08", star_card("99"), 1)  # August is still star-levels
    store.save_scorecard("1001", "2026-09", five_card(), 0)


def test_an_assignment_is_audited_and_refused_in_a_closed_period_or_for_an_unknown_scheme(store):
    store.close_period("2026-03")
    with pytest.raises(PeriodClosed):
        store.assign_scheme("1001", "five-tier", "2026-03")
    with pytest.raises(SchemeError):
        store.assign_scheme("1001", "no-such-scheme", "2026-04")
    with pytest.raises(StoreError):
        store.assign_scheme("1001", "five-tier", "2026-Q2")
    store.assign_scheme("1001", "five-tier", "2026-04", "junior")
    (entry,) = store.audit_log(entity="scheme_assignments")
    assert entry["action"] == "assign-scheme" and entry["key"] == "1001"
    assert "five-tier" in str(entry["after"]) and "star-levels" in str(entry["before"])


def test_a_later_stretch_on_the_same_scheme_restarts_from_its_level_after_a_checkpoint(store):
    star = catalog().get("star-levels")
    for month in STAR_MONTHS:
        store.save_scorecard("1001", month, star_card("130"), store.scorecard("1001", month).version)
    for month in STAR_MONTHS[:3]:
        apply_period(store, star, M(month))
    store.assign_scheme("1001", "star-levels", "2026-05", "1-star")
    apply_period(store, star, M("2026-04"))  # a checkpoint at April, made after the assignment
    (history,) = store.team_histories("star-levels", "2026-06", teams=["T1"], fingerprint=star.fingerprint)
    assert history.checkpoint is not None and "1001" not in history.checkpoint.state["employees"]
    assert next(e for e in history.employees if e.id == "1001").level == "1-star"
    assert list(history.cards["1001"]) == [M("2026-05"), M("2026-06")]


def test_member_histories_follow_the_timeline_too(store):
    """The level-now path (cstui.levels) reads one employee's history the same way."""
    store = switched(store)
    (history,) = store.member_histories("five-tier", "2026-Q3", ["1001", "1002"], {})
    (moved,) = history.employees
    assert (moved.id, moved.level) == ("1001", "senior") and list(history.cards["1001"]) == [
        M(m) for m in FIVE_MONTHS[:3]
    ]
    assert store.member_histories("star-levels", "2026-Q3", ["1001"], {}) == []
    (june,) = store.member_histories("star-levels", "2026-06", ["1001"], {})
    assert list(june.cards["1001"]) == [M(m) for m in STAR_MONTHS]
