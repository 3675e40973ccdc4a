"""The quarterly class review, replayed quarter by quarter for a whole team.

Ranks across the team feed the elimination and exemption rules, so a team is replayed
together from its first scorecard. Nothing is stored between runs: the same roster,
scorecards and overrides always give the same classes.

Choices the documents leave open (documented in the scheme TOML and the report):
- A quarter meets a class only when every month of it since the hire month has a
  scorecard that scores; otherwise the decision is ``missing`` (and it breaks a streak).
- Award counts restart after a manual override (a confirmed demotion is an override).
- Elimination by bottom ranks and by yearly deductions fires once a year, in the quarter
  the count first reaches (or the total first exceeds) the threshold; "bottom N" applies
  only to teams with more than N scored assistants, "best" only to two or more.
- An earned exemption waits for the next elimination review and waives it.

Settled rules (domain.md): averages are exact (:class:`cstui.engine.exact.Mean`) and
thresholds, ranks and "lowest average" compare them unrounded; the report shows them to
the cent and a trace with the digits its side of a threshold needs. "Bottom N" has the
rank tie rule: fewer than N members score strictly lower. "A year" is the calendar year.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from cstui.domain import Employee, Period, texts
from cstui.domain.texts import from_json, joined, line
from cstui.domain.values import format_number
from cstui.engine.exact import Mean, mean_of, side_text
from cstui.engine.model import TeamHistory
from cstui.engine.ranking import competition_ranks
from cstui_plugins.assistant_class.months import TeamMonths
from cstui_plugins.assistant_class.params import ClassRule, Rules

_L = {
    "level": "level",
    "before": "level",
    "after": "level",
    "least": "level",
    "category": "category",
    "metric": "metric",
}
texts.register(
    {
        "assistant-class.meets": ("meets {level}", "达到 {level}", _L),
        "assistant-class.not_met": ("does not meet {level}: {failed}", "未达到 {level}：{failed}", _L),
        "assistant-class.promote_flag": (
            "promote: {before} → {after} from {month}",
            "晋升：{before} → {after}，自 {month} 起",
            _L,
        ),
        "assistant-class.award": (
            "award {level} ({why}) → promote from {month}",
            "评定为 {level}（{why}）→ 自 {month} 起晋升",
            _L,
        ),
        "assistant-class.stays": ("class stays {level}", "级别保持 {level}", _L),
        "assistant-class.met_in_a_row": (
            "met {level} in {n} consecutive quarters: {quarters}",
            "连续 {n} 个季度达到 {level}：{quarters}",
            _L,
        ),
        "assistant-class.met_total": (
            "met {level} in {n} quarters, more than {over}",
            "{n} 个季度达到 {level}，多于 {over} 个",
            _L,
        ),
        "assistant-class.exemption_flag": (
            "exemption-earned: best in the team in {n} quarters of {year}",
            "获得豁免：{year} 年有 {n} 个季度组内第一",
        ),
        "assistant-class.exemption": (
            "best in the team in {n} quarters of {year} → one exemption earned",
            "{year} 年有 {n} 个季度组内第一 → 获得一次豁免",
        ),
        "assistant-class.bottom": (
            "{level} and in the team's bottom {bottom} ({n} quarters of {year})",
            "{level} 且在组内后 {bottom} 名（{year} 年第 {n} 个季度）",
            _L,
        ),
        "assistant-class.bottom_reason": (
            "{level} and in the team's bottom {bottom} in {n} quarters of {year}",
            "{level} 且 {year} 年有 {n} 个季度在组内后 {bottom} 名",
            _L,
        ),
        "assistant-class.quarter_deductions": (
            "deductions {got} in the quarter, over {over}",
            "本季度扣分 {got}，超过 {over}",
        ),
        "assistant-class.year_deductions": (
            "deductions {got} in {year}, over {over}",
            "{year} 年扣分 {got}，超过 {over}",
        ),
        "assistant-class.waived_flag": (
            "exemption: elimination review waived ({reasons})",
            "豁免：免于淘汰审查（{reasons}）",
        ),
        "assistant-class.waived": (
            "elimination review ({reasons}) waived by an earned exemption",
            "淘汰审查（{reasons}）因已获得的豁免而免除",
        ),
        "assistant-class.elimination_flag": ("elimination-review: {reason}", "淘汰审查：{reason}"),
        "assistant-class.elimination": ("elimination review: {reason}", "淘汰审查：{reason}"),
        "assistant-class.no_quarter_met": ("no quarter of {year} met {level}", "{year} 年没有一个季度达到 {level}", _L),
        "assistant-class.lowest": (
            "lowest {year} average ({average}) among the team's {level}",
            "{year} 年平均分（{average}）为组内 {level} 中最低",
            _L,
        ),
        "assistant-class.demotion_flag": (
            "demotion-proposed: {before} → {after} ({why}); a manager confirms",
            "建议降级：{before} → {after}（{why}）；由经理确认",
            _L,
        ),
        "assistant-class.demotion": (
            "demotion to {after} proposed: {why}; a manager confirms with a level override",
            "建议降为 {after}：{why}；由经理以手动调整级别确认",
            _L,
        ),
        "assistant-class.lead_below": (
            "team-lead-below-class: {level}, a team lead must be {least} or above",
            "领班级别不足：{level}，领班须为 {least} 或以上",
            _L,
        ),
        "assistant-class.lead_nobody": (
            "team lead: no assistant scored this quarter, no management pay",
            "领班：本季度没有助理计分，无管理津贴",
        ),
        "assistant-class.lead_unqualified_flag": (
            "team-lead-unqualified: team average {average}",
            "领班不合格：组平均 {average}",
        ),
        "assistant-class.lead_unqualified": (
            "team lead: team average {average} below {least} → unqualified ({n} running)",
            "领班：组平均 {average} 低于 {least} → 不合格（连续 {n} 个季度）",
        ),
        "assistant-class.lead_demoted_flag": (
            "team-lead-demoted: {n} unqualified quarters running",
            "领班降职：连续 {n} 个季度不合格",
        ),
        "assistant-class.lead_no_suggestion_flag": (
            "team-lead-no-suggestion: {n} suggestions, needs {needs}",
            "领班无改进建议：{n} 条，需 {needs} 条",
        ),
        "assistant-class.lead_no_suggestion": (
            "team lead: team average {average} would pay +{pay}, but {n} suggestions < {needs} → 0",
            "领班：组平均 {average} 可得 +{pay}，但改进建议 {n} 条 < {needs} → 0",
        ),
        "assistant-class.lead_pay": (
            "team lead: team average {average} → management pay +{pay}",
            "领班：组平均 {average} → 管理津贴 +{pay}",
        ),
        "assistant-class.months_missing": ("months missing: {months}", "缺考核表的月份：{months}"),
        "assistant-class.average_below": ("average {average} < {least}", "平均分 {average} < {least}"),
        "assistant-class.deductions_not_below": (
            "{category} deductions {got} not below {limit}",
            "{category}扣分 {got} 未低于 {limit}",
            _L,
        ),
        "assistant-class.count_below": ("{metric} {got} < {least}", "{metric} {got} < {least}", {"metric": "metric"}),
        "assistant-class.month": ("{month} {score}", "{month} {score}"),
        "assistant-class.month_missing": ("{month} missing", "{month} 缺考核表"),
        "assistant-class.none": ("none", "无"),
        "assistant-class.months": ("months: {months} → average {average}", "各月：{months} → 平均 {average}"),
        "assistant-class.deduction": ("{category} {points}", "{category} {points}", _L),
        "assistant-class.deductions": ("deductions: {deductions}; total {total}", "扣分：{deductions}；合计 {total}"),
        "assistant-class.count": ("{metric} {n}", "{metric} {n}", _L),
        "assistant-class.counts": ("counts: {counts}", "计数：{counts}"),
        "assistant-class.not_scored": ("not scored: {problem}", "未计分：{problem}"),
        "assistant-class.start_off_ladder": (
            "starting level (entry class; roster level {level} is not on the ladder)",
            "起始级别（入门级；花名册级别 {level} 不在级别表中）",
        ),
        "assistant-class.start_entry": ("starting level (entry class)", "起始级别（入门级）"),
        "assistant-class.start": ("starting level", "起始级别"),
        "assistant-class.override_by": ("override by {author}: {reason}", "{author} 手动调整：{reason}"),
    }
)


ZERO = Decimal(0)
_UNREAD = object()
AVERAGE_PLACES = 2  # averages are shown to the cent (display only)


def average(values: list[Decimal]) -> Mean | None:
    """The exact average: never rounded before a comparison."""
    return Mean.of(values)


def shown(value: Mean | Decimal, *thresholds: Decimal) -> str:
    return side_text(value, *thresholds, places=AVERAGE_PLACES)


@dataclass(slots=True)
class QuarterFacts:
    """One employee's quarter: the inputs of every review rule."""

    months: list[tuple[Period, Decimal | None]]
    missing: list[Period]
    average: Mean | None  # exact
    deductions: dict[str, Decimal]
    total_deductions: Decimal
    counts: dict[str, int]
    problems: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing and self.average is not None


