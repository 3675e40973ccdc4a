"""The replay state of an assistant-class team at the end of a month, as JSON.

A checkpoint lets a later grading resume instead of replaying the team from its first
scorecard (see /work/notes/checkpoints.md). The state holds:

- ``resume``: the first quarter the resumed replay reviews (the quarter of the month
  after the checkpoint), or None when no scorecard came before the checkpoint (the
  replay has not started; it starts, as a full replay would, at the first scorecard).
- ``employees``: each member's :class:`~.review.State` — class, timeline, quarters met
  since the last manual change, the current year's counters (bottom and best quarters,
  deductions, classes met, monthly totals), exemptions held, a lead's unqualified run.
  Years before the resume quarter's year are dropped: no later review reads them.
- ``months``: the scored facts of the months a later period still reads: the months of
  the resume quarter already past (its review averages them) and the months the "last in
  the team N months running" flag looks back on. Each holds the total, deductions by
  category (when any), dismissal codes (when any), the counts in the order of the
  scheme's count metrics, or only the problem of a card that could not be scored.

Decimals are strings; periods are ``YYYY-MM`` / ``YYYY-Qn`` strings.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from decimal import Decimal
from functools import lru_cache

from cstui.domain import Period
from cstui.domain.texts import to_json
from cstui.engine.model import TeamHistory
from cstui_plugins.assistant_class.months import MonthFacts, TeamMonths
from cstui_plugins.assistant_class.review import Replay, State

LAYOUT = 1  # bump when the layout changes; an older state is refused, never misread


_period = lru_cache(maxsize=4096)(Period.parse)  # a state repeats the same few periods


class CheckpointError(ValueError):
    """A checkpoint state this model cannot resume from."""


# ------------------------------------------------------------------ writing


def dump(replay: Replay, months: TeamMonths, month: Period, lookback: int) -> dict:
    """The state of ``replay`` at the end of ``month`` (reviews and overrides done up to it).

    ``lookback`` is how many months the month flags look back (the dismissal rule's run).
    """
    resume = month.next().quarter if started(replay, month) else None
    keep_year = month.next().year
    state = {
        "layout": LAYOUT,
        "month": str(month),
        "resume": None if resume is None else str(resume),
        "employees": {i: _dump_state(s, keep_year) for i, s in replay.states.items()},
        "months": {},
    }
    first = month.next().quarter.months()[0].shift(-max(lookback - 1, 0))
    for ordinal in range(first.ordinal, month.ordinal + 1):
        m = Period.from_ordinal(ordinal)
        for e in replay.history.employees:
            facts = months.get(e.id, m)
            if facts is not None:
                state["months"].setdefault(e.id, {})[str(m)] = _dump_facts(facts, months.metrics)
    return state


def started(replay: Replay, month: Period) -> bool:
    """Whether a full replay has reviewed (or is inside) a quarter by the end of ``month``."""
    if replay.resume is not None:
        return True
    last = month.ordinal
    return any(m.ordinal <= last for cards in replay.history.cards.values() for m in cards)


def _dump_state(s: State, keep_year: int) -> dict:
    def years(table: dict, value=lambda v: v) -> dict:
        return {str(y): value(v) for y, v in table.items() if y >= keep_year}

    return {
        "level": s.level,
        "timeline": _timeline_json(s),
        "met": [[str(q), rank] for q, rank in s.met],
        "bottom": years(s.bottom),
        "best": years(s.best),
        "year_deductions": years(s.year_deductions, str),
        "year_met": years(s.year_met, list),
        "year_scores": years(s.year_scores, lambda v: [str(x) for x in v]),
        "exemptions": s.exemptions,
        "unqualified_run": s.unqualified_run,
    }


def _timeline_json(s: State) -> list:
    """The timeline as stored: a resumed one's stored entries as read, the changes since encoded
    (decoding and encoding every past why again was most of what a checkpoint cost)."""
    if not s.added and s.stored is not None:
        return s.stored  # the very list read: the checkpoint writes its stored text back (state_json)
    return (s.stored or []) + [[str(p), level, to_json(why)] for p, level, why in s.added]


def _dump_facts(facts: MonthFacts, metrics: tuple[str, ...]) -> dict:
    """Compact: counts in the order of the scheme's count metrics, empty tables left out.

    A card that could not be scored keeps only its problem (no review reads its counts).
    """
    if facts.total is None:
        return {"problem": facts.problem}
    row: dict = {"score": str(facts.total.score), "counts": [facts.counts[m] for m in metrics]}
    if facts.total.deductions:
        row["deductions"] = {c: str(v) for c, v in facts.total.deductions.items()}
    if facts.total.dismissal:
        row["dismissal"] = list(facts.total.dismissal)
    return row


# ------------------------------------------------------------------ reading


def check_after(history: TeamHistory, period: Period, *, at_checkpoint: bool = False) -> None:
    """Refuse a period the state cannot answer: a month up to the checkpoint (``at_checkpoint``:
    the checkpoint month itself is fine), a quarter before the resume quarter (a quarter
    holding the checkpoint month is fine: its months so far are in the state)."""
    cp = history.checkpoint
    if cp is None:
        return
    if period.is_quarter:
        ok = period >= cp.month.next().quarter
    else:
        ok = period.ordinal > cp.month.ordinal or (at_checkpoint and period == cp.month)
    if not ok:
        raise CheckpointError(f"team {history.team}: {period} is not after the checkpoint of {cp.month}")


def restored(history: TeamHistory) -> Container[str]:
    """The members whose states :func:`restore` gives (none when the state cannot be resumed
    from: :func:`restore` refuses it)."""
    cp = history.checkpoint
    state = cp.state if cp is not None else None
    if not isinstance(state, dict) or state.get("layout") != LAYOUT or state.get("month") != str(cp.month):
        return ()
    saved = state.get("employees")
    return saved if isinstance(saved, dict) else ()


def restore(
    replay: Replay, months: TeamMonths, month: Period, state: dict, timeline: Callable[[str], list] | None = None
) -> None:
    """Resume ``replay`` from ``state`` (the overrides and cards up to ``month`` are in it).

    ``timeline``: a member's stored timeline by id (:meth:`cstui.engine.model.Checkpoint.timeline`,
    read only when the timeline is: a resumed month grades by the level); None: each entry's own."""
    if not isinstance(state, dict) or state.get("layout") != LAYOUT:
        raise CheckpointError(
            f"assistant-class checkpoint of {month}: unknown state layout {state.get('layout') if isinstance(state, dict) else type(state).__name__!r}, expected {LAYOUT}"
        )
    if state.get("month") != str(month):
        raise CheckpointError(f"assistant-class checkpoint of {month}: the state is of {state.get('month')}")
    replay.resume = None if state["resume"] is None else _period(state["resume"])
    saved = state["employees"]
    for e in replay.history.employees:
        if e.id in saved:  # a member missing from the state starts from the roster
            replay.states[e.id] = _load_state(saved[e.id], e.id, timeline)
    months.restore(state["months"])


