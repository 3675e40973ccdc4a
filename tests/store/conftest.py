from datetime import date

import pytest

from cstui.domain import Employee
from cstui.store import Store


def make_employee(id: str, team: str = "T1", scheme: str = "star-levels", **kw) -> Employee:
    return Employee(
        id=id,
        name=kw.pop("name", f"员工{id}"),
        team=team,
        role="agent",
        hire_date=date(2025, 1, 1),
        scheme=scheme,
        **kw,
    )


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "cstui.db"


@pytest.fixture
def store(db_path):
    """An admin (alice) on a database with teams T1, T2 and employees 1001-1003 (T1), 2001-2002 (T2)."""
    s = Store.open(db_path, login="alice", create=True)
    s.add_team("T1", "Team one", "一组")
    s.add_team("T2", "Team two", "二组")
    for id in ("1001", "1002", "1003"):
        s.add_employee(make_employee(id, "T1"))
    for id in ("2001", "2002"):
        s.add_employee(make_employee(id, "T2", scheme="five-tier"))
    yield s
    s.close()


@pytest.fixture
def assistants(store):
    """Employees A001-A003 on T1 under assistant-class, the built-in scheme with an incident
    catalogue (star-levels and five-tier keep none, so the store refuses incidents for them)."""
    ids = ["A001", "A002", "A003"]
    for id in ids:
        store.add_employee(make_employee(id, "T1", scheme="assistant-class"))
    return ids


@pytest.fixture
def open_as(db_path, store):
    """Open the same file as another login (its own connection)."""
    opened = []

    def _open(login: str) -> Store:
        s = Store.open(db_path, login=login)
        opened.append(s)
        return s

    yield _open
    for s in opened:
        s.close()


@pytest.fixture(name="new_employee")
def _new_employee():
    """``new_employee(id, team="T1", scheme="star-levels", **fields)`` -> Employee."""
    return make_employee
