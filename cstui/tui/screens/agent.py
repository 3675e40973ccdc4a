"""An agent's own screen: the app opens here for a login of role ``agent`` and goes nowhere else.

The selected period's recorded result (the app's period at first; the history table moves it),
its trace and its sign-off: confirm (c) or dispute with a reason (d) within the scheme's window,
and the supervisor's answer to a dispute. Everything comes from the store, which scopes an
agent's reads to their own employee and checks every sign-off inside its write: a refusal (no
graded result, the window passed, already confirmed, a dispute still open) is its message.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from cstui.clock import today
from cstui.domain import Period
from cstui.store.signoff import STATE_OF_STATUS, installed_window_days, window_end
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS
from cstui.tui.i18n import register
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.modals.reason import ReasonModal
from cstui.tui.widgets.footer import KeysFooter

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Confirm result": ("Confirm result", "确认结果"),
        "Dispute": ("Dispute", "申诉"),
        "Reload": ("Reload", "刷新"),
        "agent.head": (
            "My results · {id} {name} · {team} · {scheme}",
            "我的考核结果 · {id} {name} · {team} · {scheme}",
        ),
        "agent.nobody": (
            "Your login is the roster login of no employee (or of several): ask an admin to fix the roster.",
            "您的登录名未对应花名册中的唯一员工：请管理员更正花名册。",
        ),
        "agent.result": (
            "{period}: score {score} · grade {grade} · {level} · {decision} · pay {pay}",
            "{period}：得分 {score} · 等级 {grade} · {level} · {decision} · 薪资浮动 {pay}",
        ),
        "agent.none": ("{period}: no graded result yet", "{period}：尚无考核结果"),
        "agent.closed": (" · period closed", " · 周期已关闭"),
        "agent.pending": ("Not signed off yet.", "尚未确认。"),
        "agent.confirmed": ("Confirmed at {at} UTC.", "已于 {at}（UTC）确认。"),
        "agent.disputed": (
            "Disputed at {at} UTC: waiting for your supervisor's answer.",
            "已于 {at}（UTC）提出申诉：等待主管答复。",
        ),
        "agent.accepted": ("Your dispute was accepted by {by} at {at} UTC.", "您的申诉已被 {by} 于 {at}（UTC）接受。"),
        "agent.rejected": ("Your dispute was rejected by {by} at {at} UTC.", "您的申诉已被 {by} 于 {at}（UTC）驳回。"),
        "agent.window": (
            " c confirms, d disputes, until {until}.",
            "按 c 确认、d 申诉，截止 {until}。",
        ),
        "agent.window_closed": (" The sign-off window closed on {until}.", "确认期限已于 {until} 结束。"),
        "agent.reason": ("Your reason: {reason}", "您的理由：{reason}"),
        "agent.answer": ("Answer: {answer}", "答复：{answer}"),
        "agent.trace": ("How the result was reached", "计算过程"),
        "agent.no_trace": ("(no trace recorded)", "（无计算记录）"),
        "agent.history": ("My history", "历史结果"),
        "agent.col.period": ("Period", "周期"),
        "agent.col.score": ("Score", "得分"),
        "agent.col.grade": ("Gr", "等级"),
        "agent.col.level": ("Level", "级别"),
        "agent.col.decision": ("Decision", "结论"),
        "agent.col.pay": ("Pay Δ", "薪资Δ"),
        "agent.col.sign": ("Sign-off", "确认"),
        "sign.confirmed": ("confirmed", "已确认"),
        "sign.disputed": ("disputed", "申诉中"),
        "sign.answered": ("answered", "已答复"),
        "sign.pending": ("pending", "待确认"),
        "agent.confirm.title": ("Confirm your result", "确认考核结果"),
        "agent.confirm.body": (
            "You confirm your result of {summary}. A confirmation cannot be taken back.",
            "您确认考核结果 {summary}。确认后不能撤回。",
        ),
        "agent.dispute.title": ("Dispute your result of {period}", "申诉 {period} 的考核结果"),
        "agent.dispute.body": (
            "Say what is wrong with it: your supervisor reads the reason and answers.",
            "请说明结果有何问题：主管会阅读并答复。",
        ),
        "agent.confirmed_done": ("Confirmed your result of {period}", "已确认 {period} 的考核结果"),
        "agent.disputed_done": ("Dispute {id} of {period} sent to your supervisor", "{period} 的申诉 {id} 已提交主管"),
    }
)

COLUMNS = ("period", "score", "grade", "level", "decision", "pay", "sign")


def show_decimal(value: Decimal | None) -> str:
    """A recorded number as the other screens show it: two places (the trace has every digit)."""
    return "" if value is None else f"{value:.2f}"


def signed_pay(value: Decimal | None) -> str:
    text = show_decimal(value)
    return f"+{text}" if value is not None and value > 0 else text


class AgentScreen(Screen):
    """The agent's results, newest first; the highlighted one in full with its trace."""

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("c", "confirm", "Confirm result"),
        Binding("d", "dispute", "Dispute"),
        Binding("r", "reload", "Reload", show=False),
    ]
    DEFAULT_CSS = """
    AgentScreen #agent-result, AgentScreen #agent-sign, AgentScreen #agent-answer { height: auto; padding: 0 1; }
    AgentScreen #agent-trace-box { height: 1fr; min-height: 3; padding: 0 1; }
    AgentScreen #agent-history { height: 8; }
    """

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.period: Period = ctx.period
        self.rows: list[dict] = []
        self.employee_id = ctx.store.user.employee

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        yield Header()
        yield Static("", id="agent-head", classes="head", markup=False)
        yield Static("", id="agent-result", markup=False)
        yield Static("", id="agent-sign", markup=False)
        yield Static("", id="agent-answer", markup=False)
        yield Static(t("agent.trace"), classes="section tight", markup=False)
        with VerticalScroll(id="agent-trace-box"):
            yield Static("", id="agent-trace", markup=False)
        yield Static(t("agent.history"), classes="section tight", markup=False)
        yield DataTable(id="agent-history", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(self.ctx.t(f"agent.col.{key}") for key in COLUMNS))
        self._head()
        self.reload()
        table.focus()

    def _head(self) -> None:
        t, store = self.ctx.t, self.ctx.store
        if self.employee_id is None:
            self.query_one("#agent-head", Static).update(t("agent.nobody"))
            return
        e = store.employee(self.employee_id)
        head = t(
            "agent.head",
            id=e.id,
            name=e.name,
            team=self.ctx.team_label(e.team),
            scheme=self.ctx.scheme_label(e.scheme) or "-",
        )
        self.query_one("#agent-head", Static).update(head)

    def reload(self) -> None:
        """Read the agent's results again (after a sign-off, or with r) and show the selected period."""
        self.rows = self.ctx.store.employee_results(self.employee_id) if self.employee_id else []
        table = self.query_one(DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(*self._cells(row), key=row["period"])
        self._select(self.period)

    def _cells(self, row: dict) -> list[str]:
        sign = row["sign_off"]
        state = STATE_OF_STATUS.get(sign["status"], "pending") if sign else "pending"
        return [
            row["period"],
            show_decimal(row["score"]),
            row["grade"] or "",
            self._level(row),
            self._decision(row["decision"]),
            signed_pay(row["pay_delta"]),
            self.ctx.t(f"sign.{state}"),
        ]

    def _level(self, row: dict) -> str:
        label = self.ctx.level_label
        before, after = row["level_before"], row["level_after"]
        text = label(row["scheme"], before) if before else ""
        return f"{text}→{label(row['scheme'], after)}" if after and after != before else text

    def _decision(self, decision: str | None) -> str:
        label = self.ctx.t(f"decision.{decision}") if decision else ""
        return decision if label.startswith("decision.") else label

    def _select(self, period: Period) -> None:
        """Show ``period``; the history's cursor goes to its row when it has one."""
        self.period = period
        table = self.query_one(DataTable)
        periods = [row["period"] for row in self.rows]
        if str(period) in periods and table.cursor_row != periods.index(str(period)):
            table.move_cursor(row=periods.index(str(period)))
        self._detail()

    def selected(self) -> dict | None:
        return next((row for row in self.rows if row["period"] == str(self.period)), None)

    def _detail(self) -> None:
        t, row = self.ctx.t, self.selected()
        closed = t("agent.closed") if self.ctx.store.period_status(self.period) == "closed" else ""
        if row is None:
            self.query_one("#agent-result", Static).update(t("agent.none", period=self.period) + closed)
            for name in ("sign", "answer", "trace"):
                self._line(name, "")
            return
        self.query_one("#agent-result", Static).update(self.summary(row) + closed)
        self._line("sign", self._sign_text(row))
        self._line("answer", self._answer_text(row))
        trace = self.ctx.show_all(row["trace"], row["scheme"], sep="\n")
        self.query_one("#agent-trace", Static).update(trace or t("agent.no_trace"))

    def _line(self, name: str, text: str) -> None:
        """A line under the result, shown only when it says something."""
        line = self.query_one(f"#agent-{name}", Static)
        line.update(text)
        line.display = bool(text) or name == "trace"

    def summary(self, row: dict) -> str:
        return self.ctx.t(
            "agent.result",
            period=row["period"],
            score=show_decimal(row["score"]) or "-",
            grade=row["grade"] or "-",
            level=self._level(row) or "-",
            decision=self._decision(row["decision"]) or "-",
            pay=signed_pay(row["pay_delta"]) or "-",
        )

    def _sign_text(self, row: dict) -> str:
        t, sign = self.ctx.t, row["sign_off"]
        if sign is None:
            text = t("agent.pending")
        elif sign["status"] in ("accepted", "rejected"):
            text = t(f"agent.{sign['status']}", by=sign["answered_by"], at=_when(sign["answered_at"]))
        else:
            return t(f"agent.{STATE_OF_STATUS[sign['status']]}", at=_when(sign["signed_at"]))
        until = window_end(row["recorded_at"], installed_window_days(row["scheme"]))
        window = "agent.window" if today() <= until else "agent.window_closed"
        return text + t(window, until=until.isoformat())

    def _answer_text(self, row: dict) -> str:
        dispute, t = row["dispute"], self.ctx.t
        if dispute is None:
            return ""
        lines = [t("agent.reason", reason=dispute["reason"])]
        if dispute["answer"]:
            lines.append(t("agent.answer", answer=dispute["answer"]))
        return "\n".join(lines)

    # -- keys ---------------------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and event.row_key.value != str(self.period):
            self.period = Period.parse(event.row_key.value)
            self._detail()

    def on_period_changed(self) -> None:
        self._select(self.ctx.period)

    def _refused(self) -> bool:
        """Tell the store's reason why the selected period cannot be signed off now, if it cannot."""
        refusal = self.ctx.store.sign_off_refusal(self.period, installed_window_days)
        if refusal is not None:
            self.notify(self.ctx.show(refusal), severity="error", timeout=8)
        return refusal is not None

    def action_confirm(self) -> None:
        if self._refused():
            return
        body = self.ctx.t("agent.confirm.body", summary=self.summary(self.selected()))
        modal = ConfirmModal(self.ctx, self.ctx.t("agent.confirm.title"), body)
        self.app.push_screen(modal, lambda yes: yes and self._sign(None))

    def action_dispute(self) -> None:
        if self._refused():
            return
        t = self.ctx.t
        modal = ReasonModal(self.ctx, t("agent.dispute.title", period=self.period), t("agent.dispute.body"))
        self.app.push_screen(modal, lambda reason: reason and self._sign(reason))

    def _sign(self, dispute_reason: str | None) -> None:
        """Confirm (no reason) or dispute the selected period; the store checks it all again."""
        store, t, period = self.ctx.store, self.ctx.t, self.period
        try:
            if dispute_reason is None:
                store.confirm_result(period, installed_window_days)
                self.notify(t("agent.confirmed_done", period=period))
            else:
                record = store.open_dispute(period, dispute_reason, installed_window_days)
                self.notify(t("agent.disputed_done", id=record["id"], period=period))
        except USER_ERRORS as error:
            self.notify(self.ctx.error_text(error), severity="error", timeout=8)
        self.reload()

    def action_reload(self) -> None:
        self.reload()


def _when(stamp: str | None) -> str:
    """``2026-11-16 09:30`` of a stored UTC stamp ``2026-11-16T09:30:00Z``."""
    return (stamp or "")[:16].replace("T", " ")
