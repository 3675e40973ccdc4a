"""What level a person is on now: one answer for the roster, board, history and the CLI.

"Now" is as of a month P (the TUI's current period), once P is decided: the level the board
shows for P after its arrow (``level_after``: a promotion decided in P counts), and the last
entry of the person's history timeline up to P. It comes from, in this order:

1. a result recorded for P (or for the quarter P completes): its ``level_after`` (a closed
   period's recorded results stand, as the board shows them);
2. plus an override from a month up to P recorded after that result was;
3. else the level replayed from the data (starting level, scorecards, overrides), resuming
   from the team's checkpoint: for a model whose levels are per employee
   (the model is not ``team_relative``) only the employees asked about are replayed;
   otherwise their whole team is graded for P as the board grades it (ranks within a team
   can move a level), cached per team.

Everything is read for the employees asked about, so a page of a 100,000-employee roster
costs a few queries. Caches are dropped whenever the store records a change (any audited
write), so an answer is never stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

from cstui.domain import Employee, Period

SchemeFor = Callable[[str], object]  # scheme name -> Scheme (raises for an unknown one)


class CurrentLevels:
    """Level-now answers for one store, cached until the store records a change."""

    def __init__(self, store, scheme_for: SchemeFor):
        self.store, self.scheme_for = store, scheme_for
        self._stamp: int | None = None
        self._checkpoints: dict[tuple[str, str, Period], object] = {}
        self._teams: dict[tuple[str, str, Period], dict[str, str]] = {}

    def of(self, employees: Iterable[Employee], period: Period) -> dict[str, str]:
        """``{employee id: level key}`` in force during month ``period``; an employee with no
        level to name (no scheme, an unknown scheme, hired after ``period``) is left out."""
        self._fresh()
        period = period.last_month
        employees = list(employees)
        on = self.store.schemes_in_month([e.id for e in employees], period)  # the scheme timeline's, that month
        employees = [replace(e, scheme=on.get(e.id, e.scheme)) for e in employees]
        employees = [e for e in employees if e.scheme]
        levels = self._recorded(employees, period)
        missing: dict[str, list[Employee]] = defaultdict(list)
        for e in employees:
            if e.id not in levels:
                missing[e.scheme].append(e)
        for scheme_name, group in missing.items():
            levels.update(self._derived(scheme_name, group, period))
        return levels

    def one(self, employee: Employee, period: Period) -> str | None:
        return self.of([employee], period).get(employee.id)

    def _fresh(self) -> None:
        stamp = self.store.change_stamp()
        if stamp != self._stamp:
            self._stamp, self._checkpoints, self._teams = stamp, {}, {}

    # -- 1 and 2: recorded results and later overrides ----------------------------------------

    def _recorded(self, employees: list[Employee], period: Period) -> dict[str, str]:
        ids = [e.id for e in employees] if len(employees) <= 500 else None  # a page, or everyone
        wanted = {e.id for e in employees}
        periods = [period] + ([period.quarter] if period.completes_quarter() else [])
        latest: dict[str, tuple[bool, str, str]] = {}
        for row in self.store.recorded_levels(periods, ids):
            employee_id, is_quarter = row["employee_id"], row["period"] != str(period)
            # the quarter's review wins over its last month's result
            if employee_id in wanted and row["level_after"] and (employee_id not in latest or is_quarter):
                latest[employee_id] = (is_quarter, row["level_after"], row["recorded_at"])
        levels = {employee_id: level for employee_id, (_, level, _) in latest.items()}
        if latest:
            for o in self.store.override_rows(list(latest) if ids is not None else None):
                found = latest.get(o["employee_id"])
                if (
                    found and Period.parse(o["period"]).ordinal <= period.ordinal and o["created_at"] >= found[2]
                ):  # same second: replay agrees either way
                    levels[o["employee_id"]] = o["level"]  # oldest first: the latest recorded wins
        return levels

    # -- 3: replayed from the data --------------------------------------------------------------

    def _derived(self, scheme_name: str, employees: list[Employee], period: Period) -> dict[str, str]:
        try:
            scheme = self.scheme_for(scheme_name)
        except Exception:  # noqa: BLE001  (an unknown or broken scheme names no level; the roster says so)
            return {}
        if not getattr(scheme.model, "team_relative", True):  # levels each person's own: replay just them
            checkpoints = {team: self._checkpoint(scheme, team, period) for team in {e.team for e in employees}}
            return self._member_levels(scheme, employees, period, checkpoints)
        # someone with no scorecard, incident or override yet is on no one's ranking: their own
        # replay (from scratch, the calendar alone) is what their team's gives them
        with_data = self.store.employees_with_data([e.id for e in employees], period)
        levels = self._member_levels(scheme, [e for e in employees if e.id not in with_data], period, {})
        return levels | self._team_levels(scheme, [e for e in employees if e.id in with_data], period)

    def _member_levels(self, scheme, employees: list[Employee], period: Period, checkpoints: dict) -> dict[str, str]:
        levels: dict[str, str] = {}
        for history in self.store.member_histories(scheme.name, period, [e.id for e in employees], checkpoints):
            levels.update(_levels_after(scheme, history, period))
        return levels

    def _checkpoint(self, scheme, team: str, period: Period):
        key = (scheme.name, team, period)
        if key not in self._checkpoints:
            self._checkpoints[key] = self.store.latest_checkpoint(scheme.name, scheme.fingerprint, team, period)
        return self._checkpoints[key]

    def _team_levels(self, scheme, employees: list[Employee], period: Period) -> dict[str, str]:
        """The board's ``level_after`` for P, team by team (the same grading, cached per team)."""
        levels: dict[str, str] = {}
        for team in sorted({e.team for e in employees}):
            key = (scheme.name, team, period)
            if key not in self._teams:
                self._teams[key] = {}
                # graded as the board grades (no checkpoint kept, no timeline read)
                histories = self.store.team_histories(
                    scheme.name, period, [team], fingerprint=scheme.fingerprint, timelines=False
                )
                for history in histories:
                    self._teams[key] = _levels_after(scheme, history, period)
            levels.update(self._teams[key])
        wanted = {e.id for e in employees}
        return {i: level for i, level in levels.items() if i in wanted}


def _levels_after(scheme, history, period: Period) -> dict[str, str]:
    """P's ``level_after`` of each employee of ``history``: grading as the board grades (a refused
    card counts as a missing month), without traces."""
    from cstui.grading import grade_team

    results, _ = grade_team(scheme, history, period, apply=False, explain=False)
    return {r.employee_id: r.level_after for r in results if r.level_after}


def ladder_position(scheme, level: str | None) -> int:
    """A level's place on its scheme's ladder (0 = lowest); an unknown one sorts after the ladder."""
    keys = list(getattr(scheme, "level_keys", None) or [])
    return keys.index(level) if level in keys else len(keys)
