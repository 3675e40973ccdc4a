"""``kpi-card``: a monthly KPI scorecard of items that add up to points (doc 001).

The model behind the schemes for roles and desks the three ladders do not cover:
``front-desk`` (物业前台, doc 001 #2), ``plan-and-form`` (doc 001 #3), ``supervisor-kpi``
(doc 001 #7, #10, #18) and ``manager-kpi`` (doc 001 #11, #18).

TOML sections:

- ``[[score.items]]`` the items (:mod:`.items`: ``bands``, ``deduction``, ``weighted``,
  ``rated``); ``score.max`` caps the month's total (optional); ``[score.blend]`` self and
  supervisor weights of rated items (required with one); ``[score.parts]`` optional part
  weights (plan = 60, form = 40) the items' weights must add up to.
- ``[bonus]`` optional monthly bonus bands (doc 001 #15), ``amount`` per band.
- ``[card]`` optional: ``at_most = { complaint_lapses = "complaints" }``: the card check
  refuses a card whose first field is above the second (a cross-field rule of the card).
- ``[allowance]`` optional: a fixed monthly pay line per level (the supervisors' post
  allowance 500 / 1000 / 1500, doc 000). The level is set by the roster or a manager's
  override, never by a score, so nothing else (a star change included) touches it.

A month's score is the exact sum of its items (capped); the pay line is the bonus plus the
allowance of the level held in the month. Levels change only by override.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cstui.domain import Employee, Override, Period, Scorecard, texts
from cstui.domain.texts import line
from cstui.domain.values import format_number
from cstui.engine import checks
from cstui.engine.bands import BandTable, as_decimal
from cstui.engine.bonus import bonus_for, load_bonus
from cstui.engine.cards import CardProblem, is_blank, parse_value
from cstui.engine.exact import side_text
from cstui.engine.model import MetricSpec, MonthScore
from cstui.engine.params_schema import NUMBER, TEXT, WHOLE, ArrayOf, MapOf, Table
from cstui.engine.problem_texts import expected, missing
from cstui.engine.replay import MonthState, ReplayModel, override_why, parse_card
from cstui.engine.weighted import load_blend
from cstui.schemes import Problems, Scheme

from .items import CardItem, check_parts, load_items

# the problems of a kpi-card scheme's own rules (keys and TOML as written)
texts.register(
    {
        "kpi-card.problem.score": ("a table with {table}", "含 {table} 的表"),
        "kpi-card.problem.card": ("a table with {example}", "含 {example} 的表"),
        "kpi-card.problem.same_kind": (
            "the key of a metric of the same numeric kind as {field}",
            "与 {field} 数值类型相同的指标的键",
        ),
        "kpi-card.problem.blend": ("rated items need [{table}] {example}", "评分项目需要 [{table}] {example}"),
        "kpi-card.problem.allowance": ("a table: level key = yuan a month", "表：级别键 = 每月元数"),
        "kpi-card.problem.yuan": ("an amount in yuan >= 0", "不小于 0 的金额（元）"),
    }
)
texts.register(
    {
        "kpi-card.at_most": (
            "expected at most {limit} ({top}), got {value}",
            "不能超过 {limit}（{top}），实际为 {value}",
        ),
        "kpi-card.allowance": (
            "post allowance ({level}): +{amount} yuan a month (fixed by the post; no score or star change touches it)",
            "岗位津贴（{level}）：每月 +{amount} 元（由岗位决定，不受得分或星级变化影响）",
            {"level": "level"},
        ),
        "kpi-card.pay": ("pay line = {pay} yuan", "应发 = {pay} 元"),
    }
)

_ITEM = Table(
    {
        "key": TEXT,
        "label": TEXT,
        "label_zh": TEXT,
        "kind": TEXT,
        "metric": TEXT,
        "self": TEXT,
        "supervisor": TEXT,
        "weight": NUMBER,
        "part": TEXT,
        "better": TEXT,
        "bands": checks.band_table("points").fields["bands"],
        "points": NUMBER,
        "per": NUMBER,
        "all_lost_above": WHOLE,
    }
)
# the declared shape of kpi-card's own tables (cstui.engine.params_schema)
PARAMS_SHAPE = Table(
    {
        "score": Table(
            {
                "items": ArrayOf(_ITEM),
                "max": NUMBER,
                "blend": Table({"self": NUMBER, "supervisor": NUMBER}),
                "parts": MapOf(NUMBER, "part name"),
            }
        ),
        "bonus": checks.band_table("amount"),
        "allowance": MapOf(NUMBER, "level key"),
        "card": Table({"at_most": MapOf(TEXT, "metric key")}),
    }
)


@dataclass(frozen=True, slots=True)
class CardParams:
    ladder: tuple[str, ...]
    items: tuple[CardItem, ...]
    cap: Decimal | None
    blend: tuple[Decimal, Decimal]
    bonus: BandTable | None
    allowance: dict[str, Decimal]
    specs: tuple[MetricSpec, ...]
    at_most: tuple[tuple[str, str, str], ...] = ()  # (field, its limit field, their kind)

    @property
    def bounds(self) -> tuple[Decimal, ...]:
        """The thresholds a month's score is compared with (the bonus bands' edges)."""
        if self.bonus is None:
            return ()
        return tuple(b.low for b in self.bonus.bands if b.low is not None)


class KpiCard(ReplayModel):
    name = "kpi-card"
    review = "monthly"
    label = "KPI scorecard (items, bonus, allowance)"
    params_schema = PARAMS_SHAPE  # unknown keys in its own tables are refused

    def compile(self, params: dict, problems: Problems) -> CardParams | None:
        return compile_params(params, problems)

    def card_problems(self, scheme: Any, card: Scorecard) -> list[CardProblem]:
        """The fields' kinds, then ``[card] at_most``: a field never above its limit field."""
        problems = super().card_problems(scheme, card)
        refused = {p.field for p in problems}
        for field, limit, kind in self.compiled(scheme).at_most:
            raw, top = card.values.get(field), card.values.get(limit)
            if field in refused or limit in refused or is_blank(raw) or is_blank(top):
                continue
            if parse_value(kind, raw) > parse_value(kind, top):
                problems.append(
                    CardProblem(
                        field, line("kpi-card.at_most", limit=limit, top=str(top).strip(), value=str(raw).strip())
                    )
                )
        return problems

    def valid_by_columns(self, scheme: Any, cards: list, base: list[bool]) -> list[bool]:
        """:meth:`card_problems` a column at a time (engine.cards.valid_by_columns): ``base`` (the
        default check's verdicts) and each ``at_most`` field not above its limit (texts parsed once each)."""
        verdicts = list(base)
        for field, limit, kind in self.compiled(scheme).at_most:
            verdicts = [
                fine and _within(kind, values.get(field), values.get(limit)) for fine, values in zip(verdicts, cards)
            ]
        return verdicts

    def score_month(self, scheme: Any, employee: Employee, card: Scorecard) -> MonthScore:
        params = self.compiled(scheme)
        level = employee.level or params.ladder[0]
        score, trace = card_score(params, employee.id, card)
        pay, lines = pay_lines(params, score, level)
        return MonthScore(score=score, pay_delta=pay, trace=trace + lines)

    def starting_level(self, params: CardParams, employee: Employee) -> str:
        return employee.level or params.ladder[0]

    def unstarted(
        self,
        params: Any,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        month: Period,
        saved: dict | None,
    ) -> dict | None:
        # the replay starts at the first scorecard or override: a checkpoint taken before any
        # keeps no run, so a resume starts where a full replay would (and their timelines agree)
        return None if any(p.ordinal <= month.ordinal for p in (*cards, *by_month)) else {}

    def begin(
        self,
        params: CardParams,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        until: Period,
        explain_from: Period | None,
        saved: dict | None,
        after: Period | None,
    ) -> tuple[CardRun, Period]:
        if saved is not None and saved.get("run") is not None and after is not None:
            return CardRun.restore(params, employee.id, saved["run"], explain_from), after.next()
        return CardRun(params, employee.id, self.starting_level(params, employee), explain_from), first_month(
            employee, cards, by_month, until
        )


