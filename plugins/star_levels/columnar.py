"""star-levels column-wise (issue 14): the replay state before a period, for whole teams at once.

:meth:`StarLevels.checkpoint_columns` replays the months before the graded period over columns
(:mod:`cstui.engine.columns`): each card's check and exact completion % on whole columns, then
the streaks as running counts month by month over all employees at once. It returns the state
a checkpoint at the period's start would hold, and the period is graded by the per-card path
resuming from it (:class:`~plugins.star_levels.model._Run`, the reference): results, flags and
traces come from the reference's own code. The scores still in a streak at the period's start
are the reference's Decimal operations (:func:`kpi_score`) on the values rebuilt from the
columns with their typed decimals (:func:`cstui.engine.columns.exact_values`: "0.90" stays
"0.90"), so the state holds exactly the Decimals the reference would, and no card before the
period is read.

The exact comparisons: a month counts up when Σ weight × actual / target >= promote_at. With one
KPI and amounts in fen that is the integer cross-product ``W·A·Pd >= Pn·T·Wd``, exact in int64
while the products stay below 2^62 (checked; otherwise this path declines). The reference's
quotient is a Decimal rounded to 28 digits; a quotient that rounds onto a bar it is not on
would have to lie within 10^-25 of it, and two such fractions differ by at least 1/2^62: so
the two agree on every side of every bar below 10^6.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cstui.domain import Period
from cstui.engine.cards import metric_specs
from cstui.engine.columns import CardColumns, exact_values, fits, fixed, kind_valid, places_known, specs_valid
from cstui.engine.replay import Later, first_whole_month_after

from .model import StarLevels, StarParams, window_why
from .month_columns import kpi_score
from .month_columns import supported as _supported


def checkpoint_columns(model: StarLevels, scheme: Any, columns: CardColumns, month: Period) -> dict | None:
    """``{"employees": {id: entry}}`` at the end of ``month`` (the last column), or None to decline."""
    params = model.compiled(scheme)
    valid = _valid_cards(scheme, params, columns) if _supported(model, scheme, params) else None
    if valid is None:
        return None
    sides = _sides(params, columns, valid)
    if sides is None:
        return None
    starts = _starts(params, columns, valid)
    if starts is None:
        return None
    walk = _walk(params, columns, valid, sides, starts, month.ordinal)
    entries = _entries(params, columns, walk, starts, month)
    return None if entries is None else {"employees": entries}


def _valid_cards(scheme: Any, params: StarParams, columns: CardColumns) -> np.ndarray | None:
    """Where a card passes :meth:`StarLevels.card_problems` (every field of its kind, a target
    above 0); None when a field's kind is not modelled here."""
    valid = specs_valid(metric_specs(scheme), columns, check=kind_valid)  # the kinds its tests cover
    if valid is None:
        return None
    return valid & (columns.metrics[params.kpis[0].target].units > 0)


