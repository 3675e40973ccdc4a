"""five-tier's resumed month column-wise (issue 14): a team's month at once from the state at its start.

:meth:`FiveTier.grade_columns` grades the month after a checkpoint (a stored one, or the state
:func:`plugins.five_tier.columnar.checkpoint_columns` computed) for every row it can, from
:class:`cstui.engine.period_columns.PeriodColumns`: no ``Scorecard`` parse, ``_Run`` restore,
``MonthState`` or trace per row. :meth:`_Run.month` (with ``_probation_month``, ``_review`` and
``_decide``) stays the reference; a property test (tests/engine/test_five_month_columns.py)
holds the two to the same results, for both schemes the model runs (five-tier, ecommerce-kpi).

Every number that decides or is shown is made by the reference's own Decimal operations, in the
same order, on the same parsed values: a weighted score is ``Σ weight x item score`` from 0,
then / 100 (:func:`~cstui.engine.weighted.weighted_sum`), a banded one the bands' points summed
from 0 and capped, a review's total of the quarter's scores summed from 0 against bar x count
(as :class:`~cstui.engine.exact.Mean` compares). So the digits agree
by construction ("0.90" scores 18.00, not 18), with no bound on the numbers to check. What is
saved is the per-card path's work around them: each distinct text's term or band is found once
(cards repeat a few hundred values), and a row is a few additions, a bonus look-up and a
``Result``.

No numpy here (a resumed month's start-up does not pay its import).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cstui.domain import Period, Result
from cstui.domain.values import HUNDRED
from cstui.engine.cards import is_blank, metric_specs, parse_value
from cstui.engine.period_columns import PeriodColumns, entry_runs, unpatched
from cstui.engine.replay import line  # there: where the "flag.*" templates are registered
from cstui.engine.tenure import complete_months
from cstui.engine.weighted import item_score

from .model import REFERENCE_METHODS, FiveTier, TierParams
from .month_scaled import MAX_PARTS, STORED, exact_context, marks, part_of, scaled_bars, stored_score

NO_CARD = False  # a row's month score when it has no card (None: left to the per-card path)
MEMO_LIMIT = 100_000  # distinct (rule, text) pairs remembered: far above what a company's cards repeat


def supported(model: FiveTier, scheme: Any, params: TierParams) -> bool:
    """The reference unchanged (the class itself, its own methods, nothing but their guards set
    on the instance), no ledger, a ladder, every scored metric required (a card that passes the
    check has each of them)."""
    if not unpatched(model, FiveTier) or "ledger" in scheme.params or not params.ladder:
        return False
    if any(getattr(FiveTier, name, None) is not method for name, method in REFERENCE_METHODS.items()):
        return False
    required = {spec.key for spec in metric_specs(scheme) if spec.required}
    scored = {item.key for item in params.items} | {band.key for band in params.bands}
    # the review's bars Decimals, as compiled: then a Mean compares its total with bar x count
    return scored <= required and all(type(bar) is Decimal for bar in params.review_bounds)


def grade_columns(model: FiveTier, scheme: Any, columns: PeriodColumns, explain: bool) -> dict[int, Result] | None:
    """{row: its Result, unranked} for the rows done; None: the team is left to the per-card
    path (traces asked for, a quarter, a scheme or model this does not model)."""
    if explain or not columns.period.is_month:
        return None  # traces are the reference's to build
    params = model.compiled(scheme)
    if not supported(model, scheme, params):
        return None
    period = columns.period
    month = str(period)  # the run's probation months are texts: the period's made once a team
    review = _Quarter(params, period) if period.completes_quarter() else None
    results = {}
    for i, (mark, run, plain) in enumerate(
        zip(month_marks(params, columns), entry_runs(columns.entries), columns.plain, strict=True)
    ):
        if mark is None or run is None or not plain or run.get("level") not in params.ladder:
            continue
        if type(run.get("probation")) is not list:  # a state not as the model writes it: the reference's to judge
            continue
        if mark is NO_CARD or run["probation"]:
            score, pay = (NO_CARD, None) if mark is NO_CARD else (mark[0], mark[2])
            decision, flags = _month(params, period, run, score, month)
        else:  # _month's usual row: a score, no probation
            score, pay, decision, flags = mark[0], mark[2], "none", []
        after = level = run["level"]
        if review is not None:
            after, decision = _reviewed(params, review, columns.employees[i], run, mark, flags)
        shown = None if score is NO_CARD else score
        results[i] = columns.result(scheme, i, shown, (level, after), decision, pay_delta=pay, flags=flags)
    return results


def month_marks(params: TierParams, columns: PeriodColumns) -> list:
    """Each row's (month score, it x 10^SCALE_PLACES or None, its bonus), NO_CARD, or None (left
    to the per-card path); by scaled integers (month_scaled.py) where the context keeps them
    exact, else by :func:`month_scores`' Decimals."""
    rules = params.items if params.items else params.bands
    if not exact_context() or len(rules) > MAX_PARTS:
        scores = month_scores(params, columns)
        return [s if s is None or s is NO_CARD else (s, None, params.bonus.lookup(s)) for s in scores]
    kinds, make = {spec.key: spec.kind for spec in params.specs}, _terms if params.items else _bands
    parts = [_column(columns, rule.key, rule, part_of(make(rule, kinds[rule.key])), "scaled") for rule in rules]
    found = marks(params, parts, _memo(params, "marks"))
    return [
        NO_CARD if values is None else (mark if checked else None)
        for values, checked, mark in zip(columns.cards, columns.checked(), found, strict=True)
    ]


