"""Add or edit an employee: every field checked, each error shown beside its field.

The form stays open (with what was typed) until the store accepts the change; a refused
save (someone else edited the row, no rights, a locked database) is shown in the form.

Editing, the form also shows the employee's scheme timeline (which scheme judges which
months, from which starting level) and assigns a new scheme from a month on, at once and
through the same store call as ``cstui employee assign``: earlier months keep their scheme.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from cstui.domain import ROLES, STATUSES, Employee, Period
from cstui.domain.period import PeriodError
from cstui.domain.values import ValueProblem, parse_date
from cstui.engine.cards import CardRefused
from cstui.schemes import SchemeError, catalog
from cstui.store import PeriodClosed
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS
from cstui.tui.i18n import register

register(
    {
        "form.add": ("Add employee", "新增员工"),
        "form.edit": ("Edit employee {id}", "编辑员工 {id}"),
        "form.id": ("ID", "工号"),
        "form.name": ("Name", "姓名"),
        "form.team": ("Team", "组别"),
        "form.role": ("Role", "岗位"),
        "form.hire_date": ("Hired", "入职日期"),
        "form.scheme": ("Scheme", "考核方案"),
        "form.level": ("Level", "级别"),
        "form.login": ("Login", "登录名"),
        "form.status": ("Status", "状态"),
        "form.save": ("Save", "保存"),
        "form.cancel": ("Cancel", "取消"),
        "form.required": ("required", "必填"),
        "form.no_spaces": ("no spaces in an ID", "工号不能含空格"),
        "form.date": ("expected YYYY-MM-DD, e.g. 2026-03-01", "应为 YYYY-MM-DD，如 2026-03-01"),
        "form.future": ("after today ({today})", "晚于今天（{today}）"),
        "form.entry_level": ("(entry level)", "（起始级别）"),
        "form.no_scheme": ("(none)", "（无）"),
        "form.fix": ("Fix the fields marked in red.", "请修改标红的字段。"),
        "form.keys": ("ctrl+s save · Esc cancel", "ctrl+s 保存 · Esc 取消"),
        "Save": ("Save", "保存"),
        "Cancel": ("Cancel", "取消"),
        "form.timeline": ("Timeline", "方案时间线"),
        "form.from_start": ("from the start", "从头起"),
        "form.assign_scheme": ("New scheme", "新方案"),
        "form.assign_since": ("From month", "起始月份"),
        "form.assign_level": ("At level", "起始级别"),
        "form.assign": ("Assign", "分配"),
        "form.assign_pick": ("pick a scheme", "请选择方案"),
        "form.assign_month": ("expected a month such as 2026-11", "应为月份，如 2026-11"),
        "form.assign_closed": ("{month} is closed; a manager reopens it first", "{month} 已关闭；请经理先重新打开"),
        "form.assign_no_level": ("not on {scheme}: {levels}", "不在 {scheme} 上：{levels}"),
        "form.assigned": ("{id} on {scheme} from {month}", "{id} 自 {month} 起使用 {scheme}"),
    }
)

ASSIGN_FIELDS = ("assign_scheme", "assign_since", "assign_level")

FIELDS = ("id", "name", "team", "role", "hire_date", "scheme", "level", "login", "status")


class EmployeeForm(ModalScreen[Employee | None]):
    """``dismiss(saved_employee)`` once stored; ``dismiss(None)`` on cancel."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, ctx: AppContext, employee: Employee | None):
        super().__init__()
        self.ctx = ctx
        self.original = employee
        self.assigned = False  # a scheme was assigned from this form (stored at once)

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        t, e = self.ctx.t, self.original
        title = t("form.edit", id=e.id) if e else t("form.add")
        with Vertical(id="form-box"):
            yield Static(title, classes="modal-title")
            yield self._row("id", Input(e.id if e else "", id="f-id", compact=True, disabled=e is not None))
            yield self._row("name", Input(e.name if e else "", id="f-name", compact=True))
            yield self._row("team", self._select("f-team", self._teams(), e.team if e else None))
            roles = [(t(f"role.{r}"), r) for r in ROLES]
            yield self._row("role", self._select("f-role", roles, e.role if e else "agent", blank=False))
            yield self._row(
                "hire_date",
                Input(e.hire_date.isoformat() if e else "", placeholder="YYYY-MM-DD", id="f-hire_date", compact=True),
            )
            schemes = [(name, name) for name in catalog().names()]
            yield self._row(
                "scheme", self._select("f-scheme", schemes, e.scheme if e else None, prompt=t("form.no_scheme"))
            )
            yield self._row(
                "level",
                self._select(
                    "f-level",
                    self._levels(e.scheme if e else None),
                    e.level if e else None,
                    prompt=t("form.entry_level"),
                ),
            )
            yield self._row("login", Input((e.login or "") if e else "", id="f-login", compact=True))
            statuses = [(t(f"status.{s}"), s) for s in STATUSES]
            yield self._row("status", self._select("f-status", statuses, e.status if e else "active", blank=False))
            if e is not None:
                yield from self._timeline_rows(e)
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Static(t("form.keys"), classes="hint")
                yield Button(t("form.save"), id="form-save", variant="primary", compact=True)
                yield Button(t("form.cancel"), id="form-cancel", compact=True)

    def _row(self, field: str, control: Widget, *extra: Widget) -> Horizontal:
        control.add_class("field-input")
        return Horizontal(
            Label(self.ctx.t(f"form.{field}"), classes="field-label"),
            control,
            *extra,
            Static("", id=f"err-{field}", classes="field-error"),
            classes="field",
        )

    def _timeline_rows(self, e: Employee) -> ComposeResult:
        """The timeline as it stands, then the new assignment's scheme, month and level."""
        t = self.ctx.t
        yield Horizontal(
            Label(t("form.timeline"), classes="field-label"),
            Static(self._timeline_text(), id="f-timeline", markup=False),
            classes="field",
        )
        schemes = [(name, name) for name in catalog().names()]
        yield self._row("assign_scheme", self._select("f-assign_scheme", schemes, None, prompt=t("form.assign_pick")))
        yield self._row("assign_since", Input("", placeholder="YYYY-MM", id="f-assign_since", compact=True))
        assign = Button(t("form.assign"), id="form-assign", compact=True)
        yield self._row("assign_level", self._select("f-assign_level", [], None, prompt=t("form.entry_level")), assign)

    def _timeline_text(self) -> str:
        """One line per assignment, earliest first: since, scheme, starting level (the earliest
        also covers the months before its own, e.g. history imported before the timeline)."""
        t, line = self.ctx.t, self.ctx.store.scheme_assignments(self.original.id)
        rows = [
            (
                t("form.from_start") if i == 0 else a.since,
                a.scheme or t("form.no_scheme"),
                self.ctx.level_label(a.scheme, a.level) or t("form.entry_level"),
            )
            for i, a in enumerate(line)
        ]
        widths = [max((cell_len(row[col]) for row in rows), default=0) for col in range(2)]
        return "\n".join(
            f"{_pad(since, widths[0])}  {_pad(scheme, widths[1])}  {level}" for since, scheme, level in rows
        )

    def _select(self, id: str, options, value, blank: bool = True, prompt: str = "") -> Select:
        values = {v for _label, v in options}
        if value is not None and value not in values:
            options = [*options, (value, value)]  # keep a stored value the lists no longer offer
        return Select(
            options,
            id=id,
            compact=True,
            allow_blank=blank,
            prompt=prompt or "-",
            value=value if value is not None else Select.NULL,
        )

    def _teams(self) -> list[tuple[str, str]]:
        user = self.ctx.store.user
        teams = [team for team in self.ctx.store.teams() if user.can_write(team["id"])]
        label = "name_zh" if self.ctx.lang == "zh" else "name"
        return [
            (
                f"{team['id']}  {team.get(label) or team['name']}"
                if (team.get(label) or team["name"]) != team["id"]
                else team["id"],
                team["id"],
            )
            for team in teams
        ]

    def _levels(self, scheme_name: str | None) -> list[tuple[str, str]]:
        scheme, _problem = self.ctx.try_scheme(scheme_name)
        if scheme is None:
            return []
        zh = self.ctx.lang == "zh"
        return [(f"{lv.key}  {lv.label_zh if zh else lv.label}", lv.key) for lv in scheme.levels]

    def on_mount(self) -> None:
        self.query_one("#f-name" if self.original else "#f-id").focus()

    # -- reactions ------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._clear_error(event.input.id)

    def _clear_error(self, widget_id: str | None) -> None:
        if widget_id and widget_id.startswith("f-") and self.is_mounted:
            self.query_one(f"#err-{widget_id[2:]}", Static).update("")

    def on_select_changed(self, event: Select.Changed) -> None:
        self._clear_error(event.select.id)
        ladders = {"f-scheme": "#f-level", "f-assign_scheme": "#f-assign_level"}
        if event.select.id in ladders:
            levels = self.query_one(ladders[event.select.id], Select)
            name = None if event.value is Select.NULL else str(event.value)
            current, options = levels.value, self._levels(name)
            levels.set_options(options)
            if any(value == current for _label, value in options):
                levels.value = current  # the scheme did not change the ladder: keep the level

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "f-assign_since":
            self.action_assign()
        else:
            self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            self.action_save()
        elif event.button.id == "form-assign":
            self.action_assign()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        # an assignment is stored already: the roster reloads to show it
        self.dismiss(self.original if self.assigned else None)

    # -- assign a scheme from a month -----------------------------------------------------------

    def action_assign(self) -> None:
        scheme, since, level = (self._value(field) for field in ASSIGN_FIELDS)
        errors = self.assign_problems(scheme, since, level)
        if not errors:
            try:
                saved = self.ctx.store.assign_scheme(self.original.id, scheme, since, level or None)
            except USER_ERRORS as error:  # e.g. a stored card the new scheme refuses: said in the form
                errors = {_field_refused(error): self._refusal(error, since)}
        for field in ASSIGN_FIELDS:
            self.query_one(f"#err-{field}", Static).update(errors.get(field, ""))
        self._form_error(errors.get("form", ""))
        if not errors:
            self._assigned(saved, scheme, since)

    def assign_problems(self, scheme_name: str, since: str, level: str) -> dict[str, str]:
        """Each assignment field's reason to refuse, before the store is asked (it checks again)."""
        t, errors = self.ctx.t, {}
        scheme, problem = self.ctx.try_scheme(scheme_name or None)
        if not scheme_name or scheme is None:
            errors["assign_scheme"] = problem.splitlines()[0] if scheme_name and problem else t("form.assign_pick")
        elif level and level not in scheme.level_keys:
            errors["assign_level"] = t("form.assign_no_level", scheme=scheme_name, levels=", ".join(scheme.level_keys))
        try:
            month = Period.parse(since)
        except PeriodError:
            month = None
        if month is None or not month.is_month:
            errors["assign_since"] = t("form.assign_month")
        elif self.ctx.store.period_status(month) == "closed":
            errors["assign_since"] = t("form.assign_closed", month=month)
        return errors

    def _refusal(self, error: BaseException, since: str) -> str:
        if isinstance(error, PeriodClosed):  # closed meanwhile by someone else
            return self.ctx.t("form.assign_closed", month=since)
        return self.ctx.error_text(error)

    def _assigned(self, saved: Employee, scheme: str, since: str) -> None:
        """The employee row may now be on the new scheme: the form edits that version."""
        self.original, self.assigned = saved, True
        self.query_one("#f-timeline", Static).update(self._timeline_text())
        _choose(self.query_one("#f-scheme", Select), saved.scheme)
        levels = self.query_one("#f-level", Select)
        levels.set_options(self._levels(saved.scheme))
        _choose(levels, saved.level)
        self.notify(self.ctx.t("form.assigned", id=saved.id, scheme=scheme, month=since))

    # -- save -----------------------------------------------------------------------------------

    def action_save(self) -> None:
        employee, errors = self.read_form()
        for field in FIELDS:
            self.query_one(f"#err-{field}", Static).update(errors.get(field, ""))
        if errors:
            self._form_error(self.ctx.t("form.fix"))
            return
        try:
            if self.original is None:
                saved = self.ctx.store.add_employee(employee)
            else:
                saved = self.ctx.store.update_employee(employee, expected_version=self.original.version)
        except USER_ERRORS as error:
            self._form_error(self.ctx.error_text(error))  # the form keeps what was typed
            return
        self.dismiss(saved)

    def _form_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    def _value(self, field: str) -> str:
        widget = self.query_one(f"#f-{field}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        return widget.value.strip()

    def read_form(self) -> tuple[Employee | None, dict[str, str]]:
        """The employee the form describes, or the error of each bad field."""
        t = self.ctx.t
        v = {field: self._value(field) for field in FIELDS}
        errors: dict[str, str] = {}
        for field in ("id", "name", "team", "role", "hire_date"):
            if not v[field]:
                errors[field] = t("form.required")
        if v["id"] and any(ch.isspace() for ch in v["id"]):
            errors["id"] = t("form.no_spaces")
        hired = None
        if v["hire_date"]:
            try:
                hired = parse_date(v["hire_date"])
            except ValueProblem:
                errors["hire_date"] = t("form.date")
            else:
                from cstui.clock import today

                if hired > today():
                    errors["hire_date"] = t("form.future", today=today().isoformat())
        if v["level"] and v["scheme"]:
            scheme, problem = self.ctx.try_scheme(v["scheme"])
            if problem:
                errors["scheme"] = problem.splitlines()[0]
            elif v["level"] not in scheme.level_keys:
                errors["level"] = f"{', '.join(scheme.level_keys)}"
        if errors:
            return None, errors
        fields = dict(
            id=v["id"],
            name=v["name"],
            team=v["team"],
            role=v["role"],
            hire_date=hired or date.min,
            status=v["status"] or "active",
            login=v["login"] or None,
            scheme=v["scheme"] or None,
            level=v["level"] or None,
        )
        if self.original is None:
            return Employee(**fields), {}
        return replace(self.original, **fields), {}


def _field_refused(error: BaseException) -> str:
    """The assignment field a store refusal is about (shown beside it)."""
    if isinstance(error, PeriodClosed):
        return "assign_since"
    if isinstance(error, SchemeError):
        return "assign_scheme"
    if isinstance(error, CardRefused):  # stored cards the new scheme would judge: the whole form's matter
        return "form"
    return "assign_level" if isinstance(error, ValueProblem) else "form"


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal cells (a CJK character takes two)."""
    return text + " " * (width - cell_len(text))


def _choose(select: Select, value: str | None) -> None:
    """Show ``value`` in ``select`` (blank when it is None or not offered)."""
    offered = any(v == value for _label, v in select._options)
    select.value = value if value is not None and offered else Select.NULL
