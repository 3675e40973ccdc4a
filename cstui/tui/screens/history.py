"""One employee's history: the level timeline, monthly scores as a bar chart, and every
month's decision with its trace. Managers place the employee on a level by hand (o)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from cstui.domain import Override, Period, Result
from cstui.engine.model import TeamHistory
from cstui.grading import grade_team, level_timelines
from cstui.schemes import Scheme
from cstui.store import StoreError
from cstui.tui.context import AppContext
from cstui.tui.i18n import register
from cstui.tui.modals.override import OverrideModal
from cstui.tui.screens.board import decision_text
from cstui.tui.screens.scorecard import show_number
from cstui.tui.widgets.footer import KeysFooter

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"
MONTHS_SHOWN = 12
BAR_ROWS = 4
EIGHTHS = " ▁▂▃▄▅▆▇█"

register(
    {
        "Back": ("Back", "返回"),
        "Override level": ("Override level", "手动定级"),
        "Open scorecard": ("Open scorecard", "打开考核表"),
        "hist.head": ("{id} {name} · {team} · {scheme} · now {level}", "{id} {name} · {team} · {scheme} · 当前 {level}"),
        "hist.levels": ("Levels", "级别变化"),
        "hist.scores": ("Monthly scores to {month}", "月度得分（至 {month}）"),
        "hist.decisions": ("Decisions", "定级结果"),
        "hist.loading": ("loading…", "加载中…"),
        "hist.no_scheme": ("No grading scheme: {why}", "没有考核方案：{why}"),
        "hist.no_history": ("No scorecards yet", "还没有考核记录"),
        "hist.col.period": ("Period", "周期"),
        "hist.col.score": ("Score", "得分"),
        "hist.col.decision": ("Decision", "结论"),
        "hist.col.level": ("Level", "级别"),
        "hist.recorded": ("(recorded)", "（已记录）"),
        "hist.override_by": ("override by {author}: {reason}", "{author} 手动调整：{reason}"),
        "hist.overridden": ("{who} placed on {level} from {month}", "{who} 自 {month} 起调整为 {level}"),
        "hist.select": ("Select a decision to see its trace", "选择一条结果查看计算过程"),
    }
)


@dataclass
class Story:
    """Everything the history screen shows, computed off the UI thread."""

    timeline: list[tuple[Period, str, str]] = field(default_factory=list)
    scores: list[tuple[Period, Decimal | None]] = field(default_factory=list)
    decisions: list[tuple[Period, Result | dict, bool]] = field(default_factory=list)  # (period, result, recorded)
    overrides: list[Override] = field(default_factory=list)
    level_now: str | None = None
    problem: str = ""


def upto(history: TeamHistory, last: Period) -> TeamHistory:
    """The team's history as it stood at the end of ``last`` (later cards and overrides left out)."""
    cards = {e: {p: c for p, c in months.items() if p.ordinal <= last.ordinal} for e, months in history.cards.items()}
    overrides = {e: [o for o in os if o.period.ordinal <= last.ordinal] for e, os in history.overrides.items()}
    return TeamHistory(history.team, history.employees, cards, overrides)


def tell_story(ctx: AppContext, scheme: Scheme, employee_id: str, team: str, until: Period) -> Story:
    store, story = ctx.store, Story()
    history = next(iter(store.team_histories(scheme.name, until, teams=[team])), None)
    story.overrides = store.overrides(employee_id)
    story.level_now = ctx.levels.one(store.employee(employee_id), until)
    if history is None:
        return story
    employee = next(e for e in history.employees if e.id == employee_id)
    story.timeline = level_timelines(scheme, history, until).get(employee_id, [])
    months = [until.shift(-i) for i in range(MONTHS_SHOWN - 1, -1, -1)]
    cards = history.cards.get(employee_id, {})
    for month in months:
        card = cards.get(month)
        score = None
        if card is not None:
            try:
                score = scheme.model.score_month(scheme, employee, card).score
            except ValueError:
                score = None
        story.scores.append((month, score))
    first = min(cards, key=lambda p: p.ordinal, default=None)
    for month in months:
        if first is None or month.ordinal < first.ordinal:
            continue
        period = month.quarter if scheme.model.review == "quarterly" and month.completes_quarter() else month
        story.decisions.append(_decision(ctx, scheme, history, employee_id, team, period, month))
    story.decisions = [d for d in story.decisions if d[1] is not None]
    story.decisions.reverse()  # newest first
    return story


