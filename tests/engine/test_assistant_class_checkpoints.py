"""assistant-class: resuming from a checkpoint gives exactly what a full replay gives."""

from __future__ import annotations

import json
import random
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant_cards import P, card, emp, fill, inc
from cstui.domain import Employee, Override, Period, Scorecard
from cstui.domain.texts import from_json
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.schemes import load_scheme
from cstui_plugins.assistant_class.checkpoint import CheckpointError

SCHEME = load_scheme("assistant-class")
MODEL = SCHEME.model
START = Period.parse("2025-01")  # the generated histories span 24 months from here
SPAN = 24
LEVELS = [None, "class-3", "class-2", "class-1"]
CODES = [
    "late",
    "appearance",
    "eating-at-desk",
    "handover-missing",
    "spot-check-error",
    "games-at-work",
    "absent",
    "sleeping-on-duty",
    "top-performer",
    "cover-shift",
]
CLASS_2 = {"b_followups": "14", "b_reports": "4"}


def until(history: TeamHistory, last: Period) -> TeamHistory:
    """The history as the store gives it for a period ending in ``last``."""
    cards = {e: {m: c for m, c in cs.items() if m.ordinal <= last.ordinal} for e, cs in history.cards.items()}
    overrides = {e: [o for o in os if o.period.ordinal <= last.ordinal] for e, os in history.overrides.items()}
    return TeamHistory(history.team, history.employees, cards, overrides, history.checkpoint)


def after(history: TeamHistory, month: Period, state: dict) -> TeamHistory:
    """The history as the store gives it when resuming from a checkpoint at ``month``."""
    cards = {e: {m: c for m, c in cs.items() if m.ordinal > month.ordinal} for e, cs in history.cards.items()}
    overrides = {e: [o for o in os if o.period.ordinal > month.ordinal] for e, os in history.overrides.items()}
    return TeamHistory(history.team, history.employees, cards, overrides, Checkpoint(month, state))


def saved(history: TeamHistory, month: Period) -> dict:
    """The checkpoint state at ``month``, through JSON as the store keeps it."""
    state = MODEL.checkpoint(SCHEME, history, month)
    text = json.dumps(state)
    assert json.loads(text) == state  # JSON-able: nothing a round trip changes
    return json.loads(text)


def records(history: TeamHistory, period: Period) -> list[dict]:
    return [r.as_record(explain=True) for r in MODEL.grade(SCHEME, history, period)]


def assert_resumes(history: TeamHistory, checkpoint: Period, period: Period) -> None:
    full = until(history, period.last_month)
    resumed = after(full, checkpoint, saved(full, checkpoint))
    assert records(resumed, period) == records(full, period)
    assert MODEL.grade(SCHEME, resumed, period) == MODEL.grade(SCHEME, full, period)  # Decimals exact too
    assert MODEL.levels(SCHEME, resumed, period) == MODEL.levels(SCHEME, full, period)


# ------------------------------------------------------------------ property


member = st.tuples(
    st.sampled_from(LEVELS),
    st.integers(-14, SPAN - 1),  # hire month relative to START
    st.integers(0, 2**32 - 1),  # seed of the member's scorecards (cheap to draw, many months)
    st.sampled_from((85, 95, 100, 100)),  # chance (percent) that a month has a card
)
team = st.tuples(
    st.booleans(),  # the first member is a team lead
    st.lists(member, min_size=2, max_size=5),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, SPAN - 1), st.sampled_from(LEVELS[1:])), max_size=3),
)


def build(data) -> TeamHistory:
    lead, members, overrides = data
    employees = []
    history = TeamHistory("T1", employees)
    for i, (level, hired, seed, presence) in enumerate(members):
        hire = START.shift(hired)
        e = Employee(
            f"E{i}",
            f"n{i}",
            "T1",
            "team-lead" if lead and i == 0 else "assistant",
            date(hire.year, hire.index, 1 + i),
            level=level,
        )
        employees.append(e)
        rng = random.Random(seed)
        for k in range(SPAN):
            month = START.shift(k)
            if rng.randrange(100) < presence and month.ordinal >= hire.ordinal:
                history.cards.setdefault(e.id, {})[month] = _random_card(rng, e.id, month)
    for who, k, level in overrides:
        if who < len(employees):
            history.overrides.setdefault(f"E{who}", []).append(
                Override(f"E{who}", START.shift(k), level, "placed", "boss")
            )
    return history


