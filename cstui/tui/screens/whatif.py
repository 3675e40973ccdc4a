"""What if: a proposed scheme file against the scheme selected on the Schemes screen.

The modal takes a file path and the periods; the screen lists every employee whose decision,
level, grade or pay would change, then the totals. Both come from :func:`cstui.whatif.whatif`
(the same dry runs as ``cstui whatif``): nothing is written. The grading runs in a thread
worker, so keys stay live while it runs (Esc cancels; a later answer is then dropped).
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static

from cstui.domain import Period, PeriodError
from cstui.errors import InvalidData
from cstui.schemes import Scheme, SchemeError, catalog
from cstui.store import StoreError
from cstui.tui.context import AppContext
from cstui.tui.i18n import register
from cstui.tui.threads import answer
from cstui.tui.widgets.footer import KeysFooter
from cstui.whatif import WhatIf, whatif, whatif_periods

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Cancel": ("Cancel", "取消"),
        "whatif.title": ("What if {scheme} had other numbers?", "如果 {scheme} 换一套参数？"),
        "whatif.body": (
            "A scheme file (TOML) is graded against {scheme} {version} on the same data; nothing is written.",
            "用同一份数据，按方案文件（TOML）与 {scheme} {version} 对比评定；不写入任何数据。",
        ),
        "whatif.file": ("scheme file, e.g. ./acme.toml", "方案文件，例如 ./acme.toml"),
        "whatif.period": ("last period: YYYY-MM or YYYY-Qn", "最后一期：YYYY-MM 或 YYYY-Qn"),
        "whatif.from": ("from (optional): YYYY-MM", "起始期（可选）：YYYY-MM"),
        "whatif.need_file": ("name a scheme file", "请填写方案文件"),
        "whatif.grading": ("grading both schemes…", "正在按两套方案评定…"),
        "whatif.keys": (
            "[b]Enter[/b] compare · [b]Tab[/b] next field · [b]Esc[/b] cancel",
            "[b]回车[/b] 对比 · [b]Tab[/b] 下一项 · [b]Esc[/b] 取消",
        ),
        "whatif.heading": (
            "{file} {version} against {scheme} {current} · {periods}",
            "{file} {version} 对比 {scheme} {current} · {periods}",
        ),
        "whatif.none": ("No decision, level, grade or pay would change.", "决定、级别、等级和薪资均无变化。"),
        "whatif.totals": (
            "{changed} of {graded} results change · promotions {p} → {p_new} · demotions {d} → {d_new} · pay {pay} → {pay_new} yuan ({change:+})",
            "{graded} 条结果中 {changed} 条变化 · 晋级 {p} → {p_new} · 降级 {d} → {d_new} · 浮动薪资 {pay} → {pay_new} 元（{change:+}）",
        ),
        "whatif.refused": (
            "{n} refused cards graded as missing months (cstui whatif names them)",
            "{n} 张不合格考核表按缺月计（cstui whatif 列出）",
        ),
        "whatif.col.period": ("Period", "周期"),
        "whatif.col.employee": ("Employee", "员工"),
        "whatif.col.decision": ("Decision", "定级结果"),
        "whatif.col.level": ("Level", "级别"),
        "whatif.col.grade": ("Grade", "等级"),
        "whatif.col.pay": ("Pay", "浮动"),
    }
)

COLUMNS = (
    "whatif.col.period",
    "whatif.col.employee",
    "whatif.col.decision",
    "whatif.col.level",
    "whatif.col.grade",
    "whatif.col.pay",
)


class WhatIfModal(ModalScreen[WhatIf | None]):
    """``dismiss(report)`` once the file grades; problems show in the dialog, which stays."""

    CSS_PATH = CSS_FILE
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, ctx: AppContext, current: Scheme):
        super().__init__(classes="modal")
        self.ctx, self.current = ctx, current
        self.grading = False

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        with Vertical(classes="dialog wide"):
            yield Static(t("whatif.title", scheme=self.current.name), classes="dialog-title", markup=False)
            yield Static(t("whatif.body", scheme=self.current.name, version=self.current.version), markup=False)
            yield Input(placeholder=t("whatif.file"), id="whatif-file", compact=True)
            yield Input(str(self.ctx.period), placeholder=t("whatif.period"), id="whatif-period", compact=True)
            yield Input(placeholder=t("whatif.from"), id="whatif-from", compact=True)
            yield Static("", id="whatif-error", classes="error", markup=False)
            yield Static(t("whatif.keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#whatif-file", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.grading:
            return  # one comparison at a time; Esc cancels it
        value = {name: self.query_one(f"#whatif-{name}", Input).value.strip() for name in ("file", "period", "from")}
        self.grading = True
        self.query_one("#whatif-error", Static).update(self.ctx.t("whatif.grading"))
        self._grade(value)

    @work(thread=True, exclusive=True, group="whatif")
    def _grade(self, value: dict[str, str]) -> None:
        try:
            report = self._graded(value)
        except (SchemeError, InvalidData, PeriodError, StoreError) as error:
            lines = getattr(error, "problems", None) or getattr(error, "lines", None) or [str(error)]
            answer(self, self._answer, None, "\n".join(lines[:3]))
            return
        answer(self, self._answer, report, "")

    def _answer(self, report: WhatIf | None, problem: str) -> None:
        """The worker's answer, on the UI thread: the report closes the dialog; a problem stays in it."""
        if not self.is_attached or self.app.screen is not self:
            return  # cancelled (Esc) while grading
        self.grading = False
        self.query_one("#whatif-error", Static).update(problem)
        if report is not None:
            self.dismiss(report)

    def _graded(self, value: dict[str, str]) -> WhatIf:
        if not value["file"]:
            raise InvalidData([self.ctx.t("whatif.need_file")])
        last = Period.parse(value["period"] or str(self.ctx.period))
        periods = whatif_periods(last, Period.parse(value["from"]) if value["from"] else None)
        proposed = catalog().get(str(Path(value["file"]).expanduser()))
        return whatif(self.ctx.store, proposed, self.current, periods)

    def action_cancel(self) -> None:
        self.grading = False
        self.dismiss(None)


