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
    await _trace_read(pilot)


async def _trace_read(pilot, timeout_s: float = 10.0) -> None:
    """On a board, wait until the row's trace is read: its timer starts when the cursor rests,
    and on a loaded machine it can fire after the waits above (a snapshot then caught "reading…")."""
    waited = 0.0
    while getattr(pilot.app.screen, "trace_pending", False) and waited < timeout_s:
        await pilot.pause(0.05)
        waited += 0.05
    if waited:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
