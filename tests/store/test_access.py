from datetime import date

import pytest

from cstui.domain import Incident, Override, Period
from cstui.store import AccessDenied, NotFound, Store, StoreError, User
from scheme_cards import five_card, star_card


@pytest.fixture
def sam(store, open_as):
    store.add_user("sam", "supervisor", ["T1"])
    return open_as("sam")


def test_login_with_no_role_is_refused_with_the_fix(store, db_path):
    with pytest.raises(AccessDenied) as caught:
        Store.open(db_path, login="bob")
    assert str(caught.value) == (
        f"login 'bob' has no role in {db_path}; ask an admin to run: cstui user add bob --role supervisor --team T"
    )


def test_supervisor_sees_only_own_teams(sam, store):
    assert [e.id for e in sam.employees()] == ["1001", "1002", "1003"]
    assert sam.count_employees() == 3
    assert sam.count_employees(team="T2") == 0
    assert sam.employees(search="200") == []
    assert [t["id"] for t in sam.teams()] == ["T1"]
    assert [h.team for h in sam.team_histories("star-levels", Period.parse("2026-10"))] == ["T1"]
    assert list(sam.team_histories("five-tier", Period.parse("2026-10"))) == []
    with pytest.raises(AccessDenied):
        sam.employee("2001")
    with pytest.raises(AccessDenied):
        list(sam.team_histories("five-tier", Period.parse("2026-10"), teams=["T2"]))
    with pytest.raises(NotFound):
        sam.employee("9999")
    assert store.count_employees() == 5  # the admin sees everything


def test_supervisor_writes_own_teams_only(sam, new_employee):
    sam.save_scorecard("1001", "2026-10", star_card(), 0)
    with pytest.raises(AccessDenied, match="may only change teams T1"):
        sam.save_scorecard("2001", "2026-10", five_card(), 0)
    with pytest.raises(AccessDenied):
        sam.save_scorecards([("1001", "2026-11", star_card()), ("2001", "2026-11", five_card())])
    assert sam.scorecard("1001", "2026-11").version == 0  # the whole batch was refused
    with pytest.raises(AccessDenied):
        sam.add_incident(Incident("2001", date(2026, 10, 1), "late"))
    with pytest.raises(AccessDenied):
        sam.add_employee(new_employee("3001", team="T2"))
    moved = sam.employee("1001")
    moved.team = "T2"
    with pytest.raises(AccessDenied):
        sam.update_employee(moved, expected_version=1)
    with pytest.raises(AccessDenied):
        sam.import_roster([new_employee("1001", team="T1"), new_employee("2001", team="T1")])


def test_supervisor_cannot_close_periods_override_or_manage_users(sam):
    with pytest.raises(AccessDenied, match="manager or admin"):
        sam.close_period("2026-10")
    with pytest.raises(AccessDenied, match="manager or admin"):
        sam.add_override(Override("1001", Period.parse("2026-10"), "3-star", "outstanding", "sam"))
    with pytest.raises(AccessDenied, match="only an admin"):
        sam.add_user("eve", "admin")


def test_viewer_reads_but_writes_nothing(store, open_as):
    store.add_user("vic", "viewer")
    store.add_user("val", "viewer", ["T2"])
    vic, val = open_as("vic"), open_as("val")
    assert vic.count_employees() == 5
    assert [e.id for e in val.employees()] == ["2001", "2002"]
    with pytest.raises(AccessDenied, match="viewer and may not change anything"):
        val.save_scorecard("2001", "2026-10", five_card(), 0)
    with pytest.raises(AccessDenied):
        vic.add_incident(Incident("1001", date(2026, 10, 1), "late"))
    with pytest.raises(AccessDenied):
        vic.add_team("T3", "Three")


def test_manager_sees_and_changes_all_teams(store, open_as):
    store.add_user("mia", "manager")
    mia = open_as("mia")
    assert mia.count_employees() == 5
    mia.save_scorecard("2001", "2026-10", five_card(), 0)
    mia.close_period("2026-10")
    mia.add_override(Override("1001", Period.parse("2026-11"), "3-star", "outstanding", ""))  # 2026-10 is closed now
    assert mia.overrides("1001")[0].author == "mia"
    with pytest.raises(AccessDenied):
        mia.add_user("eve", "admin")


def test_user_rules(store):
    with pytest.raises(StoreError, match="expected one of admin, manager, supervisor, viewer"):
        store.add_user("eve", "boss")
    with pytest.raises(StoreError, match="needs at least one team"):
        store.add_user("eve", "supervisor")
    with pytest.raises(StoreError, match="last admin"):
        store.add_user("alice", "viewer")
    store.add_user("eve", "supervisor", ["T1", "T2"])
    assert User("eve", "supervisor", ("T1", "T2")) in store.users()
    store.remove_user("eve")
    assert [u.login for u in store.users()] == ["alice"]


def test_user_helpers():
    sup = User("s", "supervisor", ("T1",))
    assert sup.can_write("T1") and not sup.can_write("T2") and not sup.is_manager
    assert User("m", "manager").can_write("any") and User("a", "admin").is_manager
    assert not User("v", "viewer").can_write("T1") and User("v", "viewer").can_see("T1")
    assert not User("v", "viewer", ("T2",)).can_see("T1")
