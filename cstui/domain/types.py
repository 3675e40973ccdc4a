"""Plain domain types: no I/O, no UI. The store fills them, the engine reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cstui.domain.period import Period

ROLES = ("agent", "assistant", "team-lead", "supervisor", "manager")
STATUSES = ("active", "inactive")


@dataclass(slots=True)
class Employee:
    id: str  # 工号
    name: str
    team: str
    role: str
    hire_date: date
    status: str = "active"
    login: str | None = None
    scheme: str | None = None
    level: str | None = None  # starting level on the scheme's ladder, None = the scheme's entry level
    version: int = 1


@dataclass(slots=True)
class Incident:
    """A dated bonus or deduction from the scheme's catalogue.

    ``points`` are the points of one occurrence as the recorder gave them (signed, so
    a deduction is negative); None means the catalogue's default for the code.
    """

    employee_id: str
    date: date
    code: str
    count: int = 1
    points: Decimal | None = None
    note: str = ""
    recorded_by: str = ""
    id: int | None = None

    @property
    def period(self) -> Period:
        return Period.of_date(self.date)


@dataclass(slots=True)
class Scorecard:
    """One employee, one month: metric values as typed (text such as "12" or "87%"; a model
    parses them with ``cstui.engine.cards.parse_value(kind, raw)``) and the month's incidents."""

    employee_id: str
    period: Period
    values: dict[str, object] = field(default_factory=dict)
    incidents: list[Incident] = field(default_factory=list)
    version: int = 0  # 0: never saved


@dataclass(slots=True)
class Override:
    """A manual level placement (e.g. an outstanding agent placed higher), with its reason."""

    employee_id: str
    period: Period  # takes effect from this month
    level: str
    reason: str
    author: str


@dataclass(slots=True)
class Decision:
    """What a review decides, and why."""

    kind: str  # promote, stay, demote, probation, elimination-review, exemption, dismissal-review, eligible, missing, none
    level_before: str | None
    level_after: str | None
    effective: Period | None = None  # first month at level_after
    trace: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Result:
    """The graded outcome of one employee for one period, with the trace that explains it."""

    employee_id: str
    name: str
    team: str
    period: Period
    scheme: str
    scheme_version: str
    score: Decimal | None
    grade: str | None
    rank: int | None
    level_before: str | None
    level_after: str | None
    decision: str
    pay_delta: Decimal | None
    flags: list[str] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)

    def as_record(self, explain: bool = False) -> dict:
        """A flat record for JSON/CSV reports (numbers stay numbers)."""
        record = {
            "employee_id": self.employee_id,
            "name": self.name,
            "team": self.team,
            "period": str(self.period),
            "scheme": self.scheme,
            "scheme_version": self.scheme_version,
            "score": report_number(self.score),
            "grade": self.grade,
            "rank": self.rank,
            "level_before": self.level_before,
            "level_after": self.level_after,
            "decision": self.decision,
            "pay_delta": report_number(self.pay_delta),
            "flags": list(self.flags),
        }
        if explain:
            record["trace"] = list(self.trace)
        return record


def report_number(value: Decimal | None) -> int | float | None:
    """A score or pay in a report: a whole number as an int, else a float (JSON and XLSX keep numbers)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
