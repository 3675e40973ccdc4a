"""The period board: the visible employees of the current period, graded, one scheme at a time.

The rows are batch's dry run (:func:`cstui.grading.dry_run`: a closed period's recorded
results, else every team graded from the checkpoints, in the worker pool), graded in a thread
so that keys never wait, shown as teams finish, and kept per period, scheme and fingerprint
(:mod:`cstui.board_grading`): a team switch, a sort or a return to the board grades nothing
again, and after a card changes only its team is graded again. The table is virtual (only the
rows on screen are painted); the detail pane under it shows the selected row in full: every
flag, the previous period beside this one, and the trace (read for that row's team on demand:
the grading itself, like batch without ``--explain``, keeps no traces).

Managers record the results of every scheme (A) and close the period (C), each after a
confirmation that says exactly what will change.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from functools import partial
from pathlib import Path

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from cstui.board_grading import (
    SORTS,
    BoardCache,
    SchemeRows,
    TeamRows,
    board_schemes,
    by_id,
    grade_schemes_overlapped,
    recorded_changed,
    sorted_rows,
    team_traces,
    teams_to_grade,
)
from cstui.domain import Period, Result
from cstui.domain.texts import render
from cstui.engine.cards import invalid_results
from cstui.grading import apply_schemes, dry_run
from cstui.grading_pool import PoolClosed
from cstui.plugins import get_registry
from cstui.schemes import SchemeError
from cstui.store import Store, StoreError
from cstui.store.periods import Outcome
from cstui.tui import heap
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS
from cstui.tui.i18n import register
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.modals.export import start_export
from cstui.tui.modals.reason import ReasonModal
from cstui.tui.modals.reopen import ReopenModal
from cstui.tui.navigation import make_screen
from cstui.tui.shown import decision_text, show_number
from cstui.tui.threads import answer, notify
from cstui.tui.widgets.footer import KeysFooter
from cstui.tui.widgets.virtual_table import ELLIPSIS, Column, VirtualTable, fit_cell

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
        "Scheme": ("Scheme", "方案"),
        "Detail": ("Detail", "详情"),
        "board.head": (
            "{period} {status} · {scheme} {which} · score: {unit}{team} · {source}",
            "{period} {status} · {scheme} {which} · 得分：{unit}{team} · {source}",
        ),
        "board.head.team": (" · team {team}", " · 组别 {team}"),
        "board.no_scheme": ("no scheme", "无方案"),
        "board.progress": (" · graded {done:,} of {total:,}", " · 已计算 {done:,} / {total:,}"),
        "board.col.prev": ("Prev", "上期"),
        "board.unit.completion": ("% of target", "目标完成率%"),
        "board.unit.bands": ("points, max {max}", "分，满分{max}"),
        "board.unit.weighted": ("weighted 0-100", "加权分0-100"),
        "board.unit.points": ("points", "分"),
        "board.unit.ledger": ("points, base {base}", "积分，基础{base}"),
        "board.unit.placement": ("placement points", "定级分"),
        "board.unit.score": ("score", "得分"),
        "board.detail.who": (
            "{who} · team {team} · rank {rank} · grade {grade}",
            "{who} · {team} · 排名 {rank} · 评级 {grade}",
        ),
        "board.detail.now": (
            "{period}: {score} {unit} · {level} · {decision} · pay {pay}",
            "{period}：{score} {unit} · {level} · {decision} · 薪资 {pay}",
        ),
        "board.detail.prev": (
            "{period} (previous): {score} · {level} · {decision}",
            "{period}（上期）：{score} · {level} · {decision}",
        ),
        "board.detail.no_prev": ("{period} (previous): no result", "{period}（上期）：无结果"),
        "board.detail.prev_wait": ("{period} (previous): …", "{period}（上期）：…"),
        "board.detail.flag": ("⚑ {flag}", "⚑ {flag}"),
        "board.detail.trace": ("Trace:", "计算过程："),
        "board.detail.trace_wait": ("Trace: reading…", "计算过程：读取中…"),
        "board.detail.none": ("No row selected", "未选中任何行"),
        "board.all": ("all", "全部"),
        "board.open": ("open", "进行中"),
        "board.closed": ("closed", "已关闭"),
        "board.computed": ("computed", "实时计算"),
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
        "board.sort.reversed": ("{sort}, reversed", "{sort}（倒序）"),
        "board.col.employee": ("Employee", "员工"),
        "board.col.team": ("Team", "组别"),
        "board.col.score": ("Score", "得分"),
        "board.col.grade": ("Gr", "评级"),
        "board.col.rank": ("#", "排名"),
        "board.col.level": ("Level", "级别"),
        "board.col.decision": ("Decision", "结论"),
        "board.col.pay": ("Pay Δ", "薪资Δ"),
        "board.col.flags": ("Flags", "标记"),
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
        "board.close.disputed": (
            "Close {period}: {n} dispute(s) of it are still open. A manager may close it anyway, with a reason (kept and audited).",
            "关闭 {period}：仍有 {n} 条申诉未答复。经理可填写原因（将被记录并审计）后关闭。",
        ),
        "board.detail.sign": ("sign-off: {state}", "确认：{state}"),
        "board.sign.confirmed": ("confirmed", "已确认"),
        "board.sign.disputed": ("disputed", "申诉中"),
        "board.sign.answered": ("dispute answered", "申诉已答复"),
        "board.sign.pending": ("pending", "待确认"),
        "board.closed_done": ("Closed {period}", "已关闭 {period}"),
        "board.flagged": ("{n} flagged", "{n} 人被标记"),
        "board.none": ("nothing to record", "没有可记录的结果"),
        "board.applying": (" · recording results… {n:,} team(s) graded", " · 正在记录结果… 已计算 {n:,} 个组"),
        "board.apply.busy": ("Results are still being recorded; wait for them", "结果仍在记录中，请稍候"),
        "board.close.busy": (
            "Results are still being recorded: close the period once they are (nothing was closed)",
            "结果仍在记录中：记录完成后再关闭周期（未关闭任何内容）",
        ),
        "board.apply.invalid": (
            "{n} scorecard(s) of this period are refused by their scheme (listed first under {schemes}; "
            "v switches scheme): correct them, then apply",
            "本周期有 {n} 张考核表不符合方案（列在 {schemes} 最前；v 切换方案）：请先更正，再记录结果",
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

QUIET_DECISIONS = ("stay", "none")  # left blank in the table (the detail pane says them)
# Below WIDE columns the board leaves out Team (the detail pane names it), shows flags as a
# count and the previous period's score only; cells that do not fit end in "…".
WIDE = 100
FLUSH_S = 0.25  # graded teams reach the screen at most this often (the first one at once)
VIEW_S = 1.0  # the shown rows are refilled at most this often while their scheme grades
TRACE_DELAY_S = 0.25  # a trace is read once the cursor rests this long on a row
PRESORT_S = 0.05  # between the sorts made ahead once the board is graded
PRESORT_QUIET_S = 0.5  # ... and only once no key moved the board for this long
# (key, width, min width: 0 = fixed) at 80 columns and at WIDE or more
NARROW = (
    ("employee", 16, 10),
    ("score", 7, 0),
    ("grade", 2, 0),
    ("rank", 4, 0),
    ("prev", 7, 0),
    ("level", 15, 9),
    ("decision", 12, 6),
    ("pay", 5, 0),
    ("flags", 2, 0),
)
WIDE_COLUMNS = (
    ("employee", 18, 12),
    ("team", 10, 6),
    ("score", 8, 0),
    ("grade", 2, 0),
    ("rank", 4, 0),
    ("prev", 14, 8),
    ("level", 20, 10),
    ("decision", 16, 8),
    ("pay", 6, 0),
    ("flags", 36, 24),
)
# before the employee of a recorded result: its sign-off (the detail pane names it in words)
SIGN_MARKS = {"confirmed": "✓", "disputed": "!", "answered": "↩", "pending": "·"}
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


class Graded:
    """The period as the board holds it, every scheme: ``rows`` all of them, ``results`` what A
    records (empty until every scheme is graded, and for recorded results), ``quotas`` team →
    the grade quotas it breaks, ``recorded`` the results already recorded for the period.

    ``done``: every scheme of the period is through this look at the board: graded (or its kept
    rows still hold), or failed, its error among ``problems`` (a failed scheme's rows are left
    out of ``results``). False while any scheme still grades, between schemes too."""

    def __init__(
        self, period: Period, status: str, kept: list[SchemeRows], problems: list[str], store, team, *, done: bool
    ):
        self.period, self.status, self.problems = period, status, problems
        self._store, self._team = store, team
        self._kept = [rows for rows in kept if rows.done]  # a failed scheme's rows are not
        self.done = done
        self.source = "recorded" if kept and all(r.source == "recorded" for r in kept) else "computed"

    @property
    def has_results(self) -> bool:
        return self.done and any(kept.source == "computed" and kept.teams for kept in self._kept)

    @property
    def rows(self) -> list[Result]:
        return [result for kept in self._kept for result in kept.rows()]

    @property
    def results(self) -> list[Result]:
        if not self.done:
            return []
        return [r for kept in self._kept if kept.source == "computed" for r in kept.rows()]

    @property
    def quotas(self) -> dict[str, list]:
        found: dict[str, list] = {}
        for kept in self._kept:
            for team, breaches in kept.quotas.items():
                found.setdefault(team, []).extend(breaches)
        return found

    @property
    def recorded(self) -> int:
        return recorded_count(self._store, self.period, self._team)


def recorded_count(store, period: Period, team: str | None) -> int:
    """Results recorded for ``period`` (a count: the confirmations say how many are replaced)."""
    sql, params = "SELECT COUNT(*) FROM results WHERE period = ?", [str(period)]
    if team:
        sql, params = sql + " AND team = ?", [*params, team]
    return store.conn.execute(sql, params).fetchone()[0]


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
    before, after = level_sides(r, ctx)
    return f"{before}→{after}" if after is not None else before


def level_sides(r: Result, ctx: AppContext | None = None) -> tuple[str, str | None]:
    """The level before, and the level after when it changes (else None), labelled."""
    label = (lambda key: ctx.level_label(r.scheme, key)) if ctx is not None else (lambda key: key)
    before = label(r.level_before) if r.level_before else ""
    if r.level_after and r.level_after != r.level_before:
        return before, label(r.level_after)
    return before, None


def fit_change(before: str, after: str | None, width: int) -> str:
    """A level change in ``width`` cells: the new level kept whole where it can be, the old one
    cut with "…" first (``interm…→senior``); never cut without an ellipsis."""
    text = before if after is None else f"{before}→{after}"
    if after is None or cell_len(text) <= width:
        return text
    room = width - cell_len(after) - 1
    if room >= 2:
        return f"{fit_cell(before, room)}→{after}"
    return fit_cell(text, width).rstrip() if width > 1 else ELLIPSIS


def signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = show_number(value)
    return f"+{text}" if value > 0 else text


def score_unit(ctx: AppContext, scheme) -> str:
    """What the scheme's score counts, in the user's language, for the board's head line."""
    if scheme is None:
        return ctx.t("board.unit.score")
    params, model = scheme.params, scheme.model.name
    score = params.get("score") if isinstance(params.get("score"), dict) else {}
    if score.get("method") == "bands":
        return ctx.t("board.unit.bands", max=score.get("max", "-"))
    if model == "star-levels":
        return ctx.t("board.unit.completion")
    if model in ("five-tier", "five-tier-g"):
        return ctx.t("board.unit.weighted")
    if model == "assistant-class":
        return ctx.t("board.unit.ledger", base=params.get("ledger", {}).get("base", 80))
    if model == "placement":
        return ctx.t("board.unit.placement")
    return ctx.t("board.unit.points" if model == "kpi-card" else "board.unit.score")


