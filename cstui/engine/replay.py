"""History replay helpers shared by the document models.

Levels are never stored: they are replayed from the roster's starting level, the
scorecards and the overrides, so the same data always gives the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from cstui.domain import Employee, Override, Period, Result, Scorecard, ValueProblem, texts
from cstui.domain.texts import Line, from_json, line, to_json
from cstui.engine.cards import is_blank, parse_value, spec_plan
from cstui.engine.model import Checkpoint, DocumentModel, MetricSpec, TeamHistory
from cstui.engine.ranking import competition_ranks

texts.register(
    {
        "replay.override_by": ("override by {author}: {reason}", "{author} 手动调整：{reason}"),
        "replay.override": ("override: {reason}", "手动调整：{reason}"),
        "replay.not_assessed": ("not assessed in this month", "本月不考核"),
        "replay.starting_level": ("starting level", "起始级别"),
        "replay.hired": ("hired", "入职"),
        "replay.level_changed": ("level changed", "级别变更"),
        "replay.in_month": ("{month}: {line}", "{month}：{line}"),
        # flags and lines several models write
        "flag.missing": ("missing {month}", "缺考核表 {month}"),
        "flag.override": ("override", "手动调整"),
        "flag.eligible": ("eligible", "符合晋升条件"),
        "flag.probation": ("probation", "试用期"),
        "flag.dismissal_review": ("dismissal-review", "辞退审查"),
        "model.no_card": ("no scorecard for {month}", "{month} 无考核表"),
        "model.no_card_restart": (
            "no scorecard for {month}: the streak restarts",
            "{month} 无考核表：连续计数重新开始",
        ),
        "model.override_to": (
            "override → {level} from {month}: {reason}",
            "手动调整 → {level}，自 {month} 起：{reason}",
            {"level": "level"},
        ),
        "model.score": ("score = {score}", "得分 = {score}"),
        "model.capped": ("score {score} capped at {cap}", "得分 {score} 封顶 {cap}"),
        "model.probation": (
            "probation {first}: a month < {limit} → dismissal review",
            "试用期 {first}：任一月 < {limit} → 辞退审查",
        ),
        "model.probation_span": (
            "probation {first} to {last}: a month < {limit} → dismissal review",
            "试用期 {first} 至 {last}：任一月 < {limit} → 辞退审查",
        ),
    }
)


texts.register(
    {
        "replay.card_value": texts.Template(
            "employee {employee}, {period}, {field}: {reason}",
            "员工 {employee}，{period}，{field}：{reason}",
            {"field": "metric"},
        ),
    }
)


class CardValueError(ValueProblem):
    """A scorecard value that does not fit its metric; names the employee, month and field."""

    def __init__(self, employee_id: str, period: Period, field: str, reason: str):
        said = dict(employee=employee_id, period=str(period), field=field, reason=reason)
        super().__init__(line("replay.card_value", **said))
        self.employee_id = employee_id
        self.period = period
        self.field = field
        self.reason = reason


def parse_card(specs: Iterable[MetricSpec], employee_id: str, card: Scorecard) -> dict[str, Any]:
    """The card's values parsed by each metric's kind (values may arrive as raw strings).

    A text the card check has parsed already is taken from its kind's remembered parses
    (:func:`cstui.engine.cards.parse_value`'s): a replay checks every card, then parses it.
    """
    parsed: dict[str, Any] = {}
    values = card.values
    for key, kind, required, seen in spec_plan(specs):
        raw = values.get(key)
        if type(raw) is str and seen is not None:
            value = seen.get(raw)
            if value is not None and raw.strip():  # a blank text is never a value, remembered or not
                parsed[key] = value
                continue
        if is_blank(raw):
            if required:
                raise CardValueError(employee_id, card.period, key, f"no value; expected {kind}")
            continue
        try:
            parsed[key] = parse_value(kind, raw)
        except ValueProblem as exc:
            raise CardValueError(employee_id, card.period, key, str(exc)) from None
    return parsed


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (Nov 30 + 3 → Feb 28)."""
    ordinal = day.year * 12 + day.month - 1 + months
    year, month = divmod(ordinal, 12)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def days_in_month(year: int, month: int) -> int:
    """``calendar.monthrange(year, month)[1]``, without importing calendar (and locale) at every start-up."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def first_whole_month_after(months: int, hired: date) -> Period:
    """The first whole month after ``months`` from ``hired``: 2026-03-01 + 3 → 2026-06; 03-15 → 2026-07."""
    end = add_months(hired, months)
    first = Period.of_date(end)
    return first if end.day == 1 else first.next()


def month_span(first: Period, last: Period) -> list[Period]:
    """Every month from ``first`` to ``last`` inclusive (empty when ``first`` is later)."""
    return [Period.from_ordinal(o) for o in range(first.ordinal, last.ordinal + 1)]


def overrides_by_month(overrides: Iterable[Override]) -> dict[Period, Override]:
    """The override that rules each month (the last recorded one when two share a month)."""
    return {ov.period: ov for ov in overrides}


def override_why(override: Override) -> str:
    """The why of a month whose level was set by hand: who set it (when known) and the reason."""
    if override.author:
        return line("replay.override_by", author=override.author, reason=override.reason)
    return line("replay.override", reason=override.reason)


def quarter_average(
    scores: dict[Period, Decimal], quarter: Period
) -> tuple[Decimal | None, list[Period], list[Period]]:
    """Average over the months of ``quarter`` that have a score; also the present and missing months.

    A month without a scorecard is left out of the average rather than counted as 0:
    the review judges the work that was recorded, and the missing month is flagged.
    """
    present = [m for m in quarter.months() if m in scores]
    missing = [m for m in quarter.months() if m not in scores]
    if not present:
        return None, present, missing
    return sum((scores[m] for m in present), Decimal(0)) / len(present), present, missing


class CompiledCache:
    """Parameters compiled once per scheme object (band tables, weights, thresholds).

    Keyed by ``id(scheme)``, holding the scheme itself so the id cannot be reused by a
    new object while the entry lives.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[object, Any]] = {}

    def get(self, scheme: object, build: Callable[[], Any]) -> Any:
        entry = self._entries.get(id(scheme))
        if entry is None or entry[0] is not scheme:
            if len(self._entries) > 64:  # schemes are few; keep the cache from growing in long sessions
                self._entries.clear()
            entry = (scheme, build())
            self._entries[id(scheme)] = entry
        return entry[1]


