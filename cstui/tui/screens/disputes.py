"""The disputes queue (``5``): agents' disputes of the teams this login may see, open ones by
default (``v`` shows answered ones too). A supervisor of the team (or a manager) answers each:

- accept (``a``, with a reason): the answer is recorded, the employee's scorecard of the period
  opens to be corrected, and when it closes the employee's result is recorded again
  (:func:`cstui.grading.reapply_employee`), which gives the agent a new window to sign it off;
  ``p`` records it again later (after another correction);
- reject (``x``, with a reason): the agent reads the answer on their screen.

The rules are the store's (:mod:`cstui.store.signoff`), as for ``cstui dispute answer``.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from cstui.domain import Period
from cstui.grading import reapply_disputed
from cstui.store import Store
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS
from cstui.tui.i18n import register
from cstui.tui.modals.reason import ReasonModal
from cstui.tui.threads import notify
from cstui.tui.widgets.footer import KeysFooter

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Accept": ("Accept", "接受"),
        "Reject": ("Reject", "驳回"),
        "Scorecard": ("Scorecard", "考核表"),
        "Record again": ("Record again", "重新记录"),
        "Open/all": ("Open/all", "未答复/全部"),
        "Reload": ("Reload", "刷新"),
        "disputes.head.open": ("Disputes · {n} open", "申诉 · {n} 条待答复"),
        "disputes.head.all": ("Disputes · {n} open of {total}", "申诉 · 共 {total} 条，{n} 条待答复"),
        "disputes.none": ("No open disputes in the teams you see.", "您可见的组中没有待答复的申诉。"),
        "disputes.col.id": ("#", "编号"),
        "disputes.col.period": ("Period", "周期"),
        "disputes.col.employee": ("Employee", "员工"),
        "disputes.col.opened": ("Opened", "提出时间"),
        "disputes.col.status": ("Status", "状态"),
        "disputes.col.reason": ("Reason", "理由"),
        "dispute.open": ("open", "待答复"),
        "dispute.accepted": ("accepted", "已接受"),
        "dispute.rejected": ("rejected", "已驳回"),
        "disputes.detail": ("{who} · {team} · {period}: {reason}", "{who} · {team} · {period}：{reason}"),
        "disputes.answered": ("{status} by {by} at {at}: {answer}", "{by} 于 {at} {status}：{answer}"),
        "disputes.accept.title": ("Accept dispute {id}", "接受申诉 {id}"),
        "disputes.accept.body": (
            "{who}, {period}: {reason}\nAccepting opens the scorecard to correct; the result is recorded again when it closes.",
            "{who}，{period}：{reason}\n接受后将打开考核表以更正；关闭考核表时重新记录其结果。",
        ),
        "disputes.reject.title": ("Reject dispute {id}", "驳回申诉 {id}"),
        "disputes.reject.body": (
            "{who}, {period}: {reason}\nThe agent reads your reason.",
            "{who}，{period}：{reason}\n员工将看到您的理由。",
        ),
        "disputes.done": ("Dispute {id}: {status}", "申诉 {id}：{status}"),
        "disputes.reapplied": (
            "{who}: the result of {period} is recorded again (score {score})",
            "{who}：{period} 的结果已重新记录（得分 {score}）",
        ),
    }
)

COLUMNS = ("id", "period", "employee", "opened", "status", "reason")


class DisputesScreen(Screen):
    """One row per dispute, oldest first; the selected one in full under the table."""

    CSS_PATH = CSS_FILE
    APP_KEYS_IN_FOOTER = False
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("enter", "scorecard", "Scorecard", show=False),
        Binding("p", "record_again", "Record again"),
        Binding("v", "toggle_all", "Open/all"),
        Binding("r", "reload", "Reload", show=False),
    ]
    DEFAULT_CSS = """
    DisputesScreen #disputes-table { height: 1fr; }
    DisputesScreen #disputes-detail { height: auto; max-height: 6; padding: 0 1; }
    """

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.show_all = False
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="disputes-head", classes="head", markup=False)
        yield DataTable(id="disputes-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="disputes-detail", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(self.ctx.t(f"disputes.col.{key}") for key in COLUMNS))
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()  # answered from another screen or another cstui meanwhile

    def reload(self) -> None:
        t = self.ctx.t
        self.rows = self.ctx.store.disputes(None, None if self.show_all else "open")
        table = self.query_one(DataTable)
        table.clear()
        for d in self.rows:
            table.add_row(*self._cells(d), key=str(d["id"]))
        n = sum(1 for d in self.rows if d["status"] == "open")
        head = t("disputes.head.all", n=n, total=len(self.rows)) if self.show_all else t("disputes.head.open", n=n)
        self.query_one("#disputes-head", Static).update(head)
        self._detail()
        self.refresh_bindings()

    def _cells(self, d: dict) -> list[str]:
        return [
            str(d["id"]),
            d["period"],
            f"{d['employee_id']} {d['name']}",
            (d["signed_at"] or "")[:10],
            self.ctx.t(f"dispute.{d['status']}"),
            d["reason"] or "",
        ]

    def selected(self) -> dict | None:
        table = self.query_one(DataTable)
        if not table.row_count or table.cursor_row is None:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((d for d in self.rows if str(d["id"]) == key), None)

    def _who(self, d: dict) -> str:
        return f"{d['employee_id']} {d['name']}"

    def _detail(self) -> None:
        t, d = self.ctx.t, self.selected()
        if d is None:
            self.query_one("#disputes-detail", Static).update("" if self.show_all else t("disputes.none"))
            return
        lines = [
            t(
                "disputes.detail",
                who=self._who(d),
                team=self.ctx.team_label(d["team"]),
                period=d["period"],
                reason=d["reason"],
            )
        ]
        if d["status"] != "open":
            status = t(f"dispute.{d['status']}")
            at = (d["answered_at"] or "")[:16].replace("T", " ")
            lines.append(t("disputes.answered", status=status, by=d["answered_by"], at=at, answer=d["answer"]))
        self.query_one("#disputes-detail", Static).update("\n".join(lines))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Answer an open dispute, or record again after an accepted one: only where this login
        may change the team (a viewer sees the queue and changes nothing)."""
        if action not in ("accept", "reject", "record_again"):
            return True
        d = self.selected()
        if d is None or not self.ctx.store.user.can_write(d["team"]):
            return None
        wanted = "accepted" if action == "record_again" else "open"
        return True if d["status"] == wanted else None

    # -- answering ----------------------------------------------------------------------------

    def action_accept(self) -> None:
        self._ask(True)

    def action_reject(self) -> None:
        self._ask(False)

    def _ask(self, accept: bool) -> None:
        d, t = self.selected(), self.ctx.t
        if d is None or d["status"] != "open":
            return
        kind = "accept" if accept else "reject"
        body = t(f"disputes.{kind}.body", who=self._who(d), period=d["period"], reason=d["reason"])
        modal = ReasonModal(self.ctx, t(f"disputes.{kind}.title", id=d["id"]), body)
        self.app.push_screen(modal, lambda reason: reason and self._answer(d, accept, reason))

    def _answer(self, d: dict, accept: bool, reason: str) -> None:
        try:
            record = self.ctx.store.answer_dispute(d["id"], accept, reason)
        except USER_ERRORS as error:
            self.notify(self.ctx.error_text(error), severity="error", timeout=8)
            self.reload()
            return
        self.notify(self.ctx.t("disputes.done", id=d["id"], status=self.ctx.t(f"dispute.{record['status']}")))
        self.reload()
        if accept:
            self._correct(d)

    def _correct(self, d: dict) -> None:
        """The employee's scorecard of the disputed period; its result is recorded again when it closes."""
        self._open_card(d, lambda _: self._record_again(d))

    def action_scorecard(self) -> None:
        d = self.selected()
        if d is not None:
            self._open_card(d)

    def _open_card(self, d: dict, then=None) -> None:
        """The scorecard of the dispute's month (a quarter's: its last month); a refusal is a message."""
        from cstui.tui.navigation import make_screen

        try:
            screen = make_screen(self.ctx, "scorecard", d["employee_id"], Period.parse(d["period"]).last_month)
        except USER_ERRORS as error:
            self.notify(self.ctx.error_text(error), severity="error", timeout=8)
            return
        self.app.push_screen(screen, then)

    def action_record_again(self) -> None:
        d = self.selected()
        if d is not None and d["status"] == "accepted":
            self._record_again(d)

    @work(thread=True, exclusive=True, group="disputes-record")
    def _record_again(self, d: dict) -> None:
        """Grade the employee's team and record their result off the UI thread (keys stay live), on
        a connection of its own: the UI's connection may start a write of its own meanwhile."""
        period, app_store = Period.parse(d["period"]), self.ctx.store
        try:
            with Store.open(app_store.path, login=app_store.login, check_pages=False) as store:
                result = reapply_disputed(store, d, self.ctx.scheme)
        except USER_ERRORS as error:
            notify(self, self.ctx.error_text(error), severity="error", timeout=8)
            return
        score = "-" if result.score is None else f"{result.score:.2f}"
        text = self.ctx.t("disputes.reapplied", who=self._who(d), period=period, score=score)
        notify(self, text)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_reload(self) -> None:
        self.reload()
