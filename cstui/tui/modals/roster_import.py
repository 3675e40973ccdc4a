"""Import a roster file (CSV in UTF-8/GB18030, or XLSX): all rows or none.

The import runs in a thread worker so the screen stays live; a refused file lists every
problem (``FILE:ROW:COLUMN: reason``) in the modal, and the path stays for another try.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static

from cstui.errors import InvalidData
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS
from cstui.tui.i18n import register
from cstui.tui.threads import answer

register(
    {
        "import.title": ("Import roster", "导入花名册"),
        "import.path": ("File", "文件"),
        "import.columns": (
            "Columns: employee_id, name, team, role, hire_date [, login, scheme, level]. CSV (UTF-8 or GB18030) or XLSX.",
            "列：employee_id, name, team, role, hire_date [, login, scheme, level]。CSV（UTF-8 或 GB18030）或 XLSX。",
        ),
        "import.run": ("Import", "导入"),
        "import.close": ("Close", "关闭"),
        "import.running": ("Checking and importing {name} …", "正在检查并导入 {name} …"),
        "import.checking": (
            "Checking {name}: row {done:,} of about {total:,}",
            "正在检查 {name}：第 {done:,} 行，共约 {total:,} 行",
        ),
        "import.saving": ("Checked {done:,} rows of {name}; saving …", "已检查 {name} 的 {done:,} 行；正在保存 …"),
        "import.refused": (
            "Nothing was imported; fix these problems and try again:",
            "未导入任何数据；请修正以下问题后重试：",
        ),
        "import.more": ("… and {more} more problems", "… 另有 {more} 个问题"),
        "import.no_file": ("{path}: no such file", "{path}：文件不存在"),
        "import.keys": ("Enter import · Esc close", "回车 导入 · Esc 关闭"),
    }
)


class RosterImport(ModalScreen[str | None]):
    """``dismiss(summary)`` after a successful import, ``dismiss(None)`` when closed."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, ctx: AppContext, path: str = ""):
        super().__init__()
        self.ctx = ctx
        self.initial_path = path
        self.running = False

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        with Vertical(id="import-box"):
            yield Static(t("import.title"), classes="modal-title")
            yield Static(t("import.columns"), classes="hint")
            with Horizontal(classes="field"):
                yield Label(t("import.path"), classes="field-label")
                yield Input(self.initial_path, placeholder="roster.csv", id="import-path", compact=True)
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield Static("", id="import-status")
            with VerticalScroll(id="import-errors"):
                yield Static("", id="import-error-text", markup=False)
            with Horizontal(id="import-buttons"):
                yield Static(t("import.keys"), classes="hint")
                yield Button(t("import.run"), id="import-run", variant="primary", compact=True)
                yield Button(t("import.close"), id="import-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.query_one("#import-errors").display = False
        self.query_one("#import-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "import-run":
            self.start()
        else:
            self.action_close()

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(None)

    def start(self) -> None:
        if self.running:
            return
        text = self.query_one("#import-path", Input).value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self.show_errors([self.ctx.t("import.no_file", path=path)])
            return
        self.running = True
        self.query_one("#import-errors").display = False
        self.query_one("#import-progress").display = True
        self.query_one("#import-status", Static).update(self.ctx.t("import.running", name=path.name))
        self.query_one("#import-progress", ProgressBar).update(total=None, progress=0)
        self.run_import(path)

    @work(thread=True, exclusive=True, group="roster-import", exit_on_error=False)
    def run_import(self, path: Path) -> None:
        from cstui.io.imports import import_roster

        def on_progress(done: int, total: int) -> None:
            answer(self, self.progressed, path.name, done, total)

        try:
            summary = import_roster(self.ctx.store, path, progress=False, on_progress=on_progress)
        except InvalidData as error:
            lines = [self.ctx.show(said) for said in error.lines]  # FILE:ROW:COLUMN named in either language
            if error.more:
                lines.append(self.ctx.t("import.more", more=error.more))
            answer(self, self.finished, None, lines)
        except USER_ERRORS as error:
            answer(self, self.finished, None, self.ctx.error_text(error).splitlines())
        else:
            answer(self, self.finished, summary, [])

    def progressed(self, name: str, done: int, total: int) -> None:
        """Rows checked so far: the bar shows the real percentage (the total is the file's row estimate)."""
        if not self.running or not total:
            return  # unknown size (the bar keeps pulsing) or a late call after the end
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)
        key = "import.saving" if done >= total else "import.checking"
        self.query_one("#import-status", Static).update(self.ctx.t(key, name=name, done=done, total=total))

    def finished(self, summary: str | None, problems: list[str]) -> None:
        self.running = False
        self.query_one("#import-progress").display = False
        if summary is not None:
            self.dismiss(summary)
            return
        self.show_errors(problems)

    def show_errors(self, problems: list[str]) -> None:
        self.query_one("#import-status", Static).update(self.ctx.t("import.refused"))
        self.query_one("#import-error-text", Static).update("\n".join(problems))
        errors = self.query_one("#import-errors")
        errors.display = True
        errors.scroll_home(animate=False)
