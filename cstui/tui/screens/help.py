"""``?``: every key of the current screen and of the app, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cstui.tui.commands import BindingRow
from cstui.tui.context import AppContext
from cstui.tui.i18n import register

register(
    {
        "help.title": ("Keys", "按键"),
        "help.key": ("Key", "键"),
        "help.does": ("Does", "作用"),
        "help.unavailable": ("(not available here)", "（此处不可用）"),
        "help.close": (
            "Esc or ? closes · F1 opens help anywhere · ctrl+p finds any command",
            "Esc 或 ? 关闭 · F1 随处打开帮助 · ctrl+p 查找任意命令",
        ),
        "Close": ("Close", "关闭"),
    }
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q,f1", "dismiss", "Close")]

    def __init__(self, ctx: AppContext, rows: list[BindingRow]):
        super().__init__()
        self.ctx = ctx
        self.rows = rows

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        with Vertical(id="help-box"):
            yield Static(t("help.title"), classes="modal-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(self._table(), id="help-table")
            yield Static(t("help.close"), classes="hint")

    def _table(self) -> Table:
        t = self.ctx.t
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=True)
        table.add_column(t("help.key"), no_wrap=True)
        table.add_column(t("help.does"), ratio=1)
        for row in self.rows:
            does = Text(row.description)
            if not row.enabled:
                does.append(" " + t("help.unavailable"), style="dim")
            table.add_row(Text(row.key, style="bold"), does)
        return table
