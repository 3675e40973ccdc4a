"""Grading a period from the store, and applying it: the one path the CLI and the TUI share.

Reads resume from the scheme's checkpoints (same scheme name and parameters), so grading a
month reads that month's cards and each team's saved replay state, not all of history.
Applying records the results AND each team's checkpoint at the period's last month in one
transaction, so the next period resumes from it.

Applying grades first, with no lock held, into a spool (the first teams' stored rows in
memory, up to SPOOL_IN_MEMORY characters, the rest in a temporary file, so memory stays
bounded); then one short write transaction checks that nothing was committed
since grading began (the data version: the newest audit row's id, as every committed change
adds audit rows) and records the spool; then the caller reports from the spool. If something
did change, the period is graded again (at most APPLY_ATTEMPTS times, then refused): every
read that decides the write is valid inside the write, and no writer waits on grading or on
a report that nobody reads.

Teams are independent (ranks are within a team, checkpoints are per team), so a large run
grades them in worker processes (:func:`graded_results` with ``jobs``): each worker reads and
grades whole teams, and this process spools, records and reports them in team order.
Results, report and checkpoints are the same with any number of jobs.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from cstui.domain import Period, Result, texts
from cstui.domain.texts import joined, line
from cstui.engine.cards import invalid_lines, mark_invalid, screen_history
from cstui.engine.model import TeamHistory
from cstui.errors import InvalidData
from cstui.grading_columns import split_by_columns, team_histories
from cstui.store.checkpoints import state_json
from cstui.store.periods import result_of_stored, stored_result

MAX_NAMED = 50  # refused cards named on stderr; the rest are counted
texts.register(
    {
        "grading.recorded": (
            "{period} is closed: reporting the {count} results recorded under {scheme} version {versions}",
            "{period} 已关闭：报告在方案 {scheme} 版本 {versions} 下记录的 {count} 条结果",
        ),
        "grading.recorded_newer": (
            "; the current version is {version}, and a closed period is not recomputed (a manager can reopen it)",
            "；当前版本为 {version}，已关闭的周期不会重新计算（经理可重新打开）",
        ),
        # refusals of a grading or an apply
        "grading.refused_cards": (
            "{count} scorecard problems in {period}{then}",
            "{period} 有 {count} 处考核表问题{then}",
        ),
        "grading.refused_card": (
            "{count} scorecard problem in {period}{then}",
            "{period} 有 {count} 处考核表问题{then}",
        ),
        "grading.then_apply": (
            ": nothing was recorded; correct the cards and apply again",
            "：未记录任何内容；请更正考核表后重新应用",
        ),
        "grading.then_report": (": those employees are not graded", "：这些员工未参与评定"),
        "grading.kept_changing": (
            "refused: the data kept changing while {period} was graded ({tries} tries, other "
            "writers committed each time); nothing was recorded: apply again when the others are done",
            "已拒绝：评定 {period} 期间数据不断变化（尝试 {tries} 次，每次都有其他人提交了修改）；"
            "未记录任何内容：请待他人完成后重新应用",
        ),
        "grading.kept_changing_one": (
            "refused: the data kept changing while {employee}'s result of {period} was graded "
            "({tries} tries); nothing was recorded: try again when the others are done",
            "已拒绝：评定员工 {employee} 在 {period} 的结果期间数据不断变化（尝试 {tries} 次）；"
            "未记录任何内容：请待他人完成后重试",
        ),
        "grading.card_refused": ("{period}: the card is refused: correct it first", "{period}：考核表被拒：请先更正"),
        "grading.no_result": (
            "employee {employee} has no result under {scheme} for {period}",
            "员工 {employee} 在 {period} 没有方案 {scheme} 下的结果",
        ),
    }
)
SMALL_RUN = 2_000  # employees: below this, starting worker processes costs more than it saves
MAX_JOBS = 4  # the parent writes the report and the results alone: more workers wait on it
TEAMS_PER_TASK = 8  # at most; small enough that the workers stay evenly busy to the end
TASKS_IN_FLIGHT = 2  # per worker: graded teams waiting for the parent stay few (bounded memory)
APPLY_ATTEMPTS = 3  # gradings of one apply when other writers keep committing meanwhile


class TeamResults(NamedTuple):
    """One team's results for the period; ``size`` is the team's employee count (a progress bar's step).

    ``state``: with ``apply``, the team's checkpoint at the period's last month (None otherwise).
    """

    team: str
    size: int
    results: list[Result]
    state: dict | None = None


def graded_teams(
    store, scheme, period: Period, teams: Iterable[str] | None = None, *, explain: bool = True
) -> Iterator[tuple[TeamHistory, list[Result]]]:
    """Each team's history and results for ``period``, team by team, in this process (a dry run).

    Without ``explain`` (a dry run whose report has no trace column) the results carry
    no trace; recorded results always carry theirs (the TUI shows them).
    """
    for history in store.team_histories(scheme.name, period, teams, fingerprint=scheme.fingerprint):
        results, _ = grade_team(scheme, history, period, apply=False, explain=explain)
        yield history, results


def graded_results(
    store,
    scheme,
    period: Period,
    teams: Iterable[str] | None = None,
    *,
    apply: bool = False,
    explain: bool = True,
    jobs: int | None = 1,
    pool=None,
) -> Iterator[TeamResults]:
    """Each team's results in team order, graded by ``jobs`` worker processes; nothing is written.

    ``jobs``: 1 grades here; None picks: here for a small run, else one worker per CPU (at
    most :data:`MAX_JOBS`). Workers read with this login (the same team scoping) and never
    write. With ``apply`` each team comes with its checkpoint state, for
    :func:`apply_graded` to record. A worker's error is raised here. ``pool``: a long-lived
    :class:`cstui.grading_pool.GradingPool` whose workers grade a pooled run (its own number
    of them) instead of workers forked for this run.
    """
    teams = list(teams) if teams else None
    workers = resolve_jobs(store, scheme, teams, jobs)
    if workers > 1:
        pool = pool if pool is None or _sendable(scheme) else None  # else workers forked for this run
        yield from _pooled(store, scheme, period, teams, apply=apply, explain=explain, jobs=workers, pool=pool)
        return
    for history in team_histories(store, scheme, period, teams, apply=apply):
        results, state = grade_team(scheme, history, period, apply=apply, explain=explain)
        yield TeamResults(history.team, len(history.employees), results, state)


def _sendable(scheme) -> bool:
    """Whether a long-lived pool's workers can be sent ``scheme`` (pickled): a plugin's model
    whose class is defined inside a function cannot, and a forked worker needs no pickling."""
    import pickle

    try:
        pickle.dumps(scheme, pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


def resolve_jobs(store, scheme, teams: list[str] | None, jobs: int | None) -> int:
    """How many worker processes grade the run (1 = in this process)."""
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs: expected a whole number >= 1, got {jobs}")
    if jobs == 1 or (jobs is None and count_graded(store, scheme.name, teams) < SMALL_RUN):
        return 1  # a small run: asked before can_fork, which imports multiprocessing (and pickle)
    if not can_fork():
        return 1
    return min(os.cpu_count() or 1, MAX_JOBS) if jobs is None else jobs


def pool_jobs(store) -> int:
    """How many long-lived workers a process that grades this company again and again (the TUI)
    keeps: none (1) for a company that batch would grade in one process, else as batch picks."""
    if (os.cpu_count() or 1) < 2 or store.count_employees() < SMALL_RUN:
        return 1
    return min(os.cpu_count() or 1, MAX_JOBS)


def can_fork() -> bool:
    """Whether worker processes can be forked here (batch's per-run workers, the TUI's early pool)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def count_graded(store, scheme_name: str, teams: list[str] | None) -> int:
    """Employees (visible to the login) on the scheme, in ``teams`` when given."""
    if not teams:
        return store.count_employees(scheme=scheme_name)
    return sum(store.count_employees(team=team, scheme=scheme_name) for team in dict.fromkeys(teams))


def grade_team(
    scheme, history: TeamHistory, period: Period, *, apply: bool, explain: bool
) -> tuple[list[Result], dict | None]:
    """One team's results (and, with ``apply``, its checkpoint at the period's last month).

    A stored card the scheme refuses is graded as a missing month and its employee's result
    is ``invalid`` with the reasons; everyone else is graded and ranked as usual.
    """
    split = split_by_columns(scheme, history, period, apply=apply, explain=explain)
    if split is None:
        results, state, refused = _per_card(scheme, history, period, apply=apply, explain=explain)
    else:  # the rows the model grades a team at once; the rest per card, ranked with them
        rest = split.rest
        per_card = _per_card(scheme, rest, period, apply=apply, explain=explain) if rest.employees else ([], None, {})
        results, state, refused = split.merged(per_card[0]), per_card[1], per_card[2]
        if apply:
            state = split.state(state)
    if refused:
        mark_invalid(results, refused, period, explain=explain or apply)
    enforce_quotas(scheme, results, explain=explain or apply)
    return results, state


def _per_card(scheme, history: TeamHistory, period: Period, *, apply: bool, explain: bool) -> tuple:
    """(results, checkpoint state, refused cards) of the team's per-card path: the card check, then the model."""
    history, refused = screen_history(scheme, history, period)
    results, state = _graded(scheme.model, scheme, history, period, apply=apply, explain=explain)
    return results, state, refused


def enforce_quotas(scheme, results: list[Result], *, explain: bool) -> None:
    """A scheme that enforces its grade quotas moves grades down by rank, here, so batch, the
    TUI, --apply and what-if grade alike (cstui.engine.distribution). The checkpoint holds no
    grades, so it is the same with or without."""
    dist = _enforced_quotas(scheme)
    if dist is not None:
        from cstui.engine.distribution import enforce

        enforce(dist, results, explain)


def quotas_enforced(scheme) -> bool:
    """Whether :func:`enforce_quotas` may move a grade (it reads the whole team's results)."""
    return _enforced_quotas(scheme) is not None


def _enforced_quotas(scheme):
    """The scheme's grade quotas (a Distribution) when it enforces them, else None."""
    dist = _quotas(scheme)
    return dist if dist is not None and dist.enforce else None


def quota_breaches(scheme, team: str, results: list[Result]) -> list:
    """The grade quotas ``team``'s results break (:class:`cstui.engine.distribution.Breach`)."""
    dist = _quotas(scheme)
    if dist is None:
        return []
    from cstui.engine.distribution import breaches

    return breaches(dist, scheme.name, team, results)


def _quotas(scheme):
    """The scheme's grade quotas (a Distribution), None when it sets none (every built-in
    scheme: the module is then never imported, :func:`cstui.schemes.sets_quotas`)."""
    from cstui.schemes import sets_quotas

    if not sets_quotas(scheme.params):
        return None
    from cstui.engine.distribution import compile_distribution

    return compile_distribution(scheme.params)


def level_timelines(scheme, history: TeamHistory, until: Period) -> dict[str, list[tuple[Period, str, str]]]:
    """Each employee's level timeline up to ``until``, a refused card counting as a missing month."""
    history, _ = screen_history(scheme, history, until)
    return scheme.model.levels(scheme, history, until)


def _graded(
    model, scheme, history: TeamHistory, period: Period, *, apply: bool, explain: bool
) -> tuple[list[Result], dict | None]:
    if apply:
        return model.grade_and_checkpoint(scheme, history, period)
    if explain or not takes_explain(model):
        return model.grade(scheme, history, period), None
    return model.grade(scheme, history, period, explain=False), None


def record_team(
    store, scheme, period: Period, team: str, rows: list[tuple], state: tuple[str, str | None] | None
) -> None:
    """One spooled team's results (stored form, :func:`cstui.store.periods.stored_result`) and
    its checkpoint (JSON texts, :func:`cstui.store.checkpoints.state_json`)."""
    store.record_stored_results(rows)
    if state is not None:
        store.save_encoded_checkpoints(scheme.name, scheme.fingerprint, period.last_month, {team: state})


def takes_explain(model) -> bool:
    """Whether a (plugin) model's grade() takes ``explain``; one written before it did still works.

    Asked once per team: the answer is remembered by the function grade() runs (a guarded
    model's is its class's, looked up at each call: a class patched since is asked again)."""
    import inspect
    from types import MethodType

    from cstui.plugins import GuardedMethod

    grade = model.grade
    function = getattr(inspect.unwrap(grade), "__func__", None)
    if function is None or not isinstance(grade, (MethodType, GuardedMethod)):
        return "explain" in inspect.signature(grade).parameters
    known = _TAKES_EXPLAIN.get(function)
    if known is None:
        known = _TAKES_EXPLAIN[function] = "explain" in inspect.signature(grade).parameters
    return known


_TAKES_EXPLAIN: dict = {}  # a model's grade function -> whether it takes ``explain``


def apply_period(
    store,
    scheme,
    period: Period,
    teams: Iterable[str] | None = None,
    on_results: Callable[[list[Result]], None] | None = None,
    *,
    jobs: int | None = 1,
) -> int:
    """Grade ``period`` and record its results and checkpoints in one transaction; returns the count.

    ``on_results`` sees each team's results once they are recorded (a report).
    """
    spool = apply_graded(store, scheme, period, teams, jobs=jobs)
    count = 0
    with spool:
        for graded in spool:
            count += len(graded.results)
            if on_results is not None:
                on_results(graded.results)
    return count


class InvalidCards:
    """The refused cards met while a period is graded: named at the end, never hiding the rest."""

    def __init__(self, period: Period):
        self.period, self.lines = period, []

    def note(self, results: Iterable[Result]) -> None:
        self.lines.extend(invalid_lines(results))

    def refuse(self, applying: bool) -> None:
        """Raise :class:`InvalidData` naming each refused card (exit 3), if there was one."""
        if not self.lines:
            return
        n = len(self.lines)
        key = "grading.refused_cards" if n != 1 else "grading.refused_card"
        head = line(
            key, count=n, period=self.period, then=line("grading.then_apply" if applying else "grading.then_report")
        )
        raise InvalidData([head, *self.lines[:MAX_NAMED]], more=max(0, n - MAX_NAMED))


def apply_graded(
    store,
    scheme,
    period: Period,
    teams: Iterable[str] | None = None,
    *,
    jobs: int | None = 1,
    on_team: Callable[[TeamResults], None] | None = None,
) -> Spool:
    """Grade with no lock held, then record everything in one short transaction; returns the spool.

    The caller reports from the spool (and closes it). ``on_team`` sees each team as it is
    graded (a progress bar): a re-grade shows the teams again. Raises ChangedMeanwhile when
    other writers committed during each of APPLY_ATTEMPTS gradings.
    """
    return apply_schemes(store, [scheme], period, teams, jobs=jobs, on_team=on_team)[0]


def apply_schemes(
    store,
    schemes: list,
    period: Period,
    teams: Iterable[str] | None = None,
    *,
    jobs: int | None = 1,
    on_team: Callable[[TeamResults], None] | None = None,
) -> list[Spool]:
    """:func:`apply_graded` for several schemes recorded together (the TUI board applies every
    scheme of its period at once): one spool per scheme, one write transaction for them all."""
    from cstui.store.errors import ChangedMeanwhile

    teams = list(teams) if teams else None
    for _ in range(APPLY_ATTEMPTS):
        version = store.data_version()  # before any grading read: a commit after it changes it
        spools: list[Spool] = []
        invalid = InvalidCards(period)
        try:
            for scheme in schemes:
                spools.append(Spool(getattr(scheme.model, "timelines_apart", False)))
                for graded in graded_results(store, scheme, period, teams, apply=True, jobs=jobs):
                    spools[-1].add(graded)
                    invalid.note(graded.results)
                    if on_team is not None:
                        on_team(graded)
            invalid.refuse(applying=True)  # before the write: nothing is recorded
            if _record_spools(store, schemes, period, spools, version):
                return spools
        except BaseException:
            _close_all(spools)
            raise
        _close_all(spools)
    raise ChangedMeanwhile(line("grading.kept_changing", period=period, tries=APPLY_ATTEMPTS))


def _close_all(spools: list[Spool]) -> None:
    for spool in spools:
        spool.close()


def _record_spools(store, schemes: list, period: Period, spools: list[Spool], version: int) -> bool:
    """Record the spooled teams unless a change committed since ``version`` touches what was
    graded; False when one does (the caller grades again)."""
    with store.write():
        if store.data_version() != version:
            graded_ids = set().union(*(spool.employee_ids for spool in spools))
            if _input_changed(store, {scheme.name for scheme in schemes}, graded_ids, version):
                return False
        for scheme, spool in zip(schemes, spools):
            recorded_teams = []
            for team, rows, state in spool.stored():
                record_team(store, scheme, period, team, rows, state)
                if rows:
                    recorded_teams.append(team)
            store.remember_scheme(snapshot_of(scheme), period, recorded_teams)
    return True


def reapply_employee(store, scheme, period: Period, employee_id: str) -> Result:
    """Record one employee's result of ``period`` again (a dispute accepted and the card corrected).

    The team is graded as an apply grades it (ranks are within the team), with no lock held;
    only this employee's result is recorded (teammates keep theirs, and the windows in which
    they sign them off), with the scheme that graded it, in one short transaction that first
    checks nothing the grading read changed meanwhile (else it grades again, as an apply does).
    """
    from cstui.store.errors import ChangedMeanwhile

    team = store.employee(employee_id).team
    for _ in range(APPLY_ATTEMPTS):
        version = store.data_version()
        result, graded_ids = _employee_result(store, scheme, period, team, employee_id)
        with store.write():
            if store.data_version() != version and _input_changed(store, {scheme.name}, graded_ids, version):
                continue
            store.record_results([result])
            store.remember_scheme(snapshot_of(scheme), period, [team])
        return result
    raise ChangedMeanwhile(line("grading.kept_changing_one", employee=employee_id, period=period, tries=APPLY_ATTEMPTS))


def reapply_disputed(store, dispute: dict, scheme_of: Callable) -> Result:
    """Record the result of an accepted ``dispute`` again (its card corrected): the employee's
    result alone, graded by the scheme that recorded it (else the employee's scheme now), as
    :func:`reapply_employee`. ``scheme_of(name)`` loads a scheme. What the TUI's disputes queue
    (``p``) and ``cstui dispute record-again`` both call."""
    period, employee_id = Period.parse(dispute["period"]), dispute["employee_id"]
    recorded = [r for r in store.employee_results(employee_id) if r["period"] == dispute["period"]]
    name = recorded[0]["scheme"] if recorded else store.employee(employee_id).scheme
    return reapply_employee(store, scheme_of(name), period, employee_id)


def _employee_result(store, scheme, period: Period, team: str, employee_id: str) -> tuple[Result, set[str]]:
    """The employee's graded result and the ids of the team graded with them; a refused card is
    named (InvalidData, nothing recorded), an employee the scheme does not grade is NotFound."""
    from cstui.store.errors import NotFound

    for history, results in graded_teams(store, scheme, period, [team]):
        mine = [r for r in results if r.employee_id == employee_id]
        if mine and invalid_lines(mine):
            raise InvalidData([line("grading.card_refused", period=period), *invalid_lines(mine)])
        if mine:
            return mine[0], {e.id for e in history.employees}
    raise NotFound(line("grading.no_result", employee=employee_id, scheme=scheme.name, period=period))


def snapshot_of(scheme):
    """The scheme as the store remembers it beside the results it graded (cstui.store.snapshots)."""
    from cstui.store.snapshots import SchemeSnapshot

    return SchemeSnapshot(scheme.fingerprint, scheme.name, scheme.version, scheme.model.name, scheme.to_toml())


# Changes that cannot alter a grading already done: the role and the period's state are read
# again by record_results inside the same transaction; results, teams and the remembered schemes
# are not grading input.
_NOT_GRADING_INPUT = frozenset({"users", "periods", "results", "teams", "scheme_snapshots"})


def _input_changed(store, scheme_names: set[str], graded_ids: set[str], version: int) -> bool:
    """Whether a change committed after ``version`` touches the graded employees or the
    scheme's roster (read inside the write transaction, from the audit trail)."""
    incident_ids = []
    for entity, key, before, after in store.changes_since(version):
        if entity in _NOT_GRADING_INPUT:
            continue
        if entity == "scorecards" and key.rsplit("/", 1)[0] not in graded_ids:
            continue
        schemes_touched = {(before or {}).get("scheme"), (after or {}).get("scheme")}
        if entity == "employees" and key not in graded_ids and not schemes_touched & scheme_names:
            continue
        if entity == "overrides" and (after or {}).get("employee_id") not in graded_ids:
            continue
        if entity == "incidents":
            incident_ids.append(key)
            continue
        return True  # a change to the graded input (or of a table this check does not know)
    return bool(incident_ids) and bool(set(store.incident_owners(incident_ids)) & graded_ids)


SPOOL_IN_MEMORY = (
    16 * 1024 * 1024
)  # characters of stored text a spool keeps in memory (a 20,000-employee company's scheme: 2-13 M); the rest goes to its file


class Spool:
    """Graded teams kept in order, in their stored form: in memory up to :data:`SPOOL_IN_MEMORY`
    characters of it (a company of 20,000 applies without a file), the later teams in a
    temporary file, one team at a time, so memory stays bounded however large the company (with
    the graded employees' ids, for :func:`_input_changed`).

    Each result is kept in the form it is stored in (:func:`cstui.store.periods.stored_result`:
    flags and trace as their JSON text) with its employee's name, and the team's checkpoint
    state as its JSON text: each is encoded once, here, recording reads them as they are, and
    the report decodes only what it shows. The teams kept in memory are recorded and reported
    from the same tuples; a team in the file is pickled once and loaded twice (to record, then
    to report), which cost a third of what encoding them did.
    """

    def __init__(self, timelines_apart: bool = False, in_memory: int = SPOOL_IN_MEMORY):
        self.timelines_apart = timelines_apart  # the model's: how the checkpoint states are encoded
        self._kept: list[tuple] = []  # the first teams, while their text fits ``in_memory``
        self._room = in_memory
        self._file = None  # the later teams, pickled (opened with the first of them)
        self._count = 0  # teams in the file
        self.employee_ids: set[str] = set()
        self.result_count = 0

    def add(self, graded: TeamResults) -> None:
        rows = [stored_result(r) for r in graded.results]
        names = [r.name for r in graded.results]
        state = state_json(graded.state, self.timelines_apart)
        entry = (graded.team, graded.size, rows, names, state)
        self.employee_ids.update(row[0] for row in rows)
        self.result_count += len(rows)
        if self._file is None:
            self._room -= _stored_size(rows, state)
            if self._room >= 0:
                self._kept.append(entry)
                return
            import tempfile  # an --apply's (with shutil and random): a dry run's start-up does without

            self._file = tempfile.TemporaryFile()  # noqa: SIM115 -- open for the spool's life; close() ends it
        import pickle  # as tempfile: what a spool or a worker uses is imported there

        pickle.dump(entry, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def _entries(self) -> Iterator[tuple]:
        yield from self._kept
        if self._file is None:
            return
        import pickle

        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)

    def stored(self) -> Iterator[tuple[str, list[tuple], tuple[str, str | None] | None]]:
        """Each team's (name, results in their stored form, checkpoint's JSON texts: state and
        timelines, :func:`state_json`), in order: what is recorded."""
        for team, _, rows, _, state in self._entries():
            yield team, rows, state

    def teams(self, *, trace: bool = True) -> Iterator[TeamResults]:
        """Each team's results, in order; ``trace=False`` leaves the traces out (a report without
        them). The checkpoint is recorded, not reported: ``state`` is None here."""
        for team, size, rows, names, _ in self._entries():
            results = [result_of_stored(row, name, trace=trace) for row, name in zip(rows, names)]
            yield TeamResults(team, size, results)

    def __iter__(self) -> Iterator[TeamResults]:
        return self.teams()

    def close(self) -> None:
        self._kept = []
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _stored_size(rows: list[tuple], state: tuple[str, str | None] | None) -> int:
    """About how much a spooled team holds: its rows' flags and traces and its checkpoint's
    texts, in characters (the rest of a row is a few short values)."""
    size = sum(len(row[12]) + len(row[13]) for row in rows)
    if state is not None:
        size += len(state[0]) + len(state[1] or "")
    return size


# -- worker processes -------------------------------------------------------------------------


def _pooled(
    store, scheme, period: Period, teams: list[str] | None, *, apply: bool, explain: bool, jobs: int, pool=None
) -> Iterator[TeamResults]:
    """Teams graded by ``jobs`` forked workers (or ``pool``'s), yielded in team order (the
    workers never write).

    At most TASKS_IN_FLIGHT tasks per worker are outstanding, so graded teams the parent
    has not reported yet stay few: memory is bounded by a few tasks, not the company.
    """
    import multiprocessing

    if pool is not None:
        jobs = pool.jobs
    tasks = _tasks(store.history_teams(scheme.name, teams), jobs)
    if not tasks:
        return
    if pool is not None:
        in_flight = min(len(tasks), jobs * TASKS_IN_FLIGHT)
        for graded in pool.graded(store, scheme, period, tasks, apply=apply, explain=explain, in_flight=in_flight):
            yield TeamResults(*graded)
        return
    jobs = min(jobs, len(tasks))
    # a forked worker inherits unwritten stdio buffers and flushes them when it exits: the
    # report's first lines would come out twice
    sys.stdout.flush()
    sys.stderr.flush()
    setup = (str(store.path), store.login, scheme, period, apply, explain)
    context = multiprocessing.get_context("fork")
    # the parent's objects frozen while the workers are forked: a worker's garbage collections
    # then leave them alone instead of writing to (and so copying) every page the parent shares
    gc.freeze()
    try:
        pool = context.Pool(jobs, initializer=_worker_start, initargs=setup)
    finally:
        gc.unfreeze()
    with pool:
        todo = deque(tasks)
        pending = deque(
            pool.apply_async(_worker_grade, (todo.popleft(),)) for _ in range(min(len(todo), jobs * TASKS_IN_FLIGHT))
        )
        while pending:
            graded = raise_failure(pending.popleft().get())
            if todo:
                pending.append(pool.apply_async(_worker_grade, (todo.popleft(),)))
            for team, size, results, state in graded:
                yield TeamResults(team, size, results, state)


def _tasks(names: list[str], jobs: int) -> list[list[str]]:
    """Consecutive teams in chunks: several per task (less overhead), enough tasks to share out."""
    per_task = max(1, min(TEAMS_PER_TASK, len(names) // (jobs * 8)))
    return [names[i : i + per_task] for i in range(0, len(names), per_task)]


_WORKER: dict = {}  # the worker process's own store and run settings (set once, by _worker_start)


def _worker_start(path: str, login: str, scheme, period: Period, apply: bool, explain: bool) -> None:
    import signal  # here: a run in one process never needs it (its enum conversions cost start-up)

    from cstui.store import Store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops the run and the pool
    _WORKER.update(
        store=Store.open(path, login=login, check_pages=False),
        scheme=scheme,
        period=period,
        apply=apply,
        explain=explain,
    )


def _worker_grade(teams: list[str]):
    """[(team, size, results, state)] for ``teams``, read with the parent's login (its scoping)."""
    w = _WORKER
    scheme, period = w["scheme"], w["period"]
    try:
        graded = []
        for history in team_histories(w["store"], scheme, period, teams, apply=w["apply"]):
            results, state = grade_team(scheme, history, period, apply=w["apply"], explain=w["explain"])
            graded.append((history.team, len(history.employees), results, state))
        return graded
    except Exception as error:  # noqa: BLE001  (sent to the parent, which raises it)
        return _Failure.of(error)


class _Failure:
    """A worker's exception, sent so the parent raises the same kind with the same message.

    (Some exceptions do not survive pickling as they were: a class whose __init__ takes other
    arguments than its message. Those come back as the same class carrying the message.)
    """

    def __init__(self, kind: type, message: str, pickled: bytes | None):
        self.kind, self.message, self.pickled = kind, message, pickled

    @classmethod
    def of(cls, error: Exception) -> _Failure:
        import pickle

        try:
            pickled = pickle.dumps(error)
        except Exception:  # noqa: BLE001
            pickled = None
        return cls(type(error), str(error), pickled)

    def exception(self) -> Exception:
        import pickle

        if self.pickled is not None:
            try:
                error = pickle.loads(self.pickled)
                if str(error) == self.message:
                    return error
            except Exception:  # noqa: BLE001
                pass
        error = self.kind.__new__(self.kind)
        error.args = (self.message,)
        return error


def raise_failure(graded):
    """A worker's answer as it was meant: its teams, or the error it failed with raised here
    (the grading pool of the TUI takes answers the same way)."""
    if isinstance(graded, _Failure):
        raise graded.exception()
    return graded


class DryRun(NamedTuple):
    """A period as batch's dry run reports it (:func:`dry_run`): ``teams`` yields each team's
    results in team order; ``notice`` is None when they are graded now, else it says they are
    the results recorded when the (closed) period was applied."""

    teams: Iterator[TeamResults]
    notice: str | None = None

    @property
    def source(self) -> str:
        return "computed" if self.notice is None else "recorded"


def dry_run(
    store,
    scheme,
    period: Period,
    teams: Iterable[str] | None = None,
    *,
    explain: bool = False,
    jobs: int | None = None,
    pool=None,
) -> DryRun:
    """The one dry run batch and the TUI board share: a closed period's recorded results (never
    recomputed), else every team graded now, resumed from the scheme's checkpoints, in ``jobs``
    worker processes (None: automatic), each team yielded as soon as it is graded.

    Closing ``teams`` early (``DryRun.teams.close()``) stops the workers (a long-lived ``pool``'s
    finish the tasks they hold and wait for the next run).
    """
    recorded = recorded_results(store, scheme, period, teams)
    if recorded is not None:
        results, notice = recorded
        return DryRun(_recorded_teams(results), notice)
    return DryRun(graded_results(store, scheme, period, teams, explain=explain, jobs=jobs, pool=pool))


def _recorded_teams(results: list[Result]) -> Iterator[TeamResults]:
    by_team: dict[str, list[Result]] = {}
    for result in results:
        by_team.setdefault(result.team, []).append(result)
    for team in sorted(by_team):
        yield TeamResults(team, len(by_team[team]), by_team[team])


def recorded_results(
    store, scheme, period: Period, teams: Iterable[str] | None = None
) -> tuple[list[Result], str] | None:
    """A closed period's results as recorded when it was applied, and a notice saying so.

    A closed period is never silently recomputed: its recorded results stand, even when
    the scheme has since changed version. None when the period is open or has no results
    recorded under ``scheme`` (then it is graded as usual).
    """
    if store.period_status(period) != "closed":
        return None
    wanted = set(teams) if teams else None
    rows = [row for row in store.results(period, scheme=scheme.name) if wanted is None or row["team"] in wanted]
    if not rows:
        return None
    versions = sorted({row["scheme_version"] for row in rows})
    said = dict(period=str(period), count=len(rows), scheme=scheme.name, versions=", ".join(versions))
    notice = [line("grading.recorded", **said)]
    if versions != [scheme.version]:
        notice.append(line("grading.recorded_newer", version=scheme.version))
    return [result_from_row(row) for row in rows], joined(notice, "")


def result_from_row(row: dict) -> Result:
    """A Result from a row of ``Store.results`` (recorded when a period was applied)."""
    return Result(
        employee_id=row["employee_id"],
        name=row["name"],
        team=row["team"],
        period=Period.parse(row["period"]),
        scheme=row["scheme"],
        scheme_version=row["scheme_version"],
        score=row["score"],
        grade=row["grade"],
        rank=row["rank"],
        level_before=row["level_before"],
        level_after=row["level_after"],
        decision=row["decision"],
        pay_delta=row["pay_delta"],
        flags=row["flags"],
        trace=row["trace"],
    )
