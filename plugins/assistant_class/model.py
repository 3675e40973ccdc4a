"""``assistant-class``: 1st / 2nd / 3rd class assistants (客服助理定级, doc 003 + 004).

Monthly: the points ledger, grade bands, pay float and dismissal review flags. Quarterly:
the class review (see :mod:`.review`). A month's result never changes the level (its
decision is ``none``); the quarter ``YYYY-Qn`` carries the review, whatever month it is
asked from.
"""

from __future__ import annotations

from collections.abc import Container
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cstui.domain import Employee, Period, Result, Scorecard, months_between, texts
from cstui.domain.texts import line, shared
from cstui.domain.values import format_number as _fmt
from cstui.engine.cards import screened_totals
from cstui.engine.exact import to_decimal
from cstui.engine.grades import (
    Grading,
    PayFloat,
    compile_grading,
    dismissal_reasons,
    grade_of,
    pay_delta,
    pay_float,
)
from cstui.engine.ledger import compile_ledger, score_ledger
from cstui.engine.model import DocumentModel, MonthScore, TeamHistory
from cstui.engine.period_columns import SHARED_LINES_KEPT, shared_line
from cstui_plugins.assistant_class import checkpoint as checkpoints
from cstui_plugins.assistant_class import params as rules_params
from cstui_plugins.assistant_class.months import TeamMonths
from cstui_plugins.assistant_class.review import AVERAGE_PLACES, Outcome, Replay

if TYPE_CHECKING:
    from cstui.schemes import Problems, Scheme

_L = {"level": "level", "before": "level", "after": "level", "decision": "decision"}
texts.register(
    {
        "assistant-class.total": ("total {score} → grade {grade}{rank}", "合计 {score} → 等级 {grade}{rank}"),
        "assistant-class.rank": (", rank {rank} in the team", "，组内第 {rank} 名"),
        "assistant-class.dismissal_flag": ("dismissal-review: {reason}", "辞退审查：{reason}"),
        "assistant-class.dismissal": ("dismissal review: {reason}", "辞退审查：{reason}"),
        "assistant-class.dismissal_month_flag": ("dismissal-review: {month} {reason}", "辞退审查：{month} {reason}"),
        "assistant-class.missing_flag": ("missing: no scorecard for {month}", "缺数据：{month} 无考核表"),
        "assistant-class.missing_months_flag": ("missing: {months}", "缺数据：{months}"),
        "assistant-class.invalid_flag": ("invalid-scorecard: {problem}", "考核表无效：{problem}"),
        "assistant-class.level": (
            "level {level} (the class review is quarterly: see {quarter})",
            "级别 {level}（级别按季度评定：见 {quarter}）",
            _L,
        ),
        "assistant-class.decision": (
            "decision {decision}: {before} → {after}",
            "结论 {decision}：{before} → {after}",
            _L,
        ),
    }
)


