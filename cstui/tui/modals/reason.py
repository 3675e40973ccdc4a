"""A reason typed before an action that keeps one: a dispute, its answer, a close over open
disputes. ``dismiss(reason)`` on Enter, ``dismiss(None)`` on Esc."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cstui.tui.context import AppContext
from cstui.tui.i18n import register

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "reason.hint": ("the reason (kept and audited)", "原因（将被记录并审计）"),
        "reason.need": ("a reason is required", "必须填写原因"),
        "reason.keys": ("[b]Enter[/b] go on · [b]Esc[/b] cancel", "[b]回车[/b] 继续 · [b]Esc[/b] 取消"),
        "Cancel": ("Cancel", "取消"),
    }
)


class ReasonModal(ModalScreen[str | None]):
    """``required``: an empty reason is refused here; otherwise it is handed on (as ``""``) for
    the store to refuse with its own message (a close whose reason only the store can judge)."""

    CSS_PATH = CSS_FILE
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, ctx: AppContext, title: str, body: str, required: bool = True):
        super().__init__(classes="modal")
        self.ctx, self.title_text, self.body, self.required = ctx, title, body, required

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.body, id="reason-body", markup=False)
            yield Input(placeholder=t("reason.hint"), id="reason-text", compact=True)
            yield Static("", id="reason-error", classes="error", markup=False)
            yield Static(t("reason.keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#reason-text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason and self.required:
            self.query_one("#reason-error", Static).update(self.ctx.t("reason.need"))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
