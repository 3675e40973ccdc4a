"""A supervisor's own scorecard (supervisor-kpi, seed 001 #7/#10/#18) at 80x24, in English and 中文."""

from __future__ import annotations

from datetime import date

import pytest

from cstui.domain import Employee
from cstui.store import Store
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from screens_support import screen_app

CARD = {
    "appearance_violations": "1",
    "complaints": "3",
    "complaint_lapses": "1",
    "team_average": "86.5",
    "suggestions": "80",
}


@pytest.fixture
def with_supervisor(company_db):
    """The seeded company plus S001 陈主管, a post-2 supervisor of 客服一组 with a filled October card."""
    with Store.open(company_db, login="admin") as store:
        store.add_employee(
            Employee(
                "S001", "陈主管", "客服一组", "supervisor", date(2020, 3, 1), scheme="supervisor-kpi", level="post-2"
            )
        )
        store.save_scorecard("S001", "2026-10", CARD, 0)
    return company_db


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_supervisor_scorecard(with_supervisor, snap_compare, lang):
    async def idle(pilot):
        await settle(pilot)

    app = screen_app(with_supervisor, lambda ctx: ScorecardScreen(ctx, "S001"), lang=lang)
    assert snap_compare(app, terminal_size=(80, 24), run_before=idle)


async def test_supervisor_scorecard_scores_the_team_line_and_the_allowance(with_supervisor):
    app = screen_app(with_supervisor, lambda ctx: ScorecardScreen(ctx, "S001"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.errors
        trace = str(app.screen.query_one("#live-trace").render())
        assert "86.5" in trace  # the team score line: above 85
