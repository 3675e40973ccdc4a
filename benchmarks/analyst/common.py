"""Array helpers both baselines use for the parts that are a walk over time, not a table.

Levels move one step at a time with a floor and a ceiling, so a level is a clamped running sum:
the analyst walks the months (24) or quarters (8) over whole columns of employees at once.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .params import StarRules, TierRules

REVIEW_MONTHS = (2, 5, 8, 11)  # month ordinal % 12 of the months that close a quarter


def round_half_up(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den rounded half away from zero, in whole numbers (den > 0)."""
    up = (2 * np.abs(num) + den) // (2 * den)
    return np.where(num < 0, -up, up)


def at_least(num: np.ndarray, den: np.ndarray, bar: Fraction) -> np.ndarray:
    """num / den >= bar, exactly (den > 0)."""
    return num * bar.denominator >= bar.numerator * den


def first_assessed(hire_ordinal: np.ndarray, hire_day: np.ndarray, months: int) -> np.ndarray:
    """domain.md: probation ends `months` after the hire date; assessed from the first whole month after."""
    return hire_ordinal + months + (hire_day != 1)


def complete_months(hire_ordinal: np.ndarray, hire_day: np.ndarray, on_ordinal) -> np.ndarray:
    """Complete months of service from the hire date to the first day of month `on_ordinal`."""
    return np.maximum(on_ordinal - hire_ordinal - (hire_day > 1), 0)


def star_walk(rules: StarRules, start, assess, level0, has, up, down, lo: int, until: int) -> dict[str, np.ndarray]:
    """The star-levels replay over dense (employee x month) columns from month `lo` to `until`.

    `has`, `up`, `down`: card present, month counts up, month counts down (bool, n x months).
    Returns level before/after and decision code of the month `until` for every employee.
    """
    ladder = rules.ladder
    probation, first, top = ladder.index(rules.probation), ladder.index(rules.first), len(ladder) - 1
    lvl = level0.copy()
    upc = np.zeros(len(lvl), np.int64)
    downc = np.zeros(len(lvl), np.int64)
    for j, m in enumerate(range(lo, until + 1)):
        replayed = m >= start
        lvl = np.where(replayed & (lvl == probation) & (m >= assess), first, lvl)  # probation ends
        assessed = replayed & (lvl != probation) & (m >= assess)
        card = has[:, j]
        upc = np.where(assessed, np.where(card & up[:, j], upc + 1, 0), upc)
        downc = np.where(assessed, np.where(card & down[:, j], downc + 1, 0), downc)
        fire_up = assessed & (upc >= rules.window)
        fire_down = assessed & ~fire_up & (downc >= rules.window)
        fired = fire_up | fire_down
        upc, downc = np.where(fired, 0, upc), np.where(fired, 0, downc)  # the streak restarts after every window
        before = lvl
        lvl = np.where(fired, np.clip(lvl + fire_up.astype(np.int64) - fire_down, first, top), lvl)
    decision = np.select(
        [~assessed, ~card, lvl > before, lvl < before],
        ["none", "missing", "promote", "demote"],
        "stay",
    )
    return {"before": before, "after": lvl, "decision": decision, "replayed": replayed}


def tier_walk(
    rules: TierRules, start, hire_ord, hire_day, level0, score_x, has, lo: int, until: int
) -> dict[str, np.ndarray]:
    """The five-tier replay over dense (employee x month) month scores, from `lo` to `until`.

    Reviews close each quarter on the exact average of the months present (months with no
    card are left out; none present: no change). Returns the month `until`'s levels and decision.
    """
    n, top = len(level0), len(rules.ladder) - 1
    need = np.array([rules.min_tenure.get(k, 0) for k in rules.ladder] + [0], np.int64)
    lvl = level0.copy()
    prob_from = np.full(n, -1, np.int64)
    prob_to = np.full(n, -2, np.int64)
    present = has & (np.arange(lo, until + 1)[None, :] >= start[:, None])  # months replayed with a card
    decision = np.full(n, "none", dtype=object)
    for j, m in enumerate(range(lo, until + 1)):
        before = lvl
        if m == until:
            own = _month_decision(rules, m, score_x[:, j], present[:, j], prob_from, prob_to)
            decision = np.where(m >= start, own, "none")
        if m % 12 not in REVIEW_MONTHS:
            continue
        q = slice(max(j - 2, 0), j + 1)
        count = present[:, q].sum(axis=1)
        total = np.where(present[:, q], score_x[:, q], 0).sum(axis=1)
        scale_n = rules.scale * count
        promote = total * rules.promote_above.denominator > rules.promote_above.numerator * scale_n
        stay = at_least(total, scale_n, rules.demote_below)
        demote = at_least(total, scale_n, rules.probation_below)
        tenure_ok = complete_months(hire_ord, hire_day, m + 1) >= need[np.minimum(lvl + 1, top + 1)]
        reviewed = (m >= start) & (count > 0)
        code = np.select(
            [~reviewed, promote & (lvl == top), promote & ~tenure_ok, promote, stay, demote],
            ["none", "stay", "eligible", "promote", "stay", "demote"],
            "probation",
        )
        code = np.where((m >= start) & (count == 0), "missing", code)
        code = np.where((code == "demote") & (lvl == 0), "stay", code)
        step = (code == "promote").astype(np.int64) - ((code == "demote") | ((code == "probation") & (lvl > 0)))
        lvl = lvl + step
        on_probation = code == "probation"
        prob_from = np.where(on_probation, m + 1, prob_from)
        prob_to = np.where(on_probation, m + rules.probation_months, prob_to)
        if m == until:
            decision = np.where((m >= start) & (code != "none"), code, decision)
    return {"before": before, "after": lvl, "decision": decision, "replayed": until >= start}


def _month_decision(rules: TierRules, m: int, score_x, card, prob_from, prob_to) -> np.ndarray:
    """A month's own decision before any review: probation month, missing card, or none."""
    in_probation = (prob_from <= m) & (m <= prob_to)
    low = score_x * rules.dismissal_below.denominator < rules.dismissal_below.numerator * rules.scale
    return np.select(
        [in_probation & ~card, in_probation & low, ~card], ["missing", "dismissal-review", "missing"], "none"
    )