def _decision(ctx, scheme, history, employee_id, team, period, month):
    recorded = [r for r in ctx.store.results(period, scheme=scheme.name, team=team) if r["employee_id"] == employee_id]
    if recorded:
        return (period, recorded[0], True)
    try:
        results, _ = grade_team(scheme, upto(history, month), period, apply=False, explain=True)
    except ValueError:
        return (period, None, False)
    mine = [r for r in results if r.employee_id == employee_id]
    return (period, mine[0] if mine else None, False)


def field_of(r: Result | dict, name: str):
    return r.get(name) if isinstance(r, dict) else getattr(r, name)


def bar_chart(scores: list[tuple[Period, Decimal | None]], rows: int = BAR_ROWS, width: int = 6) -> str:
    """Vertical bars of eighth blocks, one column per month: value on top, MM below."""
    values = [s for _, s in scores if s is not None]
    top = max(values + [Decimal(1)])
    steps = rows * 8
    heights = [None if s is None else max(0, int((s / top * steps).to_integral_value())) for _, s in scores]
    lines = ["".join(show_number(s, "1").center(width) for _, s in scores)]
    for row in range(rows, 0, -1):
        line = ""
        for h in heights:
            filled = 0 if h is None else min(8, max(0, h - (row - 1) * 8))
            line += (EIGHTHS[filled] * (width - 2)).center(width)
        lines.append(line)
    lines.append("".join(f"{p.year % 100:02d}-{p.index:02d}".center(width) for p, _ in scores))
    return "\n".join(line.rstrip() for line in lines)


