"""``star-levels``: star-level agents (星级客服, doc 004), reviewed monthly.

TOML sections (numbers in schemes/star-levels.toml):

- ``[probation]`` ``level`` (the ladder's probation key), ``months`` after the hire date,
  ``first_level`` (the star an agent gets when probation ends).
- ``[[score.kpis]]`` ``key``, ``label``, ``actual``, ``target`` (metric keys), ``weight`` (%,
  summing to 100). Score = Σ weight × actual / target × 100.
- ``[review]`` ``promote_at`` (a month >= it counts up), ``demote_below`` (a month < it
  counts down), ``window`` (consecutive calendar months for a change).
- ``score.places``: the month's score is shown rounded half up to these decimals; the
  streaks compare the exact score (domain.md, settled rules: 109.995% is below 110%), and
  the trace shows enough digits to see its side of the bar.

The ladder above ``first_level`` is the star range: nothing above the last level, nothing
below ``first_level`` (an agent who would drop from it is flagged instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cstui.domain import Employee, Override, Period, Scorecard, texts
from cstui.domain.texts import from_json, line, to_json
from cstui.domain.values import HUNDRED, format_number
from cstui.engine import checks
from cstui.engine.bands import as_decimal
from cstui.engine.cards import CardProblem, is_blank, parse_value
from cstui.engine.exact import side_text
from cstui.engine.model import MetricSpec, MonthScore
from cstui.engine.params_schema import NUMBER, TEXT, WHOLE, ArrayOf, Table
from cstui.engine.problem_texts import expected
from cstui.engine.replay import (
    CardValueError,
    Later,
    MonthState,
    ReplayModel,
    Skimmed,
    first_whole_month_after,
    override_why,
    parse_card,
    text,
)
from cstui.schemes import Problems, Scheme

_LEVELS = {"level": "level", "before": "level", "after": "level", "first": "level"}
# the problems of a star-levels scheme's own rules (keys as written)
KPI_KEYS = "key, actual, target, weight"
texts.register(
    {
        "star-levels.level_above": ("a level above {level} on the ladder", "阶梯上高于 {level} 的级别"),
        "star-levels.demote_at_most": (
            "expected at most {name} ({value}): a month cannot count both up and down",
            "应不大于 {name}（{value}）：一个月不能同时计入升级和降级",
        ),
        "star-levels.divisible": (
            "metric {metric} must be money, number or count to divide actual by target",
            "指标 {metric} 应为金额、数字或计数，才能以实际值除以目标值",
        ),
    }
)
texts.register(
    {
        "star-levels.target_above_0": ("expected a target above 0, got {value}", "目标必须大于 0，实际为 {value}"),
        "star-levels.probation_ended_why": (
            "probation ended ({months} months after hire)",
            "试用期结束（入职后 {months} 个月）",
        ),
        "star-levels.probation_ended": (
            "probation ended → {first} from {month}",
            "试用期结束 → {first}，自 {month} 起",
            _LEVELS,
        ),
        "star-levels.not_assessed_probation": ("not assessed: probation", "不考核：试用期"),
        "star-levels.not_assessed_before": ("not assessed: before the first scorecard", "不考核：首张考核表之前"),
        "star-levels.no_card": (
            "no scorecard for {month}: both streaks restart",
            "{month} 无考核表：升降级连续计数都重新开始",
        ),
        "star-levels.override": (
            "override {before} → {after} from {month}: {reason}; streaks restart",
            "手动调整 {before} → {after}，自 {month} 起：{reason}；连续计数重新开始",
            _LEVELS,
        ),
        "star-levels.streak": (
            "streak: {up} month(s) >= {promote_at}, {down} month(s) < {demote_below}",
            "连续计数：{up} 个月 >= {promote_at}，{down} 个月 < {demote_below}",
        ),
        "star-levels.stays_top": (
            "{why} → stays {level}: {level} is the top of the ladder",
            "{why} → 保持 {level}：{level} 已是最高级",
            _LEVELS,
        ),
        "star-levels.stays_bottom": (
            "{why} → stays {level}: {level} is the bottom of the ladder",
            "{why} → 保持 {level}：{level} 已是最低级",
            _LEVELS,
        ),
        "star-levels.move": (
            "{why} → {before} → {after} from {month}",
            "{why} → {before} → {after}，自 {month} 起",
            _LEVELS,
        ),
        "star-levels.window": ("{n} months {rule} ({scores})", "连续 {n} 个月 {rule}（{scores}）"),
        "star-levels.edge_top": ("{why}: already at the top ({level})", "{why}：已是最高级（{level}）", _LEVELS),
        "star-levels.edge_bottom": ("{why}: already at the bottom ({level})", "{why}：已是最低级（{level}）", _LEVELS),
        "star-levels.kpi": (
            "{label} {actual} / {target} = {percent}% (weight {weight}%) → {part}",
            "{label_zh} {actual} / {target} = {percent}%（权重 {weight}%）→ {part}",
        ),
        "star-levels.score": ("score = {score}", "得分 = {score}"),
    }
)


@dataclass(frozen=True, slots=True)
class Kpi:
    key: str
    label: str
    actual: str
    target: str
    weight: Decimal
    label_zh: str = ""  # the trace's KPI name in 中文 (the label when the scheme gives none)


@dataclass(frozen=True, slots=True)
class StarParams:
    ladder: tuple[str, ...]
    probation_level: str
    probation_months: int
    first_level: str
    kpis: tuple[Kpi, ...]
    promote_at: Decimal
    demote_below: Decimal
    window: int
    specs: tuple[MetricSpec, ...]
    score_step: Decimal  # 10 ** -score.places: the month's score is shown rounded to this

    @property
    def stars(self) -> tuple[str, ...]:
        return self.ladder[self.ladder.index(self.first_level) :]

    @property
    def places(self) -> int:
        return -self.score_step.as_tuple().exponent

    def shown(self, score: Decimal) -> str:
        """A score in a trace: rounded to places, with the digits its side of the bars needs."""
        return side_text(score, self.promote_at, self.demote_below, places=self.places)


def grouped(value: Decimal) -> str:
    """112000 → 112,000 (amounts in the trace read like the paper form)."""
    text = format_number(value)
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "") if whole.lstrip("-").isdigit() else text


KPI_SHAPE = Table({"key": TEXT, "label": TEXT, "label_zh": TEXT, "actual": TEXT, "target": TEXT, "weight": NUMBER})
PARAMS_SHAPE = Table(
    {
        "probation": Table({"level": TEXT, "months": WHOLE, "first_level": TEXT}),
        "score": Table({"places": WHOLE, "kpis": ArrayOf(KPI_SHAPE)}),
        "review": Table({"promote_at": NUMBER, "demote_below": NUMBER, "window": WHOLE}),
    }
)


class StarLevels(ReplayModel):
    name = "star-levels"
    review = "monthly"
    label = "Star-level agents"
    params_schema = PARAMS_SHAPE
    state_version = 2  # 2: the streaks hold exact scores (were rounded to score.places)

    def compile(self, params: dict, problems: Problems) -> StarParams | None:
        return compile_params(params, problems)

    # --- one month ----------------------------------------------------------------------

    def card_problems(self, scheme: Any, card: Scorecard) -> list[CardProblem]:
        """The metrics' kinds, and every KPI's target above 0 (a completion % needs one)."""
        problems = super().card_problems(scheme, card)
        refused = {p.field for p in problems}
        for target, kind in _targets(self.compiled(scheme)):
            raw = card.values.get(target)
            if target not in refused and not is_blank(raw) and parse_value(kind, raw) <= 0:
                problems.append(CardProblem(target, line("star-levels.target_above_0", value=str(raw).strip())))
        return problems

    def valid_by_columns(self, scheme: Any, cards: list, base: list[bool]) -> list[bool]:
        """:meth:`card_problems` a column at a time (engine.cards.valid_by_columns): ``base`` (the
        default check's verdicts) and no KPI target at or below 0, each distinct text parsed once."""
        verdicts = list(base)
        for target, kind in _targets(self.compiled(scheme)):
            column = [values.get(target) for values in cards]
            low = {raw for raw in set(column) if not is_blank(raw) and not _above_zero(kind, raw)}
            if low:
                verdicts = [fine and raw not in low for fine, raw in zip(verdicts, column)]
        return verdicts

    def score_month(self, scheme: Any, employee: Employee, card: Scorecard) -> MonthScore:
        params = self.compiled(scheme)
        score, trace = month_score(params, employee.id, card)
        return MonthScore(score=score.quantize(params.score_step, rounding=ROUND_HALF_UP), trace=trace)

    # --- replay ------------------------------------------------------------------------

    def columns_plan(self, scheme: Any) -> tuple[list[str], int]:
        """The fast path's read (cstui.grading_columns): every metric as columns, the last
        window's months with their typed decimals (a running streak's exact scores are rebuilt
        from them); no card before the period."""
        params = self.compiled(scheme)
        return [spec.key for spec in params.specs], params.window

    def checkpoint_columns(self, scheme: Any, columns: Any, month: Period) -> dict | None:
        """The replay state at the end of ``month``, replayed column-wise (columnar.py), or None."""
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

    def starting_level(self, params: StarParams, employee: Employee) -> str:
        return employee.level or params.probation_level

    def begin(
        self,
        params: StarParams,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        until: Period,
        explain_from: Period | None,
        saved: dict | None,
        after: Period | None,
    ) -> tuple[_Run, Period]:
        if saved is not None and saved.get("run") is not None and after is not None:
            return _Run.restore(params, employee.id, saved["run"], explain_from), after.next()
        assess_from = self._assessed_from(params, employee, cards, by_month)
        hired = Period.of_date(employee.hire_date)
        start = (
            hired
            if employee.level in (None, params.probation_level)
            else min([assess_from, *by_month], key=lambda p: p.ordinal)
        )
        return _Run(
            params, employee.id, self.starting_level(params, employee), explain_from, assess_from.ordinal
        ), start

    def _assessed_from(self, params: StarParams, employee: Employee, cards: dict, by_month: dict) -> Period:
        """Hire-date rule for new agents; imported stars from their first scorecard."""
        if employee.level in (None, params.probation_level):
            return first_whole_month_after(params.probation_months, employee.hire_date)
        first = [p for p in (*cards, *by_month)]
        return min(first, key=lambda p: p.ordinal) if first else Period.from_ordinal(10**9)


class _Run:
    """The streaks and the level while one employee's months are replayed in order."""

    def __init__(self, params: StarParams, employee_id: str, level: str, explain_from: Period | None, assess_from: int):
        self.p, self.employee_id, self.level = params, employee_id, level
        self.explain_from = explain_from.ordinal if explain_from is not None else -1
        self.assess_from = assess_from  # ordinal of the first assessed month
        self.up: list[Decimal] = []
        self.down: list[Decimal] = []
        self.pending_why: str | Later | None = None  # why the level that starts next month changed
        self.placed = False  # placed by hand: assessed from the override on

    def state(self) -> dict:
        """Everything later months need, JSON-able (scores as strings keep their exact digits)."""
        return {
            "level": self.level,
            "assess_from": self.assess_from,
            "up": [str(s) for s in self.up],
            "down": [str(s) for s in self.down],
            "pending_why": to_json(text(self.pending_why)),
            "placed": self.placed,
        }

    @classmethod
    def restore(cls, params: StarParams, employee_id: str, state: dict, explain_from: Period | None) -> _Run:
        run = cls(params, employee_id, state["level"], explain_from, state["assess_from"])
        run.up = [Decimal(s) for s in state["up"]]
        run.down = [Decimal(s) for s in state["down"]]
        run.pending_why, run.placed = from_json(state["pending_why"]), state["placed"]
        return run

    def month(self, month: Period, card: Scorecard | None, override: Override | None) -> MonthState:
        assessed = month.ordinal >= self.assess_from
        # a month before explain_from is replayed for its level only: its trace is never read
        explained = month.ordinal >= self.explain_from
        state = MonthState(month, self.level, self.level, why=self.pending_why)
        self.pending_why = None
        if override is not None:
            self._override(state, override, explained)
        elif assessed and self.level == self.p.probation_level:
            self.level = state.level = state.level_after = self.p.first_level
            state.why = line("star-levels.probation_ended_why", months=self.p.probation_months)
            if explained:
                state.trace.append(line("star-levels.probation_ended", first=self.p.first_level, month=month))
        assessed = assessed or self.placed
        exact = None
        if card is not None:
            exact, lines = month_score(self.p, self.employee_id, card, explained)
            state.score = exact.quantize(self.p.score_step, rounding=ROUND_HALF_UP)  # shown; the exact score decides
            state.trace.extend(lines)
        if state.level == self.p.probation_level or not assessed:
            if explained:
                probation = state.level == self.p.probation_level
                state.trace.append(
                    line("star-levels.not_assessed_probation" if probation else "star-levels.not_assessed_before")
                )
            return state
        if exact is None:
            self.up, self.down = [], []
            state.decision = "missing"
            state.flags.append(line("flag.missing", month=month))
            if explained:
                state.trace.append(line("star-levels.no_card", month=month))
            return state
        self._count(state, exact, explained)
        return state

    def skim(self, months: list[Period], cards: dict[Period, Scorecard], by_month: dict[Period, Override]) -> Skimmed:
        """:meth:`month` for months no report reads: the streaks, the level and its whys only.

        The fast path of a long replay (no MonthState, trace line, flag or shown score);
        :meth:`month` is the reference, and a property test holds the two to the same levels,
        timelines, states and results.
        """
        # the first month is always a candidate: the timeline compares it with the level held
        # before it, which a resumed run does not know (it holds the level after)
        p, changes, held_before = self.p, [], None
        for month in months:
            why, self.pending_why = self.pending_why, None
            override, assessed = by_month.get(month), month.ordinal >= self.assess_from
            if override is not None:
                self.level, self.up, self.down = override.level, [], []
                self.placed = override.level != p.probation_level
                why = override_why(override)
            elif assessed and self.level == p.probation_level:
                self.level, why = p.first_level, line("star-levels.probation_ended_why", months=p.probation_months)
            if self.level != held_before:
                changes.append((month, self.level, why))
                held_before = self.level
            card = cards.get(month)
            exact = month_score(p, self.employee_id, card, False)[0] if card is not None else None
            if self.level == p.probation_level or not (assessed or self.placed):
                continue
            if exact is None:
                self.up, self.down = [], []
            else:
                self._skim_count(exact)
        return Skimmed(months[-1], changes, self.level)

    def _skim_count(self, score: Decimal) -> None:
        """:meth:`_count` and :meth:`_change` for a skimmed month: the level moves, nothing is written."""
        p = self.p
        self.up = self.up + [score] if score >= p.promote_at else []
        self.down = self.down + [score] if score < p.demote_below else []
        up = len(self.up) >= p.window
        if not up and len(self.down) < p.window:
            return
        streak, stars = (self.up if up else self.down), p.stars
        at = stars.index(self.level) if self.level in stars else 0
        self.up, self.down = [], []
        target = at + (1 if up else -1)
        if 0 <= target < len(stars):
            self.level, self.pending_why = stars[target], Later(window_why, p, up, streak)

    def _override(self, state: MonthState, override: Override, explained: bool) -> None:
        before = self.level
        self.level = state.level = state.level_after = override.level
        self.up, self.down = [], []
        self.placed = override.level != self.p.probation_level
        state.why = override_why(override)
        state.flags.append(line("flag.override"))
        if explained:
            state.trace.append(
                line(
                    "star-levels.override",
                    before=before,
                    after=override.level,
                    month=state.period,
                    reason=override.reason,
                )
            )

    def _count(self, state: MonthState, score: Decimal, explained: bool) -> None:
        """Count the month's exact ``score`` into the streaks (never its rounded display)."""
        p = self.p
        self.up = self.up + [score] if score >= p.promote_at else []
        self.down = self.down + [score] if score < p.demote_below else []
        state.decision = "stay"
        if len(self.up) >= p.window:
            self._change(state, +1, True, self.up, explained)
        elif len(self.down) >= p.window:
            self._change(state, -1, False, self.down, explained)
        elif explained:
            bars = dict(promote_at=format_number(p.promote_at), demote_below=format_number(p.demote_below))
            state.trace.append(line("star-levels.streak", up=len(self.up), down=len(self.down), **bars))

    def _change(self, state: MonthState, step: int, up: bool, streak: list[Decimal], explained: bool) -> None:
        """A full window: the level moves one star (or is flagged at the ladder's edge).

        Its why is kept unformatted (:class:`Later`): a past window's text is read only
        when its change is on a timeline, and its flag only when its month is reported.
        """
        stars = self.p.stars
        at = stars.index(self.level) if self.level in stars else 0
        why = Later(window_why, self.p, up, streak)
        self.up, self.down = [], []  # the streak restarts after every window, changed or not
        target = at + step
        if not 0 <= target < len(stars):
            edge = "top" if step > 0 else "bottom"
            state.flags.append(Later(_edge_flag, why, edge, self.level))
            if explained:
                state.trace.append(line(f"star-levels.stays_{edge}", why=text(why), level=self.level))
            return
        new = stars[target]
        effective = state.period.next()
        state.decision = "promote" if step > 0 else "demote"
        state.level_after = new
        if explained:
            state.trace.append(line("star-levels.move", why=text(why), before=self.level, after=new, month=effective))
        self.level = new
        self.pending_why = why


def window_why(params: StarParams, up: bool, streak: list[Decimal]) -> str:
    """``3 months >= 110 (112.5, 120, 110)``: why a full window moves the level."""
    rule = f">= {format_number(params.promote_at)}" if up else f"< {format_number(params.demote_below)}"
    return line("star-levels.window", n=len(streak), rule=rule, scores=", ".join(params.shown(s) for s in streak))


def _edge_flag(why: Later, edge: str, level: str) -> str:
    return line(f"star-levels.edge_{edge}", why=text(why), level=level)


_TARGETS: dict[int, tuple[StarParams, tuple[tuple[str, str], ...]]] = {}


def _targets(params: StarParams) -> tuple[tuple[str, str], ...]:
    """Each KPI's target metric and its kind, once per compiled scheme (every card is checked)."""
    entry = _TARGETS.get(id(params))
    if entry is None or entry[0] is not params:
        kinds = {spec.key: spec.kind for spec in params.specs}
        if len(_TARGETS) > 64:
            _TARGETS.clear()
        entry = _TARGETS[id(params)] = (
            params,
            tuple((t, kinds[t]) for t in dict.fromkeys(k.target for k in params.kpis)),
        )
    return entry[1]


def _above_zero(kind: str, raw: object) -> bool:
    """A target's text parses above 0; a text that does not parse is no verdict (judged by the card)."""
    try:
        return parse_value(kind, raw) > 0
    except Exception:
        return False


def month_score(
    params: StarParams, employee_id: str, card: Scorecard, explain: bool = True
) -> tuple[Decimal, list[str]]:
    """Σ weight × actual / target × 100, exact (not rounded), one trace line per KPI when ``explain``.

    Each KPI's part is one division, weight × actual / target, the quotient rounded once to
    28 significant digits: a part exactly at a bar is exact, and one off it by more than
    1e-25 keeps its side (amounts have at most 15 significant digits).
    """
    values = parse_card(params.specs, employee_id, card)
    total = Decimal(0)
    trace = []
    for kpi in params.kpis:
        # a count parses to an int: int / int would be a float, and float × Decimal a TypeError
        actual, target = Decimal(values[kpi.actual]), Decimal(values[kpi.target])
        if target <= 0:
            raise CardValueError(
                employee_id, card.period, kpi.target, line("star-levels.target_above_0", value=format_number(target))
            )
        part = kpi.weight * actual / target
        total += part
        if explain:
            percent = actual * HUNDRED / target
            shown = dict(actual=grouped(actual), target=grouped(target), percent=params.shown(percent))
            trace.append(
                line(
                    "star-levels.kpi",
                    label=kpi.label,
                    label_zh=kpi.label_zh or kpi.label,
                    **shown,
                    weight=format_number(kpi.weight),
                    part=params.shown(part),
                )
            )
    if explain and len(params.kpis) > 1:
        trace.append(line("star-levels.score", score=params.shown(total)))
    return total, trace


# --- parameter checks ----------------------------------------------------------------------


def compile_params(params: dict, problems: Problems) -> StarParams | None:
    before = len(problems.lines)
    ladder = tuple(
        lv["key"] for lv in params.get("levels", []) if isinstance(lv, dict) and isinstance(lv.get("key"), str)
    )
    probation = checks.table(params, "probation", problems)
    score = checks.table(params, "score", problems)
    review = checks.table(params, "review", problems)
    probation_level = checks.level(probation, "probation.level", ladder, problems)
    first_level = checks.level(probation, "probation.first_level", ladder, problems)
    if probation_level and first_level and ladder.index(first_level) <= ladder.index(probation_level):
        problems.add("probation.first_level", expected(line("star-levels.level_above", level=repr(probation_level))))
    months = checks.whole(probation, "probation.months", problems)
    kpis = _kpis(score.get("kpis"), params.get("metrics", {}), problems)
    promote_at = checks.number(review, "review.promote_at", problems)
    demote_below = checks.number(review, "review.demote_below", problems)
    if promote_at is not None and demote_below is not None and demote_below > promote_at:
        at_most = line("star-levels.demote_at_most", name="promote_at", value=format_number(promote_at))
        problems.add("review.demote_below", at_most)
    window = checks.whole(review, "review.window", problems, minimum=1)
    places = checks.whole(score, "score.places", problems)
    if places is not None and places > 6:
        problems.add("score.places", expected("what.decimals", str(places)))
    if len(problems.lines) > before:
        return None
    specs = tuple(_specs(params))
    return StarParams(
        ladder,
        probation_level,
        months,
        first_level,
        kpis,
        promote_at,
        demote_below,
        window,
        specs,
        Decimal(1).scaleb(-places),
    )  # type: ignore[arg-type]


def _specs(params: dict) -> list[MetricSpec]:
    return Scheme(name="", model=None, version="", params=params, source="").metric_specs()  # type: ignore[arg-type]


def _kpis(raw: object, metrics: dict, problems: Problems) -> tuple[Kpi, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add("score.kpis", expected(line("what.tables_with", table="score.kpis", keys=KPI_KEYS)))
        return ()
    kpis = []
    for i, item in enumerate(raw):
        path = f"score.kpis[{i}]"
        if not isinstance(item, dict):
            problems.add(path, expected(line("what.table_with", keys=KPI_KEYS)))
            continue
        fields = {}
        for key in ("actual", "target"):
            metric = item.get(key)
            if not isinstance(metric, str) or metric not in metrics:
                problems.add(
                    f"{path}.{key}", expected(line("what.metric_key_of", metrics=", ".join(metrics)), repr(metric))
                )
            elif metrics[metric].get("kind") not in ("money", "number", "count"):
                problems.add(f"{path}.{key}", line("star-levels.divisible", metric=repr(metric)))
            fields[key] = metric
        weight = as_decimal(item.get("weight"))
        if weight is None or weight <= 0:
            problems.add(f"{path}.weight", expected("what.positive_weight", repr(item.get("weight"))))
            continue
        key = str(item.get("key", fields.get("actual")))
        label = str(item.get("label", key))
        kpis.append(Kpi(key, label, fields["actual"], fields["target"], weight, str(item.get("label_zh", label))))
    total = sum((k.weight for k in kpis), Decimal(0))
    if len(kpis) == len(raw) and total != HUNDRED:
        problems.add("score.kpis", line("problem.weights_sum", total=format_number(total)))
    return tuple(kpis)