class AssistantClass(DocumentModel):
    name = "assistant-class"
    review = "quarterly"
    label = "1st / 2nd / 3rd class assistants"
    params_schema = rules_params.PARAMS_SHAPE
    grades_invalid_cards = True  # a card the ledger cannot score is a month not scored (months.py)
    state_version = 2  # 2: exact quarter averages rank and decide (were rounded to cents)
    timelines_apart = True  # a member's stored timeline is read through Checkpoint.timeline (checkpoint.py)
    skims = True  # False: every month per card (the reference the column-wise month is tested against)
    grade_columns_ranks = True  # grade_columns ranks its rows among the team's assistants (leads unranked)

    def check(self, params: dict, problems: Problems) -> None:
        rules_params.check(params, problems)

    # -------------------------------------------------------------- month

    def score_month(self, scheme: Scheme, employee: Employee, card: Scorecard) -> MonthScore:
        """Raises :class:`cstui.engine.ledger.LedgerProblem` for a card that cannot be scored."""
        ledger, grading = compile_ledger(scheme.params), compile_grading(scheme.params)
        total = score_ledger(ledger, employee.id, str(card.period), card.values, card.incidents)
        delta, pay_line = pay_float(
            grading.pay, total.score, months_between(employee.hire_date, card.period), employee.hire_date
        )
        reasons = dismissal_reasons(grading.dismissal, total.score, [], total.dismissal)
        grade = grade_of(grading.bands, total.score)
        trace = [*total.trace, line("assistant-class.total", score=_fmt(total.score), grade=grade, rank=""), pay_line]
        flags = [line("assistant-class.dismissal_flag", reason=r) for r in reasons]
        return MonthScore(total.score, grade, delta, flags, trace)

    # -------------------------------------------------------------- grading

    def grade_columns(self, scheme: Scheme, columns: Any, explain: bool = True) -> dict | None:
        """A resumed month's team at once (month_columns.py): {row: Result}, or None (per card)."""
        from cstui_plugins.assistant_class.month_columns import grade_columns

        return grade_columns(self, scheme, columns, explain)

    def grade(self, scheme: Scheme, history: TeamHistory, period: Period, explain: bool = True) -> list[Result]:
        checkpoints.check_after(history, period)
        months, replay = self._replay(scheme, history, explain)
        return self._grade(scheme, history, period, months, replay, explain)

    def levels(self, scheme: Scheme, history: TeamHistory, until: Period) -> dict[str, list[tuple[Period, str, str]]]:
        _, replay = self._replay(scheme, history)
        replay.run(until.quarter)
        last = until.last_month.ordinal
        return {i: [row for row in s.timeline if row[0].ordinal <= last] for i, s in replay.states.items()}

    # -------------------------------------------------------------- checkpoints

    def checkpoint(self, scheme: Scheme, history: TeamHistory, month: Period) -> dict | None:
        month = month.last_month
        checkpoints.check_after(history, month, at_checkpoint=True)
        months, replay = self._replay(scheme, history)
        if checkpoints.started(replay, month):
            if month.completes_quarter():
                if month.quarter >= replay.first_quarter(month.quarter):  # not already in a checkpoint
                    replay.run(month.quarter)
            elif month.quarter.prev() >= replay.first_quarter(month.quarter):
                replay.run(month.quarter.prev())
        replay.apply_overrides(month)  # the resumed history holds only the later ones
        return checkpoints.dump(replay, months, month, compile_grading(scheme.params).dismissal.last_months)

    def grade_and_checkpoint(
        self, scheme: Scheme, history: TeamHistory, period: Period, explain: bool = True
    ) -> tuple[list[Result], dict | None]:
        checkpoints.check_after(history, period)
        months, replay = self._replay(scheme, history, explain)
        results = self._grade(scheme, history, period, months, replay, explain)
        if not checkpoints.started(replay, period.last_month):
            # grading an empty quarter reviewed it; a full replay would not have (it
            # starts at the first scorecard), so take the state without that review
            return results, self.checkpoint(scheme, history, period.last_month)
        if period.is_month and period.completes_quarter():  # the state holds the quarter's review
            replay.explain = False
            replay.review_state(period.quarter)
        lookback = compile_grading(scheme.params).dismissal.last_months
        return results, checkpoints.dump(replay, months, period.last_month, lookback)

    def grade_in_turn(
        self,
        scheme: Scheme,
        history: TeamHistory,
        periods: list[Period],
        until: Period,
        explained: Container[str] | None = None,
        only: Container[str] | None = None,
    ) -> tuple[list[list[Result]], dict[str, list[tuple[Period, str, str]]]]:
        """Each of ``periods`` graded and the levels up to ``until``, in one replay: each period
        reviews the quarters after those the one before reviewed, where grading it alone would
        replay them all again (see :meth:`DocumentModel.grade_in_turn`)."""
        for period in periods:
            checkpoints.check_after(history, period)
        months, replay = self._replay(scheme, history)
        replay.explained, replay.reported = explained, only
        graded = []
        for period in periods:
            replay.explain_asked = period.is_quarter  # a month's run reviews earlier quarters: no trace read
            graded.append(self._grade(scheme, history, period, months, replay))
        replay.explain_asked = False
        if replay.reviewed is None or replay.reviewed < until.quarter:
            replay.run(until.quarter)  # as levels() does: the reviews up to until's quarter
        last = until.last_month.ordinal
        return graded, {i: [row for row in s.timeline if row[0].ordinal <= last] for i, s in replay.states.items()}

    # -------------------------------------------------------------- one replay

    def _replay(self, scheme: Scheme, history: TeamHistory, explain: bool = True) -> tuple[TeamMonths, Replay]:
        """A replay from the roster's starting levels, or from ``history.checkpoint``.

        Without ``explain`` no review writes its trace (the results carry none).
        """
        rules = rules_params.compile_rules(scheme.params)
        screened = screened_totals(history, scheme.params)  # the card check's, for this run alone
        months = TeamMonths(compile_ledger(scheme.params), rules.count_metrics, history, rules.lead_role, screened)
        replay = Replay(rules, history, months, checkpoints.restored(history))
        replay.explain_asked = explain
        if history.checkpoint is not None:
            cp = history.checkpoint
            checkpoints.restore(replay, months, cp.month, cp.state, cp.timeline)
        return months, replay

    def _grade(
        self,
        scheme: Scheme,
        history: TeamHistory,
        period: Period,
        months: TeamMonths,
        replay: Replay,
        explain: bool = True,
    ) -> list[Result]:
        reported = replay.reported  # None: everyone's result
        if period.is_quarter:
            outcomes = replay.run(period)
            results = [
                self._quarter_result(scheme, history, period, o, months, explain, _brief(replay, o.employee.id))
                for o in outcomes.values()
                if reported is None or o.employee.id in reported
            ]
        else:
            before = period.quarter.prev()
            if before >= replay.first_quarter(period.quarter) and (replay.reviewed is None or replay.reviewed < before):
                replay.run(before)
            replay.apply_overrides(period)
            results = [
                self._month_result(scheme, history, period, e, months, replay, explain, _brief(replay, e.id))
                for e in history.employees
                if reported is None or e.id in reported
            ]
        return [r for r in results if r is not None]

    def _month_result(
        self,
        scheme: Scheme,
        history: TeamHistory,
        month: Period,
        employee: Employee,
        months: TeamMonths,
        replay: Replay,
        explain: bool = True,
        brief: bool = False,
    ) -> Result | None:
        """``brief``: only what ranks and grade quotas read (score, grade, rank, decision)."""
        employed = months_between(employee.hire_date, month)
        if employed < 1:  # hired after the month
            return None
        grading, level = compile_grading(scheme.params), replay.states[employee.id].level
        facts = months.get(employee.id, month)
        result = _open_result(scheme, history, month, employee, level)
        if facts is None:
            result.decision = "missing"
            result.flags.append(line("assistant-class.missing_flag", month=month))
            return result
        if facts.total is None:
            result.decision = "missing"
            result.flags.append(line("assistant-class.invalid_flag", problem=facts.problem))
            if explain:
                result.trace.append(line("assistant-class.not_scored", problem=facts.problem))
            return result
        total = facts.total
        result.score, result.grade = total.score, grade_of(grading.bands, total.score)
        result.rank = months.ranks(month).get(employee.id)
        if brief:
            return result
        reasons = month_dismissal(grading, months, employee.id, month)
        result.flags.extend(line("assistant-class.dismissal_flag", reason=r) for r in reasons)
        if not explain:  # the pay line is read only in a trace
            result.pay_delta = pay_delta(grading.pay, total.score, employed)
            return result
        self._explain_month(result, total, grading, employed, employee.hire_date, reasons)
        return result

    def _explain_month(
        self, result: Result, total: Any, grading: Grading, employed: int, hired: Any, reasons: list[str]
    ) -> None:
        """A scored month's pay and trace. The lines that depend on a few values (the pay line
        by score, the level line by class and quarter) are made once a run and shared, so an
        apply encodes each once (cstui.store.periods.lines_json); ``skims`` off (the reference
        the tests hold this to): each row's own, as before."""
        made = shared_line if self.skims else line
        if self.skims:
            result.pay_delta, pay_line = shared_pay_float(grading.pay, total.score, employed, hired)
            ledger = [_shared_ledger_line(made) for made in total.trace]
        else:
            result.pay_delta, pay_line = pay_float(grading.pay, total.score, employed, hired)
            ledger = total.trace
        rank = made("assistant-class.rank", rank=result.rank) if result.rank is not None else ""
        graded = line("assistant-class.total", score=_fmt(total.score), grade=result.grade, rank=rank)
        result.trace = [*ledger, graded, pay_line]
        result.trace.extend(line("assistant-class.dismissal", reason=r) for r in reasons)
        result.trace.append(made("assistant-class.level", level=result.level_before, quarter=result.period.quarter))

    def _quarter_result(
        self,
        scheme: Scheme,
        history: TeamHistory,
        quarter: Period,
        o: Outcome,
        months: TeamMonths,
        explain: bool = True,
        brief: bool = False,
    ) -> Result:
        """``brief``: the flags and trace left out (what ranks and grade quotas read is there)."""
        grading = compile_grading(scheme.params)
        exact = o.facts.average  # the exact average grades; the report shows it to the cent
        avg = None if exact is None else to_decimal(exact, AVERAGE_PLACES)
        flags = list(o.flags)
        if brief:
            explain, flags = False, []
        elif o.facts.missing:
            flags.insert(0, line("assistant-class.missing_months_flag", months=", ".join(map(str, o.facts.missing))))
        for month, score in o.facts.months:  # the quarter's report repeats each month's flags
            if score is not None and not brief:
                flags.extend(
                    line("assistant-class.dismissal_month_flag", month=month, reason=r)
                    for r in month_dismissal(grading, months, o.employee.id, month)
                )
        moved = dict(decision=o.decision, before=o.level_before, after=o.level_after)
        trace = [*o.trace, line("assistant-class.decision", **moved)] if explain else []
        return Result(
            o.employee.id,
            o.employee.name,
            history.team,
            quarter,
            scheme.name,
            scheme.version,
            avg,
            grade_of(grading.bands, exact),
            o.rank,
            o.level_before,
            o.level_after,
            o.decision,
            o.pay_delta,
            flags,
            trace,
        )


