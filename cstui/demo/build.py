"""Writing the demo company into a new database, month by month in bounded chunks."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cstui.demo.cards import Catalogue, MonthPlan, filler_month, incident_date
from cstui.demo.cast import OVERRIDE_ID, OVERRIDE_LEVEL, OVERRIDE_MONTHS_AGO, OVERRIDE_REASON
from cstui.demo.people import Person, roster
from cstui.demo.plan import MANAGER, SCHEMES, SUPERVISORS, TEAMS, VIEWER, Window
from cstui.domain import Incident, Override, Period, texts
from cstui.domain.texts import line
from cstui.store import Store, StoreError

CHUNK = 20_000  # scorecards per bulk save: bounds memory for very large demos


class DemoRefused(StoreError):
    """The demo would overwrite an existing database."""


@dataclass(slots=True)
class DemoSummary:
    path: Path
    first_month: Period
    last_month: Period
    seed: int
    teams: list[tuple[str, str, str, int]] = field(default_factory=list)  # id, name, name_zh, employees
    schemes: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    scorecards: int = 0
    incidents: int = 0
    scenarios: dict[str, str] = field(default_factory=dict)  # employee id -> what it shows

    @property
    def months(self) -> int:
        return self.last_month.ordinal - self.first_month.ordinal + 1

    @property
    def employees(self) -> int:
        return sum(self.schemes.values())

    def __str__(self) -> str:
        teams = ", ".join(f"{t} {zh} ({n})" for t, _, zh, n in self.teams)
        schemes = ", ".join(f"{s} {n}" for s, n in self.schemes.items())
        users = ", ".join(
            f"{login} ({role}{': ' + ', '.join(teams_) if teams_ else ''})" for login, role, teams_ in self.users
        )
        return "\n".join(
            [
                f"demo company written to {self.path} (seed {self.seed})",
                f"  teams: {teams}",
                f"  employees: {self.employees}: {schemes}",
                f"  months: {self.first_month} .. {self.last_month} ({self.months}); "
                f"{self.scorecards} scorecards, {self.incidents} incidents",
                f"  users: {users}",
                f"try: cstui --db {self.path}",
                f"     cstui --db {self.path} --scheme star-levels --period {self.last_month}",
            ]
        )


# the demo never writes over a user's file; the option and the file name are arguments
texts.register(
    {
        "demo.directory": (
            "{path} is a directory; give the demo a file name such as {example}",
            "{path} 是目录；请为演示数据指定一个文件名，例如 {example}",
        ),
        "demo.exists": (
            "{path} already exists and is not empty; the demo never overwrites a database. "
            "Choose another {option} path, or move the file away yourself.",
            "{path} 已存在且不为空；演示从不覆盖数据库。请另选 {option} 路径，或自行移走该文件。",
        ),
    }
)


def refuse_existing(path: Path) -> None:
    """A user's real data must never be lost: only a new or empty file is written."""
    if path.is_dir():
        raise DemoRefused(line("demo.directory", path=str(path), example=str(path / "demo.db")))
    for part in (path, Path(f"{path}-wal")):
        if part.exists() and part.stat().st_size > 0:
            raise DemoRefused(line("demo.exists", path=str(part), option="--db"))


def write_demo(path: Path, employees: int, window: Window, seed: int, login: str | None) -> DemoSummary:
    rng = random.Random(seed)
    people = list(roster(employees, window, rng))
    with Store.open(path, login=login, create=True) as store:
        with store.write():
            _teams_and_users(store)
            store.import_roster(p.employee for p in people)
            _moves(store, people, window)
            _override(store, people, window)
        scorecards, incidents = _months(store, people, window, rng, _catalogue())
        summary = DemoSummary(path, window.first, window.end, seed, scorecards=scorecards, incidents=incidents)
        summary.users = [(u.login, u.role, u.teams) for u in store.users()]
    by_team = Counter(p.employee.team for p in people)
    summary.teams = [(t, name, zh, by_team[t]) for t, name, zh in TEAMS]
    by_scheme = Counter(p.scheme_now for p in people)
    summary.schemes = {s: by_scheme[s] for s in SCHEMES if by_scheme[s]}
    summary.scenarios = {p.employee.id: p.scenario for p in people if p.scenario}
    return summary


def _catalogue() -> Catalogue:
    from cstui.engine.ledger import catalogue
    from cstui.schemes import load_scheme

    return Catalogue.of_scheme(catalogue(load_scheme("assistant-class")))


def _teams_and_users(store: Store) -> None:
    for team, name, name_zh in TEAMS:
        store.add_team(team, name, name_zh)
    store.add_user(MANAGER, "manager")
    for team, login in SUPERVISORS.items():
        store.add_user(login, "supervisor", (team,))
    store.add_user(VIEWER, "viewer")


def _months(
    store: Store, people: list[Person], window: Window, rng: random.Random, catalogue: Catalogue
) -> tuple[int, int]:
    """One transaction per month: the store checks each bulk save against that month's
    cards only, and the write-ahead log stays the size of one month. A failed build is
    removed whole by :func:`cstui.demo.build_demo`."""
    cards = incidents = 0
    for month in window.months:
        with store.write():
            for rows, incs in _chunks(people, month, window, rng, catalogue):
                cards += store.save_scorecards(rows)[0]
                incidents += len(store.add_incidents(incs))
    return cards, incidents


def _chunks(people, month, window, rng, catalogue) -> Iterator[tuple[list, list[Incident]]]:
    rows: list[tuple[str, Period, dict[str, str]]] = []
    incs: list[Incident] = []
    for person in people:
        if person.hired > month.ordinal:
            continue  # not employed yet
        plan = _plan(person, month, window, rng, catalogue)
        if plan is None:
            continue
        e = person.employee
        rows.append((e.id, month, plan.values))
        recorder = SUPERVISORS.get(e.team, "")
        incs.extend(
            Incident(e.id, incident_date(month, i.day, e.hire_date), i.code, i.count, i.points, i.note, recorder)
            for i in plan.incidents
        )
        if len(rows) >= CHUNK:
            yield rows, incs
            rows, incs = [], []
    if rows or incs:
        yield rows, incs


def _plan(person: Person, month: Period, window: Window, rng: random.Random, catalogue: Catalogue) -> MonthPlan | None:
    if person.script is not None:
        return person.script(window, month)
    e = person.employee
    return filler_month(e.scheme, person.trait, person.target, rng, e.role == "team-lead", catalogue)


def _moves(store: Store, people: list[Person], window: Window) -> None:
    """The cast's scheme changes from a month on (the scheme timeline), before any card."""
    for person in people:
        if person.moves:
            scheme, months_ago, level = person.moves
            store.assign_scheme(person.employee.id, scheme, window.end.shift(-months_ago), level)


def _override(store: Store, people: list[Person], window: Window) -> None:
    if len(window.months) <= OVERRIDE_MONTHS_AGO or not any(p.employee.id == OVERRIDE_ID and p.script for p in people):
        return
    month = window.end.shift(-OVERRIDE_MONTHS_AGO)
    store.add_override(Override(OVERRIDE_ID, month, OVERRIDE_LEVEL, OVERRIDE_REASON, store.login))