def first_month(employee: Employee, cards: dict, by_month: dict, until: Period) -> Period:
    """The hire month, or the first month with a scorecard or an override when that is later
    (staff imported with years of service are not flagged missing for every month before)."""
    first = min([*cards, *by_month, until], key=lambda p: p.ordinal)
    return max(Period.of_date(employee.hire_date), first, key=lambda p: p.ordinal)


class CardRun:
    """One employee's level while the months are replayed (only an override changes it)."""

    def __init__(self, params: CardParams, employee_id: str, level: str, explain_from: Period | None):
        self.p, self.employee_id, self.level = params, employee_id, level
        self.explain_from = explain_from.ordinal if explain_from is not None else -1

    def state(self) -> dict:
        return {"level": self.level}

    @classmethod
    def restore(cls, params: CardParams, employee_id: str, state: dict, explain_from: Period | None) -> CardRun:
        return cls(params, employee_id, state["level"], explain_from)

    def month(self, month: Period, card: Scorecard | None, override: Override | None) -> MonthState:
        state = MonthState(month, self.level, self.level)
        if override is not None:
            self.level = state.level = state.level_after = override.level
            state.why = override_why(override)
            state.flags.append(line("flag.override"))
            state.trace.append(line("model.override_to", level=override.level, month=month, reason=override.reason))
        if card is None:
            state.decision = "missing"
            state.flags.append(line("flag.missing", month=month))
            state.trace.append(line("model.no_card", month=month))
            return state
        explain = month.ordinal >= self.explain_from
        state.score, lines = card_score(self.p, self.employee_id, card, explain)
        state.pay_delta, pay = pay_lines(self.p, state.score, state.level)
        if explain:
            state.trace.extend(lines + pay)
        return state


