"""Employee history: the timeline, the decisions' traces, and a manual override by keys."""

from __future__ import annotations

from cstui.store import Store
from cstui.tui.modals.override import OverrideModal
from cstui.tui.screens.history import HistoryScreen, chart_points
from pilot_support import settle
from screens_support import screen_app


def history(company_db, employee_id, **kwargs):
    return screen_app(company_db, lambda ctx: HistoryScreen(ctx, employee_id), **kwargs)


async def test_selecting_a_decision_shows_its_trace(company_db):
    app = history(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        periods = [str(p) for p, _, _ in screen.story.decisions]
        assert periods[0] == "2026-10"
        promote = periods.index("2026-07")
        table = screen.query_one("#hist-decisions")
        table.focus()
        for _ in range(promote):
            await pilot.press("down")
        await settle(pilot)
        trace = str(screen.query_one("#hist-trace").render())
        assert "2026-07: promotion" in trace and "3-star → 4-star" in trace


async def test_manager_overrides_the_level_with_a_reason(company_db):
    app = history(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OverrideModal)
        await pilot.press("ctrl+s")  # no reason yet: refused
        assert "reason is required" in str(app.screen.query_one("#override-error").render())
        app.screen.query_one("#override-level").value = "5-star"
        app.screen.query_one("#override-reason").focus()
        await pilot.press(*"top of the region", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "top of the region" in str(app.screen.query_one("#hist-timeline").render())
        assert app.screen.current_level() == "5-star"
    with Store.open(company_db, login="admin", create=False) as store:
        [override] = store.overrides("E001")
    assert (override.level, str(override.period), override.reason) == ("5-star", "2026-10", "top of the region")


async def test_supervisor_cannot_override(company_db):
    app = history(company_db, "E001", login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)


def test_chart_plots_the_months_with_a_score_and_labels_every_month():
    from decimal import Decimal

    from cstui.domain import Period

    months = [Period.parse("2026-09"), Period.parse("2026-10"), Period.parse("2026-11")]
    xs, ys, labels = chart_points([(months[0], Decimal("50.5")), (months[1], None), (months[2], Decimal(100))])
    assert (xs, ys, labels) == ([0, 2], [50.5, 100.0], ["09", "10", "11"])  # a missing month leaves a gap
