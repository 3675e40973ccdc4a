"""The store's door of the one card check (cstui/store/gate.py).

A card or an incident its employee's scheme would refuse is never written by any store write
path (save_scorecard, save_scorecards, add_incident(s), restore_incident): the write raises
:class:`CardRefused` naming the employee, the month and the field, and leaves every table as
it was (no card, no incident, no audit row, no checkpoint deleted).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cstui.domain import Incident
from cstui.engine.cards import CardRefused
from cstui.schemes import load_scheme
from cstui.store.gate import MAX_REFUSED
from gate_support import write_card_rows
from scheme_cards import assistant_card, five_card, star_card

MONTH = "2026-10"
DAY = date(2026, 10, 3)
TABLES = ("employees", "scorecards", "incidents", "audit", "checkpoints")


def snapshot(store) -> dict[str, list[str]]:
    """Every row of the tables a card write touches: compared before and after a refusal."""
    return {table: sorted(map(repr, map(tuple, store.conn.execute(f"SELECT * FROM {table}")))) for table in TABLES}


@pytest.fixture
def gated(store, assistants):
    """Valid MONTH cards of 1001 (star-levels), 2001 (five-tier) and A001 (assistant-class), an
    incident of A001, and checkpoints of T1 and T2 at MONTH (any write to MONTH deletes them)."""
    store.save_scorecard("1001", MONTH, star_card(), 0)
    store.save_scorecard("2001", MONTH, five_card(), 0)
    store.save_scorecard("A001", MONTH, assistant_card(), 0)
    store.add_incident(Incident("A001", date(2026, 10, 2), "late"))
    with store.write():
        store.save_checkpoints("star-levels", "fp", MONTH, {"T1": {"at": MONTH}, "T2": {"at": MONTH}})
    return store


def refusal(store, write, *, employee: str, field: str, reason: str, month: str = MONTH) -> CardRefused:
    """``write()`` is refused for this one card and field, with ``reason`` in the reason, and changes nothing."""
    before = snapshot(store)
    with pytest.raises(CardRefused) as caught:
        write()
    error = caught.value
    assert list(error.refused) == [(employee, month)]
    assert any(p.field == field and reason in p.reason for p in error.problems), error.problems
    assert f"scorecard {employee}/{month}: {field}: " in str(error)
    assert snapshot(store) == before  # no card, no incident, no audit row, checkpoints kept
    return error


def refusal_many(store, write) -> CardRefused:
    """``write()`` is refused (for any cards) and changes nothing."""
    before = snapshot(store)
    with pytest.raises(CardRefused) as caught:
        write()
    assert snapshot(store) == before
    return caught.value


# -- cards the schemes refuse, through both save paths ----------------------------------------

WITHOUT_ATTENDANCE = {k: v for k, v in five_card().items() if k != "attendance"}

BAD_CARDS = [
    pytest.param("1001", {"sales_target": "100"}, "sales_actual", "required", id="star-missing-required"),
    pytest.param("2001", WITHOUT_ATTENDANCE, "attendance", "required", id="five-tier-missing-required"),
    pytest.param("1001", star_card(target="0"), "sales_target", "above 0", id="target-0"),
    pytest.param("1001", star_card(target="-100"), "sales_target", "above 0", id="target-negative"),
    pytest.param("1001", star_card(target="-0.01"), "sales_target", "above 0", id="target-just-below-0"),
    pytest.param("2001", five_card(handling="101"), "handling", "0 to 100", id="five-tier-rating-101"),
    pytest.param(
        "A001", {"adjustment": "6", "adjustment_reason": "a great month"}, "adjustment", "-5..5", id="adjustment-6"
    ),
    pytest.param(
        "A001", {"adjustment": "-6", "adjustment_reason": "a bad month"}, "adjustment", "-5..5", id="adjustment-minus-6"
    ),
    pytest.param("A001", {"adjustment": "3"}, "adjustment_reason", "needs a reason", id="adjustment-3-no-reason"),
    pytest.param(
        "A001",
        {"adjustment": "3", "adjustment_reason": "   "},
        "adjustment_reason",
        "needs a reason",
        id="adjustment-3-blank-reason",
    ),
    pytest.param("A001", {"a_followups": "1.5"}, "a_followups", "whole count", id="count-1.5"),
    pytest.param("A001", {"a_followups": "-1"}, "a_followups", "whole count", id="count-negative"),
    pytest.param("A001", {"b_reports": "1E+28"}, "b_reports", "'1E+28'", id="count-1E+28"),
    pytest.param("A001", {"suggestions": "NaN"}, "suggestions", "'NaN'", id="count-NaN"),
    pytest.param("A001", {"adjustment": "NaN", "adjustment_reason": "x"}, "adjustment", "'NaN'", id="adjustment-NaN"),
    pytest.param(
        "1001", {**star_card(), "bonus": "1"}, "bonus", "not a field of scheme star-levels", id="star-unknown-field"
    ),
    pytest.param(
        "A001",
        {"a_followups": "2", "sales_target": "100"},
        "sales_target",
        "not a field of scheme assistant-class",
        id="assistant-unknown-field",
    ),
]


@pytest.mark.parametrize(("employee", "values", "field", "reason"), BAD_CARDS)
def test_save_scorecard_refuses_a_card_its_scheme_refuses(gated, employee, values, field, reason):
    version = gated.scorecard(employee, MONTH).version
    refusal(
        gated,
        lambda: gated.save_scorecard(employee, MONTH, values, version),
        employee=employee,
        field=field,
        reason=reason,
    )
    refusal(
        gated,
        lambda: gated.save_scorecard(employee, "2026-11", values, 0),
        employee=employee,
        field=field,
        reason=reason,
        month="2026-11",
    )


@pytest.mark.parametrize(("employee", "values", "field", "reason"), BAD_CARDS)
def test_save_scorecards_refuses_a_card_its_scheme_refuses(gated, employee, values, field, reason):
    refusal(
        gated, lambda: gated.save_scorecards([(employee, MONTH, values)]), employee=employee, field=field, reason=reason
    )
    refusal(
        gated,
        lambda: gated.save_scorecards([(employee, "2026-11", values)]),
        employee=employee,
        field=field,
        reason=reason,
        month="2026-11",
    )


@pytest.mark.parametrize(
    ("employee", "values"),
    [
        ("1001", star_card(target="0.01")),
        ("1001", star_card(actual="0")),
        ("2001", five_card(handling="100", training="0")),
        ("A001", {"adjustment": "5", "adjustment_reason": "covered every night shift"}),
        ("A001", {"adjustment": "-5", "adjustment_reason": "left the post twice"}),
        ("A001", {"adjustment": "0"}),  # no adjustment needs no reason
        (
            "A001",
            {
                "a_followups": "1000000",
                "b_followups": "0",
                "a_reports": "1.0",
                "b_reports": "1,000",
                "suggestions": " 2 ",
            },
        ),
        ("A001", {}),  # every assistant-class field is optional
    ],
)
def test_the_boundaries_the_gate_keeps_are_accepted(gated, employee, values):
    """The controls of the refusals above: the values at each edge get in, by either path."""
    version = gated.scorecard(employee, MONTH).version
    assert gated.save_scorecard(employee, MONTH, values, version) == version + 1
    assert gated.save_scorecards([(employee, "2026-11", values)]) == (1, 0, 0)


def test_a_huge_exponent_is_refused_as_typed_without_building_the_number(gated):
    """``1e9999999`` is refused by the number parser's pattern, before any Decimal or int is
    built from it (the reason quotes the text as typed; a built number would be "too large")."""
    writes = [
        ("A001", "a_reports", lambda: gated.save_scorecard("A001", MONTH, {"a_reports": "1e9999999"}, 1)),
        ("A001", "a_reports", lambda: gated.save_scorecards([("A001", MONTH, {"a_reports": "1e9999999"})])),
        (
            "A001",
            "adjustment",
            lambda: gated.save_scorecard("A001", MONTH, {"adjustment": "1e9999999", "adjustment_reason": "x"}, 1),
        ),
        ("1001", "sales_actual", lambda: gated.save_scorecards([("1001", MONTH, star_card(actual="1e9999999"))])),
    ]
    for employee, field, write in writes:
        error = refusal(gated, write, employee=employee, field=field, reason="got '1e9999999'")
        assert "too large" not in str(error)


def test_a_refused_update_keeps_the_stored_card_and_its_version(gated):
    refusal(
        gated,
        lambda: gated.save_scorecard("1001", MONTH, star_card(target="0"), 1),
        employee="1001",
        field="sales_target",
        reason="above 0",
    )
    card = gated.scorecard("1001", MONTH)
    assert card.values == star_card() and card.version == 1
    assert gated.save_scorecard("1001", MONTH, star_card(actual="95"), 1) == 2  # the same write, valid, goes in


def test_every_problem_of_a_card_is_named(gated):
    with pytest.raises(CardRefused) as caught:
        gated.save_scorecard("1001", MONTH, {"sales_target": "0", "bonus": "1"}, 1)
    fields = sorted(p.field for p in caught.value.refused["1001", MONTH])
    assert fields == ["bonus", "sales_actual", "sales_target"]  # unknown, missing, target not above 0


def test_an_employee_without_a_scheme_gets_no_card(store, new_employee):
    store.add_employee(new_employee("9001", "T1", scheme=None))
    refusal(
        store,
        lambda: store.save_scorecard("9001", MONTH, {"sales_actual": "1"}, 0),
        employee="9001",
        field="employee_id",
        reason="no scheme",
    )


def test_a_scheme_given_for_another_scheme_s_employee_is_not_the_judge(gated):
    """``scheme=`` judges only the cards of that scheme's employees; others by their own."""
    stars = load_scheme("star-levels")
    refusal(
        gated,
        lambda: gated.save_scorecard("A001", MONTH, star_card(), 1, scheme=stars),
        employee="A001",
        field="sales_target",
        reason="not a field of scheme assistant-class",
    )
    refusal(
        gated,
        lambda: gated.save_scorecards([("A001", MONTH, star_card())], scheme=stars),
        employee="A001",
        field="sales_target",
        reason="not a field of scheme assistant-class",
    )
    assert gated.save_scorecards(
        [("A001", MONTH, assistant_card("4")), ("1001", MONTH, star_card("95"))], scheme=stars
    ) == (0, 2, 0)


