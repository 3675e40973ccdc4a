"""Export what a screen shows (the board's current view, a person's history) to a file: a path
prompt and a format (CSV, XLSX, and every format a plugin registers), written by the batch
report's own formula-safe writers (:mod:`cstui.io.export`). An existing file is replaced only
after a confirmation; a refusal (the database, a folder that does not exist, no permission) is
a message, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Select, Static

from cstui.domain import Result
from cstui.io.export import ExportExists, export_formats, export_results, format_of
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS
from cstui.tui.i18n import register
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.threads import answer, notify

EXPORT_GROUP = "export"  # the thread an export is written in (one at a time per screen)
CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Export": ("Export", "导出"),
        "export.title": ("Export {what}", "导出：{what}"),
        "export.rows": ("{n} rows, with their traces", "共 {n} 行，含计算过程"),
        "export.path": ("File", "文件"),
        "export.format": ("Format", "格式"),
        "export.path_hint": ("where to write: a path, ~ for your home", "保存位置：路径，~ 表示主目录"),
        "export.need_path": ("a file name is required", "必须填写文件名"),
        "export.keys": ("[b]Enter[/b] export · [b]Esc[/b] cancel", "[b]回车[/b] 导出 · [b]Esc[/b] 取消"),
        "export.done": ("Exported {n} rows to {path}", "已导出 {n} 行到 {path}"),
        "export.replace.title": ("Replace the file?", "替换文件？"),
        "export.replace.body": (
            "{path} exists. Replace it with this export?",
            "{path} 已存在。要用本次导出替换它吗？",
        ),
        "export.what.board": ("the board {period}", "考核看板 {period}"),
        "export.what.history": ("the history of {who}", "{who} 的历史"),
        "Cancel": ("Cancel", "取消"),
        "export.working": ("Exporting {n} rows to {path}…", "正在导出 {n} 行到 {path}…"),
        "export.busy": ("An export is still being written; wait for it", "上一次导出尚未完成，请稍候"),
    }
)


class ExportModal(ModalScreen[tuple[str, str] | None]):
    """``dismiss((path, format))`` on Enter with a path, ``dismiss(None)`` on Esc."""

    CSS_PATH = CSS_FILE
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, ctx: AppContext, what: str, rows: int, default_name: str):
        super().__init__(classes="modal")
        self.ctx, self.what, self.rows, self.default_name = ctx, what, rows, default_name

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        formats = [(f.upper() if f in ("csv", "xlsx") else f, f) for f in export_formats()]
        with Vertical(classes="dialog wide"):
            yield Static(t("export.title", what=self.what), classes="dialog-title", markup=False)
            yield Static(t("export.rows", n=self.rows), markup=False)
            with Horizontal(classes="export-row"):
                yield Static(t("export.path"), classes="export-label", markup=False)
                yield Input(self.default_name, placeholder=t("export.path_hint"), id="export-path", compact=True)
            with Horizontal(classes="export-row"):
                yield Static(t("export.format"), classes="export-label", markup=False)
                yield Select(
                    formats, value=format_of(self.default_name), allow_blank=False, id="export-format", compact=True
                )
            yield Static("", id="export-error", classes="error", markup=False)
            yield Static(t("export.keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A name ending in .csv or .xlsx picks that format."""
        suffix = Path(event.value.strip()).suffix.lower().lstrip(".")
        if suffix in ("csv", "xlsx"):
            self.query_one("#export-format", Select).value = suffix

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if not path:
            self.query_one("#export-error", Static).update(self.ctx.t("export.need_path"))
            return
        self.dismiss((str(Path(path).expanduser().absolute()), str(self.query_one("#export-format", Select).value)))

    def action_cancel(self) -> None:
        self.dismiss(None)


def start_export(
    screen: Screen,
    ctx: AppContext,
    what: str,
    default_name: str,
    results: list[Result],
    prepare: Callable[[list[Result]], list[Result]] | None = None,
) -> None:
    """Ask where and how to export ``results`` (as ``screen`` shows them), then write them in a
    thread (``prepare`` first, there too: the board reads the traces its grading kept none of),
    so keys stay live however many rows; an existing file is replaced only once confirmed, one
    export runs at a time. Every outcome is a message on ``screen``."""

    def chosen(answer: tuple[str, str] | None) -> None:
        if answer is not None:
            _start(screen, ctx, results, prepare, *answer, replace=False)

    if exporting(screen):
        screen.notify(ctx.t("export.busy"), severity="warning")
        return
    screen.app.push_screen(ExportModal(ctx, what, len(results), default_name), chosen)


def exporting(screen: Screen) -> bool:
    """An export of ``screen`` is still being written."""
    return any(w.group == EXPORT_GROUP and not w.is_finished for w in screen.workers)


def _start(screen: Screen, ctx: AppContext, results, prepare, path: str, fmt: str, replace: bool) -> None:
    if exporting(screen):
        screen.notify(ctx.t("export.busy"), severity="warning")
        return
    screen.notify(ctx.t("export.working", n=len(results), path=path))
    screen.run_worker(
        lambda: _write(screen, ctx, results, prepare, path, fmt, replace),
        thread=True,
        group=EXPORT_GROUP,
        exit_on_error=False,
    )


def _write(screen: Screen, ctx: AppContext, results, prepare, path: str, fmt: str, replace: bool) -> None:
    """In the export's thread: every answer goes back to the screen's thread."""
    t = ctx.t
    try:
        rows = prepare(results) if prepare is not None else results
        count = export_results(rows, fmt, path, database=ctx.store.path, replace=replace)
    except ExportExists:
        again: Callable[[bool | None], None] = lambda yes: yes and _start(screen, ctx, rows, None, path, fmt, True)  # noqa: E731
        modal = ConfirmModal(ctx, t("export.replace.title"), t("export.replace.body", path=path))
        answer(screen, screen.app.push_screen, modal, again)  # asked only while the screen is open
        return
    except (*USER_ERRORS, ValueError) as error:  # ValueError: a format no plugin registers any more
        notify(screen, ctx.error_text(error), severity="error", timeout=8)
        return
    notify(screen, t("export.done", n=count, path=path))
