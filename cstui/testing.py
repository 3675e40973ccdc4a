"""Test helpers for plugin authors, shipped as a pytest plugin (entry point ``pytest11``).

With cstui installed, every pytest run has these fixtures (no conftest needed):

- ``cstui_company``: a :class:`Company` (a temporary database with teams T1 and T2 and five
  employees) to save cards in and grade through the same store and grading code
  ``cstui --scheme S --period P`` uses;
- ``cstui_demo``: the demo company (``cstui demo``), small, as a :class:`Company`.

and the builders and checks are plain functions: :func:`employee`, :func:`card`,
:func:`cards`, :func:`override`, :func:`history`, :func:`grade`, :func:`assert_result` and
:func:`assert_model_contract`. See ``docs/plugins.md``, "Testing a model".

Importing this module never imports Textual (and nothing heavier than the domain types):
pytest imports it in every run of an environment where cstui is installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cstui.domain import Employee, Incident, Override, Period, Result, Scorecard

if TYPE_CHECKING:
    from cstui.engine.model import TeamHistory
    from cstui.schemes import Scheme

__all__ = [
    "Company",
    "assert_model_contract",
    "assert_result",
    "card",
    "cards",
    "employee",
    "grade",
    "history",
    "month",
    "override",
]


def month(text: str | Period) -> Period:
    """``month("2026-03")`` → the Period (a Period passes through)."""
    return text if isinstance(text, Period) else Period.parse(text)


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- builders ------------------------------------------------------------------------------


def employee(
    id: str = "E1",
    *,
    team: str = "T1",
    scheme: str | None = None,
    level: str | None = None,
    hired: str | date = "2025-01-01",
    name: str | None = None,
    role: str = "agent",
    status: str = "active",
) -> Employee:
    """An employee as the roster gives them; ``level`` None: the scheme's entry level."""
    return Employee(id, name or f"Employee {id}", team, role, _day(hired), status=status, scheme=scheme, level=level)


def _as_text(value: object) -> object:
    # The store keeps values as typed text: a model receives "12" and "87%", never 12.
    return value if value is None or isinstance(value, str) else str(value)


def card(
    employee_id: str,
    in_month: str | Period,
    values: Mapping[str, object] | None = None,
    incidents: Iterable[Incident] = (),
    **more: object,
) -> Scorecard:
    """One month's scorecard with its values as the store gives them (text: numbers become strings)."""
    merged = {**(values or {}), **more}
    return Scorecard(employee_id, month(in_month), {k: _as_text(v) for k, v in merged.items()}, list(incidents))


def cards(
    employee_id: str, first: str | Period, rows: Iterable[Mapping[str, object] | None]
) -> dict[Period, Scorecard]:
    """Cards for consecutive months from ``first``; a None row leaves that month without a card."""
    start, built = month(first), {}
    for offset, values in enumerate(rows):
        if values is not None:
            built[start.shift(offset)] = card(employee_id, start.shift(offset), values)
    return built


def override(
    employee_id: str, from_month: str | Period, level: str, reason: str = "placed by a manager", author: str = "manager"
) -> Override:
    """A manual level placement from ``from_month`` on."""
    return Override(employee_id, month(from_month), level, reason, author)


def history(
    *employees: Employee,
    cards: Mapping[str, Mapping[Period, Scorecard]] | None = None,
    overrides: Iterable[Override] = (),
    team: str | None = None,
) -> TeamHistory:
    """A team's history as grading gives it to a model (every card, no checkpoint)."""
    from cstui.engine.model import TeamHistory

    by_employee: dict[str, list[Override]] = {}
    for placed in overrides:
        by_employee.setdefault(placed.employee_id, []).append(placed)
    team = team or (employees[0].team if employees else "T1")
    return TeamHistory(team, list(employees), {k: dict(v) for k, v in (cards or {}).items()}, by_employee)


def grade(scheme: Scheme, team_history: TeamHistory, period: str | Period, explain: bool = True) -> dict[str, Result]:
    """``scheme.model.grade(...)`` keyed by employee id (a model returning two results for one id fails)."""
    results = scheme.model.grade(scheme, team_history, month(period), explain)
    by_id = {r.employee_id: r for r in results}
    assert len(by_id) == len(results), f"grade() returned {len(results)} results for {len(by_id)} employees"
    return by_id


# --- checks ----------------------------------------------------------------------------------

_UNSET = object()
_COMPARED = ("decision", "level_before", "level_after", "grade", "rank", "flags")


