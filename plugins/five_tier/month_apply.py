"""five-tier's resumed month column-wise for ``--apply`` (issue 14): each row's Result with its
trace, and its checkpoint entry, a team at once.

:meth:`FiveTier.apply_columns` is :func:`~plugins.five_tier.month_columns.grade_columns` with
what the apply keeps: the trace :meth:`_Run.month` writes when the month is explained (the
score's lines, the bonus, a probation month's, a review's), and the entry
:meth:`ReplayModel._replay` saves (``level``, the stored ``timeline`` with the month's change,
``run``: :meth:`_Run.state`). :meth:`_Run.month` stays the reference; a property test
(tests/engine/test_five_month_apply.py) holds the two to the same results, traces (text, key,
arguments, in order), flags and checkpoint entries.

Most lines depend on a few values only: an item's line on the item and its text, the score's
on the score, a flag on its month. Each distinct one is made once (per text in the column memos
month_columns.py keeps, per score or month in :func:`~cstui.engine.period_columns.shared_line`) and marked shared, so the
apply's stored form encodes it once too (cstui.store.periods.lines_json). A review's lines
(its quarter's scores and average) are each row's own, made as the reference makes them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cstui.domain import Employee, Period, Result
from cstui.domain.texts import Line, from_json, joined, line, to_json
from cstui.domain.values import HUNDRED, format_number
from cstui.engine.bonus import bonus_for
from cstui.engine.bonus import bounds as bonus_bounds
from cstui.engine.exact import Mean, side_text
from cstui.engine.period_columns import PeriodColumns, shared_line
from cstui.engine.replay import ReplayReference, month_span, text
from cstui.engine.tenure import complete_months
from cstui.engine.weighted import item_score, shared_item_line

from .model import FiveTier, TierParams, band_line
from .month_columns import (
    NO_CARD,
    _column,
    _memo,
    _parsed,
    _Quarter,
    flag_missing,
    quarter_scores,
    row_scores,
    supported,
)
from .month_scaled import (
    MAX_PARTS,
    SCALE_PLACES,
    STORED,
    STORED_KEPT,
    exact_context,
    part,
    scaled,
    stored_score,
    total_of,
)

SHARED_LIMIT = 65_536  # distinct scores whose line is remembered (per bonus table)

# the replay's methods whose checkpoint entry this path makes, as the class has them when loaded
APPLY_REFERENCE = ReplayReference(FiveTier, ("grade_and_checkpoint", "_grade", "_replay", "_stored_timeline"))


def apply_columns(model: FiveTier, scheme: Any, columns: PeriodColumns) -> dict[int, tuple[Result, dict]] | None:
    """{row: (its Result with its trace, unranked; its checkpoint entry)} for the rows done;
    None: the team is left to the per-card path (a quarter, a scheme or model not modelled)."""
    if not columns.period.is_month:
        return None
    params = model.compiled(scheme)
    if not supported(model, scheme, params) or not APPLY_REFERENCE.holds():
        return None
    period, made = columns.period, traced_scores(params, columns)
    quarter = _Quarter(params, period) if period.completes_quarter() else None
    if quarter is not None and not exact_context():
        quarter.scaled = None  # a context that may round a review's sum: the Decimal way
    done = {}
    for i, (score, entry, plain) in enumerate(zip(made, columns.entries, columns.plain, strict=True)):
        run = entry.get("run") if entry else None
        if score is None or run is None or not plain or run.get("level") not in params.ladder:
            continue
        if not entry.get("timeline"):  # a state no apply stores (the dry run's column-wise replay)
            continue
        done[i] = _row(scheme, params, columns, i, score, entry, quarter)
    return done


def traced_scores(params: TierParams, columns: PeriodColumns) -> list:
    """Each row's (score, its lines with the bonus's, bonus, the score x 10^SCALE_PLACES or None,
    its text as a review's parts show it or None), NO_CARD, or None (left to the per-card path:
    a card the check refused, a value that does not parse): :func:`month_score` explained, then
    :func:`bonus_for`; by scaled integers (:func:`traced_marks`) where the context keeps them
    exact, else by Decimals."""
    rules = params.items if params.items else params.bands
    if exact_context() and len(rules) <= MAX_PARTS:
        return traced_marks(params, columns)
    return row_scores(params, columns, _item_term if params.items else _band_made, _scorer(params), "traced")


def _scorer(params: TierParams) -> Any:
    """A row's (score, lines, bonus, None, None) from its (term or band, line) pairs, by Decimals."""
    bounds = bonus_bounds(params.bonus)

    def scored(row: tuple) -> tuple:
        total, lines = _weighted(row, bounds) if params.items else _banded(params, row)
        bonus, bonus_line = bonus_for(params.bonus, total)
        lines.append(bonus_line)
        return total, lines, bonus, None, None

    return scored


