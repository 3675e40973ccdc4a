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
from .month_columns import NO_CARD, _parsed, _Quarter, flag_missing, quarter_scores, row_scores, supported

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
    """Each row's (score, its lines with the bonus's, bonus), NO_CARD, or None (left to the
    per-card path: a card the check refused, a value that does not parse): :func:`month_score`
    explained, then :func:`bonus_for`."""
    bounds = bonus_bounds(params.bonus)

    def scored(row: tuple) -> tuple:
        total, lines = _weighted(row, bounds) if params.items else _banded(params, row)
        bonus, bonus_line = bonus_for(params.bonus, total)
        lines.append(bonus_line)
        return total, lines, bonus

    return row_scores(params, columns, _item_term if params.items else _band_made, scored, "traced")


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
    month = _Month(run["level"], [] if made is NO_CARD else list(made[1]))
    if str(period) in run["probation"]:
        _probation_month(params, period, score, month)
    elif score is None:
        month.decision = "missing"
        month.flags.append(shared_line("flag.missing", month=period))
        month.trace.append(shared_line("model.no_card", month=period))
    if quarter is not None:
        _review(params, quarter, period, employee, run, score, month)
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
    params: TierParams, quarter: _Quarter, period: Period, employee: Employee, run: dict, score: Any, month: _Month
) -> None:
    """:meth:`_Run._review`, explained: the quarter's months from the hire month on, those with a
    score averaged (the run's, as restored, and the month's own), the others flagged missing."""
    present, missing = quarter_scores(quarter, employee.hire_date, run["scores"], score, score is not None)
    flag_missing(missing, month.flags, shared_line)
    if not present:
        month.decision = "missing"
        month.trace.append(shared_line("five-tier.no_card_quarter", quarter=period.quarter))
        return
    average = Mean(sum(present, Decimal(0)), len(present))
    parts = " + ".join(format_number(s) for s in present)
    note = ""
    if missing:
        note = line("five-tier.over_present", n=len(present), missing=joined(map(str, missing), ", "))
    shown = side_text(average, *params.review_bounds, places=params.average_places)
    month.trace.append(
        line("five-tier.average", quarter=period.quarter, parts=parts, n=len(present), average=shown, note=note)
    )
    _decide(params, period, employee, average, shown, month)


def _decide(params: TierParams, period: Period, employee: Employee, average: Mean, shown: str, month: _Month) -> None:
    """:meth:`_Run._decide`, explained; a why is ``{shown} {sign} {bar}`` as the reference's Later renders it."""
    p = params
    if average > p.promote_above:
        _promote(params, period, employee, f"{shown} > {format_number(p.promote_above)}", month)
    elif average >= p.demote_below:
        month.decision = "stay"
        bars = dict(low=format_number(p.demote_below), high=format_number(p.promote_above))
        month.trace.append(line("five-tier.stays", **bars, average=shown, level=month.level))
    elif average >= p.probation_below:
        _step_down(params, period, f"{shown} < {format_number(p.demote_below)}", "demote", month)
    else:
        _step_down(params, period, f"{shown} < {format_number(p.probation_below)}", "probation", month)
        months = month_span(period.next(), period.shift(p.probation_months))
        month.probation = months
        month.flags.append(shared_line("flag.probation"))
        limit = format_number(p.dismissal_below)
        if len(months) > 1:
            month.trace.append(line("five-tier.probation_span", first=months[0], last=months[-1], limit=limit))
        elif months:
            month.trace.append(line("five-tier.probation", first=months[0], limit=limit))


def _promote(params: TierParams, period: Period, employee: Employee, why: str, month: _Month) -> None:
    """:meth:`_Run._promote`, explained."""
    ladder, level = params.ladder, month.level
    at = ladder.index(level)
    if at + 1 >= len(ladder):
        month.decision = "stay"
        month.trace.append(line("five-tier.top", why=why, level=level))
        return
    new, effective = ladder[at + 1], period.next().first_day
    tenure, needed = complete_months(employee.hire_date, effective), params.min_tenure.get(new, 0)
    if tenure < needed:
        month.decision = "eligible"
        month.flags.append(shared_line("flag.eligible"))
        short = dict(tenure=tenure, needed=needed, new=new, day=effective, hired=employee.hire_date)
        month.trace.append(line("five-tier.tenure_short", why=why, **short, level=level))
        return
    _move(period, new, "promote", Line("five-tier.tenure_ok", {"why": why, "tenure": tenure, "needed": needed}), month)


def _step_down(params: TierParams, period: Period, why: str, kind: str, month: _Month) -> None:
    """:meth:`_Run._step_down`, explained."""
    at = params.ladder.index(month.level)
    if at == 0:
        month.decision = kind if kind == "probation" else "stay"
        month.trace.append(line("five-tier.floor", why=why, level=month.level))
        return
    _move(period, params.ladder[at - 1], kind, why, month)


def _move(period: Period, new: str, kind: str, why: str, month: _Month) -> None:
    """:meth:`_Run._move`, explained: the why kept for the timeline of the month after."""
    month.decision, month.after = kind, new
    month.trace.append(line("five-tier.move", why=why, before=month.level, after=new, month=period.next()))
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
    for key, stored in run["scores"].items():
        at = _month_of(key)
        if at.quarter == quarter:
            scores[str(at)] = str(Decimal(stored))
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