@dataclass(slots=True)
class State:
    """One employee's replay state, carried from quarter to quarter."""

    level: str
    # the level timeline's entries after the ``stored`` ones (all of them for a replay that
    # did not resume): the whole timeline is :attr:`timeline`
    added: list[tuple[Period, str, str]]
    met: list[tuple[Period, int]] = field(default_factory=list)  # since the last manual change
    bottom: dict[int, int] = field(default_factory=dict)  # year → bottom quarters
    best: dict[int, int] = field(default_factory=dict)  # year → best-in-team quarters
    year_deductions: dict[int, Decimal] = field(default_factory=dict)
    year_met: dict[int, list[int]] = field(default_factory=dict)  # year → met class ranks
    year_scores: dict[int, list[Decimal]] = field(default_factory=dict)  # year → monthly totals
    exemptions: int = 0
    unqualified_run: int = 0
    overrides_applied: int = 0
    # the timeline's first entries as a checkpoint stored them ([[month, level, why as JSON]]),
    # decoded only when the timeline is read (a resumed month reads none: it grades by ``level``);
    # the timeline is only appended to, so a checkpoint writes these back as they were read
    stored: list | None = field(default=None, compare=False, repr=False)

    @property
    def timeline(self) -> list[tuple[Period, str, str]]:
        """The whole level timeline (a new list: add to it with :meth:`add_level`)."""
        if not self.stored:
            return list(self.added)
        return [(Period.parse(p), level, from_json(why)) for p, level, why in self.stored] + self.added

    def add_level(self, since: Period, level: str, why: str) -> None:
        """A change of level, at the end of the timeline."""
        self.added.append((since, level, why))


