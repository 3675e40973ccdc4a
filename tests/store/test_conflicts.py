import pytest

from cstui.store import Conflict
from scheme_cards import star_card


def test_stale_employee_update_raises_conflict_naming_who_and_when(store, open_as):
    bob_view = open_as("alice").employee("1001")  # a second connection reads version 1
    mine = store.employee("1001")
    mine.name = "先改的"
    store.update_employee(mine, expected_version=1)

    bob_view.name = "后改的"
    other = open_as("alice")
    with pytest.raises(Conflict) as caught:
        other.update_employee(bob_view, expected_version=1)
    error = caught.value
    changed = store.employee("1001")
    assert (error.entity, error.key, error.who) == ("employee", "1001", "alice")
    assert error.when == store.audit_log(limit=1, entity="employees", key="1001")[0]["at"]
    assert "changed by alice at " + error.when in str(error)
    assert changed.name == "先改的" and changed.version == 2  # no lost update, nothing written


def test_two_supervisors_saving_the_same_scorecard(store, open_as):
    store.add_user("sam", "supervisor", ["T1"])
    store.add_user("sue", "supervisor", ["T1"])
    sam, sue = open_as("sam"), open_as("sue")
    seen_by_sam = sam.scorecard("1001", "2026-10").version
    seen_by_sue = sue.scorecard("1001", "2026-10").version
    assert seen_by_sam == seen_by_sue == 0

    assert sam.save_scorecard("1001", "2026-10", star_card("1200"), seen_by_sam) == 1
    audit_rows = len(store.audit_log(limit=None))
    with pytest.raises(Conflict, match="changed by sam at") as caught:
        sue.save_scorecard("1001", "2026-10", star_card("900"), seen_by_sue)
    assert caught.value.who == "sam"
    card = store.scorecard("1001", "2026-10")
    assert card.values == star_card("1200") and card.version == 1
    assert len(store.audit_log(limit=None)) == audit_rows

    # re-read, re-apply: now it saves
    assert sue.save_scorecard("1001", "2026-10", star_card("900"), 1) == 2
    assert store.audit_log(limit=1)[0]["who"] == "sue"


def test_saving_the_same_values_writes_nothing(store):
    version = store.save_scorecard("1001", "2026-10", star_card("1200"), 0)
    rows = len(store.audit_log(limit=None))
    assert store.save_scorecard("1001", "2026-10", {**star_card("1200"), "note": ""}, version) == version
    assert len(store.audit_log(limit=None)) == rows


def test_deactivate_with_stale_version_is_a_conflict(store, open_as):
    other = open_as("alice")
    store.deactivate_employee("1002", expected_version=1)
    with pytest.raises(Conflict):
        other.deactivate_employee("1002", expected_version=1)
    assert store.employee("1002").status == "inactive"
    assert store.employee("1002").version == 2


def test_stale_incident_delete_is_a_conflict(store, assistants, open_as):
    from datetime import date

    from cstui.domain import Incident

    inc = store.add_incident(Incident(assistants[0], date(2026, 10, 3), "late"))
    store.delete_incident(inc.id, expected_version=1)
    with pytest.raises(Conflict):
        open_as("alice").restore_incident(inc.id, expected_version=1)
    assert store.incidents(assistants[0], "2026-10") == []
