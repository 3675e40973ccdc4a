"""The bulk write paths made fast for 100,000-row imports keep every rule (behaviour, not timing).

Batches above the store's IN-list limit (500 ids) take the JSON-parameter look-ups, so most
tests here use 600 employees.
"""

import pytest

from cstui.domain import Period
from cstui.io.imports import import_scorecards
from cstui.schemes import load_scheme
from cstui.store import AccessDenied, NotFound, PeriodClosed, StoreError
from cstui.store.card_rows import card as stored_card_rows
from cstui.store.cards import clean_values
from scheme_cards import five_card

MANY = 600


@pytest.fixture
def big(store, new_employee):
    """``store`` plus employees B0000..B0599 on T1 (star-levels); returns their ids."""
    ids = [f"B{n:04d}" for n in range(MANY)]
    store.import_roster([new_employee(id, "T1") for id in ids])
    return ids


def card_rows(ids, month="2026-10", actual="90"):
    return [(id, month, {"sales_target": "100", "sales_actual": actual}) for id in ids]


def five_tier_rows(ids, month="2026-10"):
    """Cards of the fixture's five-tier employees (2001, 2002 on T2)."""
    return [(id, month, five_card()) for id in ids]


def audit_rows(store) -> list[dict]:
    return store.audit_log(limit=None, entity="scorecards")


def stored_card(store, id, month):
    return stored_card_rows(store.conn, id, month)  # (values, version, updated_by, updated_at)


def test_each_changed_card_gets_one_audit_row_stamped_like_the_card(store, big):
    assert store.save_scorecards(card_rows(big)) == (MANY, 0, 0)
    audits = audit_rows(store)
    assert len(audits) == MANY
    by_key = {a["key"]: a for a in audits}
    first = by_key["B0000/2026-10"]
    assert first["action"] == "import" and first["who"] == "alice"
    assert first["before"] is None and first["after"] == {"sales_actual": "90", "sales_target": "100"}
    _, version, who, when = stored_card(store, "B0000", "2026-10")
    assert (version, who, when) == (1, "alice", first["at"])

    changed = card_rows(big[:3], actual="95") + card_rows(big[3:])
    assert store.save_scorecards(changed) == (0, 3, MANY - 3)
    newest = audit_rows(store)[:3]
    assert sorted(a["key"] for a in newest) == ["B0000/2026-10", "B0001/2026-10", "B0002/2026-10"]
    assert all(a["before"]["sales_actual"] == "90" and a["after"]["sales_actual"] == "95" for a in newest)
    assert len(audit_rows(store)) == MANY + 3
    assert store.scorecard("B0001", "2026-10").version == 2


def test_reimport_writes_and_audits_nothing(store, big):
    store.save_scorecards(card_rows(big) + card_rows(big, month="2026-11"))
    audits, versions = len(store.audit_log(limit=None)), stored_card(store, "B0599", "2026-11")
    assert store.save_scorecards(card_rows(big, month="2026-11") + card_rows(big)) == (0, 0, 2 * MANY)
    assert len(store.audit_log(limit=None)) == audits
    assert stored_card(store, "B0599", "2026-11") == versions


def test_values_another_tool_wrote_without_their_numbers_count_as_unchanged(store, big):
    store.save_scorecards(card_rows(big))
    with store.write():  # as another tool might have written them: fields in another order, no units
        store.conn.execute("DELETE FROM scorecard_values WHERE employee_id = 'B0007' AND period = '2026-10'")
        for metric, value in (("sales_target", "100"), ("sales_actual", "90")):
            store.conn.execute(
                "INSERT INTO scorecard_values (period, employee_id, metric, value) VALUES ('2026-10', 'B0007', ?, ?)",
                (metric, value),
            )
    assert store.save_scorecards(card_rows(big)) == (0, 0, MANY)


def test_unknown_employee_far_down_a_big_batch_is_named_and_nothing_is_written(store, big):
    rows = card_rows(big[:549]) + card_rows(["nobody"]) + card_rows(big[549:])
    audits = len(store.audit_log(limit=None))
    with pytest.raises(NotFound, match="row 550: no employee 'nobody'"):
        store.save_scorecards(rows)
    assert store.scorecard("B0000", "2026-10").version == 0
    assert len(store.audit_log(limit=None)) == audits


def test_closed_month_or_quarter_is_refused_naming_the_first_row(store, big):
    store.close_period("2026-10")
    rows = card_rows(big[:10], month="2026-09") + card_rows(big, month="2026-10")
    with pytest.raises(PeriodClosed, match="row 11: scorecard B0000/2026-10: period 2026-10 is closed"):
        store.save_scorecards(rows)
    assert store.scorecard("B0000", "2026-09").version == 0
    store.close_period("2026-Q3")
    with pytest.raises(PeriodClosed, match="row 1: scorecard B0000/2026-08: period 2026-Q3 is closed"):
        store.save_scorecards(card_rows(big, month="2026-08"))