def card_score(
    params: CardParams, employee_id: str, card: Scorecard, explain: bool = True
) -> tuple[Decimal, list[str]]:
    """The exact sum of the items' points (capped at ``score.max``) and its trace."""
    values = parse_card(params.specs, employee_id, card)
    total, trace = Decimal(0), []
    for item in params.items:
        points, item_line = item.score(values, params.blend)
        total += points
        trace.append(item_line)
    if params.cap is not None and total > params.cap:
        trace.append(line("model.capped", score=format_number(total), cap=format_number(params.cap)))
        total = params.cap
    trace.append(line("model.score", score=side_text(total, *params.bounds)))
    return total, (trace if explain else [])


def pay_lines(params: CardParams, score: Decimal, level: str) -> tuple[Decimal | None, list[str]]:
    """The month's pay line: the bonus of the score plus the level's fixed allowance."""
    pay, lines = None, []
    if params.bonus is not None:
        pay, bonus_line = bonus_for(params.bonus, score)
        lines.append(bonus_line)
    if level in params.allowance:
        amount = params.allowance[level]
        pay = (pay or Decimal(0)) + amount
        lines.append(line("kpi-card.allowance", level=level, amount=format_number(amount)))
    if len(lines) > 1 and pay is not None:
        lines.append(line("kpi-card.pay", pay=format_number(pay)))
    return pay, lines


# --- parameters ---------------------------------------------------------------------------


def compile_params(params: dict, problems: Problems) -> CardParams | None:
    before = len(problems.lines)
    ladder = tuple(
        lv["key"] for lv in params.get("levels", []) if isinstance(lv, dict) and isinstance(lv.get("key"), str)
    )
    metrics = params.get("metrics", {}) if isinstance(params.get("metrics"), dict) else {}
    score = params.get("score")
    if not isinstance(score, dict):
        problems.add("score", missing(line("kpi-card.problem.score", table="[[score.items]]")))
        return None
    items = load_items(score.get("items"), metrics, problems)
    check_parts(score.get("parts"), items, problems)
    cap = _cap(score, problems)
    weights = _blend(score, items, problems)
    bonus = load_bonus(params["bonus"], "bonus", problems) if "bonus" in params else None
    allowance = _allowance(params.get("allowance"), ladder, problems)
    at_most = _at_most(params.get("card"), metrics, problems)
    if len(problems.lines) > before:
        return None
    specs = tuple(Scheme(name="", model=None, version="", params=params, source="").metric_specs())  # type: ignore[arg-type]
    return CardParams(ladder, items, cap, weights, bonus, allowance, specs, at_most)


def _within(kind: str, raw: object, top: object) -> bool:
    """An ``at_most`` field not above its limit (a blank one is); a text that does not parse is
    no verdict (judged by the card, whose check words it)."""
    if is_blank(raw) or is_blank(top):
        return True
    try:
        return not parse_value(kind, raw) > parse_value(kind, top)
    except Exception:
        return False


def _at_most(raw: object, metrics: dict, problems: Problems) -> tuple[tuple[str, str, str], ...]:
    """``[card] at_most = { field = "limit field" }``: two metrics of one numeric kind."""
    if raw is None:
        return ()
    pairs = raw.get("at_most", {}) if isinstance(raw, dict) else None
    if not isinstance(pairs, dict) or set(raw) - {"at_most"}:  # type: ignore[arg-type]
        problems.add("card", expected(line("kpi-card.problem.card", example='at_most = { field = "limit field" }')))
        return ()
    rules = []
    for field, limit in pairs.items():
        kinds = {metrics.get(k, {}).get("kind") if isinstance(metrics.get(k), dict) else None for k in (field, limit)}
        if not isinstance(limit, str) or len(kinds) != 1 or kinds & {None, "text"}:
            same = line("kpi-card.problem.same_kind", field=repr(field))
            problems.add(f"card.at_most.{field}", expected(same, repr(limit)))
            continue
        rules.append((field, limit, kinds.pop()))
    return tuple(rules)


def _cap(score: dict, problems: Problems) -> Decimal | None:
    if "max" not in score:
        return None
    cap = as_decimal(score["max"])
    if cap is None or cap <= 0:
        problems.add("score.max", expected("what.positive_number", repr(score["max"])))
    return cap


def _blend(score: dict, items: tuple[CardItem, ...], problems: Problems) -> tuple[Decimal, Decimal]:
    if "blend" not in score:
        if any(item.kind == "rated" for item in items):
            example = "self = 20, supervisor = 80"
            problems.add("score.blend", line("kpi-card.problem.blend", table="score.blend", example=example))
        return Decimal(20), Decimal(80)
    return load_blend(score["blend"], "score.blend", problems) or (Decimal(20), Decimal(80))


def _allowance(raw: object, ladder: tuple[str, ...], problems: Problems) -> dict[str, Decimal]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.add("allowance", expected("kpi-card.problem.allowance"))
        return {}
    allowance = {}
    for key, value in raw.items():
        amount = as_decimal(value)
        if key not in ladder:
            problems.add(f"allowance.{key}", line("problem.unknown_level", level=repr(key), levels=", ".join(ladder)))
        elif amount is None or amount < 0:
            problems.add(f"allowance.{key}", expected("kpi-card.problem.yuan", repr(value)))
        else:
            allowance[key] = amount
    return allowance
