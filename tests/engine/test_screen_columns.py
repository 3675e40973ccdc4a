"""A team's cards screened a column at a time (``engine.cards.screen_history`` asks
``valid_by_columns`` first, issue 14) against the reference, every card judged by itself: the
same cards kept, the same refused with the same problems, for every built-in scheme; and a
model whose check has no column form is judged card by card, as before."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Incident, Period, Scorecard
from cstui.engine import cards as cards_module
from cstui.engine.cards import UNREADABLE, metric_specs, screen_history, screened_totals
from cstui.engine.ledger import compile_ledger, score_ledger
from cstui.engine.model import TeamHistory
from cstui.schemes import catalog

EXAMPLES = max(20, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 10)
MONTHS = [Period.parse(m) for m in ("2026-10", "2026-11", "2026-12")]
SCHEMES = sorted(catalog().names())
# texts some kind accepts and another refuses, blanks, a stray field's and a non-text value
TEXTS = st.sampled_from(
    ["0", "-1", "0.00", "1", "5", "0.9", "0.90", "62%", "120%", "80", "101", "100000", "95000.5", "abc", " ", ""]
)
INCIDENTS = st.lists(
    st.sampled_from(
        [
            Incident("x", date(2026, 10, 3), "late", 1, Decimal("-3")),
            Incident("x", date(2026, 10, 4), "top-performer", 1),
            Incident("x", date(2026, 10, 6), "no-such-code", 1),
            Incident("x", date(2026, 10, 7), "late", 0),  # a count below one
            Incident("x", date(2026, 10, 8), "late", 1, Decimal("-999")),  # points outside the code's range
        ]
    ),
    max_size=2,
)


@contextmanager
def each_card_alone():
    """The reference: no card found valid column-wise, every card judged by the scheme."""
    saved = cards_module._valid_in_history
    cards_module._valid_in_history = lambda scheme, history: (set(), {})
    try:
        yield
    finally:
        cards_module._valid_in_history = saved


def values_of(keys: list[str]):
    plain = st.dictionaries(st.sampled_from([*keys, "stray"]), TEXTS, max_size=len(keys) + 1)
    odd = st.sampled_from([{UNREADABLE: "not JSON"}, {keys[0]: 5}])  # unreadable; a number, not a text
    return st.one_of(plain, plain, plain, odd)


@st.composite
def histories(draw, scheme) -> TeamHistory:
    keys = [spec.key for spec in metric_specs(scheme)]
    employees = [Employee(f"E{i}", f"n{i}", "T", "agent", date(2020, 1, 1)) for i in range(draw(st.integers(1, 6)))]
    cards = {}
    for e in employees:
        months = draw(st.lists(st.sampled_from(MONTHS), unique=True))
        cards[e.id] = {
            m: Scorecard(e.id, m, draw(values_of(keys)), [i for i in draw(INCIDENTS)]) for m in sorted(months)
        }
    return TeamHistory(team="T", employees=employees, cards=cards)


def screened(scheme, history: TeamHistory, period: Period):
    kept, refused = screen_history(scheme, history, period)
    return {e: list(by_month) for e, by_month in kept.cards.items()}, refused


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data(), name=st.sampled_from(SCHEMES), period=st.sampled_from([MONTHS[-1], Period.parse("2026-Q4")]))
def test_a_team_screened_column_wise_is_screened_as_each_card_alone(data, name, period):
    scheme = catalog().get(name)
    history = data.draw(histories(scheme))
    fast = screened(scheme, history, period)
    with each_card_alone():
        reference = screened(scheme, history, period)
    assert fast == reference


def test_valid_cards_are_found_column_wise_and_not_judged_again(monkeypatch):
    scheme = catalog().get("star-levels")
    good = {"sales_target": "100000", "sales_actual": "90000"}
    history = TeamHistory(
        team="T",
        employees=[],
        cards={f"E{i}": {MONTHS[-1]: Scorecard(f"E{i}", MONTHS[-1], dict(good), [])} for i in range(3)},
    )
    history.cards["E9"] = {MONTHS[-1]: Scorecard("E9", MONTHS[-1], {"sales_target": "0", "sales_actual": "1"}, [])}
    judged = []
    judge = cards_module.card_problems
    monkeypatch.setattr(
        cards_module, "card_problems", lambda s, card: judged.append(card.employee_id) or judge(s, card)
    )
    _, refused = screen_history(scheme, history, MONTHS[-1])
    assert judged == ["E9"]  # the refused card alone, which words its problems
    assert list(refused) == ["E9"]


@pytest.mark.parametrize("name", ["star-levels", "five-tier"])
def test_a_model_with_a_check_of_its_own_and_no_column_form_judges_every_card(name, monkeypatch):
    """A plugin that implements only the per-card contract: its own check sees every card."""
    scheme = catalog().get(name)
    seen = []

    def strict(self, scheme, card):
        seen.append(card.employee_id)
        return []

    monkeypatch.setattr(type(scheme.model), "card_problems", strict)
    good = {spec.key: "1" for spec in metric_specs(scheme)}
    history = TeamHistory(
        team="T",
        employees=[],
        cards={f"E{i}": {MONTHS[-1]: Scorecard(f"E{i}", MONTHS[-1], good, [])} for i in range(3)},
    )
    screen_history(scheme, history, MONTHS[-1])
    assert seen == ["E0", "E1", "E2"]


LEDGER_SCHEMES = [name for name in SCHEMES if "ledger" in catalog().get(name).params]


def scored_alone(ledger, card):
    """The reference: the card's ledger scored by itself (its own employee and month)."""
    total = score_ledger(ledger, card.employee_id, card.period, card.values, card.incidents)
    return total.score, total.deductions, total.dismissal, total.trace


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data(), name=st.sampled_from(LEDGER_SCHEMES), period=st.sampled_from([MONTHS[-1], MONTHS[0]]))
def test_the_totals_a_screen_hands_on_are_each_cards_own(data, name, period):
    """The ledger totals the screen keeps for the grading of the same history (a pair's total for
    each card holding that adjustment and reason, a card with incidents its own) are what the
    ledger gives each card alone, only for cards found valid, and taken once."""
    scheme = catalog().get(name)
    history = data.draw(histories(scheme))
    _, refused = screen_history(scheme, history, period)
    totals = screened_totals(history, scheme.params)
    own = getattr(scheme.model, "grades_invalid_cards", False)
    ledger = compile_ledger(scheme.params)
    for card_id, (card, values, incidents, total) in totals.items():
        assert own and id(card) == card_id and values is card.values and incidents is card.incidents
        assert card.period not in refused.get(card.employee_id, {})
        assert (total.score, total.deductions, total.dismissal, total.trace) == scored_alone(ledger, card)
    assert screened_totals(history, scheme.params) == {}
