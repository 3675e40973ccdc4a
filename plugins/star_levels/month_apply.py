"""star-levels' resumed month column-wise for ``--apply`` (issue 14): each row's Result with its
trace, and its checkpoint entry, a team at once.

:meth:`StarLevels.apply_columns` is :func:`~plugins.star_levels.month_columns.grade_columns`
with what the apply keeps: the trace :meth:`_Run.month` writes when the month is explained (the
KPI's line, a probation's end, the streaks or the window that closed), and the entry
:meth:`ReplayModel._replay` saves (``level``, the stored ``timeline`` with the month's change,
``run``: :meth:`_Run.state`). The score is the reference's own Decimal, made by the same
operations on the same parsed values (:func:`month_score`'s). :meth:`_Run.month` stays the
reference; a property test (tests/engine/test_star_month_apply.py) holds the two to the same
results, traces (text, key, arguments, in order), flags and checkpoint entries.

Each distinct text is parsed once (a memo per metric), and the lines that depend on a few
numbers only (the streaks' counts, a flag's month) are made once and shared: the apply's
stored form encodes them once too. A KPI's line (a card's actual and target) is each row's own.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from string import Formatter
from typing import Any

from cstui.domain import Period, Result
from cstui.domain.texts import Line, from_json, line, template, to_json
from cstui.domain.values import HUNDRED, MAX_PLAIN_YUAN, PARSERS, format_number, parse_money
from cstui.engine.cards import is_blank, parse_value
from cstui.engine.exact import side_text
from cstui.engine.period_columns import PeriodColumns, shared_line
from cstui.engine.replay import ReplayReference, text

from .model import StarLevels, StarParams, _edge_flag, grouped, window_why
from .month_columns import supported

MEMO_LIMIT = 100_000  # distinct texts remembered: far above what cards repeat
NO_CARD = False

# the replay's methods whose checkpoint entry this path makes, as the class has them when loaded
APPLY_REFERENCE = ReplayReference(
    StarLevels, ("grade_and_checkpoint", "_grade", "_replay", "_stored_timeline", "begin", "card_problems")
)


def apply_columns(model: StarLevels, scheme: Any, columns: PeriodColumns) -> dict[int, tuple[Result, dict]] | None:
    """{row: (its Result with its trace, unranked; its checkpoint entry)} for the rows done;
    None: the team is left to the per-card path (a quarter, a scheme or model not modelled)."""
    if not columns.period.is_month:
        return None
    params = model.compiled(scheme)
    if not supported(model, scheme, params) or not APPLY_REFERENCE.holds():
        return None
    done, streaks = {}, _Streaks(params)
    for i, (score, entry, plain) in enumerate(
        zip(_scores(params, columns), columns.entries, columns.plain, strict=True)
    ):
        run = entry.get("run") if entry else None
        if score is None or run is None or not plain or run.get("level") not in params.ladder:
            continue
        if not entry.get("timeline"):  # a state no apply stores (the dry run's column-wise replay)
            continue
        done[i] = _row(scheme, params, columns, i, score, entry, streaks)
    return done


def _scores(params: StarParams, columns: PeriodColumns) -> list:
    """Each row's (exact score, its KPI line), NO_CARD, or None (left to the per-card path: a
    card the check refused, a value that does not parse, a target not above 0):
    :func:`month_score` explained, of the one KPI."""
    kpi = params.kpis[0]
    kinds = {spec.key: spec.kind for spec in params.specs}
    actuals = _values(kinds[kpi.actual], columns.texts(kpi.actual))
    targets = _values(kinds[kpi.target], columns.texts(kpi.target))
    weight = kpi.weight
    shown = _Shown(params) if params.places <= _Shown.MOST_PLACES else params.shown
    kpi_line = _KpiLine(kpi.label, kpi.label_zh or kpi.label, format_number(weight))
    scores: list = []
    for values, checked, actual, target in zip(columns.cards, columns.checked(), actuals, targets, strict=True):
        if values is None:
            scores.append(NO_CARD)
        elif not checked or actual is None or target is None or not target[0] > 0:
            scores.append(None)
        else:
            (a, a_text), (t, t_text) = actual, target
            total = Decimal(0)
            part = weight * a / t
            total += part
            made = kpi_line(a_text, t_text, shown(a * HUNDRED / t), shown(part))
            scores.append((total, made))
    return scores


class _Shown:
    """``params.shown``: a compared value as a trace shows it (:func:`side_text` against the
    bars at the score's places), its common case here: the value rounded half up to the places
    once, on each bar's side as the value is, is that rounding's text; any other is
    :func:`side_text`'s. The step and the bars are read once a team, not per value."""

    __slots__ = ("step", "high", "low", "places")

    MOST_PLACES = 15  # side_text's own common case stops there: past it, params.shown

    def __init__(self, params: StarParams):
        self.step, self.places = params.score_step, params.places
        self.high, self.low = params.promote_at, params.demote_below

    def __call__(self, value: Decimal) -> str:
        high, low = self.high, self.low
        try:
            shown = value.quantize(self.step, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return side_text(value, high, low, places=self.places)
        if (shown >= high) != (value >= high) or (shown > high) != (value > high):
            return side_text(value, high, low, places=self.places)
        if (shown >= low) != (value >= low) or (shown > low) != (value > low):
            return side_text(value, high, low, places=self.places)
        text = format(shown, "f")  # format_number's text of a finite value
        return text.rstrip("0").rstrip(".") if "." in text else text


class _KpiLine:
    """``line("star-levels.kpi", ...)`` of one KPI: its English text joined from the template's
    pieces (str.format_map parsed the template and looked up each field again for every row:
    half the line's cost), the same key, arguments in the same order. The template's pieces
    are read when made: a template with fields other than these, in another order, or with a
    conversion or format spec, is left to :func:`line`."""

    __slots__ = ("label", "label_zh", "weight", "pieces")

    FIELDS = ("label", "actual", "target", "percent", "weight", "part")

    def __init__(self, label: str, label_zh: str, weight: str):
        self.label, self.label_zh, self.weight = label, label_zh, weight
        self.pieces = _pieces(template("star-levels.kpi").en, self.FIELDS)
        if self.pieces is not None:  # the label and the weight are the team's: joined once
            first, before_actual, *middle, before_weight, before_part, last = self.pieces
            self.pieces = (first + label + before_actual, *middle, before_weight + weight + before_part, last)

    def __call__(self, actual: str, target: str, percent: str, part: str) -> Line:
        args = {"label": self.label, "label_zh": self.label_zh, "actual": actual, "target": target}
        args["percent"], args["weight"], args["part"] = percent, self.weight, part
        pieces = self.pieces
        if pieces is None:
            return line("star-levels.kpi", **args)
        head, before_target, before_percent, around_weight, last = pieces
        made = _new_str(
            Line, "".join((head, actual, before_target, target, before_percent, percent, around_weight, part, last))
        )
        made.key, made.args = "star-levels.kpi", args
        return made


_new_str = str.__new__


def _pieces(text: str, fields: tuple[str, ...]) -> tuple[str, ...] | None:
    """The literal texts before each of ``fields`` and after the last, when ``text`` (a
    ``str.format`` template) has exactly these fields in this order, each plain; else None."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        return None
    if parsed and parsed[-1][1] is None:  # the text after the last field
        *parsed, (tail, *_) = parsed
    else:
        tail = ""
    if tuple(field for _, field, _, _ in parsed) != fields or any(
        spec or conversion for _, _, spec, conversion in parsed
    ):
        return None
    return (*(literal for literal, _, _, _ in parsed), tail)


def _values(kind: str, texts: list) -> list:
    """Each text as :func:`month_score` reads it, with its trace text: (``Decimal`` of the parsed
    value, :func:`grouped`); None: no text, a blank one, or one the parser refuses. Each distinct
    text parsed once."""
    memo = _PARSED.setdefault(kind, {})
    values = []
    for raw in texts:
        value = memo.get(raw, memo) if type(raw) is str else memo
        if value is memo:
            value = _value(kind, raw)
            if type(raw) is str:
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[raw] = value
        values.append(value)
    return values


def _value(kind: str, raw: object) -> tuple[Decimal, str] | None:
    """One text as :func:`_values` reads it. The usual amount (whole yuan in plain digits, no
    leading zero) is what :func:`parse_money` reads as ``Decimal(raw)``, and :func:`grouped`
    writes it as its digits grouped by thousands: made so without the parser's and the
    formatter's steps (an amount of a month is nearly always new to the run)."""
    if kind == "money" and type(raw) is str and raw.isascii() and raw.isdigit() and PARSERS[kind] is parse_money:
        if len(raw) <= MAX_PLAIN_YUAN and (raw[0] != "0" or raw == "0"):
            return Decimal(raw), f"{int(raw):,}"
    try:
        value = None if raw is None or is_blank(raw) else Decimal(parse_value(kind, raw))
        return None if value is None else (value, grouped(value))
    except Exception:  # noqa: BLE001  (a text the parser refuses: the per-card path words it)
        return None


_PARSED: dict[str, dict] = {}


class _Month:
    """One row's month as :class:`MonthState` keeps it, and its run after it."""

    __slots__ = ("level", "after", "decision", "flags", "trace", "why", "up", "down", "pending_why")

    def __init__(self, run: dict):
        self.level = self.after = run["level"]
        self.decision, self.flags, self.trace = "none", [], []
        self.why: Any = None  # why the level held this month starts (read by the timeline)
        self.up, self.down = [Decimal(s) for s in run["up"]], [Decimal(s) for s in run["down"]]
        self.pending_why: Any = None


def _row(
    scheme: Any, params: StarParams, columns: PeriodColumns, i: int, made: Any, entry: dict, streaks: _Streaks
) -> tuple[Result, dict]:
    """:meth:`_Run.month` of a plain row resumed from ``entry``, explained: its Result and entry."""
    period, run = columns.period, entry["run"]
    month = _Month(run)
    month.why = from_json(run["pending_why"])
    assessed = period.ordinal >= run["assess_from"]
    if assessed and month.level == params.probation_level:
        month.level = month.after = params.first_level
        month.why = line("star-levels.probation_ended_why", months=params.probation_months)
        month.trace.append(shared_line("star-levels.probation_ended", first=params.first_level, month=period))
    score = None
    if made is not NO_CARD:
        exact, kpi_line = made
        score = exact.quantize(params.score_step, rounding=ROUND_HALF_UP)
        month.trace.append(kpi_line)
    if month.level == params.probation_level or not (assessed or run["placed"]):
        probation = month.level == params.probation_level
        key = "star-levels.not_assessed_probation" if probation else "star-levels.not_assessed_before"
        month.trace.append(shared_line(key))
    elif made is NO_CARD:
        month.up, month.down = [], []
        month.decision = "missing"
        month.flags.append(shared_line("flag.missing", month=period))
        month.trace.append(shared_line("star-levels.no_card", month=period))
    else:
        _count(params, period, month, made[0], streaks)
    # its flags and trace are texts already (make_result would make Laters of them)
    levels = (month.level, month.after)
    result = columns.result(scheme, i, score, levels, month.decision, flags=month.flags, trace=month.trace)
    return result, _entry(period, entry, month)


class _Streaks:
    """The streaks' line of a month that closes no window (``star-levels.streak``), each distinct
    (up, down) asked of :func:`shared_line` once a team: the bars' texts made once, not per row."""

    __slots__ = ("made", "bars")

    def __init__(self, params: StarParams):
        self.made: dict[tuple[int, int], Line] = {}
        self.bars = dict(promote_at=format_number(params.promote_at), demote_below=format_number(params.demote_below))

    def line(self, up: int, down: int) -> Line:
        made = self.made.get((up, down))
        if made is None:
            made = self.made[up, down] = shared_line("star-levels.streak", up=up, down=down, **self.bars)
        return made


def _count(params: StarParams, period: Period, month: _Month, score: Decimal, streaks: _Streaks) -> None:
    """:meth:`_Run._count` (and ``_change``), explained."""
    p = params
    month.up = month.up + [score] if score >= p.promote_at else []
    month.down = month.down + [score] if score < p.demote_below else []
    month.decision = "stay"
    if len(month.up) < p.window and len(month.down) < p.window:
        month.trace.append(streaks.line(len(month.up), len(month.down)))
        return
    up = len(month.up) >= p.window
    streak, stars = (month.up if up else month.down), p.stars
    at = stars.index(month.level) if month.level in stars else 0
    why = window_why(p, up, streak)
    month.up, month.down = [], []  # the streak restarts after every window, changed or not
    target = at + (1 if up else -1)
    if not 0 <= target < len(stars):
        edge = "top" if up else "bottom"
        month.flags.append(_edge_flag(why, edge, month.level))
        month.trace.append(line(f"star-levels.stays_{edge}", why=why, level=month.level))
        return
    new = stars[target]
    month.decision = "promote" if up else "demote"
    month.after = new
    month.trace.append(line("star-levels.move", why=why, before=month.level, after=new, month=period.next()))
    month.pending_why = why


def _entry(period: Period, entry: dict, month: _Month) -> dict:
    """The entry :meth:`ReplayModel._replay` keeps after the month: the level after it, the
    stored timeline (the month's level appended when it changed since), :meth:`_Run.state`."""
    run, timeline = entry["run"], entry["timeline"]
    if month.level != timeline[-1][1]:
        timeline = [*timeline, [str(period), month.level, to_json(text(month.why) or line("replay.level_changed"))]]
    state = {
        "level": month.after,
        "assess_from": run["assess_from"],
        "up": [str(s) for s in month.up],
        "down": [str(s) for s in month.down],
        "pending_why": to_json(month.pending_why),
        "placed": run["placed"],
    }
    return {"level": month.after, "timeline": timeline, "run": state}
