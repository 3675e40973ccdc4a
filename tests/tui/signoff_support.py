"""The seeded company of conftest.py with October 2026 applied and two agents on the roster, at a
frozen instant (the sign-off window runs from the apply's date), for the sign-off screens' tests.

- zhang.wei: agent, the roster login of E001 张伟 (star-levels, 客服一组);
- wang.fang: agent, the roster login of E002 王芳 (assistant-class, 客服一组), who disputed her
  October result ("漏记了 10 月 12 日的零投诉加分") before the test starts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cstui.domain import Period
from cstui.grading import apply_schemes
from cstui.schemes import load_scheme
from cstui.store import Store
from cstui.store.signoff import installed_window_days

MONTH = "2026-10"
APPLIED_AT = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)  # the window of 5 days ends on 2026-11-20
COLLEAGUE_REASON = "漏记了 10 月 12 日的零投诉加分"


class FrozenDatetime(datetime):
    """``datetime.now()`` of the store's stamps (cstui.store.codec.now), frozen."""

    @classmethod
    def now(cls, tz=None):
        return APPLIED_AT if tz is not None else APPLIED_AT.replace(tzinfo=None)


def freeze_stamps(monkeypatch) -> None:
    monkeypatch.setattr("cstui.store.codec.datetime", FrozenDatetime)


def seed_sign_offs(path: Path) -> Path:
    """Tie the two agents to their employees, apply October for every scheme, open 王芳's dispute."""
    with Store.open(path, login="admin") as store:
        for employee_id, login in (("E001", "zhang.wei"), ("E002", "wang.fang")):
            e = store.employee(employee_id)
            store.update_employee(replace(e, login=login), e.version)
            store.add_user(login, "agent")
        schemes = [load_scheme(name) for name in store.roster_schemes()]
        for spool in apply_schemes(store, schemes, Period.parse(MONTH)):
            spool.close()
    with Store.open(path, login="wang.fang") as store:
        store.open_dispute(MONTH, COLLEAGUE_REASON, installed_window_days)
    return path


def latest_sign_off(path: Path, employee_id: str, month: str = MONTH) -> dict | None:
    with Store.open(path, login="admin") as store:
        return store.sign_offs(month).get(employee_id)


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]
