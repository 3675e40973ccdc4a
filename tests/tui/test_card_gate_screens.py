"""The card gate in the TUI: a save the scheme refuses, and a refused stored card on the board.

A supervisor sees the reason beside each field and nothing is saved; a card stored by an
older version (or by hand) is listed first on the board with its reason, opens with Enter,
and blocks Apply until it is corrected.
"""

from __future__ import annotations

from cstui.store import Store
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.scorecard import ScorecardScreen
from gate_support import write_values_text_behind_the_gate
from pilot_support import settle
from screens_support import screen_app


def stored(company_db, employee_id, month="2026-10"):
    with Store.open(company_db, login="admin", create=False) as store:
        return store.scorecard(employee_id, month)


def break_card(company_db, employee_id="E001", values='{"sales_actual": "62500", "sales_target": "0"}'):
    """A card no current cstui would accept, written behind its back."""
    write_values_text_behind_the_gate(company_db, employee_id, "2026-10", values)


def field_error(screen, key: str) -> str:
    return str(screen.query_one(f"#e-{key}").render())


async def test_a_required_value_emptied_is_refused_beside_the_field(company_db):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E001"))
    before = stored(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+u", "ctrl+s")  # the first field, sales target, emptied
        await settle(pilot)
        assert "required" in field_error(app.screen, "sales_target")
        assert app.screen.dirty
        assert any("Sales target" in n.message for n in app._notifications)
    assert stored(company_db, "E001").values == before.values


async def test_a_target_of_zero_is_refused_with_the_schemes_reason(company_db):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E001"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+u", "0")
        await settle(pilot)
        assert "expected a target above 0" in field_error(app.screen, "sales_target")  # shown while typing
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert stored(company_db, "E001").values["sales_target"] != "0"


async def test_an_adjustment_without_a_reason_is_refused_on_the_reason_field(company_db):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E002"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+u", "3", "tab", "ctrl+u", "ctrl+s")  # adjustment 3, reason emptied
        await settle(pilot)
        assert "needs a reason" in field_error(app.screen, "adjustment_reason")
    assert stored(company_db, "E002").values["adjustment_reason"] == "月度表现"


async def test_the_board_lists_a_refused_card_first_and_opens_it(company_db):
    break_card(company_db)
    app = screen_app(company_db, PeriodBoardScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v", "v", "v")  # star-levels, one scheme at a time
        await settle(pilot)
        first = app.screen.visible_rows()[0]
        assert (first.employee_id, first.decision) == ("E001", "invalid")
        assert "invalid-scorecard 2026-10: sales_target: expected a target above 0" in " ".join(first.flags)
        stars = {
            r.employee_id: r.rank
            for r in app.screen.visible_rows()
            if r.team == "客服一组" and r.scheme == "star-levels"
        }
        assert stars == {"E001": None, "E004": 1}  # the rest of the team graded and ranked without E001
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen) and app.screen.employee_id == "E001"
        assert "expected a target above 0" in field_error(app.screen, "sales_target")


async def test_apply_says_how_many_cards_are_refused_and_records_nothing(company_db):
    break_card(company_db)
    break_card(
        company_db,
        "E101",
        '{"follow_up_rate": "62", "satisfaction": "0.9", "handling": "80", "training": "80", "attendance": "1"}',
    )
    app = screen_app(company_db, PeriodBoardScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert any("2 scorecard(s)" in n.message for n in app._notifications)
    with Store.open(company_db, login="admin", create=False) as store:
        assert store.results("2026-10") == []


def test_board_with_a_refused_card(company_db, snap_compare):
    break_card(company_db)

    async def on_star_levels(pilot):
        await settle(pilot)
        await pilot.press("v", "v", "v")
        await settle(pilot)

    assert snap_compare(screen_app(company_db, PeriodBoardScreen), terminal_size=(80, 24), run_before=on_star_levels)


def test_scorecard_save_refused(company_db, snap_compare):
    async def empty_and_save(pilot):
        await settle(pilot)
        await pilot.press("ctrl+u", "ctrl+s")
        await settle(pilot)

    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E001"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=empty_and_save)