# --- grading from replayed month states ------------------------------------------------


class Later:
    """A why, flag or trace text formatted only when it is read.

    A full replay passes every past window (a streak, a review) that a report never shows:
    formatting their texts up front was a third of star-levels' rule work. ``str()`` renders it;
    :func:`make_result`, the timelines and the models' saved states read texts that way.
    :meth:`line` is a template's line (:mod:`cstui.domain.texts`) made only when it is read.
    """

    __slots__ = ("render", "args")

    def __init__(self, render: Callable[..., str], *args: Any):
        self.render, self.args = render, args

    @classmethod
    def line(cls, key: str, **args: Any) -> Later:
        """The line of template ``key``, built (and its Later arguments read) when it is read."""
        return cls(_late_line, key, args)

    def __str__(self) -> str:
        return self.render(*self.args)

    def __repr__(self) -> str:
        return f"Later({self})"


def _late_line(key: str, args: dict[str, Any]) -> Line:
    return Line(key, {name: text(value) if type(value) is Later else value for name, value in args.items()})


def text(value: str | Later | None) -> str | None:
    """A text that may be :class:`Later`, rendered (None stays None; a Line stays a Line)."""
    return value if value is None or isinstance(value, str) else value.render(*value.args)


@dataclass(slots=True)
class MonthState:
    """One employee's month as the replay saw it."""

    period: Period
    level: str  # held during the month
    level_after: str  # held from the next month
    score: Decimal | None = None
    decision: str = "none"
    pay_delta: Decimal | None = None
    flags: list[str | Later] = field(default_factory=list)
    trace: list[str | Later] = field(default_factory=list)
    why: str | Later | None = None  # why ``level`` starts this month, when it does
    review_score: Decimal | None = None  # the review window's average, in a review month


