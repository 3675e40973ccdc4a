"""Errors a TUI user sees as a notification, and binding descriptions in the user's language.

Shared by every screen: ``USER_ERRORS`` are the failures an action may meet (a refused
write, a bad value, a locked or read-only database); they become one red toast, never a
traceback, and the screen keeps what the user typed.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable

from cstui.errors import CstuiError
from cstui.io.localize import user_message  # noqa: F401 (the TUI's name for the one renderer of errors)

# Every cstui error meant for a person (cstui.errors.CstuiError: the same classes the command
# line gives a documented exit code), and the two outside kinds an action may meet that are
# not cstui's to wrap: SQLite's own ("database is locked", "attempt to write a readonly
# database", corrupt) and the operating system's (an unreadable import file, a read-only
# directory). Anything else (a plugin's code failing included) is unexpected: logged.
USER_ERRORS: tuple[type[BaseException], ...] = (CstuiError, sqlite3.DatabaseError, OSError)


def localize_bindings(node: object, t: Callable[[str], str]) -> None:
    """Translate the descriptions of ``node``'s own bindings (footer, help, palette) in place.

    Textual keeps the merged bindings of a node in ``_bindings``; descriptions are English
    i18n keys, so each is replaced by ``t(description)``.
    """
    bindings_map = getattr(node, "_bindings", None)
    if bindings_map is None or getattr(node, "_cstui_localized", False):
        return
    for key, bindings in bindings_map.key_to_bindings.items():
        bindings_map.key_to_bindings[key] = [_localized(b, t) if b.description else b for b in bindings]
    node._cstui_localized = True


def _localized(binding, t: Callable[[str], str]):
    group = binding.group
    if group is not None:  # the footer's label of grouped keys ("123 Screens")
        group = dataclasses.replace(group, description=t(group.description))
    return dataclasses.replace(binding, description=t(binding.description), group=group)


def keep_message_loops_alive() -> None:
    """Make an error in a message handler end that message, not the widget's message loop.

    Textual 8.2 stops a widget's (or screen's) message loop at the first exception in one of its
    handlers and then calls ``App._handle_exception``: the screen would stay on view but ignore
    every later message. Wrapping ``MessagePump._dispatch_message`` hands the error to the app
    instead (``app.recover_from(error)``), so the loop goes on with the next message. Only apps
    that define ``recover_from`` are affected, and only while it says the error was handled
    (otherwise Textual's own path runs). Pinned with textual<8.3; tests/tui/test_crash_guard.py
    covers it.
    """
    from textual.message_pump import MessagePump

    original = MessagePump._dispatch_message
    if getattr(original, "_cstui_guarded", False):
        return

    async def dispatch_message(self, message):
        try:
            await original(self, message)
        except Exception as error:
            if not _recovered(self, error):
                raise

    dispatch_message._cstui_guarded = True
    MessagePump._dispatch_message = dispatch_message


def _recovered(pump, error: Exception) -> bool:
    try:
        app = pump.app
    except Exception:  # a pump outside any running app: Textual's own handling
        return False
    recover_from = getattr(app, "recover_from", None)
    return bool(recover_from is not None and recover_from(error))
