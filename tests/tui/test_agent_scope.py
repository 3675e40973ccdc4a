"""An agent in the TUI: the one screen they reach shows their own employee only, and nothing
crashes (the crash-log check of conftest fails the test on an unexpected error)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cstui.store import Store
from pilot_support import settle


@pytest.fixture
def agent_db(company_db):
    """zhang.wei is the roster login of E001 (张伟, 客服一组) and an agent."""
    with Store.open(company_db, login="admin") as store:
        e = store.employee("E001")
        store.update_employee(replace(e, login="zhang.wei"), e.version)
        store.add_user("zhang.wei", "agent")
    return company_db


async def test_an_agent_sees_only_themselves_on_every_screen(make_app, agent_db):
    """The app opens on the agent's own screen; the keys of the other screens take them nowhere."""
    from cstui.tui.screens.agent import AgentScreen

    app = make_app(login="zhang.wei")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("2", "3", "1", "4", "5"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, AgentScreen), key
            shown = app.export_screenshot()
            assert not any(colleague in shown for colleague in ("王芳", "李娜", "E002", "E101", "E201")), key
        assert "E001" in shown
