"""An import leaves the judging of its cards to the store's gate (one check per card, inside the
write transaction) and still names every refused card FILE:ROW:COLUMN, all or nothing."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import replace
from datetime import date

import pytest

from cstui.domain import Employee, Period
from cstui.engine.cards import CardRefused
from cstui.errors import InvalidData
from cstui.io.imports import MAX_PROBLEMS, import_scorecards
from cstui.schemes import load_scheme

OCT = Period.parse("2026-10")
STAR = "employee_id,sales_target,sales_actual\n"
ASSISTANT = "employee_id,a_followups,b_followups,a_reports,b_reports,adjustment,adjustment_reason\n"


def copy_with_adjustment_max(top: int):
    """assistant-class with another adjustment limit (its own params: a loaded scheme's are shared)."""
    scheme = load_scheme("assistant-class")
    params = deepcopy(scheme.params)
    params["ledger"]["adjustment"]["max"] = top
    return replace(scheme, params=params)


def refused_lines(call) -> list[str]:
    with pytest.raises(InvalidData) as excinfo:
        call()
    return excinfo.value.lines


def test_a_card_only_the_model_refuses_is_named_by_row_and_nothing_is_written(store, write):
    # "0" parses as money: only star-levels' own rule (a target above 0) refuses the card
    path = write("cards.csv", STAR + "E1,100000,90000\nE2,0,5\n")
    lines = refused_lines(lambda: import_scorecards(store, path, OCT, load_scheme("star-levels")))
    assert lines == [f"{path}:3:sales_target: expected a target above 0, got 0"]
    assert store.scorecard("E1", OCT).version == 0 and store.scorecard("E2", OCT).version == 0


def test_a_partial_file_is_judged_as_the_card_will_be_stored(store, write):
    """The file fills the adjustment only; the stored card has no reason for it: the card as it
    would be stored is refused, named at the file's row, and the stored card is unchanged."""
    scheme = load_scheme("assistant-class")
    store.save_scorecard("A1", OCT, {"a_followups": "5"}, 0)
    partial = write("partial.csv", "employee_id,adjustment\nA1,2\n")
    lines = refused_lines(lambda: import_scorecards(store, partial, OCT, scheme))
    assert lines == [f"{partial}:2:adjustment_reason: an adjustment of +2 needs a reason"]
    assert store.scorecard("A1", OCT).values == {"a_followups": "5"}


def test_the_registered_scheme_judges_alone(store):
    assert store.judges_like(load_scheme("star-levels"))
    stricter = copy_with_adjustment_max(2)
    assert not store.judges_like(stricter)


def test_a_stricter_copy_of_a_registered_scheme_still_judges_the_file(store, write):
    """Given a copy with the registered name and other numbers, the file is judged by it too:
    the gate alone (the registered scheme, max 5) would accept an adjustment of 4."""
    stricter = copy_with_adjustment_max(2)
    path = write("a.csv", ASSISTANT + "A1,12,14,3,3,4,帮助同事\n")
    lines = refused_lines(lambda: import_scorecards(store, path, OCT, stricter))
    assert len(lines) == 1 and lines[0].startswith(f"{path}:2:adjustment: ")
    assert store.scorecard("A1", OCT).version == 0


def test_a_laxer_copy_is_refused_by_the_gate(store, write):
    lax = copy_with_adjustment_max(50)
    path = write("a.csv", ASSISTANT + "A1,12,14,3,3,40,帮助同事\n")
    with pytest.raises(CardRefused, match="adjustment"):
        import_scorecards(store, path, OCT, lax)
    assert store.scorecard("A1", OCT).version == 0


def test_every_refused_card_is_counted_past_the_gates_cap(store, write):
    """The gate names at most 50 cards in its refusal; the file's problems count every one."""
    store.import_roster(
        [
            Employee(f"S{i:03d}", "x", "T1", "agent", date(2024, 1, 5), scheme="star-levels", level="1-star")
            for i in range(70)
        ]
    )
    path = write("cards.csv", STAR + "".join(f"S{i:03d},0,5\n" for i in range(70)))
    with pytest.raises(InvalidData) as excinfo:
        import_scorecards(store, path, OCT, load_scheme("star-levels"))
    assert len(excinfo.value.lines) == MAX_PROBLEMS and excinfo.value.more == 20
    assert excinfo.value.lines[0] == f"{path}:2:sales_target: expected a target above 0, got 0"
