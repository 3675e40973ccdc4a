"""assistant-class's resumed month a team at once (issue 14): the dry run's ``grade_columns``.

A month of assistant-class never changes a class (its decision is ``none`` or ``missing``; the
quarter's review is graded as the quarter): from the checkpoint at the month before, each
member's result is the class held, the month's ledger total, its grade band, the rank among
the team's assistants, the pay float and the dismissal-review flags, whose "last in the team N
months running" reads the team's standing in the months before (kept in the checkpoint's
``months``) and in this one. So a member's flags and rank depend on every teammate's score:
the team is graded here whole, or left whole to the per-card path (:meth:`AssistantClass.grade`,
the reference): a card the check gives no verdict for (a refusal is worded there, and a refused
card still counts in the reference's standing), an override in the month, a checkpoint this does
not read as the per-card path would. The ledger totals are the card check's own
(:func:`cstui.engine.cards.scorecards_by_columns`, as the per-card path's screen finds them: the
reference's ``score_ledger`` on the card, or on its adjustment and reason alone without
incidents), and the rules the reference's functions (``standing_of``, ``dismissal_reasons``,
``grade_of``, ``pay_delta``), so the numbers and texts agree by construction;
tests/engine/test_assist_month_columns.py holds the two to the same results.

Members with no row (inactive without a card) are left to the per-card path: their month is
missing, whoever else scored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cstui.domain import Period, Result, months_between
from cstui.domain.texts import line
from cstui.domain.values import ValueProblem, parse_count
from cstui.engine.cards import is_blank, scorecards_by_columns
from cstui.engine.grades import compile_grading, dismissal_reasons, grade_of, pay_delta
from cstui.engine.period_columns import PeriodColumns, unpatched

from . import checkpoint as checkpoints
from .model import AssistantClass
from .months import Standing, standing_of, window
from .params import compile_rules

_NO_ROW: dict = {}


def grade_columns(
    model: AssistantClass, scheme: Any, columns: PeriodColumns, explain: bool
) -> dict[int, Result] | None:
    """{row: its Result, ranked} for every row; None: the team is left to the per-card path."""
    history, month = columns.history, columns.period
    if explain or not month.is_month or history is None or not unpatched(model, AssistantClass):
        return None
    state = _resumable(history, month)
    if state is None:
        return None
    rules = compile_rules(scheme.params)
    cards = [history.cards.get(e.id, _NO_ROW).get(month) for e in history.employees]
    totals = _totals(scheme, cards, rules.count_metrics)
    rows = {e.id: i for i, e in enumerate(columns.employees)}
    if totals is None or any(c is not None and e.id not in rows for e, c in zip(history.employees, cards)):
        return None  # a card the check does not pass here, or one of a member with no row
    scores = {e.id: None if t is None else t.score for e, t in zip(history.employees, totals, strict=True)}
    assistants = {e.id: scores[e.id] for e in history.employees if e.role != rules.lead_role}
    standing = standing_of(assistants)
    grading = compile_grading(scheme.params)
    scorer = _Scorer(grading, standing, _look_back(state, month, grading.dismissal.last_months, assistants, standing))
    levels, start = state["employees"], (line("assistant-class.missing_flag", month=month),)
    done = {}
    for employee, total in zip(history.employees, totals, strict=True):
        if employee.id not in rows:
            continue
        saved = levels.get(employee.id)
        level = saved["level"] if saved is not None else _roster_level(rules.levels, employee.level)
        result = _open(scheme, history.team, month, employee, level)
        if total is None:
            result.decision, result.flags = "missing", list(start)
        else:
            employed = months_between(employee.hire_date, month)  # 1 or more: a row is hired by then
            scorer.score(result, total, scores, employed)
        done[rows[employee.id]] = result
    return done


def _resumable(history: Any, month: Period) -> dict | None:
    """The checkpoint's state when the per-card path resumes from it as this reads it: its
    layout and month, no quarter to review before the month, no override up to it, no stored
    row of the month itself."""
    checkpoint = history.checkpoint
    state = checkpoint.state
    if (
        not isinstance(state, dict)
        or state.get("layout") != checkpoints.LAYOUT
        or state.get("month") != str(checkpoint.month)
        or state.get("resume") not in (None, str(month.quarter))
        or not isinstance(state.get("employees"), dict)
        or not isinstance(state.get("months"), dict)
    ):
        return None
    last = month.ordinal
    if any(o.period.ordinal <= last for overrides in history.overrides.values() for o in overrides):
        return None
    text = str(month)
    if any(text in rows for rows in state["months"].values()):
        return None
    return state


def _totals(scheme: Any, cards: list, counts: tuple[str, ...]) -> list | None:
    """Each member's ledger total of the month (None: no card), as the card check finds it; None
    when a card is refused or given no verdict, or a count does not read (the per-card path
    words it)."""
    present = [card for card in cards if card is not None]
    found: dict = {}
    verdicts = scorecards_by_columns(scheme, present, found)
    if verdicts is None or not all(verdicts) or len(found) != len(present):
        return None
    if not _counts_read(present, counts):
        return None
    totals, at = [], 0
    for card in cards:
        if card is None:
            totals.append(None)
        else:
            totals.append(found[at])
            at += 1
    return totals


def _counts_read(cards: list, metrics: tuple[str, ...]) -> bool:
    """Every count metric of every card reads as :func:`.months.read_counts` reads it (a blank,
    digits, a whole number 0 or more, or a text ``parse_count`` takes), each distinct value
    judged once."""
    for metric in metrics:
        try:
            distinct = {card.values.get(metric) for card in cards}
        except TypeError:  # a value that is not a text or a number: the per-card path words it
            return False
        for raw in distinct:
            if type(raw) is str and raw.isascii() and raw.isdigit():
                continue
            if is_blank(raw) or (type(raw) is int and raw >= 0):
                continue
            try:
                parse_count(raw)
            except ValueProblem:
                return False
    return True


def _look_back(state: dict, month: Period, length: int, assistants: dict, now: Standing):
    """A member's dismissal look-back, ``(last in the team, score)`` of each of the ``length``
    months up to ``month`` (:meth:`.months.TeamMonths.look_back`): the months before from the
    checkpoint's rows, each month's standing made once for the team."""
    stored, text = state["months"], str(month)
    standings: list[tuple[str, Standing]] = []
    for m in window(month, length):
        key = str(m)
        if key == text:
            standings.append((key, now))
            continue
        scores = {}
        for employee_id in assistants:
            row = stored.get(employee_id, _NO_ROW).get(key)
            scores[employee_id] = Decimal(row["score"]) if row is not None and "score" in row else None
        standings.append((key, standing_of(scores)))

    def run(employee_id: str, scores: dict) -> list[tuple[bool, Decimal | None]]:
        found = []
        for key, standing in standings:
            if employee_id in standing.scores:
                score = standing.scores[employee_id]
            elif key == text:
                score = scores[employee_id]
            else:  # not ranked (a team lead): scored all the same
                row = stored.get(employee_id, _NO_ROW).get(key)
                score = Decimal(row["score"]) if row is not None and "score" in row else None
            found.append((employee_id in standing.last, score))
        return found

    return standings, run


class _Scorer:
    """The scored month of :meth:`AssistantClass._month_result` without its trace, for a team.

    The reference's functions, each asked once per distinct input: ``grade_of`` and
    ``pay_delta`` read the score's value alone, ``dismissal_reasons`` its score, dismissal
    codes and look-back; the look-back is built only for a member last in the team in every
    month of it (for any other the rule's window is not met, as with no look-back at all)."""

    def __init__(self, grading: Any, standing: Standing, look_back: tuple):
        self.grading, self.standing = grading, standing
        standings, self.run = look_back
        lasts = [s.last for _, s in standings]
        self.firing = frozenset.intersection(*lasts) if lasts else frozenset()
        self.grades: dict = {}
        self.pays: dict = {}
        self.flags: dict = {}

    def score(self, result: Result, total: Any, scores: dict, employed: int) -> None:
        score, grading, employee_id = total.score, self.grading, result.employee_id
        grade = self.grades.get(score, _UNSEEN)
        if grade is _UNSEEN:
            grade = self.grades[score] = grade_of(grading.bands, score)
        result.score, result.grade, result.rank = score, grade, self.standing.ranks.get(employee_id)
        if employee_id in self.firing:
            reasons = dismissal_reasons(grading.dismissal, score, self.run(employee_id, scores), total.dismissal)
            result.flags.extend(line("assistant-class.dismissal_flag", reason=r) for r in reasons)
        else:  # the same texts for the same digits and codes: made once
            key = (str(score), *total.dismissal)
            flags = self.flags.get(key)
            if flags is None:
                reasons = dismissal_reasons(grading.dismissal, score, (), total.dismissal)
                flags = self.flags[key] = [line("assistant-class.dismissal_flag", reason=r) for r in reasons]
            result.flags.extend(flags)
        if employed <= grading.pay.unpaid_months:
            return  # pay_delta: none in the unpaid months
        pay = self.pays.get(score, _UNSEEN)
        if pay is _UNSEEN:
            pay = self.pays[score] = pay_delta(grading.pay, score, employed)
        result.pay_delta = pay


_UNSEEN = object()


def _roster_level(levels: tuple[str, ...], level: str | None) -> str:
    """A member the checkpoint does not hold starts at the roster's level (the entry class off the ladder)."""
    return level if level in levels else levels[0]


def _open(scheme: Any, team: str, month: Period, employee: Any, level: str) -> Result:
    result = Result(
        employee.id, employee.name, team, month, scheme.name, scheme.version, None, None, None, level, level,
        "none", None,
    )  # fmt: skip
    return result
