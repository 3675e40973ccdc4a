"""The connection, the write transaction, the audit trail, identity and team scoping."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from typing import TYPE_CHECKING

from cstui.store.pinyin import register as register_pinyin
from cstui.store.codec import dumps, loads, now
from cstui.store.errors import AccessDenied, NotFound, StoreError
from cstui.store.identity import USER_ROLES, User, os_login
from cstui.store.migrations import SCHEMA_VERSION, migrate, schema_version

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_S = 10
CACHE_KIB = 32 * 1024  # page cache per connection: grading reads whole teams' histories


class StoreCore:
    path: Path
    conn: sqlite3.Connection
    user: User

    def __init__(self, path: Path, conn: sqlite3.Connection, login: str):
        self.path = path
        self.conn = conn
        self._db: sqlite_utils.Database | None = None
        self.login = login
        self._depth = 0
        self.user = User(login, "viewer", ())  # replaced by _prepare()

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the connection, made on first use (importing it is ~40 ms of
        every batch run's start-up, and grading never needs it)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # -- opening and closing ------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, login: str | None = None, create: bool = True):
        """Open (and, with ``create``, make) the database at ``path`` as ``login``.

        The login defaults to the OS account. The creator of a new database is its admin.
        """
        path = Path(path).expanduser()
        if not path.exists():
            if not create:
                raise StoreError(f"no cstui database at {path}")
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            register_pinyin(conn)  # employee writes fill their pinyin search key with it
            store = cls(path, conn, login or os_login())
            store._prepare()
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(f"{path}: cannot open as a cstui database ({error})") from error
        except BaseException:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        if schema_version(self.conn) != SCHEMA_VERSION or not self._has_users():
            with self.write():
                self._migrate()
                if not self._has_users():
                    self._insert_user(User(self.login, "admin", ()), action="bootstrap-admin")
        self.user = self._load_user(self.login)

    def _migrate(self) -> None:
        found = schema_version(self.conn)
        if found > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {found}, newer than this cstui understands "
                f"({SCHEMA_VERSION}); upgrade cstui"
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
            raise AccessDenied(
                f"login '{login}' has no role in {self.path}; ask an admin to run: "
                f"cstui user add {login} --role supervisor --team T"
            )
        return User(row["login"], row["role"], tuple(loads(row["teams"]) or ()))

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
            raise StoreError(f"{self.path} is busy (another cstui is writing); try again ({error})") from error
        self._depth = 1
        try:
            yield self
            self.conn.execute("COMMIT")
        except sqlite3.IntegrityError as error:
            self._rollback()
            raise StoreError(f"the database refused the change ({error}); nothing was saved") from error
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
            self.conn.execute("ROLLBACK")

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
        self.conn.executemany(
            "INSERT INTO audit (at, who, action, entity, key, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((at, who, action, entity, key, dumps(before), dumps(after)) for action, entity, key, before, after in entries),
        )

    def _audit_encoded(
        self, action: str, entity: str, entries: Iterable[tuple[str, str | None, str | None]], at: str | None = None
    ) -> None:
        """Like :meth:`_audit_many` for a bulk write whose ``(key, before, after)`` are JSON text already.

        A 100,000-card import encodes each value once and shares that text with the audit row;
        ``at`` lets the audit rows carry the same stamp as the rows they record.
        """
        if not self._depth:
            raise RuntimeError("audit outside a write transaction")  # a bug, not a user error
        at, who = at or now(), self.login
        self.conn.executemany(
            "INSERT INTO audit (at, who, action, entity, key, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((at, who, action, entity, key, before, after) for key, before, after in entries),
        )

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
        rows = []
        for row in self._rows(sql, params):
            record = dict(row)
            record["before"], record["after"] = loads(row["before"]), loads(row["after"])
            rows.append(record)
        return rows

    # -- access: the ONE place where team scoping and role checks live -------------------------

    def _team_scope(self, column: str = "team") -> tuple[str, list[str]]:
        """A WHERE fragment limiting ``column`` to the teams this login may read."""
        teams = self.user.visible_teams()
        if teams is None:
            return "1 = 1", []
        if not teams:
            return "1 = 0", []
        return f"{column} IN ({', '.join('?' * len(teams))})", list(teams)

    def _require_visible(self, team: str, what: str) -> None:
        if not self.user.can_see(team):
            raise AccessDenied(f"login '{self.login}' ({self.user.role}) may not see {what} of team {team}")

    def _require_write(self, team: str, what: str) -> None:
        if not self.user.can_write(team):
            if self.user.role == "viewer":
                why = "is a viewer and may not change anything"
            else:
                why = f"may only change teams {', '.join(self.user.teams) or '(none)'}"
            raise AccessDenied(f"cannot change {what} of team {team}: login '{self.login}' ({self.user.role}) {why}")

    def _require_manager(self, what: str) -> None:
        if not self.user.is_manager:
            raise AccessDenied(f"only a manager or admin may {what}; login '{self.login}' is {self.user.role}")

    def _require_admin(self, what: str) -> None:
        if not self.user.is_admin:
            raise AccessDenied(f"only an admin may {what}; login '{self.login}' is {self.user.role}")

    # -- users ------------------------------------------------------------------------------------

    def add_user(self, login: str, role: str, teams: Sequence[str] = ()) -> User:
        """Give ``login`` a role (admin only); an existing login's role and teams are replaced."""
        self._require_admin("manage users")
        if role not in USER_ROLES:
            raise StoreError(f"role {role!r}: expected one of {', '.join(USER_ROLES)}")
        if role == "supervisor" and not teams:
            raise StoreError(f"supervisor '{login}' needs at least one team (--team T)")
        user = User(login, role, tuple(dict.fromkeys(teams)))
        with self.write():
            before = self._one("SELECT * FROM users WHERE login = ?", (login,))
            if before is not None and before["role"] == "admin" and role != "admin":
                self._require_another_admin(login)
            self._insert_user(user, action="set-user" if before else "add-user", before=_user_dict(before))
        if login == self.login:
            self.user = user
        return user

    def remove_user(self, login: str) -> None:
        self._require_admin("manage users")
        with self.write():
            before = self._one("SELECT * FROM users WHERE login = ?", (login,))
            if before is None:
                raise NotFound(f"no user '{login}'")
            if before["role"] == "admin":
                self._require_another_admin(login)
            self.conn.execute("DELETE FROM users WHERE login = ?", (login,))
            self._audit("remove-user", "users", login, _user_dict(before), None)

    def _require_another_admin(self, login: str) -> None:
        others = self.conn.execute("SELECT COUNT(*) FROM users WHERE role = 'admin' AND login != ?", (login,))
        if others.fetchone()[0] == 0:
            raise StoreError(f"'{login}' is the last admin; add another admin first")

    def _insert_user(self, user: User, action: str, before: dict | None = None) -> None:
        with self.write():
            self.conn.execute(
                "INSERT OR REPLACE INTO users (login, role, teams) VALUES (?, ?, ?)",
                (user.login, user.role, dumps(list(user.teams))),
            )
            after = {"login": user.login, "role": user.role, "teams": list(user.teams)}
            self._audit(action, "users", user.login, before, after)

    def users(self) -> list[User]:
        return [
            User(row["login"], row["role"], tuple(loads(row["teams"]) or ()))
            for row in self._rows("SELECT * FROM users ORDER BY login")
        ]

    # -- teams ----------------------------------------------------------------------------------

    def add_team(self, id: str, name: str, name_zh: str | None = None) -> dict:
        """Create or rename a team (manager or admin)."""
        self._require_manager("add or rename teams")
        if not str(id).strip():
            raise StoreError("team id must not be empty")
        with self.write():
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
        scope, params = self._team_scope("id")
        return [dict(row) for row in self._rows(f"SELECT * FROM teams WHERE {scope} ORDER BY id", params)]

    def _ensure_teams(self, team_ids: set[str]) -> None:
        """Create missing teams (named after their id) inside the caller's transaction."""
        if not team_ids:
            return
        known = {row[0] for row in self.conn.execute("SELECT id FROM teams")}
        missing = sorted(team_ids - known)
        self.conn.executemany("INSERT INTO teams (id, name) VALUES (?, ?)", ((t, t) for t in missing))
        self._audit_many([("add-team", "teams", t, None, {"id": t, "name": t, "name_zh": None}) for t in missing])


def _user_dict(row: sqlite3.Row | None) -> dict | None:
    if row is None:
        return None
    return {"login": row["login"], "role": row["role"], "teams": loads(row["teams"])}