class Run(Protocol):
    """One employee's replay in progress: fed the months in order, saved as JSON-able state.

    A run may also have ``skim(months, cards, by_month) -> Skimmed``: the same months as
    :meth:`month` would replay, for a run's level only (no MonthState, trace or flag), used for
    the months before the first reported one. :meth:`month` stays the reference.
    """

    def month(self, month: Period, card: Scorecard | None, override: Override | None) -> MonthState: ...

    def state(self) -> dict: ...


@dataclass(slots=True)
class Skimmed:
    """Months replayed for the level only (a run's ``skim``): what the timeline needs of them."""

    last: Period  # the last month skimmed
    changes: list[
        tuple[Period, str, str | Later | None]
    ]  # (month, level held in it, why) where it differs from the month before
    level_after: str  # held from the month after ``last``


@dataclass(slots=True)
class Replayed:
    """One employee's replayed months, and (when asked) the state to resume after them."""

    states: dict[Period, MonthState]
    level_before: str | None  # the level at the start of the first replayed month, when resumed
    saved: dict | None = None
    first: Period | None = None  # the first month replayed
    skimmed: Skimmed | None = None  # the months before ``states``, replayed for the level only

    def level_after(self) -> str | None:
        """The level held after the last month replayed (None when none was)."""
        if self.states:
            return next(reversed(self.states.values())).level_after
        return self.skimmed.level_after if self.skimmed is not None else None

    def changes(self) -> Iterator[tuple[Period, str, str | Later | None]]:
        """(month, level held, why) of every month replayed, skimmed ones only where it changed."""
        if self.skimmed is not None:
            yield from self.skimmed.changes
        for state in self.states.values():
            yield state.period, state.level, state.why


