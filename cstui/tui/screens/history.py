"""One employee's history: the level timeline, monthly scores as a small chart (g hides it),
and every month's decision with its trace. Managers place the employee on a level by hand (o).
The story itself is the core's (:mod:`cstui.story`: that one person replayed, not their team);
this screen only shows it.

An employee whose scheme changed from a month on (their scheme timeline) is told stretch by
stretch: each stretch's months are scored, graded and labelled by its own scheme, and a
"Schemes" line says which scheme graded which months."""

from __future__ import annotations

import weakref
from decimal import Decimal
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from cstui.domain import Override, Period, Result
from cstui.store import StoreError
from cstui.story import Story, Stretch, team_ranks, tell_story, told_quickly
from cstui.tui.context import AppContext
from cstui.tui.i18n import register
from cstui.tui.modals.export import start_export
from cstui.tui.modals.override import OverrideModal
from cstui.tui.navigation import make_screen
from cstui.tui.shown import decision_text, show_number
from cstui.tui.threads import answer
from cstui.tui.widgets.footer import KeysFooter

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"
SPINNER_AFTER_S = 0.3  # a story graded with its team shows "loading…" at once, a spinner after this

register(
    {
        "Back": ("Back", "返回"),
        "Override level": ("Override level", "手动定级"),
        "Open scorecard": ("Open scorecard", "打开考核表"),
        "Chart": ("Chart", "图表"),
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
        "hist.col.rank": ("#", "排名"),
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


def field_of(r: Result | dict, name: str):
    return r.get(name) if isinstance(r, dict) else getattr(r, name)


def chart_points(scores: list[tuple[Period, Decimal | None]]) -> tuple[list[int], list[float], list[str]]:
    """The months with a score as the chart plots them: x positions, values and MM labels."""
    xs, ys, labels = [], [], []
    for x, (month, score) in enumerate(scores):
        labels.append(f"{month.index:02d}")
        if score is not None:
            xs.append(x)
            ys.append(float(score))
    return xs, ys, labels


# the history screen kept for each app's context (by id: a context is not hashable); weak, so
# it lives as long as its app keeps it installed
_KEPT: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


class HistoryScreen(Screen):
    APP_KEYS_IN_FOOTER = False  # the footer shows the screen's keys and ? (help lists the app's)
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("o", "override", "Override level"),
        Binding("s", "scorecard", "Open scorecard"),
        Binding("g", "chart", "Chart"),
        Binding("e", "export", "Export"),
    ]

    def __init__(self, ctx: AppContext, employee_id: str):
        super().__init__()
        self.ctx, self.employee_id = ctx, employee_id
        self.employee = ctx.store.employee(employee_id)
        self._scheme_of_period()
        self.story: Story | None = None
        self.painted: int | None = None  # the decisions shown, once they and the chart are painted
        self.kept = False  # installed in the app at its first mount, shown again by reopen
        self._spinner_timer = None  # shows the loading spinner when a story takes a while

    @classmethod
    def reopen(cls, ctx: AppContext, employee_id: str) -> HistoryScreen:
        """The history of ``employee_id`` in the app's kept history screen, its widgets composed
        at its first opening (composing, styling and laying out a new screen's widgets is most
        of what opening one costs); a new screen while the kept one is on the screen stack (a
        history opened from a scorecard opened from a history)."""
        employee = ctx.store.employee(employee_id)  # a refusal (another team's) changes nothing
        kept = _KEPT.get(id(ctx))
        if kept is None or not kept.is_free():
            screen = cls(ctx, employee_id)
            if kept is None:
                screen.kept = True
                _KEPT[id(ctx)] = screen
            return screen
        kept.workers.cancel_group(kept, "history-ranks")  # the last person's ranks: nobody waits for them
        kept.employee_id, kept.employee, kept.story, kept.painted = employee_id, employee, None, None
        kept._cstui_period = ctx.period  # told the period here: the app need not tell it again
        kept.reload()  # before it is shown: its first frame is this person's
        for box in kept.query(VerticalScroll):
            box.scroll_home(animate=False)
        return kept

    def is_free(self) -> bool:
        """Mounted, installed, and on no screen stack: it may be shown for another person."""
        return self.is_attached and self.app.is_screen_installed(self) and self not in self.app.screen_stack

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
            yield PlotextPlot(id="hist-chart")
            with Horizontal(id="hist-lower"):
                yield DataTable(id="hist-decisions", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="hist-trace-box"):
                    yield Static(t("hist.select"), id="hist-trace", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        t = self.ctx.t
        if self.kept:  # popped, it stays (not removed) for reopen
            self.app.install_screen(self, f"cstui-history-{id(self)}")
        table = self.query_one(DataTable)
        for key in ("period", "score", "rank", "decision", "level"):
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
        if self._quick():
            # one person's replay (milliseconds) or a small team's (~100-150 ms): told here, so
            # the screen's first frame shows it all, instead of a "loading" frame, then the
            # story's, with a worker sharing the interpreter with both
            self._show(self._tell(self.ctx.period, self.employee_id), self.ctx.period)
            return
        if self.story is None:  # reopened for another person: nothing of the last one's shows
            self._blank()
        # the spinner only for a story still not told after a moment: mounting and animating it
        # costs the screen a third of its frame time while the story is graded (the timeline
        # already says "loading…")
        self._spinner_timer = self.set_timer(SPINNER_AFTER_S, self._spinner)
        self._load(self.ctx.period, self.employee_id)

    def _quick(self) -> bool:
        try:
            return told_quickly(self.ctx.store, self.ctx.try_scheme, self.employee_id, self.ctx.period)
        except StoreError:  # told by the worker, which says what is refused
            return False

    def _spinner(self) -> None:
        if self.story is None:
            self.query_one("#hist-lower").loading = True

    def _blank(self) -> None:
        t = self.ctx.t
        self.query_one("#hist-timeline", Static).update(t("hist.loading"))
        self.query_one("#hist-schemes", Static).display = False
        self.query_one(DataTable).clear()
        self.query_one("#hist-trace", Static).update(t("hist.select"))
        self._chart([])

    def _tell(self, until: Period, employee_id: str) -> Story:
        try:
            return tell_story(self.ctx.store, self.ctx.try_scheme, self.ctx.levels.one, employee_id, until)
        except (StoreError, ValueError) as error:
            return Story(problem=str(error))
        except StopIteration as error:  # asyncio cannot put it in the worker's future: it would never end
            raise RuntimeError("the history's story ended early (StopIteration)") from error

    @work(thread=True, exclusive=True, group="history")
    def _load(self, until: Period, employee_id: str) -> None:
        """The story of a team-relative scheme (its team graded): in a thread, keys going on."""
        story = self._tell(until, employee_id)
        if employee_id == self.employee_id:  # else the screen was reopened for another person
            answer(self, self._show, story, until)

    @work(thread=True, exclusive=True, group="history-ranks")
    def _load_ranks(self, until: Period, wanted: list[tuple[Period, str]], story: Story, employee_id: str) -> None:
        """The team's ranks of the periods told alone (after the story is on screen: a large
        team takes longer than the person)."""
        worker = get_current_worker()  # cancelled when the screen is shown for another person
        try:
            ranks = team_ranks(self.ctx.store, self.ctx.try_scheme, employee_id, wanted, lambda: worker.is_cancelled)
        except (StoreError, ValueError):
            ranks = {}
        answer(self, self._show_ranks, ranks, until, story)

    def _show_ranks(self, ranks: dict, until: Period, story: Story) -> None:
        if until != self.ctx.period or story is not self.story:  # another period or person since
            return
        table = self.query_one(DataTable)
        for index, (period, result, _recorded) in enumerate(self.story.decisions):
            key = (period, field_of(result, "scheme"))
            if key in ranks and isinstance(result, Result):
                result.rank = ranks[key]
                table.update_cell(str(index), "rank", "" if result.rank is None else str(result.rank))

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
        if self._spinner_timer is not None:
            self._spinner_timer.stop()
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
        pending = self._fill_decisions(story)
        self._trace(0)
        # the chart with the table: one frame paints them both (each frame of the whole screen
        # costs about what drawing it all does); the team's ranks (another worker grading the
        # team, which would slow this paint) come after that frame
        self._chart(story.scores)
        self.call_after_refresh(self._after_paint, until, pending, story)

    def _after_paint(self, until: Period, pending: list[tuple[Period, str]], story: Story) -> None:
        """The whole history is on screen: the team's ranks may be graded now (a thread that
        competes with the screen for the interpreter while it runs)."""
        if story is not self.story:  # reopened for another person before this paint
            return
        self.painted = len(story.decisions)
        if pending and self.is_attached and until == self.ctx.period:
            self._load_ranks(until, pending, story, self.employee_id)

    def _fill_decisions(self, story: Story) -> list[tuple[Period, str]]:
        """The decisions table; returns the periods told alone, whose team rank comes after."""
        t = self.ctx.t
        table = self.query_one(DataTable)
        table.clear()
        pending: list[tuple[Period, str]] = []  # told alone: the team's rank comes after
        for index, (period, result, recorded) in enumerate(story.decisions):
            score = field_of(result, "score")
            before, after = field_of(result, "level_before"), field_of(result, "level_after")
            level = self._level_label(before, period) if before else ""
            if after and after != before:
                level = f"{level}→{self._level_label(after, period)}"
            decision = decision_text(self.ctx, field_of(result, "decision")) + (
                " " + t("hist.recorded") if recorded else ""
            )
            rank = field_of(result, "rank")
            told = (period, field_of(result, "scheme")) in story.ranks  # the story graded the team: its rank
            if rank is None and not recorded and not told and field_of(result, "score") is not None:
                pending.append((period, field_of(result, "scheme")))
            table.add_row(
                str(period), show_number(score), "" if rank is None else str(rank), decision, level, key=str(index)
            )
        return pending

    def _chart(self, scores: list[tuple[Period, Decimal | None]]) -> None:
        """The score of each month shown, as a small line chart (g hides it for more rows)."""
        widget = self.query_one(PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        xs, ys, labels = chart_points(scores)
        if ys:
            plt.plot(xs, ys, marker="braille")
            plt.xticks(list(range(len(labels))), labels)
            low, high = min(ys), max(ys)
            pad = max((high - low) / 4, 1.0)
            plt.ylim(low - pad, high + pad)
        widget.refresh()

    def action_chart(self) -> None:
        chart = self.query_one(PlotextPlot)
        chart.display = not chart.display

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
        self.workers.cancel_group(self, "history-ranks")  # its grading would only slow the next screen
        self.dismiss()

    def action_export(self) -> None:
        """The periods listed (newest first), with their traces, to CSV, XLSX or a plugin's format."""
        results = [r for _, r, _ in self.story.decisions if isinstance(r, Result)] if self.story else []
        what = self.ctx.t("export.what.history", who=f"{self.employee.id} {self.employee.name}")
        start_export(self, self.ctx, what, f"history-{self.employee.id}-{self.ctx.period}.csv", results)

    def action_scorecard(self) -> None:
        self.app.push_screen(make_screen(self.ctx, "scorecard", self.employee_id), lambda _: self.reload())

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
                self.notify(self.ctx.error_text(error), severity="error", timeout=8)
                return
            self.notify(
                self.ctx.t("hist.overridden", who=who, level=self._level_label(override.level), month=override.period)
            )
            self.reload()

        modal = OverrideModal(self.ctx, self.employee_id, who, levels, self.current_level(), self.ctx.period)
        self.app.push_screen(modal, chosen)
