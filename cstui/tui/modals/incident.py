"""Record an incident: a code picker that searches codes and labels as you type,
then count, points (within the code's range) and a note."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from cstui.clock import today
from cstui.domain import Incident, Period
from cstui.domain.values import ValueProblem, format_number, parse_count, parse_date, parse_decimal
from cstui.engine.ledger import CatalogueEntry
from cstui.tui.context import AppContext
from cstui.tui.i18n import register

CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "Record": ("Record", "记录"),
        "Cancel": ("Cancel", "取消"),
        "incident.title": ("Record an incident for {who}, {month}", "为 {who} 记录奖惩（{month}）"),
        "incident.search": ("type to search codes and labels", "输入以搜索代码或名称"),
        "incident.none": ("no code matches", "没有匹配的代码"),
        "incident.chosen": ("Code", "代码"),
        "incident.not_chosen": ("(pick a code: ↓ then Enter)", "（选择代码：↓ 再回车）"),
        "incident.count": ("Count", "次数"),
        "incident.points": ("Points each", "每次分值"),
        "incident.date": ("Date", "日期"),
        "incident.points_hint": ("empty = {default}; within {range}", "留空 = {default}；范围 {range}"),
        "incident.note": ("Note", "备注"),
        "incident.keys": (
            "[b]↓/↑[/b] choose · [b]Enter[/b] pick/next · [b]ctrl+s[/b] record · [b]Esc[/b] cancel",
            "[b]↓/↑[/b] 选择 · [b]回车[/b] 选定/下一项 · [b]ctrl+s[/b] 记录 · [b]Esc[/b] 取消",
        ),
        "incident.need_code": ("pick a code first", "请先选择代码"),
        "incident.outside": ("points {value} outside {range}", "分值 {value} 超出 {range}"),
        "incident.no_points": ("this code carries no points (a dismissal-review flag)", "此代码不计分（辞退审查标记）"),
        "incident.not_in_month": ("the date must fall in {month}", "日期必须在 {month} 内"),
        "incident.once": ("this code may be recorded once a month", "此代码每月只能记录一次"),
    }
)


def entry_label(entry: CatalogueEntry, lang: str) -> str:
    return entry.label_zh if lang == "zh" else entry.label


def default_date(month: Period) -> date:
    """Today when it falls in the month, else the month's last day."""
    now = today()
    if month.contains(now):
        return now
    return date(month.year, month.index, calendar.monthrange(month.year, month.index)[1])


