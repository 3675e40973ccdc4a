"""The contract between the engine and a document model (the code half of a scheme).

A scheme is a model plus parameters from TOML (:class:`cstui.schemes.Scheme`). Models are
registered by plugins through the ``register_models`` hook.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from cstui.domain import Employee, Incident, Override, Period, Result, Scorecard

if TYPE_CHECKING:
    from cstui.engine.cards import CardProblem
    from cstui.engine.params_schema import Table
    from cstui.engine.protocol import Problems
    from cstui.engine.protocol import SchemeView as Scheme


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One scorecard field a scheme asks for (from the scheme's ``[metrics.KEY]`` table)."""

    key: str
    kind: str  # rate, seconds, count, number, money, rating, points, text
    label: str
    label_zh: str
    required: bool = True


@dataclass(slots=True)
class MonthScore:
    """A month's score of one scorecard, as the live TUI panel and reports show it."""

    score: Decimal | None
    grade: str | None = None
    pay_delta: Decimal | None = None
    flags: list[str] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)


UNREAD = "unread"  # a Checkpoint's ``timelines`` that were kept apart and left unread


@dataclass(slots=True)
class Checkpoint:
    """A team's replay state at the end of ``month``.

    ``timelines``: the members' level timelines by employee id, where they are kept apart from
    the state (a model's :attr:`DocumentModel.timelines_apart`, stored since migration m015): a
    dry run grades by the levels and runs alone, and the timelines were 70-80% of the state's
    bytes. None: each is inside its entry of ``state["employees"]`` (a model's own state, a
    checkpoint stored before m015); :data:`UNREAD`: the read left them out (the caller said it
    needs none). :meth:`timeline` reads either way.
    """

    month: Period
    state: dict  # JSON-able only: str, int, bool, None, list, dict (Decimals as strings)
    timelines: dict | str | None = None

    def timeline(self, employee_id: str) -> list:
        """The member's level timeline as the checkpoint keeps it, ``[[month, level, why as JSON]]``."""
        if self.timelines is None:
            return self.state["employees"][employee_id]["timeline"]
        if self.timelines == UNREAD:  # a bug: the reader said the grading would need none
            raise RuntimeError(f"the checkpoint of {self.month} was read without its timelines")
        return self.timelines[employee_id]


@dataclass(slots=True)
class TeamHistory:
    """Everything needed to grade one team under one scheme up to a period.

    ``cards[employee_id][month]`` holds every scorecard of the team's employees up to
    the last month of the period being graded; months with no scorecard are absent.
    With a ``checkpoint``, ``employees`` is still the whole team, but ``cards`` and
    ``overrides`` hold only the months after ``checkpoint.month``: the replay resumes
    from the checkpoint's state instead of the starting levels.
    """

    team: str
    employees: list[Employee]
    cards: dict[str, dict[Period, Scorecard]] = field(default_factory=dict)
    overrides: dict[str, list[Override]] = field(default_factory=dict)
    checkpoint: Checkpoint | None = None


