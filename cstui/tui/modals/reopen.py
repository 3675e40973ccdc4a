"""Reopen a closed period: the reason is required (it is kept with the period and audited)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cstui.domain import Period
from cstui.tui.context import AppContext
from cstui.tui.i18n import register

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "reopen.title": ("Reopen {period}", "重新打开 {period}"),
        "reopen.body": (
            "Scorecards, incidents and results of {period} become editable again; the reason is kept.",
            "{period} 的考核表、奖惩记录和结果将重新可以修改；原因会被记录。",
        ),
        "reopen.reason_hint": ("required: why reopen", "必填：重新打开的原因"),
        "reopen.need_reason": ("a reason is required", "必须填写原因"),
        "reopen.keys": ("[b]Enter[/b] reopen · [b]Esc[/b] cancel", "[b]回车[/b] 重新打开 · [b]Esc[/b] 取消"),
        "Cancel": ("Cancel", "取消"),
    }
)


class ReopenModal(ModalScreen[str | None]):
    """``dismiss(reason)`` when confirmed with a reason, ``dismiss(None)`` on Esc."""

    CSS_PATH = CSS_FILE
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, ctx: AppContext, period: Period):
        super().__init__(classes="modal")
        self.ctx, self.period = ctx, period

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        with Vertical(classes="dialog"):
            yield Static(t("reopen.title", period=self.period), classes="dialog-title", markup=False)
            yield Static(t("reopen.body", period=self.period), markup=False)
            yield Input(placeholder=t("reopen.reason_hint"), id="reopen-reason", compact=True)
            yield Static("", id="reopen-error", classes="error", markup=False)
            yield Static(t("reopen.keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#reopen-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.query_one("#reopen-error", Static).update(self.ctx.t("reopen.need_reason"))
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