# -- bulk: all or nothing ----------------------------------------------------------------------


@pytest.fixture
def hundred(gated, new_employee):
    """S000..S099 on T1 (star-levels), the first 50 with a stored MONTH card."""
    ids = [f"S{n:03d}" for n in range(100)]
    gated.import_roster([new_employee(id, "T1") for id in ids])
    gated.save_scorecards([(id, MONTH, star_card()) for id in ids[:50]])
    with gated.write():  # again after the roster change, which dropped T1's checkpoints
        gated.save_checkpoints("star-levels", "fp", MONTH, {"T1": {"at": MONTH}})
    return ids


def test_one_bad_card_among_100_writes_none(gated, hundred):
    rows = [(id, MONTH, star_card("95")) for id in hundred]  # 50 updates, 50 new cards
    rows[56] = (hundred[56], MONTH, star_card("95", target="0"))
    error = refusal(gated, lambda: gated.save_scorecards(rows), employee="S056", field="sales_target", reason="above 0")
    assert str(error) == "scorecard S056/2026-10: sales_target: expected a target above 0, got 0"
    rows[3] = (hundred[3], MONTH, {**star_card(), "bonus": "7"})  # and a bad update
    error = refusal_many(gated, lambda: gated.save_scorecards(rows))
    assert {key: [p.field for p in problems] for key, problems in error.refused.items()} == {
        ("S003", MONTH): ["bonus"],
        ("S056", MONTH): ["sales_target"],
    }
    rows[3], rows[56] = (hundred[3], MONTH, star_card("95")), (hundred[56], MONTH, star_card("95"))
    assert gated.save_scorecards(rows) == (50, 50, 0)  # the control: the batch was good but for those


