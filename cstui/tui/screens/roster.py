"""Roster: the employees of the teams this login may see, paged from SQLite as you scroll."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from cstui.domain import Employee, Period
from cstui.levels import ladder_position
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS
from cstui.tui.i18n import register
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.modals.employee_form import EmployeeForm
from cstui.tui.modals.roster_import import RosterImport
from cstui.tui.navigation import make_screen
from cstui.tui.threads import answer, notify
from cstui.tui.widgets import Column, VirtualTable
from cstui.tui.widgets.footer import KeysFooter

register(
    {
        "roster.id": ("ID", "工号"),
        "roster.name": ("Name", "姓名"),
        "roster.team": ("Team", "组别"),
        "roster.role": ("Role", "岗位"),
        "roster.scheme": ("Scheme", "方案"),
        "roster.level": ("Level", "级别"),
        "roster.hire_date": ("Hired", "入职日期"),
        "roster.status": ("Status", "状态"),
        "roster.filter": ("/ filter: name, pinyin, id, team, level", "/ 筛选：姓名、拼音、工号、组别、级别"),
        "roster.count": ("{shown:,} of {total:,}", "{shown:,} / 共 {total:,}"),
        "roster.sorted": ("sort: {column}{arrow}", "排序：{column}{arrow}"),
        "roster.empty": ("No employees match.", "没有符合条件的员工。"),
        "roster.none": ("No employee selected.", "未选中员工。"),
        "roster.deactivate.title": ("Deactivate employee", "停用员工"),
        "roster.deactivate.message": (
            "{id} {name} ({team}) will be marked inactive. Their history stays.",
            "{id} {name}（{team}）将被标记为离职，历史记录保留。",
        ),
        "roster.deactivated": ("{id} {name} is now inactive", "{id} {name} 已停用"),
        "roster.saved": ("Saved {id} {name}", "已保存 {id} {name}"),
        "roster.place_now": (
            "Fill in {name}'s placement form: it places them on the ladder",
            "请填写 {name} 的岗位定级表：据此确定其级别",
        ),
        "roster.imported": ("Roster imported: {summary}", "花名册已导入：{summary}"),
        "role.agent": ("agent", "客服专员"),
        "role.assistant": ("assistant", "客服助理"),
        "role.team-lead": ("team lead", "领班"),
        "role.supervisor": ("supervisor", "主管"),
        "role.manager": ("manager", "经理"),
        "status.active": ("active", "在职"),
        "status.inactive": ("inactive", "停用"),
        "Filter": ("Filter", "筛选"),
        "Sort": ("Sort", "排序"),
        "Reverse sort": ("Reverse sort", "反向排序"),
        "Scorecard": ("Scorecard", "考核表"),
        "History": ("History", "历史"),
        "Add": ("Add", "新增"),
        "Edit": ("Edit", "编辑"),
        "Deactivate": ("Deactivate", "停用"),
        "Import": ("Import", "导入"),
        "Clear filter": ("Clear filter", "清除筛选"),
    }
)

# (key, title i18n key, width, min width): widths in terminal cells
COLUMNS = (
    ("id", 7, 0),
    ("name", 10, 8),
    ("team", 8, 6),
    ("role", 10, 9),
    ("scheme", 15, 9),
    ("level", 12, 8),
    ("hire_date", 10, 0),
    ("status", 8, 0),
)
SORT_KEYS = [key for key, _w, _m in COLUMNS]
DEBOUNCE_S = 0.15
WRITE_ACTIONS = {"add", "edit", "deactivate", "import"}


class RosterScreen(Screen):
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", key_display="/"),
        Binding("s", "sort", "Sort"),
        Binding("S", "reverse", "Reverse sort", show=False),
        Binding("enter", "scorecard", "Scorecard", key_display="⏎"),
        Binding("h", "history", "History"),
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "deactivate", "Deactivate", show=False),
        Binding("i", "import", "Import", show=False),
        Binding("escape", "escape", "Clear filter", show=False),
    ]

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.search = ""
        self.sort_index = 0
        self.descending = False
        self._generation = 0
        self._debounce: Timer | None = None
        self._writable_row: bool | None = None
        self._shown_before = False

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        yield Header()
        with Horizontal(id="roster-bar"):
            yield Input(placeholder=t("roster.filter"), id="roster-filter", compact=True)
            yield Static("", id="roster-status")
        columns = [Column(key, t(f"roster.{key}"), width, minimum) for key, width, minimum in COLUMNS]
        fetch, count = self._fetcher(self.search)
        table = VirtualTable(columns, fetch, count, first_page=fetch(0, 100), dim_when=_inactive, id="roster-table")
        table.sort_key = SORT_KEYS[self.sort_index]
        yield table
        yield KeysFooter()

    def on_mount(self) -> None:
        self.table.focus()
        self._show_status()

    def on_screen_resume(self) -> None:
        # back from the board or a scorecard: recorded results may have moved levels
        if self._shown_before:
            self.reload(keep_cursor=True)
        self._shown_before = True

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#roster-table", VirtualTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#roster-filter", Input)

    def _show_status(self) -> None:
        t = self.ctx.t
        key = SORT_KEYS[self.sort_index]
        total = self.ctx.store.count_employees()
        text = t("roster.count", shown=self.table.count, total=total)
        text += "  " + t("roster.sorted", column=t(f"roster.{key}"), arrow="▼" if self.descending else "▲")
        if not self.table.count:
            text = t("roster.empty") + "  " + text
        self.query_one("#roster-status", Static).update(text)

    # -- queries: the table reads pages through the store, scoped to the login's teams -----------

    def _query(self, search: str) -> tuple[int, list]:
        fetch, count = self._fetcher(search)
        return count, fetch(0, 100)

    def _fetcher(self, search: str):
        """(fetch, count): pages read in SQL; sorted by level or filtered by a level's label, the
        matching ids are ordered once here (a level now is not a column) and pages read by id."""
        store, order_by, descending, ctx = self.ctx.store, SORT_KEYS[self.sort_index], self.descending, self.ctx
        levels = level_keys_matching(ctx, search)
        if order_by == "level" or levels:
            ids = self._ordered_ids(search, levels, order_by, descending)
            return (lambda offset, limit: self._rows(store.employees_by_ids(ids[offset : offset + limit]))), len(ids)

        def fetch(offset: int, limit: int) -> list[tuple[str, ...]]:
            return self._rows(
                store.employees(
                    search=search or None, order_by=order_by, descending=descending, limit=limit, offset=offset
                )
            )

        return fetch, store.count_employees(search=search or None)

    def _rows(self, employees: list[Employee]) -> list[tuple[str, ...]]:
        now = self.ctx.level_now(employees)  # a few queries per page on screen (see cstui.levels)
        return [employee_row(e, self.ctx, now.get(e.id) or self.entry_level(e)) for e in employees]

    def _ordered_ids(self, search: str, levels: dict[str, set[str]], order_by: str, descending: bool) -> list[str]:
        store = self.ctx.store
        found = store.employees(search=search or None, order_by=order_by if order_by != "level" else "id")
        if levels:  # the text names a level: people on it now, as well as the text's own matches
            on_scheme = [e for s in levels for e in store.employees(scheme=s)]
            now = self.ctx.level_now(on_scheme)
            seen = {e.id for e in found}
            found += [e for e in on_scheme if e.id not in seen and now.get(e.id) in levels[e.scheme]]
        if order_by != "level":
            found.sort(
                key=lambda e: (getattr(e, order_by) or "", e.id) if order_by != "hire_date" else (e.hire_date, e.id),
                reverse=descending,
            )
            return [e.id for e in found]
        now = self.ctx.level_now(found)
        found.sort(key=lambda e: (e.scheme or "", self._ladder(e, now), e.id), reverse=descending)
        return [e.id for e in found]

    def _ladder(self, e: Employee, now: dict[str, str]) -> int:
        scheme, _problem = self.ctx.try_scheme(e.scheme)
        return ladder_position(scheme, now.get(e.id) or self.entry_level(e))

    def entry_level(self, e: Employee) -> str:
        """Where no level can be worked out (no scheme, hired later): the starting level, else the
        scheme's entry level (the first on its ladder); "—" when there is none to name."""
        if e.level:
            return e.level
        scheme, _problem = self.ctx.try_scheme(e.scheme)
        keys = scheme.level_keys if scheme is not None else []
        return keys[0] if keys else "—"

    def reload(self, keep_cursor: bool = False) -> None:
        """Run the current filter and sort again in a worker; a newer reload wins."""
        self._generation += 1
        self._load(self._generation, self.search, keep_cursor)

    @work(thread=True, exclusive=True, group="roster-load", exit_on_error=False)
    def _load(self, generation: int, search: str, keep_cursor: bool) -> None:
        try:
            fetch, count = self._fetcher(search)
            first = fetch(0, 100)
        except USER_ERRORS as error:
            notify(self, self.ctx.error_text(error), severity="error")
            return
        answer(self, self._apply, generation, fetch, count, first, keep_cursor)

    def _apply(self, generation: int, fetch, count: int, first: list, keep_cursor: bool) -> None:
        if generation != self._generation:
            return  # typed on since: a newer query is on its way
        table = self.table
        table.sort_key, table.descending = SORT_KEYS[self.sort_index], self.descending
        table.reset(fetch, count, first, keep_cursor=keep_cursor)
        self._show_status()

    # -- filter -------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "roster-filter":
            return
        self.search = event.value.strip()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_S, self.reload)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "roster-filter":
            self.table.focus()

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    def action_escape(self) -> None:
        if self.filter_input.has_focus:
            self.table.focus()
        elif self.filter_input.value:
            self.filter_input.value = ""  # Changed → reload
        else:
            self.app.pop_screen() if len(self.app.screen_stack) > 1 else None

    # -- sort ---------------------------------------------------------------------------------

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_KEYS)
        self.descending = False
        self.reload()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.reload()

    # -- the selected employee ------------------------------------------------------------------

    def selected_id(self) -> str | None:
        row = self.table.cursor_value
        return row[0] if row else None

    def _selected(self) -> Employee | None:
        employee_id = self.selected_id()
        if employee_id is None:
            self.notify(self.ctx.t("roster.none"), severity="warning")
            return None
        return self.ctx.store.employee(employee_id)  # fresh: the version to edit against

    def action_scorecard(self) -> None:
        employee_id = self.selected_id()
        if employee_id:
            self.app.push_screen(make_screen(self.ctx, "scorecard", employee_id))

    def action_history(self) -> None:
        employee_id = self.selected_id()
        if employee_id:
            self.app.push_screen(make_screen(self.ctx, "history", employee_id))

    # -- changes (only offered to logins that may make them) ----------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in WRITE_ACTIONS:
            return True
        user = self.ctx.store.user
        if user.role == "viewer":
            return False  # a viewer is never offered a change
        if action in ("edit", "deactivate"):
            row = self.table.cursor_value if self.is_mounted else None
            return None if row is None or not user.can_write(row[9]) else True
        return True

    def on_virtual_table_highlighted(self, event: VirtualTable.Highlighted) -> None:
        # edit/deactivate depend on the row's team; refresh the footer only when that changes
        writable = event.row is not None and self.ctx.store.user.can_write(event.row[9])
        if writable != self._writable_row:
            self._writable_row = writable
            self.refresh_bindings()

    def action_add(self) -> None:
        self.app.push_screen(EmployeeForm(self.ctx, None), self._added)

    def _added(self, employee: Employee | None) -> None:
        """A new hire on a placement scheme goes straight to their placement form: the card of
        their hire month, which places them on the ladder (seed 000, 岗位定级标准)."""
        self._saved(employee)
        if employee is None or not self._places(employee.scheme):
            return
        self.notify(self.ctx.t("roster.place_now", name=employee.name))
        self.app.push_screen(make_screen(self.ctx, "scorecard", employee.id, month=Period.of_date(employee.hire_date)))

    def _places(self, scheme_name: str | None) -> bool:
        scheme, _ = self.ctx.try_scheme(scheme_name)
        return scheme is not None and scheme.model.name == "placement"

    def action_edit(self) -> None:
        employee = self._selected()
        if employee is not None:
            self.app.push_screen(EmployeeForm(self.ctx, employee), self._saved)

    def _saved(self, employee: Employee | None) -> None:
        if employee is None:
            return
        self.notify(self.ctx.t("roster.saved", id=employee.id, name=employee.name))
        self.reload(keep_cursor=True)

    def action_deactivate(self) -> None:
        employee = self._selected()
        if employee is None:
            return
        t = self.ctx.t
        message = t("roster.deactivate.message", id=employee.id, name=employee.name, team=employee.team)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                done = self.ctx.store.deactivate_employee(employee.id, employee.version)
            except USER_ERRORS as error:
                self.notify(self.ctx.error_text(error), severity="error", timeout=8)
                return
            self.notify(t("roster.deactivated", id=done.id, name=done.name))
            self.reload(keep_cursor=True)

        self.app.push_screen(ConfirmModal(self.ctx, t("roster.deactivate.title"), message), answered)

    def action_import(self) -> None:
        def imported(summary: str | None) -> None:
            if summary:
                self.notify(self.ctx.t("roster.imported", summary=self.ctx.show(summary)))
                self.reload()

        self.app.push_screen(RosterImport(self.ctx), imported)