def month_scores(params: TierParams, columns: PeriodColumns) -> list:
    """Each row's month score (the reference's Decimal), NO_CARD, or None (left to the per-card
    path: a card the check refused or gave no verdict on, a value that does not parse)."""
    if params.items:
        return row_scores(params, columns, _terms, _weighted)
    return row_scores(params, columns, _bands, lambda row: _banded(params, row))


def row_scores(params: TierParams, columns: PeriodColumns, make: Any, score: Any, what: str = "") -> list:
    """Each row's ``score(row)`` of what ``make(rule, kind)`` makes of each item's (or band
    metric's) text, NO_CARD, or None (left to the per-card path: a card the check refused or
    gave no verdict on, a value that does not parse); ``what``: which memo of the texts
    :func:`_column` keeps ("": the dry run's)."""
    kinds = {spec.key: spec.kind for spec in params.specs}
    rules = params.items if params.items else params.bands
    parts = [_column(columns, rule.key, rule, make(rule, kinds[rule.key]), what) for rule in rules]
    # a row some value of which is None (none, or refused) is left to the per-card path
    lacking = {i for part in parts for i, made in enumerate(part) if made is None}
    scores: list = []
    for i, (values, checked, row) in enumerate(zip(columns.cards, columns.checked(), zip(*parts), strict=True)):
        if values is None:
            scores.append(NO_CARD)
        elif not checked or i in lacking:
            scores.append(None)
        else:
            scores.append(score(row))
    return scores


def _weighted(terms: tuple) -> Decimal:
    """:func:`~cstui.engine.weighted.weighted_sum`: the terms summed from 0 in the items' order, / 100."""
    total = Decimal(0)
    for term in terms:
        total += term
    return total / HUNDRED


def _banded(params: TierParams, bands: tuple) -> Decimal:
    """:func:`~plugins.five_tier.model.month_score`'s banded total: the points summed from 0, capped."""
    total = Decimal(0)
    for band in bands:
        total += band.value
    if params.cap is not None and total > params.cap:
        total = params.cap
    return total


def _column(columns: PeriodColumns, key: str, rule: Any, make: Any, what: str = "") -> list:
    """Each row's ``make(text)`` of metric ``key`` (None where the row has no card or it
    fails), each distinct stored text made once per ``rule`` (and ``what`` it makes) and remembered."""
    memo, cards = _memo(rule, what), columns.cards
    # the texts read and looked up in one pass (columns.texts, then the memo: two passes a row)
    found = [
        None if values is None else memo.get(raw) if type(raw := values.get(key)) is str else None for values in cards
    ]
    if None not in found:  # every text known (the usual team): no second pass
        return found
    for i in [i for i, made in enumerate(found) if made is None]:  # `is`: no Decimal's __eq__
        raw = None if cards[i] is None else cards[i].get(key)
        if raw is not None:
            made = found[i] = make(raw)
            if type(raw) is str and made is not None:
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[raw] = made
    return found


