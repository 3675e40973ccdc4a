"""``rank-streak``: D → C promotion by a streak of team ranks (客服专员岗位晋级(D级转C级), doc 000:
"连续三个月及以上KPI+转化率+响应率+客单价排名前3名为通过,中间有断续绩效下降到第四名的为不通过,
重新清空计算"; "入职在岗工作一年以上D级客服"; "最近3个月内没有因工作和服务质量被客户投诉的记录").

- The month's ranking score is a weighted total of the card's KPI score, conversion, response
  rate and unit-price ratio (``[ranking.items]``: rates and ratios count × 100, ratings as
  they are; weights sum to 100). Ranks are within the team, ties sharing a rank (1, 2, 2, 4):
  the top 3 are those fewer than 3 members score strictly above.
- Each month in the top ``top`` extends the streak; a month below it (4th) or with no
  scorecard restarts it.
- With a streak of ``months`` or more, an agent below the ladder's top is promoted one letter
  from the next month, when they have ``tenure_months`` complete months in post on the first
  day of that month (else flagged ``eligible``) and no valid complaint on the cards of the last
  ``complaint_months`` months (else stays). The streak restarts after a promotion.

The seed's other conditions (an outstanding-employee award, communication skills) are a
person's judgement and are not modelled; a manager's override records such a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cstui.domain import Employee, Override, Period, Scorecard, texts
from cstui.domain.texts import line
from cstui.domain.values import HUNDRED, format_number
from cstui.engine import checks
from cstui.engine.bands import as_decimal
from cstui.engine.model import MetricSpec, MonthScore, TeamHistory
from cstui.engine.params_schema import NUMBER, TEXT, WHOLE, MapOf, Table
from cstui.engine.problem_texts import expected
from cstui.engine.ranking import competition_ranks
from cstui.engine.replay import ReplayModel, parse_card
from cstui.schemes import Problems, Scheme

from .run import StreakRun

SCORED_KINDS = ("rate", "number", "rating")


# the declared shape of [ranking] and [promotion] (cstui.engine.params_schema)
PARAMS_SHAPE = Table(
    {
        "ranking": Table({"items": MapOf(NUMBER, "metric key")}),
        "promotion": Table(
            {
                "top": WHOLE,
                "months": WHOLE,
                "tenure_months": WHOLE,
                "complaint_months": WHOLE,
                "complaints_metric": TEXT,
            }
        ),
    }
)


@dataclass(frozen=True, slots=True)
class StreakParams:
    ladder: tuple[str, ...]
    items: tuple[tuple[str, str, Decimal], ...]  # (metric, kind, weight)
    top: int
    months: int
    tenure_months: int
    complaint_months: int
    complaints: str  # the count metric of valid complaints
    specs: tuple[MetricSpec, ...]


@dataclass(frozen=True, slots=True)
class TeamMonths:
    """The rule's parameters and the team's ranks: ``standing[month][employee] = (score, rank, members)``."""

    p: StreakParams
    standing: dict[Period, dict[str, tuple[Decimal, int, int]]]


def ranking_score(p: StreakParams, values: dict[str, Any]) -> Decimal:
    """Σ weight × item score / 100 (exact): rates and ratios × 100, ratings as they are."""
    total = sum((w * (values[m] if kind == "rating" else values[m] * HUNDRED) for m, kind, w in p.items), Decimal(0))
    return total / HUNDRED


def team_standing(p: StreakParams, history: TeamHistory) -> dict[Period, dict[str, tuple[Decimal, int, int]]]:
    """Every month's ranking score and competition rank of each member with a scorecard."""
    scores: dict[Period, dict[str, Decimal]] = {}
    for employee_id, cards in history.cards.items():
        for month, card in cards.items():
            scores.setdefault(month, {})[employee_id] = ranking_score(p, parse_card(p.specs, employee_id, card))
    standing = {}
    for month, by_member in scores.items():
        ranks = competition_ranks(by_member)
        standing[month] = {e: (s, ranks[e], len(by_member)) for e, s in by_member.items()}  # type: ignore[misc]
    return standing