class ReplayModel(DocumentModel):
    """A model whose levels are replayed month by month; subclasses give :meth:`begin`.

    A checkpoint state is ``{"employees": {id: entry}}``; an entry is ``{"level", "timeline",
    "run"}`` for an employee whose replay had begun by the checkpoint's month, or the model's
    hint for one whose replay had not (:meth:`unstarted`, default ``{}``: start afresh). The
    timelines are stored apart from the state and read through :meth:`Checkpoint.timeline`
    only (a dry run does not read them).
    """

    timelines_apart = True

    # False: every month goes through the runs' month() (the reference), even where they can skim
    skims: bool = True
    # each employee's run sees only their own cards and overrides (ranks come after, by team);
    # a model whose runs read the team (rank-streak) sets it back to True
    team_relative = False

    def __init__(self) -> None:
        self._cache = CompiledCache()

    def compile(self, params: dict, problems: Any) -> Any:
        """The model's compiled parameters, or None after adding every problem found."""
        raise NotImplementedError

    def check(self, params: dict, problems: Any) -> None:
        self.compile(params, problems)

    def compiled(self, scheme: Any) -> Any:
        """The scheme's parameters compiled once per scheme object (a bad scheme raises)."""

        def build() -> Any:
            from cstui.engine.protocol import Problems, SchemeError

            problems = Problems(scheme.source)
            compiled = self.compile(scheme.params, problems)
            if compiled is None:
                raise SchemeError(problems.lines)
            return compiled

        return self._cache.get(scheme, build)

    def begin(
        self,
        params: Any,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        until: Period,
        explain_from: Period | None,
        saved: dict | None,
        after: Period | None,
    ) -> tuple[Run, Period]:
        """The run replaying the employee's months and its first month.

        With ``saved["run"]`` (the state at the end of ``after``) the run resumes from it at
        the month after ``after``; otherwise it starts afresh (``saved`` may hold the hint
        :meth:`unstarted` gave). Score traces are written only from ``explain_from`` on.
        """
        raise NotImplementedError

    def unstarted(
        self,
        params: Any,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        month: Period,
        saved: dict | None,
    ) -> dict | None:
        """None to keep the run at the end of ``month``; or the entry to keep instead when a
        later resume should start afresh (``{}``) or from the hint the dict holds.

        ``saved`` is the employee's entry of the checkpoint the history started from, if any.
        Default: keep the run whenever a month was replayed.
        """
        return None

    def starting_level(self, params: Any, employee: Employee) -> str:
        raise NotImplementedError

    def replay(
        self,
        params: Any,
        employee: Employee,
        cards: dict[Period, Scorecard],
        overrides: list[Override],
        until: Period,
        explain_from: Period | None = None,
    ) -> list[MonthState]:
        """The employee's months in order, from the first month that matters up to ``until``.

        Score traces are written only from ``explain_from`` on (None: every month): earlier
        months are replayed for their levels, and formatting their lines would dominate
        the cost of grading a large roster.
        """
        by_month = overrides_by_month(overrides)
        run, start = self.begin(params, employee, cards, by_month, until, explain_from, None, None)
        return [run.month(m, cards.get(m), by_month.get(m)) for m in month_span(start, until)]

    # --- grading, levels and checkpoints ---------------------------------------------

    def grade(self, scheme: Any, history: TeamHistory, period: Period, explain: bool = True) -> list[Result]:
        return self._grade(scheme, history, period, keep=False, explain=explain)[0]

    def grade_and_checkpoint(
        self, scheme: Any, history: TeamHistory, period: Period, explain: bool = True
    ) -> tuple[list[Result], dict | None]:
        return self._grade(scheme, history, period, keep=True, explain=explain)

    def checkpoint(self, scheme: Any, history: TeamHistory, month: Period) -> dict | None:
        params = self.compiled(scheme)
        saved = {}
        for employee in history.employees:
            saved[employee.id] = self._replay(
                params, employee, history, month, month.next(), keep=True, report_from=month.next()
            ).saved
        return {"employees": saved}

    def _grade(
        self, scheme: Any, history: TeamHistory, period: Period, keep: bool, explain: bool = True
    ) -> tuple[list[Result], dict | None]:
        params = self.compiled(scheme)
        results, saved = [], {}
        # without ``explain`` no month is explained: the score lines are never formatted
        explain_from = period.months()[0] if explain else period.last_month.next()
        for employee in history.employees:
            graded = _on_roster(employee, history, period)
            if not graded and not keep:
                continue
            replayed = self._replay(
                params, employee, history, period.last_month, explain_from, keep, report_from=period.months()[0]
            )
            if graded:
                result = self._result(scheme, params, employee, period, replayed)
                if not explain:
                    result.trace = []
                results.append(result)
            if keep:
                saved[employee.id] = replayed.saved
        _rank_by_team(results)
        return results, ({"employees": saved} if keep else None)

    def levels(self, scheme: Any, history: TeamHistory, until: Period) -> dict[str, list[tuple[Period, str, str]]]:
        params = self.compiled(scheme)
        timelines = {}
        for employee in history.employees:
            if Period.of_date(employee.hire_date).ordinal > until.last_month.ordinal:
                continue
            replayed = self._replay(
                params,
                employee,
                history,
                until.last_month,
                until.last_month.next(),
                report_from=until.last_month.next(),
            )
            timelines[employee.id] = self._timeline(params, employee, replayed, history.checkpoint)
        return timelines

    def _entry(self, history: TeamHistory, employee: Employee) -> dict | None:
        if history.checkpoint is None:
            return None
        # an employee missing from the state (roster changes invalidate, so it should not
        # happen) is replayed afresh from the months the history holds
        return history.checkpoint.state.get("employees", {}).get(employee.id)

    def _replay(
        self,
        params: Any,
        employee: Employee,
        history: TeamHistory,
        until: Period,
        explain_from: Period,
        keep: bool = False,
        report_from: Period | None = None,
    ) -> Replayed:
        """The employee's months up to ``until``; those before ``report_from`` are skimmed
        (replayed for the level only) when the run can (``skim``): no report reads them."""
        cards = history.cards.get(employee.id, {})
        by_month = overrides_by_month(history.overrides.get(employee.id, []))
        entry = self._entry(history, employee)
        after = history.checkpoint.month if history.checkpoint is not None else None
        run, start = self.begin(params, employee, cards, by_month, until, explain_from, entry, after)
        months = month_span(start, until)
        skim = getattr(run, "skim", None) if self.skims else None
        skimmed = None
        if skim is not None and report_from is not None and months and months[0].ordinal < report_from.ordinal:
            quiet = months[: report_from.ordinal - months[0].ordinal]
            skimmed, months = skim(quiet, cards, by_month), months[len(quiet) :]
        states = {m: run.month(m, cards.get(m), by_month.get(m)) for m in months}
        resumed = entry is not None and entry.get("run") is not None
        replayed = Replayed(states, entry["level"] if resumed else None, first=start, skimmed=skimmed)
        if keep:
            hint = None if resumed else self.unstarted(params, employee, cards, by_month, until, entry)
            if hint is None and (states or skimmed or resumed):
                last = replayed.level_after() or entry["level"]
                replayed.saved = {
                    "level": last,
                    "timeline": self._stored_timeline(params, employee, replayed, history.checkpoint),
                    "run": run.state(),
                }
            else:
                replayed.saved = hint or {}
        return replayed

    def _stored_timeline(
        self, params: Any, employee: Employee, replayed: Replayed, checkpoint: Checkpoint | None
    ) -> list:
        """The timeline as a checkpoint keeps it, ``[[month, level, why as JSON]]``: a resumed
        one is the checkpoint's own as it was stored, with the changes since appended; decoding
        every employee's past whys and encoding them again was most of what a checkpoint cost."""
        if replayed.level_before is None or checkpoint is None:
            entries = self._timeline(params, employee, replayed, checkpoint)
            return [[str(m), lv, to_json(why)] for m, lv, why in entries]
        stored, added = checkpoint.timeline(employee.id), []
        last = stored[-1][1]
        for month, level, why in replayed.changes():
            if level != last:
                added.append([str(month), level, to_json(text(why) or line("replay.level_changed"))])
                last = level
        return stored + added if added else stored

    def _timeline(
        self, params: Any, employee: Employee, replayed: Replayed, checkpoint: Checkpoint | None
    ) -> list[tuple[Period, str, str]]:
        # a replay resumed from the checkpoint's entry (``level_before``) continues its timeline
        if replayed.level_before is None or checkpoint is None:
            return timeline(replayed, self.starting_level(params, employee), employee)
        entries = [(Period.parse(m), lv, from_json(why)) for m, lv, why in checkpoint.timeline(employee.id)]
        for month, level, why in replayed.changes():
            if level != entries[-1][1]:
                entries.append((month, level, text(why) or line("replay.level_changed")))
        return entries

    def month_state(self, params: Any, employee: Employee, replayed: Replayed, month: Period) -> MonthState:
        if month in replayed.states:
            return replayed.states[month]
        level = self.level_at(params, employee, replayed, month)
        return MonthState(month, level, level, trace=[line("replay.not_assessed")])

    def level_at(self, params: Any, employee: Employee, replayed: Replayed, month: Period) -> str:
        earlier = [s for p, s in replayed.states.items() if p.ordinal < month.ordinal]
        if earlier:
            return earlier[-1].level_after
        skimmed = replayed.skimmed
        if skimmed is not None and skimmed.last.ordinal < month.ordinal:
            return skimmed.level_after
        return replayed.level_before or self.starting_level(params, employee)

    def _result(self, scheme: Any, params: Any, employee: Employee, period: Period, replayed: Replayed) -> Result:
        months = [self.month_state(params, employee, replayed, m) for m in period.months()]
        if period.is_month:
            state = months[0]
            return make_result(
                scheme,
                employee,
                period,
                state.score,
                state.level,
                state.level_after,
                state.decision,
                state.pay_delta,
                state.flags,
                state.trace,
            )
        return self.quarter_result(scheme, employee, period, months)

    def quarter_result(self, scheme: Any, employee: Employee, period: Period, months: list[MonthState]) -> Result:
        """A quarter of a monthly scheme: the average of the months present, the quarter's changes."""
        scores = {s.period: s.score for s in months if s.score is not None}
        average, _, _ = quarter_average(scores, period)
        if average is not None:  # shown only (a monthly scheme decides month by month): 2 decimals
            average = average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        changes = [s.decision for s in months if s.decision in ("promote", "demote")]
        decision = changes[-1] if changes else months[-1].decision
        flags = [f for s in months for f in s.flags]
        trace = [Line("replay.in_month", {"month": str(s.period), "line": text(t)}) for s in months for t in s.trace]
        return make_result(
            scheme, employee, period, average, months[0].level, months[-1].level_after, decision, None, flags, trace
        )


