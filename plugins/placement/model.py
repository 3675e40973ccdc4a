"""``placement``: a new front-desk hire placed on the 助理 .. 助理六级 ladder from one placement
card (客服部岗位定级标准, doc 000). The arithmetic is in :mod:`.rules`.

The ladder's first level means "not placed yet": the entry level of every hire. The first
scorecard from the hire month on is the placement card: its score places the hire (decision
``placed``, the level from that month), or not (decision ``not-placed``, flagged, when the score
is below the lowest level's ``from``: a person decides; a later card may place them). Once
placed, later cards change nothing: a manager's override moves the level.

:func:`place` scores a card's values without any history (for ``cstui place``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cstui.domain import Employee, Override, Period, Scorecard, ValueProblem, texts
from cstui.domain.texts import from_json, line, to_json
from cstui.engine import checks
from cstui.engine.cards import CardProblem, is_blank, parse_value, value_problems
from cstui.engine.model import MetricSpec, MonthScore
from cstui.engine.params_schema import NUMBER, TEXT, ArrayOf, MapOf, Table
from cstui.engine.replay import MonthState, ReplayModel, override_why, parse_card
from cstui.schemes import Problems, Scheme

from .rules import PlacementRules, level_for, load_rules, placement_score

texts.register(
    {
        "placement.problem.first_level": (
            "the ladder's first level ({level}) means not placed; it takes no score",
            "阶梯的第一个级别（{level}）表示未定级；它不对应任何分数",
        ),
    }
)
texts.register(
    {
        "placement.not_option": ("expected one of {options}, got {value}", "应为 {options} 之一，实际为 {value}"),
        "placement.by_hand": (
            "placed by hand: {level} from {month}: {reason}",
            "手动定级：{level}，自 {month} 起：{reason}",
            {"level": "level"},
        ),
        "placement.no_card": ("no placement card in {month}", "{month} 无定级表"),
        "placement.on_roster": ("on the roster", "于花名册"),
        "placement.in": ("in {month}", "于 {month}"),
        "placement.changes_nothing": (
            "placed {where} as {level}: this card changes nothing (an override moves the level)",
            "已{where}定级为 {level}：本表不改变级别（手动调整才能改变）",
            {"level": "level"},
        ),
        "placement.not_placed_flag": ("not-placed", "未定级"),
        "placement.placed_why": ("placed in {month}: {why}", "{month} 定级：{why}"),
    }
)

_HARD = Table(
    {
        "metric": TEXT,
        "label": TEXT,
        "options": MapOf(NUMBER, "choice"),
        "better": TEXT,
        "bands": checks.band_table("points").fields["bands"],
        "each": NUMBER,
        "max": NUMBER,
    }
)
# the declared shape of [placement] (cstui.engine.params_schema)
PARAMS_SHAPE = Table(
    {
        "placement": Table(
            {
                "hard": ArrayOf(_HARD),
                "hard_part_max": NUMBER,
                "form_factor": NUMBER,
                "form": MapOf(Table({"weight": NUMBER, "label": TEXT}), "metric key"),
                "levels": ArrayOf(Table({"level": TEXT, "from": NUMBER})),
            }
        )
    }
)


@dataclass(frozen=True, slots=True)
class PlacementParams:
    ladder: tuple[str, ...]
    rules: PlacementRules
    specs: tuple[MetricSpec, ...]

    @property
    def unplaced(self) -> str:
        return self.ladder[0]


class Placement(ReplayModel):
    name = "placement"
    review = "monthly"
    label = "Placement of a new hire"
    params_schema = PARAMS_SHAPE  # unknown keys in its own tables are refused

    def compile(self, params: dict, problems: Problems) -> PlacementParams | None:
        ladder = tuple(
            lv["key"] for lv in params.get("levels", []) if isinstance(lv, dict) and isinstance(lv.get("key"), str)
        )
        metrics = params.get("metrics", {}) if isinstance(params.get("metrics"), dict) else {}
        rules = load_rules(params.get("placement"), ladder, metrics, problems)
        if rules is None:
            return None
        if ladder and ladder[0] in {level for level, _ in rules.levels}:
            problems.add("placement.levels", line("placement.problem.first_level", level=ladder[0]))
            return None
        specs = tuple(Scheme(name="", model=None, version="", params=params, source="").metric_specs())  # type: ignore[arg-type]
        return PlacementParams(ladder, rules, specs)

    def card_problems(self, scheme: Any, card: Scorecard) -> list[CardProblem]:
        return values_problems(self.compiled(scheme), card.values)

    def score_month(self, scheme: Any, employee: Employee, card: Scorecard) -> MonthScore:
        params = self.compiled(scheme)
        score, trace = placement_score(params.rules, parse_card(params.specs, employee.id, card))
        return MonthScore(score=score, trace=trace + [level_for(params.rules, score)[1]])

    def quarter_result(self, scheme: Any, employee: Employee, period: Period, months: list[MonthState]) -> Any:
        """A quarter: as any monthly scheme's, with the quarter's last decision (placed, not-placed)."""
        result = super().quarter_result(scheme, employee, period, months)
        decided = [s.decision for s in months if s.decision not in ("none", "missing")]
        if decided:
            result.decision = decided[-1]
        return result

    def starting_level(self, params: PlacementParams, employee: Employee) -> str:
        return employee.level or params.unplaced

    def unstarted(
        self,
        params: PlacementParams,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        month: Period,
        saved: dict | None,
    ) -> dict | None:
        # a hire is replayed from the hire month; staff placed on the roster from their first
        # card or override: a checkpoint before any keeps no run (a resume starts afresh)
        if self.starting_level(params, employee) == params.unplaced:
            return None
        return None if any(p.ordinal <= month.ordinal for p in (*cards, *by_month)) else {}

    def begin(
        self,
        params: PlacementParams,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        until: Period,
        explain_from: Period | None,
        saved: dict | None,
        after: Period | None,
    ) -> tuple[PlacementRun, Period]:
        if saved is not None and saved.get("run") is not None and after is not None:
            return PlacementRun.restore(params, employee.id, saved["run"], explain_from), after.next()
        level = self.starting_level(params, employee)
        hired = Period.of_date(employee.hire_date)
        placed = None if level == params.unplaced else "roster"
        start = (
            hired
            if placed is None
            else max(hired, min([*cards, *by_month, until], key=lambda p: p.ordinal), key=lambda p: p.ordinal)
        )
        return PlacementRun(params, employee.id, level, explain_from, placed), start


def values_problems(params: PlacementParams, values: Mapping[str, object]) -> list[CardProblem]:
    """The kinds of the fields, and each choice field one of its options."""
    problems = value_problems(params.specs, values)
    refused = {p.field for p in problems}
    for item in params.rules.hard:
        raw = values.get(item.metric)
        if item.options is None or item.metric in refused or is_blank(raw):
            continue
        if str(raw).strip() not in item.options:
            problems.append(
                CardProblem(
                    item.metric,
                    line("placement.not_option", options=", ".join(item.options), value=repr(str(raw).strip()[:40])),
                )
            )
    return problems


def place(scheme: Scheme, values: Mapping[str, object]) -> tuple[Decimal, str | None, list[str]]:
    """Score a placement form's ``values`` under ``scheme``: (score, level or None, trace).

    Raises :class:`ValueProblem` naming every field the scheme refuses (no employee named).
    """
    params = scheme.model.compiled(scheme)
    problems = values_problems(params, values)
    if problems:
        raise ValueProblem("; ".join(str(p) for p in problems))
    parsed = {
        spec.key: parse_value(spec.kind, values[spec.key])
        for spec in params.specs
        if not is_blank(values.get(spec.key))
    }
    score, trace = placement_score(params.rules, parsed)
    level, line = level_for(params.rules, score)
    return score, level, trace + [line]


class PlacementRun:
    """One hire's level: unplaced until a placement card places them."""

    def __init__(
        self, params: PlacementParams, employee_id: str, level: str, explain_from: Period | None, placed: str | None
    ):
        self.p, self.employee_id, self.level, self.placed = params, employee_id, level, placed
        self.pending_why: str | None = None  # why the level that starts next month is held
        self.explain_from = explain_from.ordinal if explain_from is not None else -1

    def state(self) -> dict:
        return {"level": self.level, "placed": self.placed, "pending_why": to_json(self.pending_why)}

    @classmethod
    def restore(
        cls, params: PlacementParams, employee_id: str, state: dict, explain_from: Period | None
    ) -> PlacementRun:
        run = cls(params, employee_id, state["level"], explain_from, state["placed"])
        run.pending_why = from_json(state["pending_why"])
        return run

    def month(self, month: Period, card: Scorecard | None, override: Override | None) -> MonthState:
        state = MonthState(month, self.level, self.level, why=self.pending_why)
        self.pending_why = None
        if override is not None:
            self.level = state.level = state.level_after = override.level
            self.placed = str(month)
            state.why = override_why(override)
            state.flags.append(line("flag.override"))
            state.trace.append(line("placement.by_hand", level=override.level, month=month, reason=override.reason))
        if card is None:
            if self.placed is None:
                state.trace.append(line("placement.no_card", month=month))
            return state
        state.score, lines = placement_score(self.p.rules, parse_card(self.p.specs, self.employee_id, card))
        explain = month.ordinal >= self.explain_from
        if self.placed is not None:
            where = line("placement.on_roster") if self.placed == "roster" else line("placement.in", month=self.placed)
            state.trace.extend(
                (lines if explain else []) + [line("placement.changes_nothing", where=where, level=self.level)]
            )
            return state
        self._place(state, lines if explain else [])
        return state

    def _place(self, state: MonthState, lines: list[str]) -> None:
        assert state.score is not None
        level, level_line = level_for(self.p.rules, state.score)
        state.trace.extend(lines + [level_line])
        if level is None:
            state.decision = "not-placed"
            state.flags.append(line("placement.not_placed_flag"))
            return
        state.decision = "placed"
        self.level = state.level_after = level  # the starting level: held from the placement on
        self.placed = str(state.period)
        self.pending_why = line("placement.placed_why", month=state.period, why=level_line)
