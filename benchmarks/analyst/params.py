"""Scheme numbers from schemes/*.toml (tomllib only), as exact fractions, and the common read.

Shared by the pandas and the polars baselines: only what the TOML says and how the SQLite
file is laid out; no rule is computed here.
"""

from __future__ import annotations

import sqlite3
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

SCHEMES_DIR = Path(__file__).resolve().parents[2] / "schemes"
MICRO = 10**6  # fixed-point units of every non-money value: 6 decimals
MONEY = 100  # money in fen


def scheme_toml(name: str) -> dict:
    """The scheme's TOML, an ``extends`` base merged in (``replace`` lists the base's sections dropped)."""
    data = tomllib.loads((SCHEMES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    base_name = data.get("extends")
    if not base_name:
        return data
    merged = dict(scheme_toml(base_name))
    for key in data.get("replace", []):
        merged.pop(key, None)
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def fraction(value) -> Fraction:
    """A TOML number as an exact fraction (0.6 is 3/5, not the float's binary neighbour)."""
    return Fraction(Decimal(str(value)))


def ordinal(month: str) -> int:
    year, mm = month.split("-")
    return int(year) * 12 + int(mm) - 1


def month_text(ordinal_: int) -> str:
    return f"{ordinal_ // 12}-{ordinal_ % 12 + 1:02d}"


@dataclass(frozen=True)
class StarRules:
    ladder: tuple[str, ...]
    probation: str
    probation_months: int
    first: str
    actual: str
    target: str
    weight: Fraction
    promote_at: Fraction
    demote_below: Fraction
    window: int
    places: int

    @classmethod
    def load(cls, name: str = "star-levels") -> StarRules:
        t = scheme_toml(name)
        kpis = t["score"]["kpis"]
        if len(kpis) != 1:
            raise Unsupported(f"{name}: the baseline models one KPI, the scheme has {len(kpis)}")
        for key in (kpis[0]["actual"], kpis[0]["target"]):
            if t["metrics"][key]["kind"] != "money":
                raise Unsupported(f"{name}: the baseline reads the KPI's metrics as money")
        review, prob = t["review"], t["probation"]
        return cls(
            tuple(lv["key"] for lv in t["levels"]),
            prob["level"],
            prob["months"],
            prob["first_level"],
            kpis[0]["actual"],
            kpis[0]["target"],
            fraction(kpis[0]["weight"]),
            fraction(review["promote_at"]),
            fraction(review["demote_below"]),
            review["window"],
            t["score"]["places"],
        )


@dataclass(frozen=True)
class TierRules:
    """Five-tier rules. ``score_x`` units: score = score_x / scale (an exact integer per month)."""

    ladder: tuple[str, ...]
    kinds: dict[str, str]  # metric key -> kind
    weights: dict[str, int]  # method "weighted": item -> weight (whole percent)
    bands: dict[str, tuple[str, list[tuple[Fraction | None, Fraction | None, Fraction]]]]  # method "bands"
    cap: Fraction | None
    scale: int
    promote_above: Fraction
    demote_below: Fraction
    probation_below: Fraction
    dismissal_below: Fraction
    probation_months: int
    min_tenure: dict[str, int]

    @classmethod
    def load(cls, name: str = "five-tier") -> TierRules:
        t = scheme_toml(name)
        score, review = t["score"], t["review"]
        kinds = {k: m["kind"] for k, m in t["metrics"].items()}
        weights, bands, cap, scale = {}, {}, None, MICRO
        if score["method"] == "weighted":
            weights = {k: int(fraction(v["weight"])) for k, v in score["items"].items()}
            if any(fraction(v["weight"]) != weights[k] for k, v in score["items"].items()):
                raise Unsupported(f"{name}: the baseline takes whole-percent weights")
            scale = 100 * MICRO  # Σ weight × points, points in micro-units
        else:
            for key, table in score["bands"].items():
                rows = [(_opt(b.get("from")), _opt(b.get("to")), fraction(b["points"])) for b in table["bands"]]
                bands[key] = (table["better"], rows)
            cap = fraction(score["max"]) if "max" in score else None
        numbers = {
            k: fraction(review[k]) for k in ("promote_above", "demote_below", "probation_below", "dismissal_below")
        }
        return cls(
            tuple(lv["key"] for lv in t["levels"]),
            kinds,
            weights,
            bands,
            cap,
            scale,
            **numbers,
            probation_months=review["probation_months"],
            min_tenure=dict(review["min_tenure_months"]),
        )


def _opt(value) -> Fraction | None:
    return None if value is None else fraction(value)


class Unsupported(Exception):
    """Data or a scheme the baseline does not model: the run stops instead of differing."""


def unsupported(db: Path, scheme: str) -> None:
    """Raise :class:`Unsupported` when the company holds what the baselines do not model."""
    conn = sqlite3.connect(db)
    try:
        overrides = conn.execute(
            "SELECT COUNT(*) FROM overrides o JOIN employees e ON e.id = o.employee_id WHERE e.scheme = ?", (scheme,)
        ).fetchone()[0]
        timelines = conn.execute(
            "SELECT COUNT(*) FROM scheme_assignments a JOIN employees e ON e.id = a.employee_id "
            "WHERE e.scheme = ? AND (a.scheme != e.scheme OR a.since_month > substr(e.hire_date, 1, 7))",
            (scheme,),
        ).fetchone()[0]
    finally:
        conn.close()
    if overrides:
        raise Unsupported(f"{scheme}: {overrides} level overrides (the baseline does not model them)")
    if timelines:
        raise Unsupported(f"{scheme}: {timelines} scheme changes in employees' timelines (not modelled)")


ROSTER_SQL = "SELECT id AS employee_id, team, hire_date, status, level FROM employees WHERE scheme = ?"
# A card's fields are rows of scorecard_values (the value as typed, its exact number beside it);
# SQLite folds them back into one JSON object per card, which both baselines decode as columns.
CARDS_SQL = (
    "SELECT s.employee_id, s.period, (SELECT json_group_object(v.metric, v.value) FROM scorecard_values v "
    'WHERE v.period = s.period AND v.employee_id = s.employee_id) AS "values" '
    "FROM scorecards s JOIN employees e ON e.id = s.employee_id WHERE e.scheme = ? AND s.period <= ?"
)
