"""The roster finds 中文 names by pinyin (full and initials) and team names in either
language, sorts names in pinyin order, and migration 5 fills the key for existing rows."""

from __future__ import annotations

import sqlite3
from datetime import date

from cstui.domain import Employee
from cstui.store import Store
from cstui.store.migrations import migrate
from cstui.store.pinyin import name_pinyin


def make_employee(id: str, team: str, name: str) -> Employee:
    return Employee(id=id, name=name, team=team, role="agent", hire_date=date(2025, 1, 1), scheme="star-levels")


def test_the_key_holds_full_pinyin_and_initials():
    assert name_pinyin("张伟") == "zhangwei zw"
    assert name_pinyin("Alice Chen") == "alice chen ac"
    assert name_pinyin("") == ""


def test_pinyin_and_team_names_find_people(store):
    store.add_employee(make_employee("3001", "T1", name="张伟"))
    store.add_employee(make_employee("3002", "T2", name="王芳"))
    assert [e.id for e in store.employees(search="zhangwei")] == ["3001"]
    assert [e.id for e in store.employees(search="zw")] == ["3001"]
    assert {e.id for e in store.employees(search="二组")} == {"2001", "2002", "3002"}  # T2's 中文 name
    assert {e.id for e in store.employees(search="Team one")} >= {"1001", "3001"}
    renamed = store.update_employee(make_employee("3001", "T1", name="李娜"), 1)
    assert store.employees(search="zw") == [] and [e.id for e in store.employees(search="lina")] == [renamed.id]


def test_names_sort_in_pinyin_order(store):
    for id, name in (("3001", "张伟"), ("3002", "安娜"), ("3003", "王芳"), ("3004", "Bob")):
        store.add_employee(make_employee(id, "T1", name=name))
    names = [e.name for e in store.employees(team="T1", order_by="name") if e.id.startswith("3")]
    assert names == ["安娜", "Bob", "王芳", "张伟"]  # an, bob, wang, zhang: not code point order


def test_migration_fills_the_key_of_existing_rows(db_path):
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn, upto=4)
    conn.execute("INSERT INTO teams (id, name) VALUES ('T1', 'one')")
    conn.execute(
        "INSERT INTO employees (id, name, team, role, hire_date, status, version) VALUES ('1', '张伟', 'T1', 'agent', '2025-01-01', 'active', 1)"
    )
    conn.close()
    with Store.open(db_path, login="alice") as store:
        assert [e.id for e in store.employees(search="zw")] == ["1"]
