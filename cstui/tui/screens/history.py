"""One employee's history: the level timeline, monthly scores as a bar chart, and every
month's decision with its trace. Managers place the employee on a level by hand (o).

An employee whose scheme changed from a month on (their scheme timeline) is told stretch by
stretch: each stretch's months are scored, graded and labelled by its own scheme, and a
"Schemes" line says which scheme graded which months."""

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
from cstui.store.timeline import Assignment
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
        "hist.head": (
            "{id} {name} · {team} · {scheme} · now {level}",
            "{id} {name} · {team} · {scheme} · 当前 {level}",
        ),
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
        "hist.schemes": ("Schemes: {stretches}", "考核方案：{stretches}"),
        "hist.stretch.to": ("{scheme} to {last}", "{scheme} 至 {last}"),
        "hist.stretch.from": ("{scheme} from {first}", "{scheme} 自 {first} 起"),
        "hist.stretch.between": ("{scheme} {first}–{last}", "{scheme} {first}–{last}"),
    }
)


@dataclass(frozen=True)
class Stretch:
    """The months (``first``..``last``, both included; None = open) one scheme grades,
    replayed from ``level``."""

    scheme: str | None
    first: Period | None
    last: Period | None
    level: str | None = None

    def holds(self, month: Period) -> bool:
        o = month.last_month.ordinal
        return (self.first is None or self.first.ordinal <= o) and (self.last is None or o <= self.last.ordinal)

    def starts_after(self, month: Period) -> bool:
        return self.first is not None and self.first.ordinal > month.last_month.ordinal


def stretches_of(line: list[Assignment], current_scheme: str | None) -> list[Stretch]:
    """The timeline as stretches, earliest first; the earliest also covers the months before its
    own. Without a timeline (a row written by an older cstui): one stretch on the current scheme."""
    if not line:
        return [Stretch(current_scheme, None, None)]
    return [
        Stretch(
            a.scheme,
            None if i == 0 else Period.parse(a.since),
            Period.parse(line[i + 1].since).shift(-1) if i + 1 < len(line) else None,
            a.level,
        )
        for i, a in enumerate(line)
    ]


@dataclass
class Story:
    """Everything the history screen shows, computed off the UI thread."""

    timeline: list[tuple[Period, str, str]] = field(default_factory=list)
    scores: list[tuple[Period, Decimal | None]] = field(default_factory=list)
    decisions: list[tuple[Period, Result | dict, bool]] = field(default_factory=list)  # (period, result, recorded)
    overrides: list[Override] = field(default_factory=list)
    level_now: str | None = None
    problem: str = ""
    stretches: list[Stretch] = field(default_factory=list)

    def scheme_at(self, month: Period) -> str | None:
        """The scheme grading ``month`` (its stretch's), None when no stretch holds it."""
        return next((s.scheme for s in self.stretches if s.holds(month)), None)


def upto(history: TeamHistory, last: Period) -> TeamHistory:
    """The team's history as it stood at the end of ``last`` (later cards and overrides left out)."""
    cards = {e: {p: c for p, c in months.items() if p.ordinal <= last.ordinal} for e, months in history.cards.items()}
    overrides = {e: [o for o in os if o.period.ordinal <= last.ordinal] for e, os in history.overrides.items()}
    return TeamHistory(history.team, history.employees, cards, overrides)


def tell_story(ctx: AppContext, employee_id: str, team: str, until: Period) -> Story:
    """The employee's history up to ``until``, each stretch of their scheme timeline told by its
    own scheme. A stretch that starts after ``until`` has nothing to tell yet (it is listed in
    ``stretches`` only): its scheme's history for ``until`` does not hold the employee."""
    store = ctx.store
    employee = store.employee(employee_id)
    story = Story(stretches=stretches_of(store.scheme_assignments(employee_id), employee.scheme))
    story.overrides = store.overrides(employee_id)
    story.level_now = ctx.levels.one(employee, until)
    months = [until.shift(-i) for i in range(MONTHS_SHOWN - 1, -1, -1)]
    for stretch in story.stretches:
        if stretch.starts_after(until) or stretch.scheme is None:
            continue
        scheme, problem = ctx.try_scheme(stretch.scheme)
        if scheme is None:
            story.problem = problem or stretch.scheme
            continue
        # an earlier stretch is told as it stood at its own last month
        last = until if stretch.holds(until) else stretch.last
        _tell_stretch(ctx, story, scheme, employee_id, team, last, [m for m in months if stretch.holds(m)])
    if story.scores:  # months outside every told stretch (before the hire) show no bar
        story.scores = [(m, dict(story.scores).get(m)) for m in months]
    story.decisions.sort(key=lambda d: d[0].last_month.ordinal, reverse=True)  # newest first
    return story


def _tell_stretch(
    ctx, story: Story, scheme: Scheme, employee_id: str, team: str, last: Period, months: list[Period]
) -> None:
    """Add one stretch's levels, scores and decisions (its ``months`` of those shown) to ``story``."""
    history = next(iter(ctx.store.team_histories(scheme.name, last, teams=[team])), None)
    employee = next((e for e in history.employees if e.id == employee_id), None) if history else None
    if employee is None:  # not on the scheme in those months (e.g. a stretch with no month yet)
        return
    story.timeline += level_timelines(scheme, history, last).get(employee_id, [])
    cards = history.cards.get(employee_id, {})
    for month in months:
        story.scores.append((month, _month_score(scheme, employee, cards.get(month))))
    first = min(cards, key=lambda p: p.ordinal, default=None)
    for month in months:
        if first is None or month.ordinal < first.ordinal:
            continue
        period = month.quarter if scheme.model.review == "quarterly" and month.completes_quarter() else month
        decision = _decision(ctx, scheme, history, employee_id, team, period, month)
        if decision[1] is not None:
            story.decisions.append(decision)


