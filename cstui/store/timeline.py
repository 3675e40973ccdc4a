"""Scheme timelines as data: which assignment covers a month (see cstui.store.assignments)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from cstui.store.codec import dumps


@dataclass(frozen=True, slots=True)
class Assignment:
    employee_id: str
    since: str  # YYYY-MM
    scheme: str | None
    level: str | None


@dataclass(frozen=True, slots=True)
class Window:
    """The months (start <= month < end; None = open) an employee spends on one scheme."""

    start: str | None
    end: str | None
    level: str | None

    def holds(self, month: str) -> bool:
        return (self.start is None or month >= self.start) and (self.end is None or month < self.end)


def timelines(rows: Iterable) -> dict[str, list[Assignment]]:
    """``{employee id: assignments by month}`` from rows of (employee_id, since_month, scheme, level)."""
    found: dict[str, list[Assignment]] = {}
    for employee_id, since, scheme, level in rows:
        found.setdefault(employee_id, []).append(Assignment(employee_id, since, scheme, level))
    for line in found.values():
        if len(line) > 1:  # most employees have one assignment: nothing to sort
            line.sort(key=_since)
    return found


def _since(assignment: Assignment) -> str:
    return assignment.since


def scheme_at(line: list[Assignment], month: str) -> str | None:
    """The scheme judging ``month``: the latest assignment since then, else the earliest one."""
    i = bisect_right([a.since for a in line], month)
    return line[max(i - 1, 0)].scheme


def window_on(line: list[Assignment], scheme: str, first: str, last: str) -> Window | None:
    """The latest stretch on ``scheme`` that overlaps the months first..last, if any."""
    for i in range(len(line) - 1, -1, -1):
        if line[i].scheme != scheme:  # asked for every member of a team read: no Window made in vain
            continue
        start = line[i].since if i else None
        end = line[i + 1].since if i + 1 < len(line) else None
        if (start is None or start <= last) and (end is None or end > first):
            return Window(start, end, line[i].level)
    return None


class TimelineReader:
    conn: object

    def _timelines(self, ids: Iterable[str]) -> dict[str, list[Assignment]]:
        sql = (
            "SELECT employee_id, since_month, scheme, level FROM scheme_assignments "
            "WHERE employee_id IN (SELECT value FROM json_each(?))"
        )
        return timelines(self.conn.execute(sql, (dumps(sorted(set(ids))),)))