def _number(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def assert_result(
    result: Result,
    *,
    decision: Any = _UNSET,
    level_before: Any = _UNSET,
    level_after: Any = _UNSET,
    score: Any = _UNSET,
    pay_delta: Any = _UNSET,
    grade: Any = _UNSET,
    rank: Any = _UNSET,
    flags: Any = _UNSET,
    trace_contains: Iterable[str] = (),
) -> None:
    """Assert the fields given (others are not compared) and that each ``trace_contains`` text
    is part of some trace line. Numbers compare exactly as Decimals (``score=80`` or ``"80.5"``).
    The failure names every mismatch and shows the trace."""
    wanted = dict(zip(_COMPARED, (decision, level_before, level_after, grade, rank, flags)))
    wrong = [
        f"{key}: expected {value!r}, got {getattr(result, key)!r}"
        for key, value in wanted.items()
        if value is not _UNSET and getattr(result, key) != value
    ]
    for key, value in (("score", score), ("pay_delta", pay_delta)):
        if value is not _UNSET and getattr(result, key) != _number(value):
            wrong.append(f"{key}: expected {value!r}, got {getattr(result, key)!r}")
    wrong += [
        f"trace: no line contains {text!r}" for text in trace_contains if not any(text in line for line in result.trace)
    ]
    if wrong:
        trace = "\n".join(f"    {line}" for line in result.trace) or "    (empty)"
        mismatches = "\n  ".join(wrong)
        pytest.fail(f"result of {result.employee_id} for {result.period}:\n  {mismatches}\n  trace:\n{trace}")


def assert_model_contract(scheme: Scheme, team_history: TeamHistory, period: str | Period) -> None:
    """What cstui relies on from every model, checked on one history and period:

    results fit the roster and the scheme; ``explain=False`` changes nothing but the trace;
    ranks start at 1 and never put a lower score ahead of a higher one; ``levels()`` timelines start at a
    month (never None), run in order over the scheme's ladder and agree with ``level_before``;
    a ``checkpoint()`` state is JSON-able and resuming from it grades exactly as a full replay.
    """
    period = month(period)
    results = grade(scheme, team_history, period)
    _check_results(scheme, team_history, period, results)
    quiet = grade(scheme, team_history, period, explain=False)
    assert {k: _without_trace(r) for k, r in quiet.items()} == {k: _without_trace(r) for k, r in results.items()}, (
        "grade(explain=False) must change nothing but the trace"
    )
    assert all(r.trace == [] for r in quiet.values()), "grade(explain=False) must give results with trace == []"
    _check_timelines(scheme, team_history, period, results)
    _check_checkpoint(scheme, team_history, period, results)


def _without_trace(result: Result) -> dict:
    return result.as_record() | {"trace": None}


def _check_results(scheme: Scheme, team_history: TeamHistory, period: Period, results: dict[str, Result]) -> None:
    ladder, ids = set(scheme.level_keys), {e.id for e in team_history.employees}
    for r in results.values():
        where = f"result of {r.employee_id}"
        assert r.employee_id in ids, f"{where}: not an employee of the history"
        fits = (r.period, r.scheme, r.scheme_version) == (period, scheme.name, scheme.version)
        assert fits, f"{where}: period, scheme or version"
        assert r.team == team_history.team, f"{where}: team {r.team!r}, the history's is {team_history.team!r}"
        assert isinstance(r.decision, str) and r.decision, f"{where}: decision must be a non-empty string"
        for key in ("level_before", "level_after"):
            level = getattr(r, key)
            assert level is None or level in ladder, f"{where}: {key} {level!r} not on the ladder"
        for key in ("score", "pay_delta"):
            assert isinstance(getattr(r, key), (Decimal, type(None))), f"{where}: {key} must be a Decimal or None"
    ranked = [r for r in results.values() if r.rank is not None]
    assert all(type(r.rank) is int and r.rank >= 1 for r in ranked), (
        "a rank is a whole number from 1 (the best) or None"
    )
    for a in ranked:  # a model may leave people out of a ranking (team leads), never rank a lower score better
        worse = [
            b.employee_id for b in ranked if b.rank > a.rank and None not in (a.score, b.score) and b.score > a.score
        ]
        assert not worse, f"rank {a.rank} of {a.employee_id} is better than the rank of {worse}, who scored higher"


def _check_timelines(scheme: Scheme, team_history: TeamHistory, period: Period, results: dict[str, Result]) -> None:
    timelines = scheme.model.levels(scheme, team_history, period)
    ladder, hired = set(scheme.level_keys), {e.id: Period.of_date(e.hire_date) for e in team_history.employees}
    for employee_id, line in timelines.items():
        assert employee_id in hired, f"levels(): {employee_id} is not an employee of the history"
        if hired[employee_id] > period.last_month and not line:  # hired later: absent, or (built-ins) empty
            continue
        assert line, f"levels(): the timeline of {employee_id} is empty"
        months = [entry[0] for entry in line]
        assert all(isinstance(m, Period) for m in months), (
            f"levels(): {employee_id}: every entry starts at a month, got {months}"
        )
        assert months == sorted(months) and len(set(months)) == len(months), (
            f"levels(): {employee_id}: months must increase"
        )
        assert all(level in ladder for _, level, _ in line), f"levels(): {employee_id}: a level not on the ladder"
        held = [level for m, level, _ in line if m <= period.months()[0]]
        if employee_id in results and held:
            assert held[-1] == results[employee_id].level_before, (
                f"levels(): {employee_id} holds {held[-1]} in {period.months()[0]}, "
                f"grade() says {results[employee_id].level_before}"
            )


def _check_checkpoint(scheme: Scheme, team_history: TeamHistory, period: Period, results: dict[str, Result]) -> None:
    import json

    from cstui.engine.model import UNREAD, Checkpoint, TeamHistory
    from cstui.store.checkpoints import split_timelines

    before = period.months()[0].prev()
    state = scheme.model.checkpoint(scheme, team_history, before)
    if state is None or team_history.checkpoint is not None:  # checkpoints are optional
        return
    json.dumps(state)  # must be JSON-able: it is stored as JSON
    later = {e: {m: c for m, c in by.items() if m > before} for e, by in team_history.cards.items()}
    overrides = {e: [o for o in by if o.period > before] for e, by in team_history.overrides.items()}
    resumed = TeamHistory(team_history.team, team_history.employees, later, overrides, Checkpoint(before, state))
    assert grade(scheme, resumed, period) == results, "grading from checkpoint() must equal a full replay"
    if getattr(scheme.model, "timelines_apart", False):  # as a dry run reads it: the timelines apart, unread
        resumed.checkpoint = Checkpoint(before, split_timelines(state)[0], UNREAD)
        try:
            unread = grade(scheme, resumed, period)
        except RuntimeError as error:  # Checkpoint.timeline refused them
            unread = error
        assert unread == results, "grade() must not read a checkpoint's timelines"


# --- a company in a temporary database --------------------------------------------------------


@dataclass
class Company:
    """A cstui database opened by its admin (you), and the calls a plugin's tests need on it."""

    store: Any  # cstui.store.Store
    path: Path
    employees: list[Employee] = field(default_factory=list)

    def hire(self, *people: Employee) -> None:
        for person in people:
            self.employees.append(self.store.add_employee(person))

    def save_cards(self, *scorecards: Scorecard) -> None:
        """Save cards in one transaction; a card the employee's scheme refuses raises CardRefused."""
        self.store.save_scorecards([(c.employee_id, c.period, c.values) for c in scorecards])

    def assign(self, scheme_name: str, since: str | Period, employee_ids: Iterable[str]) -> None:
        """Put employees on ``scheme_name`` from ``since`` on (``cstui employee assign``)."""
        for employee_id in employee_ids:
            self.store.assign_scheme(employee_id, scheme_name, str(month(since)))

    def move(self, from_scheme: str, to_scheme: str) -> list[str]:
        """Put everyone now on ``from_scheme`` onto ``to_scheme`` for every stretch of their
        scheme timeline on it (a starting level kept when ``to_scheme``'s ladder has it); their ids."""
        from cstui.schemes import load_scheme

        ladder, moved = set(load_scheme(to_scheme).level_keys), self.members(from_scheme)
        for employee_id in moved:
            for stretch in self.store.scheme_assignments(employee_id):
                if stretch.scheme == from_scheme:
                    level = stretch.level if stretch.level in ladder else None
                    self.store.assign_scheme(employee_id, to_scheme, stretch.since, level)
        return moved

    def members(self, scheme_name: str) -> list[str]:
        """Ids of the employees currently on ``scheme_name``."""
        return sorted(self.store.scheme_members(scheme_name))

    def grade(self, scheme: Scheme | str, period: str | Period, explain: bool = True) -> dict[str, Result]:
        """Grade ``period`` as ``cstui --scheme S --period P`` does (a dry run), keyed by employee id."""
        from cstui.grading import graded_teams
        from cstui.schemes import load_scheme

        scheme = load_scheme(scheme) if isinstance(scheme, str) else scheme
        graded = graded_teams(self.store, scheme, month(period), explain=explain)
        return {r.employee_id: r for _, results in graded for r in results}


COMPANY_TEAMS = (("T1", "Team one", "一组"), ("T2", "Team two", "二组"))


@pytest.fixture
def cstui_company(tmp_path) -> Iterable[Company]:
    """Teams T1 (E1, E2, E3) and T2 (E4, E5), hired 2025-01-01, on ``star-levels`` at 1-star
    (``company.move`` or ``company.assign`` puts them on your scheme); its admin is you (the OS
    login), so ``cstui --db company.path ...`` works on it too."""
    from cstui.store import Store

    path = tmp_path / "cstui-company.db"
    store = Store.open(path, create=True)  # you (the OS login) are its admin: `cstui --db` works on it
    company = Company(store, path)
    try:
        for team in COMPANY_TEAMS:
            store.add_team(*team)
        company.hire(
            *(
                employee(f"E{n}", team="T1" if n <= 3 else "T2", scheme="star-levels", level="1-star")
                for n in range(1, 6)
            )
        )
        yield company
    finally:
        store.close()


@pytest.fixture
def cstui_demo(tmp_path) -> Iterable[Company]:
    """The demo company of ``cstui demo`` (30 employees, 12 months of cards up to last month),
    its admin is you (the OS login). Its assistants carry count metrics, its star-level agents sales
    figures: ``company.move("star-levels", "my-scheme")`` puts them on your scheme."""
    from cstui.demo import build_demo
    from cstui.store import Store

    path = tmp_path / "cstui-demo.db"
    build_demo(path, employees=30, months=12)  # you (the OS login) are its admin
    store = Store.open(path)
    try:
        yield Company(store, path, list(store.employees()))
    finally:
        store.close()