class DocumentModel:
    """Base class of the document models. Subclasses set :attr:`name` and :attr:`review`."""

    name: ClassVar[str] = ""
    review: ClassVar[str] = "monthly"  # or "quarterly"
    label: ClassVar[str] = ""
    # Bump when the layout of checkpoint() state changes: older checkpoints are then ignored.
    state_version: ClassVar[int] = 1
    # The model's own top-level TOML tables (a cstui.engine.params_schema.Table): every key
    # and type is checked before :meth:`check` runs. None: only the generic keys are checked.
    params_schema: ClassVar[Table | None] = None
    # True when grade() itself treats a card card_problems() refuses as not scored (and so
    # needs no history without it); grading then checks only the graded period's cards.
    grades_invalid_cards: ClassVar[bool] = False
    # True when one employee's levels, scores, decisions or traces may depend on their team
    # (a rank, the team's bottom 3): their history is then told from their team's grading.
    # False: a history of that employee alone (:meth:`grade` on a TeamHistory holding only
    # them) gives exactly their results in the team's, except the rank. Safe default: True.
    team_relative: ClassVar[bool] = True
    # True when the model's checkpoint state is ``{"employees": {id: entry}}`` and it reads an
    # entry's "timeline" only through :meth:`Checkpoint.timeline`: cstui then stores the
    # timelines apart from the state (a dry run does not read them). False: the state is stored
    # and given back whole, as the model made it.
    timelines_apart: ClassVar[bool] = False

    def check(self, params: dict, problems: Problems) -> None:
        """Add a problem for every parameter that does not fit this model.

        Runs only when ``params`` fit :attr:`params_schema` (when the model declares one)."""

    def metrics(self, scheme: Scheme) -> list[MetricSpec]:
        """The scorecard fields of ``scheme`` (default: its ``[metrics]`` tables)."""
        return scheme.metric_specs()

    def card_problems(self, scheme: Scheme, card: Scorecard) -> list[CardProblem]:
        """Every reason this scheme refuses ``card`` (values and incidents); [] when it is valid.

        The one check of a card: import, the TUI and the store call it before writing, and
        grading treats a stored card it refuses as invalid. Default: each required metric
        filled, each filled metric of its kind, and, for a scheme with a ``[ledger]``, the
        ledger's rules (adjustment range and reason, incident codes and points).
        """
        from cstui.engine.cards import metric_specs, value_problems

        problems = value_problems(metric_specs(scheme), card.values)
        if "ledger" in scheme.params:  # always: incident rules hold whatever the values
            from cstui.engine.ledger import compile_ledger, ledger_problems

            named = {p.field for p in problems}
            problems += [p for p in ledger_problems(compile_ledger(scheme.params), card) if p.field not in named]
        return problems

    def incident_problems(self, scheme: Scheme, incident: Incident) -> list[CardProblem]:
        """Every reason this scheme refuses ``incident`` on its own (code, count, points); [] when valid."""
        from cstui.domain.texts import line
        from cstui.engine.cards import CardProblem

        if "ledger" not in scheme.params:
            reason = line("card.keeps_no_catalogue", employee=incident.employee_id, scheme=scheme.name)
            return [CardProblem("employee_id", reason)]
        from cstui.engine.ledger import compile_ledger, incident_problems

        return incident_problems(compile_ledger(scheme.params), incident)

    def score_month(self, scheme: Scheme, employee: Employee, card: Scorecard) -> MonthScore:
        """Score one month's scorecard on its own (no history): the live panel's view."""
        raise NotImplementedError

    def grade(self, scheme: Scheme, history: TeamHistory, period: Period, explain: bool = True) -> list[Result]:
        """Grade every employee of ``history`` for ``period`` (a month or a quarter).

        With ``explain`` False the results carry no trace (``trace == []``) and every other
        field is exactly as with it: a report without a trace column skips formatting them.

        Levels are replayed from the roster's starting levels, the scorecards and the
        overrides, so the same data always gives the same answer.
        """
        raise NotImplementedError

    def levels(self, scheme: Scheme, history: TeamHistory, until: Period) -> dict[str, list[tuple[Period, str, str]]]:
        """Each employee's level timeline up to ``until``: ``[(first month, level, why), ...]``."""
        raise NotImplementedError

    def checkpoint(self, scheme: Scheme, history: TeamHistory, month: Period) -> dict | None:
        """The team's replay state at the end of ``month`` (JSON-able), or None (the model keeps none).

        ``history`` may itself start from a checkpoint. Resuming from the returned state
        must give exactly the results a full replay gives, traces included.
        """
        return None

    def grade_and_checkpoint(
        self, scheme: Scheme, history: TeamHistory, period: Period, explain: bool = True
    ) -> tuple[list[Result], dict | None]:
        """:meth:`grade` and :meth:`checkpoint` at ``period.last_month`` (models override to do both in one replay)."""
        return self.grade(scheme, history, period, explain), self.checkpoint(scheme, history, period.last_month)

    def grade_in_turn(
        self,
        scheme: Scheme,
        history: TeamHistory,
        periods: list[Period],
        until: Period,
        explained: Container[str] | None = None,
        only: Container[str] | None = None,
    ) -> tuple[list[list[Result]], dict[str, list[tuple[Period, str, str]]]] | None:
        """Each of ``periods`` graded and each employee's level timeline up to ``until``, in one
        replay (a history shows a year of one team member's periods); None when the model has no
        such replay (the caller grades the periods one after another, each resuming from the
        state the one before left, which costs a checkpoint's state out and in each time).

        ``periods`` are months and quarters in order, each ending after the one before, none
        after ``until``. The results of each are exactly :meth:`grade`'s on ``history`` up to
        that period's end (explained), and the timelines :meth:`levels`' up to ``until``; but
        only the results of the employees in ``explained`` (None: everyone) must carry their
        trace: the others' may carry theirs or none. With ``only``, each period's results are
        those of the employees in it alone (their ranks still the team's): a caller that
        neither enforces grade quotas nor closes ranks up over refused cards needs no others.
        """
        return None
