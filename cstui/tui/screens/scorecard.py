"""One employee's scorecard for the current month: metric entry validated as you type,
the incident log, and a live panel with score, grade, pay delta, flags and the trace.

Save is explicit (ctrl+s) and optimistic: a stale version opens the conflict modal,
never an overwrite. Incidents are written as they are recorded (each is its own row).
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from cstui.domain import Incident, Period, Scorecard
from cstui.domain.values import ValueProblem
from cstui.engine.cards import CardRefused, card_problems, three_way
from cstui.engine.model import MetricSpec
from cstui.store import Conflict, StoreError
from cstui.tui.context import AppContext
from cstui.tui.i18n import register
from cstui.tui.modals.conflict import ConflictModal
from cstui.tui.modals.incident import IncidentModal
from cstui.tui.modals.unsaved import UnsavedModal
from cstui.tui.navigation import make_screen
from cstui.tui.shown import show_number
from cstui.tui.widgets.footer import KeysFooter

POLL_S = 3.0  # how often an open card asks whether someone else saved it (one indexed row)
INCIDENT_NAME_CELLS = 14  # an incident's 中文 label in the scorecard's table: 7 characters, then …
CSS_FILE = Path(__file__).parent.parent / "scorecard.tcss"

register(
    {
        "sc.head": ("{id} {name} · {team} · {scheme} · {month}", "{id} {name} · {team} · {scheme} · {month}"),
        "sc.modified": (" · modified", " · 已修改"),
        "sc.closed": (
            "Period {month} is closed: this scorecard is read-only.",
            "考核周期 {month} 已关闭：考核表只读。",
        ),
        "sc.no_write": (
            "Read-only: login {login} ({role}) may not change team {team}.",
            "只读：{login}（{role}）无权修改团队 {team}。",
        ),
        "sc.no_scheme": ("No grading scheme: {why}", "没有考核方案：{why}"),
        "sc.metrics": ("Metrics", "考核指标"),
        "sc.incidents": ("Incidents", "奖惩记录"),
        "sc.no_incidents": ("no incidents this month", "本月无奖惩记录"),
        "sc.col.date": ("Date", "日期"),
        "sc.col.code": ("Code", "奖惩项目"),
        "sc.col.count": ("×", "次"),
        "sc.col.points": ("Points", "分值"),
        "sc.col.note": ("Note", "备注"),
        "sc.live": ("Live score", "实时得分"),
        "sc.score": ("Score", "得分"),
        "sc.grade": ("Grade", "等级"),
        "sc.pay": ("Pay Δ", "薪资浮动"),
        "sc.flags": ("Flags", "标记"),
        "sc.trace": ("Trace", "计算过程"),
        "sc.invalid": ("{n} field(s) not valid: the score shows once they are", "{n} 个字段无效：更正后显示得分"),
        "sc.fill_in": ("Fill in every field marked * to see the score", "填写所有带 * 的字段后显示得分"),
        "sc.cannot_score": ("Cannot score yet: {why}", "暂无法计分：{why}"),
        "sc.required": ("required", "必填"),
        "sc.saved": ("Saved {who} {month} (version {version})", "已保存 {who} {month}（版本 {version}）"),
        "sc.fix_first": ("Not saved: fix {fields} first", "未保存：请先修正 {fields}"),
        "sc.reloaded": ("Reloaded the saved scorecard", "已重新载入已保存的考核表"),
        "sc.kept": (
            "Your values are kept where you both changed a field; ctrl+s saves",
            "你们都改过的字段保留你的数值；按 ctrl+s 保存",
        ),
        "sc.changed_reloaded": (
            "{who} saved this card (version {version}): shown now",
            "{who} 保存了这张考核表（版本 {version}）：已显示最新内容",
        ),
        "sc.changed_editing": (
            "{who} saved this card (version {version}) while you edit it: your save merges field by field",
            "{who} 在你编辑时保存了这张考核表（版本 {version}）：保存时将逐字段合并",
        ),
        "sc.merged": (
            "{who} saved first and changed {fields}; merged with your changes",
            "{who} 先保存并修改了 {fields}；已与你的修改合并",
        ),
        "sc.deleted": ("Deleted incident {code}; press u to undo", "已删除奖惩 {code}；按 u 撤销"),
        "sc.restored": ("Restored incident {code}", "已恢复奖惩 {code}"),
        "sc.recorded": ("Recorded incident {code}", "已记录奖惩 {code}"),
        "sc.nothing_to_undo": ("Nothing to undo", "没有可撤销的操作"),
        "sc.no_catalogue": ("This scheme has no incident catalogue", "此方案没有奖惩目录"),
        # binding descriptions are their own keys (the app translates them in place)
        "Save": ("Save", "保存"),
        "Back": ("Back", "返回"),
        "Add incident": ("Add incident", "添加奖惩"),
        "Delete incident": ("Delete incident", "删除奖惩"),
        "Undo delete": ("Undo delete", "撤销删除"),
        "History": ("History", "历史"),
        "Change history": ("Change history", "修改记录"),
    }
)

EDIT_ACTIONS = ("save", "add_incident", "delete_incident", "undo_delete")


def metric_label(spec: MetricSpec, lang: str) -> str:
    return spec.label_zh if lang == "zh" else spec.label


def signed_money(value) -> str:
    if value is None:
        return "-"
    text = show_number(value)
    return text if value <= 0 else f"+{text}"


class ScorecardScreen(Screen):
    APP_KEYS_IN_FOOTER = False  # the footer shows the screen's keys and ? (help lists the app's)
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "back", "Back"),
        Binding("ctrl+n", "add_incident", "Add incident"),
        Binding("i", "add_incident", "Add incident", show=False),
        Binding("delete,x", "delete_incident", "Delete incident"),
        Binding("u,ctrl+z", "undo_delete", "Undo delete"),
        Binding("h", "history", "History"),
        Binding("c,ctrl+o", "card_history", "Change history", show=False),
    ]

    def __init__(self, ctx: AppContext, employee_id: str, month: Period | None = None):
        super().__init__()
        self.ctx, self.employee_id = ctx, employee_id
        self.month: Period = month or ctx.period  # month: a placement form is the hire month's card
        self.employee = ctx.store.employee(employee_id)
        self.scheme, self.scheme_problem = ctx.try_scheme(self.employee.scheme)
        self.specs: list[MetricSpec] = self.scheme.model.metrics(self.scheme) if self.scheme else []
        self.entries = self._catalogue()
        self.saved: dict[str, str] = {}
        self.version = 0
        self.incidents: list[Incident] = []
        self.deleted: list[Incident] = []  # undo stack of this visit
        self.errors: dict[str, str] = {}  # field (or "incident CODE") -> why the scheme refuses it
        self.fields = {spec.key for spec in self.specs}
        self.save_tried = False
        self.unfilled: list[str] = []  # required fields left blank before the first save
        self.seen_version = 0  # the newest version of the card someone else saved, once noticed
        self.editable = False

    def _catalogue(self) -> list:
        if self.scheme is None or "ledger" not in self.scheme.params:
            return []
        from cstui.engine.ledger import catalogue

        return catalogue(self.scheme)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        yield Header()
        yield Static("", id="sc-head", classes="head", markup=False)
        yield Static("", id="sc-banner", classes="banner", markup=False)
        with Horizontal(id="sc-body"):
            with VerticalScroll(id="sc-form"):
                for spec in self.specs:
                    with Horizontal(classes="metric-row"):
                        required = "*" if spec.required else ""
                        yield Label(metric_label(spec, self.ctx.lang) + required, classes="metric-label", markup=False)
                        yield Input(id=f"m-{spec.key}", compact=True)
                    yield Static("", id=f"e-{spec.key}", classes="metric-error", markup=False)
                if self.entries:
                    yield Static(t("sc.incidents"), classes="section")
                    yield DataTable(id="sc-incidents", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="sc-live"):
                yield Static(t("sc.live"), classes="section")
                yield Static("", id="live-summary", markup=False)
                yield Static("", id="live-trace", markup=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        if self.entries:
            t = self.ctx.t
            table = self.query_one("#sc-incidents", DataTable)
            for key in ("date", "code", "count", "points", "note"):
                table.add_column(t(f"sc.col.{key}"), key=key)
        self.load()
        self.set_interval(POLL_S, self._watch_card)

    def _watch_card(self) -> None:
        """Another supervisor saved this card: an untouched screen reloads it, one being edited
        is told (its save will merge field by field)."""
        version, who = self.ctx.store.scorecard_stamp(self.employee_id, self.month)
        if version == self.version or version == self.seen_version:
            return
        self.seen_version = version
        if not self.dirty:
            self.load()
            self.notify(self.ctx.t("sc.changed_reloaded", who=who or "?", version=version))
        else:
            self.notify(self.ctx.t("sc.changed_editing", who=who or "?", version=version), timeout=8)

    # -- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)read the card, its incidents and the period's status from the store."""
        store = self.ctx.store
        card = store.scorecard(self.employee_id, self.month)
        self.saved, self.version = dict(card.values), card.version
        self.incidents = list(card.incidents)
        self.deleted = []
        closed = store.period_status(self.month) == "closed"
        may_write = store.user.can_write(self.employee.team)
        self.editable = bool(self.scheme) and may_write and not closed
        self._banner(closed, may_write)
        with self.prevent(Input.Changed):
            for spec in self.specs:
                field = self.query_one(f"#m-{spec.key}", Input)
                field.value = str(self.saved.get(spec.key, ""))
                field.disabled = not self.editable
        self.save_tried = self.version > 0  # a stored card is judged whole: it should be complete
        self._validate()
        self._fill_incidents()
        self.refresh_bindings()
        self.refresh_live()
        if self.editable and self.specs:
            self.query_one(f"#m-{self.specs[0].key}", Input).focus()

    def _banner(self, closed: bool, may_write: bool) -> None:
        t, user = self.ctx.t, self.ctx.store.user
        banner = self.query_one("#sc-banner", Static)
        if self.scheme is None:
            text = t("sc.no_scheme", why=self.scheme_problem or "-")
        elif closed:
            text = t("sc.closed", month=self.month)
        elif not may_write:
            role, team = self.ctx.domain_label("role", user.role), self.ctx.team_label(self.employee.team)
            text = t("sc.no_write", login=user.login, role=role, team=team)
        else:
            text = ""
        banner.update(text)
        banner.display = bool(text)

    def _head(self) -> None:
        e = self.employee
        # the roster's and the scheme's names in zh (热线一组 · 客服岗位定级), the keys in English
        team, scheme = self.ctx.team_label(e.team), self.ctx.scheme_label(e.scheme) or "-"
        text = self.ctx.t("sc.head", id=e.id, name=e.name, team=team, scheme=scheme, month=self.month)
        if self.dirty:
            text += self.ctx.t("sc.modified")
        self.query_one("#sc-head", Static).update(text)

    def _fill_incidents(self) -> None:
        if not self.entries:
            return
        table = self.query_one("#sc-incidents", DataTable)
        table.clear()
        by_code = {e.code: e for e in self.entries}
        for inc in self.incidents:
            entry = by_code.get(inc.code)
            points = inc.points if inc.points is not None else (entry.default_points if entry else None)
            note = inc.note if len(inc.note) <= 24 else inc.note[:23] + "…"
            name = self._incident_name(inc.code, INCIDENT_NAME_CELLS)
            table.add_row(inc.date.isoformat()[5:], name, str(inc.count), signed_money(points), note, key=str(inc.id))

    def _incident_name(self, code: str, cells: int | None = None) -> str:
        """An incident as the user reads it: the catalogue's 中文 label in zh (cut to ``cells``
        with an ellipsis: the form keeps half of 80 columns), the code in English."""
        entry = next((e for e in self.entries if e.code == code), None)
        if self.ctx.lang != "zh" or entry is None:
            return code
        label = entry.label_zh
        return label if cells is None or cell_len(label) <= cells else set_cell_size(label, cells - 1) + "…"

    # -- values ---------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """The typed values, stripped; empty fields left out (as the store keeps them)."""
        found = {}
        for spec in self.specs:
            text = self.query_one(f"#m-{spec.key}", Input).value.strip()
            if text:
                found[spec.key] = text
        return found

    @property
    def dirty(self) -> bool:
        return self.editable and self.values() != {k: str(v) for k, v in self.saved.items() if str(v).strip()}

    def _validate(self) -> None:
        """The scheme's own card check (the one import and the store make) on the typed card.

        Until the first save, a field left blank is not called out: the supervisor is still
        filling the card. From then on every refusal shows beside its field.
        """
        self.errors, self.unfilled = {}, []
        if self.scheme is None:
            return
        typed = self.values()
        card = Scorecard(self.employee_id, self.month, typed, list(self.incidents), self.version)
        for problem in card_problems(self.scheme, card):
            if self.save_tried or problem.field not in self.fields or problem.field in typed:
                self.errors.setdefault(problem.field, problem.reason)
            else:
                self.unfilled.append(problem.field)  # still being filled: no score yet, no alarm

    def on_input_changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("m-")
        spec = next((s for s in self.specs if s.key == key), None)
        if spec is not None:
            self._validate()
            self.refresh_live()

    # -- the live panel ---------------------------------------------------------------------

    def card(self) -> Scorecard:
        """A card of the valid typed values (invalid ones are shown, not scored)."""
        values = {k: v for k, v in self.values().items() if k not in self.errors}
        return Scorecard(self.employee_id, self.month, values, list(self.incidents), self.version)

    def refresh_live(self) -> None:
        t = self.ctx.t
        shown = dict(self.errors)
        summary, trace = [], []
        if self.errors:
            summary.append(t("sc.invalid", n=len(self.errors)))
            summary += [
                f"{field}: {self._reason(why)}" for field, why in self.errors.items() if field not in self.fields
            ]
        if self.unfilled and not self.errors:
            summary.append(t("sc.fill_in"))
        if self.scheme is not None and not self.errors and not self.unfilled:  # no score to show yet
            try:
                month = self.scheme.model.score_month(self.scheme, self.employee, self.card())
            except ValueProblem as problem:
                for key, message in getattr(problem, "problems", []):
                    shown.setdefault(key, message)
                summary.append(t("sc.cannot_score", why=self.ctx.error_text(problem)))
            except Exception as error:  # a model bug must not take the screen down
                summary.append(t("sc.cannot_score", why=error))
            else:
                summary += self._summary(month)
                trace = month.trace
        for spec in self.specs:
            problem = shown.get(spec.key, "")
            error = self.query_one(f"#e-{spec.key}", Static)
            error.update(self._reason(problem))
            error.display = bool(problem)
            self.query_one(f"#m-{spec.key}", Input).set_class(bool(problem), "-invalid")
        self.query_one("#live-summary", Static).update("\n".join(summary))
        shown = [self.ctx.show(line, self.scheme.name) for line in trace] if trace else []
        lines = [t("sc.trace") + ":"] + [f"  {line}" for line in shown] if trace else []
        self.query_one("#live-trace", Static).update("\n".join(lines))
        self._head()

    def _reason(self, why) -> str:
        """Why the scheme refuses a field, in the user's language."""
        return self.ctx.show(why, self.scheme.name if self.scheme is not None else None)

    def _summary(self, month) -> list[str]:
        t = self.ctx.t
        lines = [
            f"{t('sc.score')}: {show_number(month.score)}",
            f"{t('sc.grade')}: {month.grade or '-'}",
            f"{t('sc.pay')}: {signed_money(month.pay_delta)}",
        ]
        if month.flags:
            lines.append(f"{t('sc.flags')}: {self.ctx.show_all(month.flags, self.scheme.name)}")
        return lines

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in EDIT_ACTIONS and not self.editable:
            return False
        if action in ("add_incident", "delete_incident", "undo_delete") and not self.entries:
            return False
        return True

    def action_save(self) -> None:
        self.save()

    def save(self) -> bool:
        t = self.ctx.t
        self.save_tried = True
        self._validate()
        if self.errors:
            return self._refused()
        values = self.values()
        try:
            version = self.ctx.store.save_scorecard(
                self.employee_id, self.month, values, self.version, scheme=self.scheme
            )
        except Conflict as conflict:
            self._conflict(conflict, values)
            return False
        except CardRefused as refused:  # the store's door: same check, on the card as stored
            self.errors = {p.field: p.reason for p in refused.problems}
            return self._refused()
        except StoreError as error:
            self.notify(self.ctx.error_text(error), severity="error")
            return False
        self.saved, self.version = values, version
        self.notify(t("sc.saved", who=self.employee.name, month=self.month, version=version))
        self._head()
        return True

    def _refused(self) -> bool:
        """Each refused field marked beside it; one message naming them; nothing saved."""
        self.refresh_live()
        self.notify(self.ctx.t("sc.fix_first", fields=", ".join(self._labels(list(self.errors)))), severity="error")
        return False

    def _conflict(self, conflict: Conflict, yours: dict[str, str]) -> None:
        """Someone saved first: a three-way merge from the card this screen loaded. Fields only
        one of you changed merge (and save); a field you both changed asks."""
        theirs_card = self.ctx.store.scorecard(self.employee_id, self.month)
        merged, clashes = three_way(self.saved, yours, theirs_card.values)
        theirs_changed = [k for k in merged if str(theirs_card.values.get(k, "")) != str(self.saved.get(k, ""))]
        versions = (self.version, theirs_card.version)  # yours is the one this screen loaded: before it takes theirs
        self.saved, self.version = dict(theirs_card.values), theirs_card.version
        self._fill(merged)
        if not clashes:
            self.notify(
                self.ctx.t("sc.merged", who=conflict.who or "?", fields=", ".join(self._labels(theirs_changed)))
            )
            self.save()
            return
        rows = [
            (metric_label(s, self.ctx.lang), str(theirs_card.values.get(s.key, "")), yours.get(s.key, ""))
            for s in self.specs
            if s.key in clashes
        ]
        modal = ConflictModal(self.ctx, conflict.who, conflict.when, versions, rows)

        def chosen(choice: str | None) -> None:
            if choice == "reload":
                self.load()
                self.notify(self.ctx.t("sc.reloaded"))
            elif choice == "keep":  # theirs in every other field stays; ctrl+s saves the merge
                self._head()
                self.notify(self.ctx.t("sc.kept"))

        self.app.push_screen(modal, chosen)

    def _fill(self, values: dict[str, str]) -> None:
        with self.prevent(Input.Changed):
            for spec in self.specs:
                self.query_one(f"#m-{spec.key}", Input).value = str(values.get(spec.key, ""))
        self._validate()
        self.refresh_live()

    def _labels(self, fields: list[str]) -> list[str]:
        names = {s.key: metric_label(s, self.ctx.lang) for s in self.specs}
        return [names.get(field, field) for field in fields]

    def action_back(self) -> None:
        if not self.dirty:
            self.dismiss()
            return
        self._ask_unsaved(self.dismiss)

    def _ask_unsaved(self, leave, stay=None) -> None:
        changed = [metric_label(s, self.ctx.lang) for s in self.specs if self._changed(s.key)]

        def chosen(choice: str | None) -> None:
            if choice == "save" and self.save():
                leave()
            elif choice == "discard":
                leave()
            elif stay is not None:
                stay()

        modal = UnsavedModal(self.ctx, f"{self.employee.id} {self.employee.name}", str(self.month), changed)
        self.app.push_screen(modal, chosen)

    def _changed(self, key: str) -> bool:
        now = self.query_one(f"#m-{key}", Input).value.strip()
        return now != str(self.saved.get(key, "")).strip()

    def on_period_changed(self) -> None:
        """The app switched ctx.period: follow it, asking first about unsaved changes."""
        if self.ctx.period == self.month:
            return

        def follow() -> None:
            self.month = self.ctx.period
            self.load()

        def stay() -> None:
            self.ctx.period = self.month

        if self.dirty:
            self._ask_unsaved(follow, stay)
        else:
            follow()

    def action_history(self) -> None:
        self.app.push_screen(make_screen(self.ctx, "history", self.employee_id))

    def action_card_history(self) -> None:
        self.app.push_screen(
            make_screen(self.ctx, "card-history", self.employee_id, self.employee.name, str(self.month))
        )

    # -- incidents ----------------------------------------------------------------------------

    def action_add_incident(self) -> None:
        who = f"{self.employee.id} {self.employee.name}"

        def recorded(incident: Incident | None) -> None:
            if incident is None:
                return
            try:
                self.ctx.store.add_incident(incident)
            except (StoreError, ValueProblem) as error:  # ValueProblem: the scheme refused it
                self.notify(self.ctx.error_text(error), severity="error")
                return
            self._reload_incidents()
            self.notify(self.ctx.t("sc.recorded", code=self._incident_name(incident.code)))

        self.app.push_screen(IncidentModal(self.ctx, self.entries, self.employee_id, who, self.month), recorded)

    def action_delete_incident(self) -> None:
        table = self.query_one("#sc-incidents", DataTable)
        if not self.incidents or table.cursor_row is None:
            return
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        incident = next((i for i in self.incidents if str(i.id) == key), None)
        if incident is None:
            return
        try:
            self.ctx.store.delete_incident(incident.id)
        except StoreError as error:
            self.notify(self.ctx.error_text(error), severity="error")
            return
        self.deleted.append(incident)
        self._reload_incidents()
        self.notify(self.ctx.t("sc.deleted", code=self._incident_name(incident.code)))

    def action_undo_delete(self) -> None:
        if not self.deleted:
            self.notify(self.ctx.t("sc.nothing_to_undo"))
            return
        incident = self.deleted[-1]
        try:
            self.ctx.store.restore_incident(incident.id)
        except (StoreError, ValueProblem) as error:  # refused: restoring would break a rule of the month
            self.notify(self.ctx.error_text(error), severity="error")
            return
        self.deleted.pop()
        self._reload_incidents()
        self.notify(self.ctx.t("sc.restored", code=self._incident_name(incident.code)))

    def _reload_incidents(self) -> None:
        self.incidents = self.ctx.store.incidents(self.employee_id, self.month)
        self._fill_incidents()
        self._validate()
        self.refresh_live()
