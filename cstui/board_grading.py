"""The period board's grading, without the screen: what the TUI board shows is batch's dry run
(:func:`cstui.grading.dry_run`: a closed period's recorded results, else every team graded from
the scheme's checkpoints in the worker pool), one scheme at a time, kept per period, scheme and
fingerprint (:class:`BoardCache`).

A team switch, a sort, a filter or a return to the board reads the kept rows and grades
nothing. When something changed since a scheme was graded (the store's change stamp moved),
:func:`teams_to_grade` reads what changed from the audit trail, as ``--apply`` does before it
records: only the teams whose cards, incidents, overrides or members changed are graded again;
a change it cannot place (a table it does not know) grades the scheme again in full.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

from cstui.domain import Period, Result
from cstui.engine.cards import INVALID
from cstui.grading import _NOT_GRADING_INPUT, TeamResults, graded_teams, quota_breaches

MAX_PERIODS = 3  # periods whose graded schemes are kept (100,000 results each at most)


def rank_order(result: Result) -> tuple:
    """A team's members in rank order (unranked last), then by id."""
    return (result.rank is None, result.rank or 0, result.employee_id)


SORTS = ("team", "score", "name", "decision", "pay")  # the board's orders, s steps through them
_MISSING = -1e9  # a missing score or pay delta sorts after every real one
by_id = attrgetter("employee_id")
# each sort's passes after the one by id (every sort but team's ends on the id), least
# significant first: (key, descending)
_PASSES = {
    "team": None,  # the rows come in team order, each team in rank order
    # scores and pay as floats: a sort of floats compares in C without a call per comparison
    # (Decimals: ~3x slower); distinct decimals of up to 15 digits stay distinct floats
    "score": ((lambda r: float(r.score) if r.score is not None else _MISSING, True),),
    "name": ((attrgetter("name"), False),),
    "decision": ((lambda r: r.rank or 10**9, False), (attrgetter("team"), False), (attrgetter("decision"), False)),
    "pay": ((lambda r: float(r.pay_delta) if r.pay_delta is not None else _MISSING, True),),
}


def sorted_rows(
    rows: list[Result], sort: str, in_id_order: list[Result] | None = None, names: Mapping[str, str] | None = None
) -> list[Result]:
    """``rows`` (a scheme's, in team order) in one of SORTS's orders, a refused card first
    whatever the sort (it must be corrected before Apply). The order of a sort by the tuple of
    its fields, made in stable passes of one plain field each, least significant first: every
    pass is one C-level sort of strings or numbers (no tuple built and compared per row): a
    few milliseconds for a scheme of 25,000. ``in_id_order``: the same rows sorted by
    ``by_id`` (the first pass of every sort but team's, shared). ``names``: employee id → the
    name's sort key (the roster's pinyin, :meth:`cstui.store.Store.names_pinyin`): 中文 names
    sort by pinyin, as on the roster; a name without one sorts as written."""
    passes = _PASSES.get(sort)
    if sort == "name" and names:
        passes = ((lambda r: names.get(r.employee_id) or r.name, False),)
    if passes is None:
        ordered = rows
    else:
        ordered = list(in_id_order) if in_id_order is not None else sorted(rows, key=by_id)
        for key, descending in passes:
            ordered.sort(key=key, reverse=descending)  # reverse keeps equal keys in their order
    refused = [r for r in ordered if r.decision == INVALID]
    return refused + [r for r in ordered if r.decision != INVALID] if refused else list(ordered)


class TeamRows(NamedTuple):
    """A graded team ready to show: its results in rank order and the quotas it breaks."""

    team: str
    results: list[Result]
    breaches: list

    @classmethod
    def of(cls, scheme, graded: TeamResults) -> TeamRows:
        return cls(
            graded.team, sorted(graded.results, key=rank_order), quota_breaches(scheme, graded.team, graded.results)
        )


