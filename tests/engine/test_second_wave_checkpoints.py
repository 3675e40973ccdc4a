"""A replay resumed from a checkpoint gives exactly the results of a full replay, traces included,
for every second-wave model (the ReplayModel contract)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from cstui.domain import Employee, Override, Period
from cstui.domain.types import Scorecard
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.schemes import load_scheme

FIRST = Period.parse("2026-01")
CUT = Period.parse("2026-05")


def five(score):
    rate = f"{D(score) / 100}"
    return {
        "follow_up_rate": rate,
        "satisfaction": rate,
        "handling": str(score),
        "training": str(score),
        "attendance": rate,
    }


FORM = {"courtesy": "90", "teamwork": "90", "responsibility": "90", "discipline": "90", "service": "90", "skills": "90"}
HARD = {"education": "college", "experience_years": "1", "post": "yuedianxuan", "certificates": "1"}
CASES = {
    # scheme: (month index → card values or None, starting level, override month offset and level)
    "five-tier-g": (lambda i: five([85, 85, 85, 72, 65, 90, 90, 40, 45][i]), None, None),
    "supervisor-kpi": (
        lambda i: (
            None
            if i == 3
            else {
                "appearance_violations": str(i % 5),
                "complaints": "4",
                "complaint_lapses": str(i % 3),
                "team_average": str(84 + i),
                "suggestions": "70",
            }
        ),
        "post-1",
        (5, "post-2"),
    ),
    # the first card after the checkpoint: a resume starts where a full replay does
    "manager-kpi": (
        lambda i: (
            {
                "follow_up_rate": "0.95",
                "complaint_lapses": "1",
                "team_average": str(80 + i),
                "training_hours": "8",
                "conversion": "0.7",
                "process": "75",
            }
            if i >= 6
            else None
        ),
        None,
        None,
    ),
    "rank-streak": (
        lambda i: (
            {
                "kpi_score": "90",
                "conversion": "0.5",
                "response_rate": "0.9",
                "unit_price_ratio": "1.1",
                "valid_complaints": "0",
            }
            if i >= 5
            else None
        ),
        None,
        None,
    ),
    "placement": (lambda i: {**HARD, **FORM, "courtesy": str(40 + 10 * i)} if i in (4, 6) else None, None, None),
    "probation-test": (
        lambda i: {"theory": str(70 + 2 * i), "practice": "90", "typing": "45"} if i >= 3 else None,
        None,
        None,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_resume_equals_full_replay(name):
    scheme = load_scheme(name)
    values, level, override = CASES[name]
    hired = {"five-tier-g": date(2025, 7, 1), "manager-kpi": date(2019, 1, 1), "rank-streak": date(2019, 1, 1)}.get(
        name, date(2025, 12, 20)
    )
    e = Employee("E1", "员工", "A", "agent", hired, level=level)
    cards = {FIRST.shift(i): Scorecard("E1", FIRST.shift(i), v) for i in range(9) if (v := values(i)) is not None}
    overrides = (
        [Override("E1", FIRST.shift(override[0]), override[1], "post grade 2", "li.manager")] if override else []
    )
    history = TeamHistory("A", [e], {"E1": cards}, {"E1": overrides})
    state = scheme.model.checkpoint(scheme, history, CUT)
    assert state is not None
    later = {"E1": {m: c for m, c in cards.items() if m.ordinal > CUT.ordinal}}
    resumed = replace(
        history,
        cards=later,
        overrides={"E1": [o for o in overrides if o.period.ordinal > CUT.ordinal]},
        checkpoint=Checkpoint(CUT, state),
    )
    for month in ("2026-06", "2026-07", "2026-08", "2026-09", "2026-Q3"):
        assert scheme.model.grade(scheme, resumed, Period.parse(month)) == scheme.model.grade(
            scheme, history, Period.parse(month)
        )
    assert scheme.model.levels(scheme, resumed, Period.parse("2026-09")) == scheme.model.levels(
        scheme, history, Period.parse("2026-09")
    )