class RankStreak(ReplayModel):
    name = "rank-streak"
    review = "monthly"
    label = "Promotion by a streak of team ranks"
    params_schema = PARAMS_SHAPE  # unknown keys in its own tables are refused
    team_relative = True  # the streak counts the employee's rank in the team

    def __init__(self) -> None:
        super().__init__()
        self._standing: tuple[object, StreakParams, TeamMonths] | None = None

    def compile(self, params: dict, problems: Problems) -> StreakParams | None:
        return compile_params(params, problems)

    def score_month(self, scheme: Any, employee: Employee, card: Scorecard) -> MonthScore:
        p = self.compiled(scheme)
        score = ranking_score(p, parse_card(p.specs, employee.id, card))
        return MonthScore(
            score=score, trace=[f"ranking score = {format_number(score)} (the team's rank needs the whole team)"]
        )

    def starting_level(self, params: Any, employee: Employee) -> str:
        p = params.p if isinstance(params, TeamMonths) else params
        return employee.level or p.ladder[0]

    def _replay(
        self,
        params: StreakParams,
        employee: Employee,
        history: TeamHistory,
        until: Period,
        explain_from: Period,
        keep: bool = False,
        report_from: Period | None = None,
    ) -> Any:
        # the streak needs the whole team's ranks: computed once per history and handed to the run
        cached = self._standing
        if cached is None or cached[0] is not history or cached[1] is not params:
            cached = self._standing = (history, params, TeamMonths(params, team_standing(params, history)))
        return super()._replay(cached[2], employee, history, until, explain_from, keep, report_from)

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
        params: TeamMonths,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        until: Period,
        explain_from: Period | None,
        saved: dict | None,
        after: Period | None,
    ) -> tuple[StreakRun, Period]:
        if saved is not None and saved.get("run") is not None and after is not None:
            return StreakRun.restore(params, employee, saved["run"]), after.next()
        first = min([*cards, *by_month, until], key=lambda p: p.ordinal)
        start = max(Period.of_date(employee.hire_date), first, key=lambda p: p.ordinal)
        return StreakRun(params, employee, self.starting_level(params, employee)), start


# --- parameters ---------------------------------------------------------------------------


def compile_params(params: dict, problems: Problems) -> StreakParams | None:
    before = len(problems.lines)
    ladder = tuple(
        lv["key"] for lv in params.get("levels", []) if isinstance(lv, dict) and isinstance(lv.get("key"), str)
    )
    metrics = params.get("metrics", {}) if isinstance(params.get("metrics"), dict) else {}
    ranking = checks.table(params, "ranking", problems)
    items = _items(ranking.get("items"), metrics, problems)
    rule = checks.table(params, "promotion", problems)
    numbers = {
        k: checks.whole(rule, f"promotion.{k}", problems, minimum=1) for k in ("top", "months", "complaint_months")
    }
    tenure = checks.whole(rule, "promotion.tenure_months", problems)
    complaints = rule.get("complaints_metric")
    if (
        not isinstance(complaints, str)
        or not isinstance(metrics.get(complaints), dict)
        or metrics[complaints].get("kind") != "count"
    ):
        problems.add("promotion.complaints_metric", expected("rank-streak.problem.complaints", repr(complaints)))
    if len(ladder) < 2:
        problems.add("levels", line("rank-streak.two_levels", levels="D, C"))
    if len(problems.lines) > before:
        return None
    specs = tuple(Scheme(name="", model=None, version="", params=params, source="").metric_specs())  # type: ignore[arg-type]
    return StreakParams(
        ladder, items, numbers["top"], numbers["months"], tenure, numbers["complaint_months"], complaints, specs
    )  # type: ignore[arg-type]


# the problems of a rank-streak scheme's own rules
texts.register(
    {
        "rank-streak.problem.complaints": ("a count metric of valid complaints", "有效投诉的计数指标"),
        "rank-streak.two_levels": (
            "expected at least two levels ({levels}): the streak promotes one letter up",
            "应至少有两个级别（{levels}）：连续排名会晋升一级",
        ),
        "rank-streak.items": ("a table: metric key = weight in percent", "表：指标键 = 百分比权重"),
    }
)


def _items(raw: object, metrics: dict, problems: Problems) -> tuple[tuple[str, str, Decimal], ...]:
    if not isinstance(raw, dict) or not raw:
        problems.add("ranking.items", expected("rank-streak.items"))
        return ()
    items = []
    for key, value in raw.items():
        weight, spec = as_decimal(value), metrics.get(key)
        if not isinstance(spec, dict) or spec.get("kind") not in SCORED_KINDS:
            problems.add(f"ranking.items.{key}", expected(line("what.metric_of_kind", kinds=", ".join(SCORED_KINDS))))
        elif weight is None or weight <= 0:
            problems.add(f"ranking.items.{key}", expected("what.positive_weight", repr(value)))
        else:
            items.append((key, str(spec["kind"]), weight))
    total = sum((w for _, _, w in items), Decimal(0))
    if len(items) == len(raw) and total != HUNDRED:
        problems.add("ranking.items", line("problem.weights_sum", total=format_number(total)))
    return tuple(items)
