"""Helpers the TUI tests import by name (a module called ``conftest`` is ambiguous
when several test folders have one)."""

from __future__ import annotations


async def settle(pilot, delay: float = 0.0) -> None:
    """Let debounce timers fire and thread workers finish, then let the screen repaint."""
    if delay:
        await pilot.pause(delay)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