class IncidentModal(ModalScreen[Incident | None]):
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("ctrl+s", "record", "Record"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, ctx: AppContext, entries: list[CatalogueEntry], employee_id: str, who: str, month: Period):
        super().__init__(classes="modal")
        self.ctx, self.entries, self.employee_id, self.who, self.month = ctx, entries, employee_id, who, month
        self.chosen: CatalogueEntry | None = None

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        with Vertical(classes="dialog wide", id="incident-dialog"):
            yield Static(t("incident.title", who=self.who, month=self.month), classes="dialog-title", markup=False)
            yield Input(placeholder=t("incident.search"), id="incident-search", compact=True)
            yield OptionList(id="incident-codes", markup=False, compact=True)
            with Grid(id="incident-form"):
                yield Label(t("incident.chosen"))
                yield Static(t("incident.not_chosen"), id="incident-chosen", markup=False)
                yield Label(t("incident.count"))
                yield Input("1", id="incident-count", compact=True)
                yield Label(t("incident.points"))
                yield Input(id="incident-points", compact=True)
                yield Label(t("incident.date"))
                yield Input(default_date(self.month).isoformat(), id="incident-date", compact=True)
                yield Label(t("incident.note"))
                yield Input(id="incident-note", compact=True)
            yield Static("", id="incident-error", classes="error", markup=False)
            yield Static(t("incident.keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#incident-search", Input).focus()

    # -- the picker ------------------------------------------------------------------------

    def matches(self, query: str) -> list[CatalogueEntry]:
        words = query.lower().split()
        found = []
        for entry in self.entries:
            text = " ".join((entry.code, entry.label, entry.label_zh, entry.category)).lower()
            if all(word in text for word in words):
                found.append(entry)
        return found

    def _fill(self, query: str) -> None:
        codes = self.query_one("#incident-codes", OptionList)
        codes.clear_options()
        found = self.matches(query)
        width = max((len(e.code) for e in found), default=0)
        for entry in found:
            prompt = f"{entry.code:<{width}}  {entry.range_text():>7}  {entry_label(entry, self.ctx.lang)}"
            codes.add_option(Option(prompt, id=entry.code))
        if not found:
            codes.add_option(Option(self.ctx.t("incident.none"), id="", disabled=True))
        else:
            codes.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "incident-search":
            self._fill(event.value)
        self.query_one("#incident-error", Static).update("")

    def on_key(self, event) -> None:
        # ↓ from the search box goes to the list; Enter there picks the highlighted code
        search = self.query_one("#incident-search", Input)
        codes = self.query_one("#incident-codes", OptionList)
        if self.focused is search and event.key == "down":
            codes.focus()
            event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "incident-search":
            codes = self.query_one("#incident-codes", OptionList)
            if codes.highlighted is not None:
                option = codes.get_option_at_index(codes.highlighted)
                if option.id:
                    self._choose(option.id)
            return
        if event.input.id == "incident-note":
            self.action_record()
        else:
            self.focus_next()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._choose(event.option.id)

    def _choose(self, code: str) -> None:
        entry = next(e for e in self.entries if e.code == code)
        self.chosen = entry
        label = f"{entry.code}  {entry.range_text()}  {entry_label(entry, self.ctx.lang)} ({entry.category})"
        self.query_one("#incident-chosen", Static).update(label)
        points = self.query_one("#incident-points", Input)
        points.disabled = entry.dismissal
        if entry.dismissal:
            points.placeholder = ""
        elif entry.ranged:
            points.placeholder = self.ctx.t(
                "incident.points_hint", default=format_number(entry.default_points), range=entry.range_text()
            )
        else:
            points.placeholder = entry.range_text()
        self.query_one("#incident-count", Input).focus()

    # -- recording ---------------------------------------------------------------------------

    def action_record(self) -> None:
        try:
            incident = self._incident()
        except ValueProblem as problem:
            self.query_one("#incident-error", Static).update(str(problem))
            return
        self.dismiss(incident)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _incident(self) -> Incident:
        t = self.ctx.t
        entry = self.chosen
        if entry is None:
            raise ValueProblem(t("incident.need_code"))
        count = self._field("incident-count", parse_count, t("incident.count"))
        if count < 1:
            raise ValueProblem(f"{t('incident.count')}: 1+")
        if count > 1 and not entry.repeatable:
            raise ValueProblem(t("incident.once"))
        day = self._field("incident-date", parse_date, t("incident.date"))
        if not self.month.contains(day):
            raise ValueProblem(t("incident.not_in_month", month=self.month))
        return Incident(
            employee_id=self.employee_id,
            date=day,
            code=entry.code,
            count=count,
            points=self._points(entry),
            note=self.query_one("#incident-note", Input).value.strip(),
            recorded_by=self.ctx.store.login,
        )

    def _field(self, id: str, parse, label: str):
        try:
            return parse(self.query_one(f"#{id}", Input).value)
        except ValueProblem as problem:
            raise ValueProblem(f"{label}: {self.ctx.error_text(problem)}") from None  # the parse reason in zh too

    def _points(self, entry: CatalogueEntry) -> Decimal | None:
        """None = the catalogue default; a deduction typed without its sign counts as negative."""
        text = self.query_one("#incident-points", Input).value.strip()
        if not text or entry.dismissal:
            return None
        value = self._field("incident-points", parse_decimal, self.ctx.t("incident.points"))
        if entry.points_max is not None and entry.points_max < 0 < value:
            value = -value
        if not entry.points_min <= value <= entry.points_max:
            raise ValueProblem(self.ctx.t("incident.outside", value=format_number(value), range=entry.range_text()))
        return value
