"""The period board: every employee of the visible teams for the current month, graded.

Rows come from running each scheme's ``model.grade`` over ``store.team_histories`` (in a
thread, with a loading indicator), or from the recorded results once the period is closed.
Managers record the results (A) and close the period (C), each after a confirmation that
says exactly what will change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from cstui.domain import Period, Result
from cstui.engine.cards import INVALID, invalid_results
from cstui.errors import InvalidData
from cstui.grading import apply_schemes, graded_teams, result_from_row
from cstui.plugins import get_registry
from cstui.schemes import SchemeError
from cstui.store import StoreError
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS, user_message
from cstui.tui.i18n import register
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.modals.export import start_export
from cstui.tui.modals.reopen import ReopenModal
from cstui.tui.navigation import make_screen
from cstui.tui.shown import decision_text, show_number
from cstui.tui.widgets.footer import KeysFooter
from cstui.tui.widgets.virtual_table import fit_cell

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Open scorecard": ("Open scorecard", "打开考核表"),
        "History": ("History", "历史"),
        "Calibration": ("Calibration", "评分校准"),  # the key's name; its screen is cstui.tui.screens.calibration
        "Sort": ("Sort", "排序"),
        "Filter": ("Filter", "筛选"),
        "Team": ("Team", "组别"),
        "Apply": ("Apply", "记录结果"),
        "Close period": ("Close period", "关闭周期"),
        "Reopen": ("Reopen", "重新打开"),
        "board.reopened": ("Reopened {period}", "已重新打开 {period}"),
        "Reload": ("Reload", "刷新"),
        "Back": ("Back", "返回"),
        "board.head": (
            "Board {period} · {status} · team {team} · {source}",
            "考核看板 {period} · {status} · 组别 {team} · {source}",
        ),
        "board.all": ("all", "全部"),
        "board.open": ("open", "进行中"),
        "board.closed": ("closed", "已关闭"),
        "board.computed": ("computed now", "实时计算"),
        "board.recorded": ("recorded results", "已记录结果"),
        "board.loading": ("grading…", "计算中…"),
        "board.status": ("{shown} of {total} · sort: {sort}{filter}", "{shown} / {total} · 排序：{sort}{filter}"),
        "board.filtering": (" · filter: {text}", " · 筛选：{text}"),
        "board.problems": (" · {n} problem(s): {first}", " · {n} 个问题：{first}"),
        "board.filter_hint": (
            "filter by id, name, decision or flag; Enter keeps it, Esc clears",
            "按工号、姓名、结论或标记筛选；回车保留，Esc 清除",
        ),
        "board.sort.team": ("team, rank", "组别、排名"),
        "board.sort.score": ("score", "得分"),
        "board.sort.name": ("name", "姓名"),
        "board.sort.decision": ("decision", "结论"),
        "board.sort.pay": ("pay", "薪资"),
        "board.col.employee": ("Employee", "员工"),
        "board.col.team": ("Team", "组别"),
        "board.col.score": ("Score", "得分"),
        "board.col.grade": ("Gr", "评级"),
        "board.col.rank": ("#", "排名"),
        "board.col.level": ("Level", "级别"),
        "board.col.decision": ("Decision", "结论"),
        "board.col.pay": ("Pay Δ", "薪资Δ"),
        "board.col.flags": ("Flags", "标记"),
        "board.detail": (
            "{who} · {team} · {level} · {decision}{flags}",
            "{who} · {team} · {level} · {decision}{flags}",
        ),
        "board.detail.flags": (" · flags: {flags}", " · 标记：{flags}"),
        "board.apply.title": ("Record results", "记录结果"),
        "board.apply.body": (
            "Record {n} results for {period}{team}: {counts}.{replace}\nPay deltas total {pay} yuan.",
            "记录 {period}{team} 的 {n} 条结果：{counts}。{replace}\n薪资浮动合计 {pay} 元。",
        ),
        "board.apply.team": (" (team {team})", "（组别 {team}）"),
        "board.apply.replace": (" The {n} results recorded before are replaced.", "之前记录的 {n} 条结果将被替换。"),
        "board.applied": ("Recorded {n} results for {period}", "已记录 {period} 的 {n} 条结果"),
        "board.close.title": ("Close period", "关闭考核周期"),
        "board.close.body": (
            "Close {period}: scorecards and incidents of {period} become read-only for everyone; "
            "results can no longer be recorded. {recorded}",
            "关闭 {period}：所有人的 {period} 考核表和奖惩记录变为只读，不能再记录结果。{recorded}",
        ),
        "board.close.recorded": ("{n} results are recorded.", "已记录 {n} 条结果。"),
        "board.close.unrecorded": ("No results have been recorded for it yet.", "该周期尚未记录任何结果。"),
        "board.closed_done": ("Closed {period}", "已关闭 {period}"),
        "board.flagged": ("{n} flagged", "{n} 人被标记"),
        "board.none": ("nothing to record", "没有可记录的结果"),
        "board.apply.invalid": (
            "{n} scorecard(s) of this period are refused by their scheme (listed first): correct them, then apply",
            "本周期有 {n} 张考核表不符合方案（列在最前）：请先更正，再记录结果",
        ),
        "board.quota.max": (
            "⚠ quota: team {team}: {count} of {graded} graded {grades} ({share}); at most {quota} allowed{more}",
            "⚠ 配额：{team}：{graded} 人中 {count} 人评 {grades}（{share}）；至多 {quota}{more}",
        ),
        "board.quota.min": (
            "⚠ quota: team {team}: {count} of {graded} graded {grades} ({share}); at least {quota} required{more}",
            "⚠ 配额：{team}：{graded} 人中 {count} 人评 {grades}（{share}）；至少 {quota}{more}",
        ),
        "board.quota.more": (" (+{n} more)", "（另有 {n} 项）"),
    }
)

SORTS = ("team", "score", "name", "decision", "pay")
COLUMNS = ("employee", "team", "score", "grade", "rank", "level", "decision", "pay", "flags")
# Below WIDE columns the board leaves out Team (the detail line names it) and cuts long
# cells to these widths, so that Flags stays on screen at 80 columns.
WIDE = 100
NARROW_WIDTHS = {"employee": 16, "score": 6, "grade": 2, "rank": 3, "level": 13, "decision": 12, "pay": 6, "flags": 5}
# 中文 headers are two cells a character: the short columns widen to show them whole
NARROW_WIDTHS_ZH = NARROW_WIDTHS | {"grade": 4, "rank": 4, "level": 12, "decision": 8, "pay": 6}
# English counts: (one, several); other decisions and other languages use the decision's label
COUNTED = {
    "promote": ("promotion", "promotions"),
    "demote": ("demotion", "demotions"),
    "elimination-review": ("elimination review", "elimination reviews"),
    "dismissal-review": ("dismissal review", "dismissal reviews"),
    "exemption": ("exemption", "exemptions"),
    "probation": ("probation", "probations"),
}


def search_text(r: Result) -> str:
    """What the board's filter matches: id, name, decision, grade and flags."""
    return " ".join((r.employee_id, r.name, r.decision, r.grade or "", " ".join(r.flags))).lower()


