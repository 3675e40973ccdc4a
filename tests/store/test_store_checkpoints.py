"""Checkpoints in the store: kept per scheme, team and month; read back by fingerprint;
deleted by every write that could make them stale, in the write's own transaction."""

from __future__ import annotations

from datetime import date

import pytest

from cstui.domain import Incident, Override, Period
from cstui.store import StoreError
from scheme_cards import five_card, star_card

M = Period.parse
STATE = {"employees": {"1001": {"level": "2-star"}}}


def kept(store) -> list[tuple[str, str, str]]:
    return [(c["scheme"], c["team"], c["month"]) for c in store.checkpoints()]


def save_six(store):
    with store.write():
        for month in ("2026-09", "2026-10", "2026-11"):
            store.save_checkpoints("star-levels", "fp", M(month), {"T1": STATE, "T2": STATE})
    return store


@pytest.fixture
def saved(store):
    """Checkpoints of T1 and T2 at 2026-09, 2026-10 and 2026-11 under star-levels (fingerprint "fp")."""
    return save_six(store)


@pytest.fixture
def saved_with_assistants(store, assistants):
    """``saved`` with T1 also holding assistant-class employees A001-A003 (added before the checkpoints)."""
    return save_six(store)


def card(store, employee_id: str, month: str, amount: str = "100") -> None:
    store.save_scorecard(
        employee_id, month, {"sales_target": "100", "sales_actual": amount}, store.scorecard(employee_id, month).version
    )


def test_a_history_resumes_from_the_latest_checkpoint_before_the_period(store):
    for month in ("2026-10", "2026-11", "2026-12"):
        card(store, "1001", month)
    with store.write():
        for month in ("2026-09", "2026-10", "2026-11"):
            store.save_checkpoints("star-levels", "fp", M(month), {"T1": STATE})
    saved = store
    (history,) = saved.team_histories("star-levels", "2026-12", teams=["T1"], fingerprint="fp")
    assert history.checkpoint.month == M("2026-11") and history.checkpoint.state == STATE
    assert list(history.cards["1001"]) == [M("2026-12")]
    assert [e.id for e in history.employees] == ["1001", "1002", "1003"]  # the whole team as usual
    (quarter,) = saved.team_histories("star-levels", "2026-Q4", teams=["T1"], fingerprint="fp")
    assert quarter.checkpoint.month == M("2026-09") and list(quarter.cards["1001"]) == [
        M("2026-10"),
        M("2026-11"),
        M("2026-12"),
    ]


def test_a_different_fingerprint_or_none_reads_the_full_history(store):
    card(store, "1001", "2026-08")
    with store.write():
        store.save_checkpoints("star-levels", "fp", M("2026-11"), {"T1": STATE})
    saved = store
    for fingerprint in ("other", None):
        (history,) = saved.team_histories("star-levels", "2026-12", teams=["T1"], fingerprint=fingerprint)
        assert history.checkpoint is None and M("2026-08") in history.cards["1001"]


def test_a_scorecard_of_an_earlier_month_deletes_the_later_checkpoints_of_its_team(saved):
    card(saved, "1001", "2026-10")
    assert kept(saved) == [
        ("star-levels", "T1", "2026-09"),
        ("star-levels", "T2", "2026-09"),
        ("star-levels", "T2", "2026-10"),
        ("star-levels", "T2", "2026-11"),
    ]


def test_bulk_scorecards_delete_from_each_teams_earliest_month(saved):
    saved.save_scorecards(
        [("1001", "2026-11", star_card()), ("1002", "2026-10", star_card()), ("2001", "2026-11", five_card())]
    )
    assert kept(saved) == [
        ("star-levels", "T1", "2026-09"),
        ("star-levels", "T2", "2026-09"),
        ("star-levels", "T2", "2026-10"),
    ]


