"""A team's history of one month resuming from the checkpoint an apply of the month before
stores: what a model's ``grade_columns`` is tested on against its per-card path."""

from __future__ import annotations

import json

from cstui.domain import Period
from cstui.engine.model import UNREAD, Checkpoint, TeamHistory
from cstui.grading import grade_team
from cstui.store.checkpoints import state_json


def resumed(scheme, graded: Period, employees, cards, overrides, *, apply: bool = False) -> TeamHistory:
    """The team's history of ``graded``: the months before it applied (their checkpoint stored
    and read back as JSON, as a dry run reads it: its timelines left unread; ``apply``: as an
    apply reads it, timelines and all), ``graded``'s cards and overrides to grade."""
    before = graded.shift(-1)
    earlier = TeamHistory(
        "T",
        employees,
        {e: {m: c for m, c in by.items() if m != graded} for e, by in cards.items()},
        {e: [o for o in ovs if o.period != graded] for e, ovs in overrides.items()},
    )
    _, state = grade_team(scheme, earlier, before, apply=True, explain=False)
    kept, timelines = state_json(state, scheme.model.timelines_apart)
    return TeamHistory(
        "T",
        employees,
        {e: {m: c for m, c in by.items() if m == graded} for e, by in cards.items()},
        {e: [o for o in ovs if o.period == graded] for e, ovs in overrides.items()},
        Checkpoint(before, json.loads(kept), _timelines(timelines, apply)),
    )


def _timelines(stored: str | None, apply: bool) -> dict | str | None:
    if stored is None:  # a model that keeps them inside its state
        return None
    return json.loads(stored) if apply else UNREAD