# each rule's memo of {text: what it makes of it}, by the rule's object (an item or a band
# metric of a compiled scheme, kept alive here so its id is never another's): equal rules are
# not shared, as 20 and 20.0 are equal weights that make different digits
_MEMOS: dict[tuple[int, str], tuple[Any, dict]] = {}


def _memo(rule: Any, what: str = "") -> dict:
    """The memo of ``rule`` for ``what`` it makes ("": the dry run's terms and bands)."""
    known = _MEMOS.get((id(rule), what))
    if known is None or known[0] is not rule:
        if len(_MEMOS) > 256:
            _MEMOS.clear()
        known = _MEMOS[(id(rule), what)] = (rule, {})
    return known[1]


def _terms(item: Any, kind: str) -> Any:
    """A text's weighted term, ``weight x item score``, as :func:`weighted_sum` makes it."""

    def term(raw: object) -> Decimal | None:
        value = _parsed(kind, raw)
        return None if value is None else item.weight * item_score(item, value)

    return term


def _bands(metric: Any, kind: str) -> Any:
    """A text's band of ``metric``'s table (:meth:`BandTable.band_of` on the parsed value)."""

    def band(raw: object) -> Any:
        value = _parsed(kind, raw)
        return None if value is None else metric.table.band_of(value)

    return band


def _parsed(kind: str, raw: object) -> Any:
    """The value :func:`~cstui.engine.replay.parse_card` reads (None: blank, or refused)."""
    if is_blank(raw):
        return None
    try:
        return parse_value(kind, raw)
    except Exception:  # noqa: BLE001  (a text the parser refuses: the per-card path words it)
        return None


def _month(params: TierParams, period: Period, run: dict, score: Any, month: str) -> tuple[str, list]:
    """:meth:`_Run.month` without an override, a review or a trace: (decision, flags); ``month``: ``str(period)``."""
    flags: list = []
    if month in run["probation"]:  # _probation_month
        if score is NO_CARD:
            decision = "missing"
            flags.append(line("five-tier.missing_probation_flag", month=period))
        elif score < params.dismissal_below:
            decision = "dismissal-review"
            flags.append(line("flag.dismissal_review"))
        else:
            decision = "none"
    elif score is NO_CARD:
        decision = "missing"
        flags.append(line("flag.missing", month=period))
    else:
        decision = "none"
    return decision, flags


class _Quarter:
    """A review month's quarter, worked out once per team: each month's text (the run's key),
    the first day of the month after it (an employee hired on or after it was not yet there),
    whether it is the month graded; the day a new tier takes effect; and each bar x the count
    of months present (the :class:`Mean`'s own comparison: its total against bar x count)."""

    def __init__(self, params: TierParams, period: Period):
        self.period = period  # the month graded
        self.months = [(str(m), m.next().first_day, m == period, m) for m in period.quarter.months()]
        self.effective = period.next().first_day
        self.bars = {n: [bar * n for bar in params.review_bounds] for n in range(1, len(self.months) + 1)}
        self.scaled = scaled_bars(self.bars)  # the same at SCALE_PLACES (None: the Decimal way)
        # hired before the quarter's first month ends: every month counts (most rows)
        self.first_ends, self.others = self.months[0][1], [text for text, _, graded, _ in self.months if not graded]


def quarter_scores(
    quarter: _Quarter, hired: Any, stored: dict, score: Any, scored: bool
) -> tuple[list[Decimal], list[Period]]:
    """The quarter's months from the hire month on (hired before the month ends): the scores
    there are, in month order (the graded month's own when ``scored``, else the run's as
    restored: their Decimals from the stored texts), and the months with none."""
    present, missing = [], []
    for text, ends, graded, month in quarter.months:
        if hired >= ends:
            continue
        if graded and scored:
            present.append(score)
        elif text in stored:
            present.append(Decimal(stored[text]))
        else:
            missing.append(month)
    return present, missing


