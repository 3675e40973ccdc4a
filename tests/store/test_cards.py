from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Incident, Override, Period
from cstui.store import NotFound, StoreError
from scheme_cards import assistant_card, star_card


def audit_count(store) -> int:
    return len(store.audit_log(limit=None))


def test_save_scorecards_is_idempotent(store):
    rows = [
        (e, m, {"sales_target": "1000", "sales_actual": f"{e}.5"})
        for e in ("1001", "1002")
        for m in ("2026-09", "2026-10")
    ]
    assert store.save_scorecards(rows) == (4, 0, 0)
    audits = audit_count(store)
    assert store.save_scorecards(rows) == (0, 0, 4)
    assert audit_count(store) == audits  # no write, no audit
    rows[0] = ("1001", "2026-09", {"sales_target": "1000", "sales_actual": "1"})
    assert store.save_scorecards(rows) == (0, 1, 3)
    card = store.scorecard("1001", "2026-09")
    assert card.values == {"sales_target": "1000", "sales_actual": "1"} and card.version == 2
    assert store.audit_log(limit=1)[0]["before"]["sales_actual"] == "1001.5"


def test_save_scorecards_rejects_bad_rows_naming_them(store):
    with pytest.raises(NotFound, match="row 2: no employee '9999'"):
        store.save_scorecards([("1001", "2026-10", star_card()), ("9999", "2026-10", star_card())])
    with pytest.raises(StoreError, match="row 1: .*month"):
        store.save_scorecards([("1001", "2026-Q4", star_card())])
    with pytest.raises(StoreError, match="row 2: scorecard 1001/2026-10 appears twice"):
        store.save_scorecards([("1001", "2026-10", star_card()), ("1001", Period.parse("2026-10"), star_card())])
    with pytest.raises(StoreError, match="'rate': store the text as typed, got float"):
        store.save_scorecards([("1001", "2026-10", {"rate": 0.62})])
    assert store.scorecard("1001", "2026-10").version == 0


def test_incidents_soft_delete_and_restore(store, assistants):
    a = assistants[0]
    inc = store.add_incident(Incident(a, date(2026, 10, 3), "late", points=Decimal("-3"), note="迟到"))
    other = store.add_incident(Incident(a, date(2026, 10, 1), "cover-shift"))
    assert inc.id and inc.recorded_by == "alice"
    assert [i.code for i in store.incidents(a, "2026-10")] == ["cover-shift", "late"]  # by date
    store.delete_incident(inc.id)
    assert store.incidents(a, "2026-10") == [other]
    assert [i.id for i in store.incidents(a, "2026-10", include_deleted=True)] == [other.id, inc.id]
    assert store.audit_log(limit=1)[0]["action"] == "delete"
    store.restore_incident(inc.id)
    restored = [i for i in store.incidents(a, "2026-10") if i.id == inc.id][0]
    assert restored.points == Decimal("-3") and restored.note == "迟到"
    assert [a["action"] for a in store.audit_log(entity="incidents", key=str(inc.id))] == ["restore", "delete", "add"]
    with pytest.raises(NotFound):
        store.delete_incident(12345)


def test_add_incidents_is_one_transaction(store, assistants):
    a = assistants[0]
    with pytest.raises(StoreError, match="row 2: .*count must be"):
        store.add_incidents([Incident(a, date(2026, 10, 3), "late"), Incident(a, date(2026, 10, 4), "late", count=0)])
    assert store.incidents(a, "2026-10") == []


def test_scorecard_carries_values_incidents_and_version(store, assistants):
    a = assistants[0]
    assert store.scorecard(a, "2026-10").version == 0
    store.save_scorecard(a, "2026-10", {"adjustment": "2", "adjustment_reason": "covered the hotline"}, 0)
    store.add_incident(Incident(a, date(2026, 10, 3), "late"))
    card = store.scorecard(a, Period.parse("2026-10"))
    assert card.values == {"adjustment": "2", "adjustment_reason": "covered the hotline"} and card.version == 1
    assert [i.code for i in card.incidents] == ["late"]


def test_team_histories_streams_teams_with_cards_up_to_the_period(store, assistants):
    # assistant-class: the built-in scheme whose cards may carry incidents
    a1, a2, a3 = assistants
    store.save_scorecards([(a1, m, assistant_card(m[-2:])) for m in ("2026-07", "2026-08", "2026-10", "2026-11")])
    store.add_incident(Incident(a2, date(2026, 9, 15), "late"))
    store.add_incident(Incident(a2, date(2026, 9, 16), "absent"))
    gone = store.add_incident(Incident(a3, date(2026, 9, 16), "absent"))
    store.delete_incident(gone.id)
    store.add_override(Override(a1, Period.parse("2026-08"), "class-2", "outstanding", ""))
    histories = list(store.team_histories("assistant-class", Period.parse("2026-Q3")))
    assert [h.team for h in histories] == ["T1"]
    (t1,) = histories
    assert [e.id for e in t1.employees] == [a1, a2, a3]
    assert [str(m) for m in t1.cards[a1]] == ["2026-07", "2026-08"]
    assert t1.cards[a1][Period.parse("2026-08")].values == assistant_card("08")
    incident_card = t1.cards[a2][Period.parse("2026-09")]
    assert incident_card.values == {} and [i.code for i in incident_card.incidents] == ["late", "absent"]
    assert t1.cards[a3] == {}
    assert [o.level for o in t1.overrides[a1]] == ["class-2"]
    until_nov = next(store.team_histories("assistant-class", Period.parse("2026-11"), teams=["T1"]))
    assert [str(m) for m in until_nov.cards[a1]] == ["2026-07", "2026-08", "2026-10", "2026-11"]
    assert [h.team for h in store.team_histories("five-tier", Period.parse("2026-11"))] == ["T2"]
    (stars,) = store.team_histories("star-levels", Period.parse("2026-11"))
    assert [e.id for e in stars.employees] == ["1001", "1002", "1003"]  # a team's members of that scheme only


# Valid assistant-class cards (every field optional): counts as typed, "" for a cell left
# empty (not stored), and an adjustment always with its reason.
COUNT_FIELDS = ("a_followups", "b_followups", "a_reports", "b_reports", "suggestions")
count_text = st.one_of(st.just(""), st.integers(0, 10**6).map(str), st.integers(0, 999).map(lambda n: f" {n} "))
adjustment = st.one_of(
    st.just({}),
    st.builds(
        lambda points, reason: {"adjustment": str(points), "adjustment_reason": reason},
        st.integers(-5, 5),
        st.text(min_size=1, max_size=10).filter(str.strip),
    ),
)
values_strategy = st.builds(
    lambda counts, adjusted: {**counts, **adjusted},
    st.fixed_dictionaries({}, optional={key: count_text for key in COUNT_FIELDS}),
    adjustment,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=values_strategy, second=values_strategy)
def test_saving_twice_stores_the_last_values_and_repeats_are_no_ops(store, assistants, first, second):
    month, a = "2026-10", assistants[0]
    store.save_scorecards([(a, month, first)])
    store.save_scorecards([(a, month, second)])
    expected = {k: v for k, v in second.items() if v != ""}
    card = store.scorecard(a, month)
    assert card.values == expected
    assert store.save_scorecards([(a, month, second)]) == (0, 0, 1)
