"""``probation-test``: the conversion test in the 4th week of probation (客服部员工晋级管理方案,
doc 000: "理论考核分值满80分为通过;实操考核满85分为通过 ... 打字速度在每分钟40字以上").

A test card holds ``theory`` and ``practice`` (0-100), ``typing`` (characters a minute) and,
when the test fails and the supervisor grants another try, ``retry_date``. Passing needs all
three: theory >= 80, practice >= 85, typing >= 40 (``[test]`` in the TOML).

- Pass → decision ``pass``: the regular level (and the regular post's pay) from the next month
  ("次月薪资调正为正式岗位薪资").
- Fail with a retry date → decision ``retry``, flagged with the date; the next test card is the
  second try.
- Fail without one → decision ``dismissal-review``: the supervisor decides between another try
  and dismissal ("确定继续试用或辞退"); cstui only proposes, it never dismisses.

A card refused by the check: a retry date on a test that passes, a retry date that is not an
ISO date, or one before the month of the test.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cstui.domain import Employee, Override, Period, Scorecard, ValueProblem, texts
from cstui.domain.texts import joined, line
from cstui.domain.values import format_number, parse_date
from cstui.engine import checks
from cstui.engine.cards import CardProblem, is_blank, parse_value
from cstui.engine.model import MetricSpec, MonthScore
from cstui.engine.params_schema import NUMBER, TEXT, Table
from cstui.engine.problem_texts import expected
from cstui.engine.replay import MonthState, ReplayModel, override_why, parse_card
from cstui.schemes import Problems, Scheme

FIELDS = ("theory", "practice", "typing")


# the declared shape of [test] (cstui.engine.params_schema)
PARAMS_SHAPE = Table(
    {
        "test": Table(
            {
                "probation_level": TEXT,
                "regular_level": TEXT,
                "theory_at_least": NUMBER,
                "practice_at_least": NUMBER,
                "typing_at_least": NUMBER,
            }
        )
    }
)


@dataclass(frozen=True, slots=True)
class ConversionParams:
    ladder: tuple[str, ...]
    probation_level: str
    regular_level: str
    minimum: dict[str, Decimal]  # field → the lowest passing value
    specs: tuple[MetricSpec, ...]


class ProbationTest(ReplayModel):
    name = "probation-test"
    review = "monthly"
    label = "Probation conversion test"
    params_schema = PARAMS_SHAPE  # unknown keys in its own tables are refused

    def compile(self, params: dict, problems: Problems) -> ConversionParams | None:
        return compile_params(params, problems)

    def card_problems(self, scheme: Any, card: Scorecard) -> list[CardProblem]:
        """The kinds, then the retry date: an ISO date, not before the test's month, and only
        on a test that fails."""
        problems = super().card_problems(scheme, card)
        raw = card.values.get("retry_date")
        if problems or is_blank(raw):
            return problems
        try:
            day = parse_date(str(raw).strip())
        except ValueProblem as exc:
            return [CardProblem("retry_date", str(exc))]
        if day < card.period.first_day:
            return [
                CardProblem(
                    "retry_date", f"expected a date from {card.period.first_day} on (the month of the test), got {day}"
                )
            ]
        params = self.compiled(scheme)
        values = {f: parse_value(spec.kind, card.values[f]) for f in FIELDS for spec in params.specs if spec.key == f}
        if not failed(params, values):
            return [CardProblem("retry_date", "the test passes: a retry date is for a test that fails")]
        return []

    def score_month(self, scheme: Any, employee: Employee, card: Scorecard) -> MonthScore:
        params = self.compiled(scheme)
        values = parse_card(params.specs, employee.id, card)
        return MonthScore(score=None, trace=condition_lines(params, values))

    def quarter_result(self, scheme: Any, employee: Employee, period: Period, months: list[MonthState]) -> Any:
        """A quarter: as any monthly scheme's, with the quarter's last decision (pass, retry, dismissal-review)."""
        result = super().quarter_result(scheme, employee, period, months)
        decided = [s.decision for s in months if s.decision not in ("none", "missing")]
        if decided:
            result.decision = decided[-1]
        return result

    def starting_level(self, params: ConversionParams, employee: Employee) -> str:
        return employee.level or params.probation_level

    def begin(
        self,
        params: ConversionParams,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        until: Period,
        explain_from: Period | None,
        saved: dict | None,
        after: Period | None,
    ) -> tuple[ConversionRun, Period]:
        if saved is not None and saved.get("run") is not None and after is not None:
            return ConversionRun(params, employee.id, saved["run"]["level"], explain_from), after.next()
        return ConversionRun(params, employee.id, self.starting_level(params, employee), explain_from), Period.of_date(
            employee.hire_date
        )


_L = {"level": "level", "metric": "metric"}
texts.register(
    {
        "probation-test.condition": ("{metric} {value} {sign} {low}", "{metric} {value} {sign} {low}", _L),
        "probation-test.not_on_probation": (
            "{level}: not on probation, the test changes nothing",
            "{level}：不在试用期，考试不改变级别",
            _L,
        ),
        "probation-test.passed": (
            "passed → {level}, regular post pay from {month}",
            "通过 → {level}，自 {month} 起按正式岗位计薪",
            _L,
        ),
        "probation-test.metric": ("{metric}", "{metric}", _L),
        "probation-test.failed": ("failed on {misses}", "未通过：{misses}"),
        "probation-test.retry_flag": ("retry {day}", "补考 {day}"),
        "probation-test.retry": (
            "{why} → another try on {day} (the supervisor's decision); stays {level}",
            "{why} → {day} 补考（主管决定）；保持 {level}",
            _L,
        ),
        "probation-test.no_retry": (
            "{why}, no retry date → the supervisor decides: another try (enter retry_date) or dismissal",
            "{why}，未填补考日期 → 由主管决定：补考（填写 retry_date）或辞退",
        ),
    }
)


def failed(params: ConversionParams, values: dict[str, Any]) -> list[str]:
    """The conditions the test misses ([] when it passes)."""
    return [f for f in FIELDS if values[f] < params.minimum[f]]


def condition_lines(params: ConversionParams, values: dict[str, Any]) -> list[str]:
    lines = []
    for f in FIELDS:
        value, low = values[f], params.minimum[f]
        shown = dict(value=format_number(value), sign=">=" if value >= low else "<", low=format_number(low))
        lines.append(line("probation-test.condition", metric=f, **shown))
    return lines


class ConversionRun:
    """One agent on probation until a test card passes."""

    def __init__(self, params: ConversionParams, employee_id: str, level: str, explain_from: Period | None):
        self.p, self.employee_id, self.level = params, employee_id, level

    def state(self) -> dict:
        return {"level": self.level}

    def month(self, month: Period, card: Scorecard | None, override: Override | None) -> MonthState:
        state = MonthState(month, self.level, self.level)
        if override is not None:
            self.level = state.level = state.level_after = override.level
            state.why = override_why(override)
            state.flags.append(line("flag.override"))
            state.trace.append(line("model.override_to", level=override.level, month=month, reason=override.reason))
        if card is None:
            return state
        values = parse_card(self.p.specs, self.employee_id, card)
        state.trace.extend(condition_lines(self.p, values))
        if self.level != self.p.probation_level:
            state.trace.append(line("probation-test.not_on_probation", level=self.level))
            return state
        self._decide(state, values)
        return state

    def _decide(self, state: MonthState, values: dict[str, Any]) -> None:
        misses = failed(self.p, values)
        if not misses:
            state.decision = "pass"
            self.level = state.level_after = self.p.regular_level
            state.trace.append(line("probation-test.passed", level=self.p.regular_level, month=state.period.next()))
            return
        why = line(
            "probation-test.failed", misses=joined([line("probation-test.metric", metric=m) for m in misses], ", ")
        )
        retry = values.get("retry_date")
        if retry is not None:
            state.decision = "retry"
            state.flags.append(line("probation-test.retry_flag", day=retry))
            state.trace.append(line("probation-test.retry", why=why, day=retry, level=self.level))
            return
        state.decision = "dismissal-review"
        state.flags.append(line("flag.dismissal_review"))
        state.trace.append(line("probation-test.no_retry", why=why))


def compile_params(params: dict, problems: Problems) -> ConversionParams | None:
    before = len(problems.lines)
    ladder = tuple(
        lv["key"] for lv in params.get("levels", []) if isinstance(lv, dict) and isinstance(lv.get("key"), str)
    )
    test = checks.table(params, "test", problems)
    probation = checks.level(test, "test.probation_level", ladder, problems)
    regular = checks.level(test, "test.regular_level", ladder, problems)
    minimum = {f: checks.number(test, f"test.{f}_at_least", problems) for f in FIELDS}
    metrics = params.get("metrics", {}) if isinstance(params.get("metrics"), dict) else {}
    for key, kinds in (
        ("theory", ("rating",)),
        ("practice", ("rating",)),
        ("typing", ("number", "count")),
        ("retry_date", ("text",)),
    ):
        if not isinstance(metrics.get(key), dict) or metrics[key].get("kind") not in kinds:
            problems.add(f"metrics.{key}", expected(line("what.metric_of_kind", kinds=joined(list(kinds), " or "))))
    if len(problems.lines) > before:
        return None
    specs = tuple(Scheme(name="", model=None, version="", params=params, source="").metric_specs())  # type: ignore[arg-type]
    return ConversionParams(ladder, probation, regular, minimum, specs)  # type: ignore[arg-type]
