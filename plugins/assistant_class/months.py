"""Month facts of a team: each scorecard scored once through the points ledger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from cstui.domain import Period, Scorecard, texts
from cstui.domain.texts import joined, line
from cstui.domain.values import ValueProblem, parse_count
from cstui.engine.cards import field_text, is_blank, reason_of
from cstui.engine.ledger import Ledger, LedgerProblem, LedgerTotal, score_ledger
from cstui.engine.model import TeamHistory
from cstui.engine.ranking import competition_ranks

ZERO = Decimal(0)

texts.register({"assistant-class.card_problems": ("{employee} {period} {problems}", "{employee} {period} {problems}")})


@dataclass(slots=True)
class MonthFacts:
    """One employee's month: the ledger total (None when the card could not be scored)."""

    total: LedgerTotal | None
    counts: dict[str, int] = field(default_factory=dict)
    problem: str | None = None

    @property
    def score(self) -> Decimal | None:
        return None if self.total is None else self.total.score


def read_counts(card: Scorecard, metrics: tuple[str, ...], problems: list[tuple[str, str]]) -> dict[str, int]:
    """The card's count metrics (blank = 0); bad values go to ``problems``."""
    counts = {}
    values = card.values
    for metric in metrics:
        raw = values.get(metric)
        # the common case first, without Decimal ("²" is a digit to isdigit, not to int)
        if type(raw) is str and raw.isascii() and raw.isdigit():
            counts[metric] = int(raw)
            continue
        if is_blank(raw):
            counts[metric] = 0
            continue
        if type(raw) is int and raw >= 0:
            counts[metric] = raw
            continue
        try:
            counts[metric] = parse_count(raw)
        except ValueProblem as exc:
            problems.append((metric, reason_of(exc)))
    return counts


def month_facts(
    ledger: Ledger, metrics: tuple[str, ...], card: Scorecard, scored: LedgerTotal | None = None
) -> MonthFacts:
    """Score one card; a card that cannot be scored keeps its problem (graded as missing).
    ``scored``: the card's ledger total when the card check already found it."""
    problems: list[tuple[str, str]] = []
    counts = read_counts(card, metrics, problems)
    total = scored
    if total is None:
        try:
            total = score_ledger(ledger, card.employee_id, card.period, card.values, card.incidents)
        except LedgerProblem as exc:
            problems = exc.problems + problems
    if problems:
        text = joined([line("cards.problem", field=field_text(f), reason=m) for f, m in problems])
        said = line("assistant-class.card_problems", employee=card.employee_id, period=str(card.period), problems=text)
        return MonthFacts(None, counts, said)
    return MonthFacts(total, counts)


def stored_facts(row: dict, metrics: tuple[str, ...]) -> MonthFacts:
    """A month's facts as a checkpoint keeps them (``checkpoint._dump_facts``)."""
    if "score" not in row:
        return MonthFacts(None, {}, row["problem"])
    deductions = {c: Decimal(v) for c, v in row.get("deductions", {}).items()}
    total = LedgerTotal(Decimal(row["score"]), deductions, list(row.get("dismissal", [])))
    return MonthFacts(total, dict(zip(metrics, row["counts"], strict=True)))


@dataclass(slots=True, frozen=True)
class Standing:
    """A month's competition among the team's assistants: their ranks, who is last, and the
    scores ranked (None: not scored)."""

    ranks: dict
    last: frozenset[str]  # at the bottom (ties included) of a month whose ranks are not all tied
    scores: dict


def standing_of(scores: dict) -> Standing:
    """The month's standing from its scores (``is_last`` read once per member otherwise)."""
    ranks = competition_ranks(scores)
    worst = max((r for r in ranks.values() if r is not None), default=None)
    if worst is None or worst <= 1:
        return Standing(ranks, frozenset(), scores)
    return Standing(ranks, frozenset(e for e, r in ranks.items() if r == worst), scores)


_UNREAD = object()  # a month's column has no entry for the employee yet (None means no card)
_NONE: dict = {}  # no months kept for an employee


