"""A worker thread's answer to its screen, dropped once the screen is gone.

The TUI reads in threads (a team's traces, the roster's rows, a history, an import) and hands
each answer to the app's loop. The user may quit, or a dialog may close, while a read is on its
way; Textual then cancels the worker's task but not its thread, whose answer arrives at a screen
whose widgets are going or gone (``query_one`` fails), or at an app that no longer runs. Such an
answer has nobody to tell: it is dropped, never logged as a crash.
"""

from __future__ import annotations

from asyncio import CancelledError
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.app import App


def on_screen(node: DOMNode) -> bool:
    """``node`` still runs in a running app: attached and neither closing nor being removed.

    Textual keeps the last three as private flags (its own widgets test them the same way);
    ``is_attached`` alone is still true while a screen's children are being removed.
    """
    app = _app_of(node)
    return (
        app is not None and app.is_running and node.is_attached and not (node._closing or node._closed or node._pruning)
    )


def answer(node: DOMNode, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """From a worker thread: run ``callback(*args, **kwargs)`` on the app's loop, if ``node`` is
    still on screen by then (decided on the loop, where the screen's state changes)."""

    def if_on_screen() -> None:
        if on_screen(node):
            callback(*args, **kwargs)

    app = _app_of(node)
    if app is None:
        return
    try:
        app.call_from_thread(if_on_screen)
    except (RuntimeError, CancelledError):
        if app.is_running:
            raise  # the callback's own error: a defect to log
        # else the app ended meanwhile: Textual refused the call (its loop gone) or cancelled it


def notify(node: DOMNode, message: str, **kwargs: Any) -> None:
    """From a worker thread: a toast, shown by the app even if ``node`` (the screen that started
    the work) has closed since: the work was done and its outcome is told; dropped once the app
    has ended."""
    app = _app_of(node)
    if app is not None:
        answer(app, app.notify, message, **kwargs)


def _app_of(node: DOMNode) -> App | None:
    """``node``'s app; None once the node has left the app's DOM (in a worker's thread Textual
    finds the app through the node's parents, and says NoActiveAppError, a RuntimeError, when
    there are none)."""
    try:
        return node.app
    except RuntimeError:
        return None
