"""TUI fixtures: a small seeded company, a frozen clock, fixed logins, and app factories.

- ``company_db``: Path to a fresh copy of the seeded database (built once per session).
- ``make_app(login="admin", lang="en")``: a CstuiApp on ``company_db`` (stores closed after the test).
- ``make_app_at(path, login=..., lang=...)``: the same on another database file.
- ``frozen_clock``: CSTUI_TODAY=2026-11-15 (default period 2026-10), LANG=C (English unless asked).
- ``crash_log``: the error log's path, for a test that expects an unexpected error. Any other
  test fails if something wrote to the log: the app survives unexpected errors with a toast,
  so without this check a broken action would pass a test that does not look at toasts.

The company (teams 客服一组, kf2, shop; logins admin, boss (manager), sup1 (supervisor of
客服一组), sup2 (supervisor of kf2), viewer): employees on every built-in scheme, scorecards
2026-05 .. 2026-10 for every active employee, a few incidents for the assistants.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cstui.domain import Employee, Incident, Period
from pilot_support import settle

TODAY = "2026-11-15"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests in a fresh event loop (no pytest-asyncio in the dev venv)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**kwargs))
    return True


MONTHS = [Period.parse(f"2026-{m:02d}") for m in range(5, 11)]

TEAMS = [
    ("客服一组", "CS team 1", "客服一组"),
    ("kf2", "CS team 2", "客服二组"),
    ("shop", "E-commerce", "电商组"),
]

# id, name, team, role, hire date, scheme, level, status
EMPLOYEES = [
    ("E001", "张伟", "客服一组", "agent", "2024-03-01", "star-levels", "3-star", "active"),
    ("E002", "王芳", "客服一组", "assistant", "2023-05-10", "assistant-class", "class-2", "active"),
    ("E003", "李娜", "客服一组", "team-lead", "2021-01-04", "assistant-class", "class-1", "active"),
    ("E004", "刘洋", "客服一组", "agent", "2026-08-15", "star-levels", None, "active"),
    ("E101", "Alice Chen", "kf2", "agent", "2022-02-01", "five-tier", "intermediate", "active"),
    ("E102", "Bob Li", "kf2", "agent", "2025-06-01", "five-tier", "junior", "active"),
    ("E103", "陈静", "kf2", "assistant", "2024-09-01", "assistant-class", "class-3", "active"),
    ("E104", "赵磊", "kf2", "agent", "2023-11-20", "star-levels", "1-star", "inactive"),
    ("E201", "周杰", "shop", "agent", "2020-07-01", "ecommerce-kpi", "senior", "active"),
    ("E202", "Dana Xu", "shop", "agent", "2025-12-01", "ecommerce-kpi", "junior", "active"),
    ("E203", "孙丽", "shop", "supervisor", "2019-04-01", "star-levels", "5-star", "active"),
]

USERS = [
    ("boss", "manager", ()),
    ("sup1", "supervisor", ("客服一组",)),
    ("sup2", "supervisor", ("kf2",)),
    ("viewer", "viewer", ()),
]


def card_values(scheme: str, rng: random.Random) -> dict[str, str]:
    """Plausible raw values, typed the way people type them."""
    if scheme == "star-levels":
        target = rng.choice([50000, 60000, 80000])
        return {"sales_target": str(target), "sales_actual": str(int(target * rng.uniform(0.8, 1.3)))}
    if scheme == "assistant-class":
        return {
            "adjustment": str(rng.randint(-2, 3)),
            "adjustment_reason": "月度表现",
            "a_followups": str(rng.randint(8, 20)),
            "b_followups": str(rng.randint(8, 20)),
            "a_reports": str(rng.randint(2, 5)),
            "b_reports": str(rng.randint(2, 5)),
            "suggestions": str(rng.randint(0, 1)),
        }
    if scheme == "five-tier":
        return {
            "follow_up_rate": f"{rng.randint(60, 98)}%",
            "satisfaction": f"0.{rng.randint(70, 99)}",
            "handling": str(rng.randint(55, 95)),
            "training": str(rng.randint(55, 95)),
            "attendance": f"{rng.randint(85, 100)}%",
        }
    return {
        "conversion": f"{rng.randint(35, 70)}%",
        "unit_price_ratio": f"{rng.uniform(1.0, 1.4):.2f}",
        "first_response_s": str(rng.randint(4, 25)),
        "avg_response_s": str(rng.randint(25, 60)),
        "satisfaction": f"{rng.randint(70, 98)}%",
    }


def seed_company(path: Path) -> Path:
    """Build the seeded company at ``path`` through the store API (login admin)."""
    from cstui.store import Store

    rng = random.Random(7)
    with Store.open(path, login="admin", create=True) as store:
        for team_id, name, name_zh in TEAMS:
            store.add_team(team_id, name, name_zh)
        for login, role, teams in USERS:
            store.add_user(login, role, teams)
        for eid, name, team, role, hired, scheme, level, status in EMPLOYEES:
            store.add_employee(
                Employee(eid, name, team, role, date.fromisoformat(hired), status=status, scheme=scheme, level=level)
            )
        rows = []
        for eid, _n, _t, _r, hired, scheme, _l, status in EMPLOYEES:
            for month in MONTHS:
                if status == "active" and month.first_day >= date.fromisoformat(hired).replace(day=1):
                    rows.append((eid, month, card_values(scheme, rng)))
        store.save_scorecards(rows)
        incidents = [
            Incident("E002", date(2026, 9, 3), "late", points=Decimal(-3), note="迟到 20 分钟"),
            Incident("E002", date(2026, 10, 12), "zero-complaints"),
            Incident("E003", date(2026, 10, 8), "messy-desk", count=2),
            Incident("E103", date(2026, 10, 20), "handover-missing", note="交接记录未填写"),
        ]
        store.add_incidents(incidents)
    return path


@pytest.fixture
def seed_company_at():
    """``seed_company_at(path)``: build the seeded company at ``path`` (a test that patches the clock first)."""
    return seed_company


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory) -> Path:
    return seed_company(tmp_path_factory.mktemp("company") / "company.db")


@pytest.fixture
def frozen_clock(monkeypatch):
    # an open scorecard polls for other saves every few seconds: tests that save from a second
    # connection call _watch_card() themselves, so a slow machine cannot fire it mid-test
    monkeypatch.setattr("cstui.tui.screens.scorecard.POLL_S", 3600.0)
    # a focused input's cursor blinks every 0.5 s: on a loaded machine a snapshot taken a little
    # later caught it hidden (flaky form and palette snapshots); the cursor stays shown instead
    monkeypatch.setattr("textual.widgets._input.Input._toggle_cursor", _steady_cursor)
    monkeypatch.setenv("CSTUI_TODAY", TODAY)
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C")
    monkeypatch.delenv("CSTUI_DB", raising=False)


def _steady_cursor(self) -> None:
    self._cursor_visible = True


@pytest.fixture
def company_db(_seeded_template, tmp_path, frozen_clock) -> Path:
    """A fresh copy of the seeded company for one test."""
    path = tmp_path / "company.db"
    shutil.copyfile(_seeded_template, path)
    return path


@pytest.fixture
def make_app_at(frozen_clock):
    """``make_app_at(path, login="admin", lang="en")`` → CstuiApp; its store closes after the test."""
    from cstui.clock import default_period
    from cstui.store import Store
    from cstui.tui.app import CstuiApp
    from cstui.tui.context import AppContext

    stores = []

    def make(path: Path, login: str = "admin", lang: str = "en") -> CstuiApp:
        store = Store.open(path, login=login, create=False)
        stores.append(store)
        return CstuiApp(AppContext(store=store, period=default_period(), lang=lang))

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def make_app(company_db, make_app_at):
    """``make_app(login="admin", lang="en")`` → CstuiApp on a fresh copy of the seeded company."""

    def make(login: str = "admin", lang: str = "en"):
        return make_app_at(company_db, login=login, lang=lang)

    return make


@pytest.fixture
def crash_log() -> Path:
    from cstui.tui.crashlog import log_path

    return log_path()


@pytest.fixture(autouse=True)
def _no_unexpected_errors(request):
    yield
    if "crash_log" in request.fixturenames:
        return
    from cstui.tui.crashlog import log_path

    if log_path().exists():
        pytest.fail("an unexpected error was logged:\n" + log_path().read_text(encoding="utf-8")[-4000:])


@pytest.fixture(name="settle")
def _settle_fixture():
    """``await settle(pilot, delay=0.3)`` (the same as the module function ``settle``)."""
    return settle
