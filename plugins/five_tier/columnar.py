"""five-tier column-wise (issue 14): the replay state before a period, for whole teams at once.

:meth:`FiveTier.checkpoint_columns` replays the months before the graded period over columns
(:mod:`cstui.engine.columns`): each card's check and exact month score on whole columns, then
the quarterly reviews (exact quarter averages against the bars, tenure for a promotion, the
probation a review starts) quarter by quarter over all employees at once, up to the last
quarter that closed before the month the state is for. When that month closes a quarter, the
quarter's months are replayed per card by the reference (:class:`~plugins.five_tier.model._Run`,
resuming from the level and probation found column-wise), for its review's why and probation
months; otherwise the quarter's Decimal scores so far are the reference's own operations on
the values rebuilt from the columns with their typed decimals
(:func:`cstui.engine.columns.exact_values`: "0.90" stays "0.90"). The period is graded by the
per-card path resuming from that state: results and traces are its own.

The exact comparisons: a review decides on ``Σ score / n`` against a bar ``b = bn / bd``. Month
scores are integers ``S = score x K`` (weighted: ``Σ W·c·V`` with the weights in units of
10^-e, a rate's x100 and the values at the block's largest scale P, so ``K = 10^(e+P+2)``;
bands: the band points summed in units of their smallest decimal, capped), and the review's
``Σ S · bd`` against ``bn · n · K`` is exact in int64 when the products stay below 2^62
(checked; otherwise this path declines). The reference's Decimals are exact too: under the
guards below (weights of at most 4 decimals and at most 100, values of 15 significant digits
and 17 decimals) no sum or product of a score needs more than 28 digits.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from cstui.domain import Employee, Period
from cstui.engine.cards import metric_specs
from cstui.engine.columns import CardColumns, exact_values, fits, fixed, places_known, specs_valid
from cstui.engine.weighted import weighted_sum

from .model import FiveTier, TierParams, _Run
from .month_columns import supported

BAR_LIMIT = 10**6  # review bars (and band edges, points, the cap) below this, of at most 6 decimals
MAX_PLACES = 6
WEIGHT_PLACES = 4  # weights of at most 4 decimals: a weighted score stays within 28 digits


def checkpoint_columns(model: FiveTier, scheme: Any, columns: CardColumns, month: Period) -> dict | None:
    """``{"employees": {id: entry}}`` at the end of ``month`` (the last column), or None to decline."""
    params = model.compiled(scheme)
    valid = _valid_cards(scheme, columns) if _supported(model, scheme, params) else None
    if valid is None:
        return None
    scores = _scores(params, columns, valid)
    if scores is None:
        return None
    starts = _starts(params, columns, valid, month.ordinal)
    if starts is None:
        return None
    reviewed = _reviews(params, columns, valid, scores, starts, _quarter_start(month.ordinal) - 1)
    if reviewed is None or not _rebuildable(params, columns, valid, month):
        return None
    return {"employees": _entries(params, columns, valid, starts, reviewed, month, scores[2])}


def _rebuildable(params: TierParams, columns: CardColumns, valid: np.ndarray, month: Period) -> bool:
    """Whether the weighted scores of ``month``'s quarter up to it can be rebuilt exactly from the
    columns (every valid value's typed decimals known); bands need no value, a review reads cards."""
    if not params.items or month.completes_quarter():
        return True
    quarter = valid.copy()
    quarter[:, : max(_quarter_start(month.ordinal) - columns.first, 0)] = False
    return all(places_known(columns.metrics[item.key], quarter) for item in params.items)


def _supported(model: FiveTier, scheme: Any, params: TierParams) -> bool:
    """The reference unchanged (the class itself, its own methods, nothing but their guards set
    on the instance), no ledger, every scored metric required, bars and weights in range."""
    if not supported(model, scheme, params):
        return False
    bars = [*params.review_bounds, *_band_numbers(params)]
    if not all(_plain(bar, MAX_PLACES) for bar in bars):
        return False
    return all(_plain(item.weight, WEIGHT_PLACES) and item.weight <= 100 for item in params.items)


def _plain(number: Decimal, places: int) -> bool:
    """A finite number below :data:`BAR_LIMIT` with at most ``places`` decimals."""
    return number.is_finite() and abs(number) < BAR_LIMIT and number.as_tuple().exponent >= -places


def _band_numbers(params: TierParams) -> list[Decimal]:
    numbers = [params.cap] if params.cap is not None else []
    for metric in params.bands:
        for band in metric.table.bands:
            numbers += [n for n in (band.low, band.high, band.value) if n is not None]
    return numbers


def _valid_cards(scheme: Any, columns: CardColumns) -> np.ndarray | None:
    """Where a card passes the default card check; None when a field's kind is not modelled here."""
    return specs_valid(metric_specs(scheme), columns)


def _places(columns: CardColumns, keys: list[str], valid: np.ndarray) -> int:
    """The largest scale of the valid cards' values of ``keys``."""
    if not valid.any():
        return 0
    return max(int(columns.metrics[key].scale[valid].max()) for key in keys)


def _scores(params: TierParams, columns: CardColumns, valid: np.ndarray) -> tuple | None:
    """(each valid card's month score x K as int64, K, its bands or None); None when a number does not fit."""
    if params.items:
        return _weighted(params, columns, valid)  # scores as Decimals depend on the texts: read per card
    return _banded(params, columns, valid)


def _weighted(params: TierParams, columns: CardColumns, valid: np.ndarray) -> tuple | None:
    places = _places(columns, [item.key for item in params.items], valid)
    if places > 17:
        return None
    total, bound = np.zeros(valid.shape, np.int64), 0
    for item in params.items:
        factor = int(item.weight.scaleb(WEIGHT_PLACES)) * (100 if item.kind == "rate" else 1)
        bound += factor * (1 if item.kind == "rate" else 100) * 10**places  # a valid value's largest
        if not fits(bound):
            return None
        total += np.where(valid, fixed(columns.metrics[item.key], places), 0) * factor
    return total, 10 ** (WEIGHT_PLACES + places + 2), None


def _banded(params: TierParams, columns: CardColumns, valid: np.ndarray) -> tuple | None:
    """(score x K, K, each card's bands as one number: band index k of metric m x base^m)."""
    points_places = max(-n.as_tuple().exponent for n in [Decimal(0), *_band_numbers(params)])
    base = max(len(metric.table.bands) for metric in params.bands)
    if not fits(base ** len(params.bands)):
        return None
    total, codes = np.zeros(valid.shape, np.int64), np.zeros(valid.shape, np.int64)
    for m, metric in enumerate(params.bands):
        index = _band_index(metric.table, columns.metrics[metric.key], valid)
        if index is None:
            return None
        total += np.array([int(band.value.scaleb(points_places)) for band in metric.table.bands], np.int64)[index]
        codes += index * base**m
    if params.cap is not None:
        total = np.minimum(total, int(params.cap.scaleb(points_places)))
    return np.where(valid, total, 0), 10**points_places, codes


def _band_index(table: Any, column: Any, valid: np.ndarray) -> np.ndarray | None:
    """:meth:`BandTable.band_of` (the band's index) on whole columns."""
    edges = [n for band in table.bands for n in (band.low, band.high) if n is not None]
    places = max(int(column.scale[valid].max(initial=0)), *(-n.as_tuple().exponent for n in edges), 0)
    biggest = int(np.abs(column.units[valid]).max(initial=0))
    if places > 17 or not fits(biggest * 10**places, *(int(e.scaleb(places)) for e in edges)):
        return None
    values = np.where(valid, fixed(column, places), 0)
    index = np.full(valid.shape, len(table.bands) - 1, np.int64)
    for k in range(len(table.bands) - 1, -1, -1):  # best first: the first band that holds the value wins
        band = table.bands[k]
        edge = band.low if table.better == "higher" else band.high
        if edge is None:
            hit = np.ones(valid.shape, bool)
        elif table.better == "higher":
            hit = values >= int(edge.scaleb(places))
        else:
            hit = values <= int(edge.scaleb(places))
        index = np.where(hit, k, index)
    return index


def band_score(params: TierParams, code: int, base: int) -> str:
    """The month score of the bands ``code`` holds, summed and capped as :func:`month_score` does."""
    total = Decimal(0)
    for m, metric in enumerate(params.bands):
        total += metric.table.bands[code // base**m % base].value
    if params.cap is not None and total > params.cap:
        total = params.cap
    return str(total)


def _quarter_start(ordinal: int) -> int:
    return ordinal - ordinal % 3


def _starts(params: TierParams, columns: CardColumns, valid: np.ndarray, last: int) -> dict | None:
    """Each employee's starting level index, hire month and day, first month with a valid card
    and first month replayed (:func:`~plugins.five_tier.model._start`); None for a starting
    level off the ladder."""
    ladder, never = params.ladder, 10**9
    level, hired, day = [], [], []
    for employee in columns.employees:
        key = employee.level or ladder[0]
        if key not in ladder:
            return None
        level.append(ladder.index(key))
        hired.append(Period.of_date(employee.hire_date).ordinal)
        day.append(employee.hire_date.day)
    any_card = valid.any(axis=1)
    first_index = valid.argmax(axis=1) if columns.months else np.zeros(len(any_card), np.int64)
    first_card = np.where(any_card, columns.first + first_index, never)
    hired_at = np.array(hired, np.int64)
    start = np.maximum(hired_at, first_card - first_card % 3)
    start = np.where(any_card, start, never)
    return {
        "level": np.array(level, np.int64),
        "hired": hired_at,
        "day": np.array(day, np.int64),
        "first_card": first_card,
        "start": start,
        "started": start <= last,
    }


def _reviews(
    params: TierParams, columns: CardColumns, valid: np.ndarray, scores: tuple, starts: dict, last: int
) -> dict | None:
    """:meth:`_Run._review` over every employee at once, each quarter closing by ``last``:
    the level index and the last review that started a probation (or -1)."""
    score, scale = scores[:2]
    bars = [bar.as_integer_ratio() for bar in params.review_bounds]
    biggest = 3 * int(np.abs(score).max(initial=0))
    if not fits(*(biggest * d for _, d in bars), *(n * 3 * scale for n, _ in bars)):
        return None
    level, start = starts["level"].copy(), starts["start"]
    probation_at = np.full(len(level), -1, np.int64)
    needed = np.array([params.min_tenure.get(key, 0) for key in params.ladder[1:]] + [0], np.int64)
    first_end = _quarter_start(columns.first) + 2
    for end in range(first_end, last + 1, 3):
        total, count = np.zeros(len(level), np.int64), np.zeros(len(level), np.int64)
        for month in range(end - 2, end + 1):
            j = month - columns.first
            if 0 <= j < columns.months:
                present = valid[:, j] & (month >= start)
                total += np.where(present, score[:, j], 0)
                count += present
        reviewed = (start <= end) & (count > 0)
        (pn, pd), (dn, dd), (bn, bd) = bars  # promote_above, demote_below, probation_below
        up = reviewed & (total * pd > pn * count * scale)
        low = total * dd < dn * count * scale  # a step down; below probation_below also probation
        floor = total * bd < bn * count * scale
        tenure = _tenure(starts, end + 1)
        promote = up & (level + 1 < len(params.ladder)) & (tenure >= needed[level])
        down = reviewed & ~up & low
        probation = reviewed & ~up & floor
        level = np.where(promote, level + 1, np.where(down & (level > 0), level - 1, level))
        probation_at = np.where(probation, end, probation_at)
    return {"level": level, "probation_at": probation_at}


def _tenure(starts: dict, effective: int) -> np.ndarray:
    """:func:`cstui.engine.tenure.complete_months` to the first day of month ``effective``: the
    month's anniversary is still to come on its first day unless hired on a 1st."""
    months = effective - starts["hired"]
    return np.maximum(months - ((months > 0) & (starts["day"] > 1)), 0)


def _entries(
    params: TierParams, columns: CardColumns, valid: np.ndarray, starts: dict, reviewed: dict, month: Period, codes
) -> dict[str, dict]:
    """Each employee's checkpoint entry, as :meth:`ReplayModel._replay` keeps it: the months of
    ``month``'s quarter from the state found column-wise, by the reference's own code."""
    last, review = month.ordinal, month.completes_quarter()
    quarter = _quarter_start(last)
    if review:  # cards to replay
        _read_quarter(columns, valid, starts, quarter, last)
    scores = _QuarterScores(params, columns, codes, valid)
    entries = {}
    for i, employee in enumerate(columns.employees):
        if not starts["started"][i]:
            entries[employee.id] = _unstarted(employee, starts, i)
            continue
        first = max(int(starts["start"][i]), quarter)
        months = [o for o in range(first, last + 1) if o >= columns.first and valid[i, o - columns.first]]
        if review:  # the quarter's review: the reference's run decides it, with its why
            recent = columns.recent.get(employee.id, {})
            cards = {Period.from_ordinal(o): recent[Period.from_ordinal(o)] for o in months}
            entries[employee.id] = _reviewed_entry(params, employee, starts, reviewed, i, month, cards)
        else:  # no review, no override: the level and probation stand; the scores are the reference's
            run = {
                "level": params.ladder[int(reviewed["level"][i])],
                "scores": {str(Period.from_ordinal(o)): scores.of(i, employee.id, o) for o in months},
                "probation": _probation(params, reviewed, i, last + 1),
                "pending_why": None,
            }
            entries[employee.id] = {"level": run["level"], "timeline": [], "run": run}
    return entries


class _QuarterScores:
    """A month score as the state keeps it (its Decimal's text): weighted, the reference's
    :func:`weighted_sum` (what :func:`month_score` returns untraced) of the values rebuilt from
    the columns with their typed decimals; with bands, from the card's bands (the sum of their
    points' Decimals)."""

    def __init__(self, params: TierParams, columns: CardColumns, codes: np.ndarray | None, valid: np.ndarray):
        self.params, self.columns, self.codes, self.valid, self.known = params, columns, codes, valid, {}
        self.base = max((len(metric.table.bands) for metric in params.bands), default=0)
        self.weighted: dict[int, dict[int, str]] = {}  # month column -> {row: score}

    def of(self, i: int, employee_id: str, ordinal: int) -> str:
        if self.codes is None:
            j = ordinal - self.columns.first
            month = self.weighted.get(j)
            if month is None:
                month = self.weighted[j] = self._weighted_month(j)
            return month[i]
        code = int(self.codes[i, ordinal - self.columns.first])
        found = self.known.get(code)
        if found is None:
            found = self.known[code] = band_score(self.params, code, self.base)
        return found

    def _weighted_month(self, j: int) -> dict[int, str]:
        """{row: score} of every valid card of month column ``j``."""
        rows = np.flatnonzero(self.valid[:, j])
        kinds = {spec.key: spec.kind for spec in self.params.specs}
        items = self.params.items
        values = [exact_values(kinds[item.key], self.columns.metrics[item.key], rows, j) for item in items]
        scores = {}
        for n, i in enumerate(rows.tolist()):
            scores[i] = str(weighted_sum(items, {item.key: values[k][n] for k, item in enumerate(items)}))
        return scores


def _reviewed_entry(
    params: TierParams, employee: Employee, starts: dict, reviewed: dict, i: int, month: Period, cards: dict
) -> dict:
    """The reference's run over the months of ``month``'s quarter, ``month`` closing it."""
    quarter = _quarter_start(month.ordinal)
    begin = max(int(starts["start"][i]), quarter)
    explain_from = month.next()  # nothing of these months is reported
    if begin > quarter:  # started in the quarter: afresh, as the reference begins
        run = _Run(params, employee, params.ladder[int(starts["level"][i])], explain_from)
    else:
        level = params.ladder[int(reviewed["level"][i])]
        state = {
            "level": level,
            "scores": {},
            "probation": _probation(params, reviewed, i, quarter),
            "pending_why": None,
        }
        run = _Run.restore(params, employee, state, explain_from)
    for ordinal in range(begin, month.ordinal + 1):
        at = Period.from_ordinal(ordinal)
        run.month(at, cards.get(at), None)
    return {"level": run.level, "timeline": [], "run": run.state()}


def _probation(params: TierParams, reviewed: dict, i: int, since: int) -> list[str]:
    """The probation months from ``since`` on that the last review starting a probation set."""
    at = int(reviewed["probation_at"][i])
    if at < 0:
        return []
    return [str(Period.from_ordinal(m)) for m in range(max(at + 1, since), at + params.probation_months + 1)]


def _unstarted(employee: Employee, starts: dict, i: int) -> dict:
    """:meth:`FiveTier.unstarted`: no valid card yet, or hired after the month with an earlier card."""
    if starts["first_card"][i] < 10**9:
        return {"start": str(Period.from_ordinal(int(starts["hired"][i])))}
    return {}


def _read_quarter(columns: CardColumns, valid: np.ndarray, starts: dict, quarter: int, last: int) -> None:
    """The cards of the quarter's months not read with the columns, for those who need them."""
    for ordinal in range(quarter, last + 1):
        j = ordinal - columns.first
        month = Period.from_ordinal(ordinal)
        if j < 0 or columns.older is None:
            continue
        wanted = [
            e.id
            for i, e in enumerate(columns.employees)
            if valid[i, j] and starts["started"][i] and month not in columns.recent.get(e.id, {})
        ]
        if wanted:
            columns.older(month, wanted)