def _random_card(rng: random.Random, eid: str, month: Period) -> Scorecard:
    """Scores around the class thresholds, deductions of every category, now and then a bad card."""
    values = {
        "a_followups": str(rng.randint(11, 16)),
        "b_followups": str(rng.randint(11, 16)),
        "a_reports": str(rng.randint(2, 5)),
        "b_reports": str(rng.randint(2, 5)),
        "suggestions": str(rng.randint(0, 1)),
    }
    adjust = rng.randint(-5, 5)
    if adjust:
        values.update(
            adjustment=str(adjust), adjustment_reason="" if rng.randrange(40) == 0 else "why"
        )  # no reason: invalid
    incidents = [
        inc(eid, month, rng.choice(CODES), rng.randint(1, 2)) for _ in range(rng.choice((0, 0, 0, 0, 1, 1, 2)))
    ]
    covers = rng.randint(0, 3)
    if covers:
        incidents.append(inc(eid, month, "cover-shift", covers))
    return Scorecard(eid, month, values, incidents)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team, st.integers(1, SPAN - 1), st.booleans(), st.lists(st.integers(0, SPAN - 2), min_size=1, max_size=3))
def test_resuming_from_a_checkpoint_is_exact(data, p, quarter, cs):
    period = START.shift(p).quarter if quarter and START.shift(p).quarter.last_month != START else START.shift(p)
    first = period.last_month.ordinal if period.is_quarter else period.ordinal  # a quarter may hold the checkpoint
    inside = set(period.months()[:2]) if period.is_quarter else set()  # the review reads months from the state
    checkpoints = sorted({START.shift(c) for c in cs if START.shift(c).ordinal < first} | inside) or [
        period.months()[0].prev()
    ]
    full = until(build(data), period.last_month)
    expected = records(full, period)
    for checkpoint in checkpoints:
        resumed = after(full, checkpoint, saved(full, checkpoint))
        assert records(resumed, period) == expected
        assert MODEL.grade(SCHEME, resumed, period) == MODEL.grade(SCHEME, full, period)  # Decimals exact too
        assert MODEL.levels(SCHEME, resumed, period) == MODEL.levels(SCHEME, full, period)
    # a checkpoint taken from a resumed history equals one taken from the full history
    if len(checkpoints) > 1:
        resumed = after(full, checkpoints[0], saved(full, checkpoints[0]))
        assert saved(resumed, checkpoints[-1]) == saved(full, checkpoints[-1])
        chained = after(full, checkpoints[-1], saved(resumed, checkpoints[-1]))
        assert records(chained, period) == expected
    # one replay for both: the same results and the same state as asking twice
    results, state = MODEL.grade_and_checkpoint(SCHEME, full, period)
    assert [r.as_record(explain=True) for r in results] == expected
    assert state == MODEL.checkpoint(SCHEME, full, period.last_month)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team)
def test_a_review_of_the_states_alone_carries_them_as_the_whole_review(data):
    """``review_state`` (an earlier quarter's of a run, a checkpoint's) leaves out only what
    fills the outcomes: after every quarter, each member's state (level, timeline, quarters met,
    the year's counters, exemptions, the team lead's run) is the whole review's."""
    history = build(data)
    last = START.shift(SPAN - 1).quarter
    _, whole = MODEL._replay(SCHEME, history)
    _, states_only = MODEL._replay(SCHEME, history)
    quarter = whole.first_quarter(last)
    while quarter <= last:
        whole.review(quarter)
        states_only.review_state(quarter)
        assert states_only.states == whole.states
        quarter = quarter.next()


# ------------------------------------------------------------------ golden


def test_resume_mid_quarter_keeps_the_months_already_scored():
    h = TeamHistory("T1", [emp(1), emp(2)])
    for q in ("2026-Q1", "2026-Q2"):
        fill(h, "E1", q, [80, 85, 90], (("late", 1, "-3"), ("eating-at-desk",), ("handover-missing",)), **CLASS_2)
        fill(h, "E2", q, 75)
    state = saved(h, P("2026-05"))
    assert state["resume"] == "2026-Q2"
    assert state["months"]["E1"] == {  # counts in the order of the scheme's count metrics
        "2026-03": {"score": "90", "counts": [0, 14, 0, 4, 0]},
        "2026-04": {
            "score": "67",
            "counts": [0, 14, 0, 4, 0],
            "deductions": {"attendance": "3", "appearance": "5", "conduct": "5"},
        },
        "2026-05": {"score": "85", "counts": [0, 14, 0, 4, 0]},
    }
    assert state["employees"]["E1"]["met"] == [["2026-Q1", 1]]
    resumed = after(h, P("2026-05"), state)
    q2 = next(r for r in MODEL.grade(SCHEME, resumed, P("2026-Q2")) if r.employee_id == "E1")
    assert (q2.decision, q2.level_after, q2.score) == ("promote", "class-2", D("80.67"))
    assert q2.trace[0] == "months: 2026-04 67, 2026-05 85, 2026-06 90 → average 80.67"
    assert q2.trace[1] == "deductions: appearance 5, attendance 3, conduct 5; total 13"
    assert q2.trace[2] == "counts: a_followups 0, b_followups 42, a_reports 0, b_reports 12, suggestions 0"
    h.cards["E2"][P("2026-04")].incidents.append(inc("E2", P("2026-04"), "sleeping-on-duty"))
    quarter = next(
        r
        for r in MODEL.grade(SCHEME, after(h, P("2026-05"), saved(h, P("2026-05"))), P("2026-Q2"))
        if r.employee_id == "E2"
    )
    assert "dismissal-review: 2026-04 sleeping-on-duty" in quarter.flags
    for period in ("2026-06", "2026-Q2", "2026-Q3"):
        assert_resumes(h, P("2026-05"), P(period))


