"""Generic confirmation: says exactly what will change, then yes or no."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from cstui.tui.context import AppContext
from cstui.tui.i18n import register

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Confirm": ("Confirm", "确认"),
        "Cancel": ("Cancel", "取消"),
        "confirm.yes": ("Confirm", "确认"),
        "confirm.no": ("Cancel", "取消"),
        "confirm.keys": ("[b]y[/b]/Enter confirm · [b]n[/b]/Esc cancel", "[b]y[/b]/回车 确认 · [b]n[/b]/Esc 取消"),
    }
)


class ConfirmModal(ModalScreen[bool]):
    """``dismiss(True)`` when confirmed. ``message`` states what will change."""

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Confirm"),
        Binding("n,escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, ctx: AppContext, title: str, message: str):
        super().__init__(classes="modal")
        self.ctx, self.title_text, self.message = ctx, title, message

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.message, id="confirm-message", markup=False)
            yield Static(t("confirm.keys"), classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
