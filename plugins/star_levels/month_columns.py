"""star-levels' resumed month column-wise (issue 14): a team's month at once from the state at its start.

:meth:`StarLevels.grade_columns` grades the month after a checkpoint (a stored one, or the state
:func:`plugins.star_levels.columnar.checkpoint_columns` computed) for every row it can, from
:class:`cstui.engine.period_columns.PeriodColumns`: no ``Scorecard`` parse, ``_Run``,
``MonthState`` or trace per row. :meth:`_Run.month` stays the reference; a property test
(tests/engine/test_star_month_columns.py) holds the two to the same results.

No numpy here (a resumed month's start-up does not pay its import).
"""

from __future__ import annotations

from decimal import Decimal, getcontext
from typing import Any

from cstui.domain import Result
from cstui.engine.cards import metric_specs, parse_value
from cstui.engine.period_columns import PeriodColumns, entry_runs, exact_numbers, unpatched
from cstui.engine.replay import line  # there: where the "flag.missing" template is registered

from .model import StarLevels, StarParams, _edge_flag, window_why

BAR_LIMIT = 10**6  # bars (promote_at, demote_below) below this: see columnar.py's note


def supported(model: StarLevels, scheme: Any, params: StarParams) -> bool:
    """The reference unchanged (the class itself, nothing but its guarded methods set on the
    instance), one KPI of required metrics, no ledger, bars in range."""
    if not unpatched(model, StarLevels) or "ledger" in scheme.params:
        return False
    if len(params.kpis) != 1 or not all(abs(bar) < BAR_LIMIT for bar in (params.promote_at, params.demote_below)):
        return False
    required = {spec.key for spec in metric_specs(scheme) if spec.required}
    return {params.kpis[0].actual, params.kpis[0].target} <= required


# --- the resumed month, a team at once (grade_columns) ---------------------------------------
#
# The month after a checkpoint, from the state at its start (cstui.engine.period_columns): each
# row's score an exact fraction of Python integers, its side of the bars and its shown score
# (rounded half up) decided on integers, then the streaks and the level as :meth:`_Run.month`
# moves them. The reference's score is the 28-digit Decimal quotient; it decides alike when
# the error of that rounding (at most 5 x S x 10^-prec) is below the fraction's distance to a
# bar or to a rounding tie (at least 1/(denominator x bar's denominator), 1/(2 x denominator)):
# :func:`_month_scores` checks it per row, and leaves any other row to the
# per-card path. So does a card with an override or an incident, a refused card, a negative
# amount. A window closing at the ladder's edge is flagged with its streak's exact scores, made
# by the reference's own Decimal operations (the run's, and the month's from its parsed card).

NO_CARD = False  # a row's month score when it has no card (None: left to the per-card path)


def grade_columns(model: StarLevels, scheme: Any, columns: PeriodColumns, explain: bool) -> dict[int, Result] | None:
    """{row: its Result, unranked} for the rows done; None: the team is left to the per-card
    path (traces asked for, a quarter, a scheme or model this does not model)."""
    if explain or not columns.period.is_month:
        return None  # traces are the reference's to build
    params = model.compiled(scheme)
    if not supported(model, scheme, params):
        return None
    scores, runs = _month_scores(params, columns), _runs(params, columns)
    flag = [line("flag.missing", month=columns.period)]
    month, results = columns.period.ordinal, {}
    # asked once a team, not per row: where probation and the first star are, the shown places
    ladder = params.ladder
    edges, shown = (ladder.index(params.probation_level), ladder.index(params.first_level)), shown_scores(params.places)
    for i, (score, run, plain) in enumerate(zip(scores, runs, columns.plain, strict=True)):
        if score is not None and run is not None and plain:
            moved = _month(params, month, run, score, edges)
            results[i] = _result(scheme, params, columns, i, score, moved, flag, shown)
    return results


SHOWN_KEPT = 65_536  # shown scores remembered a run (a month's scores repeat: ~2 places, ~0-300)
_SHOWN: dict[int, dict[int, Decimal]] = {}


def shown_scores(places: int) -> dict[int, Decimal]:
    """{units: the shown score units x 10^-places}, filled as met: each Decimal is made (and its
    hash, which the report's cells ask, computed) once a run, not once a row. The same value
    :meth:`Decimal.scaleb` makes of each (equal and alike in digits, exponent and sign)."""
    if sum(map(len, _SHOWN.values())) >= SHOWN_KEPT:
        _SHOWN.clear()
    return _SHOWN.setdefault(places, {})


def shown_score(shown_of: dict[int, Decimal], units: int, places: int) -> Decimal:
    """The shown score units x 10^-places (``shown_of``: :func:`shown_scores` of ``places``), kept."""
    known = shown_of.get(units)
    if known is None:
        known = shown_of[units] = Decimal(units).scaleb(-places)
    return known