@dataclass(slots=True)
class Outcome:
    """The review of one employee for one quarter."""

    employee: Employee
    facts: QuarterFacts
    level_before: str
    level_after: str
    met: int = 0  # rank of the highest class met (0: entry class only)
    rank: int | None = None
    decision: str = "stay"
    pay_delta: Decimal | None = None
    flags: list[str] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)
    eliminations: list[str] = field(default_factory=list)
    demotion: list[str] = field(default_factory=list)


def quarter_facts(
    months: TeamMonths, employee: Employee, quarter: Period, metrics: tuple[str, ...]
) -> QuarterFacts | None:
    """None when the employee was not yet hired in any month of the quarter."""
    hired = Period.of_date(employee.hire_date).ordinal
    expected = [m for m in quarter.months() if m.ordinal >= hired]
    if not expected:
        return None
    rows, missing, problems = [], [], []
    deductions: dict[str, Decimal] = {}
    counts = dict.fromkeys(metrics, 0)
    for month in expected:
        facts = months.get(employee.id, month)
        if facts is None or facts.total is None:
            missing.append(month)
            rows.append((month, None))
            if facts is not None:
                problems.append(facts.problem)
            continue
        rows.append((month, facts.total.score))
        for category, amount in facts.total.deductions.items():
            deductions[category] = deductions.get(category, ZERO) + amount
        for metric, n in facts.counts.items():
            counts[metric] = counts.get(metric, 0) + n
    scores = [s for _, s in rows if s is not None]
    return QuarterFacts(rows, missing, average(scores), deductions, sum(deductions.values(), ZERO), counts, problems)


