"""The connection, the write transaction, the audit trail, identity and team scoping."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cstui.domain.texts import joined, line
from cstui.store.audit import (
    INSERT_CHAINED,
    chained,
    file_wrote,
    filter_sql,
    verify_chain,
)
from cstui.store.codec import dumps, dumps_each, loads, now
from cstui.store.errors import AccessDenied, BadInput, NotFound, Refused, StoreError, error_text
from cstui.store.file_audit import IMPORT_FILE, card_row, written_cards
from cstui.store.files import (
    APPLICATION_ID,
    Busy,
    NotOurs,
    StorageFailure,
    create_file,
    quick_check,
    refuse_foreign,
    require_database_file,
    storage_error,
)
from cstui.store.identity import USER_ROLES, User, current_login
from cstui.store.migrations import SCHEMA_VERSION, migrate, schema_version
from cstui.store.pinyin import register as register_pinyin

if TYPE_CHECKING:
    from cstui.store.records import AuditFilter, BrokenLink

BUSY_TIMEOUT_S = 10
PAGE_CHECK_MAX_BYTES = 64 * 1024 * 1024  # every open reads every page of a file up to this size
BUSY_TIMEOUT_ENV = "CSTUI_BUSY_TIMEOUT"  # seconds a writer waits for another's lock before "busy"


def busy_timeout_s() -> float:
    """``$CSTUI_BUSY_TIMEOUT`` seconds, else 10: how long a write waits for another writer."""
    try:
        return max(0.0, float(os.environ.get(BUSY_TIMEOUT_ENV) or BUSY_TIMEOUT_S))
    except ValueError:
        return BUSY_TIMEOUT_S


CACHE_KIB = 32 * 1024  # page cache per connection: grading reads whole teams' histories


class StoreCore:
    path: Path
    conn: sqlite3.Connection
    user: User

    def __init__(self, path: Path, conn: sqlite3.Connection, login: str):
        self.path = path
        self.conn = conn
        self.login = login
        self._depth = 0
        self._writes = 0  # write transactions begun: what a read inside one is remembered by
        self._prepared = False  # once the schema and users exist, every write re-reads the role
        self.user = User(login, "viewer", ())  # replaced by _prepare()

    # -- opening and closing ------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        login: str | None = None,
        create: bool = False,
        group: str | None = None,
        check_pages: bool | None = None,
    ):
        """Open the cstui database at ``path`` as ``login``.

        Only ``create`` makes one (where the path is missing or an empty file: mode 0600, or
        0660 for ``group``), and its creator is its admin. Without it a missing path, another
        program's file or a damaged one is refused, untouched. The login defaults to
        :func:`cstui.store.identity.current_login`. ``check_pages``: read every page first
        (None: when the file is at most :data:`PAGE_CHECK_MAX_BYTES`; False for grading workers,
        whose parent has just opened the file).
        """
        path = Path(path).expanduser()
        if create and (not path.exists() or (path.is_file() and path.stat().st_size == 0)):
            create_file(path, group)
        else:
            require_database_file(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_s(), check_same_thread=False)
        try:
            cls._verify(path, conn, create, check_pages)
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s() * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            register_pinyin(conn)  # employee writes fill their pinyin search key with it
            store = cls(path, conn, login or current_login(path))
            store._prepare()
        except sqlite3.Error as error:
            conn.close()
            raise storage_error(path, error) or NotOurs(
                line("store.cannot_open", program="cstui", path=str(path), error=str(error))
            ) from error
        except BaseException:
            conn.close()
            raise
        return store

    @staticmethod
    def _verify(path: Path, conn: sqlite3.Connection, create: bool, check_pages: bool) -> None:
        """Before anything is written: the file is cstui's (or blank, when creating) and every page reads.

        ``quick_check`` reads the whole file (80 ms for 31 MB on an idle machine, 300 ms on a
        busy one): damage anywhere stops every command before it writes. Above
        :data:`PAGE_CHECK_MAX_BYTES` (a company of tens of thousands) that would cost seconds per
        command, so there damage is found by ``cstui check`` (cron, docs/deploy.md) and by
        SQLite on any page a command reads.
        """
        refuse_foreign(path, conn, blank_ok=create)
        if check_pages is None:  # a large company checks nightly (cstui check) instead of per command
            check_pages = path.stat().st_size <= PAGE_CHECK_MAX_BYTES
        problems = quick_check(conn) if check_pages else []
        if problems:
            check, damage = f"cstui --db {path} check", _first_damage(problems)
            raise StorageFailure(
                line("storage.damaged", path=str(path), name=damage, check=check, doc="docs/deploy.md")
            )

    def _prepare(self) -> None:
        marked = self.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        if schema_version(self.conn) != SCHEMA_VERSION or not marked or not self._has_users():
            with self.write():
                self._migrate()
                if not self._has_users():
                    self._insert_user(User(self.login, "admin", ()), action="bootstrap-admin")
        self.user = self._load_user(self.login)
        self._prepared = True

    def _migrate(self) -> None:
        found = schema_version(self.conn)
        if found > SCHEMA_VERSION:
            raise Refused(
                line("store.newer_schema", program="cstui", path=str(self.path), found=found, known=SCHEMA_VERSION)
            )
        migrate(self.conn)

    def _has_users(self) -> bool:
        try:
            return self.conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None
        except sqlite3.OperationalError:  # no users table yet: a blank file
            return False

    def _load_user(self, login: str) -> User:
        row = self._one("SELECT * FROM users WHERE login = ?", (login,))
        if row is None:
            command = f"cstui user add {login} --role supervisor --team T"
            raise AccessDenied(line("store.no_role", login=login, path=str(self.path), command=command))
        employee = self._agent_employee(login) if row["role"] == "agent" else None
        return User(row["login"], row["role"], tuple(loads(row["teams"]) or ()), employee)

    def _agent_employee(self, login: str) -> str | None:
        """The one employee whose roster login is ``login``; None when none or several have it
        (an agent tied to two people would read both: they read nothing until the roster is fixed)."""
        ids = [row[0] for row in self.conn.execute("SELECT id FROM employees WHERE login = ? LIMIT 2", (login,))]
        return ids[0] if len(ids) == 1 else None

    def login_employee(self) -> str | None:
        """The employee whose roster login is this login (``cstui results --mine``), if exactly one."""
        return self._agent_employee(self.login)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- queries ----------------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence | dict = ()) -> sqlite3.Cursor:
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, params)

    def _one(self, sql: str, params: Sequence | dict = ()) -> sqlite3.Row | None:
        return self._rows(sql, params).fetchone()

    # -- the write transaction ------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[StoreCore]:
        """One ``BEGIN IMMEDIATE`` transaction: all of it is written, or none of it.

        A nested call joins the outer transaction (as a savepoint, so an inner failure
        that the caller catches undoes only the inner part).
        """
        if self._depth:
            yield from self._savepoint()
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise storage_error(self.path, error) or Busy(
                line("storage.busy_now", path=str(self.path), error=str(error))
            ) from error
        self._depth, self._writes = 1, self._writes + 1
        try:
            if self._prepared:
                # the role that allows this write is read inside it: a role changed or removed
                # by an admin since this store was opened counts from the next write on
                self.user = self._load_user(self.login)
            yield self
            self.conn.execute("COMMIT")
        except sqlite3.IntegrityError as error:
            self._rollback()
            raise StoreError(line("storage.integrity", error=str(error))) from error
        except sqlite3.Error as error:
            self._rollback()
            failure = storage_error(self.path, error)
            if failure is None:
                raise
            raise failure from error
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth = 0

    def _savepoint(self) -> Iterator[StoreCore]:
        name = f"cstui_{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            raise
        else:
            self.conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:  # a failed disk fails the rollback too; SQLite undoes it on the next open
                pass

    def data_version(self) -> int:
        """A number every committed change raises: the newest audit row's id (every write path
        audits in its own transaction). Read before grading, compared inside the apply's write."""
        return self.conn.execute("SELECT IFNULL(MAX(id), 0) FROM audit").fetchone()[0]

    def changes_since(self, version: int) -> Iterator[tuple[str, str | None, object, object]]:
        """(table, key, before, after) of every change committed after ``version``, oldest first:
        a writer that validates what it read (an apply) asks this inside its transaction."""
        for action, entity, key, before, after in self.conn.execute(
            "SELECT action, entity, key, before, after FROM audit WHERE id > ? ORDER BY id", (version,)
        ).fetchall():
            if action == IMPORT_FILE:  # a file's one entry: each card it wrote (after: the file's values)
                for card, values in written_cards(loads(before), loads(after)):
                    yield entity, card, values, None
                continue
            yield entity, key, loads(before), loads(after)

    def incident_owners(self, ids: Iterable[str]) -> list[str]:
        """The employee ids of these incidents (for the same validation; not scoped)."""
        sql = "SELECT DISTINCT employee_id FROM incidents WHERE CAST(id AS TEXT) IN (SELECT value FROM json_each(?))"
        return [row[0] for row in self.conn.execute(sql, (dumps(list(ids)),))]

    @property
    def in_write(self) -> bool:
        return self._depth > 0

    # -- audit ---------------------------------------------------------------------------------

    def _audit(self, action: str, entity: str, key: str | None, before: object, after: object) -> None:
        self._audit_many([(action, entity, key, before, after)])

    def _audit_many(self, entries: Sequence[tuple[str, str, str | None, object, object]]) -> None:
        """Audit rows join the caller's transaction: a rolled-back change leaves none."""
        if not self._depth:
            raise RuntimeError("audit outside a write transaction")  # a bug, not a user error
        at, who = now(), self.login
        # an apply audits every result it changes: their befores and afters are encoded in
        # one encoder call each (dumps_each), not one call per row
        befores, afters = dumps_each([e[3] for e in entries]), dumps_each([e[4] for e in entries])
        rows = (
            (at, who, action, entity, key, before, after)
            for (action, entity, key, _, _), before, after in zip(entries, befores, afters)
        )
        self.conn.executemany(INSERT_CHAINED, chained(self.conn, rows))

    def _audit_encoded(
        self, action: str, entity: str, entries: Iterable[tuple[str, str | None, str | None]], at: str | None = None
    ) -> None:
        """Like :meth:`_audit_many` for a bulk write whose ``(key, before, after)`` are JSON text already.

        A 100,000-card import encodes each value once and shares that text with the audit row;
        ``at`` lets the audit rows carry the same stamp as the rows they record. Each row is
        chained to the one before (cstui.store.audit), the chain's tail read inside this
        transaction, so two writers can never fork it.
        """
        if not self._depth:
            raise RuntimeError("audit outside a write transaction")  # a bug, not a user error
        at, who = at or now(), self.login
        rows = ((at, who, action, entity, key, before, after) for key, before, after in entries)
        self.conn.executemany(INSERT_CHAINED, chained(self.conn, rows))

    def audit_log(self, limit: int | None = 100, entity: str | None = None, key: str | None = None) -> list[dict]:
        """Newest first; ``before``/``after`` decoded from JSON."""
        where, params = [], []
        if entity is not None:
            where.append("entity = ?")
            params.append(entity)
        if key is not None:
            where.append("key = ?")
            params.append(key)
        sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_decoded(row) for row in self._rows(sql, params)]

    def audit_rows(self, wanted: AuditFilter | None = None) -> list[dict]:
        """The audit trail narrowed by ``wanted`` (None: all of it), newest first (manager or
        admin: it spans every team)."""
        self._require_manager(line("what.audit_read"))
        if wanted is None:
            from cstui.store.records import AuditFilter

            wanted = AuditFilter()
        periods = _audit_periods(wanted.period)
        where, params = filter_sql(wanted, periods)
        sql = f"SELECT a.* FROM audit a WHERE {where} ORDER BY a.id DESC"
        if wanted.limit is not None:
            sql += f" LIMIT {int(wanted.limit)}"
        return [_decoded(row) for row in self._rows(sql, params)]

    def card_history(self, employee_id: str, month: str) -> list[dict]:
        """The audit rows of one scorecard and the incidents of its month, newest first.

        Anyone who may see the card may read its own history (the supervisor who fills it).
        """
        row = self._one("SELECT team FROM employees WHERE id = ?", (employee_id,))
        if row is None:
            raise NotFound(line("store.no_employee", where="", employee=repr(employee_id)))
        self._require_visible(row["team"], line("what.history_of", employee=employee_id), employee_id)
        wrote, wrote_params = file_wrote(employee_id, month)
        sql = (
            "SELECT a.* FROM audit a WHERE (a.entity = 'scorecards' AND a.key = ?) OR (a.entity = 'incidents' AND a.key IN "
            "(SELECT CAST(id AS TEXT) FROM incidents WHERE employee_id = ? AND period = ?)) "
            f"OR {wrote} ORDER BY a.id DESC"
        )
        params = (f"{employee_id}/{month}", employee_id, month, *wrote_params)
        rows = [_decoded(r) for r in self._rows(sql, params)]
        # a file's entry narrowed to this card (the SQL above only found the employee in its text)
        narrowed = (card_row(r, employee_id, month) if r["action"] == IMPORT_FILE else r for r in rows)
        return [r for r in narrowed if r is not None]

    def verify_audit(self) -> tuple[int, BrokenLink | None]:
        """Walk the audit chain: (rows checked, the first broken link or None). Manager or admin."""
        self._require_manager(line("what.audit_verify"))
        return verify_chain(self.conn)

    # -- access: the ONE place where team scoping and role checks live -------------------------

    def _team_scope(self, column: str = "team", employee_column: str | None = None) -> tuple[str, list[str]]:
        """A WHERE fragment limiting ``column`` to the teams this login may read.

        An agent reads rows of their own employee only: ``employee_column`` names the employee id
        of the rows; a read that names none gives an agent nothing (so a new read path is closed
        to agents until it says whose rows it reads).
        """
        if self.user.is_agent:
            if employee_column is None or self.user.employee is None:
                return "1 = 0", []
            return f"{employee_column} = ?", [self.user.employee]
        teams = self.user.visible_teams()
        if teams is None:
            return "1 = 1", []
        if not teams:
            return "1 = 0", []
        return f"{column} IN ({', '.join('?' * len(teams))})", list(teams)

    def _require_visible(self, team: str, what: str, employee_id: str | None = None) -> None:
        """``team`` is visible to this login; an agent sees only what belongs to ``employee_id``
        when that is their own employee (never a colleague's, never a whole team's)."""
        if self.user.is_agent and employee_id is not None and employee_id == self.user.employee:
            return
        if self.user.is_agent:
            raise AccessDenied(line("store.see_own", login=self.login, role="agent", what=what))
        if not self.user.can_see(team):
            said = dict(login=self.login, role=self.user.role, what=what, team=self._team_named(team))
            raise AccessDenied(line("store.see_team", **said))

    def _require_write(self, team: str, what: str) -> None:
        if not self.user.can_write(team):
            said = dict(what=what, team=self._team_named(team), login=self.login, role=self.user.role)
            if self.user.role == "viewer":
                raise AccessDenied(line("store.write_viewer", **said))
            own = [self._team_named(t) for t in self.user.teams]
            raise AccessDenied(
                line("store.write_teams", **said, teams=joined(own, ", ") if own else line("store.no_teams"))
            )

    def _team_named(self, team: str):
        """A team as a refusal names it: its id in English, its 中文 name in zh, read here (a login
        refused a team may not read the team list; a team's name is no one's personal data)."""
        row = self.conn.execute("SELECT name_zh FROM teams WHERE id = ?", (team,)).fetchone()
        return line("store.team", team=team, label_zh=(row[0] if row and row[0] else team))

    def _require_manager(self, what: str) -> None:
        if not self.user.is_manager:
            raise AccessDenied(line("store.manager_only", what=what, login=self.login, role=self.user.role))

    def _require_admin(self, what: str) -> None:
        if not self.user.is_admin:
            raise AccessDenied(line("store.admin_only", what=what, login=self.login, role=self.user.role))

    # -- users ------------------------------------------------------------------------------------

    def add_user(self, login: str, role: str, teams: Sequence[str] = ()) -> User:
        """Give ``login`` a role (admin only); an existing login's role and teams are replaced."""
        if role not in USER_ROLES:
            raise BadInput(line("store.user_role", role=repr(role), roles=", ".join(USER_ROLES)))
        if role == "supervisor" and not teams:
            raise BadInput(line("store.supervisor_teams", login=login, option="--team"))
        if role == "agent" and teams:
            raise BadInput(line("store.agent_teams", login=login, option="--team"))
        user = User(login, role, tuple(dict.fromkeys(teams)))
        with self.write():
            self._require_admin(line("what.users"))  # the role as it is now, read inside the write
            if role == "agent" and self._agent_employee(login) is None:
                raise Refused(line("store.agent_login", login=login))
            before = self._one("SELECT * FROM users WHERE login = ?", (login,))
            if before is not None and before["role"] == "admin" and role != "admin":
                self._require_another_admin(login)
            self._insert_user(user, action="set-user" if before else "add-user", before=_user_dict(before))
        if login == self.login:
            self.user = user
        return user

    def remove_user(self, login: str) -> None:
        with self.write():
            self._require_admin(line("what.users"))
            before = self._one("SELECT * FROM users WHERE login = ?", (login,))
            if before is None:
                raise NotFound(line("store.no_user", login=login))
            if before["role"] == "admin":
                self._require_another_admin(login)
            self.conn.execute("DELETE FROM users WHERE login = ?", (login,))
            self._audit("remove-user", "users", login, _user_dict(before), None)

    def _require_another_admin(self, login: str) -> None:
        others = self.conn.execute("SELECT COUNT(*) FROM users WHERE role = 'admin' AND login != ?", (login,))
        if others.fetchone()[0] == 0:
            raise Refused(line("store.last_admin", login=login))

    def _insert_user(self, user: User, action: str, before: dict | None = None) -> None:
        with self.write():
            self.conn.execute(
                "INSERT OR REPLACE INTO users (login, role, teams) VALUES (?, ?, ?)",
                (user.login, user.role, dumps(list(user.teams))),
            )
            after = {"login": user.login, "role": user.role, "teams": list(user.teams)}
            self._audit(action, "users", user.login, before, after)

    def users(self) -> list[User]:
        """Every login and role; an agent sees only their own (a colleague's login is theirs)."""
        where, params = ("WHERE login = ?", [self.login]) if self.user.is_agent else ("", [])
        return [
            User(row["login"], row["role"], tuple(loads(row["teams"]) or ()))
            for row in self._rows(f"SELECT * FROM users {where} ORDER BY login", params)
        ]

    # -- teams ----------------------------------------------------------------------------------

    def add_team(self, id: str, name: str, name_zh: str | None = None) -> dict:
        """Create or rename a team (manager or admin)."""
        if not str(id).strip():
            raise BadInput(line("store.team_id"))
        with self.write():
            self._require_manager(line("what.teams"))
            before = self._one("SELECT * FROM teams WHERE id = ?", (id,))
            after = {"id": id, "name": name, "name_zh": name_zh}
            if before is not None and dict(before) == after:
                return after
            self.conn.execute(
                "INSERT INTO teams (id, name, name_zh) VALUES (:id, :name, :name_zh) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, name_zh = excluded.name_zh",
                after,
            )
            self._audit("set-team" if before else "add-team", "teams", id, dict(before) if before else None, after)
        return after

    def teams(self) -> list[dict]:
        scope, params = self._team_scope("id")  # an agent reads no team's list
        return [dict(row) for row in self._rows(f"SELECT * FROM teams WHERE {scope} ORDER BY id", params)]

    def _ensure_teams(self, team_ids: set[str]) -> None:
        """Create missing teams (named after their id) inside the caller's transaction."""
        if not team_ids:
            return
        known = {row[0] for row in self.conn.execute("SELECT id FROM teams")}
        missing = sorted(team_ids - known)
        self.conn.executemany("INSERT INTO teams (id, name) VALUES (?, ?)", ((t, t) for t in missing))
        self._audit_many([("add-team", "teams", t, None, {"id": t, "name": t, "name_zh": None}) for t in missing])


def _decoded(row: sqlite3.Row) -> dict:
    record = dict(row)
    record["before"], record["after"] = loads(row["before"]), loads(row["after"])
    return record


def _audit_periods(period: str | None) -> list[str]:
    """A period and, for a quarter, its months (whose rows belong to it too)."""
    if not period:
        return []
    from cstui.domain import Period, PeriodError

    try:
        p = Period.parse(period)
    except PeriodError as error:
        raise BadInput(error_text(error)) from error
    return [str(p)] + ([str(m) for m in p.months()] if p.is_quarter else [])


def _user_dict(row: sqlite3.Row | None) -> dict | None:
    if row is None:
        return None
    return {"login": row["login"], "role": row["role"], "teams": loads(row["teams"])}


def _first_damage(problems: list[str]) -> str:
    """The first damaged page quick_check names, on one line: one of its rows can hold several
    lines under a ``*** in database main ***`` header, and the message is one line."""
    lines = [line.strip() for problem in problems for line in problem.splitlines()]
    return next((line for line in lines if line and not line.startswith("***")), lines[0] if lines else "")