def timeline(replayed: Replayed, start_level: str, employee: Employee) -> list[tuple[Period, str, str]]:
    """[(first month, level, why)]: the starting level, then every month the level changes."""
    first = (
        replayed.first
        if replayed.first is not None and (replayed.states or replayed.skimmed)
        else Period.of_date(employee.hire_date)
    )
    entries = [(first, start_level, line("replay.starting_level") if employee.level else line("replay.hired"))]
    for month, level, why in replayed.changes():
        if level != entries[-1][1]:
            entries.append((month, level, text(why) or line("replay.level_changed")))
    return entries


def _on_roster(employee: Employee, history: TeamHistory, period: Period) -> bool:
    """Hired by the period's end; an inactive employee only when the period has a scorecard."""
    if Period.of_date(employee.hire_date).ordinal > period.last_month.ordinal:
        return False
    if employee.status == "active":
        return True
    cards = history.cards.get(employee.id, {})
    return any(m in cards for m in period.months())


def _rank_by_team(results: list[Result]) -> None:
    teams: dict[str, dict[int, Decimal | None]] = {}
    for i, result in enumerate(results):
        teams.setdefault(result.team, {})[i] = result.score
    for scores in teams.values():
        for i, rank in competition_ranks(scores).items():
            results[i].rank = rank


