"""A manual level placement (e.g. an outstanding agent placed higher), with a required reason."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from cstui.domain import Override, Period
from cstui.domain.period import PeriodError
from cstui.tui.context import AppContext
from cstui.tui.i18n import register

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Record": ("Record", "记录"),
        "Cancel": ("Cancel", "取消"),
        "override.title": ("Place {who} on a level by hand", "手动调整 {who} 的级别"),
        "override.current": ("Now: {level}", "当前：{level}"),
        "override.level": ("Level", "级别"),
        "override.from": ("From month", "生效月份"),
        "override.reason": ("Reason", "原因"),
        "override.reason_hint": ("required: why this placement", "必填：调整原因"),
        "override.keys": ("[b]ctrl+s[/b] record · [b]Esc[/b] cancel", "[b]ctrl+s[/b] 记录 · [b]Esc[/b] 取消"),
        "override.need_reason": ("a reason is required", "必须填写原因"),
        "override.need_month": ("From month: expected a month such as 2026-10", "生效月份：应为月份，如 2026-10"),
        "override.need_level": ("pick a level", "请选择级别"),
        "override.closed": (
            "{month} is closed: its results stand as recorded; a manager reopens it first",
            "{month} 已关闭：其结果按已记录的为准；请经理先重新打开该周期",
        ),
    }
)


class OverrideModal(ModalScreen[Override | None]):
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("ctrl+s", "record", "Record"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        ctx: AppContext,
        employee_id: str,
        who: str,
        levels: list[tuple[str, str]],
        current: str | None,
        month: Period,
    ):
        """``levels`` = (key, label) lowest first; ``current`` = the level now."""
        super().__init__(classes="modal")
        self.ctx, self.employee_id, self.who = ctx, employee_id, who
        self.levels, self.current, self.month = levels, current, month

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        current = dict(self.levels).get(self.current or "", self.current or "-")
        options = [(option_text(key, label), key) for key, label in self.levels]
        with Vertical(classes="dialog", id="override-dialog"):
            yield Static(t("override.title", who=self.who), classes="dialog-title", markup=False)
            yield Static(t("override.current", level=current), markup=False)
            with Grid(id="override-form"):
                yield Label(t("override.level"))
                value = self.current if self.current in dict(self.levels) else Select.NULL
                yield Select(options, value=value, id="override-level", compact=True, prompt=t("override.need_level"))
                yield Label(t("override.from"))
                yield Input(str(self.month), id="override-month", compact=True)
                yield Label(t("override.reason"))
                yield Input(placeholder=t("override.reason_hint"), id="override-reason", compact=True)
            yield Static("", id="override-error", classes="error", markup=False)
            yield Static(t("override.keys"), classes="dialog-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "override-reason":
            self.action_record()
        else:
            self.focus_next()

    def action_record(self) -> None:
        t = self.ctx.t
        error = self.query_one("#override-error", Static)
        level = self.query_one("#override-level", Select).value
        if level is Select.NULL or level is None:
            error.update(t("override.need_level"))
            return
        try:
            month = Period.parse(self.query_one("#override-month", Input).value)
        except PeriodError:
            month = None
        if month is None or not month.is_month:
            error.update(t("override.need_month"))
            return
        if self.ctx.store.period_status(month) == "closed":  # the store refuses it too; say so here
            error.update(t("override.closed", month=month))
            return
        reason = self.query_one("#override-reason", Input).value.strip()
        if not reason:
            error.update(t("override.need_reason"))
            return
        self.dismiss(Override(self.employee_id, month, str(level), reason, self.ctx.store.login))

    def action_cancel(self) -> None:
        self.dismiss(None)


def option_text(key: str, label: str) -> str:
    """A level as the picker lists it: its label, with the key only where the label does not say it
    (``Senior agent (5-star)``, ``初级 (junior)``)."""
    return label if key.lower() in label.lower() else f"{label} ({key})"
