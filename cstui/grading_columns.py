"""Teams read for grading, column-wise where the scheme's model can replay columns (issue 14).

A model may offer two methods (optional; a model with neither is read and replayed per card,
as always):

- ``columns_plan(scheme) -> (metric keys, typed months) | None``: the values it reads as
  columns, and how many of the last months before the period it reads with each value's typed
  decimals (``MetricColumn.places``; None: not for this scheme);
- ``checkpoint_columns(scheme, columns, month) -> state | None``: from
  :class:`cstui.engine.columns.CardColumns` of the months up to ``month``, the checkpoint state
  at its end (None: declined, the teams are read per card).

The period is then graded by the model's per-card path resuming from that state, exactly as it
resumes from a stored checkpoint, so results and traces are the per-card path's own. A dry run
only: ``--apply`` keeps the full replay (its checkpoints carry each level's timeline).

A month resumed from such a state (or a stored checkpoint) may be graded a team at once when
the model offers ``grade_columns`` (:func:`split_by_columns`, docs/plugins.md): the rows it
leaves go through the per-card path, the reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial

from cstui.domain import Period, Result
from cstui.engine.cards import valid_by_columns
from cstui.engine.model import TeamHistory
from cstui.engine.period_columns import PeriodColumns
from cstui.engine.ranking import competition_ranks

TEAMS_PER_BLOCK = 16  # teams replayed together: numpy's per-call cost shared by ~1,600 employees
FIRST_BLOCK = 2  # the first block's read is waited for: a small one starts the grading sooner


def team_histories(store, scheme, period: Period, teams: Iterable[str] | None, *, apply: bool) -> Iterator[TeamHistory]:
    """``store.team_histories`` for ``scheme``; teams replayed column-wise come resuming from the
    state at the month before ``period``."""
    if not apply and _can_replay_columns(scheme):
        # the teams are listed once: the check for checkpoints and the read share the list
        # (listing them scans the roster, a tenth of a second at 100,000 employees)
        teams = store.history_teams(scheme.name, list(teams) if teams else None)
        if not teams:
            return
        if _resumes(store, scheme, period, teams):
            yield from _histories(store, scheme, period, teams, apply)
            return
    plan = None if apply else columns_plan(scheme)
    if plan is None:
        yield from _histories(store, scheme, period, teams, apply)
        return
    from cstui.store.columns import ReadAhead, resumed

    keys, typed = plan
    before = Period.from_ordinal(period.months()[0].ordinal - 1)
    names = store.history_teams(scheme.name, list(teams) if teams else None)
    blocks, at = [], 0
    for size in block_sizes(len(names)):
        blocks.append(names[at : at + size])
        at += size
    reader = ReadAhead(store, scheme.name, period, list(keys), typed, scheme.fingerprint)
    try:
        for block, read in reader.blocks(blocks):
            state = scheme.model.checkpoint_columns(scheme, read[0], before) if read is not None else None
            if state is None:
                yield from _histories(store, scheme, period, block, apply)
                continue
            for history in read[1].values():
                yield resumed(history, before, state)
    finally:  # a consumer that stops early: the reader thread and its connection end here
        reader.close()


def _histories(store, scheme, period: Period, teams, apply: bool) -> Iterator[TeamHistory]:
    """``store.team_histories`` resuming from the stored checkpoints; a dry run leaves their
    timelines unread (its grade() reads none: most of a checkpoint's bytes), an apply reads them
    (the checkpoint it records carries them on)."""
    yield from store.team_histories(scheme.name, period, teams, fingerprint=scheme.fingerprint, timelines=apply)


def block_sizes(teams: int) -> list[int]:
    """How many teams each block holds: from :data:`FIRST_BLOCK` doubling up to
    :data:`TEAMS_PER_BLOCK`, and halving back at the end. The grading waits for the first
    block's read, and the read of the next one must keep ahead of it; the last block is graded
    with nothing left to read: small blocks at both ends keep the two threads overlapped."""
    ramp, size = [], FIRST_BLOCK
    while size < TEAMS_PER_BLOCK:
        ramp.append(size)
        size *= 2
    head, left = [], teams
    for size in ramp:
        head.append(min(size, left))
        left -= head[-1]
    tail = []
    for size in ramp:  # the tail shrinks as the head grew, while it leaves the middle half or more
        if sum(tail) + size > left // 2:
            break
        tail.insert(0, size)
    left -= sum(tail)
    middle = [min(TEAMS_PER_BLOCK, left - at) for at in range(0, left, TEAMS_PER_BLOCK)]
    return [size for size in head + middle + tail if size > 0]


def _can_replay_columns(scheme) -> bool:
    """Whether the model has the column-wise replay and the scheme keeps checkpoints."""
    return getattr(scheme.model, "checkpoint_columns", None) is not None and bool(scheme.fingerprint)


def _resumes(store, scheme, period: Period, names: list[str]) -> bool:
    """Whether the month resumes from checkpoints (its first team's, of ``names``: the teams
    graded): then nothing is replayed column-wise, so the per-card read is taken without
    importing numpy (a resumed month's start-up). Either path grades alike; a team without a
    checkpoint replays per card then."""
    first = str(period.months()[0])
    return store._latest_checkpoint(scheme.name, scheme.fingerprint, names[0], first, timelines=False) is not None


def columns_plan(scheme) -> tuple[list[str], int] | None:
    """The model's plan for reading ``scheme`` column-wise, or None (per card)."""
    plan = getattr(scheme.model, "columns_plan", None)
    if plan is None or getattr(scheme.model, "checkpoint_columns", None) is None:
        return None
    try:
        import numpy  # noqa: F401  (the column layout's arrays)
    except ImportError:
        return None
    return plan(scheme)


# --- the resumed month graded a team at once (a model's grade_columns) ------------------------


def split_by_columns(scheme, history: TeamHistory, period: Period, *, apply: bool, explain: bool) -> Split | None:
    """The rows of a month resumed from the state at the month before (a stored checkpoint, or
    the column-wise replay's) that the model grades a team at once (``grade_columns``; with
    ``--apply``, ``apply_columns``: their traces and checkpoint entries too), and the history of
    the rest for the per-card path; None: the whole team goes per card (no such method, traces
    asked for in a dry run (the per-card path builds them), a quarter, an older checkpoint, or
    the model declined)."""
    checkpoint = history.checkpoint
    if checkpoint is None or not period.is_month or checkpoint.month.ordinal + 1 != period.ordinal:
        return None
    if apply:
        grade = getattr(scheme.model, "apply_columns", None)
    else:
        grade = None if explain else getattr(scheme.model, "grade_columns", None)
    if grade is None:
        return None
    columns, order = period_columns(scheme, history, period)
    done = grade(scheme, columns) if apply else grade(scheme, columns, explain)
    if done is None:
        return None
    rows = {employee_id: i for i, employee_id in enumerate(order)}
    entries = {}
    if apply:  # (Result, entry) each; everyone else, on the roster or not, keeps the per-card path's entry
        entries = {order[i]: entry for i, (_, entry) in done.items()}
        done = {i: result for i, (result, _) in done.items()}
    # everyone not graded here goes per card, a member with no row too (a model may grade one:
    # assistant-class flags an inactive member's month without a card as missing)
    graded = [done.get(rows[e.id], e.id) if e.id in rows else e.id for e in history.employees]
    left = [e for e, row in zip(history.employees, graded, strict=True) if not isinstance(row, Result)]
    cards = {e.id: history.cards.get(e.id, {}) for e in left}
    overrides = {e.id: history.overrides[e.id] for e in left if e.id in history.overrides}
    ranked = getattr(scheme.model, "grade_columns_ranks", False)
    return Split(graded, replace(history, employees=left, cards=cards, overrides=overrides), entries, ranked)


@dataclass(slots=True)
class Split:
    """A team split between the column-wise rows and the per-card path: ``graded`` in team order,
    a Result or the id of an employee left to ``rest``; ``entries``: the column-wise rows'
    checkpoint entries by employee id (an apply's)."""

    graded: list
    rest: TeamHistory
    entries: dict = field(default_factory=dict)
    ranked: bool = False  # the column-wise rows come ranked by the model (``grade_columns_ranks``)

    def merged(self, per_card: list[Result]) -> list[Result]:
        """Every result in team order, ranked by team as one grading ranks them (as the model
        ranked them when it ranks its rows itself: the rows it left then hold no rank)."""
        by_id = {r.employee_id: r for r in per_card}  # one left out by the per-card path is not graded
        results = [row if isinstance(row, Result) else by_id.get(row) for row in self.graded]
        results = [result for result in results if result is not None]
        if self.ranked:
            return results
        teams: dict[str, dict[int, object]] = {}
        for i, result in enumerate(results):
            teams.setdefault(result.team, {})[i] = result.score
        for scores in teams.values():
            for i, rank in competition_ranks(scores).items():
                results[i].rank = rank
        return results

    def state(self, per_card: dict | None) -> dict:
        """The team's checkpoint state: the per-card path's entries and the column-wise rows'
        (an entry per employee either way; the state is stored with its keys sorted)."""
        employees = dict(per_card["employees"]) if per_card is not None else {}
        employees.update(self.entries)
        return {"employees": employees}


def period_columns(scheme, history: TeamHistory, period: Period) -> tuple[PeriodColumns, list[str]]:
    """The team's month as :class:`PeriodColumns`: a row per employee the per-card path may
    grade (hired by then; an inactive one only with a card), and the employee ids in row order."""
    month, overrides = period.ordinal, history.overrides
    employees, order = [], []
    for employee in history.employees:
        card = history.cards.get(employee.id, {}).get(period)
        hired = employee.hire_date  # hired after the month: Period.of_date(hired).ordinal > month, without a Period
        if hired.year * 12 + hired.month - 1 > month or (card is None and employee.status != "active"):
            continue
        employees.append((employee, card))
        order.append(employee.id)
    cards = [card for _, card in employees]
    values = [None if card is None else card.values for card in cards]
    plain = [  # overrides are few: most employees have none to look through
        (card is None or not card.incidents)
        and (e.id not in overrides or not any(o.period == period for o in overrides[e.id]))
        for e, card in employees
    ]
    entries = checkpoint_entries(history.checkpoint, order)
    judge = partial(_checked, scheme, cards)
    columns = PeriodColumns(period, [e for e, _ in employees], entries, values, plain, judge, history=history)
    return columns, order


def checkpoint_entries(checkpoint, employee_ids: list[str]) -> list[dict | None]:
    """Each employee's entry of the checkpoint's state (None: none kept), its stored timeline in
    it where the checkpoint keeps the timelines apart and they were read (an apply's read: its
    ``apply_columns`` extends them); a dry run's read leaves them out, and its entries as kept."""
    state, apart = checkpoint.state.get("employees", {}), checkpoint.timelines
    if not isinstance(apart, dict):
        return [state.get(employee_id) for employee_id in employee_ids]
    entries = []
    for employee_id in employee_ids:
        entry, timeline = state.get(employee_id), apart.get(employee_id)
        entries.append(entry if entry is None or timeline is None else {**entry, "timeline": timeline})
    return entries


def _checked(scheme, cards: list) -> list[bool]:
    """Whether each card passes the scheme's check, judged column-wise as the screen judges a
    team (:func:`cstui.engine.cards.valid_by_columns`); False: no card, or no verdict."""
    present = [card for card in cards if card is not None]
    try:
        verdicts = valid_by_columns(scheme, [c.values for c in present], [not c.incidents for c in present])
    except Exception:  # noqa: BLE001  (a check that raises: the per-card path judges, as ever)
        verdicts = None
    found = iter(verdicts if verdicts is not None else [False] * len(present))
    return [False if card is None else next(found) for card in cards]