@dataclass
class SchemeRows:
    """One scheme's results for a period, team by team in team order, as they were graded.

    ``stamp``: the store's change stamp read before the grading began (a change committed after
    it makes the rows stale); ``done``: every team is in (a stopped grading leaves it False and
    the next look grades the scheme again).
    """

    scheme: str
    fingerprint: str
    period: Period
    source: str = "computed"  # or "recorded": a closed period's results as applied
    status: str = "open"
    stamp: int = 0
    notice: str | None = None
    teams: dict[str, list[Result]] = field(default_factory=dict)
    quotas: dict[str, list] = field(default_factory=dict)  # team → the grade quotas it breaks
    done: bool = False
    version: int = 0  # raised on every change: views keep their sorted orders by it

    def add(self, scheme, graded: TeamResults) -> None:
        """A team's results (a team graded again replaces its rows in place)."""
        self.put(*TeamRows.of(scheme, graded))

    def put(self, team: str, results: list[Result], breaches: list) -> None:
        """A team's results in rank order, and the grade quotas they break."""
        self.teams[team] = results
        if breaches:
            self.quotas[team] = breaches
        else:
            self.quotas.pop(team, None)
        self.version += 1

    def finish(self, stamp: int) -> None:
        """Every team graded as of ``stamp``; teams keep the store's team order."""
        self.teams = dict(sorted(self.teams.items()))
        self.stamp, self.done = stamp, True
        self.version += 1

    def rows(self) -> list[Result]:
        return [result for members in self.teams.values() for result in members]

    def team_of(self) -> dict[str, str]:
        return {result.employee_id: team for team, members in self.teams.items() for result in members}

    def by_id(self) -> dict[str, Result]:
        return {result.employee_id: result for members in self.teams.values() for result in members}


class BoardCache:
    """Graded schemes by (period, scheme name, fingerprint), for the last MAX_PERIODS periods."""

    def __init__(self) -> None:
        self._periods: OrderedDict[Period, dict[tuple[str, str], SchemeRows]] = OrderedDict()

    def get(self, period: Period, scheme: str, fingerprint: str) -> SchemeRows | None:
        return self._periods.get(period, {}).get((scheme, fingerprint))

    def put(self, rows: SchemeRows) -> None:
        kept = self._periods.setdefault(rows.period, {})
        kept[(rows.scheme, rows.fingerprint)] = rows
        self._periods.move_to_end(rows.period)
        while len(self._periods) > MAX_PERIODS:
            self._periods.popitem(last=False)

    def clear(self) -> None:
        self._periods.clear()


def teams_to_grade(store, rows: SchemeRows | None, status: str) -> set[str] | None:
    """What a look at the board must grade of a scheme: None for every team (nothing kept, a
    stopped grading, the period closed or reopened since), the set of stale teams, or an empty
    set when the kept rows still hold."""
    if rows is None or not rows.done or rows.status != status:
        return None
    if store.change_stamp() == rows.stamp:
        return set()
    return changed_teams(store, rows.scheme, rows.stamp, rows.team_of())


def recorded_changed(store, stamp: int) -> bool:
    """Whether results were recorded, or a period closed or reopened, after ``stamp`` (what makes
    a period's recorded results, read at ``stamp``, stale)."""
    return any(entity in ("results", "periods") for entity, _key, _before, _after in store.changes_since(stamp))


def changed_teams(store, scheme: str, stamp: int, team_of: dict[str, str]) -> set[str] | None:
    """The teams of ``team_of`` (employee id → team) whose grading input changed after ``stamp``;
    None when a change cannot be placed on a team (then everything is graded again)."""
    teams: set[str] = set()
    incident_ids: list[str] = []
    for entity, key, before, after in store.changes_since(stamp):
        if entity in _NOT_GRADING_INPUT:
            continue
        if entity == "incidents":
            incident_ids.append(key)
        elif entity in ("scorecards", "overrides"):
            owner = key.rsplit("/", 1)[0] if entity == "scorecards" else (after or before or {}).get("employee_id")
            if owner in team_of:
                teams.add(team_of[owner])
        elif entity == "employees":
            touched = _employee_teams(scheme, key, before or {}, after or {}, team_of)
            if touched is None:
                return None
            teams |= touched
        else:
            return None  # a table this check does not know: grade everything again
    if incident_ids:
        teams.update(team_of[i] for i in store.incident_owners(incident_ids) if i in team_of)
    return teams