def meets(rule: ClassRule, facts: QuarterFacts, explain: bool = True) -> tuple[bool, list[str]]:
    """Whether the quarter meets a class, and (when explaining) each requirement that failed."""
    if not facts.complete:
        return False, [
            line("assistant-class.months_missing", months=", ".join(map(str, facts.missing)))
        ] if explain else []
    failed: list = []
    if facts.average < rule.average_at_least:
        failed.append(
            lambda: line(
                "assistant-class.average_below",
                average=shown(facts.average, rule.average_at_least),
                least=format_number(rule.average_at_least),
            )
        )
    for category, limit in rule.deductions_below:
        got = facts.deductions.get(category, ZERO)
        if got >= limit:
            failed.append(
                lambda c=category, g=got, lim=limit: line(
                    "assistant-class.deductions_not_below", category=c, got=format_number(g), limit=format_number(lim)
                )
            )
    for metric, least in rule.counts_at_least:
        got = facts.counts.get(metric, 0)
        if got < least:
            failed.append(
                lambda m=metric, g=got, lim=least: line("assistant-class.count_below", metric=m, got=g, least=lim)
            )
    return not failed, [f() for f in failed] if explain else []


def describe(facts: QuarterFacts, thresholds: tuple[Decimal, ...] = ()) -> list[str]:
    """The quarter's inputs; the average with the digits its side of ``thresholds`` needs."""
    each = [
        line("assistant-class.month", month=m, score=format_number(s))
        if s is not None
        else line("assistant-class.month_missing", month=m)
        for m, s in facts.months
    ]
    months = joined(each, ", ")
    average_text = shown(facts.average, *thresholds) if facts.average is not None else line("assistant-class.none")
    lines = [line("assistant-class.months", months=months, average=average_text)]
    deductions = [
        line("assistant-class.deduction", category=c, points=format_number(v))
        for c, v in sorted(facts.deductions.items())
    ]
    shown_deductions = joined(deductions, ", ") if deductions else line("assistant-class.none")
    lines.append(
        line("assistant-class.deductions", deductions=shown_deductions, total=format_number(facts.total_deductions))
    )
    if facts.counts:
        counts = [line("assistant-class.count", metric=k, n=v) for k, v in facts.counts.items()]
        lines.append(line("assistant-class.counts", counts=joined(counts, ", ")))
    lines.extend(line("assistant-class.not_scored", problem=p) for p in facts.problems)
    return lines


