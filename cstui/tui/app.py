"""The TUI application: screens as modes, the current period, errors as notifications.

Modes keep their own screen stacks: 1 Roster, 2 Period board, 3 Schemes. The Scorecard and
Employee history are pushed on the Roster's stack (Enter / h) and Esc pops them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, TextArea

from cstui.clock import default_period
from cstui.domain import Period
from cstui.errors import exit_code_for
from cstui.store import Store
from cstui.tui.commands import ActionsProvider, binding_rows
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS, localize_bindings, user_message
from cstui.tui.i18n import lang_from_env, register
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.help import HelpScreen
from cstui.tui.screens.roster import RosterScreen
from cstui.tui.screens.schemes import SchemesScreen

register(
    {
        "Roster": ("Roster", "花名册"),
        "Board": ("Board", "考核看板"),
        "Schemes": ("Schemes", "方案"),
        "Prev period": ("Prev period", "上一期"),
        "Next period": ("Next period", "下一期"),
        "Help": ("Help", "帮助"),
        "Back": ("Back", "返回"),
        "Quit": ("Quit", "退出"),
        "Screens": ("Screens", "界面"),
        "Period": ("Period", "周期"),
        "app.subtitle": ("{period} · {login} ({role})", "{period} · {login}（{role}）"),
        "app.period": ("Period {period}", "考核周期 {period}"),
    }
)

MODE_KEYS = {"roster": "1", "board": "2", "schemes": "3"}
TYPING_ACTIONS = {"goto", "period", "help"}  # bound to keys a text field would type (1 2 3 [ ] ?)
SCREENS = Binding.Group("Screens", compact=True)
PERIOD = Binding.Group("Period", compact=True)


class PeriodChanged(Message):
    """Posted to the active screen after ``[`` / ``]`` moved ``app.ctx.period``."""

    def __init__(self, period: Period):
        super().__init__()
        self.period = period


class CstuiApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "cstui"
    COMMANDS = App.COMMANDS | {ActionsProvider}
    BINDINGS = [
        # grouped in the footer ("123 Screens", "[] Period") so they fit 80 columns
        Binding("1", "goto('roster')", "Roster", group=SCREENS),
        Binding("2", "goto('board')", "Board", group=SCREENS),
        Binding("3", "goto('schemes')", "Schemes", group=SCREENS),
        Binding("left_square_bracket", "period(-1)", "Prev period", key_display="[", group=PERIOD),
        Binding("right_square_bracket", "period(1)", "Next period", key_display="]", group=PERIOD),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("f1", "help_anywhere", "Help", key_display="F1"),  # where a text field takes "?"
        Binding("escape", "back", "Back", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        localize_bindings(self, ctx.t)
        self.add_mode("roster", lambda: self.localized(RosterScreen(ctx)))
        self.add_mode("board", lambda: self.localized(PeriodBoardScreen(ctx)))
        self.add_mode("schemes", lambda: self.localized(SchemesScreen(ctx)))

    def localized(self, screen: Screen) -> Screen:
        """Translate a screen's binding descriptions before it is shown."""
        localize_bindings(screen, self.ctx.t)
        screen._cstui_period = self.ctx.period
        return screen

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any):
        if isinstance(screen, Screen):
            self.localized(screen)
        return super().push_screen(screen, *args, **kwargs)

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self._show_subtitle()
        self.switch_mode("roster")

    def _show_subtitle(self) -> None:
        user = self.ctx.store.user
        self.sub_title = self.ctx.t("app.subtitle", period=self.ctx.period, login=user.login, role=user.role)

    # -- actions ------------------------------------------------------------------------------

    async def action_goto(self, mode: str) -> None:
        """1 2 3 always open the Roster, Board, Schemes themselves: a history or scorecard left
        open on that screen's stack is closed (one with unsaved changes stays, to be saved)."""
        await self.switch_mode(mode)
        while len(self.screen_stack) > 1 and not getattr(self.screen, "dirty", False):
            await self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # printable app keys type into a focused text field, so they are not claimed there
        # (footer, help, palette); F1 opens help from anywhere
        # (the command palette's own field does not count: it lists the screen's keys as they are)
        typing = isinstance(self.focused, (Input, TextArea)) and not isinstance(self.screen, CommandPalette)
        if action in TYPING_ACTIONS:
            return not typing
        if action == "help_anywhere":
            return typing
        return True

    def action_help_anywhere(self) -> None:
        self.action_help()

    def action_period(self, step: int) -> None:
        self.ctx.period = self.ctx.period.shift(step)
        self._show_subtitle()
        self.notify(self.ctx.t("app.period", period=self.ctx.period), timeout=1.5)
        self._tell_period(self.screen)

    def _screen_changed(self, screen: Screen) -> None:
        # a screen that was in the background when the period moved catches up when shown
        if getattr(screen, "_cstui_period", self.ctx.period) != self.ctx.period:
            self._tell_period(screen)

    def _tell_period(self, screen: Screen) -> None:
        screen._cstui_period = self.ctx.period
        screen.post_message(PeriodChanged(self.ctx.period))
        handler = getattr(screen, "on_period_changed", None)
        if callable(handler):
            try:
                handler()
            except USER_ERRORS as error:
                self.notify(user_message(error), severity="error")

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.ctx, binding_rows(self.screen)))

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    # -- errors: an action that fails tells the user and leaves the screen as it was -------------

    async def _dispatch_action(self, namespace: DOMNode, action_name: str, params: Any) -> bool:
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except USER_ERRORS as error:
            self.notify(user_message(error), severity="error", timeout=8)
            return True


def run(path: str | Path, lang: str | None = None, login: str | None = None) -> None:
    """Open the company database at ``path`` and run the TUI; errors end in one line and exit 1."""
    try:
        store = Store.open(path, login=login)
    except USER_ERRORS as error:
        for line in user_message(error).splitlines():
            print(f"cstui: {line}", file=sys.stderr)
        raise SystemExit(exit_code_for(error)) from None
    try:
        ctx = AppContext(store=store, period=default_period(), lang=lang_from_env(lang))
        CstuiApp(ctx).run()
    finally:
        store.close()
