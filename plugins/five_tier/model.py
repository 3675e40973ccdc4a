"""``five-tier``: junior → expert (客服岗位定级, doc 000 + 004), reviewed every quarter.

TOML sections (numbers in schemes/five-tier.toml and schemes/ecommerce-kpi.toml):

- ``[score]`` ``method = "weighted"`` with ``[score.items.METRIC] weight = N`` (rate
  metrics score rate × 100, ratings score themselves, weights sum to 100); or
  ``method = "bands"`` with ``[score.bands.METRIC]`` band tables whose points are summed,
  capped at ``score.max``.
- ``[review]`` ``promote_above`` (average > it: up one tier), ``demote_below`` (average < it:
  down one), ``probation_below`` (average < it: down one and probation),
  ``probation_months``, ``dismissal_below`` (a probation month < it: dismissal review),
  ``[review.min_tenure_months]`` months in the company to hold each tier.
  ``average_places``: the quarter's average is shown rounded half up to these decimals;
  the review decides on the exact average (domain.md, settled rules: 80.0033 is above
  80), and the trace shows enough digits to see its side of each threshold.
  Tenure is complete months of service to the first day of the month the new tier takes
  effect (:func:`cstui.engine.tenure.complete_months`).
- ``[bonus]`` the monthly bonus bands (``amount`` per band).

The review month is the last of each calendar quarter (3, 6, 9, 12). A quarter with a
month missing is reviewed on the average of the months present, and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cstui.domain import Employee, Override, Period, Result, Scorecard, texts
from cstui.domain.texts import from_json, joined, line, shared, to_json
from cstui.domain.values import format_number
from cstui.engine import checks
from cstui.engine.bands import Band, BandTable, as_decimal, load_band_table, show
from cstui.engine.bonus import bonus_for, load_bonus
from cstui.engine.bonus import bounds as bonus_bounds
from cstui.engine.exact import Mean, side_text, to_decimal
from cstui.engine.model import MetricSpec, MonthScore
from cstui.engine.params_schema import NUMBER, TEXT, WHOLE, MapOf, Table
from cstui.engine.problem_texts import expected, missing
from cstui.engine.replay import (
    Later,
    MonthState,
    ReplayModel,
    make_result,
    month_span,
    override_why,
    parse_card,
    text,
)
from cstui.engine.tenure import complete_months
from cstui.engine.weighted import WeightedItem, load_items, weighted_sum, weighted_total
from cstui.schemes import Problems, Scheme

_LEVELS = {"level": "level", "before": "level", "after": "level", "new": "level"}
# the problems of a five-tier scheme's own rules (keys and TOML words as written)
texts.register(
    {
        "five-tier.method": (
            'expected "{weighted}" or "{bands}", got {got}',
            '应为 "{weighted}" 或 "{bands}"，实际为 {got}',
        ),
        "five-tier.unknown_key": (
            'unknown key for method "{method}"; expected {keys}',
            '方法 "{method}" 下的未知键；应为 {keys}',
        ),
        "five-tier.band_tables": ("a table of band tables, e.g. {example}", "区间表的表，例如 {example}"),
        "five-tier.band_kind": (
            "metric {metric} has kind {kind}; a band table needs a number ({kinds})",
            "指标 {metric} 的类型为 {kind}；区间表需要数值（{kinds}）",
        ),
        "five-tier.at_most": ("at most {name} ({value})", "不大于 {name}（{value}）"),
        "five-tier.tenure": ("a table: level key = months in the company", "表：级别键 = 在公司的月数"),
        "five-tier.tenure_missing": ("months in the company to hold this tier", "担任此级别所需的在公司月数"),
    }
)
texts.register(
    {
        "five-tier.override": (
            "override {before} → {after} from {month}: {reason}",
            "手动调整 {before} → {after}，自 {month} 起：{reason}",
            _LEVELS,
        ),
        "five-tier.missing_probation_flag": ("missing {month} (probation month)", "缺考核表 {month}（试用月）"),
        "five-tier.probation_no_card": (
            "probation month {month} has no scorecard: a person decides",
            "试用月 {month} 无考核表：由人决定",
        ),
        "five-tier.probation_failed": (
            "probation month: {score} < {limit} → dismissal review",
            "试用月：{score} < {limit} → 辞退审查",
        ),
        "five-tier.probation_passed": (
            "probation month: {score} >= {limit} → passed",
            "试用月：{score} >= {limit} → 通过",
        ),
        "five-tier.no_card_quarter": (
            "review {quarter}: no scorecard in the quarter → no change",
            "{quarter} 评审：本季度无考核表 → 不变",
        ),
        "five-tier.over_present": (
            " (over {n} months present; missing {missing})",
            "（按有数据的 {n} 个月；缺 {missing}）",
        ),
        "five-tier.average": (
            "review {quarter}: average ({parts}) / {n} = {average}{note}",
            "{quarter} 评审：平均 ({parts}) / {n} = {average}{note}",
        ),
        "five-tier.stays": (
            "{low} <= {average} <= {high} → stays {level}",
            "{low} <= {average} <= {high} → 保持 {level}",
            _LEVELS,
        ),
        "five-tier.probation": (
            "probation {first}: a month < {limit} → dismissal review",
            "试用期 {first}：任一月 < {limit} → 辞退审查",
        ),
        "five-tier.probation_span": (
            "probation {first} to {last}: a month < {limit} → dismissal review",
            "试用期 {first} 至 {last}：任一月 < {limit} → 辞退审查",
        ),
        "five-tier.top": ("{why} → stays {level}: the top tier", "{why} → 保持 {level}：已是最高级", _LEVELS),
        "five-tier.tenure_short": (
            "{why} but tenure {tenure} months < {needed} for {new} on {day} (hired {hired}) → stays {level} (eligible)",
            "{why}，但 {day} 时司龄 {tenure} 个月 < {new} 所需 {needed} 个月（{hired} 入职）→ 保持 {level}（符合条件）",
            _LEVELS,
        ),
        "five-tier.tenure_ok": (
            "{why} (tenure {tenure} months >= {needed})",
            "{why}（司龄 {tenure} 个月 >= {needed}）",
        ),
        "five-tier.floor": (
            "{why} → stays {level}: {level} is the floor",
            "{why} → 保持 {level}：{level} 已是最低级",
            _LEVELS,
        ),
        "five-tier.move": (
            "{why} → {before} → {after} from {month}",
            "{why} → {before} → {after}，自 {month} 起",
            _LEVELS,
        ),
        "five-tier.review_why": ("review {quarter}: {why}", "{quarter} 评审：{why}"),
        "five-tier.score": ("score = {score}", "得分 = {score}"),
        "five-tier.band": (
            "{label} {value} {band} → {points}",
            "{metric} {value} {band} → {points}",
            {"metric": "metric"},
        ),
        "five-tier.capped": ("score {score} capped at {cap}", "得分 {score} 封顶 {cap}"),
    }
)

METHODS = ("weighted", "bands")
BAND_KINDS = ("rate", "seconds", "count", "number", "money", "rating", "points")  # every kind but text

PARAMS_SHAPE = Table(
    {
        "score": Table(
            {
                "method": TEXT,
                "items": MapOf(Table({"weight": NUMBER, "label": TEXT}), "metric key"),
                "bands": MapOf(checks.band_table("points"), "metric key"),
                "max": NUMBER,
            }
        ),
        "review": Table(
            {
                "promote_above": NUMBER,
                "demote_below": NUMBER,
                "probation_below": NUMBER,
                "dismissal_below": NUMBER,
                "probation_months": WHOLE,
                "average_places": WHOLE,
                "min_tenure_months": MapOf(WHOLE, "level key"),
            }
        ),
        "bonus": checks.band_table("amount"),
    }
)


@dataclass(frozen=True, slots=True)
class BandMetric:
    key: str
    label: str
    kind: str
    table: BandTable


@dataclass(frozen=True, slots=True)
class TierParams:
    ladder: tuple[str, ...]
    items: tuple[WeightedItem, ...]  # method "weighted"
    bands: tuple[BandMetric, ...]  # method "bands"
    cap: Decimal | None
    promote_above: Decimal
    demote_below: Decimal
    probation_below: Decimal
    probation_months: int
    dismissal_below: Decimal
    min_tenure: dict[str, int]
    average_step: Decimal  # 10 ** -review.average_places: the shown average's step
    bonus: BandTable
    specs: tuple[MetricSpec, ...]

    @property
    def average_places(self) -> int:
        return -self.average_step.as_tuple().exponent

    @property
    def review_bounds(self) -> tuple[Decimal, ...]:
        return (self.promote_above, self.demote_below, self.probation_below)


class FiveTier(ReplayModel):
    name = "five-tier"
    review = "quarterly"
    label = "Five tiers, junior to expert"
    params_schema = PARAMS_SHAPE
    state_version = 2  # 2: exact averages and complete-month tenure decide (levels in older states may differ)

    def compile(self, params: dict, problems: Problems) -> TierParams | None:
        return compile_params(params, problems)

    def score_month(self, scheme: Any, employee: Employee, card: Scorecard) -> MonthScore:
        params = self.compiled(scheme)
        score, trace = month_score(params, employee.id, card)
        bonus, line = bonus_for(params.bonus, score)
        return MonthScore(score=score, pay_delta=bonus, trace=trace + [line])

    def columns_plan(self, scheme: Any) -> tuple[list[str], int]:
        """The fast path's read (cstui.grading_columns): every metric as columns, for weighted
        scores the last 2 months with their typed decimals (the quarter's scores so far are
        rebuilt from them; band scores are the bands' points). A quarter's review reads its
        months' cards as needed."""
        params = self.compiled(scheme)
        return [spec.key for spec in params.specs], 2 if params.items else 0

    def checkpoint_columns(self, scheme: Any, columns: Any, month: Period) -> dict | None:
        """The replay state at the end of ``month``, its reviews replayed column-wise (columnar.py), or None."""
        from .columnar import checkpoint_columns

        return checkpoint_columns(self, scheme, columns, month)

    def grade_columns(self, scheme: Any, columns: Any, explain: bool = True) -> dict | None:
        """A resumed month's rows a team at once (month_columns.py): {row: Result}, or None."""
        from .month_columns import grade_columns

        return grade_columns(self, scheme, columns, explain)

    def apply_columns(self, scheme: Any, columns: Any) -> dict | None:
        """:meth:`grade_columns` for ``--apply`` (month_apply.py): {row: (Result with its trace,
        checkpoint entry)}, or None."""
        from .month_apply import apply_columns

        return apply_columns(self, scheme, columns)

    def starting_level(self, params: TierParams, employee: Employee) -> str:
        return employee.level or params.ladder[0]

    def begin(
        self,
        params: TierParams,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        until: Period,
        explain_from: Period | None,
        saved: dict | None,
        after: Period | None,
    ) -> tuple[_Run, Period]:
        if saved is not None and saved.get("run") is not None and after is not None:
            return _Run.restore(params, employee, saved["run"], explain_from), after.next()
        if saved is not None and "start" in saved:  # data before the checkpoint, replay not yet begun
            start = Period.parse(saved["start"])
        else:
            start = _start(employee, [*cards, *by_month, until])
        return _Run(params, employee, self.starting_level(params, employee), explain_from), start

    def unstarted(
        self,
        params: TierParams,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        month: Period,
        saved: dict | None,
    ) -> dict | None:
        # the first month depends on the earliest scorecard or override, and, with none yet,
        # on the month graded: a state is kept only once data exists; before the hire month
        # the hint keeps where a full replay would start
        if saved is not None and "start" in saved:
            start = Period.parse(saved["start"])
        else:
            early = [p for p in (*cards, *by_month) if p.ordinal <= month.ordinal]
            if not early:
                return {}
            start = _start(employee, early)
        return None if start.ordinal <= month.ordinal else {"start": str(start)}

    def quarter_result(self, scheme: Any, employee: Employee, period: Period, months: list[MonthState]) -> Result:
        """A quarter: the review's average as the score, the review's decision."""
        last = months[-1]
        flags = list(dict.fromkeys(f for s in months for f in s.flags))
        trace = [line("replay.in_month", month=str(s.period), line=text(t)) for s in months for t in s.trace]
        return make_result(
            scheme, employee, period, last.review_score, last.level, last.level_after, last.decision, None, flags, trace
        )


# the methods whose rules columnar.py replays column-wise, as the class defines them when loaded:
# a class patched since (or a subclass) is read and replayed per card
REFERENCE_METHODS = {
    name: getattr(FiveTier, name)
    for name in ("compile", "metrics", "card_problems", "begin", "unstarted", "starting_level", "checkpoint_columns")
}


def _start(employee: Employee, data_months: list[Period]) -> Period:
    """Quarters before the first scorecard or override change nothing: start at that quarter."""
    first_data = min(data_months, key=lambda p: p.ordinal)
    return max(Period.of_date(employee.hire_date), first_data.quarter.months()[0], key=lambda p: p.ordinal)


class _Run:
    """One employee's tier, probation and month scores while the months are replayed."""

    def __init__(self, params: TierParams, employee: Employee, level: str, explain_from: Period | None):
        self.p, self.employee, self.level = params, employee, level
        self.explain_from = explain_from.ordinal if explain_from is not None else -1
        self.hired = Period.of_date(employee.hire_date)
        self.scores: dict[Period, Decimal] = {}
        self.probation: set[Period] = set()
        self.pending_why: str | Later | None = None
        self.last: Period | None = None  # the last month replayed
        self._shown_of: Mean | None = None  # the average _shown last showed, and its text
        self._shown_text = ""

    def state(self) -> dict:
        """Everything later months need, JSON-able: only the current quarter's scores matter."""
        quarter = self.last.quarter if self.last is not None else None
        return {
            "level": self.level,
            "scores": {str(m): str(s) for m, s in self.scores.items() if m.quarter == quarter},
            "probation": sorted(str(m) for m in self.probation if self.last is None or m.ordinal > self.last.ordinal),
            "pending_why": to_json(text(self.pending_why)),
        }

    @classmethod
    def restore(cls, params: TierParams, employee: Employee, state: dict, explain_from: Period | None) -> _Run:
        run = cls(params, employee, state["level"], explain_from)
        run.scores = {Period.parse(m): Decimal(s) for m, s in state["scores"].items()}
        run.probation = {Period.parse(m) for m in state["probation"]}
        run.pending_why = from_json(state["pending_why"])
        return run

    def explained(self, state: MonthState) -> bool:
        """Whether the month's trace is read: earlier months are replayed for their levels only."""
        return state.period.ordinal >= self.explain_from

    def month(self, month: Period, card: Scorecard | None, override: Override | None) -> MonthState:
        self.last = month
        state = MonthState(month, self.level, self.level, why=self.pending_why)
        self.pending_why = None
        explain = month.ordinal >= self.explain_from
        if override is not None:
            self._override(state, override)
        if card is not None:
            state.score, lines = month_score(self.p, self.employee.id, card, explain)
            if explain:
                state.pay_delta, bonus_line = bonus_for(self.p.bonus, state.score)
                state.trace.extend(lines + [bonus_line])
            else:
                state.pay_delta = self.p.bonus.lookup(state.score)
            self.scores[month] = state.score
        if month in self.probation:
            self._probation_month(state)
        elif state.score is None:
            state.decision = "missing"
            state.flags.append(line("flag.missing", month=month))
            if explain:
                state.trace.append(line("model.no_card", month=month))
        if month.completes_quarter():
            self._review(state)
        return state

    def _override(self, state: MonthState, override: Override) -> None:
        before = self.level
        self.level = state.level = state.level_after = override.level
        self.probation.clear()
        state.why = override_why(override)
        state.flags.append(line("flag.override"))
        if self.explained(state):
            moved = dict(before=before, after=override.level, month=state.period)
            state.trace.append(line("five-tier.override", **moved, reason=override.reason))

    def _probation_month(self, state: MonthState) -> None:
        explained = self.explained(state)
        limit = format_number(self.p.dismissal_below)
        if state.score is None:
            state.decision = "missing"
            state.flags.append(line("five-tier.missing_probation_flag", month=state.period))
            if explained:
                state.trace.append(line("five-tier.probation_no_card", month=state.period))
        elif state.score < self.p.dismissal_below:
            state.decision = "dismissal-review"
            state.flags.append(line("flag.dismissal_review"))
            if explained:
                score = side_text(state.score, self.p.dismissal_below)
                state.trace.append(line("five-tier.probation_failed", score=score, limit=limit))
        elif explained:
            score = side_text(state.score, self.p.dismissal_below)
            state.trace.append(line("five-tier.probation_passed", score=score, limit=limit))

    def _review(self, state: MonthState) -> None:
        quarter = state.period.quarter
        months = [m for m in quarter.months() if m.ordinal >= self.hired.ordinal]
        present = [m for m in months if m in self.scores]
        missing = [m for m in months if m not in self.scores]
        for m in missing:
            flag = line("flag.missing", month=m)
            if flag not in state.flags:
                state.flags.append(flag)
        if not present:
            state.decision = "missing"
            if self.explained(state):
                state.trace.append(line("five-tier.no_card_quarter", quarter=quarter))
            return
        # months without a scorecard are left out of the average (and flagged), not counted as 0;
        # the review decides on the exact average (domain.md: thresholds compare exact values);
        # the report's score is that average rounded to average_places (display only)
        average = Mean.of(self.scores[m] for m in present)
        state.review_score = to_decimal(average, self.p.average_step)
        if self.explained(state):
            parts = " + ".join(format_number(self.scores[m]) for m in present)
            note = ""
            if missing:
                note = line("five-tier.over_present", n=len(present), missing=joined(map(str, missing), ", "))
            shown = self._shown(average)
            state.trace.append(
                line("five-tier.average", quarter=quarter, parts=parts, n=len(present), average=shown, note=note)
            )
        self._decide(state, average)

    def _shown(self, average: Mean) -> str:
        # a review shows its average up to three times (the average, a stay's or a why's line):
        # the last one shown is remembered
        if average is not self._shown_of:
            self._shown_of = average
            self._shown_text = side_text(average, *self.p.review_bounds, places=self.p.average_places)
        return self._shown_text

    def _decide(self, state: MonthState, average: Mean) -> None:
        p = self.p
        if average > p.promote_above:
            self._promote(state, self._why(average, ">", p.promote_above))
        elif average >= p.demote_below:
            state.decision = "stay"
            if self.explained(state):  # a stay's line is read only when explained
                bars = dict(low=format_number(p.demote_below), high=format_number(p.promote_above))
                state.trace.append(line("five-tier.stays", **bars, average=self._shown(average), level=self.level))
        elif average >= p.probation_below:
            self._step_down(state, self._why(average, "<", p.demote_below), "demote")
        else:
            self._step_down(state, self._why(average, "<", p.probation_below), "probation")
            months = month_span(state.period.next(), state.period.shift(p.probation_months))
            self.probation = set(months)
            state.flags.append(line("flag.probation"))
            if self.explained(state):
                limit = format_number(p.dismissal_below)
                if len(months) > 1:
                    state.trace.append(line("five-tier.probation_span", first=months[0], last=months[-1], limit=limit))
                elif months:  # probation_months = 0: the step down alone, no month on probation to name
                    state.trace.append(line("five-tier.probation", first=months[0], limit=limit))

    def _why(self, average: Mean, sign: str, bound: Decimal) -> Later:
        """``80.0033 > 80``, formatted only when read (a past review's why is read only on a timeline)."""
        return Later("{} {} {}".format, Later(self._shown, average), sign, Later(format_number, bound))

    def _promote(self, state: MonthState, why: str | Later) -> None:
        ladder = self.p.ladder
        at = ladder.index(self.level) if self.level in ladder else 0
        if at + 1 >= len(ladder):
            state.decision = "stay"
            if self.explained(state):
                state.trace.append(line("five-tier.top", why=text(why), level=self.level))
            return
        new = ladder[at + 1]
        # complete months of service up to the day the new tier would take effect
        effective = state.period.next().first_day
        tenure = complete_months(self.employee.hire_date, effective)
        needed = self.p.min_tenure.get(new, 0)
        if tenure < needed:
            state.decision = "eligible"
            state.flags.append(line("flag.eligible"))
            if self.explained(state):
                short = dict(tenure=tenure, needed=needed, new=new, day=effective, hired=self.employee.hire_date)
                state.trace.append(line("five-tier.tenure_short", why=text(why), **short, level=self.level))
            return
        self._move(state, new, "promote", Later.line("five-tier.tenure_ok", why=why, tenure=tenure, needed=needed))

    def _step_down(self, state: MonthState, why: str | Later, kind: str) -> None:
        ladder = self.p.ladder
        at = ladder.index(self.level) if self.level in ladder else 0
        if at == 0:
            state.decision = kind if kind == "probation" else "stay"
            if self.explained(state):
                state.trace.append(line("five-tier.floor", why=text(why), level=self.level))
            return
        self._move(state, ladder[at - 1], kind, why)

    def _move(self, state: MonthState, new: str, kind: str, why: str | Later) -> None:
        state.decision = kind
        state.level_after = new
        if self.explained(state):
            moved = dict(before=self.level, after=new, month=state.period.next())
            state.trace.append(line("five-tier.move", why=text(why), **moved))
        self.level = new
        self.pending_why = Later.line("five-tier.review_why", quarter=state.period.quarter, why=why)


def month_score(
    params: TierParams, employee_id: str, card: Scorecard, explain: bool = True
) -> tuple[Decimal, list[str]]:
    """The month's score and, when ``explain``, its trace lines."""
    values = parse_card(params.specs, employee_id, card)
    if params.items:
        if not explain:
            return weighted_sum(params.items, values), []
        total, trace = weighted_total(params.items, values)
        return total, trace + [line("five-tier.score", score=side_text(total, *bonus_bounds(params.bonus)))]
    total, trace = Decimal(0), []
    for metric in params.bands:
        value = values[metric.key]
        band = metric.table.band_of(value)
        total += band.value
        if explain:
            trace.append(band_line(metric, band, value))
    if params.cap is not None and total > params.cap:
        trace.append(line("five-tier.capped", score=format_number(total), cap=format_number(params.cap)))
        total = params.cap
    return total, (trace + [line("five-tier.score", score=format_number(total))] if explain else [])


def band_line(metric: BandMetric, band: Band, value: Decimal) -> str:
    """A metric's band line. It depends only on the metric and the value (shown with its zeros
    cut; the band is the value's), and cards repeat the same few hundred values: each line is
    made once per metric and value and shared. Remembered by the metric's id, the metric kept
    alive by the memo (so its id is never another's), and the value's own text (sign, digits
    and exponent: 0 and -0 apart; a fresh Decimal's hash costs more than its text)."""
    key = (id(metric), str(value))
    known = _BAND_LINES.get(key)
    if known is not None and known[0] is metric:
        return known[1]
    text = line(
        "five-tier.band",
        label=metric.label,
        metric=metric.key,
        value=show(value, metric.kind),
        band=metric.table.describe(band, metric.kind),
        points=format_number(band.value),
    )
    if len(_BAND_LINES) < _BAND_LINES_MAX:
        _BAND_LINES[key] = (metric, shared(text))
    return text


_BAND_LINES: dict[tuple[int, str], tuple[BandMetric, str]] = {}
_BAND_LINES_MAX = 16_384


# --- parameter checks ----------------------------------------------------------------------


def compile_params(params: dict, problems: Problems) -> TierParams | None:
    before = len(problems.lines)
    ladder = tuple(
        lv["key"] for lv in params.get("levels", []) if isinstance(lv, dict) and isinstance(lv.get("key"), str)
    )
    metrics = params.get("metrics", {}) if isinstance(params.get("metrics"), dict) else {}
    score = checks.table(params, "score", problems)
    review = checks.table(params, "review", problems)
    items, bands, cap = _score(score, metrics, problems)
    numbers = {
        k: checks.number(review, f"review.{k}", problems)
        for k in ("promote_above", "demote_below", "probation_below", "dismissal_below")
    }
    _check_order(numbers, problems)
    months = review.get("probation_months")
    if not isinstance(months, int) or isinstance(months, bool) or months < 0:
        problems.add("review.probation_months", expected("what.months_at_least_0", repr(months)))
    tenure = _tenure(review.get("min_tenure_months"), ladder, problems)
    places = review.get("average_places")
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 6:
        problems.add("review.average_places", expected("what.decimals", repr(places)))
    bonus = load_bonus(params.get("bonus"), "bonus", problems)
    if len(problems.lines) > before:
        return None
    specs = tuple(Scheme(name="", model=None, version="", params=params, source="").metric_specs())  # type: ignore[arg-type]
    return TierParams(
        ladder,
        items,
        bands,
        cap,
        numbers["promote_above"],
        numbers["demote_below"],
        numbers["probation_below"],
        months,
        numbers["dismissal_below"],
        tenure,
        Decimal(1).scaleb(-places),
        bonus,
        specs,
    )  # type: ignore[arg-type]


def _score(score: dict, metrics: dict, problems: Problems) -> tuple[tuple, tuple, Decimal | None]:
    method = score.get("method")
    if method not in METHODS:
        problems.add("score.method", line("five-tier.method", weighted="weighted", bands="bands", got=repr(method)))
        return (), (), None
    if method == "weighted":
        for key in sorted(set(score) - {"method", "items"}):
            problems.add(f"score.{key}", line("five-tier.unknown_key", method="weighted", keys="items"))
        return load_items(score.get("items"), "score.items", metrics, problems) or (), (), None
    for key in sorted(set(score) - {"method", "bands", "max"}):
        problems.add(f"score.{key}", line("five-tier.unknown_key", method="bands", keys="bands, max"))
    cap = None
    if "max" in score:
        cap = as_decimal(score["max"])
        if cap is None or cap <= 0:
            problems.add("score.max", expected("what.positive_number", repr(score["max"])))
    raw = score.get("bands")
    if not isinstance(raw, dict) or not raw:
        problems.add("score.bands", expected(line("five-tier.band_tables", example="[score.bands.conversion]")))
        return (), (), cap
    bands = []
    for key, data in raw.items():
        metric = metrics.get(key)
        if not isinstance(metric, dict):
            problems.add(f"score.bands.{key}", line("problem.no_metric", metric=repr(key), table=f"metrics.{key}"))
            continue
        if metric.get("kind") not in BAND_KINDS:
            words = {"metric": repr(key), "kind": repr(metric.get("kind")), "kinds": ", ".join(BAND_KINDS)}
            problems.add(f"score.bands.{key}", line("five-tier.band_kind", **words))
            continue
        table = load_band_table(data, f"score.bands.{key}", problems)
        if table is not None:
            bands.append(BandMetric(key, str(metric.get("label", key)), str(metric.get("kind")), table))
    return (), tuple(bands), cap


def _check_order(numbers: dict[str, Decimal | None], problems: Problems) -> None:
    """probation_below <= demote_below <= promote_above, or the review bands overlap."""
    low, mid, high = numbers["probation_below"], numbers["demote_below"], numbers["promote_above"]
    if low is not None and mid is not None and low > mid:
        problems.add(
            "review.probation_below", expected(line("five-tier.at_most", name="demote_below", value=format_number(mid)))
        )
    if mid is not None and high is not None and mid > high:
        problems.add(
            "review.demote_below", expected(line("five-tier.at_most", name="promote_above", value=format_number(high)))
        )


def _tenure(raw: object, ladder: tuple[str, ...], problems: Problems) -> dict[str, int]:
    if not isinstance(raw, dict):
        problems.add("review.min_tenure_months", expected("five-tier.tenure"))
        return {}
    tenure = {}
    for key, months in raw.items():
        if key not in ladder:
            problems.add(
                f"review.min_tenure_months.{key}",
                line("problem.unknown_level", level=repr(key), levels=", ".join(ladder)),
            )
        elif not isinstance(months, int) or isinstance(months, bool) or months < 0:
            problems.add(f"review.min_tenure_months.{key}", expected("what.months_at_least_0", repr(months)))
        else:
            tenure[key] = months
    for key in ladder:
        if key not in raw:
            problems.add(f"review.min_tenure_months.{key}", missing("five-tier.tenure_missing"))
    return tenure
