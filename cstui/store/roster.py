"""Employees: the roster, scoped by team, with optimistic versions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from cstui.domain import STATUSES, Employee
from cstui.domain.texts import line
from cstui.store.checkpoints import CheckpointsMixin
from cstui.store.codec import employee_from_row, employee_values, now
from cstui.store.errors import BadInput, Conflict, NotFound

ORDER_COLUMNS = ("id", "name", "team", "role", "hire_date", "status", "login", "scheme", "level", "updated_at")
IMPORT_CHUNK = 1000
_REQUIRED = ("id", "name", "team", "role", "hire_date")


def check_employee(e: Employee, where: str = "") -> None:
    """Raise BadInput naming the field when ``e`` cannot be stored."""
    prefix = (
        line("store.employee_of", where=where, employee=repr(e.id))
        if e.id
        else line("store.employee_no_id", where=where)
    )
    values = employee_values(e)
    for field in _REQUIRED:
        if values[field] is None or not str(values[field]).strip():
            raise BadInput(line("store.employee_field", prefix=prefix, field=field))
    if e.status not in STATUSES:
        raise BadInput(
            line("store.employee_status", prefix=prefix, status=repr(e.status), statuses=", ".join(STATUSES))
        )


class RosterMixin(CheckpointsMixin):
    def _employee_row(self, id: str):
        row = self._one("SELECT * FROM employees WHERE id = ?", (id,))
        if row is None:
            raise NotFound(line("store.no_employee", where="", employee=repr(id)))
        return row

    def employee(self, id: str) -> Employee:
        row = self._employee_row(id)
        self._require_visible(row["team"], line("what.employee", employee=id), id)
        return employee_from_row(row)

    def add_employee(self, e: Employee) -> Employee:
        check_employee(e)
        with self.write():
            self._require_write(e.team, line("what.employee", employee=e.id))
            if self._one("SELECT 1 FROM employees WHERE id = ?", (e.id,)) is not None:
                raise BadInput(line("store.employee_exists", employee=repr(e.id)))
            self._ensure_teams({e.team})
            record = employee_values(e) | {"version": 1, "updated_by": self.login, "updated_at": now()}
            self.conn.execute(_INSERT, record)
            self.conn.execute(_SYNC_CURRENT_ASSIGNMENT, record)
            self._invalidate_checkpoints(teams=[e.team])
            self._audit("add", "employees", e.id, None, employee_values(e))
        return employee_from_row(record)

    def update_employee(self, e: Employee, expected_version: int) -> Employee:
        check_employee(e)
        with self.write():
            row = self._employee_row(e.id)
            self._require_write(row["team"], line("what.employee", employee=e.id))
            self._require_write(e.team, line("what.employee", employee=e.id))
            self._check_version(row, expected_version, "employee", e.id)
            return self._rewrite_employee(row, employee_values(e), "update")

    def deactivate_employee(self, id: str, expected_version: int) -> Employee:
        with self.write():
            row = self._employee_row(id)
            self._require_write(row["team"], line("what.employee", employee=id))
            self._check_version(row, expected_version, "employee", id)
            values = {k: row[k] for k in employee_values(employee_from_row(row))} | {"status": "inactive"}
            return self._rewrite_employee(row, values, "deactivate")

    def _rewrite_employee(self, row, values: dict, action: str) -> Employee:
        before = {k: row[k] for k in values}
        if before == values:
            return employee_from_row(row)
        self._ensure_teams({values["team"]})
        record = values | {"version": row["version"] + 1, "updated_by": self.login, "updated_at": now()}
        self.conn.execute(_UPDATE, record)
        self.conn.execute(_SYNC_CURRENT_ASSIGNMENT, record)
        self._invalidate_checkpoints(teams=[row["team"], values["team"]])
        self._audit(action, "employees", row["id"], before, values)
        return employee_from_row(record)

    @staticmethod
    def _check_version(row, expected: int, entity: str, key: str) -> None:
        if row["version"] != expected:
            raise Conflict(entity, key, row["updated_by"], row["updated_at"], expected, row["version"])

    # -- listing ------------------------------------------------------------------------------

    def _employee_where(self, team, scheme, status, search) -> tuple[str, list]:
        scope, params = self._team_scope("team", "id")
        clauses = [scope]
        for column, value in (("team", team), ("scheme", scheme), ("status", status)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            # a team by its id or either name; a name as written or in pinyin (full or initials)
            clauses.append(
                "(id LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR team LIKE ? ESCAPE '\\' OR name_pinyin LIKE ? ESCAPE '\\' "
                "OR team IN (SELECT t.id FROM teams t WHERE t.name LIKE ? ESCAPE '\\' OR t.name_zh LIKE ? ESCAPE '\\'))"
            )
            params += [pattern] * 6
        return " AND ".join(clauses), params

    def employees(
        self,
        team: str | None = None,
        scheme: str | None = None,
        status: str | None = None,
        search: str | None = None,
        order_by: str = "id",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Employee]:
        """The employees this login may see, filtered, sorted and paged in SQL."""
        if order_by not in ORDER_COLUMNS:
            raise BadInput(line("store.sort_by", column=repr(order_by), columns=", ".join(ORDER_COLUMNS)))
        where, params = self._employee_where(team, scheme, status, search)
        direction = "DESC" if descending else "ASC"
        column = "COALESCE(name_pinyin, name)" if order_by == "name" else order_by  # 中文 names in pinyin order
        sql = f"SELECT * FROM employees WHERE {where} ORDER BY {column} {direction}, id {direction}"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else int(limit), int(offset)]
        return [employee_from_row(row) for row in self._rows(sql, params)]

    def employees_by_ids(self, ids: list[str]) -> list[Employee]:
        """The visible employees among ``ids``, in the order given (a page of a sort done outside SQL)."""
        if not ids:
            return []
        scope, params = self._team_scope("team", "id")
        rows = self._rows(
            f"SELECT * FROM employees WHERE id IN ({', '.join('?' * len(ids))}) AND {scope}", [*ids, *params]
        )
        by_id = {row["id"]: employee_from_row(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def names_pinyin(self) -> dict[str, str]:
        """Employee id → the name's pinyin key (``zhangwei zw``, the roster's search and sort
        key), for every employee whose name has one: the board sorts and filters by it."""
        rows = self.conn.execute(
            "SELECT id, name_pinyin FROM employees WHERE name_pinyin IS NOT NULL AND name_pinyin != ''"
        )
        return dict(rows)

    def roster_schemes(self) -> list[str]:
        """The schemes the visible employees are on."""
        where, params = self._employee_where(None, None, None, None)
        return [
            row[0]
            for row in self.conn.execute(
                f"SELECT DISTINCT scheme FROM employees WHERE {where} AND scheme IS NOT NULL ORDER BY scheme", params
            )
        ]

    def change_stamp(self) -> int:
        """The latest audit row's id: every write audits, so a cache keyed by it is never stale."""
        return self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]

    def scheme_members(self, scheme: str) -> dict[str, str]:
        """``{employee id: team}`` of the employees on ``scheme`` this login may see (scoped like
        :meth:`employees`); ids only, so a 100,000-row import need not build Employee objects."""
        where, params = self._employee_where(None, scheme, None, None)
        return dict(self.conn.execute(f"SELECT id, team FROM employees WHERE {where}", params))

    def count_employees(
        self, team: str | None = None, scheme: str | None = None, status: str | None = None, search: str | None = None
    ) -> int:
        where, params = self._employee_where(team, scheme, status, search)
        return self.conn.execute(f"SELECT COUNT(*) FROM employees WHERE {where}", params).fetchone()[0]

    # -- import ---------------------------------------------------------------------------------

    def import_roster(
        self,
        employees: Iterable[Employee],
        keep_stored: Iterable[str] = (),
        check: Callable[[int, Employee], None] | None = None,
    ) -> tuple[int, int]:
        """Upsert by id in ONE transaction; returns (inserted, updated). Unchanged rows count in neither.

        ``keep_stored``: fields a file does not carry (a column it lacks, a cell left empty):
        where such a field is None, an existing employee keeps the value stored when this
        transaction runs (a new one gets the default: active, no login ...). So a file without
        a status column never undoes a deactivation made a moment before. ``check(row number,
        employee)`` sees each merged employee inside the transaction and may refuse it.

        Missing teams are created. Rows are checked and written in chunks, so a bad row
        far down the list is found after earlier chunks were written, and rolls them back.
        """
        inserted = updated = 0
        keep = frozenset(keep_stored)
        with self.write():
            chunk: list[tuple[int, Employee]] = []
            seen: dict[str, int] = {}
            for number, e in enumerate(employees, start=1):
                if e.id in seen:
                    raise BadInput(line("store.employee_twice", number=number, employee=repr(e.id), first=seen[e.id]))
                seen[e.id] = number
                chunk.append((number, e))
                if len(chunk) == IMPORT_CHUNK:
                    i, u = self._import_chunk(chunk, keep, check)
                    inserted, updated, chunk = inserted + i, updated + u, []
            i, u = self._import_chunk(chunk, keep, check)
        return inserted + i, updated + u

    def _import_chunk(self, chunk: list[tuple[int, Employee]], keep: frozenset[str], check) -> tuple[int, int]:
        if not chunk:
            return 0, 0
        ids = [e.id for _, e in chunk]
        existing = {
            row["id"]: row
            for row in self._rows(f"SELECT * FROM employees WHERE id IN ({', '.join('?' * len(ids))})", ids)
        }
        stamp, inserts, updates, audits, merged = now(), [], [], [], []
        for number, e in chunk:
            row = existing.get(e.id)
            employee = replace(e, **_stored_fields(e, row, keep)) if keep else e
            check_employee(employee, where=line("store.row_of", number=number))
            values = employee_values(employee)
            if check is not None:
                check(number, employee)
            merged.append(employee)
            self._require_write(e.team, line("what.employee", employee=e.id))
            if row is None:
                inserts.append(values | {"version": 1, "updated_by": self.login, "updated_at": stamp})
                audits.append(("import", "employees", e.id, None, values))
                continue
            self._require_write(row["team"], line("what.employee", employee=e.id))
            before = {k: row[k] for k in values}
            if before != values:
                updates.append(values | {"version": row["version"] + 1, "updated_by": self.login, "updated_at": stamp})
                audits.append(("import", "employees", e.id, before, values))
        self._ensure_teams({e.team for e in merged})
        self.conn.executemany(_INSERT, inserts)
        self.conn.executemany(_UPDATE, updates)
        self.conn.executemany(_SYNC_CURRENT_ASSIGNMENT, [*inserts, *updates])
        moved = [existing[u["id"]]["team"] for u in updates]  # the old teams of changed employees
        self._invalidate_checkpoints(teams=[r["team"] for r in (*inserts, *updates)] + moved)
        self._audit_many(audits)
        return len(inserts), len(updates)


