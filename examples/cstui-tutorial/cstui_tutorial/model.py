"""The ``tutorial-followups`` model: a monthly count KPI scored by a band table, with a two-step ladder.

A month's score is the points of the band its count falls in (``[score]``: the metric, the
bands, best first). ``[review]``: ``months`` months in a row at ``promote_at`` points or more
move an employee one level up, from the month after. A manager's override places a level
from its month and restarts the streak. A month without a card scores nothing, is flagged
``missing`` and restarts the streak.

This is the whole contract of a model (docs/plugins.md, "Writing a model"): ``check``,
``score_month``, ``grade`` and ``levels``; the cards, ranks and timelines conventions of
cstui. Rename the metric, the bands and the ladder in ``tutorial-followups.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cstui.domain import Employee, Override, Period, Result, Scorecard, texts
from cstui.domain.texts import line
from cstui.engine.cards import is_blank, parse_value
from cstui.engine.model import DocumentModel, MonthScore, TeamHistory
from cstui.engine.params_schema import NUMBER, TEXT, WHOLE, ArrayOf, Table
from cstui.engine.ranking import competition_ranks

# Every trace line, flag and why is a template with arguments (cstui.domain.texts): its str()
# is the English text, and the TUI and ``--lang zh`` render the 中文 one; a field named in
# the third item is a label (a level, a metric) shown by the scheme's label_zh.
LEVELS = {"before": "level", "after": "level", "level": "level", "metric": "metric"}
texts.register(
    {
        "tutorial-followups.streak": (
            "{months} months in a row at {at} points or more",
            "连续 {months} 个月达到 {at} 分或以上",
        ),
        "tutorial-followups.promote": (
            "{streak}: {before} → {after} from {month}",
            "{streak}：{before} → {after}，自 {month} 起",
            LEVELS,
        ),
        "tutorial-followups.why": ("{months} months at {at} points or more", "{months} 个月达到 {at} 分或以上"),
        "tutorial-followups.start": ("starting level", "起始级别"),
        "tutorial-followups.hired": ("hired", "入职"),
        "tutorial-followups.not_filled": ("{metric}: not filled", "{metric}：未填写", LEVELS),
        "tutorial-followups.band": (
            "{metric} {count} (>= {at}) → {points} points",
            "{metric} {count}（>= {at}）→ {points} 分",
            LEVELS,
        ),
        "tutorial-followups.override_by": ("override by {author}: {reason}", "{author} 手动调整：{reason}"),
        "tutorial-followups.override_flag": ("override", "手动调整"),
        "tutorial-followups.override": (
            "override → {level} from {month}: {reason}",
            "手动调整 → {level}，自 {month} 起：{reason}",
            LEVELS,
        ),
        "tutorial-followups.missing_flag": ("missing {month}", "缺考核表 {month}"),
        "tutorial-followups.missing": (
            "no scorecard for {month}: the streak restarts",
            "{month} 无考核表：连续计数重新开始",
        ),
        "tutorial-followups.in_month": ("{month}: {line}", "{month}：{line}"),
    }
)

PARAMS = Table(
    {
        "score": Table({"metric": TEXT, "bands": ArrayOf(Table({"at_least": NUMBER, "points": NUMBER}))}),
        "review": Table({"promote_at": NUMBER, "months": WHOLE}),
    }
)


@dataclass
class Month:
    """One employee's month as the replay saw it."""

    period: Period
    level: str  # held during the month
    level_after: str  # held from the next month
    score: Decimal | None = None
    decision: str = "stay"
    why: str = ""  # why ``level`` starts this month, when it does
    flags: list[str] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)


class TutorialFollowUps(DocumentModel):
    name = "tutorial-followups"
    review = "monthly"
    label = "Tutorial follow-ups per month"
    params_schema = PARAMS  # the loader checks every key and type of these tables first

    def check(self, params, problems):
        score, review = params.get("score", {}), params.get("review", {})
        metric = score.get("metric")
        kind = params.get("metrics", {}).get(metric, {}).get("kind")
        if kind != "count":
            problems.add("score.metric", f"expected the key of a count metric in [metrics], got {metric!r}")
        lows = [band.get("at_least") for band in score.get("bands", [])]
        if not lows or None in lows or lows != sorted(set(lows), reverse=True) or lows[-1] != 0:
            problems.add(
                "score.bands", "expected bands best first, each at_least below the one before, the last at_least = 0"
            )
        if any(band.get("points") is None for band in score.get("bands", [])):
            problems.add("score.bands", "expected points in every band")
        if "promote_at" not in review or review.get("months", 0) < 1:
            problems.add("review", "expected promote_at (points) and months (1 or more)")
        if len(params.get("levels", [])) < 2:
            problems.add("levels", "expected at least two levels, lowest first")

    def score_month(self, scheme, employee: Employee, card: Scorecard) -> MonthScore:
        score, line = month_score(scheme, card)
        return MonthScore(score=score, trace=[line])

    def grade(self, scheme, history: TeamHistory, period: Period, explain: bool = True) -> list[Result]:
        results = []
        for employee in history.employees:
            if not on_roster(employee, history, period):
                continue
            months = self.replay(scheme, employee, history, period.last_month)
            results.append(result_of(scheme, employee, period, [m for m in months if m.period in period.months()]))
        ranks = competition_ranks({i: r.score for i, r in enumerate(results)})  # one team: one ranking
        for i, result in enumerate(results):
            result.rank = ranks[i]
            if not explain:
                result.trace = []
        return results

    def levels(self, scheme, history: TeamHistory, until: Period):
        timelines = {}
        for employee in history.employees:
            if Period.of_date(employee.hire_date) > until.last_month:
                continue
            months = self.replay(scheme, employee, history, until.last_month)
            timelines[employee.id] = timeline(scheme, employee, months)
        return timelines

    def replay(self, scheme, employee: Employee, history: TeamHistory, until: Period) -> list[Month]:
        """Every month from the hire month to ``until``: the same data always gives the same levels."""
        ladder = scheme.level_keys
        review = scheme.params["review"]
        level, streak, months = employee.level or ladder[0], 0, []
        cards = history.cards.get(employee.id, {})
        placed = {o.period: o for o in history.overrides.get(employee.id, [])}
        hired = Period.of_date(employee.hire_date)
        for ordinal in range(hired.ordinal, until.ordinal + 1):
            state = Month(Period.from_ordinal(ordinal), level, level)
            if months and months[-1].level_after != months[-1].level:
                state.why = line("tutorial-followups.why", months=review["months"], at=review["promote_at"])
            streak = apply_override(state, placed.get(state.period), streak)
            streak = score_into(scheme, state, cards.get(state.period), streak)
            if streak >= review["months"] and state.level != ladder[-1]:
                state.level_after = ladder[ladder.index(state.level) + 1]
                state.decision, streak = "promote", 0
                moved = dict(before=state.level, after=state.level_after, month=state.period.next())
                state.trace.append(line("tutorial-followups.promote", streak=streak_text(review), **moved))
            level = state.level_after
            months.append(state)
        return months


