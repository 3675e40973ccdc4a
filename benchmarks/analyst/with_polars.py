"""The polars baseline: read with polars.read_database, decode with str.json_decode, expressions.

Scores, streak flags, first months and ranks are polars expressions; the level walk over the
months is the shared numpy walk (:mod:`analyst.common`), fed dense columns built from them.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import numpy as np
import polars as pl

from . import common
from .params import CARDS_SQL, MICRO, MONEY, ROSTER_SQL, StarRules, TierRules, Unsupported, ordinal

NEVER = 10**9


def read(db, scheme: str, period: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    with closing(sqlite3.connect(db)) as conn:
        staff = pl.read_database(
            ROSTER_SQL, conn, execute_options={"parameters": (scheme,)}, schema_overrides={"level": pl.String}
        )
        cards = pl.read_database(CARDS_SQL, conn, execute_options={"parameters": (scheme, period)})
    staff = staff.with_row_index("row").with_columns(
        hire_ord=pl.col("hire_date").str.slice(0, 4).cast(pl.Int64) * 12
        + pl.col("hire_date").str.slice(5, 2).cast(pl.Int64)
        - 1,
        hire_day=pl.col("hire_date").str.slice(8, 2).cast(pl.Int64),
    )
    cards = cards.join(staff.select("employee_id", "row"), on="employee_id", how="left").with_columns(
        m=pl.col("period").str.slice(0, 4).cast(pl.Int64) * 12 + pl.col("period").str.slice(5, 2).cast(pl.Int64) - 1,
    )
    return staff, cards


def decoded(cards: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    shape = pl.Struct({key: pl.String for key in keys})
    return cards.with_columns(pl.col("values").str.json_decode(shape).alias("v")).unnest("v")


def fixed(key: str, units: int, percent: bool = False) -> pl.Expr:
    """A text value ("12,500", "0.62", "62%") in whole fixed-point units, as a float to check and cast."""
    s = pl.col(key).str.strip_chars().str.replace_all(",", "", literal=True)
    if not percent:
        return s.cast(pl.Float64) * units
    pct = s.str.ends_with("%")
    return (
        pl.when(pct)
        .then(s.str.strip_suffix("%").cast(pl.Float64) * (units / 100))
        .otherwise(s.cast(pl.Float64) * units)
    )


def exact(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """The float-scaled columns as Int64, or refused when one is not a whole number of units."""
    worst = frame.select(pl.max_horizontal([(pl.col(k) - pl.col(k).round(0)).abs().max() for k in keys])).item()
    if worst is not None and worst > 1e-3:
        raise Unsupported("a value with more decimals than the baseline's fixed point")
    return frame.with_columns([pl.col(k).round(0).cast(pl.Int64) for k in keys])


def dense(cards: pl.DataFrame, n: int, lo: int, until: int, column: str, dtype) -> np.ndarray:
    part = cards.filter(pl.col("m") >= lo)
    out = np.zeros((n, until - lo + 1), dtype)
    out[part["row"].to_numpy(), part["m"].to_numpy() - lo] = part[column].to_numpy()
    return out


def graded(
    staff: pl.DataFrame, cards: pl.DataFrame, until: int, walk: dict, score: np.ndarray, has: np.ndarray, ladder
) -> pl.DataFrame:
    names = np.array(ladder, dtype=object)
    in_month = cards.filter(pl.col("m") == until).select("row", in_month=pl.lit(True))
    shown = has & walk["replayed"]
    out = staff.select("row", "employee_id", "team", "status", "hire_ord").with_columns(
        score_x=pl.Series(np.where(shown, score, 0)),
        shown=pl.Series(shown),
        level_before=pl.Series(names[walk["before"]].tolist(), dtype=pl.String),
        level_after=pl.Series(names[walk["after"]].tolist(), dtype=pl.String),
        decision=pl.Series(np.asarray(walk["decision"]).tolist(), dtype=pl.String),
    )
    out = out.join(in_month, on="row", how="left").filter(
        (pl.col("hire_ord") <= until) & ((pl.col("status") == "active") | pl.col("in_month").fill_null(False))
    )
    return (
        out.with_columns(score_x=pl.when(pl.col("shown")).then(pl.col("score_x")))
        .with_columns(rank=pl.col("score_x").rank("min", descending=True).over("team").cast(pl.Int64))
        .select("employee_id", "team", "score_x", "level_before", "level_after", "decision", "rank")
    )


def first_month(staff: pl.DataFrame, cards: pl.DataFrame, missing: int) -> np.ndarray:
    firsts = cards.group_by("row").agg(pl.col("m").min().alias("first"))
    return staff.select("row").join(firsts, on="row", how="left").sort("row")["first"].fill_null(missing).to_numpy()


def star_levels(db, period: str, rules: StarRules, scheme: str = "star-levels") -> tuple[pl.DataFrame, int]:
    until = ordinal(period)
    staff, cards = read(db, scheme, period)
    cards = exact(
        decoded(cards, [rules.actual, rules.target]).with_columns(
            actual=fixed(rules.actual, MONEY), target=fixed(rules.target, MONEY)
        ),
        ["actual", "target"],
    )
    if cards.filter(pl.col("target") <= 0).height:
        raise Unsupported("a target of 0 or less (cstui refuses such a card)")
    w, up_at, down_at = rules.weight, rules.promote_at, rules.demote_below
    num, den = pl.col("actual") * w.numerator, pl.col("target") * w.denominator
    rounded = (2 * num.abs() * 10**rules.places + den) // (2 * den)
    cards = cards.with_columns(
        up=num * up_at.denominator >= den * up_at.numerator,
        down=num * down_at.denominator < den * down_at.numerator,
        shown=pl.when(num < 0).then(-rounded).otherwise(rounded),
        card=pl.lit(True),
    )
    leveled = (staff["level"].is_not_null() & (staff["level"] != rules.probation)).to_numpy()
    first = first_month(staff, cards, NEVER)
    hire_ord, hire_day = staff["hire_ord"].to_numpy(), staff["hire_day"].to_numpy()
    assess = np.where(leveled, first, common.first_assessed(hire_ord, hire_day, rules.probation_months))
    start = np.where(leveled, first, hire_ord)
    index = {k: i for i, k in enumerate(rules.ladder)}
    level0 = staff["level"].fill_null(rules.probation).replace_strict(index, return_dtype=pl.Int64).to_numpy()
    lo, n = min(int(start.min()) if len(start) else until, until), staff.height
    has = dense(cards, n, lo, until, "card", bool)
    walk = common.star_walk(
        rules,
        start,
        assess,
        level0,
        has,
        dense(cards, n, lo, until, "up", bool),
        dense(cards, n, lo, until, "down", bool),
        lo,
        until,
    )
    return graded(
        staff, cards, until, walk, dense(cards, n, lo, until, "shown", np.int64)[:, -1], has[:, -1], rules.ladder
    ), 10**rules.places


def points(key: str, better: str, bands) -> pl.Expr:
    """domain.md: higher is better, lower bound inclusive; lower is better, upper bound inclusive."""
    x = pl.col(key)
    expr = pl.lit(0, pl.Int64)
    for low, high, value in reversed(bands):
        ok = pl.lit(True)
        if low is not None:
            ok = ok & (x >= int(low * MICRO) if better == "higher" else x > int(low * MICRO))
        if high is not None:
            ok = ok & (x < int(high * MICRO) if better == "higher" else x <= int(high * MICRO))
        expr = pl.when(ok).then(pl.lit(int(value * MICRO), pl.Int64)).otherwise(expr)
    return expr


def tier_scores(cards: pl.DataFrame, rules: TierRules) -> pl.DataFrame:
    keys = list(rules.weights or rules.bands)
    frame = exact(decoded(cards, keys).with_columns([fixed(k, MICRO, rules.kinds[k] == "rate") for k in keys]), keys)
    if rules.weights:
        parts = [pl.col(k) * (rules.weights[k] * (100 if rules.kinds[k] == "rate" else 1)) for k in keys]
    else:
        parts = [points(k, *rules.bands[k]) for k in keys]
    score = pl.sum_horizontal(parts)
    if rules.cap is not None:
        score = pl.min_horizontal(score, pl.lit(int(rules.cap * MICRO)))
    return frame.with_columns(score=score, card=pl.lit(True))


def five_tier(db, period: str, rules: TierRules, scheme: str = "five-tier") -> tuple[pl.DataFrame, int]:
    until = ordinal(period)
    staff, cards = read(db, scheme, period)
    cards = tier_scores(cards, rules)
    first = np.minimum(first_month(staff, cards, until), until)
    hire_ord, hire_day = staff["hire_ord"].to_numpy(), staff["hire_day"].to_numpy()
    start = np.maximum(hire_ord, first - first % 3)
    index = {k: i for i, k in enumerate(rules.ladder)}
    level0 = staff["level"].fill_null(rules.ladder[0]).replace_strict(index, return_dtype=pl.Int64).to_numpy()
    lo, n = min(int(start.min()) if len(start) else until, until), staff.height
    has = dense(cards, n, lo, until, "card", bool)
    score_x = dense(cards, n, lo, until, "score", np.int64)
    walk = common.tier_walk(rules, start, hire_ord, hire_day, level0, score_x, has, lo, until)
    return graded(staff, cards, until, walk, score_x[:, -1], has[:, -1], rules.ladder), rules.scale
