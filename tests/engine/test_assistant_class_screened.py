"""assistant-class grades a month with the ledger totals its card check found (the screen hands
them on: ``engine.cards.screened_totals``) exactly as it grades scoring every card itself: the
same results, traces and checkpoint state, with cards the scheme refuses among them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Incident, Period, Scorecard
from cstui.engine.cards import screen_history
from cstui.engine.ledger import compile_ledger
from cstui.engine.model import TeamHistory
from cstui.schemes import load_scheme
from cstui_plugins.assistant_class import params as rules_params

SCHEME = load_scheme("assistant-class")
MODEL = SCHEME.model
RULES = rules_params.compile_rules(SCHEME.params)
MONTHS = [Period.parse(m) for m in ("2026-10", "2026-11", "2026-12")]
CODES = [*compile_ledger(SCHEME.params).entries, "no-such-code"]
COUNT_TEXTS = st.sampled_from(["0", "3", "12", "15", "", " ", "-1", "x", "2.5"])
ADJUSTMENTS = st.sampled_from([None, "", "0", "2", "-3", "5", "9", "x"])
REASONS = st.sampled_from([None, "", "why"])
POINTS = st.sampled_from([None, None, D("-2"), D("-4"), D("3"), D("-50")])


@st.composite
def cards(draw, employee_id: str, month: Period) -> Scorecard:
    values = {m: draw(COUNT_TEXTS) for m in RULES.count_metrics if draw(st.booleans())}
    for key, texts in (("adjustment", ADJUSTMENTS), ("adjustment_reason", REASONS)):
        text = draw(texts)
        if text is not None:
            values[key] = text
    incidents = [
        Incident(employee_id, date(month.year, month.index, 3), draw(st.sampled_from(CODES)), count, draw(POINTS))
        for count in draw(st.lists(st.integers(1, 3), max_size=2))
    ]
    return Scorecard(employee_id, month, values, incidents)


@st.composite
def teams(draw) -> TeamHistory:
    size = draw(st.integers(2, 6))
    roles = [RULES.lead_role if i == 0 and draw(st.booleans()) else "assistant" for i in range(size)]
    employees = [Employee(f"E{i}", f"n{i}", "T1", roles[i], date(2024, 1, 1), level="class-3") for i in range(size)]
    history = TeamHistory("T1", employees)
    for e in employees:
        for month in MONTHS:
            if draw(st.integers(0, 9)) < 8:
                history.cards.setdefault(e.id, {})[month] = draw(cards(e.id, month))
    return history


def graded(history: TeamHistory, period: Period, explain: bool) -> tuple[list, list]:
    results = MODEL.grade(SCHEME, history, period, explain=explain)
    return results, [r.as_record(explain=explain) for r in results]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(teams(), st.sampled_from([*MONTHS, Period.parse("2026-Q4")]), st.booleans())
def test_grading_with_the_screens_totals_is_grading_alone(history, period, explain):
    reference = graded(history, period, explain)  # no screen before it: every card scored here
    reference_state = MODEL.grade_and_checkpoint(SCHEME, history, period)[1]
    screened, _ = screen_history(SCHEME, history, period, (Period.parse("2026-Q4"),))
    assert screened is history  # the model grades refused cards itself: the history as it is
    assert graded(history, period, explain) == reference
    screen_history(SCHEME, history, period, (Period.parse("2026-Q4"),))
    assert MODEL.grade_and_checkpoint(SCHEME, history, period)[1] == reference_state