def traced_marks(params: TierParams, columns: PeriodColumns) -> list:
    """:func:`traced_scores` in scaled integers (month_scaled.py): each distinct text's part
    (its term / 100, or band's points, and line) made once; a row is an integer sum, its score,
    bonus, their lines and texts made once per distinct (sum, least exponent) and shared. A row
    with a part that is no such number goes the Decimal way."""
    kinds, make = {spec.key: spec.kind for spec in params.specs}, _item_term if params.items else _band_made
    rules = params.items if params.items else params.bands
    parts = [
        _column(columns, rule.key, rule, _traced_part(make(rule, kinds[rule.key])), "traced-scaled") for rule in rules
    ]
    memo, scored = _memo(params, "traced-marks"), _scorer(params)
    out: list = []
    for values, checked, row in zip(columns.cards, columns.checked(), zip(*parts), strict=True):
        if values is None:
            out.append(NO_CARD)
            continue
        if not checked or None in row:
            out.append(None)
            continue
        units, least = 0, 0
        for made in row:
            if made[0] is None:
                break
            units += made[0]
            if made[1] < least:
                least = made[1]
        else:
            mark = memo.get((units, least))
            if mark is None:
                mark = _remember(memo, (units, least), _traced_mark(params, units, least))
            out.append((mark[0], [made[2] for made in row] + mark[3], mark[1], mark[2], mark[4]))
            continue
        out.append(scored([made[3] for made in row]))
    return out


def _traced_part(make: Any) -> Any:
    """``make(text)``'s (term or band, line) as (units, least exponent, line, what ``make`` made);
    (None, None, line, made) when the number is no :func:`part`."""

    def made(raw: object) -> tuple | None:
        found = make(raw)
        if found is None:
            return None
        scaled_part = part(getattr(found[0], "value", found[0]))
        if scaled_part is None:
            return None, None, found[1], found
        return scaled_part[0], scaled_part[1], found[1], found

    return made


def _traced_mark(params: TierParams, units: int, least: int) -> tuple:
    """(score, bonus, its x 10^SCALE_PLACES or None, the score's and bonus's lines, its text) of
    parts summing to ``units`` at ``least``: the reference's Decimal operations on their total."""
    total = total_of(units, least)
    if params.items:  # the terms were each / 100 already (weighted_total)
        lines = [_score_line(total, bonus_bounds(params.bonus))]
    else:
        lines = []
        if params.cap is not None and total > params.cap:
            capped = dict(score=format_number(total), cap=format_number(params.cap))
            lines.append(shared_line("five-tier.capped", **capped))
            total = params.cap
        lines.append(shared_line("five-tier.score", score=format_number(total)))
    bonus, bonus_line = bonus_for(params.bonus, total)
    lines.append(bonus_line)
    return total, bonus, scaled(total, SCALE_PLACES), lines, format_number(total)