def employee_row(e: Employee, ctx, level: str | None = None) -> tuple[str, ...]:
    """The cells of one roster line in the user's language; the raw team id (check_action reads
    it) and status follow the shown cells.

    ``level`` is the level now (see :mod:`cstui.levels`); without it the starting level is shown."""
    t = ctx.t
    return (
        e.id,
        e.name,
        ctx.team_label(e.team),
        t(f"role.{e.role}") if e.role else "",
        ctx.scheme_label(e.scheme),
        ctx.level_label(e.scheme, level if level is not None else e.level or ""),
        e.hire_date.isoformat(),
        t(f"status.{e.status}"),
        e.status,  # not shown: the raw status
        e.team,  # not shown: the raw team id
    )


def level_keys_matching(ctx, text: str) -> dict[str, set[str]]:
    """``{scheme: level keys}`` whose key or label (English or 中文) contains ``text``: the roster's
    filter finds people on a level by any of its names (``初级`` finds the juniors)."""
    text = text.strip().lower()
    if not text:
        return {}
    found: dict[str, set[str]] = {}
    for scheme_name in ctx.store.roster_schemes():
        scheme, _problem = ctx.try_scheme(scheme_name)
        for level in scheme.levels if scheme is not None else []:
            names = (level.key.lower(), level.label.lower(), level.label_zh.lower())
            # a whole name, or two or more 中文 characters of one: typing a Latin name never
            # turns into a level search letter by letter
            if text in names or (len(text) >= 2 and not text.isascii() and text in level.label_zh):
                found.setdefault(scheme_name, set()).add(level.key)
    return found


def _inactive(row) -> bool:
    return row[8] != "active"
