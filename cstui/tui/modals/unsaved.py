"""Leaving a scorecard with unsaved changes: save, discard or stay."""

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
        "Save": ("Save", "保存"),
        "Discard": ("Discard", "放弃"),
        "Stay": ("Stay", "留下"),
        "unsaved.title": ("Unsaved changes", "有未保存的修改"),
        "unsaved.body": (
            "The scorecard of {who} for {month} has changes that are not saved:\n{fields}",
            "{who} 在 {month} 的考核表有未保存的修改：\n{fields}",
        ),
        "unsaved.keys": (
            "[b]s[/b] save · [b]d[/b] discard changes · [b]Esc[/b] stay",
            "[b]s[/b] 保存 · [b]d[/b] 放弃修改 · [b]Esc[/b] 留在此页",
        ),
    }
)


class UnsavedModal(ModalScreen[str]):
    """Dismisses with ``"save"``, ``"discard"`` or ``"stay"``."""

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("s", "choose('save')", "Save"),
        Binding("d", "choose('discard')", "Discard"),
        Binding("escape", "choose('stay')", "Stay"),
    ]

    def __init__(self, ctx: AppContext, who: str, month: str, fields: list[str]):
        super().__init__(classes="modal")
        self.ctx, self.who, self.month, self.fields = ctx, who, month, fields

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        fields = ", ".join(self.fields)
        with Vertical(classes="dialog"):
            yield Static(t("unsaved.title"), classes="dialog-title")
            yield Static(t("unsaved.body", who=self.who, month=self.month, fields=fields), markup=False)
            yield Static(t("unsaved.keys"), classes="dialog-keys")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