def test_resume_across_a_year_boundary_counts_each_calendar_year():
    h = TeamHistory("T1", [emp(i) for i in range(5)])
    for q in ("2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"):
        for i in range(5):
            fill(h, f"E{i}", q, 100 - 5 * i, (("absent", 2),) if i == 0 else ())  # E0: 40 deducted a quarter
    state = saved(h, P("2025-12"))
    assert state["resume"] == "2026-Q1"
    e4 = state["employees"]["E4"]
    assert (e4["bottom"], e4["year_deductions"], e4["year_scores"]) == ({}, {}, {})  # 2025 is over
    e0 = saved(h, P("2026-03"))["employees"]["E0"]
    assert e0["year_deductions"] == {"2026": "40"}
    resumed = after(h, P("2025-12"), state)
    rows = {
        q: {r.employee_id: r for r in MODEL.grade(SCHEME, resumed, P(q))} for q in ("2026-Q1", "2026-Q2", "2026-Q3")
    }
    # bottom three in 2025-Q3 (3 of 2025) but not again until 2026-Q3 (3 of 2026)
    assert [rows[q]["E4"].decision for q in rows] == ["stay", "stay", "elimination-review"]
    assert "elimination-review: class-3 and in the team's bottom 3 in 3 quarters of 2026" in rows["2026-Q3"]["E4"].flags
    # E0: 120 deducted in 2025, 40 in 2026-Q1: the yearly limit (over 150) is per calendar year
    assert not any("over 150" in f for q in rows for f in rows[q]["E0"].flags)
    for q in ("2026-01", "2026-Q1", "2026-Q2", "2026-Q3"):
        assert_resumes(h, P("2025-12"), P(q))


def test_exemption_earned_before_the_checkpoint_waives_a_review_after_it():
    h = TeamHistory("T1", [emp(0, level="class-2")] + [emp(i) for i in range(1, 4)])
    for q in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"):
        for i in range(4):
            fill(h, f"E{i}", q, 100 - 5 * i, **CLASS_2)
    h.cards["E0"][P("2026-10")] = card("E0", P("2026-10"), 100, (("absent", 2), ("appearance",)), **CLASS_2)
    state = saved(h, P("2026-09"))
    assert (state["employees"]["E0"]["exemptions"], state["employees"]["E0"]["best"]) == (1, {"2026": 3})
    q4 = next(r for r in MODEL.grade(SCHEME, after(h, P("2026-09"), state), P("2026-Q4")) if r.employee_id == "E0")
    assert q4.decision == "exemption"
    assert_resumes(h, P("2026-09"), P("2026-Q4"))
    assert_resumes(h, P("2026-08"), P("2026-Q4"))


def _last_two_months() -> TeamHistory:
    h = TeamHistory("T1", [emp(1), emp(2)])
    for month in ("2026-08", "2026-09", "2026-10", "2026-11", "2026-12"):
        m = P(month)
        h.cards.setdefault("E2", {})[m] = card("E2", m)
        h.cards.setdefault("E1", {})[m] = card("E1", m, 75, (("late", 1, "-5"), ("away-from-post",), ("entry-error",)))
    return h


