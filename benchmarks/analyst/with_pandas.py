"""The pandas baseline: read with pandas.read_sql_query, decode with json, compute on columns."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import numpy as np
import pandas as pd

from . import common
from .params import CARDS_SQL, MICRO, MONEY, ROSTER_SQL, StarRules, TierRules, Unsupported, ordinal

NEVER = 10**9  # a month ordinal no replay reaches


def read(db, scheme: str, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    with closing(sqlite3.connect(db)) as conn:
        staff = pd.read_sql_query(ROSTER_SQL, conn, params=(scheme,))
        cards = pd.read_sql_query(CARDS_SQL, conn, params=(scheme, period))
    staff["hire_ord"] = (
        staff["hire_date"].str.slice(0, 4).astype(np.int64) * 12
        + staff["hire_date"].str.slice(5, 7).astype(np.int64)
        - 1
    )
    staff["hire_day"] = staff["hire_date"].str.slice(8, 10).astype(np.int64)
    months = {p: ordinal(p) for p in cards["period"].unique()}
    cards["m"] = cards["period"].map(months).astype(np.int64)
    cards["row"] = pd.Index(staff["employee_id"]).get_indexer(cards["employee_id"])
    return staff, cards


def fixed(text: pd.Series, units: int, percent: bool = False) -> np.ndarray:
    """Values typed as text ("12,500", " 0.62", "62%") as whole fixed-point units; exact or refused."""
    number = pd.to_numeric(text, errors="coerce")
    odd = number.isna()
    scale = np.full(len(text), float(units))
    if odd.any():  # the unusual cells: spaces, thousands separators, percents
        s = text[odd].astype(str).str.strip().str.replace(",", "", regex=False)
        pct = s.str.endswith("%") if percent else pd.Series(False, index=s.index)
        number[odd] = pd.to_numeric(s.where(~pct, s.str.slice(0, -1)), errors="raise")
        scale[odd.to_numpy()] = np.where(pct, units / 100, units)
    scaled = number.to_numpy(np.float64) * scale
    whole = np.rint(scaled)
    if len(whole) and (np.abs(scaled - whole).max() > 1e-3 or np.abs(whole).max() > 1e13):
        raise Unsupported("a value with more decimals or digits than the baseline's fixed point")
    return whole.astype(np.int64)


def card_values(cards: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    decoded = pd.DataFrame(cards["values"].map(json.loads).tolist(), index=cards.index)
    return decoded.reindex(columns=keys)


def dense(cards: pd.DataFrame, n: int, lo: int, until: int, column: np.ndarray, dtype) -> np.ndarray:
    """An (employee x month) matrix of one card column, months lo..until."""
    out = np.zeros((n, until - lo + 1), dtype)
    keep = cards["m"].to_numpy() >= lo
    out[cards["row"].to_numpy()[keep], cards["m"].to_numpy()[keep] - lo] = column[keep]
    return out


def graded(
    staff: pd.DataFrame, cards: pd.DataFrame, until: int, walk: dict, score: np.ndarray, has: np.ndarray, ladder
) -> pd.DataFrame:
    """The period's result per employee on the roster, ranked within teams."""
    in_month = np.zeros(len(staff), bool)
    in_month[cards.loc[cards["m"] == until, "row"].to_numpy()] = True
    on_roster = (staff["hire_ord"].to_numpy() <= until) & ((staff["status"] == "active").to_numpy() | in_month)
    names = np.array(ladder, dtype=object)
    out = pd.DataFrame(
        {
            "employee_id": staff["employee_id"],
            "team": staff["team"],
            "score_x": pd.array(np.where(has & walk["replayed"], score, 0), dtype="Int64"),
            "level_before": names[walk["before"]],
            "level_after": names[walk["after"]],
            "decision": walk["decision"],
        }
    )
    out.loc[~(has & walk["replayed"]), "score_x"] = pd.NA
    out = out[on_roster]
    out["rank"] = out.groupby("team")["score_x"].rank(method="min", ascending=False).astype("Int64")
    return out