@dataclass
class Graded:
    period: Period
    status: str
    source: str  # "computed" or "recorded"
    rows: list[Result]
    results: list[Result]  # what A records (empty when shown from recorded results)
    recorded: int  # results already recorded for the period
    problems: list[str]
    quotas: dict[str, list] = field(default_factory=dict)  # team → the grade quotas it breaks


def team_breaches(ctx: AppContext, rows: list[Result]) -> dict[str, list]:
    """Each team's broken grade quotas ([distribution]) under its scheme, for the board's notice."""
    from cstui.grading import quota_breaches

    by_group: dict[tuple[str, str], list[Result]] = {}
    for r in rows:
        by_group.setdefault((r.scheme, r.team), []).append(r)
    found: dict[str, list] = {}
    for (name, team), members in by_group.items():
        scheme, _problem = ctx.try_scheme(name)
        if scheme is not None:
            found.setdefault(team, []).extend(quota_breaches(scheme, team, members))
    return {team: breaches for team, breaches in found.items() if breaches}


def grade_period(ctx: AppContext, period: Period, team: str | None) -> Graded:
    """The board's rows: recorded results of a closed period, else a fresh grading."""
    store = ctx.store
    status = store.period_status(period)
    recorded = store.results(period, team=team)
    if status == "closed" and recorded:
        rows = [result_from_row(r) for r in recorded]
        return Graded(period, status, "recorded", rows, [], len(recorded), [], team_breaches(ctx, rows))
    results, problems = [], []
    schemes = sorted({e.scheme for e in store.employees(team=team, status="active") if e.scheme})
    for name in schemes:
        try:
            scheme = ctx.scheme(name)
            for _, graded in graded_teams(store, scheme, period, [team] if team else None):
                results.extend(graded)
        except (SchemeError, StoreError, ValueError) as error:
            problems.append(f"{name}: {error}")
    return Graded(period, status, "computed", results, results, len(recorded), problems, team_breaches(ctx, results))