def timeline(scheme, employee: Employee, months: list[Month]) -> list[tuple[Period, str, str]]:
    """[(first month, level, why)]: the starting level in the first month replayed, then each change."""
    start = line("tutorial-followups.start") if employee.level else line("tutorial-followups.hired")
    entries = [(months[0].period, employee.level or scheme.level_keys[0], start)]
    for m in months:
        if m.why and m.level != entries[-1][1]:
            if m.period == entries[-1][0]:  # an override in the first month replaces the start
                entries.pop()
            entries.append((m.period, m.level, m.why))
    return entries


def month_score(scheme, card: Scorecard) -> tuple[Decimal | None, str]:
    """The points of the card's count, and the line that explains them."""
    metric = scheme.params["score"]["metric"]
    raw = card.values.get(metric)
    if is_blank(raw):  # grading gives only valid cards; the live panel may show one being typed
        return None, line("tutorial-followups.not_filled", metric=metric)
    count = parse_value("count", raw)  # values arrive as text ("12"); parse them by their kind
    for band in scheme.params["score"]["bands"]:
        if count >= band["at_least"]:
            shown = dict(metric=metric, count=count, at=band["at_least"], points=band["points"])
            return Decimal(str(band["points"])), line("tutorial-followups.band", **shown)
    raise AssertionError("check() requires a last band at_least = 0")


def apply_override(state: Month, placed: Override | None, streak: int) -> int:
    if placed is None:
        return streak
    state.level = state.level_after = placed.level
    state.why = line("tutorial-followups.override_by", author=placed.author, reason=placed.reason)
    state.flags.append(line("tutorial-followups.override_flag"))
    state.trace.append(
        line("tutorial-followups.override", level=placed.level, month=state.period, reason=placed.reason)
    )
    return 0


def score_into(scheme, state: Month, card: Scorecard | None, streak: int) -> int:
    """Score the month into ``state``; the streak after it."""
    if card is None:
        state.decision = "missing"
        state.flags.append(line("tutorial-followups.missing_flag", month=state.period))
        state.trace.append(line("tutorial-followups.missing", month=state.period))
        return 0
    state.score, score_line = month_score(scheme, card)
    state.trace.append(score_line)
    at = scheme.params["review"]["promote_at"]
    return streak + 1 if state.score is not None and state.score >= at else 0


def streak_text(review: dict) -> str:
    return line("tutorial-followups.streak", months=review["months"], at=review["promote_at"])


def on_roster(employee: Employee, history: TeamHistory, period: Period) -> bool:
    """Hired by the period's end; an inactive employee only with a card in the period."""
    if Period.of_date(employee.hire_date) > period.last_month:
        return False
    cards = history.cards.get(employee.id, {})
    return employee.status == "active" or any(m in cards for m in period.months())


def result_of(scheme, employee: Employee, period: Period, months: list[Month]) -> Result:
    """A month's result, or a quarter's: the average of the months scored, its last decision."""
    scores = [m.score for m in months if m.score is not None]
    score = sum(scores, Decimal(0)) / len(scores) if scores else None
    if score is not None and not period.is_month:
        score = score.quantize(Decimal("0.01"))
    decisions = [m.decision for m in months if m.decision == "promote"] or [months[-1].decision]
    trace = [
        t if period.is_month else line("tutorial-followups.in_month", month=m.period, line=t)
        for m in months
        for t in m.trace
    ]
    return Result(
        employee_id=employee.id,
        name=employee.name,
        team=employee.team,
        period=period,
        scheme=scheme.name,
        scheme_version=scheme.version,
        score=score,
        grade=None,
        rank=None,
        level_before=months[0].level,
        level_after=months[-1].level_after,
        decision=decisions[-1],
        pay_delta=None,
        flags=[f for m in months for f in m.flags],
        trace=trace,
    )
