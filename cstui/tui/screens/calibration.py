"""Calibration from the board (``c``): each rater against the rest of the department, as a
table and as a bar chart of rater means (textual-plotext), one scheme at a time (``n`` for the
next). The figures are :func:`cstui.calibration.calibration`'s, the same as ``cstui calibration``.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual_plotext import PlotextPlot

from cstui.calibration import Calibration, calibration, difference_text, shown
from cstui.tui.context import AppContext
from cstui.tui.i18n import register
from cstui.tui.widgets.footer import KeysFooter

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Calibration": ("Calibration", "评分校准"),
        "Next scheme": ("Next scheme", "下一方案"),
        "calibration.heading": (
            "{scheme} {period} · department: {n} scored, mean {mean}, sd {sd}",
            "{scheme} {period} · 全部门：{n} 人有分，均分 {mean}，标准差 {sd}",
        ),
        "calibration.none": (
            "No scheme has scores in {period} for the teams you see.",
            "{period} 在您可见的组中没有任何方案的得分。",
        ),
        "calibration.extremes": ("Harshest: {harsh} · most lenient: {lenient}", "最严：{harsh} · 最宽：{lenient}"),
        "calibration.flag_at": ("flagged at |z| ≥ {flag_z}", "|z| ≥ {flag_z} 时标记"),
        "calibration.chart": ("Mean score by rater", "各评分人均分"),
        "calibration.col.rater": ("Rater", "评分人"),
        "calibration.col.people": ("People", "人数"),
        "calibration.col.mean": ("Mean", "均分"),
        "calibration.col.sd": ("SD", "标准差"),
        "calibration.col.diff": ("Diff [95% CI]", "差值 [95% 置信区间]"),
        "calibration.col.z": ("z", "z 值"),
        "calibration.col.flag": ("Flag", "标记"),
        "calibration.flag.harsh": ("harsh", "偏严"),
        "calibration.flag.lenient": ("lenient", "偏宽"),
    }
)

COLUMNS = ("rater", "people", "mean", "sd", "diff", "z", "flag")


def period_calibrations(ctx: AppContext) -> list[Calibration]:
    """One calibration per scheme on the roster the login sees, for the board's period."""
    reports = []
    for name in ctx.store.roster_schemes():
        report, _ = calibration(ctx.store, ctx.scheme(name), ctx.period)
        if report.department.n:
            reports.append(report)
    return reports


class CalibrationScreen(Screen):
    """Each rater's people, mean, spread and difference from the rest, and a chart of the means."""

    CSS_PATH = CSS_FILE
    APP_KEYS_IN_FOOTER = False
    BINDINGS = [Binding("escape", "back", "Back"), Binding("n", "next_scheme", "Next scheme")]
    DEFAULT_CSS = """
    CalibrationScreen #calibration-table { height: auto; max-height: 8; }
    CalibrationScreen #calibration-chart { height: 1fr; min-height: 8; }
    """

    def __init__(self, ctx: AppContext, reports: list[Calibration] | None = None):
        super().__init__()
        self.ctx = ctx
        self.reports = period_calibrations(ctx) if reports is None else reports
        self.index = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="calibration-head", classes="pane-title", markup=False)
        yield DataTable(id="calibration-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="calibration-extremes", markup=False)
        yield PlotextPlot(id="calibration-chart")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(self.ctx.t(f"calibration.col.{key}") for key in COLUMNS))
        self._show()
        table.focus()

    def _show(self) -> None:
        t, table = self.ctx.t, self.query_one(DataTable)
        table.clear()
        if not self.reports:
            self.query_one("#calibration-head", Static).update(t("calibration.none", period=str(self.ctx.period)))
            return
        report = self.reports[self.index]
        d = report.department
        self.query_one("#calibration-head", Static).update(
            t(
                "calibration.heading",
                scheme=report.scheme,
                period=report.period,
                n=d.n,
                mean=shown(d.mean) or "-",
                sd=shown(d.sd) or "-",
            )
        )
        for row in report.raters:
            table.add_row(*self._cells(row))
        harsh, lenient = report.harshest(), report.most_lenient()
        lines = [t("calibration.flag_at", flag_z=report.flag_z)]
        if harsh is not None:
            lines.insert(0, t("calibration.extremes", harsh=harsh.rater, lenient=lenient.rater))
        self.query_one("#calibration-extremes", Static).update(" · ".join(lines))
        self._chart(report)

    def _cells(self, row) -> list[str]:
        flag = self.ctx.t(f"calibration.flag.{row.flag}") if row.flag else ""
        return [
            row.rater,
            str(row.people),
            shown(row.scores.mean),
            shown(row.scores.sd),
            difference_text(row.comparison),
            shown(row.comparison.z),
            flag,
        ]

    def _chart(self, report: Calibration) -> None:
        widget = self.query_one(PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        rated = [row for row in report.raters if row.scores.mean is not None]
        if rated:
            means = [float(row.scores.mean) for row in rated]
            plt.bar([row.rater for row in rated], means)
            # the axis spans the means, not 0..max: a few points between raters must show
            low, high = min(means), max(means)
            pad = max((high - low) / 2, 1.0)
            plt.ylim(low - pad, high + pad)
        plt.title(self.ctx.t("calibration.chart"))
        widget.refresh()

    def action_next_scheme(self) -> None:
        if len(self.reports) > 1:
            self.index = (self.index + 1) % len(self.reports)
            self._show()

    def action_back(self) -> None:
        self.dismiss()
