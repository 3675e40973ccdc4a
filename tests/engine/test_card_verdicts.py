"""A card judged valid is not judged again within one import (cstui.engine.cards.remembered_verdicts),
and every verdict stays what the scheme's model says: a changed scheme, model method, card or
refusal is judged afresh."""

from __future__ import annotations

import copy
import os
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain import Incident, Period, Scorecard
from cstui.engine.cards import card_problems, remembered_verdicts
from cstui.schemes import load_scheme

MONTH = Period.parse("2026-09")
VALID = {"sales_target": "100000", "sales_actual": "90000"}
EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "300"))


@pytest.fixture
def calls(monkeypatch):
    """How often star-levels' model judged a card (its class method, as the guard calls it)."""
    scheme = load_scheme("star-levels")
    cls = type(scheme.model)
    judge, seen = cls.card_problems, []

    def counted(self, scheme, card):
        seen.append(card.employee_id)
        return judge(self, scheme, card)

    monkeypatch.setattr(cls, "card_problems", counted)
    return seen


def card(values=VALID, employee_id="E1", month=MONTH, **more) -> Scorecard:
    return Scorecard(employee_id, month, dict(values), **more)


def test_an_equal_scheme_judges_the_same_valid_card_once_within_the_scope(calls):
    with remembered_verdicts():
        assert card_problems(load_scheme("star-levels"), card()) == []
        assert card_problems(load_scheme("star-levels"), card()) == []  # another, equal, scheme object
    assert len(calls) == 1
    assert card_problems(load_scheme("star-levels"), card()) == []  # outside: judged as always
    assert len(calls) == 2


def test_a_refusal_is_judged_every_time(calls):
    scheme = load_scheme("star-levels")
    bad = {"sales_target": "0", "sales_actual": "5"}
    with remembered_verdicts():
        first = card_problems(scheme, card(bad))
        assert first and card_problems(scheme, card(bad)) == first
    assert len(calls) == 2


@pytest.mark.parametrize(
    "other",
    [
        card(employee_id="E2"),
        card(month=Period.parse("2026-10")),
        card(version=3),
        card({"sales_target": "100000", "sales_actual": "90001"}),
        card(incidents=[Incident("E1", date(2026, 9, 3), "late")]),
    ],
    ids=["employee", "month", "version", "value", "incidents"],
)
def test_another_card_is_judged_again(calls, other):
    scheme = load_scheme("star-levels")
    with remembered_verdicts():
        card_problems(scheme, card())
        card_problems(scheme, other)
    assert len(calls) == 2


def test_the_same_values_in_another_order_are_the_same_card(calls):
    scheme = load_scheme("star-levels")  # the store keeps them sorted; the file in column order
    with remembered_verdicts():
        card_problems(scheme, card({"sales_target": "100000", "sales_actual": "90000"}))
        card_problems(scheme, card({"sales_actual": "90000", "sales_target": "100000"}))
    assert len(calls) == 1


def test_a_value_that_is_not_text_is_not_remembered(calls):
    scheme = load_scheme("star-levels")  # 100000 == 100000.0 == a text's number: kept apart by not keeping them
    with remembered_verdicts():
        for _ in range(2):
            assert card_problems(scheme, card({"sales_target": 100000, "sales_actual": "90000"})) == []
    assert len(calls) == 2


def test_a_scheme_with_other_parameters_judges_again(calls):
    scheme = load_scheme("star-levels")
    params = copy.deepcopy(scheme.params)
    params["label"] = "another label"
    with remembered_verdicts():
        card_problems(scheme, card())
        card_problems(replace(scheme, params=params), card())
        card_problems(replace(scheme, version=scheme.version + "-b"), card())
    assert len(calls) == 3


def test_a_model_method_patched_meanwhile_judges_again(calls, monkeypatch):
    from cstui.engine.cards import CardProblem

    scheme = load_scheme("star-levels")
    with remembered_verdicts():
        assert card_problems(scheme, card()) == []
        monkeypatch.setattr(
            type(scheme.model), "card_problems", lambda self, scheme, card: [CardProblem("x", "refused now")]
        )
        assert card_problems(scheme, card()) == [CardProblem("x", "refused now")]


TEXTS = st.sampled_from(["100000", "0", "-5", "abc", "", "  ", "90000", "1e3", "12.5"])
CARDS = st.lists(
    st.tuples(
        st.sampled_from(["E1", "E2"]),
        st.booleans(),
        st.dictionaries(st.sampled_from(["sales_target", "sales_actual", "extra"]), TEXTS),
    ),
    max_size=12,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(cards=CARDS)
def test_every_verdict_within_the_scope_is_the_verdict_outside_it(cards):
    base = load_scheme("star-levels")
    params = copy.deepcopy(base.params)
    params["metrics"]["sales_target"]["kind"] = "number"  # a variant whose verdicts differ
    params["metrics"]["sales_actual"]["required"] = False
    schemes = (base, replace(base, params=params))
    expected = [card_problems(schemes[lax], card(values, employee_id)) for employee_id, lax, values in cards]
    with remembered_verdicts():
        got = [card_problems(schemes[lax], card(values, employee_id)) for employee_id, lax, values in cards]
    assert got == expected