def _item_term(item: Any, kind: str) -> Any:
    """A text's (term, line) as :func:`weighted_total` makes them: weight x item score / 100."""

    def term(raw: object) -> tuple | None:
        value = _parsed(kind, raw)
        if value is None:
            return None
        return item.weight * item_score(item, value) / HUNDRED, shared_item_line(item, value)

    return term


def _band_made(metric: Any, kind: str) -> Any:
    """A text's (band, line) as :func:`month_score` makes them."""

    def made(raw: object) -> tuple | None:
        value = _parsed(kind, raw)
        if value is None:
            return None
        band = metric.table.band_of(value)
        return band, band_line(metric, band, value)

    return made


def _weighted(row: tuple, bounds: tuple) -> tuple[Decimal, list]:
    total = Decimal(0)
    for term, _ in row:
        total += term
    lines = [item_line for _, item_line in row]
    lines.append(_score_line(total, bounds))
    return total, lines


def _score_line(total: Decimal, bounds: tuple) -> Line:
    """The weighted score's line, remembered per bonus table's bounds and the score's own text
    (its sign, digits and exponent: one text is one value, so one line; a fresh Decimal's
    hash costs more than its text)."""
    key = (id(bounds), str(total))
    known = _SCORE_LINES.get(key)
    if known is not None and known[0] is bounds:
        return known[1]
    made = shared_line("five-tier.score", score=side_text(total, *bounds))
    if len(_SCORE_LINES) >= SHARED_LIMIT:
        _SCORE_LINES.clear()
    _SCORE_LINES[key] = (bounds, made)
    return made


_SCORE_LINES: dict[tuple[int, str], tuple[tuple, Line]] = {}


def _banded(params: TierParams, row: tuple) -> tuple[Decimal, list]:
    total, lines = Decimal(0), []
    for band, band_text in row:
        total += band.value
        lines.append(band_text)
    if params.cap is not None and total > params.cap:
        lines.append(line("five-tier.capped", score=format_number(total), cap=format_number(params.cap)))
        total = params.cap
    lines.append(shared_line("five-tier.score", score=format_number(total)))
    return total, lines


class _Month:
    """One row's month as :class:`MonthState` keeps it, and what its run holds after it."""

    __slots__ = ("level", "after", "decision", "flags", "trace", "probation", "pending_why")

    def __init__(self, level: str, trace: list):
        self.level = self.after = level
        self.decision, self.flags, self.trace = "none", [], trace
        self.probation: list[Period] | None = None  # set anew by a review's probation
        self.pending_why: Line | None = None


def _row(
    scheme: Any, params: TierParams, columns: PeriodColumns, i: int, made: Any, entry: dict, quarter: Any
) -> tuple[Result, dict]:
    """:meth:`_Run.month` of a plain row resumed from ``entry``, explained: its Result and entry."""
    employee, period, run = columns.employees[i], columns.period, entry["run"]
    score, pay = (None, None) if made is NO_CARD else (made[0], made[2])
    month = _Month(run["level"], [] if made is NO_CARD else made[1])  # each row's own list
    if str(period) in run["probation"]:
        _probation_month(params, period, score, month)
    elif score is None:
        month.decision = "missing"
        month.flags.append(shared_line("flag.missing", month=period))
        month.trace.append(shared_line("model.no_card", month=period))
    if quarter is not None:
        _review(params, quarter, period, employee, run, made, month)
    # its flags and trace are texts already (make_result would make Laters of them)
    levels = (month.level, month.after)
    result = columns.result(
        scheme, i, score, levels, month.decision, pay_delta=pay, flags=month.flags, trace=month.trace
    )
    return result, _entry(period, entry, score, month)