class Replay:
    """Replays one team's class reviews up to a quarter; see the module docstring."""

    def __init__(self, rules: Rules, history: TeamHistory, months: TeamMonths, restored: Container[str] = ()):
        """``restored``: the members whose states a checkpoint gives (their start is not made)."""
        self.rules, self.history, self.months = rules, history, months
        self.states: dict[str, State] = {}
        for e in history.employees:
            if e.id in restored:
                continue
            start = e.level if e.level in rules.levels else rules.levels[0]
            why = (
                line("assistant-class.start")
                if e.level in rules.levels
                else line("assistant-class.start_off_ladder", level=repr(e.level))
                if e.level
                else line("assistant-class.start_entry")
            )
            self.states[e.id] = State(start, [(Period.of_date(e.hire_date), start, why)])
        self.outcomes: dict[str, Outcome] = {}
        self.explain = True
        self.explain_asked = True  # False: no review writes its trace (the results carry none)
        # None: everyone's trace is written; else only these employees' (a history shows one person)
        self.explained: Container[str] | None = None
        self.reported: Container[str] | None = None  # None: everyone's result is made; else only these
        self.resume: Period | None = None  # set when resuming from a checkpoint
        self.reviewed: Period | None = None  # the last quarter this replay reviewed (run goes on from it)
        self._first_card: Period | None | object = _UNREAD  # the history's first scorecard month

    def explains(self, employee_id: str) -> bool:
        """Whether the review now running writes ``employee_id``'s trace."""
        return self.explain and (self.explained is None or employee_id in self.explained)

    def first_quarter(self, until: Period) -> Period:
        if self.resume is not None:  # the quarters before it are in the checkpoint's state
            return self.resume
        if self._first_card is _UNREAD:  # the history never changes under a replay: read once
            self._first_card = min((m for cards in self.history.cards.values() for m in cards), default=None)
        first = self._first_card
        return first.quarter if first is not None and first.quarter < until else until

    def run(self, until: Period) -> dict[str, Outcome]:
        """Review every quarter from the team's first scorecard (or after the last one this replay
        reviewed) to ``until``; its outcomes."""
        quarter = self.first_quarter(until) if self.reviewed is None else self.reviewed.next()
        if quarter > until:
            raise ValueError(f"{until} is not after the checkpoint (the replay resumes at {quarter})")
        while True:
            self.explain = self.explain_asked and quarter == until  # only the asked quarter's trace is read
            if quarter == until:
                self.outcomes = self.review(quarter)
                self.reviewed = quarter
                return self.outcomes
            self.review_state(quarter)  # an earlier quarter's outcomes are never read
            self.reviewed = quarter
            quarter = quarter.next()

    def apply_overrides(self, until_month: Period) -> None:
        placed = self.history.overrides
        for e in self.history.employees:
            if not placed.get(e.id):  # most members: nothing to sort or apply
                continue
            state = self.states[e.id]
            overrides = sorted(placed[e.id], key=lambda o: o.period.ordinal)
            for o in overrides[state.overrides_applied :]:
                if o.period.ordinal > until_month.ordinal:
                    break
                state.overrides_applied += 1
                if o.level in self.rules.levels:
                    state.level = o.level
                    state.met.clear()  # a manual change restarts the award count
                    state.add_level(
                        o.period, o.level, line("assistant-class.override_by", author=o.author, reason=o.reason)
                    )

    def review(self, quarter: Period) -> dict[str, Outcome]:
        """The quarter reviewed: each member's outcome, their states carried on."""
        outcomes = self._reviewed(quarter)
        self.review_demotion(outcomes, quarter)
        for o in outcomes.values():
            o.decision = decide(o)
        return outcomes

    def review_state(self, quarter: Period) -> None:
        """The quarter reviewed as far as the members' states go, for a review whose outcomes
        nobody reads (an earlier quarter of a run, a checkpoint's): the demotion proposals and
        the decisions, which only the outcomes hold, are left out."""
        self._reviewed(quarter)

    def _reviewed(self, quarter: Period) -> dict[str, Outcome]:
        """The review's steps that carry the states on (and fill the outcomes as they go)."""
        self.apply_overrides(quarter.last_month)
        metrics = self.rules.count_metrics
        outcomes = {}
        bars = tuple(rule.average_at_least for rule in self.rules.classes)
        for e in self.history.employees:
            facts = quarter_facts(self.months, e, quarter, metrics)
            if facts is not None:
                level = self.states[e.id].level
                trace = describe(facts, bars) if self.explains(e.id) else []
                outcomes[e.id] = Outcome(e, facts, level, level, trace=trace)
        assistants = {i: o for i, o in outcomes.items() if o.employee.role != self.rules.lead_role}
        ranks = competition_ranks({i: o.facts.average for i, o in assistants.items()})
        for i, o in outcomes.items():
            o.rank = ranks.get(i)
        for o in outcomes.values():
            self.review_class(o, quarter)
        scored = sorted(r for r in ranks.values() if r is not None)  # once per quarter, not per member
        for o in assistants.values():
            self.review_elimination(o, quarter, ranks, scored)
        for o in outcomes.values():
            if o.employee.role == self.rules.lead_role:
                self.review_team_lead(o, assistants)
        return outcomes

    # -------------------------------------------------------------- award

    def review_class(self, o: Outcome, quarter: Period) -> None:
        state, rules = self.states[o.employee.id], self.rules
        # a trace nobody reads is not written: an earlier quarter's (run keeps only the asked
        # one's outcomes) or a teammate's of a history (~a fifth of a team's replay)
        explains = self.explains(o.employee.id)
        for rule in rules.classes:
            ok, failed = meets(rule, o.facts, explains)
            if ok:
                o.met = rules.rank(rule.level)
                if explains:
                    o.trace.append(line("assistant-class.meets", level=rule.level))
                break
            if explains:
                o.trace.append(line("assistant-class.not_met", level=rule.level, failed=joined(failed)))
        state.met.append((quarter, o.met))
        state.year_met.setdefault(quarter.year, []).append(o.met)
        state.year_scores.setdefault(quarter.year, []).extend(s for _, s in o.facts.months if s is not None)
        awarded, said = self.award(state, quarter)
        if awarded > rules.rank(state.level):
            level, why = rules.levels[awarded], said()
            effective = quarter.next().months()[0]
            o.level_after = state.level = level
            o.flags.append(line("assistant-class.promote_flag", before=o.level_before, after=level, month=effective))
            if explains:
                o.trace.append(line("assistant-class.award", level=level, why=why, month=effective))
            state.add_level(effective, level, why)
        elif explains:
            o.trace.append(line("assistant-class.stays", level=state.level))

    def award(self, state: State, quarter: Period) -> tuple[int, Callable[[], str]]:
        """The highest class the award rule gives after ``quarter`` (0 when none), and why: its
        line made only when read (most members met what they already hold: nothing is said)."""
        rules = self.rules
        for rule in rules.classes:
            rank = rules.rank(rule.level)
            need = rules.award_consecutive
            recent = state.met[-need:] if need else []
            in_a_row = (
                len(recent) == need
                and need > 0
                and all(m >= rank for _, m in recent)
                and recent[0][0] == quarter.shift(1 - need)
            )
            if in_a_row:
                quarters = ", ".join(str(q) for q, _ in recent)
                return rank, partial(line, "assistant-class.met_in_a_row", level=rule.level, n=need, quarters=quarters)
            met = [q for q, m in state.met if m >= rank]
            if len(met) > rules.award_total_over:
                over = rules.award_total_over
                return rank, partial(line, "assistant-class.met_total", level=rule.level, n=len(met), over=over)
        return 0, lambda: ""

    # -------------------------------------------------------------- elimination and exemption

    def _count_best_quarter(self, o: Outcome, state, year: int, scored: list[int]) -> None:
        """Best in the team (of more than one) at a high enough level: enough such quarters earn an exemption."""
        rules = self.rules
        if (
            o.rank is not None
            and len(scored) > 1
            and o.rank == 1
            and rules.rank(o.level_before) >= rules.rank(rules.exemption_min_level)
        ):
            state.best[year] = state.best.get(year, 0) + 1
            if state.best[year] == rules.best_quarters:
                state.exemptions += 1
                o.flags.append(line("assistant-class.exemption_flag", n=rules.best_quarters, year=year))
                o.trace.append(line("assistant-class.exemption", n=rules.best_quarters, year=year))

    def review_elimination(self, o: Outcome, quarter: Period, ranks: dict, scored: list[int] | None = None) -> None:
        """``scored``: the team's ranks that are not None, sorted (computed from ``ranks`` when not given)."""
        rules, state, year = self.rules, self.states[o.employee.id], quarter.year
        if scored is None:
            scored = sorted(r for r in ranks.values() if r is not None)
        self._count_best_quarter(o, state, year, scored)
        reasons = []
        below = len(scored) - bisect_right(scored, o.rank) if o.rank is not None else 0
        if (
            o.rank is not None
            and len(scored) > rules.bottom_n
            and below < rules.bottom_n
            and o.level_before == rules.levels[0]
        ):
            state.bottom[year] = state.bottom.get(year, 0) + 1
            bottom = dict(level=o.level_before, bottom=rules.bottom_n, year=year)
            o.trace.append(line("assistant-class.bottom", **bottom, n=state.bottom[year]))
            if state.bottom[year] == rules.bottom_quarters:
                reasons.append(line("assistant-class.bottom_reason", **bottom, n=rules.bottom_quarters))
        if o.facts.total_deductions > rules.quarter_deductions_over:
            got, over = format_number(o.facts.total_deductions), format_number(rules.quarter_deductions_over)
            reasons.append(line("assistant-class.quarter_deductions", got=got, over=over))
        before = state.year_deductions.get(year, ZERO)
        after = state.year_deductions[year] = before + o.facts.total_deductions
        if after > rules.year_deductions_over >= before:
            over = format_number(rules.year_deductions_over)
            reasons.append(line("assistant-class.year_deductions", got=format_number(after), year=year, over=over))
        if not reasons:
            return
        o.eliminations = reasons
        if state.exemptions:
            state.exemptions -= 1
            o.flags.append(line("assistant-class.waived_flag", reasons=joined(reasons)))
            o.trace.append(line("assistant-class.waived", reasons=joined(reasons)))
        else:
            o.flags.extend(line("assistant-class.elimination_flag", reason=r) for r in reasons)
            o.trace.extend(line("assistant-class.elimination", reason=r) for r in reasons)

    # -------------------------------------------------------------- demotion proposal

    def review_demotion(self, outcomes: dict[str, Outcome], quarter: Period) -> None:
        rules = self.rules
        if quarter.index != rules.demotion_quarter:
            return
        year = quarter.year
        by_level: dict[str, dict[str, Mean | None]] = {}
        summaries: dict[str, tuple] = {}  # per level, computed once (not once per member)
        for i, o in outcomes.items():
            if o.employee.role != rules.lead_role and o.level_before != rules.levels[0]:
                by_level.setdefault(o.level_before, {})[i] = average(self.states[i].year_scores.get(year, []))
        for i, o in outcomes.items():
            held = rules.rank(o.level_before)
            if held == 0:
                continue
            if not any(m >= held for m in self.states[i].year_met.get(year, [])):
                o.demotion.append(line("assistant-class.no_quarter_met", year=year, level=o.level_before))
            scored, lowest, distinct = peer_averages(by_level, o.level_before, summaries)
            if i in scored and len(scored) > 1 and scored[i] == lowest and distinct > 1:
                lowest_shown = shown(scored[i])
                o.demotion.append(line("assistant-class.lowest", year=year, average=lowest_shown, level=o.level_before))
            if o.demotion:
                lower = rules.levels[held - 1]
                why = joined(o.demotion)
                o.flags.append(line("assistant-class.demotion_flag", before=o.level_before, after=lower, why=why))
                o.trace.append(line("assistant-class.demotion", after=lower, why=why))

    # -------------------------------------------------------------- team lead

    def review_team_lead(self, o: Outcome, assistants: dict[str, Outcome]) -> None:
        rules, state = self.rules, self.states[o.employee.id]
        if rules.rank(o.level_before) < rules.rank(rules.lead_min_level):
            o.flags.append(line("assistant-class.lead_below", level=o.level_before, least=rules.lead_min_level))
        team = mean_of(a.facts.average for a in assistants.values() if a.facts.average is not None)
        if team is None:
            o.trace.append(line("assistant-class.lead_nobody"))
            state.unqualified_run = 0
            return
        pay = next((p for least, p in rules.lead_pay if team >= least), None)  # exact: 240/3 is 80
        bars = tuple(least for least, _ in rules.lead_pay)
        if pay is None:
            state.unqualified_run += 1
            o.pay_delta = ZERO
            o.flags.append(line("assistant-class.lead_unqualified_flag", average=shown(team, *bars)))
            least = format_number(rules.lead_pay[-1][0])
            o.trace.append(
                line(
                    "assistant-class.lead_unqualified", average=shown(team, *bars), least=least, n=state.unqualified_run
                )
            )
            if state.unqualified_run == rules.unqualified_quarters:
                state.unqualified_run = 0
                o.flags.append(line("assistant-class.lead_demoted_flag", n=rules.unqualified_quarters))
            return
        state.unqualified_run = 0
        suggestions = o.facts.counts.get(rules.suggestions_metric, 0)
        if suggestions < rules.suggestions_at_least:
            o.pay_delta = ZERO
            needs = rules.suggestions_at_least
            o.flags.append(line("assistant-class.lead_no_suggestion_flag", n=suggestions, needs=needs))
            would = dict(average=shown(team, *bars), pay=format_number(pay))
            o.trace.append(line("assistant-class.lead_no_suggestion", **would, n=suggestions, needs=needs))
            return
        o.pay_delta = pay
        o.trace.append(line("assistant-class.lead_pay", average=shown(team, *bars), pay=format_number(pay)))


def peer_averages(
    by_level: dict[str, dict[str, Mean | None]], level: str, summaries: dict[str, tuple]
) -> tuple[dict[str, Mean], Mean | None, int]:
    """The scored year averages of a level's members, their lowest and how many distinct values."""
    if level not in summaries:
        scored = {k: v for k, v in by_level.get(level, {}).items() if v is not None}
        values = scored.values()
        summaries[level] = (scored, min(values) if scored else None, len(set(values)))
    return summaries[level]


def decide(o: Outcome) -> str:
    """One decision per quarter; the others stay in the flags and trace."""
    if o.eliminations:
        return "exemption" if any(f.startswith("exemption:") for f in o.flags) else "elimination-review"
    if o.level_after != o.level_before:
        return "promote"
    if o.demotion:
        return "demotion-proposed"
    if not o.facts.complete:
        return "missing"
    return "stay"