def test_a_file_of_bad_cards_is_named_a_screenful_at_a_time(gated, hundred):
    error = refusal_many(gated, lambda: gated.save_scorecards([(id, MONTH, {"sales_target": "100"}) for id in hundred]))
    assert len(error.refused) == MAX_REFUSED
    assert all([p.field for p in problems] == ["sales_actual"] for problems in error.refused.values())
    assert gated.scorecard("S099", MONTH).version == 0


def test_an_unchanged_row_beside_a_bad_one_changes_nothing(gated):
    rows = [("1001", MONTH, star_card()), ("1002", MONTH, star_card(target="-1"))]
    refusal(gated, lambda: gated.save_scorecards(rows), employee="1002", field="sales_target", reason="above 0")


# -- incidents ---------------------------------------------------------------------------------


def test_an_unknown_incident_code_is_refused(gated):
    refusal(
        gated,
        lambda: gated.add_incident(Incident("A001", DAY, "napping")),
        employee="A001",
        field="code",
        reason="unknown incident code",
    )


@pytest.mark.parametrize(
    ("code", "points", "reason"),
    [
        ("late", "-6", "outside -5..-2"),
        ("late", "-1", "outside -5..-2"),
        ("late", "3", "deductions are negative"),
        ("cover-shift", "6", "outside"),
        ("sleeping-on-duty", "-1", "takes no points"),
    ],
)
def test_incident_points_outside_the_catalogue_are_refused(gated, code, points, reason):
    refusal(
        gated,
        lambda: gated.add_incident(Incident("A001", DAY, code, points=Decimal(points))),
        employee="A001",
        field="points",
        reason=reason,
    )


def test_incident_points_at_the_catalogue_edges_are_accepted(gated):
    added = gated.add_incidents([Incident("A002", DAY, "late", points=Decimal(p)) for p in ("-5", "-2")])
    assert [i.points for i in gated.incidents("A002", MONTH)] == [Decimal("-5"), Decimal("-2")] and len(added) == 2


