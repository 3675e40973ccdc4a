"""Scorecard values (raw strings, as a supervisor types them) and incidents for one month.

The helpers here build the values of each built-in scheme's metric keys (the names
contract in docs/domain); :func:`filler_month` invents a plausible month for an employee
who is not in the scripted cast.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cstui.domain import Period

MISSING_SHARE = 0.02  # a filler's month has no scorecard this often


@dataclass(frozen=True, slots=True)
class IncidentPlan:
    code: str
    day: int
    points: Decimal | None = None  # None: the catalogue's default
    count: int = 1
    note: str = ""


@dataclass(slots=True)
class MonthPlan:
    values: dict[str, str]
    incidents: list[IncidentPlan] = field(default_factory=list)


def rate(percent: int | Decimal) -> str:
    """62 → "0.62" (rates are stored as fractions)."""
    return str((Decimal(percent) / 100).quantize(Decimal("0.01")))


# ---------------------------------------------------------------- star-levels


def star_values(target: int, percent: int | Decimal) -> dict[str, str]:
    actual = (Decimal(target) * Decimal(percent) / 100).quantize(Decimal(1))
    return {"sales_target": str(target), "sales_actual": str(actual)}


# ---------------------------------------------------------------- five-tier


def tier_values(score: int) -> dict[str, str]:
    """Items whose weighted total is exactly ``score`` (offsets cancel in equal-weight pairs)."""
    return {
        "follow_up_rate": rate(score + 3),
        "satisfaction": rate(score - 3),
        "handling": str(score + 4),
        "training": str(score - 4),
        "attendance": rate(score),
    }


# ---------------------------------------------------------------- ecommerce-kpi

# Fixed KPI rows whose band-table totals are 110, 74 and 59 under the shipped table.
SHOP_TOP = {
    "conversion": "0.63",
    "unit_price_ratio": "1.38",
    "first_response_s": "5",
    "avg_response_s": "28",
    "satisfaction": "0.93",
}
SHOP_MID = {
    "conversion": "0.47",
    "unit_price_ratio": "1.18",
    "first_response_s": "9",
    "avg_response_s": "38",
    "satisfaction": "0.78",
}
SHOP_LOW = {
    "conversion": "0.41",
    "unit_price_ratio": "1.12",
    "first_response_s": "14",
    "avg_response_s": "48",
    "satisfaction": "0.76",
}


# ---------------------------------------------------------------- assistant-class


def assistant_values(a_fu: int, b_fu: int, a_rep: int, b_rep: int, suggestions: int | None = None) -> dict[str, str]:
    values = {"a_followups": str(a_fu), "b_followups": str(b_fu), "a_reports": str(a_rep), "b_reports": str(b_rep)}
    if suggestions is not None:
        values["suggestions"] = str(suggestions)
    return values


# ---------------------------------------------------------------- front-desk, supervisor-kpi, placement


def front_desk_values(appearance: int, lapses: int, service: int, satisfaction: int) -> dict[str, str]:
    """A 物业前台 card: appearance violations (5 points, -1 each, more than 3 take all 5),
    attendance/meeting lapses, the supervisor's service rating and owner satisfaction (%)."""
    return {
        "appearance_violations": str(appearance),
        "discipline_lapses": str(lapses),
        "service": str(service),
        "satisfaction": rate(satisfaction),
    }


def supervisor_values(
    complaints: int, lapses: int, team_average: int, suggestions: int, appearance: int = 0
) -> dict[str, str]:
    """A 客服主管 card (seed 001): complaints, complaints handled late, the team's average score."""
    return {
        "appearance_violations": str(appearance),
        "complaints": str(complaints),
        "complaint_lapses": str(lapses),
        "team_average": str(team_average),
        "suggestions": str(suggestions),
    }


PLACEMENT_ITEMS = ("courtesy", "teamwork", "responsibility", "discipline", "service", "skills")


def placement_values(education: str, years: int, post: str, certificates: int, form: str) -> dict[str, str]:
    """A placement form (seed 000): the hard items, and items 6-11 all rated ``form``."""
    hard = {"education": education, "experience_years": str(years), "post": post, "certificates": str(certificates)}
    return hard | {key: form for key in PLACEMENT_ITEMS}