def _probation_month(params: TierParams, period: Period, score: Decimal | None, month: _Month) -> None:
    """:meth:`_Run._probation_month`, explained."""
    limit = format_number(params.dismissal_below)
    if score is None:
        month.decision = "missing"
        month.flags.append(shared_line("five-tier.missing_probation_flag", month=period))
        month.trace.append(shared_line("five-tier.probation_no_card", month=period))
        return
    shown = side_text(score, params.dismissal_below)
    if score < params.dismissal_below:
        month.decision = "dismissal-review"
        month.flags.append(shared_line("flag.dismissal_review"))
        month.trace.append(shared_line("five-tier.probation_failed", score=shown, limit=limit))
    else:
        month.trace.append(shared_line("five-tier.probation_passed", score=shown, limit=limit))


def _review(
    params: TierParams, quarter: _Quarter, period: Period, employee: Employee, run: dict, made: Any, month: _Month
) -> None:
    """:meth:`_Run._review`, explained: the quarter's months from the hire month on, those with a
    score averaged (the run's, as restored, and the month's own), the others flagged missing;
    in scaled integers where the bars, the month's score and the stored ones have them (the
    average's text made once per total and count), else by Decimals."""
    scored = made is not NO_CARD
    found = None
    if quarter.scaled is not None and (not scored or made[3] is not None):
        found = _scaled_quarter(quarter, employee.hire_date, run["scores"], made)
    if found is None:
        _review_decimal(params, quarter, period, employee, run, made[0] if scored else None, month)
        return
    total, count, parts, missing = found
    flag_missing(missing, month.flags, shared_line)
    if not count:
        month.decision = "missing"
        month.trace.append(shared_line("five-tier.no_card_quarter", quarter=period.quarter))
        return
    shown = _shown(params, total, count)
    verdict = _verdict(total, *quarter.scaled[count])
    _average_line(period, " + ".join(parts), count, missing, shown, month)
    _decide(params, quarter, employee, verdict, shown, month)


def _scaled_quarter(quarter: _Quarter, hired: Any, stored: dict, made: Any) -> tuple | None:
    """:func:`quarter_scores` as integers: (the scores' total x 10^SCALE_PLACES, their count,
    each score's text as the parts show it, the months with none); None: a stored score that
    is no such number (the Decimal way)."""
    total, count, parts, missing = 0, 0, [], []
    for name, ends, graded, month in quarter.months:
        if hired >= ends:
            continue
        if graded and made is not NO_CARD:
            total += made[3]
            parts.append(made[4])
        elif name in stored:
            raw = stored[name]
            value = STORED.get(raw) if type(raw) is str else None
            if value is None and (value := stored_score(raw)) is None:
                return None
            total += value
            parts.append(_shown_stored(raw))
        else:
            missing.append(month)
            continue
        count += 1
    return total, count, parts, missing


def _shown_stored(raw: str) -> str:
    """A stored score's text as the review's parts show it (``format_number`` of its Decimal), each text once."""
    known = _SHOWN_STORED.get(raw)
    return known if known is not None else _remember(_SHOWN_STORED, raw, format_number(Decimal(raw)))


def _remember(memo: dict, key: Any, made: Any) -> Any:
    """``made``, kept in ``memo`` under ``key`` (the memo emptied first when it holds STORED_KEPT)."""
    if len(memo) >= STORED_KEPT:
        memo.clear()
    memo[key] = made
    return made


_SHOWN_STORED: dict[str, str] = {}


def _shown(params: TierParams, total: int, count: int) -> str:
    """The average's text (:func:`side_text` of the :class:`Mean`) of scores totalling ``total``
    x 10^-SCALE_PLACES over ``count`` months, made once per params, total and count: the text is
    the exact average's (rounded to places, or with the digits that keep its side of each bar),
    the same whatever digits the total was written with."""
    memo = _memo(params, "review-shown")
    known = memo.get((total, count))
    if known is None:
        average = Mean(Decimal(total).scaleb(-SCALE_PLACES), count)
        known = _remember(memo, (total, count), side_text(average, *params.review_bounds, places=params.average_places))
    return known