def shared_pay_float(pay: PayFloat, score: Decimal, employed: int, hired: Any) -> tuple[Decimal | None, str]:
    """:func:`pay_float`, its line made once per pay float and score text and shared: past the
    unpaid months the line reads the score alone (within them it names the hire date: each
    row's own). Keyed by the score's text, so 80 and 80.0 (equal, shown alike once their zeros
    are cut) are made apart, as the reference makes them."""
    if employed <= pay.unpaid_months:
        return pay_float(pay, score, employed, hired)
    key = (pay, str(score))
    known = _PAY_LINES.get(key)
    if known is None:
        if len(_PAY_LINES) >= SHARED_LINES_KEPT:
            _PAY_LINES.clear()
        delta, made = pay_float(pay, score, employed, hired)
        known = _PAY_LINES[key] = (delta, shared(made))
    return known


_PAY_LINES: dict[tuple, tuple] = {}
# the ledger's lines that read the catalogue and the card's count and points alone (texts and
# their "at" line): a handful a run; an adjustment's (its typed reason) and the rest stay each row's
SHARED_LEDGER_KEYS = frozenset(("ledger.base", "ledger.incident"))


def _shared_ledger_line(made: Any) -> Any:
    """The ledger's line as :func:`shared_line` makes it once a run, when it is one of
    :data:`SHARED_LEDGER_KEYS` (the same text, key and arguments as the row's own)."""
    if getattr(made, "key", None) not in SHARED_LEDGER_KEYS:
        return made
    return shared_line(made.key, **made.args)


def _brief(replay: Replay, employee_id: str) -> bool:
    """Whether ``employee_id``'s result is left brief: a replay told to explain others only
    (``replay.explained``: a history shows one person; the team is graded for ranks)."""
    return replay.explained is not None and employee_id not in replay.explained


def month_dismissal(grading: Grading, months: TeamMonths, employee_id: str, month: Period) -> list[str]:
    """Why a scored month needs a dismissal review: its score, last-in-team run, incidents."""
    total = months.get(employee_id, month).total
    run = months.look_back(employee_id, month, grading.dismissal.last_months)
    return dismissal_reasons(grading.dismissal, total.score, run, total.dismissal)


def _open_result(scheme: Scheme, history: TeamHistory, month: Period, employee: Employee, level: str) -> Result:
    """A month's result before scoring: no score, grade or rank yet, the level unchanged."""
    return Result(
        employee.id, employee.name, history.team, month, scheme.name, scheme.version, None, None, None, level, level,
        "none", None,
    )  # fmt: skip