_DEFAULTS = {"status": "active"}  # what a new employee gets for a field its file does not carry


def _stored_fields(e: Employee, row, keep: frozenset[str]) -> dict:
    """The kept fields that ``e`` leaves None, as stored (or their defaults for a new employee)."""
    return {
        field: row[field] if row is not None else _DEFAULTS.get(field) for field in keep if getattr(e, field) is None
    }


_INSERT = (
    "INSERT INTO employees (id, name, team, role, hire_date, status, login, scheme, level, version, updated_by, updated_at, name_pinyin) "
    "VALUES (:id, :name, :team, :role, :hire_date, :status, :login, :scheme, :level, :version, :updated_by, :updated_at, "
    "cstui_name_pinyin(:name))"
)
_UPDATE = (
    "UPDATE employees SET name = :name, team = :team, role = :role, hire_date = :hire_date, status = :status, "
    "login = :login, scheme = :scheme, level = :level, version = :version, updated_by = :updated_by, "
    "updated_at = :updated_at, name_pinyin = cstui_name_pinyin(:name) WHERE id = :id"
)
# An ordinary edit of scheme/level (a form, an import without scheme_since) changes the CURRENT
# assignment, as the employee row always did; a new employee's first assignment starts at hire.
# (Moving someone from a month on is assign_scheme, which adds a row.)
_SYNC_CURRENT_ASSIGNMENT = (
    "INSERT INTO scheme_assignments (employee_id, since_month, scheme, level) "
    "SELECT :id, COALESCE((SELECT MAX(since_month) FROM scheme_assignments WHERE employee_id = :id), substr(:hire_date, 1, 7)), "
    ":scheme, :level WHERE true "
    "ON CONFLICT (employee_id, since_month) DO UPDATE SET scheme = excluded.scheme, level = excluded.level"
)
