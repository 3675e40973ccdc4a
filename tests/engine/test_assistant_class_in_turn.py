"""assistant-class: grading a history's periods in one replay (``grade_in_turn``, what a person's
history asks of their team) gives exactly what grading each period on its own gives: the
person's whole result (trace included, in 中文 too), the team's ranks, scores, grades and
decisions, and the level timelines; asked for ``only`` the person's results, exactly theirs. Random teams of test_assistant_class_checkpoints (leads,
hires, overrides, incidents, refused cards), random runs of the months a history shows.

Examples: ``CSTUI_FUZZ_EXAMPLES`` / 20 (100 at the default 2000).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain.texts import render
from test_assistant_class_checkpoints import SCHEME, SPAN, START, build, team, until

MODEL = SCHEME.model
EXAMPLES = max(1, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 20)
BRIEF = ("employee_id", "team", "period", "score", "grade", "rank", "decision", "level_before", "level_after")


def shown_periods(first: int, count: int) -> list:
    """The periods a history lists for ``count`` months from START + ``first``: a month that
    completes a quarter is told as the quarter (the class review), the others as months."""
    months = [START.shift(first + k) for k in range(count)]
    return [m.quarter if m.completes_quarter() else m for m in months]


def zh(record: dict) -> dict:
    return {k: [render(t, "zh") for t in v] if k in ("trace", "flags") else v for k, v in record.items()}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team, st.integers(0, SPAN - 1), st.integers(1, 12), st.integers(0, 2), st.data())
def test_grading_in_turn_is_grading_each_period(data, first, count, beyond, draw):
    history = build(data)
    count = min(count, SPAN - first)
    periods = shown_periods(first, count)
    periods = [p for p in periods if draw.draw(st.integers(0, 4), label="graded") > 0]  # some closed
    last = START.shift(min(first + count - 1 + beyond, SPAN - 1))
    full = until(history, last)
    who = draw.draw(st.sampled_from([e.id for e in history.employees]), label="shown")
    graded, timelines = MODEL.grade_in_turn(SCHEME, full, periods, last, {who})
    assert len(graded) == len(periods)
    for period, results in zip(periods, graded, strict=True):
        expected = MODEL.grade(SCHEME, until(history, period.last_month), period)
        assert [r.employee_id for r in results] == [r.employee_id for r in expected], str(period)
        for got, want in zip(results, expected, strict=True):
            assert {k: getattr(got, k) for k in BRIEF} == {k: getattr(want, k) for k in BRIEF}, str(period)
            if got.employee_id == who:
                assert got == want, str(period)  # Decimals exact, trace and flags
                assert zh(got.as_record(explain=True)) == zh(want.as_record(explain=True))
    levels = MODEL.levels(SCHEME, full, last)
    assert timelines == levels
    # only the person's results (a history's, where no quota or refused card reads the team's):
    # theirs exactly, ranks the team's, the same timelines
    alone, alone_timelines = MODEL.grade_in_turn(SCHEME, full, periods, last, {who}, only={who})
    assert alone == [[r for r in results if r.employee_id == who] for results in graded]
    assert alone_timelines == levels
    assert [[render(why, "zh") for _, _, why in rows] for rows in timelines.values()] == [
        [render(why, "zh") for _, _, why in rows] for rows in levels.values()
    ]


def test_everyone_explained_when_nobody_is_named():
    history = build((True, [("class-2", -3, 7, 100), (None, 0, 8, 95), (None, 2, 9, 100)], [(1, 5, "class-2")]))
    periods = shown_periods(3, 12)
    graded, _ = MODEL.grade_in_turn(SCHEME, history, periods, periods[-1].last_month)
    for period, results in zip(periods, graded, strict=True):
        assert results == MODEL.grade(SCHEME, until(history, period.last_month), period), str(period)
