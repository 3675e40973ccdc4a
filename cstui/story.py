"""One employee's story: their level timeline, monthly scores and each period's result with its
trace, stretch by stretch of their scheme timeline. The history screen tells it; it shares the
grading path with the board and batch mode (:func:`cstui.grading.grade_team`).

Each period's result is the one the board and batch mode give for it:

- a **closed** period's recorded result (the board and batch report recorded results there);
- otherwise the result graded now. Under a scheme whose results follow from each employee's
  own data (:func:`replays_alone`: the model is not ``team_relative`` and no enforced grade
  quota moves grades by rank), the person is graded **alone**: a history holding only their
  cards, incidents and overrides, graded by the same ``grade_team``. Level, score, decision,
  pay, flags and trace are then exactly their row of the team's grading; only the **rank** is
  the team's, so it is left empty here (the recorded results of closed periods carry it).
- Under a team-relative scheme (ranks or the team's bottom 3 decide: assistant-class,
  rank-streak, enforced quotas) the person's team is graded for that period, as the board
  does, resuming from the team's latest replay checkpoint before it: a few months of the team
  rather than its whole history.

So opening a history costs one person's replay (a few dozen months) plus, for team-relative
schemes, one resumed team grading per open period shown: never the team's history twelve times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from cstui import collector
from cstui.domain import Employee, Override, Period, Result
from cstui.engine.cards import mark_invalid, screen_history
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.grading import enforce_quotas, grade_team, level_timelines, quotas_enforced, result_from_row
from cstui.store.codec import dumps, loads
from cstui.store.timeline import Assignment

MONTHS_SHOWN = 12
# the scorecards a team's story may replay before a screen's first frame (told_quickly): about
# 100 people over two years, ~120 ms of grading at ~50 µs a card
QUICK_TEAM_CARDS = 3_000

TryScheme = Callable[[str], tuple[object | None, str | None]]  # name -> (scheme, problem)
LevelNow = Callable[[Employee, Period], str | None]


@dataclass(frozen=True)
class Stretch:
    """The months (``first``..``last``, both included; None = open) one scheme grades,
    replayed from ``level``."""

    scheme: str | None
    first: Period | None
    last: Period | None
    level: str | None = None

    def holds(self, month: Period) -> bool:
        o = month.last_month.ordinal
        return (self.first is None or self.first.ordinal <= o) and (self.last is None or o <= self.last.ordinal)

    def starts_after(self, month: Period) -> bool:
        return self.first is not None and self.first.ordinal > month.last_month.ordinal


def stretches_of(line: list[Assignment], current_scheme: str | None) -> list[Stretch]:
    """The timeline as stretches, earliest first; the earliest also covers the months before its
    own. Without a timeline (a row written by an older cstui): one stretch on the current scheme."""
    if not line:
        return [Stretch(current_scheme, None, None)]
    return [
        Stretch(
            a.scheme,
            None if i == 0 else Period.parse(a.since),
            Period.parse(line[i + 1].since).shift(-1) if i + 1 < len(line) else None,
            a.level,
        )
        for i, a in enumerate(line)
    ]


@dataclass
class Story:
    """Everything a history shows."""

    timeline: list[tuple[Period, str, str]] = field(default_factory=list)
    scores: list[tuple[Period, Decimal | None]] = field(default_factory=list)
    decisions: list[tuple[Period, Result | dict, bool]] = field(default_factory=list)  # (period, result, recorded)
    overrides: list[Override] = field(default_factory=list)
    level_now: str | None = None
    problem: str = ""
    stretches: list[Stretch] = field(default_factory=list)
    # {(period, scheme name): the person's rank in their team} for the periods graded with the
    # team (a team-relative scheme's): the team's ranks, so no one grades the team again for them
    ranks: dict[tuple[Period, str], int | None] = field(default_factory=dict)

    def scheme_at(self, month: Period) -> str | None:
        """The scheme grading ``month`` (its stretch's), None when no stretch holds it."""
        return next((s.scheme for s in self.stretches if s.holds(month)), None)


def upto(history: TeamHistory, last: Period) -> TeamHistory:
    """The history as it stood at the end of ``last`` (later cards and overrides left out)."""
    cards = {e: {p: c for p, c in months.items() if p.ordinal <= last.ordinal} for e, months in history.cards.items()}
    overrides = {e: [o for o in os if o.period.ordinal <= last.ordinal] for e, os in history.overrides.items()}
    return TeamHistory(history.team, history.employees, cards, overrides, history.checkpoint)


def replays_alone(scheme) -> bool:
    """Whether an employee graded alone gets exactly their result in their team's grading (but
    the rank): the model's levels are per employee and no enforced quota moves grades by rank."""
    from cstui.engine.distribution import compile_distribution

    if getattr(scheme.model, "team_relative", True):
        return False
    quotas = compile_distribution(scheme.params)
    return quotas is None or not quotas.enforce


def told_alone(store, try_scheme: TryScheme, employee_id: str) -> bool:
    """Whether the employee's story grades only them: every scheme of their timeline replays
    alone (:func:`replays_alone`), so telling it costs one person's replay, a few milliseconds
    whatever the size of their company or team (a screen may tell it at once, no worker)."""
    employee = store.employee(employee_id)
    for stretch in stretches_of(store.scheme_assignments(employee_id), employee.scheme):
        scheme = try_scheme(stretch.scheme)[0] if stretch.scheme is not None else None
        if scheme is not None and not replays_alone(scheme):
            return False
    return True


def told_quickly(store, try_scheme: TryScheme, employee_id: str, until: Period) -> bool:
    """Whether the story is quick to tell, so a screen may tell it before its first frame (no
    "loading" frame, no worker sharing the interpreter with the paint): told alone
    (:func:`told_alone`), or graded with a team whose replay reads at most
    ``QUICK_TEAM_CARDS`` scorecards (:meth:`cstui.store.Store.team_replay_bound`: ~50 µs of
    grading each, so at most ~150 ms). A larger team's story is graded in a worker."""
    if told_alone(store, try_scheme, employee_id):
        return True
    return store.team_replay_bound(store.employee(employee_id).team, until) <= QUICK_TEAM_CARDS


def tell_story(
    store, try_scheme: TryScheme, level_now: LevelNow, employee_id: str, until: Period, shown: int = MONTHS_SHOWN
) -> Story:
    """The employee's history for the ``shown`` months up to ``until``, each stretch of their
    scheme timeline told by its own scheme. A stretch that starts after ``until`` has nothing
    to tell yet (it is listed in ``stretches`` only)."""
    # a team's story makes ~100,000 short-lived objects: collections over the TUI's heap
    # they set off were 20-50 ms of a 100-person history
    with collector.paused():
        return _told(store, try_scheme, level_now, employee_id, until, shown)


def _told(store, try_scheme: TryScheme, level_now: LevelNow, employee_id: str, until: Period, shown: int) -> Story:
    employee = store.employee(employee_id)
    story = Story(stretches=stretches_of(store.scheme_assignments(employee_id), employee.scheme))
    story.overrides = store.overrides(employee_id)
    story.level_now = level_now(employee, until)
    months = [until.shift(-i) for i in range(shown - 1, -1, -1)]
    for stretch in story.stretches:
        if stretch.starts_after(until) or stretch.scheme is None:
            continue
        scheme, problem = try_scheme(stretch.scheme)
        if scheme is None:
            story.problem = problem or stretch.scheme
            continue
        # an earlier stretch is told as it stood at its own last month
        last = until if stretch.holds(until) else stretch.last
        _tell_stretch(store, story, scheme, employee, last, [m for m in months if stretch.holds(m)])
    if story.scores:  # months outside every told stretch (before the hire) show no bar
        story.scores = [(m, dict(story.scores).get(m)) for m in months]
    story.decisions.sort(key=lambda d: d[0].last_month.ordinal, reverse=True)  # newest first
    return story


def _tell_stretch(store, story: Story, scheme, employee: Employee, last: Period, months: list[Period]) -> None:
    """Add one stretch's levels, scores and decisions (its ``months`` of those shown) to ``story``."""
    own = next(iter(store.member_histories(scheme.name, last, [employee.id], {})), None)
    member = next((e for e in own.employees if e.id == employee.id), None) if own else None
    if member is None:  # not on the scheme in those months (e.g. a stretch with no month yet)
        return
    cards = own.cards.get(employee.id, {})
    first = min(cards, key=lambda p: p.ordinal, default=None)
    quarterly = scheme.model.review == "quarterly"
    asked = [
        (month, month.quarter if quarterly and month.completes_quarter() else month)
        for month in months
        if first is not None and month.ordinal >= first.ordinal
    ]
    teller = _Teller(store, scheme, member, own, months, last, [period for _, period in asked])
    told: dict[Period, Result | dict] = {}
    for month, period in asked:
        result, recorded = teller.result(period, month)
        if result is not None:
            story.decisions.append((period, result, recorded))
            told[month] = result
            if teller.team is not None and not recorded:  # graded with the team: its rank is the team's
                story.ranks[(period, scheme.name)] = result.rank
    for month in months:
        story.scores.append((month, _month_score(scheme, member, cards.get(month), told.get(month), month)))
    story.timeline += teller.timeline(last)  # after the results: the team's states are graded by now


def team_ranks(
    store, try_scheme: TryScheme, employee_id: str, wanted: list[tuple[Period, str]], stop: Callable[[], bool] = bool
) -> dict:
    """``{(period, scheme name): rank}`` of the employee in their team for ``wanted``, the periods
    a story graded alone (whose rank it left empty): the team graded month after month from its
    checkpoint, as the board grades it. Slower than the story on a large team: a screen asks for
    it after showing the story, and ``stop()`` (asked before each month graded) ends it early
    when nobody waits for it any more (the ranks so far are returned)."""
    employee = store.employee(employee_id)
    by_scheme: dict[str, list[Period]] = {}
    for period, name in wanted:
        by_scheme.setdefault(name, []).append(period)
    ranks: dict[tuple[Period, str], int | None] = {}
    for name, periods in by_scheme.items():
        scheme, _problem = try_scheme(name)
        if scheme is None:
            continue
        first = sorted((p.months()[0] for p in periods), key=lambda m: m.ordinal)
        last = max((p.last_month for p in periods), key=lambda m: m.ordinal)
        team = _TeamMonths(store, scheme, employee.team, first, last, explain=False, stop=stop)  # no trace
        for period in periods:
            try:
                mine = next((r for r in team.results(period) if r.employee_id == employee_id), None)
            except _Stopped:
                return ranks
            ranks[(period, name)] = None if mine is None else mine.rank
    return ranks


class _Stopped(Exception):
    """A team's grading was stopped: nobody waits for it any more."""


class _Teller:
    """One stretch's results of one employee: recorded ones of closed periods, else graded
    now, alone (:func:`replays_alone`) or with their team (:class:`_TeamPass`, else
    :class:`_TeamMonths`)."""

    def __init__(
        self, store, scheme, member: Employee, own: TeamHistory, months: list[Period], last: Period, periods: list
    ):
        self.store, self.scheme, self.member, self.own = store, scheme, member, own
        self.alone = replays_alone(scheme)
        self.recorded = {p: r for p in periods if (r := self._recorded(p)) is not None}
        self.team: _TeamPass | _TeamMonths | None = None
        if not self.alone:
            graded = [p for p in periods if p not in self.recorded]
            self.team = _TeamPass.of(store, scheme, member, months, last, graded)

    def _recorded(self, period: Period) -> Result | dict | None:
        """A closed period's recorded result (the board and batch report it), else None."""
        if self.store.period_status(period) == "closed":
            rows = self.store.employee_period_results(self.member.id, [period], self.scheme.name)
            if rows:
                return result_from_row(rows[0])
        return None

    def timeline(self, last: Period) -> list[tuple[Period, str, str]]:
        """The level timeline up to ``last``: the team's as its grading left it (a checkpoint
        keeps the timeline so far), not replayed from the beginning again."""
        if self.team is None:
            return level_timelines(self.scheme, self.own, last).get(self.member.id, [])
        return self.team.levels(last).get(self.member.id, [])

    def result(self, period: Period, month: Period) -> tuple[Result | dict | None, bool]:
        """(the result the board shows for ``period``, whether it is the recorded one)."""
        if period in self.recorded:
            return self.recorded[period], True
        try:
            results = self.team.results(period) if self.team is not None else self._alone(period, month)
        except ValueError:
            return None, False
        return next((r for r in results if r.employee_id == self.member.id), None), False

    def _alone(self, period: Period, month: Period) -> list[Result]:
        results, _ = grade_team(self.scheme, upto(self.own, month), period, apply=False, explain=True)
        for r in results:
            r.rank = None  # a rank is the team's: graded alone, everyone is first
        return results


class _TeamPass:
    """A team's results for the periods a history shows and its level timelines, graded in one
    replay by the model (``grade_in_turn``), traces written for the person shown only: what
    :class:`_TeamMonths` gives, without passing the team's state out and in (a checkpoint's
    JSON) at every period, nor writing the team's traces."""

    def __init__(self, graded: dict[Period, list[Result]], timelines: dict):
        self.graded, self.timelines = graded, timelines

    @classmethod
    def of(cls, store, scheme, member: Employee, months: list[Period], last: Period, periods: list[Period]):
        """The team's pass, or its :class:`_TeamMonths` when the model has no such replay or
        the replay refuses a period (each period then graded, or refused, on its own)."""
        team = _TeamMonths(store, scheme, member.team, months, last)
        if team.history is None:
            return team
        try:
            found = graded_in_turn(scheme, team.history, periods, last, member.id)
        except ValueError:
            found = None
        return team if found is None else cls(*found)

    def results(self, period: Period) -> list[Result]:
        return self.graded.get(period, [])

    def levels(self, last: Period) -> dict:
        return self.timelines


def graded_in_turn(
    scheme, history: TeamHistory, periods: list[Period], last: Period, member_id: str
) -> tuple[dict[Period, list[Result]], dict] | None:
    """Each of ``periods`` graded as :func:`cstui.grading.grade_team` grades it on ``history``
    up to that period's end (``member_id``'s trace written, the others' left out), and the level
    timelines up to ``last``, in one replay of the model's; None when the model has none."""
    grade_in_turn = getattr(scheme.model, "grade_in_turn", None)
    if grade_in_turn is None:
        return None
    screened, refused = screen_history(scheme, history, last, periods)  # each period's months checked
    member = frozenset((member_id,))
    # the teammates' results are read only to enforce grade quotas or close ranks up over refused
    # cards (the member's rank is the team's either way): else the model makes the member's alone
    alone = not refused and not quotas_enforced(scheme)
    found = grade_in_turn(scheme, screened, periods, last, member, only=member if alone else None)
    if found is None:
        return None
    graded, timelines = found
    for period, results in zip(periods, graded, strict=True):
        if refused:  # as grade_team: each period's refused cards make its results invalid
            mark_invalid(results, refused, period, explain=True)
        enforce_quotas(scheme, results, explain=True)
    return dict(zip(periods, graded, strict=True)), timelines


class _TeamMonths:
    """A team's results month after month, as applying each month in turn would give them: each
    month resumes from the state the month before left (the store's latest checkpoint before
    the first month, then the states graded here), so twelve months cost about one replay, not
    twelve. Resuming from a state gives exactly what a full replay gives (the models' contract,
    :meth:`cstui.engine.model.DocumentModel.checkpoint`); each state is passed through JSON as a
    stored checkpoint is."""

    def __init__(self, store, scheme, team: str, months: list[Period], last: Period, explain: bool = True, stop=bool):
        self.scheme, self.explain, self.stop = scheme, explain, stop  # stop(): raise _Stopped before a month
        # a quarter resumes from before its first month
        self.start = months[0].quarter.months()[0] if months else last.last_month
        self.history = store.team_history_since(scheme.name, team, self.start, last, scheme.fingerprint)
        self.states: dict[Period, Checkpoint | None] = {}
        self.graded: dict[Period, list[Result]] = {}
        if self.history is not None and self.history.checkpoint is not None:
            self.states[self.history.checkpoint.month] = self.history.checkpoint

    def levels(self, last: Period) -> dict:
        """The level timelines up to ``last``, resumed from the state graded for the month before."""
        if self.history is None:
            return {}
        return level_timelines(self.scheme, self.since(self.state_before(last), last), last)

    def results(self, period: Period) -> list[Result]:
        if self.history is None:
            return []
        if period not in self.graded:
            self._grade(period)
        return self.graded.get(period, [])

    def _grade(self, period: Period) -> None:
        """Grade ``period`` from the state before it and keep the state at its end (a quarter's
        is its last month's: the state after the quarter's review, as applying either keeps)."""
        before = self.state_before(period.months()[0])
        if self.stop():
            raise _Stopped
        results, state = grade_team(
            self.scheme, self.since(before, period.last_month), period, apply=True, explain=self.explain
        )
        self.graded[period] = results
        if state is None and self.history.checkpoint is not None:  # a model that keeps no state keeps no checkpoint
            raise RuntimeError(f"{self.scheme.name}: no replay state after {period}")
        self.states[period.last_month] = None if state is None else Checkpoint(period.last_month, loads(dumps(state)))

    def state_before(self, month: Period) -> Checkpoint | None:
        """The state at the end of the month before ``month`` (None: replay from the beginning),
        grading the months since the store's checkpoint in turn when they are not graded yet."""
        previous = month.shift(-1)
        if previous in self.states:
            return self.states[previous]
        base = self.history.checkpoint
        if base is None and previous.ordinal < self.start.ordinal:
            return self._state_from_start(previous)
        if base is not None and previous.ordinal < base.month.ordinal:  # the history resumes from before any month told
            raise RuntimeError(f"{self.scheme.name}: no replay state before {month}")
        quarterly = self.scheme.model.review == "quarterly" and previous.completes_quarter()
        self._grade(previous.quarter if quarterly else previous)  # a history shows the quarter, not its last month
        return self.states[previous]

    def _state_from_start(self, month: Period) -> Checkpoint | None:
        """The state at the end of ``month``, before the months told, replayed once from the
        beginning without grading (the model's checkpoint), then kept: the first month and the
        first quarter told both resume from it instead of each replaying the team's start.
        None where there is nothing to replay yet (no card by then) or the model keeps no state."""
        if not any(p.ordinal <= month.ordinal for months in self.history.cards.values() for p in months):
            return None
        if self.stop():
            raise _Stopped
        state = self.scheme.model.checkpoint(self.scheme, self.since(None, month), month)
        self.states[month] = None if state is None else Checkpoint(month, loads(dumps(state)))
        return self.states[month]

    def since(self, checkpoint: Checkpoint | None, last: Period) -> TeamHistory:
        """The history resuming from ``checkpoint`` (None: from the start) up to the end of ``last``."""
        h, after = self.history, (checkpoint.month.ordinal if checkpoint is not None else None)

        def kept(p: Period) -> bool:
            return (after is None or p.ordinal > after) and p.ordinal <= last.ordinal

        cards = {e: {p: c for p, c in months.items() if kept(p)} for e, months in h.cards.items()}
        overrides = {e: [o for o in os if kept(o.period)] for e, os in h.overrides.items()}
        return TeamHistory(h.team, h.employees, cards, overrides, checkpoint)


def _month_score(scheme, employee: Employee, card, result, month: Period) -> Decimal | None:
    """The month's score: its graded result's (the board's) when the month was graded on its own,
    else the card's score on its own (a month inside a quarterly review)."""
    if result is not None and getattr(result, "period", None) == month:
        return result.score
    if isinstance(result, dict) and result.get("period") == str(month):
        return result.get("score")
    if card is None:
        return None
    try:
        return scheme.model.score_month(scheme, employee, card).score
    except ValueError:
        return None