def scheme_label(ctx: AppContext, scheme, name: str) -> str:
    """The scheme's name as files and commands write it; its 中文 label in zh."""
    return scheme.label_zh if ctx.lang == "zh" and scheme is not None else name


def trace_lines(ctx: AppContext, r: Result) -> list[str]:
    """The trace as the detail pane shows it, in the user's language (one line each, wrapped,
    never cut)."""
    return [ctx.show(line, r.scheme) for line in r.trace]


def flag_lines(ctx: AppContext, r: Result) -> list[str]:
    """Every flag of the row, in full, one a line, in the user's language."""
    return [ctx.t("board.detail.flag", flag=ctx.show(flag, r.scheme)) for flag in r.flags]


def same_height(old: str | None, new: str, width: int) -> bool:
    """Whether ``new`` takes as many rows as ``old`` at ``width`` columns: as many lines, none
    wrapping (cell widths: a CJK character takes two)."""
    if old is None or width <= 0 or old.count("\n") != new.count("\n"):
        return False
    return all(cell_len(line) <= width for text in (old, new) for line in text.split("\n"))


class BoardNews(Message):
    """From the grading thread: ``kind`` plan | start | teams | done | kept | problem | previous
    | idle."""

    def __init__(self, generation: int, kind: str, period: Period, name: str = "", payload=None):
        super().__init__()
        self.generation, self.kind, self.period, self.name, self.payload = generation, kind, period, name, payload