class HistoryScreen(Screen):
    APP_KEYS_IN_FOOTER = False  # the footer shows the screen's keys and ? (help lists the app's)
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("o", "override", "Override level"),
        Binding("s", "scorecard", "Open scorecard"),
    ]

    def __init__(self, ctx: AppContext, employee_id: str):
        super().__init__()
        self.ctx, self.employee_id = ctx, employee_id
        self.employee = ctx.store.employee(employee_id)
        self.scheme, self.scheme_problem = ctx.try_scheme(self.employee.scheme)
        self.story: Story | None = None

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        yield Header()
        yield Static("", id="hist-head", classes="head", markup=False)
        with VerticalScroll(id="hist-body"):
            yield Static(t("hist.levels"), classes="section tight")
            yield Static(t("hist.loading"), id="hist-timeline", markup=False)
            yield Static("", id="hist-scores-title", classes="section tight", markup=False)
            yield Static("", id="hist-chart", markup=False)
            with Horizontal(id="hist-lower"):
                yield DataTable(id="hist-decisions", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="hist-trace-box"):
                    yield Static(t("hist.select"), id="hist-trace", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        t = self.ctx.t
        table = self.query_one(DataTable)
        for key in ("period", "score", "decision", "level"):
            table.add_column(t(f"hist.col.{key}"), key=key)
        self.reload()

    def reload(self) -> None:
        self._head()
        if self.scheme is None:
            self.query_one("#hist-timeline", Static).update(self.ctx.t("hist.no_scheme", why=self.scheme_problem or "-"))
            return
        self.query_one("#hist-lower").loading = True
        self._load(self.ctx.period)

    @work(thread=True, exclusive=True, group="history")
    def _load(self, until: Period) -> None:
        try:
            story = tell_story(self.ctx, self.scheme, self.employee_id, self.employee.team, until)
        except (StoreError, ValueError) as error:
            story = Story(problem=str(error))
        self.app.call_from_thread(self._show, story, until)

    def on_period_changed(self) -> None:
        self.reload()

    # -- showing ------------------------------------------------------------------------------

    def _level_label(self, key: str | None) -> str:
        return self.ctx.level_label(self.employee.scheme, key, full=True) or "-"

    def current_level(self) -> str | None:
        """The level now, as every screen shows it (see :mod:`cstui.levels`)."""
        if self.story is not None and self.story.level_now is not None:
            return self.story.level_now
        return self.employee.level

    def _head(self) -> None:
        e = self.employee
        text = self.ctx.t("hist.head", id=e.id, name=e.name, team=self.ctx.team_label(e.team), scheme=e.scheme or "-",
                          level=self._level_label(self.current_level()))
        self.query_one("#hist-head", Static).update(text)

    def _show(self, story: Story, until: Period) -> None:
        if until != self.ctx.period:
            return
        t = self.ctx.t
        self.story = story
        self._head()
        self.query_one("#hist-lower").loading = False
        lines = [f"{p}  {self._level_label(level)}  · {why}" for p, level, why in story.timeline]
        for o in story.overrides:  # the timeline holds those in force by now; later ones are listed once here
            if o.period.ordinal > until.last_month.ordinal:
                lines.append(f"{o.period}  {self._level_label(o.level)}  · {t('hist.override_by', author=o.author, reason=o.reason)}")
        if story.problem:
            lines.append(story.problem)
        self.query_one("#hist-timeline", Static).update("\n".join(lines) or t("hist.no_history"))
        self.query_one("#hist-scores-title", Static).update(t("hist.scores", month=until))
        self.query_one("#hist-chart", Static).update(bar_chart(story.scores) if story.scores else "")
        table = self.query_one(DataTable)
        table.clear()
        for index, (period, result, recorded) in enumerate(story.decisions):
            score = field_of(result, "score")
            before, after = field_of(result, "level_before"), field_of(result, "level_after")
            level = self._level_label(before) if before else ""
            if after and after != before:
                level = f"{level}→{self._level_label(after)}"
            decision = decision_text(self.ctx, field_of(result, "decision")) + (" " + t("hist.recorded") if recorded else "")
            table.add_row(str(period), show_number(score), decision, level, key=str(index))
        self._trace(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "hist-decisions":
            self._trace(event.cursor_row)

    def _trace(self, index: int) -> None:
        box = self.query_one("#hist-trace", Static)
        if not self.story or not 0 <= index < len(self.story.decisions):
            box.update(self.ctx.t("hist.select"))
            return
        period, result, _ = self.story.decisions[index]
        flags = field_of(result, "flags") or []
        lines = [f"{period}: {decision_text(self.ctx, field_of(result, 'decision'))}"] + list(field_of(result, "trace") or [])
        if flags:
            lines.append(", ".join(flags))
        box.update("\n".join(lines))

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "override":
            return self.ctx.store.user.is_manager and self.scheme is not None
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_scorecard(self) -> None:
        from cstui.tui.screens.scorecard import ScorecardScreen

        self.app.push_screen(ScorecardScreen(self.ctx, self.employee_id), lambda _: self.reload())

    def action_override(self) -> None:
        if self.scheme is None:
            return
        lang = self.ctx.lang
        levels = [(lv.key, lv.label_zh if lang == "zh" else lv.label) for lv in self.scheme.levels]
        who = f"{self.employee.id} {self.employee.name}"

        def chosen(override: Override | None) -> None:
            if override is None:
                return
            try:
                self.ctx.store.add_override(override)
            except StoreError as error:  # e.g. a closed month: the store says which and who closed it
                self.notify(str(error), severity="error", timeout=8)
                return
            self.notify(self.ctx.t("hist.overridden", who=who, level=self._level_label(override.level), month=override.period))
            self.reload()

        modal = OverrideModal(self.ctx, self.employee_id, who, levels, self.current_level(), self.ctx.period)
        self.app.push_screen(modal, chosen)