def _employee_teams(scheme: str, key: str, before: dict, after: dict, team_of: dict[str, str]) -> set[str] | None:
    """The teams an employee's change touches under ``scheme``: their old and new team when they
    were or are on it; None when they joined it (a team that was not graded may now be)."""
    was, now = key in team_of, after.get("scheme", before.get("scheme")) == scheme
    if not was and not now:
        return set()
    if not was:
        return None
    touched = {t for t in (team_of[key], before.get("team"), after.get("team")) if t}
    graded = set(team_of.values())
    return touched if touched <= graded else None  # moved into a team not graded under the scheme


def team_traces(store, scheme, period: Period, team: str, pool=None) -> dict[str, list]:
    """Employee → trace of one team, graded once more with traces (the board's own grading keeps
    none), as batch ``--explain`` gives them. With the app's long-lived ``pool``
    (:class:`cstui.grading_pool.GradingPool`) a worker grades it: the process that shows the board
    then reads no team's history (nor holds SQLite's cache of it)."""
    if pool is not None:
        graded = pool.graded(store, scheme, period, [[team]], apply=False, explain=True, in_flight=1)
        return {r.employee_id: r.trace for _team, _size, results, _state in graded for r in results}
    return {
        r.employee_id: r.trace
        for _history, results in graded_teams(store, scheme, period, [team], explain=True)
        for r in results
    }


def grade_schemes_overlapped(
    names: list[str], grade: Callable, pool=None, stopped: Callable[[], bool] = lambda: False
) -> None:
    """Grade the schemes ``names`` in this order, overlapped in the long-lived ``pool``: each
    in a thread of its own, ``grade(name, pool, begun)`` with the pool queued for it
    (:meth:`cstui.grading_pool.GradingPool.queued`), which calls ``begun()`` once its reads of
    the store are done (its first team graded). The next scheme's reads start then, while this
    one grades, and its tasks are sent once this one's are all sent: the workers go from one
    scheme to the next without waiting, and a scheme's teams still come before the next one's.
    Without a pool the schemes are graded one after another, here. Returns once every scheme is
    through; an unexpected error of a scheme's thread is raised here."""
    if pool is None:
        for name in names:
            if stopped():
                return
            grade(name, None, lambda: None)
        return
    threads, errors, after = [], [], None
    for name in names:
        if stopped():
            break
        begun, sent = threading.Event(), threading.Event()
        thread = threading.Thread(
            target=_grade_one, args=(grade, name, pool.queued(after, sent), begun, sent, errors), daemon=True
        )
        thread.start()
        threads.append(thread)
        begun.wait()  # one scheme's reads at a time (they share the store's connection)
        after = sent
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _grade_one(grade: Callable, name: str, queued, begun: threading.Event, sent: threading.Event, errors: list):
    try:
        grade(name, queued, begun.set)
    except BaseException as error:  # noqa: BLE001  (raised again in the thread that waits for all)
        errors.append(error)
    finally:  # however it ended (graded here, recorded results, an error), the next may go on
        begun.set()
        sent.set()


def board_schemes(store) -> list[str]:
    """The schemes the board offers: those of the visible active employees, by name."""
    return [name for name in store.roster_schemes() if store.count_employees(scheme=name, status="active")]


def graded_count(rows: Iterable[SchemeRows]) -> int:
    return sum(len(members) for r in rows for members in r.teams.values())