def flag_missing(months: list, flags: list, make: Callable = line) -> None:
    """The quarter's months without a score, each flagged missing once in ``flags`` (as
    :meth:`_Run._review` flags them); ``make``: how a line is made (``shared_line`` for an apply's)."""
    for month in months:
        flag = make("flag.missing", month=month)
        if flag not in flags:
            flags.append(flag)


def _review(
    params: TierParams, quarter: _Quarter, employee: Any, run: dict, score: Any, flags: list
) -> tuple[str, str]:
    """:meth:`_Run._review` and :meth:`_Run._decide` without a trace: (level after, decision);
    its flags added to ``flags``. The quarter's scores are the run's (as restored: their
    Decimals from the stored texts) with the month's own, summed from 0 as :meth:`Mean.of` sums."""
    present, missing = quarter_scores(quarter, employee.hire_date, run["scores"], score, score is not NO_CARD)
    flag_missing(missing, flags)
    if not present:
        return run["level"], "missing"
    total = sum(present, Decimal(0))
    return _decide(params, quarter, employee, run["level"], total, quarter.bars[len(present)], flags)


def _decide(
    params: TierParams, quarter: _Quarter, employee: Any, level: str, total: Decimal, bars: list, flags: list
) -> tuple[str, str]:
    """:meth:`_Run._decide` (with ``_promote`` and ``_step_down``) on the quarter's ``total``
    against ``bars`` (promote_above, demote_below, probation_below, each x the count): (level
    after, decision)."""
    ladder, (promote_above, demote_below, probation_below) = params.ladder, bars
    at = ladder.index(level)
    if total > promote_above:
        if at + 1 >= len(ladder):
            return level, "stay"
        new = ladder[at + 1]
        # complete months of service up to the day the new tier would take effect
        if complete_months(employee.hire_date, quarter.effective) < params.min_tenure.get(new, 0):
            flags.append(line("flag.eligible"))
            return level, "eligible"
        return new, "promote"
    if total >= demote_below:
        return level, "stay"
    if total >= probation_below:
        return (level, "stay") if at == 0 else (ladder[at - 1], "demote")
    flags.append(line("flag.probation"))
    return (level if at == 0 else ladder[at - 1]), "probation"


def _reviewed(
    params: TierParams, quarter: _Quarter, employee: Any, run: dict, mark: Any, flags: list
) -> tuple[str, str]:
    """:func:`_review` of the row's mark: in scaled integers when the month's score and the bars
    have them (month_scaled.py), else, or for a stored score that is not such a number, by Decimals."""
    scored = mark is not NO_CARD
    if quarter.scaled is None or (scored and mark[1] is None):
        return _review(params, quarter, employee, run, mark[0] if scored else NO_CARD, flags)
    stored, hired = run["scores"], employee.hire_date
    if scored and hired < quarter.first_ends:  # the usual row: every month in, each stored score known
        total = mark[1]
        for text in quarter.others:
            raw = stored.get(text)
            value = STORED.get(raw) if type(raw) is str else None
            if value is None:
                break  # missing, or a text not met yet: the loop below
            total += value
        else:
            return _decide(params, quarter, employee, run["level"], total, quarter.scaled[len(quarter.months)], flags)
    total, count, missing = 0, 0, []
    for text, ends, graded, month in quarter.months:  # quarter_scores, as integers
        if hired >= ends:
            continue
        if graded and scored:
            total += mark[1]
        elif text in stored:
            value = stored_score(stored[text])
            if value is None:
                return _review(params, quarter, employee, run, mark[0] if scored else NO_CARD, flags)
            total += value
        else:
            missing.append(month)
            continue
        count += 1
    flag_missing(missing, flags)
    if not count:
        return run["level"], "missing"
    return _decide(params, quarter, employee, run["level"], total, quarter.scaled[count], flags)