def _month_score(scheme: Scheme, employee, card) -> Decimal | None:
    if card is None:
        return None
    try:
        return scheme.model.score_month(scheme, employee, card).score
    except ValueError:
        return None


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
        self._scheme_of_period()
        self.story: Story | None = None

    def _scheme_of_period(self) -> None:
        """The scheme grading the viewed period (the timeline's): the header names it and an
        override is on its ladder."""
        name = self.ctx.store.schemes_in_month([self.employee_id], self.ctx.period.last_month).get(self.employee_id)
        self.scheme_name = name or self.employee.scheme
        self.scheme, self.scheme_problem = self.ctx.try_scheme(self.scheme_name)

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        yield Header()
        yield Static("", id="hist-head", classes="head", markup=False)
        with VerticalScroll(id="hist-body"):
            yield Static("", id="hist-schemes", markup=False)
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
        self._scheme_of_period()
        self._head()
        if self.scheme is None:
            self.query_one("#hist-timeline", Static).update(
                self.ctx.t("hist.no_scheme", why=self.scheme_problem or "-")
            )
            return
        self.query_one("#hist-lower").loading = True
        self._load(self.ctx.period)

    @work(thread=True, exclusive=True, group="history")
    def _load(self, until: Period) -> None:
        try:
            story = tell_story(self.ctx, self.employee_id, self.employee.team, until)
        except (StoreError, ValueError) as error:
            story = Story(problem=str(error))
        except StopIteration as error:  # asyncio cannot put it in the worker's future: it would never end
            raise RuntimeError("the history's story ended early (StopIteration)") from error
        self.app.call_from_thread(self._show, story, until)

    def on_period_changed(self) -> None:
        self.reload()

    # -- showing ------------------------------------------------------------------------------

    def _level_label(self, key: str | None, month: Period | None = None) -> str:
        """``key`` on the ladder of the scheme grading ``month`` (default: the viewed period)."""
        scheme = self.story.scheme_at(month) if self.story and month is not None else None
        return self.ctx.level_label(scheme or self.scheme_name, key, full=True) or "-"

    def current_level(self) -> str | None:
        """The level now, as every screen shows it (see :mod:`cstui.levels`)."""
        if self.story is not None and self.story.level_now is not None:
            return self.story.level_now
        return self.employee.level

    def _head(self) -> None:
        e = self.employee
        text = self.ctx.t(
            "hist.head",
            id=e.id,
            name=e.name,
            team=self.ctx.team_label(e.team),
            scheme=self.ctx.scheme_label(self.scheme_name) or "-",
            level=self._level_label(self.current_level()),
        )
        self.query_one("#hist-head", Static).update(text)

    def _show(self, story: Story, until: Period) -> None:
        if until != self.ctx.period:
            return
        t = self.ctx.t
        self.story = story
        self._head()
        self.query_one("#hist-lower").loading = False
        self._schemes_line(story.stretches)
        show = self.ctx.show
        lines = [
            f"{p}  {self._level_label(level, p)}  · {show(why, story.scheme_at(p) or self.scheme_name)}"
            for p, level, why in story.timeline
        ]
        for o in story.overrides:  # the timeline holds those in force by now; later ones are listed once here
            if o.period.ordinal > until.last_month.ordinal:
                lines.append(
                    f"{o.period}  {self._level_label(o.level, o.period)}  · {t('hist.override_by', author=o.author, reason=o.reason)}"
                )
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
            level = self._level_label(before, period) if before else ""
            if after and after != before:
                level = f"{level}→{self._level_label(after, period)}"
            decision = decision_text(self.ctx, field_of(result, "decision")) + (
                " " + t("hist.recorded") if recorded else ""
            )
            table.add_row(str(period), show_number(score), decision, level, key=str(index))
        self._trace(0)

    def _schemes_line(self, stretches: list[Stretch]) -> None:
        """Which scheme grades which months, shown once the timeline has more than one stretch."""
        box = self.query_one("#hist-schemes", Static)
        box.display = len(stretches) > 1
        if len(stretches) > 1:
            box.update(self.ctx.t("hist.schemes", stretches=" · ".join(self._stretch_text(s) for s in stretches)))

    def _stretch_text(self, stretch: Stretch) -> str:
        which = {(False, True): "to", (True, False): "from", (True, True): "between"}
        key = which.get((stretch.first is not None, stretch.last is not None))
        if key is None:  # the only stretch: never shown (the header names the scheme)
            return stretch.scheme or "-"
        return self.ctx.t(f"hist.stretch.{key}", scheme=stretch.scheme or "-", first=stretch.first, last=stretch.last)

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
        scheme = field_of(result, "scheme") or self.scheme_name
        lines = [f"{period}: {decision_text(self.ctx, field_of(result, 'decision'))}"] + [
            self.ctx.show(line, scheme) for line in field_of(result, "trace") or []
        ]
        if flags:
            lines.append(self.ctx.show_all(flags, scheme))
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
            self.notify(
                self.ctx.t("hist.overridden", who=who, level=self._level_label(override.level), month=override.period)
            )
            self.reload()

        modal = OverrideModal(self.ctx, self.employee_id, who, levels, self.current_level(), self.ctx.period)
        self.app.push_screen(modal, chosen)