def test_a_once_a_month_code_recorded_twice_across_two_calls_is_refused(gated):
    first = gated.add_incident(Incident("A002", DAY, "top-performer"))
    refusal(
        gated,
        lambda: gated.add_incident(Incident("A002", date(2026, 10, 20), "top-performer")),
        employee="A002",
        field="incident top-performer",
        reason="once a month",
    )
    assert gated.incidents("A002", MONTH) == [first]
    gated.add_incident(Incident("A002", date(2026, 11, 2), "top-performer"))  # next month: allowed again
    gated.add_incident(Incident("A002", date(2026, 10, 21), "cover-shift"))  # a repeatable code: twice is fine
    gated.add_incident(Incident("A002", date(2026, 10, 22), "cover-shift"))
    assert [i.code for i in gated.incidents("A002", MONTH)] == ["top-performer", "cover-shift", "cover-shift"]


def test_a_once_a_month_code_twice_in_one_call_or_counted_twice_is_refused(gated):
    twice = [Incident("A002", DAY, "perfect-test"), Incident("A002", date(2026, 10, 9), "perfect-test")]
    refusal(
        gated, lambda: gated.add_incidents(twice), employee="A002", field="incident perfect-test", reason="once a month"
    )
    counted = Incident("A002", DAY, "perfect-test", count=2)
    refusal(gated, lambda: gated.add_incident(counted), employee="A002", field="count", reason="once a month")


@pytest.mark.parametrize("employee", ["1001", "2001"])
def test_an_incident_on_a_scheme_without_a_catalogue_is_refused(gated, employee):
    refusal(
        gated,
        lambda: gated.add_incident(Incident(employee, DAY, "late")),
        employee=employee,
        field="employee_id",
        reason="no incident catalogue",
    )


def test_add_incidents_is_all_or_nothing_and_names_the_bad_one(gated):
    batch = [Incident("A002", DAY, "late"), Incident("A003", DAY, "nope"), Incident("A003", DAY, "loud")]
    refusal(gated, lambda: gated.add_incidents(batch), employee="A003", field="code", reason="unknown incident code")
    assert gated.incidents("A002", MONTH) == [] and gated.incidents("A003", MONTH) == []


def test_restoring_an_incident_that_breaks_once_a_month_is_refused(gated):
    first = gated.add_incident(Incident("A002", DAY, "zero-complaints"))
    gated.delete_incident(first.id)
    second = gated.add_incident(
        Incident("A002", date(2026, 10, 30), "zero-complaints")
    )  # the first is deleted: allowed
    refusal(
        gated,
        lambda: gated.restore_incident(first.id),
        employee="A002",
        field="incident zero-complaints",
        reason="once a month",
    )
    assert gated.incidents("A002", MONTH) == [second]
    assert [i.id for i in gated.incidents("A002", MONTH, include_deleted=True)] == [first.id, second.id]
    gated.delete_incident(second.id)
    gated.restore_incident(first.id)  # the control: alone in its month, it comes back
    assert gated.incidents("A002", MONTH) == [first]


def test_a_stored_card_s_values_do_not_block_its_incidents(gated):
    """Incidents come in while the month is being filled: only the incident rules are judged,
    not the card's values (here an adjustment whose reason is still to be typed, written by hand)."""
    with gated.write():
        write_card_rows(gated.conn, "A001", MONTH, {"adjustment": "3"})
    assert gated.add_incident(Incident("A001", DAY, "loud")).code == "loud"


@pytest.mark.parametrize(
    "points",
    [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-1e9999999"), Decimal("-2.0000000000000000000001")],
)
def test_incident_points_given_through_the_api_meet_the_typed_limits(gated, points):
    """The store API takes a Decimal as given: it gets the limits a typed value gets, never a decimal error."""
    refusal(
        gated,
        lambda: gated.add_incident(Incident("A001", date(2026, 10, 5), "late", points=points)),
        employee="A001",
        field="points",
        reason="expected points",
    )


def test_a_stored_card_with_a_bad_value_still_keeps_the_once_a_month_rule(gated):
    with gated.write():  # an older version's card, or one written by hand
        write_card_rows(gated.conn, "A001", MONTH, {"a_followups": "1.5"})
    gated.add_incident(Incident("A001", date(2026, 10, 3), "top-performer"))
    refusal(
        gated,
        lambda: gated.add_incident(Incident("A001", date(2026, 10, 9), "top-performer")),
        employee="A001",
        field="incident top-performer",
        reason="once a month",
    )


def test_a_laxer_copy_of_a_registered_scheme_is_not_the_judge(gated):
    """A script cannot bring its own numbers for a registered scheme past the gate."""
    lax = load_scheme("assistant-class")
    lax.params["ledger"]["adjustment"]["max"] = 50
    refusal(
        gated,
        lambda: gated.save_scorecard("A001", MONTH, {"adjustment": "40", "adjustment_reason": "x"}, 1, scheme=lax),
        employee="A001",
        field="adjustment",
        reason="expected -5..5",
    )