# ---------------------------------------------------------------- fillers


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Incident codes by severity, with their point ranges (from the assistant-class scheme)."""

    by_severity: dict[str, list[tuple[str, Decimal, Decimal, bool]]]

    @classmethod
    def of_scheme(cls, entries) -> Catalogue:
        by_severity: dict[str, list] = {}
        for e in entries:
            if e.dismissal or e.code == "failing-duties":  # the ledger adds failing duties itself
                continue
            by_severity.setdefault(e.severity, []).append((e.code, e.points_min, e.points_max, e.repeatable))
        return cls(by_severity)


ADJUST_REASONS = (
    "主动帮助新同事熟悉系统",
    "节假日高峰期主动加班",
    "客户表扬信",
    "交接班沟通不到位",
    "多次提醒后仍未整改",
)
NOTES = ("", "", "", "客户回访时发现", "主管巡查记录", "质检抽查", "客户来电反映")


def filler_month(
    kind: str, trait: float, target: int, rng: random.Random, lead: bool, catalogue: Catalogue
) -> MonthPlan | None:
    """A plausible month for a generated employee; ``trait`` is their ability (0..1)."""
    if rng.random() < MISSING_SHARE:
        return None
    if kind == "star-levels":
        percent = Decimal(str(round(_clamp(92 + 34 * trait + rng.gauss(0, 9), 40, 180), 1)))
        return MonthPlan(star_values(target, percent))
    if kind == "five-tier":
        return MonthPlan(_tier_month(trait, rng))
    if kind == "ecommerce-kpi":
        return MonthPlan(_shop_month(trait, rng))
    if kind == "front-desk":
        return MonthPlan(_front_desk_month(trait, rng))
    return _assistant_month(trait, rng, lead, catalogue)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _tier_month(trait: float, rng: random.Random) -> dict[str, str]:
    base = 60 + 32 * trait + rng.gauss(0, 6)

    def item() -> int:
        return round(_clamp(base + rng.gauss(0, 5), 20, 100))

    return {
        "follow_up_rate": rate(item()),
        "satisfaction": rate(item()),
        "handling": str(item()),
        "training": str(item()),
        "attendance": rate(round(_clamp(92 + 8 * trait + rng.gauss(0, 3), 60, 100))),
    }


def _front_desk_month(trait: float, rng: random.Random) -> dict[str, str]:
    careless = 1.0 - trait
    return front_desk_values(
        appearance=rng.choices((0, 1, 2, 4), (0.5 + trait, 0.3, 0.15 * careless, 0.05 * careless))[0],
        lapses=rng.choices((0, 1, 2), (0.6 + trait, 0.3, 0.1))[0],
        service=round(_clamp(62 + 30 * trait + rng.gauss(0, 5), 30, 100)),
        satisfaction=round(_clamp(80 + 16 * trait + rng.gauss(0, 3), 50, 100)),
    )


def _shop_month(trait: float, rng: random.Random) -> dict[str, str]:
    form = 0.3 + 0.6 * trait + rng.gauss(0, 0.12)  # a weak agent still scores in the 50s
    return {
        "conversion": rate(round(_clamp(32 + 34 * form + rng.gauss(0, 3), 15, 85))),
        "unit_price_ratio": str(
            Decimal(round(_clamp(1.0 + 0.42 * form + rng.gauss(0, 0.04), 0.7, 1.8), 2)).quantize(Decimal("0.01"))
        ),
        "first_response_s": str(round(_clamp(26 - 22 * form + rng.gauss(0, 3), 2, 60))),
        "avg_response_s": str(round(_clamp(60 - 32 * form + rng.gauss(0, 4), 15, 90))),
        "satisfaction": rate(round(_clamp(66 + 30 * form + rng.gauss(0, 3), 40, 99))),
    }


def _assistant_month(trait: float, rng: random.Random, lead: bool, catalogue: Catalogue) -> MonthPlan:
    values = assistant_values(
        a_fu=round(_clamp(4 + 12 * trait + rng.gauss(0, 2), 0, 40)),
        b_fu=round(_clamp(8 + 12 * trait + rng.gauss(0, 2), 0, 40)),
        a_rep=round(_clamp(1 + 3 * trait + rng.gauss(0, 1), 0, 10)),
        b_rep=round(_clamp(2 + 3 * trait + rng.gauss(0, 1), 0, 10)),
        suggestions=rng.choice((0, 1, 1, 1, 2)) if lead else None,
    )
    incidents = _deductions(trait, rng, catalogue) + _bonuses(trait, rng, catalogue)
    if rng.random() < 0.08:
        values["adjustment"] = str(rng.choice((-3, -2, -1, 1, 2, 3)))
        values["adjustment_reason"] = rng.choice(ADJUST_REASONS)
    return MonthPlan(values, incidents)


def _deductions(trait: float, rng: random.Random, catalogue: Catalogue) -> list[IncidentPlan]:
    careless = 1.0 - trait
    count = rng.choices((0, 1, 2, 3, 4), (0.2 + trait, 0.3, 0.2 * careless + 0.05, 0.1 * careless, 0.05 * careless))[0]
    plans = []
    for _ in range(count):
        severity = rng.choices(("minor", "moderate", "severe"), (0.86, 0.11, 0.03))[0]
        code, low, high, repeatable = rng.choice(catalogue.by_severity[severity])
        if not repeatable and any(p.code == code for p in plans):
            continue
        points = None
        if low != high and rng.random() < 0.5:
            points = Decimal(rng.randint(int(low), int(high)))
        plans.append(IncidentPlan(code, rng.randint(1, 28), points, 1, rng.choice(NOTES)))
    return plans


def _bonuses(trait: float, rng: random.Random, catalogue: Catalogue) -> list[IncidentPlan]:
    plans = []
    for code, _, _, repeatable in catalogue.by_severity.get("bonus", []):
        if code == "top-performer":  # first in the team: not something a random draw can know
            continue
        chance = 0.04 + 0.12 * trait
        if rng.random() < chance:
            count = rng.choice((1, 1, 2)) if repeatable else 1
            plans.append(IncidentPlan(code, rng.randint(1, 28), None, count))
    return plans


def incident_date(month: Period, day: int, hired: date) -> date:
    """The incident's date, never before the hire date."""
    when = month.first_day.replace(day=day)
    return max(when, hired)
