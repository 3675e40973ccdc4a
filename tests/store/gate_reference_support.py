"""What the store's gate refuses, checked against its reference: each card judged alone."""

from __future__ import annotations

from cstui.domain import Period, Scorecard
from cstui.engine.cards import CardRefused


def assert_gate_refuses_as_each_card_alone(store, scheme_name: str, keys: list, values: dict) -> None:
    """``store._gate_cards`` refuses exactly the cards (in order, with the same problems) that
    ``scheme_name`` refuses judging each card alone, up to the gate's cap of 50."""
    expected = {}
    for employee_id, month in keys:
        card = Scorecard(employee_id, Period.parse(month), values[employee_id, month], [])
        problems = store._card_verdict(scheme_name, card, None)
        if problems and len(expected) < 50:
            expected[employee_id, month] = problems
    with store.write():
        try:
            store._gate_cards(keys, None, values)
            refused = {}
        except CardRefused as error:
            refused = error.refused
    assert list(refused.items()) == list(expected.items())
