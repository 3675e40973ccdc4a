"""Column checks of the schemes whose card check is not their metric specs alone (issue 14):
star-levels (targets above 0), a kpi-card scheme with ``[card] at_most`` (supervisor-kpi) and a
``[ledger]`` scheme (assistant-class), judged a column at a time by
``engine.cards.valid_by_columns`` against each card judged by its scheme (the reference): a
card is found valid exactly when the reference finds nothing in it, and the gate refuses the
same cards, in the same order, with the reference's problems and wording.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Incident, Period, Scorecard
from cstui.engine.cards import CardRefused, card_problems, metric_specs, unknown_fields, valid_by_columns
from cstui.schemes import catalog
from gate_reference_support import assert_gate_refuses_as_each_card_alone

EXAMPLES = max(20, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 10)
MONTH = Period.parse("2026-10")
# texts each kind accepts and refuses: a target of 0 or below, an adjustment out of range, ...
TEXTS = st.sampled_from(
    ["0", "-1", "0.00", "1", "5", "6", "-5", "-6", "12", "80000", "120000", "0.5", "62%", "abc", " ", "", "1e9"]
)
REASONS = st.sampled_from(["", " ", "covered a shift", "x"])
FIELDS = {
    "star-levels": ("sales_target", "sales_actual"),
    "supervisor-kpi": ("appearance_violations", "complaints", "complaint_lapses", "team_average", "suggestions"),
    "assistant-class": ("adjustment", "a_followups", "b_followups", "a_reports", "b_reports", "suggestions"),
}
INCIDENTS = st.lists(
    st.sampled_from(
        [
            Incident("x", date(2026, 10, 3), "late", 1, Decimal("-3")),
            Incident("x", date(2026, 10, 4), "top-performer", 1),
            Incident("x", date(2026, 10, 5), "top-performer", 1),  # twice in a month: refused
            Incident("x", date(2026, 10, 6), "no-such-code", 1),
        ]
    ),
    max_size=2,
)


def cards_of(name: str):
    keys = FIELDS[name] + ("stray",)
    values = st.dictionaries(st.sampled_from(keys), TEXTS, max_size=len(keys))
    if name == "assistant-class":
        values = st.tuples(values, REASONS).map(lambda pair: pair[0] | {"adjustment_reason": pair[1]})
    return st.lists(st.tuples(values, INCIDENTS), min_size=1, max_size=25)


def reference(scheme, values: dict, incidents: list) -> list:
    card = Scorecard("E1", MONTH, values, incidents)
    return unknown_fields(metric_specs(scheme), values, scheme.name) + card_problems(scheme, card)


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_each_of_these_schemes_has_a_column_form(name):
    scheme = catalog().get(name)
    assert valid_by_columns(scheme, [{}], [True]) is not None
    patched = type(scheme.model)()
    patched.card_problems = lambda scheme, card: []  # a check of the instance's own: card by card
    assert valid_by_columns(replace(scheme, model=patched), [{}], [True]) is None


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_a_subclass_with_its_own_check_and_no_column_form_is_judged_card_by_card(name):
    scheme = catalog().get(name)

    class Stricter(type(scheme.model)):
        def card_problems(self, scheme, card):
            return []

    assert valid_by_columns(replace(scheme, model=Stricter()), [{}], [True]) is None


@pytest.mark.parametrize("name", ["star-levels", "supervisor-kpi"])
def test_a_check_patched_onto_the_class_is_judged_card_by_card(name, monkeypatch):
    scheme = catalog().get(name)
    monkeypatch.setattr(type(scheme.model), "card_problems", lambda self, scheme, card: [])
    assert valid_by_columns(scheme, [{}], [True]) is None


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(FIELDS)))
def test_a_column_verdict_is_the_card_verdict(data, name):
    scheme = catalog().get(name)
    cards = data.draw(cards_of(name))
    values = [v for v, _ in cards]
    verdicts = valid_by_columns(scheme, values, [not incidents for _, incidents in cards])
    for (card, incidents), valid in zip(cards, verdicts, strict=True):
        problems = reference(scheme, card, incidents)
        assert not (valid and problems), (card, incidents, problems)  # never valid where the reference refuses
        if not incidents:  # a card with incidents is left to the reference
            assert valid == (not problems), (card, problems)


@settings(max_examples=EXAMPLES // 4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), name=st.sampled_from(["star-levels", "supervisor-kpi"]))
def test_the_gate_refuses_what_each_card_judged_alone_refuses(store, data, name):
    """1001-1003 on a scheme with a check of its own, judged column-wise by the gate."""
    with store.write():
        store.conn.execute("UPDATE employees SET scheme = ?, level = NULL WHERE team = 'T1'", (name,))
        store.conn.execute("DELETE FROM scheme_assignments")
    cards = [values for values, _ in data.draw(cards_of(name))]
    ids = ("1001", "1002", "1003")
    keys = [(e, f"{2020 + i // 12}-{i % 12 + 1:02d}") for i in range(len(cards)) for e in ids]
    values = dict(zip(keys, [c for card in cards for c in (card,) * len(ids)]))
    assert_gate_refuses_as_each_card_alone(store, name, keys, values)


def test_an_assistants_card_with_incidents_is_judged_with_them(store, assistants):
    """A ledger card's column verdict stands only without incidents: one recorded twice that may
    be recorded once a month is refused by the reference inside the save."""
    store.add_incidents([Incident("A001", date(2026, 10, 4), "top-performer")])
    with store.write():
        store.conn.execute(
            "INSERT INTO incidents (employee_id, date, period, code, count, points, note, recorded_by, recorded_at, copy) "
            "VALUES ('A001', '2026-10-05', '2026-10', 'top-performer', 1, NULL, '', 'alice', '2026-10-05T00:00:00Z', 2)"
        )
    fine = {"a_followups": "12", "b_followups": "12", "a_reports": "3", "b_reports": "3"}
    with pytest.raises(CardRefused) as refused:
        store.save_scorecards([("A001", "2026-10", fine), ("A002", "2026-10", fine)], scheme=None)
    assert list(refused.value.refused) == [("A001", "2026-10")]
    assert "once a month" in str(refused.value)