def _sides(params: StarParams, columns: CardColumns, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(counts up, counts down) of each valid card, exact; None when the numbers do not fit int64."""
    kpi = params.kpis[0]
    actual, target = columns.metrics[kpi.actual], columns.metrics[kpi.target]
    if valid.any() and max(int(actual.scale[valid].max()), int(target.scale[valid].max())) > 2:
        return None  # a number with more decimals than fen
    a = np.where(valid, fixed(actual, 2), 0)
    t = np.where(valid, fixed(target, 2), 1)
    wn, wd = kpi.weight.as_integer_ratio()
    pn, pd = params.promote_at.as_integer_ratio()
    dn, dd = params.demote_below.as_integer_ratio()
    big_a, big_t = int(np.abs(a).max(initial=0)), int(t.max(initial=1))
    if not fits(big_a * wn * pd, big_t * pn * wd, big_a * wn * dd, big_t * dn * wd):
        return None
    up = valid & (a * (wn * pd) >= t * (pn * wd))
    down = valid & (a * (wn * dd) < t * (dn * wd))
    return up, down


def _starts(
    params: StarParams, columns: CardColumns, valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(level index, first month replayed, first month assessed) of each employee, as
    :meth:`StarLevels.begin` finds them; None for a starting level off the ladder."""
    ladder, never = params.ladder, 10**9
    any_card = valid.any(axis=1)
    first_index = valid.argmax(axis=1) if columns.months else np.zeros(len(any_card), np.int64)
    first_card = np.where(any_card, columns.first + first_index, never)
    level, start, assess = [], [], []
    for i, employee in enumerate(columns.employees):
        key = employee.level or params.probation_level
        if key not in ladder:
            return None
        level.append(ladder.index(key))
        if employee.level in (None, params.probation_level):
            start.append(Period.of_date(employee.hire_date).ordinal)
            assess.append(first_whole_month_after(params.probation_months, employee.hire_date).ordinal)
        else:  # imported with a star: assessed from the first (valid) scorecard
            start.append(int(first_card[i]))
            assess.append(int(first_card[i]))
    return np.array(level, np.int64), np.array(start, np.int64), np.array(assess, np.int64)


def _walk(params: StarParams, columns: CardColumns, valid, sides, starts, last: int) -> dict[str, np.ndarray]:
    """:meth:`_Run.skim` over every employee at once, the months of ``columns`` up to ``last``."""
    up, down = sides
    level, start, assess = starts
    ladder = params.ladder
    probation, first_star, stars = (
        ladder.index(params.probation_level),
        ladder.index(params.first_level),
        len(params.stars),
    )
    lo = columns.first
    # the months before the first column have no card: probation may end, no streak grows
    ended = (level == probation) & (start <= lo - 1) & (assess <= lo - 1)
    level = np.where(ended, first_star, level)
    n = len(level)
    ups, downs = np.zeros(n, np.int64), np.zeros(n, np.int64)
    moved = np.zeros(n, np.int64)  # +1 / -1: the level moved at the end of the last month
    for j in range(columns.months):
        m = lo + j
        replayed = start <= m
        level = np.where(replayed & (level == probation) & (assess <= m), first_star, level)
        counting = replayed & (level != probation) & (assess <= m)
        ups = np.where(counting, np.where(up[:, j], ups + 1, 0), ups)
        downs = np.where(counting, np.where(down[:, j], downs + 1, 0), downs)
        fire_up = counting & (ups >= params.window)
        fire_down = counting & ~fire_up & (downs >= params.window)
        fired = fire_up | fire_down
        ups, downs = np.where(fired, 0, ups), np.where(fired, 0, downs)
        at = np.where(level >= first_star, level - first_star, 0)
        target = at + fire_up - fire_down
        change = fired & (target >= 0) & (target < stars)
        level = np.where(change, first_star + target, level)
        moved = np.where(change, np.where(fire_up, 1, -1), 0) if m == last else moved
    return {"level": level, "up": ups, "down": downs, "moved": moved}


def _entries(params: StarParams, columns: CardColumns, walk: dict, starts, month: Period) -> dict[str, dict] | None:
    """Each started employee's checkpoint entry, as :meth:`ReplayModel._replay` keeps it (the run's
    state; this state resumes a grading, not a timeline: apply keeps reading per card); None
    when a streak month's value cannot be rebuilt exactly."""
    _, start, assess = starts
    last = month.ordinal
    scores = _streak_scores(params, columns, walk, start <= last, last)
    if scores is None:
        return None
    entries = {}
    for i, employee in enumerate(columns.employees):
        if start[i] > last:  # no month replayed: the reference keeps {} (start afresh)
            entries[employee.id] = {}
            continue
        level = params.ladder[int(walk["level"][i])]
        mine = scores.get(i, [])  # oldest first: the last len(mine) months up to ``last``
        moved = int(walk["moved"][i])
        why = Later(window_why, params, moved > 0, mine[len(mine) - params.window :]) if moved else None
        ups, downs = int(walk["up"][i]), int(walk["down"][i])
        run = {
            "level": level,
            "assess_from": int(assess[i]),
            "up": [str(s) for s in mine[len(mine) - ups :]] if ups else [],
            "down": [str(s) for s in mine[len(mine) - downs :]] if downs else [],
            "pending_why": why,  # unrendered, as a skim leaves it: a dry run's results never read it
            "placed": False,
        }
        entries[employee.id] = {"level": level, "timeline": [], "run": run}
    return entries


def _streak_scores(params: StarParams, columns: CardColumns, walk: dict, started, last: int) -> dict | None:
    """{row: the exact scores of its last months, oldest first}: as many months as its streak is
    long (a whole window when it just closed), from the columns (every streak month has a valid
    card); None when a value's typed decimals are not known."""
    need = np.where(walk["moved"] != 0, params.window, np.maximum(walk["up"], walk["down"]))
    need = np.where(started, need, 0)
    kpi = params.kpis[0]
    actual, target = columns.metrics[kpi.actual], columns.metrics[kpi.target]
    kinds = {spec.key: spec.kind for spec in params.specs}
    scores: dict[int, list] = {}
    for back in range(int(need.max(initial=0)), 0, -1):  # oldest month first
        j = last - back + 1 - columns.first
        rows = np.flatnonzero(need >= back)
        here = np.zeros(actual.units.shape, bool)
        here[rows, j] = True
        if not (places_known(actual, here) and places_known(target, here)):
            return None
        numbers = exact_values(kinds[kpi.actual], actual, rows, j)
        bases = exact_values(kinds[kpi.target], target, rows, j)
        for i, a, t in zip(rows.tolist(), numbers, bases, strict=True):
            scores.setdefault(i, []).append(kpi_score(kpi.weight, a, t))
    return scores
