"""Someone else saved the scorecard first: who and when; reload theirs, or compare side by side.

Nothing is ever overwritten from here: "keep mine" only takes their version number, so the
next explicit save replaces their values knowingly.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from cstui.tui.context import AppContext
from cstui.tui.i18n import register

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Reload theirs": ("Reload theirs", "载入对方版本"),
        "Compare": ("Compare", "对比"),
        "Keep mine": ("Keep mine", "保留我的"),
        "Back": ("Back", "返回"),
        "conflict.title": ("Someone else saved this scorecard", "其他人已保存了这张考核表"),
        "conflict.body": (
            "{who} saved it at {when} (version {theirs}; you started from {yours}).\nNothing of yours was saved.",
            "{who} 于 {when} 保存了它（版本 {theirs}；你基于版本 {yours}）。\n你的修改尚未保存。",
        ),
        "conflict.someone": ("someone", "某人"),
        "conflict.unknown_time": ("an unknown time", "未知时间"),
        "conflict.field": ("Field", "字段"),
        "conflict.theirs": ("Theirs (saved)", "对方（已保存）"),
        "conflict.yours": ("Yours (not saved)", "你的（未保存）"),
        "conflict.keys": (
            "[b]r[/b] reload theirs · [b]c[/b] compare · [b]k[/b] keep mine, save again to replace · [b]Esc[/b] back",
            "[b]r[/b] 载入对方版本 · [b]c[/b] 对比 · [b]k[/b] 保留我的（再次保存才覆盖）· [b]Esc[/b] 返回",
        ),
    }
)


class ConflictModal(ModalScreen[str | None]):
    """Dismisses with ``"reload"``, ``"keep"`` or None (back to editing, nothing changes)."""

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("r", "choose('reload')", "Reload theirs"),
        Binding("c", "compare", "Compare"),
        Binding("k", "choose('keep')", "Keep mine"),
        Binding("escape", "choose(None)", "Back"),
    ]

    def __init__(
        self,
        ctx: AppContext,
        who: str | None,
        when: str | None,
        versions: tuple[int, int],
        rows: list[tuple[str, str, str]],
    ):
        """``versions`` = (yours, theirs); ``rows`` = (field label, theirs, yours)."""
        super().__init__(classes="modal")
        self.ctx, self.who, self.when, self.versions, self.rows = ctx, who, when, versions, rows

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        who = self.who or t("conflict.someone")
        when = self.when or t("conflict.unknown_time")
        yours, theirs = self.versions
        with Vertical(classes="dialog wide"):
            yield Static(t("conflict.title"), classes="dialog-title")
            yield Static(
                t("conflict.body", who=who, when=when, theirs=theirs, yours=yours), id="conflict-who", markup=False
            )
            table = DataTable(id="conflict-compare", cursor_type="row", show_cursor=False)
            table.display = False
            yield table
            yield Static(t("conflict.keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        t = self.ctx.t
        table = self.query_one(DataTable)
        table.add_columns(t("conflict.field"), t("conflict.theirs"), t("conflict.yours"))
        for label, theirs, yours in self.rows:
            mark = "≠ " if theirs != yours else "  "
            table.add_row(mark + label, theirs, yours)

    def action_compare(self) -> None:
        table = self.query_one(DataTable)
        table.display = not table.display

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