def _verdict(average: Any, promote_above: Any, demote_below: Any, probation_below: Any) -> str:
    """The review's step (:meth:`_Run._decide`'s branches): an exact average against the bars,
    or a total against each bar x the count."""
    if average > promote_above:
        return "promote"
    if average >= demote_below:
        return "stay"
    return "demote" if average >= probation_below else "probation"


def _average_line(period: Period, parts: str, count: int, missing: list, shown: str, month: _Month) -> None:
    """The review's average line (with which months it is over when some have no score)."""
    note = ""
    if missing:
        note = line("five-tier.over_present", n=count, missing=joined(map(str, missing), ", "))
    month.trace.append(
        line("five-tier.average", quarter=period.quarter, parts=parts, n=count, average=shown, note=note)
    )


def _review_decimal(
    params: TierParams, quarter: _Quarter, period: Period, employee: Employee, run: dict, score: Any, month: _Month
) -> None:
    """:func:`_review` by Decimals: the scores as restored and summed from 0 (:meth:`Mean.of`)."""
    present, missing = quarter_scores(quarter, employee.hire_date, run["scores"], score, score is not None)
    flag_missing(missing, month.flags, shared_line)
    if not present:
        month.decision = "missing"
        month.trace.append(shared_line("five-tier.no_card_quarter", quarter=period.quarter))
        return
    average = Mean(sum(present, Decimal(0)), len(present))
    shown = side_text(average, *params.review_bounds, places=params.average_places)
    _average_line(period, " + ".join(format_number(s) for s in present), len(present), missing, shown, month)
    verdict = _verdict(average, params.promote_above, params.demote_below, params.probation_below)
    _decide(params, quarter, employee, verdict, shown, month)


def _decide(params: TierParams, quarter: _Quarter, employee: Employee, verdict: str, shown: str, month: _Month) -> None:
    """:meth:`_Run._decide`, explained, on the review's ``verdict``; a why is ``{shown} {sign}
    {bar}`` as the reference's Later renders it."""
    period, bars = quarter.period, _bar_texts(params)
    if verdict == "promote":
        _promote(params, quarter, employee, f"{shown} > {bars['high']}", month)
    elif verdict == "stay":
        month.decision = "stay"
        stays = shared_line("five-tier.stays", low=bars["low"], high=bars["high"], average=shown, level=month.level)
        month.trace.append(stays)
    elif verdict == "demote":
        _step_down(params, period, f"{shown} < {bars['low']}", "demote", month)
    else:
        _step_down(params, period, f"{shown} < {bars['probation']}", "probation", month)
        months = month_span(period.next(), period.shift(params.probation_months))
        month.probation = months
        month.flags.append(shared_line("flag.probation"))
        limit = bars["limit"]
        if len(months) > 1:
            month.trace.append(shared_line("five-tier.probation_span", first=months[0], last=months[-1], limit=limit))
        elif months:
            month.trace.append(shared_line("five-tier.probation", first=months[0], limit=limit))


def _bar_texts(params: TierParams) -> dict[str, str]:
    """The review's and probation's bars as their lines show them (``format_number``), once per params."""
    memo = _memo(params, "bar-texts")
    known = memo.get(None)
    if known is None:
        p, shown = params, format_number
        known = memo[None] = dict(
            high=shown(p.promote_above),
            low=shown(p.demote_below),
            probation=shown(p.probation_below),
            limit=shown(p.dismissal_below),
        )
    return known


def _promote(params: TierParams, quarter: _Quarter, employee: Employee, why: str, month: _Month) -> None:
    """:meth:`_Run._promote`, explained."""
    ladder, level = params.ladder, month.level
    at = ladder.index(level)
    if at + 1 >= len(ladder):
        month.decision = "stay"
        month.trace.append(shared_line("five-tier.top", why=why, level=level))
        return
    new, effective = ladder[at + 1], quarter.effective  # the first day of the month after
    tenure, needed = complete_months(employee.hire_date, effective), params.min_tenure.get(new, 0)
    if tenure < needed:
        month.decision = "eligible"
        month.flags.append(shared_line("flag.eligible"))
        short = dict(tenure=tenure, needed=needed, new=new, day=effective, hired=employee.hire_date)
        month.trace.append(line("five-tier.tenure_short", why=why, **short, level=level))
        return
    tenure_ok = Line("five-tier.tenure_ok", {"why": why, "tenure": tenure, "needed": needed})
    _move(quarter.period, new, "promote", tenure_ok, month)