class PeriodBoardScreen(Screen):
    APP_KEYS_IN_FOOTER = False  # the footer shows the screen's keys and ? (help lists the app's)
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("escape", "back", "Back", show=False),
        Binding("enter", "open_scorecard", "Open scorecard", show=False),
        Binding("h", "history", "History"),
        Binding("s", "sort", "Sort"),
        Binding("S", "reverse", "Reverse sort", show=False),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("t", "team", "Team"),
        Binding("v", "scheme", "Scheme"),
        Binding("d", "detail", "Detail", show=False),  # in help: at 80 columns the footer is full
        Binding("A", "apply", "Apply", key_display="A"),
        Binding("C", "close_period", "Close period", key_display="C"),
        Binding("R", "reopen_period", "Reopen", key_display="R"),
        Binding("r", "reload", "Reload", show=False),
        Binding("c", "calibration", "Calibration", show=False),  # cstui.tui.screens.calibration
        Binding("e", "export", "Export", show=False),  # the view as shown: cstui.tui.modals.export
    ]

    def __init__(self, ctx: AppContext, jobs: int | None = None):
        super().__init__()
        self.ctx = ctx
        self.jobs = jobs  # grading worker processes: None = batch's automatic choice
        self.cache = BoardCache()
        self.schemes: list[str] = []  # the schemes of the period, shown one at a time
        self.scheme_name: str | None = None
        self.status = "open"
        self.sign_offs: dict[str, str] = {}  # employee → the sign-off of their recorded result
        self.problems: list[str] = []
        self.through: set[str] = set()  # the schemes of this look at the board graded or failed
        self.progress: dict[str, tuple[int, int]] = {}  # scheme → (graded, expected) while grading
        self.sort = "team"
        self.reversed = False  # S: the sort's order backwards
        self.filter_text = ""
        self.team: str | None = None
        self.loading_board = False
        self.applying: int | None = None  # teams graded by the apply under way (None: none is)
        self.narrow: bool | None = None
        self.view: list[Result] = []
        # scheme → (its rows, their version, sort → the rows in that order): each scheme's orders
        # are made ahead once the board is idle (_sort_ahead), so s and v only pick one
        self._orders: dict[str, tuple[SchemeRows, int, dict[str, list[Result]]]] = {}
        self._haystacks: dict[int, tuple[Result, str]] = {}  # id(result) → (it, what the filter matches)
        # employee id → the name's pinyin key, and the change stamp it was read at: names sort
        # and filter as on the roster (张伟 by zhangwei, found by zw)
        self._pinyin: dict[str, str] = {}
        self._pinyin_stamp: int | None = None
        # (period, scheme) → employee id → its result there: recorded (an Outcome: the columns
        # the Prev column shows) or graded into the cache (a Result)
        self._previous: dict[tuple[Period, str], dict[str, Result | Outcome]] = {}
        # (period, scheme) → (change stamp it was read at, whether recorded results) of _previous
        self._previous_stamps: dict[tuple[Period, str], tuple[int, bool]] = {}
        self._traces: dict[tuple, dict[str, list[str]]] = {}  # (period, scheme, team, version) → traces
        self._generation = 0
        self._reading: set[tuple] = set()  # traces being read
        self._viewed = 0.0  # when the rows were last refilled
        self._trace_timer = None
        self._detail_text = ""
        self._laid_out: str | None = None  # the detail text the pane's height was laid out for
        self._moved = 0.0  # when a key last moved the cursor or changed the rows shown
        self._layout_timer = None
        self._settling = False  # a settle of the heap is waiting for the next frame

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="board-head", classes="head", markup=False)
        yield VirtualTable(self._column_list(narrow=True), self._fetch, 0, id="board-table")
        with VerticalScroll(id="board-detail-box"):
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
        self.table = self.query_one(VirtualTable)
        # the detail pane in the table's own frame (a move lays the pane out once the cursor rests)
        self.table.on_cursor = lambda _row: self._detail(moving=True)
        self._columns()
        self.table.focus()
        self.pool = getattr(self.app, "grading_pool", None)  # the app's long-lived workers, if any
        self.reload()

    @property
    def graded(self) -> Graded | None:
        """Every scheme of the period as the board holds it (None before the first answer)."""
        if not self.schemes and not self.problems and self.loading_board:
            return None
        kept = [k for name in self.schemes if (k := self._kept(self.ctx.period, name)) is not None]
        done = set(self.schemes) <= self.through
        return Graded(self.ctx.period, self.status, kept, self.problems, self.ctx.store, self.team, done=done)

    # -- columns ------------------------------------------------------------------------------

    def _column_list(self, narrow: bool) -> list[Column]:
        t = self.ctx.t
        columns = []
        for key, width, least in NARROW if narrow else WIDE_COLUMNS:
            title = "⚑" if key == "flags" and narrow else t(f"board.col.{key}")
            width = max(width, cell_len(title))
            columns.append(Column(key, title, width, max(least, cell_len(title)) if least else 0))
        return columns

    def _columns(self) -> None:
        """The table's columns for the screen's width (see WIDE); rows read again when that changes."""
        narrow = self.size.width < WIDE
        if narrow != self.narrow:
            self.narrow = narrow
            self.query_one(VirtualTable).set_columns(self._column_list(narrow))

    def on_resize(self) -> None:
        self._columns()

    # -- grading (a thread; its news arrives as messages) ----------------------------------------

    def reload(self) -> None:
        """Look at the period again: grade what is not kept or has changed since (nothing else)."""
        self._generation += 1
        self.loading_board = True
        self._head()
        self.refresh_bindings()
        self._grade(self._generation, self.ctx.period, self.scheme_name)

    @work(thread=True, group="board")
    def _grade(self, generation: int, period: Period, shown: str | None) -> None:
        store, worker = self.ctx.store, get_current_worker()
        # a newer look at the board (or the app's end) stops this one between teams: the
        # generation, not Textual's cancel, so that waiting for workers never sees a cancelled one
        stopped = lambda: generation != self._generation or worker.is_cancelled  # noqa: E731

        def tell(kind: str, name: str = "", payload=None, at: Period = period) -> None:
            self.post_message(BoardNews(generation, kind, at, name, payload))

        try:
            status, names = store.period_status(period), board_schemes(store)
            sign_offs = store.sign_off_states(period)  # of an applied period's results
        except StoreError as error:
            tell("problem", payload=self.ctx.error_text(error))
            tell("idle")
            return
        tell("plan", payload=(status, names, sign_offs))
        first = shown if shown in names else (names[0] if names else None)
        order = sorted(names, key=lambda n: n != first)  # the shown scheme first
        grade = lambda name, pool, begun: self._grade_scheme(tell, stopped, period, name, status, pool, begun)  # noqa: E731
        grade_schemes_overlapped(order, grade, self.pool, stopped)
        if stopped():
            return
        if first is not None:
            self._read_previous(tell, stopped, period, first)
        tell("idle")

    def _grade_scheme(self, tell, stopped, period: Period, name: str, status: str, pool=None, begun=None) -> None:
        """One scheme's dry run, or only its stale teams; nothing when the kept rows still hold
        (then "kept"). ``pool``: the app's, or queued behind the scheme before (grade_schemes_overlapped);
        ``begun()`` once its reads are done, before its teams come."""
        store = self.ctx.store
        try:
            scheme = self.ctx.scheme(name)
            teams = teams_to_grade(store, self.cache.get(period, name, scheme.fingerprint), status)
            if teams == set():
                tell("kept", name)
                return
            stamp = store.change_stamp()
            run = dry_run(store, scheme, period, sorted(teams) if teams else None, jobs=self.jobs, pool=pool)
            expected = store.count_employees(scheme=name) if teams is None else 0
            tell("start", name, (scheme, run.source, run.notice, status, teams, expected))
            if self._stream(tell, stopped, scheme, run.teams, begun):
                tell("done", name, stamp)
        except (SchemeError, StoreError, ValueError) as error:
            tell("problem", name, f"{name}: {self.ctx.error_text(error)}")
        except PoolClosed:  # the app is ending: nobody waits for these rows
            pass

    def _stream(self, tell, stopped, scheme, teams, begun=None) -> bool:
        """Send graded teams to the screen as they come (every FLUSH_S), each already in rank
        order with its quota breaches (work done here, not in the screen's thread); False when
        stopped. ``begun()`` with the first team: the run's own reads of the store are done."""
        batch, sent = [], 0.0
        try:
            for graded in teams:
                if begun is not None:
                    begun()
                    begun = None
                if stopped():
                    return False
                batch.append(TeamRows.of(scheme, graded))
                if time.monotonic() - sent >= FLUSH_S:
                    tell("teams", scheme.name, batch)
                    batch, sent = [], time.monotonic()
        finally:
            teams.close()  # a stopped grading stops the worker processes too
        tell("teams", scheme.name, batch)
        return True

    def _read_previous(self, tell, stopped, period: Period, name: str) -> None:
        """The previous period of the shown scheme, for the Prev column: its recorded results,
        else its dry run, kept in the cache like any other period. Read again once it changed
        since: recorded results when results were recorded or a period closed or reopened; a
        dry run grades only its stale teams again, as the current period does."""
        prev, store = period.prev(), self.ctx.store
        try:
            stamp = store.change_stamp()
            held = self._previous_stamps.get((prev, name))
            if held is not None and (held[0] == stamp or (held[1] and not recorded_changed(store, held[0]))):
                return
            # the columns the pane shows (score, level, decision): 25,000 of them read in a moment,
            # so the read's thread takes the GIL from the screen only briefly
            recorded = store.outcomes(prev, name)
            if recorded:
                tell("previous", name, (prev, recorded, (stamp, True)))
                return
            at_prev = lambda kind, name="", payload=None: tell(kind, name, payload, at=prev)  # noqa: E731
            self._grade_scheme(at_prev, stopped, prev, name, store.period_status(prev), self.pool)
            if not stopped():
                tell("previous", name, (prev, None, (stamp, False)))  # None: the cache holds them
        except (SchemeError, StoreError, ValueError):
            tell("previous", name, (prev, {}, None))  # the board still stands; the pane says "no result"

    def on_board_news(self, news: BoardNews) -> None:
        if news.generation != self._generation:
            return  # a stopped grading's last words
        handler = getattr(self, f"_news_{news.kind}")
        handler(news)
        if news.kind in ("teams", "done", "idle", "previous"):
            self._settle_soon()
        if news.period != self.ctx.period or news.kind in ("start", "kept"):
            return
        shown = news.name in ("", self.scheme_name)
        # while the shown scheme grades, its rows are refilled at most every VIEW_S (sorting
        # them all each time would slow the grading); other schemes' teams only move the count
        if news.kind == "teams" and (not shown or (self.view and time.monotonic() - self._viewed < VIEW_S)):
            self._status()
        else:
            self._refresh_view(keep_cursor=True)

    def _news_plan(self, news: BoardNews) -> None:
        self.status, self.schemes, self.sign_offs = news.payload
        self.problems, self.through = [], set()
        if self.scheme_name not in self.schemes:
            self.scheme_name = self.schemes[0] if self.schemes else None

    def _news_start(self, news: BoardNews) -> None:
        scheme, source, notice, status, stale, expected = news.payload
        kept = self.cache.get(news.period, news.name, scheme.fingerprint)
        if kept is None or stale is None:
            kept = SchemeRows(news.name, scheme.fingerprint, news.period, source, status, notice=notice)
            self.cache.put(kept)
        for team in stale or ():
            kept.teams.pop(team, None)  # graded again below (a team left with nobody stays empty)
        if news.period == self.ctx.period:  # the previous period's grading counts nothing shown
            self.progress[news.name] = (0, expected)

    def _news_teams(self, news: BoardNews) -> None:
        kept = self._kept(news.period, news.name)
        for team in news.payload:
            kept.put(team.team, team.results, team.breaches)
        if news.name in self.progress and news.period == self.ctx.period:
            done, expected = self.progress[news.name]
            self.progress[news.name] = (done + sum(len(t.results) for t in news.payload), expected)

    def _news_done(self, news: BoardNews) -> None:
        self._kept(news.period, news.name).finish(news.payload)
        if news.period == self.ctx.period:
            self.progress.pop(news.name, None)
            self.through.add(news.name)

    def _news_kept(self, news: BoardNews) -> None:
        if news.period == self.ctx.period:  # nothing changed since it was graded
            self.through.add(news.name)

    def _news_problem(self, news: BoardNews) -> None:
        if news.period != self.ctx.period:  # the previous period's are its pane's "no result"
            return
        self.problems.append(news.payload)
        if news.name:  # through, with its error shown; graded in full at the next look
            self.through.add(news.name)
            kept = self._kept(news.period, news.name)
            if kept is not None:
                kept.done = False

    def _news_previous(self, news: BoardNews) -> None:
        prev, results, stamp = news.payload
        if results is None:  # graded into the cache (its stale teams only)
            kept = self._kept(prev, news.name)
            results = kept.by_id() if kept is not None and kept.done else {}
        # only the shown scheme's month before is kept (it may hold a scheme's whole roster, and
        # each scheme's would add up at 100,000); another scheme shown reads its own again
        self._previous = {(prev, news.name): results}
        self._previous_stamps = {}
        if stamp is not None:
            self._previous_stamps[prev, news.name] = stamp

    def _news_idle(self, news: BoardNews) -> None:
        self.loading_board = False
        self.progress.clear()
        self.refresh_bindings()
        self._sort_ahead()
        self._read_previous_soon()  # v switched scheme while grading: its previous period
        self._read_names(self._generation)

    def _settle_soon(self) -> None:
        """With the app's workers (a company of thousands), the rows just kept are frozen out of
        the garbage collector's walks once this frame is painted (:mod:`cstui.tui.heap`): a full
        collection over every graded result would stop keys and grading alike."""
        if self.pool is None or self._settling:
            return
        self._settling = True

        def settle() -> None:
            self._settling = False
            heap.settle()

        self.call_after_refresh(settle)

    def _kept(self, period: Period, name: str | None) -> SchemeRows | None:
        scheme, _problem = self.ctx.try_scheme(name)
        return None if scheme is None else self.cache.get(period, name, scheme.fingerprint)

    def on_period_changed(self) -> None:
        self._haystacks.clear()
        self.grade_again()

    def grade_again(self) -> None:
        """A look at the board the user asked for (another period, r, after an apply): what was
        frozen is given back to the collector first (a cycle that died frozen is found then;
        the next settle walks everything once, while this grading runs)."""
        heap.release()
        self.reload()

    # -- showing ------------------------------------------------------------------------------

    def _refresh_view(self, keep_cursor: bool = False) -> None:
        """The rows of the shown scheme, team and filter, in the sort's order, into the table."""
        kept = self._kept(self.ctx.period, self.scheme_name)
        rows = self._ordered(kept) if kept is not None else []
        if self.reversed:
            rows = rows[::-1]
        if self.team is not None:
            rows = [r for r in rows if r.team == self.team]
        words = self.filter_text.lower().split()
        if words:
            rows = [r for r in rows if all(w in self._haystack(r) for w in words)]
        self.view, self._viewed = rows, time.monotonic()
        self.table.reset(self._fetch, len(rows), keep_cursor=keep_cursor)  # its cursor: _detail()
        self._head()
        self._status()

    def _ordered(self, kept: SchemeRows) -> list[Result]:
        """The scheme's rows in the current sort's order: made ahead (_sort_ahead), else sorted
        here once per change of the rows."""
        held = self._held_orders(kept)
        rows = held.get(self.sort)
        if rows is None:
            rows = held[self.sort] = self._sorted_rows(kept, self.sort)
        return rows

    def _sorted_rows(self, kept: SchemeRows, sort: str) -> list[Result]:
        """The rows in ``sort``'s order, from their order by id (held with the orders: every
        sort but team's begins with it)."""
        held, rows = self._held_orders(kept), kept.rows()
        if "id" not in held and sort != "team":
            held["id"] = sorted(rows, key=by_id)
        return sorted_rows(rows, sort, held.get("id"), self._pinyin)

    def _held_orders(self, kept: SchemeRows) -> dict[str, list[Result]]:
        held = self._orders.get(kept.scheme)
        if held is None or held[0] is not kept or held[1] != kept.version:
            held = self._orders[kept.scheme] = (kept, kept.version, {})
        return held[2]

    def _sort_ahead(self) -> None:
        """Every graded scheme of the period in every order, one sort a tick (PRESORT_S) once
        the board is idle, the shown scheme first: a sort key or a scheme switch then only picks
        an order. Not while keys come (PRESORT_QUIET_S): a key would wait for the sort of the tick
        it lands in. On the screen's thread: a sort takes a few milliseconds (sorted_rows), and made
        in a thread the same sorts left the TUI's peak memory 250 MB higher at 100,000 employees
        (measured with bench_tui.py; why was not pinned down)."""
        if self.loading_board:
            return
        if time.monotonic() - self._moved < PRESORT_QUIET_S:  # keys are coming: none waits for a sort
            self.set_timer(PRESORT_QUIET_S, self._sort_ahead)
            return
        for name in sorted(self.schemes, key=lambda n: n != self.scheme_name):
            kept = self._kept(self.ctx.period, name)
            if kept is None or not kept.done:
                continue
            held = self._held_orders(kept)
            missing = next((sort for sort in SORTS if sort not in held), None)
            if missing is not None:
                held[missing] = self._sorted_rows(kept, missing)
                self.set_timer(PRESORT_S, self._sort_ahead)
                return

    def _haystack(self, r: Result) -> str:
        held = self._haystacks.get(id(r))
        if held is None or held[0] is not r:  # (an id is only unique while its result lives)
            pinyin = self._pinyin.get(r.employee_id, "")
            held = self._haystacks[id(r)] = (r, f"{search_text(r)} {self.labels_text(r)} {pinyin}")
        return held[1]

    def visible_rows(self) -> list[Result]:
        return list(self.view)

    def labels_text(self, r: Result) -> str:
        """What the filter matches beyond the raw keys: team, level and decision in both languages
        (``热线`` finds the hotline team, ``初级`` the juniors)."""
        ctx = self.ctx
        scheme, _problem = ctx.try_scheme(r.scheme)
        levels = [lv for lv in (scheme.levels if scheme else []) if lv.key in (r.level_before, r.level_after)]
        names = [ctx.team_label(r.team), ctx._team_names.get(r.team, ""), self.decision_label(r.decision)]
        names += [n for lv in levels for n in (lv.key, lv.label, lv.label_zh)]
        names += [render(f, "zh", ctx.text_labels(r.scheme)) for f in r.flags]  # flags in 中文 too
        return " ".join(names).lower()

    def _fetch(self, offset: int, limit: int) -> list[list[str]]:
        return [self._cells(r) for r in self.view[offset : offset + limit]]

    def _cells(self, r: Result) -> list[str]:
        table = self.table
        before, after = level_sides(r, self.ctx)
        prev = self._prev_of(r)
        cells = {
            "employee": f"{SIGN_MARKS.get(self._sign_off(r), '')}{r.employee_id} {r.name}",
            "team": self.ctx.team_label(r.team),
            "score": show_number(r.score) if r.score is not None else "",
            "grade": r.grade or "",
            "rank": str(r.rank) if r.rank is not None else "",
            "prev": self._prev_cell(prev),
            "level": fit_change(before, after, table.width_of("level")),
            "decision": self.decision_label(r.decision) if r.decision not in QUIET_DECISIONS else "",
            "pay": signed(r.pay_delta),
            # narrow: a mark; the detail pane under the table lists the selected row's flags
            "flags": (str(len(r.flags)) if r.flags else "") if self.narrow else self.ctx.show_all(r.flags, r.scheme),
        }
        return [cells[c.key] for c in table.columns]

    def _prev_of(self, r: Result) -> Result | Outcome | None | bool:
        """The row's result of the previous period; None when it has none, False while unknown."""
        known = self._previous.get((self.ctx.period.prev(), r.scheme))
        return False if known is None else known.get(r.employee_id)

    def _prev_cell(self, prev: Result | None | bool) -> str:
        if not prev:
            return ""
        score = show_number(prev.score) if prev.score is not None else "-"
        return score if self.narrow else f"{score} {self.ctx.level_label(prev.scheme, prev.level_after)}"

    def _head(self) -> None:
        t, name = self.ctx.t, self.scheme_name
        scheme, _problem = self.ctx.try_scheme(name)
        kept = self._kept(self.ctx.period, name)
        source = t("board.loading") if self.loading_board else t(f"board.{kept.source}") if kept else ""
        which = f"{self.schemes.index(name) + 1}/{len(self.schemes)}" if name in self.schemes else ""
        text = t(
            "board.head",
            period=self.ctx.period,
            scheme=scheme_label(self.ctx, scheme, name) if name else t("board.no_scheme"),
            unit=score_unit(self.ctx, scheme),
            which=which,
            status=t("board.closed" if self.status == "closed" else "board.open"),
            team=t("board.head.team", team=self.ctx.team_label(self.team)) if self.team else "",
            source=source,
        )
        self.query_one("#board-head", Static).update(text, layout=False)

    def _status(self) -> None:
        t, kept = self.ctx.t, self._kept(self.ctx.period, self.scheme_name)
        text = t(
            "board.status",
            shown=len(self.view),
            total=sum(len(m) for m in kept.teams.values()) if kept else 0,
            sort=self._sort_text(),
            filter=t("board.filtering", text=self.filter_text) if self.filter_text else "",
        )
        done, expected = self.progress.get(self.scheme_name or "", (0, 0))
        if expected:
            text += t("board.progress", done=done, total=expected)
        if self.applying is not None:
            text += t("board.applying", n=self.applying)
        if self.problems:
            text += t("board.problems", n=len(self.problems), first=self.problems[0])
        self.query_one("#board-status", Static).update(text, layout=False)

    # -- the detail pane ----------------------------------------------------------------------

    def _detail(self, moving: bool = False) -> None:
        """The selected row in full: who, this period beside the previous one, every flag, the
        trace. ``moving``: the cursor moved (see _show_detail)."""
        row, t = self.current_row(), self.ctx.t
        if moving:
            self._moved = time.monotonic()
        if row is None:
            self._show_detail(t("board.detail.none"), moving)
            self._quota(None)
            return
        lines = [
            t(
                "board.detail.who",
                who=f"{row.employee_id} {row.name}",
                team=self.ctx.team_label(row.team),
                rank=row.rank if row.rank is not None else "-",
                grade=row.grade or "-",
            ),
            self._now_line(row),
            *self._sign_off_lines(row),
            self._prev_line(row),
            *flag_lines(self.ctx, row),
            *self._trace_lines(row),
        ]
        self._show_detail("\n".join(lines), moving)
        self._quota(row)

    def _show_detail(self, text: str, moving: bool = False) -> None:
        """A repaint only when the text changed, and a layout of the screen (two to four frames:
        the pane resized, its scrollbar shown or hidden) only when its height may change.
        ``moving``: while the cursor moves, a text of another height is painted at the height
        laid out before (its end cut or blank), and laid out once the cursor rests
        (TRACE_DELAY_S): paging and sorting never wait for the pane's layouts."""
        box = self.query_one("#board-detail", Static)
        width = box.content_region.width
        if text == self._detail_text:
            return
        self._detail_text = text
        if same_height(self._laid_out, text, width):
            self._stop_layout_timer()
            box.update(text, layout=False)
        elif moving and self._laid_out is not None:
            box.update(text, layout=False)
            self._stop_layout_timer()
            self._layout_timer = self.set_timer(TRACE_DELAY_S, self._lay_out_detail)
        else:
            self._lay_out_detail()

    def _lay_out_detail(self) -> None:
        self._stop_layout_timer()
        self._laid_out = self._detail_text
        self.query_one("#board-detail", Static).update(self._detail_text, layout=True)

    def _stop_layout_timer(self) -> None:
        if self._layout_timer is not None:
            self._layout_timer.stop()
            self._layout_timer = None

    def _now_line(self, row: Result) -> str:
        scheme, _problem = self.ctx.try_scheme(row.scheme)
        return self.ctx.t(
            "board.detail.now",
            period=row.period,
            score=show_number(row.score),
            unit=score_unit(self.ctx, scheme),
            level=level_text(row, self.ctx) or "-",
            decision=self.decision_label(row.decision),
            pay=signed(row.pay_delta) or "-",
        )

    def _prev_line(self, row: Result) -> str:
        t, prev, period = self.ctx.t, self._prev_of(row), self.ctx.period.prev()
        if prev is False:
            return t("board.detail.prev_wait", period=period)
        if prev is None:
            return t("board.detail.no_prev", period=period)
        return t(
            "board.detail.prev",
            period=period,
            score=show_number(prev.score),
            level=level_text(prev, self.ctx) or "-",
            decision=self.decision_label(prev.decision),
        )

    def _trace_lines(self, row: Result) -> list[str]:
        """The row's trace: its own (recorded results keep theirs), else its team graded again
        with traces, once (a thread), as batch ``--explain`` would give it."""
        if row.trace:
            return [self.ctx.t("board.detail.trace"), *(f"  {line}" for line in trace_lines(self.ctx, row))]
        kept = self._kept(self.ctx.period, row.scheme)
        key = (self.ctx.period, row.scheme, row.team, kept.version if kept else 0)
        traces = self._traces.get(key)
        if traces is None:
            self._read_traces_soon(key)
            return [self.ctx.t("board.detail.trace_wait")]
        explained = replace(row, trace=traces.get(row.employee_id, []))
        return [self.ctx.t("board.detail.trace"), *(f"  {line}" for line in trace_lines(self.ctx, explained))]

    @property
    def trace_pending(self) -> bool:
        """A trace (or the detail pane's layout) is waiting for the cursor to rest, or a trace is
        being read (tests wait for it)."""
        return self._trace_timer is not None or self._layout_timer is not None or bool(self._reading)

    def _read_traces_soon(self, key: tuple) -> None:
        """Read a team's traces once the cursor rests on it: paging through the board never
        waits for (or competes with) traces nobody stops to read."""
        if self._trace_timer is not None:
            self._trace_timer.stop()

        def read() -> None:
            self._trace_timer = None
            if key not in self._reading and key not in self._traces:
                self._reading.add(key)
                self._read_traces(key)

        self._trace_timer = self.set_timer(TRACE_DELAY_S, read)

    @work(thread=True, group="board-trace")
    def _read_traces(self, key: tuple) -> None:
        period, name, team, _version = key
        try:
            traces = self._team_traces(name, period, team)
        except PoolClosed:  # the app is ending
            return
        except (SchemeError, StoreError, ValueError) as error:
            traces = {}
            notify(self, self.ctx.error_text(error), severity="error")
        answer(self, self._traces_read, key, traces)

    def _team_traces(self, name: str, period: Period, team: str) -> dict[str, list]:
        """Employee → trace of one team of scheme ``name`` (:func:`cstui.board_grading.team_traces`)."""
        return team_traces(self.ctx.store, self.ctx.scheme(name), period, team, self.pool)

    def _traces_read(self, key: tuple, traces: dict[str, list[str]]) -> None:
        self._reading.discard(key)
        self._traces = {k: v for k, v in self._traces.items() if k[:2] == key[:2]} | {key: traces}
        self._detail()

    def _quota(self, row: Result | None) -> None:
        """One line under the detail when the selected row's team breaks a grade quota."""
        kept = self._kept(self.ctx.period, self.scheme_name)
        breaches = kept.quotas.get(row.team, []) if row is not None and kept is not None else []
        notice = self.query_one("#board-quota", Static)
        notice.display = bool(breaches)
        if breaches:
            notice.update(quota_text(self.ctx, breaches))

    def _sign_off(self, r: Result) -> str | None:
        """The row's sign-off (confirmed, disputed, answered, pending) once its result is recorded."""
        return self.sign_offs.get(r.employee_id)

    def _sign_off_lines(self, r: Result) -> list[str]:
        state, t = self._sign_off(r), self.ctx.t
        return [t("board.detail.sign", state=t(f"board.sign.{state}"))] if state else []

    def decision_label(self, decision: str) -> str:
        return decision_text(self.ctx, decision)

    def action_detail(self) -> None:
        """The detail pane tall (and focused, to scroll a long trace) or back under the table."""
        box = self.query_one("#board-detail-box", VerticalScroll)
        box.set_class(not box.has_class("tall"), "tall")
        (box if box.has_class("tall") else self.query_one(VirtualTable)).focus()

    # -- navigation ---------------------------------------------------------------------------

    def current_row(self) -> Result | None:
        table = self.table
        index = table.cursor_row
        return self.view[index] if 0 <= index < len(self.view) else None

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
        is a message."""
        try:
            screen = make()
        except USER_ERRORS as error:
            self.notify(self.ctx.error_text(error), severity="error", timeout=8)
            return
        self.app.push_screen(screen, callback)

    def action_export(self) -> None:
        """The rows as shown (team, filter, sort) to CSV, XLSX or a plugin's format; the traces
        are read, and the file written, in the export's thread."""
        what = self.ctx.t("export.what.board", period=self.ctx.period)
        name = f"board-{self.ctx.period}{'-' + self.team if self.team else ''}.csv"
        start_export(self, self.ctx, what, name, self.visible_rows(), prepare=self._with_traces)

    def _with_traces(self, rows: list[Result]) -> list[Result]:
        """The rows with their traces, as batch ``--explain`` writes them: the board grades without
        traces, so the teams of rows that have none are graded once more with them (in the
        export's thread: messages go through the app)."""
        missing = {(r.scheme, r.team) for r in rows if not r.trace}
        traces: dict[tuple[str, str], dict[str, list]] = {}
        try:
            for name, team in sorted(missing):
                traces[name, team] = self._team_traces(name, self.ctx.period, team)
        except (SchemeError, StoreError, ValueError) as error:
            text = self.ctx.error_text(error)
            notify(self, text, severity="error", timeout=8)
        return [
            r if r.trace else replace(r, trace=traces.get((r.scheme, r.team), {}).get(r.employee_id, [])) for r in rows
        ]

    def action_back(self) -> None:
        box = self.query_one("#board-detail-box", VerticalScroll)
        if self.query_one("#board-filter", Input).display:
            self._end_filter(keep=False)
        elif box.has_class("tall"):
            self.action_detail()
        elif len(self.app.screen_stack) > 1 and self.app.screen_stack[-1] is self:
            self.dismiss()

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._refresh_view()

    def action_reverse(self) -> None:
        self.reversed = not self.reversed
        self._refresh_view()

    def _sort_text(self) -> str:
        t = self.ctx.t
        sort = t(f"board.sort.{self.sort}")
        return t("board.sort.reversed", sort=sort) if self.reversed else sort

    def action_team(self) -> None:
        """The next team's rows: the rows kept are filtered, nothing is graded again."""
        teams = [None] + [row["id"] for row in self.ctx.store.teams()]
        self.team = teams[(teams.index(self.team) + 1) % len(teams)] if self.team in teams else None
        self._refresh_view()

    def action_scheme(self) -> None:
        """The next scheme of the period (its rows are graded already, or on their way)."""
        if len(self.schemes) > 1:
            at = self.schemes.index(self.scheme_name) if self.scheme_name in self.schemes else -1
            self.scheme_name = self.schemes[(at + 1) % len(self.schemes)]
            self._refresh_view()
            # its previous period for the Prev column (the rest is kept), once the switched rows
            # are painted: the read's thread would share the GIL with that frame
            self.call_after_refresh(self._read_previous_soon)

    def _read_previous_soon(self) -> None:
        """The shown scheme's previous period, read in a thread of its own when it is not held
        (after v): no look at the whole board again (its plan, every scheme's check, the footer
        recomposed twice as the keys of a grading board come and go)."""
        name = self.scheme_name
        if name and (self.ctx.period.prev(), name) not in self._previous and not self.loading_board:
            self._previous_only(self._generation, self.ctx.period, name)

    @work(thread=True, group="board-previous", exclusive=True)
    def _previous_only(self, generation: int, period: Period, name: str) -> None:
        worker = get_current_worker()
        stopped = lambda: generation != self._generation or worker.is_cancelled  # noqa: E731

        def tell(kind: str, scheme: str = "", payload=None, at: Period = period) -> None:
            if not stopped():  # a later v's read is the one kept
                self.post_message(BoardNews(generation, kind, at, scheme, payload))

        self._read_previous(tell, stopped, period, name)

    @work(thread=True, group="board-names", exclusive=True)
    def _read_names(self, generation: int) -> None:
        """The names' pinyin keys, read in a thread once the board is idle (100,000 of them in
        a fifth of a second), again only when the store changed since."""
        store = self.ctx.store
        try:
            stamp = store.change_stamp()
            if stamp == self._pinyin_stamp:
                return
            names = store.names_pinyin()
        except StoreError:
            return  # names sort and match as written
        if generation == self._generation and not get_current_worker().is_cancelled:
            answer(self, self._names_read, stamp, names)

    def _names_read(self, stamp: int, names: dict[str, str]) -> None:
        """The pinyin keys in: the name orders and the filter's texts are made again with them."""
        self._pinyin, self._pinyin_stamp = names, stamp
        self._haystacks.clear()
        for _kept, _version, orders in self._orders.values():
            orders.pop("name", None)
        if self.sort == "name" or self.filter_text:
            self._refresh_view(keep_cursor=True)
        self._sort_ahead()

    def action_reload(self) -> None:
        self.grade_again()

    def action_filter(self) -> None:
        field = self.query_one("#board-filter", Input)
        field.display = True
        field.value = self.filter_text
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "board-filter":
            self.filter_text = event.value.strip()
            self._refresh_view()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "board-filter":
            event.stop()
            self._end_filter(keep=True)

    def _end_filter(self, keep: bool) -> None:
        field = self.query_one("#board-filter", Input)
        if not keep:
            self.filter_text = ""
            self._refresh_view()
        field.display = False
        self.query_one(VirtualTable).focus()

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
            if action == "apply" and not g.has_results:
                return None
        return True

    def action_apply(self) -> None:
        if self.applying is not None:
            self.notify(self.ctx.t("board.apply.busy"), severity="warning")
            return
        g = self.graded
        if g is None or not g.results:
            self.notify(self.ctx.t("board.none"))
            return
        invalid = invalid_results(g.results)
        if invalid:  # batch --apply refuses the same; say so before asking
            schemes = ", ".join(sorted({r.scheme for r in invalid}))
            self.notify(self.ctx.t("board.apply.invalid", n=len(invalid), schemes=schemes), severity="error", timeout=8)
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
        """Record in a thread (at 100,000 employees the grading takes seconds): keys stay live,
        the status line counts the teams, a second A waits for this one."""
        if self.applying is not None:
            self.notify(self.ctx.t("board.apply.busy"), severity="warning")
            return
        self.applying = 0
        self._status()
        self.refresh_bindings()
        self._apply(g.period, sorted({r.scheme for r in g.results}), [self.team] if self.team else None)

    @work(thread=True, group="board-apply", exit_on_error=False)
    def _apply(self, period: Period, names: list[str], teams: list[str] | None) -> None:
        # the one apply path batch --apply also takes: graded with no lock held, then results
        # and checkpoints of every scheme in one short transaction; on a connection of its own,
        # since the board's reads (and writes of the screens over it) share the app's meanwhile
        later, app_store = partial(answer, self), self.ctx.store
        try:
            with Store.open(app_store.path, login=app_store.login, check_pages=False) as store:
                spools = apply_schemes(
                    store, [self.ctx.scheme(name) for name in names], period, teams, on_team=self._applied_team
                )
                count = sum(spool.result_count for spool in spools)
                for spool in spools:
                    spool.close()
        except USER_ERRORS as error:  # InvalidData (a card went bad since), a closed month, a lock
            later(self._applied, period, None, self.ctx.error_text(error))
            return
        later(self._applied, period, count, None)

    def _applied_team(self, _graded) -> None:
        """In the apply's thread: one more team graded (counted on the screen's thread)."""
        answer(self, self._count_applied)

    def _count_applied(self) -> None:
        if self.applying is not None:
            self.applying += 1
            self._status()

    def _applied(self, period: Period, count: int | None, problem: str | None) -> None:
        self.applying = None
        if problem is not None:
            self.notify(problem, severity="error", timeout=8)
        else:
            self.notify(self.ctx.t("board.applied", n=count, period=period))
        self.grade_again()

    def action_close_period(self) -> None:
        g, t = self.graded, self.ctx.t
        if g is None or self._apply_running():
            return
        disputed = self.ctx.store.open_dispute_count(g.period)
        if disputed:  # the store closes it only with a reason (a manager's), and says so otherwise
            body = t("board.close.disputed", period=g.period, n=disputed)
            modal = ReasonModal(self.ctx, t("board.close.title"), body, required=False)
            self.app.push_screen(modal, lambda reason: reason is not None and self._close(g.period, reason))
            return
        self.app.push_screen(
            ConfirmModal(self.ctx, t("board.close.title"), self.close_message(g)),
            lambda yes: yes and self._close(g.period),
        )

    def close_message(self, g: Graded) -> str:
        t = self.ctx.t
        recorded = t("board.close.recorded", n=g.recorded) if g.recorded else t("board.close.unrecorded")
        return t("board.close.body", period=g.period, recorded=recorded)

    def _apply_running(self) -> bool:
        """Refuse (and say so) a close while the apply (A) records: closing under it would lock the
        period the apply is about to write, and its results would be refused or half-told."""
        if self.applying is None:
            return False
        self.notify(self.ctx.t("board.close.busy"), severity="warning")
        return True

    def _close(self, period: Period, reason: str | None = None) -> None:
        if self._apply_running():  # an apply started while the question was open
            return
        store = self.ctx.store
        try:
            store.close_period(period, reason)
        except StoreError as error:
            self.notify(self.ctx.error_text(error), severity="error")
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
            self.notify(self.ctx.error_text(error), severity="error", timeout=8)
            return
        self.notify(self.ctx.t("board.reopened", period=period))
        self.reload()