def quota_text(ctx: AppContext, breaches: list) -> str:
    """The first broken quota of a team, in the user's language, and how many more there are."""
    from cstui.engine.distribution import percent

    b = breaches[0]
    more = ctx.t("board.quota.more", n=len(breaches) - 1) if len(breaches) > 1 else ""
    return ctx.t(
        f"board.quota.{b.quota.bound}",
        team=ctx.team_label(b.team),
        count=b.count,
        graded=b.graded,
        grades=b.quota.key,
        share=percent(b.share),
        quota=percent(b.quota.share),
        more=more,
    )


def level_text(r: Result, ctx: AppContext | None = None) -> str:
    """``3-star``, or ``3-star→4-star`` when the level changes; labelled in the user's language."""
    label = (lambda key: ctx.level_label(r.scheme, key)) if ctx is not None else (lambda key: key)
    level = label(r.level_before) if r.level_before else ""
    if r.level_after and r.level_after != r.level_before:
        level = f"{level}→{label(r.level_after)}"
    return level


def signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = show_number(value)
    return f"+{text}" if value > 0 else text


class PeriodBoardScreen(Screen):
    APP_KEYS_IN_FOOTER = False  # the footer shows the screen's keys and ? (help lists the app's)
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("escape", "back", "Back", show=False),
        Binding("enter", "open_scorecard", "Open scorecard", show=False),
        Binding("h", "history", "History"),
        Binding("s", "sort", "Sort"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("t", "team", "Team"),
        Binding("A", "apply", "Apply", key_display="A"),
        Binding("C", "close_period", "Close period", key_display="C"),
        Binding("R", "reopen_period", "Reopen", key_display="R"),
        Binding("r", "reload", "Reload", show=False),
        Binding("c", "calibration", "Calibration", show=False),  # cstui.tui.screens.calibration
        Binding("e", "export", "Export", show=False),  # the view as shown: cstui.tui.modals.export
    ]

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.graded: Graded | None = None
        self.sort = "team"
        self.filter_text = ""
        self.team: str | None = None
        self.loading_board = False
        self.narrow: bool | None = None  # below WIDE columns: see _columns

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-head", classes="head", markup=False)
        yield DataTable(id="board-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="board-detail", markup=False)
        quota = Static("", id="board-quota", markup=False)
        quota.display = False  # shown for a team that breaks a grade quota
        yield quota
        yield Static("", id="board-status", markup=False)
        filter_input = Input(placeholder=self.ctx.t("board.filter_hint"), id="board-filter", compact=True)
        filter_input.display = False
        yield filter_input
        yield KeysFooter()

    def on_mount(self) -> None:
        self._columns()
        self.reload()

    def _columns(self) -> None:
        """The table's columns for the screen's width (see WIDE); refilled when that changes."""
        narrow = self.size.width < WIDE
        if narrow == self.narrow:
            return
        self.narrow = narrow
        t, table = self.ctx.t, self.query_one(DataTable)
        table.clear(columns=True)
        for key in COLUMNS:
            if narrow and key == "team":
                continue
            widths = NARROW_WIDTHS_ZH if self.ctx.lang == "zh" else NARROW_WIDTHS
            table.add_column(t(f"board.col.{key}"), key=key, width=widths.get(key) if narrow else None)
        if self.graded is not None:
            self._fill()

    def on_resize(self) -> None:
        self._columns()

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        self.loading_board = True
        self.query_one(DataTable).loading = True
        self._head()
        self.refresh_bindings()
        self._grade(self.ctx.period, self.team)

    @work(thread=True, exclusive=True, group="board")
    def _grade(self, period: Period, team: str | None) -> None:
        try:
            graded = grade_period(self.ctx, period, team)
        except StoreError as error:
            graded = Graded(period, "open", "computed", [], [], 0, [str(error)])
        self.app.call_from_thread(self._show, graded)

    def _show(self, graded: Graded) -> None:
        if graded.period != self.ctx.period:
            return  # a stale answer; the newer one is on its way
        self.graded = graded
        self.loading_board = False
        self.query_one(DataTable).loading = False
        self._fill()
        self.refresh_bindings()

    def on_period_changed(self) -> None:
        self.reload()

    # -- showing ------------------------------------------------------------------------------

    def _head(self) -> None:
        t, g = self.ctx.t, self.graded
        status = t("board.closed" if g and g.status == "closed" else "board.open") if g else ""
        source = t("board.loading") if self.loading_board else t(f"board.{g.source}") if g else ""
        text = t("board.head", period=self.ctx.period, status=status, team=self.team or t("board.all"), source=source)
        self.query_one("#board-head", Static).update(text)

    def visible_rows(self) -> list[Result]:
        rows = self.graded.rows if self.graded else []
        words = self.filter_text.lower().split()
        rows = [r for r in rows if all(w in f"{search_text(r)} {self.labels_text(r)}" for w in words)]
        return sorted(rows, key=self._sort_key)

    def labels_text(self, r: Result) -> str:
        """What the filter matches beyond the raw keys: team, level and decision in both languages
        (``热线`` finds the hotline team, ``初级`` the juniors)."""
        ctx = self.ctx
        scheme, _problem = ctx.try_scheme(r.scheme)
        levels = [lv for lv in (scheme.levels if scheme else []) if lv.key in (r.level_before, r.level_after)]
        names = [ctx.team_label(r.team), ctx._team_names.get(r.team, ""), self.decision_label(r.decision)]
        names += [n for lv in levels for n in (lv.key, lv.label, lv.label_zh)]
        return " ".join(names).lower()

    def _sort_key(self, r: Result):
        # a refused card comes first whatever the sort: it must be corrected before Apply
        return (r.decision != INVALID, self._order(r))

    def _order(self, r: Result):
        missing = Decimal("-1e9")
        if self.sort == "score":
            return (-(r.score if r.score is not None else missing), r.employee_id)
        if self.sort == "name":
            return (r.name, r.employee_id)
        if self.sort == "decision":
            return (r.decision, r.team, r.rank or 10**9, r.employee_id)
        if self.sort == "pay":
            return (-(r.pay_delta if r.pay_delta is not None else missing), r.employee_id)
        return (r.team, r.scheme, r.rank or 10**9, r.employee_id)

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        rows = self.visible_rows()
        for r in rows:
            cells = {
                "employee": f"{r.employee_id} {r.name}",
                "team": self.ctx.team_label(r.team),
                "score": show_number(r.score),
                "grade": r.grade or "",
                "rank": str(r.rank) if r.rank is not None else "",
                "level": level_text(r, self.ctx),
                "decision": self.decision_label(r.decision) if r.decision != "stay" else "",
                "pay": signed(r.pay_delta),
                # narrow: a count; the detail line under the table lists the selected row's flags
                "flags": (f"⚑{len(r.flags)}" if r.flags else "") if self.narrow else ", ".join(r.flags),
            }
            if self.narrow:  # a cut cell ends in "…" (the detail line below shows it whole)
                widths = NARROW_WIDTHS_ZH if self.ctx.lang == "zh" else NARROW_WIDTHS
                cells.update({key: fit_cell(cells[key], widths[key]).rstrip() for key in ("level", "decision")})
            table.add_row(*(cells[key] for key in COLUMNS if key in table.columns), key=f"{r.employee_id}/{r.scheme}")
        self._head()
        self._status(len(rows))
        self._detail()

    def _detail(self) -> None:
        """The selected row in full: name, team, level change, decision and every flag."""
        row, t = self.current_row(), self.ctx.t
        text = ""
        if row is not None:
            flags = t("board.detail.flags", flags=", ".join(row.flags)) if row.flags else ""
            text = t(
                "board.detail",
                who=f"{row.employee_id} {row.name}",
                team=self.ctx.team_label(row.team),
                level=level_text(row, self.ctx) or "-",
                decision=self.decision_label(row.decision),
                flags=flags,
            )
        self.query_one("#board-detail", Static).update(text)
        self._quota(row)

    def _quota(self, row: Result | None) -> None:
        """One line under the detail when the selected row's team breaks a grade quota."""
        breaches = self.graded.quotas.get(row.team, []) if row is not None and self.graded else []
        notice = self.query_one("#board-quota", Static)
        notice.display = bool(breaches)
        if breaches:
            notice.update(quota_text(self.ctx, breaches))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def decision_label(self, decision: str) -> str:
        return decision_text(self.ctx, decision)

    def _status(self, shown: int) -> None:
        t, g = self.ctx.t, self.graded
        total = len(g.rows) if g else 0
        text = t(
            "board.status",
            shown=shown,
            total=total,
            sort=t(f"board.sort.{self.sort}"),
            filter=t("board.filtering", text=self.filter_text) if self.filter_text else "",
        )
        if g and g.problems:
            text += t("board.problems", n=len(g.problems), first=g.problems[0])
        self.query_one("#board-status", Static).update(text)

    # -- navigation ---------------------------------------------------------------------------

    def current_row(self) -> Result | None:
        table = self.query_one(DataTable)
        if not table.row_count or table.cursor_row is None:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((r for r in self.visible_rows() if f"{r.employee_id}/{r.scheme}" == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_scorecard()

    def action_open_scorecard(self) -> None:
        row = self.current_row()
        if row is not None:
            self._open(lambda: make_screen(self.ctx, "scorecard", row.employee_id), lambda _: self.reload())

    def action_history(self) -> None:
        row = self.current_row()
        if row is not None:
            self._open(lambda: make_screen(self.ctx, "history", row.employee_id))

    def action_calibration(self) -> None:
        self._open(lambda: make_screen(self.ctx, "calibration"))

    def _open(self, make, callback=None) -> None:
        """Push the screen ``make()`` builds; a refusal (another team's employee, a gone row)
        is a message. Enter arrives as DataTable.RowSelected, outside the app's action guard."""
        try:
            screen = make()
        except USER_ERRORS as error:
            self.notify(user_message(error), severity="error", timeout=8)
            return
        self.app.push_screen(screen, callback)

    def action_export(self) -> None:
        """The rows as shown (team, filter, sort) to CSV, XLSX or a plugin's format."""
        what = self.ctx.t("export.what.board", period=self.ctx.period)
        name = f"board-{self.ctx.period}{'-' + self.team if self.team else ''}.csv"
        start_export(self, self.ctx, what, name, self.visible_rows())

    def action_back(self) -> None:
        if self.query_one("#board-filter", Input).display:
            self._end_filter(keep=False)
        elif len(self.app.screen_stack) > 1 and self.app.screen_stack[-1] is self:
            self.dismiss()

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._fill()

    def action_team(self) -> None:
        teams = [None] + [row["id"] for row in self.ctx.store.teams()]
        self.team = teams[(teams.index(self.team) + 1) % len(teams)] if self.team in teams else None
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_filter(self) -> None:
        field = self.query_one("#board-filter", Input)
        field.display = True
        field.value = self.filter_text
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "board-filter":
            self.filter_text = event.value.strip()
            self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "board-filter":
            event.stop()
            self._end_filter(keep=True)

    def _end_filter(self, keep: bool) -> None:
        field = self.query_one("#board-filter", Input)
        if not keep:
            self.filter_text = ""
            self._fill()
        field.display = False
        self.query_one(DataTable).focus()

    # -- apply and close ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reopen_period":  # offered to managers on a closed period only
            g = self.graded
            return self.ctx.store.user.is_manager and not self.loading_board and g is not None and g.status == "closed"
        if action in ("apply", "close_period"):
            g = self.graded
            if not self.ctx.store.user.is_manager:
                return False
            if self.loading_board or g is None or g.status == "closed":
                return None
            if action == "apply" and not g.results:
                return None
        return True

    def action_apply(self) -> None:
        g = self.graded
        if g is None or not g.results:
            self.notify(self.ctx.t("board.none"))
            return
        invalid = invalid_results(g.results)
        if invalid:  # batch --apply refuses the same; say so before asking
            self.notify(self.ctx.t("board.apply.invalid", n=len(invalid)), severity="error", timeout=8)
            return
        self.app.push_screen(
            ConfirmModal(self.ctx, self.ctx.t("board.apply.title"), self.apply_message(g)),
            lambda yes: yes and self._record(g),
        )

    def apply_message(self, g: Graded) -> str:
        t = self.ctx.t
        decisions = Counter(r.decision for r in g.results)
        order = ["promote", "demote"] + sorted(k for k in decisions if k not in ("promote", "demote"))
        parts = []
        for kind in order:
            n = decisions.get(kind, 0)
            if n or kind in ("promote", "demote"):
                forms = COUNTED.get(kind) if self.ctx.lang == "en" else None
                label = forms[n != 1] if forms else self.decision_label(kind)
                parts.append(f"{n} {label}")
        flagged = sum(1 for r in g.results if r.flags)
        if flagged:
            parts.append(t("board.flagged", n=flagged))
        pay = sum((r.pay_delta for r in g.results if r.pay_delta is not None), Decimal(0))
        return t(
            "board.apply.body",
            n=len(g.results),
            period=g.period,
            team=t("board.apply.team", team=self.team) if self.team else "",
            counts=", ".join(parts),
            replace=t("board.apply.replace", n=g.recorded) if g.recorded else "",
            pay=signed(pay) or "0",
        )

    def _record(self, g: Graded) -> None:
        # the one apply path batch --apply also takes: graded with no lock held, then results
        # and checkpoints of every scheme in one short transaction
        store, teams = self.ctx.store, [self.team] if self.team else None
        try:
            spools = apply_schemes(
                store, [self.ctx.scheme(name) for name in sorted({r.scheme for r in g.results})], g.period, teams
            )
            count = sum(spool.result_count for spool in spools)
            for spool in spools:
                spool.close()
        except (SchemeError, StoreError, InvalidData) as error:  # InvalidData: a card went bad since
            self.notify(str(error), severity="error")
            self.reload()
            return
        self.notify(self.ctx.t("board.applied", n=count, period=g.period))
        self.reload()

    def action_close_period(self) -> None:
        g = self.graded
        if g is None:
            return
        self.app.push_screen(
            ConfirmModal(self.ctx, self.ctx.t("board.close.title"), self.close_message(g)),
            lambda yes: yes and self._close(g.period),
        )

    def close_message(self, g: Graded) -> str:
        t = self.ctx.t
        recorded = t("board.close.recorded", n=g.recorded) if g.recorded else t("board.close.unrecorded")
        return t("board.close.body", period=g.period, recorded=recorded)

    def _close(self, period: Period) -> None:
        store = self.ctx.store
        try:
            store.close_period(period)
        except StoreError as error:
            self.notify(str(error), severity="error")
            return
        get_registry().notify_period_closed(str(store.path), str(period), store.login)
        self.notify(self.ctx.t("board.closed_done", period=period))
        self.reload()

    def action_reopen_period(self) -> None:
        g = self.graded
        if g is None or g.status != "closed":
            return
        self.app.push_screen(ReopenModal(self.ctx, g.period), lambda reason: reason and self._reopen(g.period, reason))

    def _reopen(self, period: Period, reason: str) -> None:
        try:
            self.ctx.store.reopen_period(period, reason)
        except USER_ERRORS as error:  # e.g. closed through its quarter: says which to reopen
            self.notify(user_message(error), severity="error", timeout=8)
            return
        self.notify(self.ctx.t("board.reopened", period=period))
        self.reload()
