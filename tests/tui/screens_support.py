"""A small seeded company and a bare App that shows one of the scorecard/board/history screens.

Used by test_scorecard*, test_board* and test_history* (kept out of conftest.py, which
belongs to the app shell's tests).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from textual.app import App

from cstui.domain import Employee, Incident, Period
from cstui.store import Store
from cstui.tui.context import AppContext

ADMIN = "boss"
SUPERVISOR_A = "sup_a"
VIEWER = "watcher"
MONTH = Period.parse("2026-10")


def seed(path: Path) -> None:
    """Two teams, star-levels agents with a promotion streak, assistant-class assistants
    with incidents, a five-tier agent; users: admin, supervisor of team A, viewer."""
    with Store.open(path, login=ADMIN) as store:
        store.add_team("A", "Team A", "客服一组")
        store.add_team("B", "Team B", "客服二组")
        store.add_user(SUPERVISOR_A, "supervisor", ["A"])
        store.add_user(VIEWER, "viewer", [])
        people = [
            Employee("E001", "张三", "A", "agent", date(2025, 1, 6), scheme="star-levels", level="3-star"),
            Employee("E002", "Li Si", "A", "agent", date(2025, 3, 1), scheme="star-levels", level="2-star"),
            Employee("E003", "王小明", "A", "agent", date(2025, 2, 1), scheme="star-levels", level="1-star"),
            Employee("A001", "赵六", "A", "assistant", date(2025, 6, 1), scheme="assistant-class", level="class-3"),
            Employee("A002", "Zhou Qi", "A", "assistant", date(2025, 5, 1), scheme="assistant-class", level="class-2"),
            Employee("F001", "陈八", "B", "agent", date(2022, 4, 1), scheme="five-tier", level="intermediate"),
        ]
        store.import_roster(people)
        rows = []
        for month in ("2026-07", "2026-08", "2026-09"):
            rows.append(("E001", month, {"sales_target": "100000", "sales_actual": "120000"}))
            rows.append(("E002", month, {"sales_target": "100000", "sales_actual": "90000"}))
            rows.append(("E003", month, {"sales_target": "100000", "sales_actual": "100000"}))
            rows.append(("F001", month, {"follow_up_rate": "0.9", "satisfaction": "88%", "handling": "85", "training": "80", "attendance": "1"}))
            rows.append(("A001", month, {"a_followups": "15", "b_followups": "15"}))
            rows.append(("A002", month, {"a_followups": "14", "b_followups": "14"}))
        rows.append(("E001", "2026-10", {"sales_target": "100000", "sales_actual": "118000"}))
        store.save_scorecards(rows)
        store.add_incidents(
            [
                Incident("A001", date(2026, 10, 9), "late", 1, Decimal("-3"), "地铁故障"),
                Incident("A001", date(2026, 10, 20), "cover-shift", 1, None, "covered Sunday"),
                Incident("A002", date(2026, 9, 3), "messy-desk", 1, None, ""),
            ]
        )


def open_ctx(path: Path, login: str = ADMIN, lang: str = "en", period: Period = MONTH) -> AppContext:
    return AppContext(store=Store.open(path, login=login, create=False), period=period, lang=lang)


class ScreenApp(App):
    """Shows one screen built by ``make(ctx)`` over a plain background."""

    def __init__(self, ctx: AppContext, make):
        super().__init__()
        self.ctx, self.make = ctx, make

    def on_mount(self) -> None:
        self.push_screen(self.make(self.ctx))