def star_levels(db, period: str, rules: StarRules, scheme: str = "star-levels") -> tuple[pd.DataFrame, int]:
    """Each employee's month `period` under the star-levels rules; score_x is in 10 ** -places."""
    until = ordinal(period)
    staff, cards = read(db, scheme, period)
    values = card_values(cards, [rules.actual, rules.target])
    actual, target = fixed(values[rules.actual], MONEY), fixed(values[rules.target], MONEY)
    if (target <= 0).any():
        raise Unsupported("a target of 0 or less (cstui refuses such a card)")
    num, den = rules.weight.numerator * actual, rules.weight.denominator * target  # score = num / den
    up = common.at_least(num, den, rules.promote_at)
    down = ~common.at_least(num, den, rules.demote_below)
    shown = common.round_half_up(num * 10**rules.places, den)
    ladder = rules.ladder
    leveled = staff["level"].notna() & (staff["level"] != rules.probation)
    first_card = cards.groupby("row")["m"].min().reindex(range(len(staff)), fill_value=NEVER).to_numpy()
    assess = np.where(
        leveled,
        first_card,
        common.first_assessed(staff["hire_ord"].to_numpy(), staff["hire_day"].to_numpy(), rules.probation_months),
    )
    start = np.where(leveled, first_card, staff["hire_ord"].to_numpy())
    level0 = staff["level"].fillna(rules.probation).map({k: i for i, k in enumerate(ladder)}).to_numpy(np.int64)
    lo = min(int(start.min()) if len(start) else until, until)
    n = len(staff)
    has = dense(cards, n, lo, until, np.ones(len(cards), bool), bool)
    walk = common.star_walk(
        rules,
        start,
        assess,
        level0,
        has,
        dense(cards, n, lo, until, up, bool),
        dense(cards, n, lo, until, down, bool),
        lo,
        until,
    )
    return graded(
        staff, cards, until, walk, dense(cards, n, lo, until, shown, np.int64)[:, -1], has[:, -1], ladder
    ), 10**rules.places


def tier_scores(cards: pd.DataFrame, rules: TierRules) -> np.ndarray:
    """Each card's month score in units of 1 / rules.scale."""
    keys = list(rules.weights or rules.bands)
    values = card_values(cards, keys)
    total = np.zeros(len(cards), np.int64)
    for key in keys:
        kind = rules.kinds[key]
        x = fixed(values[key], MICRO, percent=kind == "rate")
        if rules.weights:  # a rate scores rate x 100, a rating itself
            total += rules.weights[key] * (x * 100 if kind == "rate" else x)
        else:
            total += band_points(x, *rules.bands[key])
    if rules.cap is not None:
        total = np.minimum(total, int(rules.cap * MICRO))
    return total


def band_points(x: np.ndarray, better: str, bands) -> np.ndarray:
    """domain.md: higher is better, lower bound inclusive; lower is better, upper bound inclusive."""
    conditions, points = [], []
    for low, high, value in bands:
        lo = None if low is None else int(low * MICRO)
        hi = None if high is None else int(high * MICRO)
        if better == "higher":
            ok = (x >= lo if lo is not None else True) & (x < hi if hi is not None else True)
        else:
            ok = (x > lo if lo is not None else True) & (x <= hi if hi is not None else True)
        conditions.append(np.broadcast_to(ok, x.shape))
        points.append(int(value * MICRO))
    return np.select(conditions, points, 0)


def five_tier(db, period: str, rules: TierRules, scheme: str = "five-tier") -> tuple[pd.DataFrame, int]:
    """Each employee's month `period` under the five-tier rules; score_x is in 1 / rules.scale."""
    until = ordinal(period)
    staff, cards = read(db, scheme, period)
    score = tier_scores(cards, rules)
    hire_ord, hire_day = staff["hire_ord"].to_numpy(), staff["hire_day"].to_numpy()
    first = cards.groupby("row")["m"].min().reindex(range(len(staff)), fill_value=until).to_numpy()
    first = np.minimum(first, until)
    start = np.maximum(hire_ord, first - first % 3)  # the first data's quarter, not before the hire month
    level0 = staff["level"].fillna(rules.ladder[0]).map({k: i for i, k in enumerate(rules.ladder)}).to_numpy(np.int64)
    lo = min(int(start.min()) if len(start) else until, until)
    n = len(staff)
    has = dense(cards, n, lo, until, np.ones(len(cards), bool), bool)
    score_x = dense(cards, n, lo, until, score, np.int64)
    walk = common.tier_walk(rules, start, hire_ord, hire_day, level0, score_x, has, lo, until)
    return graded(staff, cards, until, walk, score_x[:, -1], has[:, -1], rules.ladder), rules.scale