class WhatIfScreen(Screen):
    """The changes a proposal makes, one row per employee and period, and the totals."""

    CSS_PATH = CSS_FILE
    BINDINGS = [Binding("escape", "back", "Back")]
    APP_KEYS_IN_FOOTER = False

    def __init__(self, ctx: AppContext, report: WhatIf):
        super().__init__()
        self.ctx, self.report = ctx, report

    def compose(self) -> ComposeResult:
        t, r = self.ctx.t, self.report
        periods = r.totals.periods
        span = periods[0] if len(periods) == 1 else f"{periods[0]} … {periods[-1]}"
        yield Header()
        yield Static(
            t(
                "whatif.heading",
                file=Path(r.proposed.source).name,
                version=r.proposed.version,
                scheme=r.current.name,
                current=r.current.version,
                periods=span,
            ),
            classes="pane-title",
            markup=False,
        )
        yield DataTable(id="whatif-table", cursor_type="row", zebra_stripes=True)
        yield Static(self._totals(), id="whatif-totals", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#whatif-table", DataTable)
        table.add_columns(*(self.ctx.t(key) for key in COLUMNS))
        for row in self.report.rows:
            table.add_row(*self._cells(row.record()))
        table.focus()

    def _cells(self, r: dict) -> list[str]:
        label = self.ctx.level_label
        scheme = self.report.current.name
        levels = (
            label(scheme, r["level"]) if r["level"] else None,
            label(scheme, r["level_new"]) if r["level_new"] else None,
        )
        decisions = (self._decision(r["decision"]), self._decision(r["decision_new"]))
        return [
            r["period"],
            f"{r['employee_id']} {r['name']}",
            _arrow(*decisions),
            _arrow(*levels),
            _arrow(r["grade"], r["grade_new"]),
            _arrow(r["pay_delta"], r["pay_delta_new"]),
        ]

    def _decision(self, decision: str | None) -> str | None:
        """The board's label of a decision (a plugin's own decision keeps its key)."""
        if decision is None:
            return None
        label = self.ctx.t(f"decision.{decision}")
        return decision if label == f"decision.{decision}" else label

    def _totals(self) -> str:
        t, totals = self.ctx.t, self.report.totals.record()
        lines = [] if self.report.rows else [t("whatif.none")]
        lines.append(
            t(
                "whatif.totals",
                changed=totals["changed"],
                graded=totals["graded"],
                p=totals["promotions"],
                p_new=totals["promotions_new"],
                d=totals["demotions"],
                d_new=totals["demotions_new"],
                pay=totals["pay"],
                pay_new=totals["pay_new"],
                change=totals["pay_change"],
            )
        )
        refused = sum(len(invalid.lines) for invalid in self.report.invalid)
        if refused:
            lines.append(t("whatif.refused", n=refused))
        return "\n".join(lines)


def _arrow(old, new) -> str:
    """``old → new`` where they differ, else the one value (blank for none)."""
    shown = ["" if v is None else str(v) for v in (old, new)]
    return shown[0] if old == new else f"{shown[0] or '-'} → {shown[1] or '-'}"
