"""The audit trail for managers: the newest rows, narrowed as you type; and one scorecard's
own change history (a modal opened from the scorecard screen)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static

from cstui.domain.texts import render
from cstui.io.audit import AuditLabels, change_summary
from cstui.store.audit import AuditFilter
from cstui.store.file_audit import IMPORT_FILE, summary, written_cards
from cstui.tui.context import AppContext
from cstui.tui.i18n import register
from cstui.tui.widgets.footer import KeysFooter

CSS_FILES = [Path(__file__).parent.parent / "scorecard.tcss", Path(__file__).parent.parent / "audit.tcss"]
ROWS_SHOWN = 200  # the newest rows that match; the CLI (cstui audit) lists them all
CARDS_SHOWN = 500  # of an imported file's row opened (a file may hold 100,000)

register(
    {
        "Audit trail": ("Audit trail", "审计记录"),
        "Change history": ("Change history", "修改记录"),
        "Filter": ("Filter", "筛选"),
        "Table": ("Table", "列表"),
        "Close": ("Close", "关闭"),
        "audit.title": ("Audit trail · newest {n} rows", "审计记录 · 最新 {n} 条"),
        "audit.placeholder": ("filter: login, action, table or key", "筛选：登录名、操作、表或键"),
        "audit.col.at": ("When", "时间"),
        "audit.col.who": ("Who", "操作人"),
        "audit.col.action": ("Action", "操作"),
        "audit.col.key": ("Table and key", "表和键"),
        "audit.col.change": ("What changed", "修改内容"),
        "audit.none": ("No audit rows match.", "没有符合条件的审计记录。"),
        "audit.card_title": ("Changes to {id} {name} · {month}", "{id} {name} · {month} 的修改记录"),
        "audit.card_none": ("No change recorded for this card yet.", "这张考核表还没有修改记录。"),
        "audit.card_keys": ("↑↓ move · Esc close", "↑↓ 移动 · Esc 关闭"),
        "audit.incident": ("incident {id}:", "奖惩 {id}："),
        "audit.col.before": ("Before the import", "导入前"),
        "audit.new_card": ("(new card)", "（新考核表）"),
        "audit.more_cards": (
            "… and {n} more cards ({command})",
            "…… 另有 {n} 张（{command}）",
        ),
    }
)

# What each action and table of the trail is called in 中文 (English shows the stored names, as
# ``cstui audit`` prints them). The filter matches either: typing 导入 finds the imports.
ACTIONS_ZH = {
    "save": "保存",
    "import": "导入",
    "import-file": "导入文件",
    "add": "添加",
    "delete": "删除",
    "restore": "恢复",
    "update": "修改",
    "deactivate": "停用",
    "add-user": "添加用户",
    "set-user": "修改用户",
    "remove-user": "移除用户",
    "bootstrap-admin": "创建管理员",
    "add-team": "添加组别",
    "set-team": "修改组别",
    "assign-scheme": "分配方案",
    "issue-web-token": "签发令牌",
    "open-web-session": "网页登录",
    "confirm": "确认结果",
    "dispute": "申诉",
    "answer": "答复申诉",
    "close": "关闭周期",
    "reopen": "重开周期",
    "record": "结果变更",
    "apply": "记录结果",
    "remember-scheme": "方案快照",
}
TABLES_ZH = {
    "employees": "员工",
    "incidents": "奖惩",
    "overrides": "手动定级",
    "scorecards": "考核表",
    "users": "用户",
    "teams": "组别",
    "scheme_assignments": "方案分配",
    "web_tokens": "网页令牌",
    "sign_offs": "签认",
    "periods": "周期",
    "results": "结果",
    "scheme_snapshots": "方案快照",
}


class FieldNames(AuditLabels):
    """How "what changed" calls a row's fields and values in the app's language: a scorecard's
    (and an imported file's cards') by their scheme's metric labels, an incident's code by its
    label, other stored fields by their 中文 name in zh (cstui.io.audit.AuditLabels)."""

    def __init__(self, ctx: AppContext):
        super().__init__(ctx.store, ctx.lang)
        self.ctx = ctx


def said(name: str, names_zh: dict[str, str], lang: str) -> str:
    """An action or table as the user reads it: its 中文 name in zh (the stored one if new)."""
    return names_zh.get(name, name) if lang == "zh" else name


def named_by(text: str, lang: str) -> tuple[str, ...]:
    """The stored action and table names whose 中文 name contains ``text`` (none in English)."""
    if lang != "zh" or not text:
        return ()
    return tuple(name for names in (ACTIONS_ZH, TABLES_ZH) for name, zh in names.items() if text in zh)


# (i18n key, width): fixed, so the change keeps the rest of 80 columns (the line below the
# table shows the selected row in full)
COLUMNS = (
    ("audit.col.at", 11),
    ("audit.col.who", 8),
    ("audit.col.action", 8),
    ("audit.col.key", 22),
    ("audit.col.change", None),
)


def _when(at: str) -> str:
    """``MM-DD HH:MM`` (UTC): the row's detail line and the CLI show the full stamp."""
    return at[5:16].replace("T", " ")