class TeamMonths:
    """Lazily scored months of one team (each card scored at most once per grading run).

    Facts are kept by month, then employee: a month's ranks and a member's look-back window read
    a month's column, so the month is hashed once per look-up, not inside an (employee, month) key.
    """

    def __init__(
        self,
        ledger: Ledger,
        metrics: tuple[str, ...],
        history: TeamHistory,
        lead_role: str,
        screened: dict[int, tuple] | None = None,
    ):
        """``screened``: the ledger totals the card check found for the history's cards
        (``engine.cards.screened_totals``), each scored once per run."""
        self.ledger, self.metrics, self.history = ledger, metrics, history
        self._screened = screened or {}
        self.assistants = [e.id for e in history.employees if e.role != lead_role]
        self._facts: dict[Period, dict[str, MonthFacts | None]] = {}
        self._stored: dict[str, dict[str, dict]] = {}  # a checkpoint's months: employee, month text, row
        self._texts: dict[Period, str] = {}  # each month's text, as a checkpoint keys its rows
        self._standing: dict[Period, Standing] = {}
        self._look_backs: dict[tuple[Period, int], list[tuple[Period, Standing]]] = {}

    def get(self, employee_id: str, month: Period) -> MonthFacts | None:
        column = self._facts.get(month)
        if column is None:
            column = self._facts[month] = {}
        facts = column.get(employee_id, _UNREAD)
        if facts is _UNREAD:
            facts = column[employee_id] = self._read(employee_id, month)
        return facts

    def _read(self, employee_id: str, month: Period) -> MonthFacts | None:
        """A month's facts read for the first time: from a checkpoint, else scored from its card."""
        stored = self._stored_row(employee_id, month)
        if stored is not None:
            return stored_facts(stored, self.metrics)
        return self._scored(employee_id, month)

    def _scored(self, employee_id: str, month: Period) -> MonthFacts | None:
        """A month's facts scored from its card (None: no card), with the total the card check
        found for it when it found one."""
        card = self.history.cards.get(employee_id, {}).get(month)
        if card is None:
            return None
        hit = self._screened.get(id(card))
        if hit is None or hit[0] is not card or hit[1] is not card.values or hit[2] is not card.incidents:
            return month_facts(self.ledger, self.metrics, card)
        return month_facts(self.ledger, self.metrics, card, hit[3])

    def _stored_row(self, employee_id: str, month: Period) -> dict | None:
        rows = self._stored.get(employee_id)
        return None if rows is None else rows.get(self._text(month))

    def _text(self, month: Period) -> str:
        """The month's text, as a checkpoint keys its rows (made once per month)."""
        text = self._texts.get(month)
        if text is None:
            text = self._texts[month] = str(month)
        return text

    def restore(self, stored: dict[str, dict[str, dict]]) -> None:
        """The months scored before a checkpoint (their cards are no longer in the history), as
        the checkpoint keeps them (``checkpoint.dump``: employee, month text, row); each decoded
        when first read, and a score alone when only the score is read (a resumed month reads
        only the scores of the months its flags look back on, a quarter's review the quarter's
        facts). The rows are read, never changed."""
        self._stored = stored

    def score(self, employee_id: str, month: Period) -> Decimal | None:
        return self._scores(month, (employee_id,))[employee_id]

    def _scores(self, month: Period, members: Iterable[str]) -> dict[str, Decimal | None]:
        """``members``' scores in ``month`` (None: not scored); a month a checkpoint keeps is read
        as ``stored_facts`` decodes its score, without the rest of its row."""
        column = self._facts.get(month)
        if column is None:
            column = self._facts[month] = {}
        rows = self._stored
        text = self._text(month) if rows else None
        scores = {}
        for employee_id in members:
            facts = column.get(employee_id, _UNREAD)
            if facts is _UNREAD:
                stored = rows.get(employee_id, _NONE).get(text) if rows else None
                if stored is not None:
                    scores[employee_id] = Decimal(stored["score"]) if "score" in stored else None
                    continue
                facts = column[employee_id] = self._scored(employee_id, month)
            scores[employee_id] = None if facts is None or facts.total is None else facts.total.score
        return scores

    def standing(self, month: Period) -> Standing:
        """The month's standing, worked out once for the team (every member's flags ask for it)."""
        standing = self._standing.get(month)
        if standing is None:
            standing = self._standing[month] = standing_of(self._scores(month, self.assistants))
        return standing

    def ranks(self, month: Period) -> dict:
        """Competition ranks of the team's assistants (team leads excluded) for a month."""
        return self.standing(month).ranks

    def is_last(self, employee_id: str, month: Period) -> bool:
        """At the bottom (ties included) of at least two scored assistants who are not all tied."""
        return employee_id in self.standing(month).last

    def look_back(self, employee_id: str, month: Period, length: int) -> list[tuple[bool, Decimal | None]]:
        """(last in the team, score) of each of the ``length`` months up to ``month``, oldest
        first (the dismissal rule's look-back), as ``is_last`` and ``score`` give them; the
        months and their standings found once for the team: an assistant's scores are the ones
        its standing ranked."""
        standings = self._look_backs.get((month, length))
        if standings is None:
            standings = self._look_backs[(month, length)] = [(m, self.standing(m)) for m in window(month, length)]
        run = []
        for m, standing in standings:
            score = standing.scores.get(employee_id, _UNREAD)
            if score is _UNREAD:  # not ranked (a team lead): scored all the same
                score = self.score(employee_id, m)
            run.append((employee_id in standing.last, score))
        return run


def window(month: Period, length: int) -> tuple[Period, ...]:
    """The ``length`` months up to ``month``, oldest first."""
    return tuple(month.shift(-k) for k in range(length - 1, -1, -1))
