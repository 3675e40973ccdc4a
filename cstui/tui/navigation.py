"""Screens by name: how one screen opens another without importing it.

A screen module never imports another screen module (an import-linter contract in
pyproject.toml, checked by tests/test_import_contracts.py): what screens share lives in the
core (cstui.grading, cstui.story) or in TUI helpers (cstui.tui.shown, widgets, modals), and a
screen opens another by its name here, e.g. ``self.app.push_screen(make_screen(self.ctx,
"history", employee_id))``. The module is imported when the screen is first opened.
"""

from __future__ import annotations

from importlib import import_module

from textual.screen import Screen

from cstui.tui.context import AppContext

# name -> (module, class); each is built as Class(ctx, *args, **kwargs)
SCREENS = {
    "roster": ("cstui.tui.screens.roster", "RosterScreen"),
    "board": ("cstui.tui.screens.board", "PeriodBoardScreen"),
    "schemes": ("cstui.tui.screens.schemes", "SchemesScreen"),
    "scorecard": ("cstui.tui.screens.scorecard", "ScorecardScreen"),
    "history": ("cstui.tui.screens.history", "HistoryScreen"),
    "calibration": ("cstui.tui.screens.calibration", "CalibrationScreen"),
    "audit": ("cstui.tui.screens.audit", "AuditScreen"),
    "card-history": ("cstui.tui.screens.audit", "CardHistoryModal"),
    "whatif": ("cstui.tui.screens.whatif", "WhatIfScreen"),
    "whatif-ask": ("cstui.tui.screens.whatif", "WhatIfModal"),
    "agent": ("cstui.tui.screens.agent", "AgentScreen"),
    "disputes": ("cstui.tui.screens.disputes", "DisputesScreen"),
}


def screen_class(name: str) -> type[Screen]:
    """The class of the screen called ``name`` (KeyError for an unknown name: a bug)."""
    module, cls = SCREENS[name]
    return getattr(import_module(module), cls)


def make_screen(ctx: AppContext, name: str, *args, **kwargs) -> Screen:
    """A screen ``name`` for ``ctx``, ready to push: new, or one the screen's class keeps from
    its last opening (its ``reopen``: composing a screen is most of what opening it costs)."""
    cls = screen_class(name)
    reopen = getattr(cls, "reopen", None)
    return reopen(ctx, *args, **kwargs) if reopen is not None else cls(ctx, *args, **kwargs)
