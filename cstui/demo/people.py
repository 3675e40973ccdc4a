"""The roster of the demo: the scripted cast first, then generated employees."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from cstui.demo.cast import CAST, CardScript, CastMember
from cstui.demo.names import person_name
from cstui.demo.plan import Window, bucket_cycle
from cstui.domain import Employee, Period

STAR_LEVELS = ("1-star", "2-star", "3-star", "4-star", "5-star")
TIERS = ("junior", "intermediate", "senior", "principal", "expert")
SALES_TARGETS = (30000, 40000, 50000, 60000, 80000)


@dataclass(slots=True)
class Person:
    employee: Employee
    trait: float = 0.5  # ability 0..1 (generated employees)
    target: int = 50000  # monthly sales target (star-levels)
    script: CardScript | None = None  # the cast's scripted months
    scenario: str = ""
    hired: int = 0  # ordinal of the hire month: no scorecard before it
    moves: tuple[str, int, str | None] | None = None  # (scheme, months before the last, level)

    def __post_init__(self) -> None:
        self.hired = Period.of_date(self.employee.hire_date).ordinal

    @property
    def scheme_now(self) -> str | None:
        return self.moves[0] if self.moves else self.employee.scheme


def id_width(employees: int) -> int:
    """E0001 .. E9999; more digits only for very large demos, so ids sort as text."""
    return max(4, len(str(employees)))


def roster(employees: int, window: Window, rng: random.Random) -> Iterator[Person]:
    """``employees`` people in id order: as much of the cast as fits, then generated ones."""
    width = id_width(employees)
    cast = CAST[:employees]
    for number, member in enumerate(cast, start=1):
        yield _cast_person(member, f"E{number:0{width}d}", window)
    cycle = bucket_cycle()
    for i in range(employees - len(cast)):
        team, scheme = cycle[i % len(cycle)]
        yield _generated(f"E{len(cast) + i + 1:0{width}d}", team, scheme, window, rng)


def _cast_person(member: CastMember, id: str, window: Window) -> Person:
    employee = Employee(
        id, member.name, member.team, member.role, member.hired(window), scheme=member.scheme, level=member.level
    )
    return Person(employee, script=member.card, scenario=member.scenario, moves=member.moves)


def _generated(id: str, team: str, scheme: str, window: Window, rng: random.Random) -> Person:
    name = person_name(rng)
    months_ago = _tenure_months(rng)
    hired = window.end.shift(-months_ago).first_day.replace(day=rng.randint(1, 28))
    trait = rng.random()
    level = _starting_level(scheme, hired, window.first, rng)
    role = "assistant" if scheme == "assistant-class" else "agent"
    employee = Employee(id, name, team, role, hired, scheme=scheme, level=level)
    return Person(employee, trait=trait, target=rng.choice(SALES_TARGETS))


def _tenure_months(rng: random.Random) -> int:
    """Months between the hire month and the last demo month: a few new, most seasoned."""
    band = rng.choices(("new", "mid", "long"), (0.08, 0.37, 0.55))[0]
    if band == "new":
        return rng.randint(0, 5)
    if band == "mid":
        return rng.randint(6, 35)
    return rng.randint(36, 130)


def _starting_level(scheme: str, hired: date, first: Period, rng: random.Random) -> str | None:
    """A level consistent with the time in the company when the demo's data starts."""
    years = max(0, first.ordinal - Period.of_date(hired).ordinal) // 12
    if scheme == "star-levels":
        if years == 0 and first.ordinal - Period.of_date(hired).ordinal < 4:
            return None  # still on probation: the hire-date rule applies
        return rng.choices(STAR_LEVELS, (30, 30, 22, 13, 5))[0]
    if scheme == "front-desk":
        return None  # one level: 物业客服员
    if scheme == "assistant-class":
        if years >= 2 and rng.random() < 0.15:
            return "class-1"
        return "class-2" if years >= 1 and rng.random() < 0.3 else None
    # five-tier ladders: a plausible career reaches one tier per year after the first
    highest = min(len(TIERS) - 1, max(0, years - 1))
    index = rng.choices(range(highest + 1), [1 / (i + 1) for i in range(highest + 1)])[0]
    return TIERS[index] if index else None
