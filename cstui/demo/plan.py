"""The demo company's shape: teams, users, who works on which scheme, the months covered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cstui.domain import Period

# (id, English name, Chinese name)
TEAMS = (
    ("hotline", "Hotline", "热线一组"),
    ("eshop", "E-shop Support", "电商客服组"),
    ("frontdesk", "Front Desk", "物业前台"),
)
SUPERVISORS = {"hotline": "wang.supervisor", "eshop": "zhao.supervisor", "frontdesk": "chen.supervisor"}
MANAGER = "li.manager"
VIEWER = "zhou.viewer"

SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi", "front-desk", "supervisor-kpi", "placement")

# How the employees beyond the scripted cast spread over (team, scheme): a call-centre
# hotline sells and handles cases, the shop is graded on its KPI table, the property
# front desk's agents (物业客服员) on the front-desk card, its assistants on assistant classes.
BUCKETS = (
    ("hotline", "star-levels", 5),
    ("hotline", "assistant-class", 4),
    ("hotline", "five-tier", 3),
    ("eshop", "ecommerce-kpi", 6),
    ("eshop", "star-levels", 3),
    ("frontdesk", "front-desk", 5),
    ("frontdesk", "five-tier", 4),
)


def bucket_cycle() -> list[tuple[str, str]]:
    """The buckets interleaved by weight (smooth weighted round robin), one cycle long."""
    total = sum(w for _, _, w in BUCKETS)
    current = [0] * len(BUCKETS)
    cycle = []
    for _ in range(total):
        for i, (_, _, weight) in enumerate(BUCKETS):
            current[i] += weight
        best = max(range(len(BUCKETS)), key=lambda i: current[i])
        current[best] -= total
        cycle.append(BUCKETS[best][:2])
    return cycle


@dataclass(frozen=True, slots=True)
class Window:
    """The months with scorecards: ``first`` .. ``end`` inclusive."""

    first: Period
    end: Period

    @classmethod
    def ending(cls, end: Period, months: int) -> Window:
        return cls(end.shift(-(months - 1)), end)

    @property
    def months(self) -> list[Period]:
        return [Period.from_ordinal(o) for o in range(self.first.ordinal, self.end.ordinal + 1)]

    @property
    def last_quarter(self) -> Period:
        """The latest quarter whose review month is at or before ``end``."""
        return self.end.quarter if self.end.completes_quarter() else self.end.quarter.prev()

    @property
    def prev_quarter(self) -> Period:
        return self.last_quarter.prev()

    def offset(self, month: Period) -> int:
        """Months before ``end`` (0 for ``end`` itself)."""
        return self.end.ordinal - month.ordinal

    def day(self, months_ago: int, day: int) -> date:
        """Day ``day`` of the month ``months_ago`` months before ``end``."""
        return self.end.shift(-months_ago).first_day.replace(day=day)