@pytest.mark.parametrize("checkpoint", ["2026-08", "2026-09"])
def test_last_in_team_two_months_running_across_the_checkpoint(checkpoint):
    h = _last_two_months()
    state = saved(until(h, P("2026-10")), P(checkpoint))
    assert state["months"]["E1"][checkpoint]["score"] == "63"  # the month the flag looks back on
    resumed = after(until(h, P("2026-10")), P(checkpoint), state)
    october = next(r for r in MODEL.grade(SCHEME, resumed, P("2026-10")) if r.employee_id == "E1")
    assert "dismissal-review: last in the team 2 months running, below 70" in october.flags
    assert_resumes(h, P(checkpoint), P("2026-10"))
    assert_resumes(h, P(checkpoint), P("2026-Q4"))
    quarter = next(
        r
        for r in MODEL.grade(SCHEME, after(h, P(checkpoint), saved(h, P(checkpoint))), P("2026-Q4"))
        if r.employee_id == "E1"
    )
    assert "dismissal-review: 2026-10 last in the team 2 months running, below 70" in quarter.flags


def test_overrides_and_team_lead_run_carry_over():
    h = TeamHistory("T1", [emp("L", role="team-lead", level="class-2"), emp(1), emp(2, level="class-1")])
    for q in ("2026-Q1", "2026-Q2", "2026-Q3"):
        fill(h, "EL", q, 80, suggestions="1")
        fill(h, "E1", q, [75, 75, 74])
        fill(h, "E2", q, [75, 75, 74])
    h.overrides["E2"] = [Override("E2", P("2026-05"), "class-2", "demotion confirmed", "boss")]
    state = saved(h, P("2026-06"))
    assert state["employees"]["EL"]["unqualified_run"] == 2
    month, level, why = state["employees"]["E2"]["timeline"][-1]  # a why keeps its template (cstui.domain.texts)
    assert [month, level, from_json(why)] == ["2026-05", "class-2", "override by boss: demotion confirmed"]
    resumed = after(h, P("2026-06"), state)
    lead = next(r for r in MODEL.grade(SCHEME, resumed, P("2026-Q3")) if r.employee_id == "EL")
    assert "team-lead-demoted: 3 unqualified quarters running" in lead.flags
    assert MODEL.levels(SCHEME, resumed, P("2026-Q3"))["E2"][-1] == (
        P("2026-05"),
        "class-2",
        "override by boss: demotion confirmed",
    )
    assert_resumes(h, P("2026-06"), P("2026-Q3"))


def test_no_scorecard_before_the_checkpoint_starts_at_the_first_one():
    h = TeamHistory("T1", [emp(1), emp(2)])
    for q in ("2026-Q2", "2026-Q3"):
        fill(h, "E1", q, 80, **CLASS_2)
        fill(h, "E2", q, 80)
    state = saved(h, P("2026-02"))
    assert state["resume"] is None and state["months"] == {}
    assert_resumes(h, P("2026-02"), P("2026-Q3"))
    assert_resumes(h, P("2026-03"), P("2026-Q2"))


def test_a_member_missing_from_the_state_starts_from_the_roster():
    h = TeamHistory("T1", [emp(1), emp(2, level="class-2")])
    fill(h, "E1", "2026-Q1", 80)
    state = saved(h, P("2026-03"))
    del state["employees"]["E2"]
    rows = {r.employee_id: r for r in MODEL.grade(SCHEME, after(h, P("2026-03"), state), P("2026-04"))}
    assert rows["E2"].level_before == "class-2"


def test_a_state_of_another_layout_or_month_is_refused():
    h = TeamHistory("T1", [emp(1)])
    fill(h, "E1", "2026-Q1", 80)
    state = saved(h, P("2026-03"))
    with pytest.raises(CheckpointError, match="unknown state layout"):
        MODEL.grade(SCHEME, after(h, P("2026-03"), {**state, "layout": 0}), P("2026-04"))
    with pytest.raises(CheckpointError, match="the state is of 2026-03"):
        MODEL.grade(SCHEME, after(h, P("2026-02"), state), P("2026-04"))


def test_a_period_not_after_the_checkpoint_is_refused():
    h = TeamHistory("T1", [emp(1)])
    fill(h, "E1", "2026-Q1", 80)
    resumed = after(h, P("2026-02"), saved(h, P("2026-02")))
    with pytest.raises(CheckpointError, match="team T1: 2026-02 is not after the checkpoint of 2026-02"):
        MODEL.grade(SCHEME, resumed, P("2026-02"))
    with pytest.raises(CheckpointError, match="2025-Q4 is not after"):
        MODEL.grade(SCHEME, resumed, P("2025-Q4"))
    assert records(resumed, P("2026-Q1")) == records(h, P("2026-Q1"))  # the quarter holding the checkpoint
    with pytest.raises(CheckpointError, match="2026-01 is not after"):
        MODEL.checkpoint(SCHEME, resumed, P("2026-01"))
    assert MODEL.checkpoint(SCHEME, resumed, P("2026-02")) == resumed.checkpoint.state  # the same month: the same state