def _month_scores(params: StarParams, columns: PeriodColumns) -> list:
    """Each row's (shown score in units of score.places, counts up, counts down), NO_CARD, or
    None (left to the per-card path)."""
    kpi = params.kpis[0]
    kinds = {spec.key: spec.kind for spec in params.specs}
    actuals = exact_numbers(kinds[kpi.actual], columns.texts(kpi.actual))
    targets = exact_numbers(kinds[kpi.target], columns.texts(kpi.target))
    (wn, wd), (pn, pd), (dn, dd) = (n.as_integer_ratio() for n in (kpi.weight, params.promote_at, params.demote_below))
    shown = 10**params.places
    # the reference's Decimal score decides as the exact fraction m / den (see the note above)
    # when weight x actual is exact in the context's digits, and the rounding error is below
    # the distance to a tie of the shown score (10 x m x 10^places < 10^prec) and to each bar
    # (5 x m x bar's denominator < 10^prec)
    limit = 10 ** getcontext().prec
    weight_digits = int("".join(map(str, kpi.weight.as_tuple().digits)))
    bound = max(10 * shown, 5 * pd, 5 * dd)
    scores: list = []
    for values, checked, actual, target in zip(columns.cards, columns.checked(), actuals, targets, strict=True):
        if values is None:
            scores.append(NO_CARD)
            continue
        if not checked or actual is None or target is None:
            scores.append(None)
            continue
        (a, pa), (t, pt) = actual, target
        # S = weight x actual / target = m / den
        m, den = wn * a * 10**pt, wd * t * 10**pa
        if a < 0 or t <= 0 or 10 * weight_digits * a >= limit or bound * m >= limit:
            scores.append(None)
        else:
            scores.append(((2 * m * shown + den) // (2 * den), m * pd >= pn * den, m * dd < dn * den))
    return scores


def _runs(params: StarParams, columns: PeriodColumns) -> list[tuple | None]:
    """Each row's run at the month's start (level index, assessed from, placed, up, down), or
    None: no run kept (its replay had not begun) or a level off the ladder."""
    index = {key: i for i, key in enumerate(params.ladder)}
    runs: list[tuple | None] = []
    for run in entry_runs(columns.entries):
        level = index.get(run["level"]) if run is not None else None
        if level is None:
            runs.append(None)
        else:
            runs.append((level, run["assess_from"], bool(run["placed"]), len(run["up"]), len(run["down"])))
    return runs


def _month(
    params: StarParams, month: int, run: tuple, score, edges: tuple[int, int]
) -> tuple[int, int, str, str | None]:
    """:meth:`_Run.month` without a trace: (level held, level after, decision, the ladder's edge
    a closing window meets: "top", "bottom" or None); ``edges``: the ladder's indexes of the
    probation level and the first star."""
    ladder = params.ladder
    probation, first = edges
    level, assess_from, placed, ups, downs = run
    assessed = month >= assess_from
    if assessed and level == probation:
        level = first
    if level == probation or not (assessed or placed):
        return level, level, "none", None
    if score is NO_CARD:
        return level, level, "missing", None
    _, up, down = score
    ups, downs = (ups + 1 if up else 0), (downs + 1 if down else 0)
    step = 1 if ups >= params.window else -1 if downs >= params.window else 0
    if not step:
        return level, level, "stay", None
    target = (level - first if level >= first else 0) + step
    if not 0 <= target < len(ladder) - first:
        return level, level, "stay", "top" if step > 0 else "bottom"
    return level, first + target, "promote" if step > 0 else "demote", None


def _result(
    scheme: Any, params: StarParams, columns: PeriodColumns, row: int, score, moved, flag, shown_of: dict
) -> Result:
    before, after, decision, edge = moved
    shown = None if score is NO_CARD else shown_of.get(score[0])  # inline: asked per row
    if shown is None and score is not NO_CARD:
        shown = shown_score(shown_of, score[0], params.places)
    ladder = params.ladder
    if edge is not None:
        flag = [_edge(params, columns, row, edge, ladder[before])]
    flags = list(flag) if decision == "missing" or edge is not None else []
    return columns.result(scheme, row, shown, (ladder[before], ladder[after]), decision, flags=flags)


def _edge(params: StarParams, columns: PeriodColumns, row: int, edge: str, level: str) -> str:
    """The flag of a window closing at the ladder's edge, as :meth:`_Run._change` words it: the
    streak's exact scores (the run's, and the month's by the reference's Decimal operations)."""
    kpi, up = params.kpis[0], edge == "top"
    kinds = {spec.key: spec.kind for spec in params.specs}
    values = columns.cards[row]
    actual, target = (parse_value(kinds[key], values[key]) for key in (kpi.actual, kpi.target))
    run = columns.entries[row]["run"]
    streak = [Decimal(s) for s in run["up" if up else "down"]] + [kpi_score(kpi.weight, actual, target)]
    return _edge_flag(window_why(params, up, streak), edge, level)


def kpi_score(weight: Decimal, actual, target) -> Decimal:
    """:func:`~plugins.star_levels.model.month_score` of one KPI without its trace: the same
    Decimal operations on the same parsed values, so the same digits ("1.10" stays "1.10")."""
    total = Decimal(0)
    total += weight * Decimal(actual) / Decimal(target)
    return total