def test_unchanged_scorecards_keep_the_checkpoints(store):
    store.save_scorecards([("1001", "2026-10", star_card())])
    with store.write():
        store.save_checkpoints("star-levels", "fp", M("2026-10"), {"T1": STATE})
    store.save_scorecards([("1001", "2026-10", star_card())])  # the same values: nothing written
    assert kept(store) == [("star-levels", "T1", "2026-10")]


def test_a_rolled_back_write_keeps_the_checkpoints(saved):
    with pytest.raises(RuntimeError), saved.write():
        card(saved, "1001", "2026-09")
        assert ("star-levels", "T1", "2026-10") not in kept(saved)  # deleted inside the transaction
        raise RuntimeError("the caller fails after the write")
    assert len(kept(saved)) == 6
    with pytest.raises(StoreError):  # a bulk import refused half-way deletes nothing either
        saved.save_scorecards([("1001", "2026-09", star_card()), ("nobody", "2026-09", star_card())])
    assert len(kept(saved)) == 6


def test_incidents_added_deleted_and_restored_invalidate(saved_with_assistants):
    saved = saved_with_assistants  # incidents need a scheme with a catalogue: A001 (T1, assistant-class)
    (inc,) = saved.add_incidents([Incident("A001", date(2026, 11, 3), "late")])
    assert ("star-levels", "T1", "2026-11") not in kept(saved) and ("star-levels", "T1", "2026-10") in kept(saved)
    with saved.write():
        saved.save_checkpoints("star-levels", "fp", M("2026-11"), {"T1": STATE})
    saved.delete_incident(inc.id)
    assert ("star-levels", "T1", "2026-11") not in kept(saved)
    with saved.write():
        saved.save_checkpoints("star-levels", "fp", M("2026-11"), {"T1": STATE})
    saved.restore_incident(inc.id)
    assert ("star-levels", "T1", "2026-11") not in kept(saved) and len(kept(saved)) == 5


def test_an_override_invalidates_from_its_month(saved):
    saved.add_override(Override("2001", M("2026-10"), "senior", "placed by hand", ""))
    assert kept(saved) == [
        ("star-levels", "T1", "2026-09"),
        ("star-levels", "T1", "2026-10"),
        ("star-levels", "T1", "2026-11"),
        ("star-levels", "T2", "2026-09"),
    ]


def test_roster_changes_drop_every_checkpoint_of_the_old_and_new_team(saved, new_employee):
    saved.add_employee(new_employee("1004", "T1"))
    assert {team for _, team, _ in kept(saved)} == {"T2"}
    with saved.write():
        saved.save_checkpoints("star-levels", "fp", M("2026-11"), {"T1": STATE})
    moved = saved.employee("2001")
    moved.team = "T1"
    saved.update_employee(moved, moved.version)
    assert kept(saved) == []


def test_deactivate_and_import_roster_drop_the_teams_checkpoints(saved, new_employee):
    e = saved.employee("1001")
    saved.deactivate_employee("1001", e.version)
    assert {team for _, team, _ in kept(saved)} == {"T2"}
    saved.import_roster([new_employee("2009", "T2")])
    assert kept(saved) == []


def test_checkpoints_need_write_rights_on_the_team(saved, open_as):
    saved.add_user("sam", "supervisor", ["T1"])
    sam = open_as("sam")
    with pytest.raises(StoreError), sam.write():
        sam.save_checkpoints("star-levels", "fp", M("2026-12"), {"T2": STATE})


def test_only_the_newest_four_checkpoints_per_scheme_and_team_are_kept(store):
    for month in ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"):
        store.save_checkpoints("star-levels", "fp", Period.parse(month), {"T1": {"at": month}})
    store.save_checkpoints("five-tier", "fp", Period.parse("2026-05"), {"T1": {"at": "2026-05"}})
    months = [(scheme, month) for scheme, _team, month in kept(store)]
    assert months == [
        ("five-tier", "2026-05"),
        ("star-levels", "2026-07"),
        ("star-levels", "2026-08"),
        ("star-levels", "2026-09"),
        ("star-levels", "2026-10"),
    ]