def make_result(
    scheme: Any,
    employee: Employee,
    period: Period,
    score: Decimal | None,
    before: str,
    after: str,
    decision: str,
    pay: Decimal | None,
    flags: list[str | Later],
    trace: list[str | Later],
) -> Result:
    # positional, in Result's field order: a class called with keywords packs them into a dict
    # and out again (CPython 3.11), ~5,000 instructions a result, a few % of a dry run
    return Result(
        employee.id,
        employee.name,
        employee.team,
        period,
        scheme.name,
        scheme.version,
        score,
        None,  # grade
        None,  # rank
        before,
        after,
        decision,
        pay,
        [text(f) for f in flags],
        [text(line) for line in trace],
    )


class ReplayReference:
    """The replay methods of ``cls`` that a column-wise apply restates, as the class has them
    when that apply is loaded. :meth:`holds` is False once one is replaced (a test's patch, a
    change to the class): the checkpoint entries the apply must agree with are then no longer
    the ones it restates, and the per-card path makes them alone."""

    def __init__(self, cls: type, names: tuple[str, ...]):
        self.cls, self.methods = cls, {name: getattr(cls, name) for name in names}

    def holds(self) -> bool:
        return issubclass(self.cls, ReplayModel) and all(
            getattr(self.cls, name, None) is method for name, method in self.methods.items()
        )
