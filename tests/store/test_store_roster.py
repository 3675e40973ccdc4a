from datetime import date

import pytest

from cstui.store import NotFound, StoreError


def ids(employees) -> list[str]:
    return [e.id for e in employees]


def test_add_and_read_back(store, new_employee):
    e = store.add_employee(new_employee("3001", team="T3", name="王五", level="2-star", login="wang"))
    assert e.version == 1
    assert store.employee("3001") == e
    assert store.employee("3001").hire_date == date(2025, 1, 1)
    assert "T3" in [t["id"] for t in store.teams()]  # new team created with the employee
    with pytest.raises(StoreError, match="'3001' already exists"):
        store.add_employee(new_employee("3001"))
    with pytest.raises(StoreError, match="team is required"):
        store.add_employee(new_employee("3002", team=""))
    with pytest.raises(StoreError, match="status 'gone'"):
        store.add_employee(new_employee("3003", status="gone"))


def test_filters_search_sort_and_pages(store, new_employee):
    store.add_employee(new_employee("1004", name="张_三"))
    assert ids(store.employees(team="T2")) == ["2001", "2002"]
    assert ids(store.employees(scheme="five-tier")) == ["2001", "2002"]
    assert ids(store.employees(search="T2")) == ["2001", "2002"]  # team substring
    assert ids(store.employees(search="100")) == ["1001", "1002", "1003", "1004"]
    assert ids(store.employees(search="_")) == ["1004"]  # LIKE wildcards are literal
    assert ids(store.employees(search="员工200")) == ["2001", "2002"]
    assert ids(store.employees(order_by="id", descending=True, limit=2)) == ["2002", "2001"]
    assert ids(store.employees(limit=2, offset=2)) == ["1003", "1004"]
    assert ids(store.employees(offset=5)) == ["2002"]
    assert store.count_employees(search="100") == 4
    with pytest.raises(StoreError, match="cannot sort employees by 'salary'"):
        store.employees(order_by="salary")


def test_update_moves_team_and_deactivate_filters(store):
    e = store.employee("1001")
    e.team, e.level = "T2", "3-star"
    updated = store.update_employee(e, expected_version=1)
    assert updated.version == 2 and store.employee("1001").team == "T2"
    store.deactivate_employee("1002", expected_version=1)
    assert ids(store.employees(status="active", team="T1")) == ["1003"]
    assert store.count_employees(status="inactive") == 1
    with pytest.raises(NotFound, match="no employee '404'"):
        store.deactivate_employee("404", 1)