def test_out_of_scope_team_is_refused_for_every_row_not_just_the_first(store, big, open_as):
    store.add_user("sue", "supervisor", ["T2"])
    sue = open_as("sue")
    rows = five_tier_rows(["2001", "2002"]) + card_rows(big)  # T2 rows first, then T1
    with pytest.raises(AccessDenied, match="employee B0000 of team T1.*may only change teams T2"):
        sue.save_scorecards(rows)
    assert store.scorecard("2001", "2026-10").version == 0
    assert sue.save_scorecards(five_tier_rows(["2001", "2002"])) == (2, 0, 0)


def test_viewer_may_not_bulk_save(store, big, open_as):
    store.add_user("vic", "viewer")
    with pytest.raises(AccessDenied, match="is a viewer"):
        open_as("vic").save_scorecards(card_rows(big))


def test_month_given_as_period_or_text_is_one_card(store, big):
    rows = card_rows(big[:5]) + card_rows(big[:1], month=Period.parse("2026-10"), actual="1")
    with pytest.raises(StoreError, match="row 6: scorecard B0000/2026-10 appears twice \\(also row 1\\)"):
        store.save_scorecards(rows)
    with pytest.raises(StoreError, match="row 2: .*not a quarter"):
        store.save_scorecards(card_rows(big[:1], month="2026-09") + card_rows(big[1:2], month="2026-Q3"))


def test_clean_values_keeps_its_rules():
    assert clean_values({"b": "2", "a": "1", "c": "", "d": None, "e": 7}) == {"a": "1", "b": "2", "e": "7"}
    assert list(clean_values({"b": "2", "a": "1"})) == ["a", "b"]
    for bad, message in (({" ": "1"}, "non-empty text"), ({1: "1"}, "non-empty text"), ({"r": 0.5}, "got float")):
        with pytest.raises(StoreError, match=message):
            clean_values(bad, "row 3: ")


def test_scheme_members_is_ids_and_teams_scoped_like_employees(store, big, open_as):
    members = store.scheme_members("star-levels")
    assert members == {e.id: e.team for e in store.employees(scheme="star-levels")}
    assert members["1001"] == "T1" and "2001" not in members
    assert store.scheme_members("five-tier") == {"2001": "T2", "2002": "T2"}
    store.add_user("sue", "supervisor", ["T2"])
    assert open_as("sue").scheme_members("star-levels") == {}
    assert store.scheme_members("no-such-scheme") == {}


def test_month_values_reads_one_months_cards_scoped(store, big, open_as):
    store.save_scorecards(
        card_rows(big[:2]) + five_tier_rows(["2001"]) + card_rows(big[:1], month="2026-11", actual="7")
    )
    assert store.month_values("2026-10", [big[0], big[1], big[2], "2001"]) == {
        big[0]: {"sales_actual": "90", "sales_target": "100"},
        big[1]: {"sales_actual": "90", "sales_target": "100"},
        "2001": five_card(),
    }
    assert store.month_values(Period.parse("2026-11"), big) == {big[0]: {"sales_actual": "7", "sales_target": "100"}}
    store.add_user("sue", "supervisor", ["T2"])
    assert list(open_as("sue").month_values("2026-10", [big[0], "2001"])) == ["2001"]


def test_partial_import_keeps_stored_metrics_of_every_card(store, new_employee, tmp_path):
    ids = [f"A{n:04d}" for n in range(MANY)]
    store.import_roster([new_employee(id, "T1", scheme="assistant-class") for id in ids])
    stored = {"adjustment": "2", "adjustment_reason": "night cover", "a_followups": "5"}
    store.save_scorecards([(id, "2026-10", stored) for id in ids])
    path = tmp_path / "followups.csv"
    path.write_text("employee_id,a_followups,b_followups\n" + "".join(f"{id},12,14\n" for id in ids), encoding="utf-8")
    scheme = load_scheme("assistant-class")
    summary = import_scorecards(store, path, Period.parse("2026-10"), scheme)
    assert summary.endswith(f"0 new, {MANY:,} updated, 0 unchanged")
    assert store.scorecard(ids[-1], "2026-10").values == {
        "a_followups": "12",
        "adjustment": "2",
        "adjustment_reason": "night cover",
        "b_followups": "14",
    }
    again = import_scorecards(store, path, Period.parse("2026-10"), scheme)
    assert again.endswith(f"0 new, 0 updated, {MANY:,} unchanged")


def test_import_names_an_employee_not_on_the_scheme(store, big, tmp_path):
    from cstui.errors import InvalidData

    path = tmp_path / "cards.csv"
    path.write_text("employee_id,sales_target,sales_actual\nB0001,100,90\n2001,100,90\nghost,1,1\n", encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        import_scorecards(store, path, Period.parse("2026-10"), load_scheme("star-levels"))
    text = "\n".join(caught.value.lines)
    assert "cards.csv:3:employee_id: employee 2001 is on scheme five-tier, not star-levels" in text
    assert "cards.csv:4:employee_id: unknown employee 'ghost'" in text
    assert store.scorecard("B0001", "2026-10").version == 0