def _load_state(raw: dict, employee_id: str, timeline: Callable[[str], list] | None) -> State:
    state = _StoredState.__new__(_StoredState)
    state.raw, state.level, state.added = raw, raw["level"], []
    state.employee_id, state.stored_timeline = employee_id, timeline
    state.overrides_applied = 0  # the resumed history holds only the later overrides
    return state


class _StoredState(State):
    """A member's state as a checkpoint stored it: the level at once, the rest (quarters met,
    the year's counters, exemptions) decoded when first read. A resumed month grades by the
    level alone; only a quarter's review, an override or a new checkpoint reads the rest."""

    __slots__ = ("raw", "employee_id", "stored_timeline")

    def __getattr__(self, name: str):  # called only for a field not set yet
        if name == "stored":  # the timeline as stored: read only when the timeline is
            kept = self.stored_timeline
            self.stored = self.raw["timeline"] if kept is None else kept(self.employee_id)
            return self.stored
        if name not in _DECODED_LATER:
            raise AttributeError(name)
        _decode_rest(self, self.raw)
        return object.__getattribute__(self, name)


_DECODED_LATER = frozenset(
    ("met", "bottom", "best", "year_deductions", "year_met", "year_scores", "exemptions", "unqualified_run")
)


def _decode_rest(state: State, raw: dict) -> None:
    def years(table: dict, value=lambda v: v) -> dict:
        return {int(y): value(v) for y, v in table.items()}

    state.met = [(_period(q), rank) for q, rank in raw["met"]]
    state.bottom, state.best = years(raw["bottom"]), years(raw["best"])
    state.year_deductions = years(raw["year_deductions"], Decimal)
    state.year_met = years(raw["year_met"], list)
    state.year_scores = years(raw["year_scores"], lambda v: [Decimal(x) for x in v])
    state.exemptions, state.unqualified_run = raw["exemptions"], raw["unqualified_run"]
