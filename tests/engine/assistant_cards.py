"""Builders of assistant-class test data: employees, incidents and scorecards whose ledger
total is a chosen score (shared by the model's tests and its checkpoint tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from cstui.domain import Employee, Incident, Period, Scorecard
from cstui.engine.model import TeamHistory


def P(text: str) -> Period:
    return Period.parse(text)


def emp(i: int | str, role: str = "assistant", hire: date = date(2024, 1, 1), level: str | None = None) -> Employee:
    return Employee(f"E{i}", f"n{i}", "T1", role, hire, level=level)


def inc(eid: str, month: Period, code: str, count: int = 1, points: str | None = None) -> Incident:
    return Incident(eid, date(month.year, month.index, 3), code, count, None if points is None else D(points))


def card(eid: str, month: Period, score: int = 80, incidents: tuple = (), **values: str) -> Scorecard:
    """A card whose ledger total is ``score`` (>= 70) plus whatever ``incidents`` add."""
    diff = score - 80
    extra = [inc(eid, month, "cover-shift", diff // 5)] if diff >= 5 else []
    if diff < -5:  # the adjustment stops at -5
        extra, diff = [inc(eid, month, "late", 1, "-5")], diff + 5
    adjust = diff % 5 if diff >= 0 else diff
    if adjust:
        values = {**values, "adjustment": str(adjust), "adjustment_reason": "test"}
    return Scorecard(
        eid,
        month,
        dict(values),
        extra + [inc(eid, month, *i) if isinstance(i, tuple) else inc(eid, month, i) for i in incidents],
    )


def fill(
    history: TeamHistory, eid: str, quarter: str, scores: int | list[int] = 80, incidents: tuple = (), **values: str
) -> None:
    """Cards for every month of a quarter; ``incidents`` go on its first month."""
    months = P(quarter).months()
    scores = scores if isinstance(scores, list) else [scores] * 3
    for k, (month, s) in enumerate(zip(months, scores)):
        history.cards.setdefault(eid, {})[month] = card(eid, month, s, incidents if k == 0 else (), **values)