def _step_down(params: TierParams, period: Period, why: str, kind: str, month: _Month) -> None:
    """:meth:`_Run._step_down`, explained."""
    at = params.ladder.index(month.level)
    if at == 0:
        month.decision = kind if kind == "probation" else "stay"
        month.trace.append(shared_line("five-tier.floor", why=why, level=month.level))
        return
    _move(period, params.ladder[at - 1], kind, why, month)


def _move(period: Period, new: str, kind: str, why: str, month: _Month) -> None:
    """:meth:`_Run._move`, explained: the why kept for the timeline of the month after."""
    month.decision, month.after = kind, new
    moved = dict(why=why, before=month.level, after=new, month=period.next())
    month.trace.append(shared_line("five-tier.move", **moved))
    month.pending_why = Line("five-tier.review_why", {"quarter": period.quarter, "why": why})


def _entry(period: Period, entry: dict, score: Decimal | None, month: _Month) -> dict:
    """The entry :meth:`ReplayModel._replay` keeps after the month: the level after it, the
    stored timeline (the month's level appended when it changed since), :meth:`_Run.state`."""
    run, timeline = entry["run"], entry["timeline"]
    if month.level != timeline[-1][1]:  # the level the last review set holds from this month
        why = text(from_json(run["pending_why"])) or line("replay.level_changed")
        timeline = [*timeline, [str(period), month.level, to_json(why)]]
    scores = {}
    quarter = period.quarter
    names = _quarter_names(quarter)
    for key, stored in run["scores"].items():
        name = key
        if key not in names:  # another quarter's month, or a text not as the model writes it
            at = _month_of(key)
            if at.quarter != quarter:
                continue
            name = str(at)
        scores[name] = _canonical(stored)
    if score is not None:
        scores[str(period)] = str(score)
    if month.probation is not None:
        probation = sorted(str(m) for m in month.probation if m.ordinal > period.ordinal)
    elif run["probation"]:
        probation = sorted(str(m) for m in map(_month_of, run["probation"]) if m.ordinal > period.ordinal)
    else:
        probation = []
    state = {"level": month.after, "scores": scores, "probation": probation, "pending_why": to_json(month.pending_why)}
    return {"level": month.after, "timeline": timeline, "run": state}


def _month_of(text: str) -> Period:
    """``Period.parse``, each text once (a run's states name the same few months)."""
    known = _MONTHS.get(text)
    if known is None:
        if len(_MONTHS) > 4096:
            _MONTHS.clear()
        known = _MONTHS[text] = Period.parse(text)
    return known


_MONTHS: dict[str, Period] = {}


def _quarter_names(quarter: Period) -> frozenset[str]:
    """Each month's text of ``quarter``: a run's stored key among them is its month's text as kept."""
    known = _QUARTER_NAMES.get(quarter)
    if known is None:
        if len(_QUARTER_NAMES) > 64:
            _QUARTER_NAMES.clear()
        known = _QUARTER_NAMES[quarter] = frozenset(str(m) for m in quarter.months())
    return known


_QUARTER_NAMES: dict[Period, frozenset[str]] = {}


def _canonical(stored: object) -> str:
    """``str(Decimal(stored))``, a stored score's text as the restored run writes it again, each text once."""
    if type(stored) is not str:
        return str(Decimal(stored))
    known = _CANONICAL.get(stored)
    return known if known is not None else _remember(_CANONICAL, stored, str(Decimal(stored)))


_CANONICAL: dict[str, str] = {}