class AuditScreen(Screen):
    """Managers only (the store refuses anyone else): every row is about somebody's pay."""

    CSS_PATH = CSS_FILES
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", key_display="/"),
        Binding("tab", "focus_table", "Table", show=False),
        Binding("escape", "back", "Back"),
    ]
    APP_KEYS_IN_FOOTER = False

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.rows: list[dict] = []
        self.fields = FieldNames(ctx)

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        yield Header()
        yield Static(t("audit.title", n=ROWS_SHOWN), id="audit-title", classes="pane-title")
        yield Input(placeholder=t("audit.placeholder"), id="audit-filter")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-detail", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, width in COLUMNS:
            table.add_column(self.ctx.t(key), key=key, width=width)
        self.load("")
        self.query_one(Input).focus()

    def load(self, text: str) -> None:
        text, lang = text.strip(), self.ctx.lang
        wanted = AuditFilter(text=text or None, names=named_by(text, lang), limit=ROWS_SHOWN)
        self.rows = self.ctx.store.audit_rows(wanted)
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows:
            change = self.fields.change(row)
            action, what = said(row["action"], ACTIONS_ZH, lang), self._what(row)
            table.add_row(_when(row["at"]), row["who"], action, what, change[:60], key=str(row["id"]))
        self._show_detail(0)

    def _what(self, row: dict) -> str:
        return f"{said(row['entity'], TABLES_ZH, self.ctx.lang)} {row['key'] or ''}"

    def on_input_changed(self, event: Input.Changed) -> None:
        self.load(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_focus_table()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, index: int) -> None:
        detail = self.query_one("#audit-detail", Static)
        if not self.rows:
            detail.update(self.ctx.t("audit.none"))
            return
        row = self.rows[min(index, len(self.rows) - 1)]
        what = self.fields.change(row)
        action = said(row["action"], ACTIONS_ZH, self.ctx.lang)
        detail.update(f"#{row['id']} {row['at']} {row['who']} {action} {self._what(row)}: {what}")

    def action_focus_filter(self) -> None:
        self.query_one(Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an imported file's one row: each card it wrote, with the values it replaced."""
        if self.rows and event.data_table.id == "audit-table":
            row = self.rows[min(event.cursor_row, len(self.rows) - 1)]
            if row["action"] == IMPORT_FILE:
                self.app.push_screen(ImportedFileModal(self.ctx, row))


class ImportedFileModal(ModalScreen[None]):
    """The cards of one imported file's audit row: those it replaced (with their values before)
    first, then those it created; the first :data:`CARDS_SHOWN` (``cstui audit --format json``
    has them all)."""

    CSS_PATH = CSS_FILES
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, ctx: AppContext, row: dict):
        super().__init__(classes="modal")
        self.ctx, self.row = ctx, row

    def compose(self) -> ComposeResult:
        t, after = self.ctx.t, self.row["after"] or {}
        cards = list(written_cards(self.row["before"], after))
        with Vertical(classes="dialog", id="imported-file"):
            yield Static(
                render(summary(self.row | {"before": None}), self.ctx.lang), classes="dialog-title", markup=False
            )
            table = DataTable(id="imported-file-table", cursor_type="row")
            table.add_columns(t("audit.col.key"), t("audit.col.before"))
            names, _ = FieldNames(self.ctx).labels(self.row)  # the file's scheme's metric labels
            for card, before in cards[:CARDS_SHOWN]:
                table.add_row(card, t("audit.new_card") if before is None else change_summary(None, before, names)[:60])
            yield table
            more = len(cards) - CARDS_SHOWN
            yield Static(
                t("audit.more_cards", n=f"{more:,}", command="cstui audit --format json") if more > 0 else "",
                id="imported-file-more",
                markup=False,
            )
            yield Static(t("audit.card_keys"), classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)


class CardHistoryModal(ModalScreen[None]):
    """Who changed one scorecard (and its month's incidents), when, and what changed."""

    CSS_PATH = CSS_FILES
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, ctx: AppContext, employee_id: str, name: str, month: str):
        super().__init__(classes="modal")
        self.ctx, self.employee_id, self.employee_name, self.month = ctx, employee_id, name, month

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        rows = self.ctx.store.card_history(self.employee_id, self.month)
        with Vertical(classes="dialog", id="card-history"):
            yield Static(
                t("audit.card_title", id=self.employee_id, name=self.employee_name, month=self.month),
                classes="dialog-title",
                markup=False,
            )
            if not rows:
                yield Static(t("audit.card_none"))
            else:
                table = DataTable(id="card-history-table", cursor_type="row")
                table.add_columns(t("audit.col.at"), t("audit.col.who"), t("audit.col.action"), t("audit.col.change"))
                fields = FieldNames(self.ctx)
                for row in rows:
                    what = fields.change(row)
                    if row["entity"] == "incidents":
                        what = f"{self.ctx.t('audit.incident', id=row['key'])} {what}"
                    action = said(row["action"], ACTIONS_ZH, self.ctx.lang)
                    table.add_row(_when(row["at"]), row["who"], action, what[:44])
                yield table
            yield Static(t("audit.card_keys"), classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)
