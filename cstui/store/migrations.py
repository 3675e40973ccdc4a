"""Schema migrations: small numbered functions applied in order, like simonw/llm's.

``PRAGMA user_version`` is the number of migrations applied. A migration never edits an
earlier one: to change the schema, append a function. Each runs inside the opening
transaction, so a failed migration leaves the file as it was.

Money and scores are TEXT decimals (exact), never REAL. Scorecards are WITHOUT ROWID, keyed
month first (m011): one month's cards sit together on disk, which is how grading reads them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from cstui.domain import texts
from cstui.store.files import APPLICATION_ID

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []

# a file edited outside cstui that cannot be migrated; the table and the check are arguments
texts.register(
    {
        "migrate.broken": (
            "the database's {table} table has {count} rows that name a missing row of another table "
            "(edited outside {program}); nothing was migrated. {tool} lists them: {check}",
            "数据库的 {table} 表有 {count} 行引用了另一张表中不存在的行（在 {program} 之外被修改过）；"
            "未迁移任何内容。{tool} 可列出这些行：{check}",
        )
    }
)


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


def _run(conn: sqlite3.Connection, script: str) -> None:
    # conn.executescript would COMMIT the open transaction; run statement by statement
    # (a trigger body holds ";" too, so gather pieces until the statement is complete)
    pending = ""
    for piece in (script + ";").split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                conn.execute(pending)
            pending = ""


@migration
def m001_roster_and_audit(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE teams (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            name_zh TEXT
        );
        CREATE TABLE employees (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            team TEXT NOT NULL REFERENCES teams(id),
            role TEXT NOT NULL,
            hire_date TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
            login TEXT,
            scheme TEXT,
            level TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            updated_by TEXT,
            updated_at TEXT
        );
        CREATE INDEX idx_employees_team ON employees(team);
        CREATE INDEX idx_employees_scheme ON employees(scheme);
        CREATE TABLE users (
            login TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'supervisor', 'viewer')),
            teams TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            key TEXT,
            before TEXT,
            after TEXT
        );
        CREATE INDEX idx_audit_entity_key ON audit(entity, key);
        CREATE TRIGGER audit_is_permanent_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are permanent'); END;
        CREATE TRIGGER audit_is_permanent_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are permanent'); END
        """,
    )


@migration
def m002_periods_scorecards_incidents(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE periods (
            period TEXT PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
            closed_by TEXT,
            closed_at TEXT,
            reason TEXT
        );
        CREATE TABLE scorecards (
            employee_id TEXT NOT NULL REFERENCES employees(id),
            period TEXT NOT NULL,
            "values" TEXT NOT NULL DEFAULT '{}',
            version INTEGER NOT NULL DEFAULT 1,
            updated_by TEXT,
            updated_at TEXT,
            PRIMARY KEY (employee_id, period)
        ) WITHOUT ROWID;
        CREATE INDEX idx_scorecards_period ON scorecards(period);
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            employee_id TEXT NOT NULL REFERENCES employees(id),
            date TEXT NOT NULL,
            period TEXT NOT NULL,
            code TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
            points TEXT,
            note TEXT NOT NULL DEFAULT '',
            recorded_by TEXT,
            recorded_at TEXT,
            deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX idx_incidents_employee_period ON incidents(employee_id, period)
        """,
    )


@migration
def m003_overrides_results(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE overrides (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            employee_id TEXT NOT NULL REFERENCES employees(id),
            period TEXT NOT NULL,
            level TEXT NOT NULL,
            reason TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_overrides_employee ON overrides(employee_id);
        CREATE TABLE results (
            employee_id TEXT NOT NULL REFERENCES employees(id),
            period TEXT NOT NULL,
            scheme TEXT NOT NULL,
            scheme_version TEXT,
            team TEXT NOT NULL,
            score TEXT,
            grade TEXT,
            rank INTEGER,
            level_before TEXT,
            level_after TEXT,
            decision TEXT,
            pay_delta TEXT,
            flags TEXT NOT NULL DEFAULT '[]',
            trace TEXT NOT NULL DEFAULT '[]',
            recorded_by TEXT,
            recorded_at TEXT,
            PRIMARY KEY (employee_id, period, scheme)
        );
        CREATE INDEX idx_results_period_scheme ON results(period, scheme)
        """,
    )


@migration
def m004_checkpoints(conn: sqlite3.Connection) -> None:
    # a team's replay state at the end of an applied month: a cache, deleted by every write
    # that could change it (cstui.store.checkpoints)
    _run(
        conn,
        """
        CREATE TABLE checkpoints (
            scheme TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            team TEXT NOT NULL,
            month TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (scheme, team, month)
        );
        CREATE INDEX idx_checkpoints_team_month ON checkpoints(team, month)
        """,
    )


@migration
def m005_audit_chain(conn: sqlite3.Connection) -> None:
    # every audit row carries the hash of the row before it (cstui.store.audit); rows written
    # before this migration are chained here, in id order, as they stand (their ids have no
    # gaps: AUTOINCREMENT's counter rolls back with the writer's transaction).
    from cstui.store.audit import COLUMNS, GENESIS, row_hash

    conn.execute("ALTER TABLE audit ADD COLUMN hash TEXT")
    conn.execute("DROP TRIGGER audit_is_permanent_update")
    previous, updates = GENESIS, []
    for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY id").fetchall():
        previous = row_hash(previous, row)
        updates.append((previous, row[0]))
    conn.executemany("UPDATE audit SET hash = ? WHERE id = ?", updates)
    _run(
        conn,
        """
        CREATE TRIGGER audit_is_permanent_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are permanent'); END
        """,
    )


@migration
def m006_incident_natural_key(conn: sqlite3.Connection) -> None:
    # "The same incident" (what re-importing a file must not record twice): the same employee,
    # date, code, count, points and note -- and the same copy number. A file may list one
    # incident twice on purpose (late twice that day): its n-th identical row is copy n, and
    # an incident added by hand takes the next free copy. Deleted incidents keep their key, so a
    # re-import never brings back an incident someone deleted (restore it instead).
    # Existing duplicates (from before the rule, or a race) become copies 1, 2, ...: kept, not lost.
    _run(
        conn,
        """
        ALTER TABLE incidents ADD COLUMN copy INTEGER NOT NULL DEFAULT 1;
        UPDATE incidents SET copy = numbered.n FROM (
            SELECT id AS rid, ROW_NUMBER() OVER (
                PARTITION BY employee_id, date, code, count, IFNULL(points, ''), note ORDER BY id
            ) AS n FROM incidents
        ) AS numbered WHERE numbered.rid = incidents.id AND numbered.n > 1;
        CREATE UNIQUE INDEX idx_incidents_natural_key
            ON incidents(employee_id, date, code, count, IFNULL(points, ''), note, copy)
        """,
    )


@migration
def m007_employee_name_pinyin(conn: sqlite3.Connection) -> None:
    """The roster's pinyin search and sort key (see cstui.store.pinyin), filled for existing rows."""
    from cstui.store.pinyin import SQL_FUNCTION, register

    register(conn)
    _run(
        conn,
        f"""
        ALTER TABLE employees ADD COLUMN name_pinyin TEXT;
        UPDATE employees SET name_pinyin = {SQL_FUNCTION}(name);
        CREATE INDEX idx_employees_name_pinyin ON employees(name_pinyin);
        """,
    )


@migration
def m008_scheme_assignments(conn: sqlite3.Connection) -> None:
    # An employee's scheme timeline: from since_month on, cards are judged and graded by
    # ``scheme``, replayed from ``level``. employees.scheme/level stay the current (latest)
    # assignment. An existing employee gets one row, since their hire month; the earliest row
    # of an employee also covers any month before its since_month.
    _run(
        conn,
        """
        CREATE TABLE scheme_assignments (
            employee_id TEXT NOT NULL REFERENCES employees(id),
            since_month TEXT NOT NULL,
            scheme TEXT,
            level TEXT,
            PRIMARY KEY (employee_id, since_month)
        ) WITHOUT ROWID;
        CREATE INDEX idx_scheme_assignments_scheme ON scheme_assignments(scheme);
        INSERT INTO scheme_assignments (employee_id, since_month, scheme, level)
            SELECT id, substr(hire_date, 1, 7), scheme, level FROM employees
        """,
    )


@migration
def m009_views_for_other_tools(conn: sqlite3.Connection) -> None:
    """Views that Datasette, sqlite-utils and spreadsheets sort and facet as numbers.

    The tables keep exact TEXT decimals (a REAL would round money); the views cast: a score
    as REAL (97.10 sorts below 125.00, not above it as text does) and the pay change as whole
    fen, an INTEGER (yuan x 100, exact for any amount cstui stores). A view holds no data, so
    it can never disagree with its table. scorecards_view is one row per metric of a card,
    with ``number`` only where the value is a plain decimal: an optional sign, digits, at most
    one point ("95%", "1,200" and "1-2" keep NULL there; cstui's own parser reads them).
    """
    _run(
        conn,
        """
        CREATE VIEW results_view AS SELECT
            employee_id, period, scheme, scheme_version, team,
            CAST(score AS REAL) AS score, grade, rank, level_before, level_after, decision,
            CAST(ROUND(CAST(pay_delta AS REAL) * 100) AS INTEGER) AS pay_delta_fen,
            flags, trace, recorded_by, recorded_at
        FROM results;
        CREATE VIEW scorecards_view AS SELECT
            s.employee_id, e.team, s.period, m.key AS metric, m.value AS value,
            CASE WHEN m.value GLOB '*[0-9]*' AND m.value NOT GLOB '*[^0-9.+-]*'
                      AND substr(m.value, 2) NOT GLOB '*[+-]*' AND m.value NOT GLOB '*.*.*'
                 THEN CAST(m.value AS REAL) END AS number,
            s.updated_by, s.updated_at
        FROM scorecards AS s JOIN json_each(s."values") AS m LEFT JOIN employees AS e ON e.id = s.employee_id
        """,
    )


@migration
def m010_scheme_snapshots(conn: sqlite3.Connection) -> None:
    """The schemes that graded applied periods, so a closed period can always be re-explained.

    ``scheme_snapshots`` keeps each scheme's full effective parameters once, keyed by its
    fingerprint (the key of its replay checkpoints): the standalone TOML that loads back to
    the same scheme. ``applied_schemes`` says which fingerprint graded the results of each
    period, scheme and team (an apply of some teams leaves the others' rows alone), written
    in the apply's own transaction. Rows are replaced by a later apply, as the results are.
    """
    _run(
        conn,
        """
        CREATE TABLE scheme_snapshots (
            fingerprint TEXT PRIMARY KEY,
            scheme TEXT NOT NULL,
            version TEXT NOT NULL,
            model TEXT NOT NULL,
            toml TEXT NOT NULL,
            created_by TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE applied_schemes (
            period TEXT NOT NULL,
            scheme TEXT NOT NULL,
            team TEXT NOT NULL,
            fingerprint TEXT NOT NULL REFERENCES scheme_snapshots(fingerprint),
            applied_by TEXT,
            applied_at TEXT NOT NULL,
            PRIMARY KEY (period, scheme, team)
        ) WITHOUT ROWID
        """,
    )


@migration
def m011_typed_scorecard_values(conn: sqlite3.Connection) -> None:
    """Scorecard values as rows with numbers, a month's cards together (cstui.store.card_rows).

    ``scorecards`` keeps a card's version and who saved it, keyed month first; each filled field
    becomes a ``scorecard_values`` row: the value as typed and, where it is a number, its exact
    ``units`` x 10^-``scale`` (cstui.store.numbers). Each card's JSON is read as cstui read it
    (codec.card_values): a card whose text is not a JSON object keeps one row, the field
    ``(stored values)`` saying why, which the card check refuses as before.
    """
    _run(
        conn,
        """
        DROP VIEW scorecards_view;
        CREATE TABLE scorecards_by_month (
            employee_id TEXT NOT NULL REFERENCES employees(id),
            period TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            updated_by TEXT,
            updated_at TEXT,
            PRIMARY KEY (period, employee_id)
        ) WITHOUT ROWID;
        CREATE TABLE scorecard_values (
            period TEXT NOT NULL,
            employee_id TEXT NOT NULL,
            metric TEXT NOT NULL,
            value TEXT NOT NULL,
            units INTEGER,
            scale INTEGER CHECK (scale >= 0),
            PRIMARY KEY (period, employee_id, metric)
        ) WITHOUT ROWID;
        INSERT INTO scorecards_by_month (employee_id, period, version, updated_by, updated_at)
            SELECT employee_id, period, version, updated_by, updated_at FROM scorecards ORDER BY period, employee_id
        """,
    )
    _convert_card_values(conn)
    _run(
        conn,
        f"""
        DROP TABLE scorecards;
        ALTER TABLE scorecards_by_month RENAME TO scorecards;
        CREATE INDEX idx_scorecards_employee ON scorecards(employee_id, period);
        {_SCORECARDS_VIEW}
        """,
    )


def _convert_card_values(conn: sqlite3.Connection) -> None:
    from cstui.store.card_rows import INSERT_VALUE, stored_text, value_rows
    from cstui.store.codec import card_values

    def rows():
        cards = conn.execute('SELECT employee_id, period, "values" FROM scorecards ORDER BY period, employee_id')
        for employee_id, period, text in cards:
            values = {key: stored_text(value) for key, value in card_values(text).items()}
            yield from value_rows(employee_id, period, {k: v for k, v in sorted(values.items()) if v is not None})

    conn.executemany(INSERT_VALUE, rows())


# number: the exact units / 10^scale as the nearest double (units < 2^53 and 10^scale are both
# exact doubles, and a division rounds once), so Datasette sorts and facets it as a number
_SCORECARDS_VIEW = """
        CREATE VIEW scorecards_view AS SELECT
            v.employee_id, e.team, v.period, v.metric, v.value,
            v.units / CAST('1e' || v.scale AS REAL) AS number, v.units, v.scale,
            s.updated_by, s.updated_at
        FROM scorecard_values AS v
        JOIN scorecards AS s ON s.period = v.period AND s.employee_id = v.employee_id
        LEFT JOIN employees AS e ON e.id = v.employee_id
"""


TEAM_TABLES = ("results", "checkpoints")  # the tables whose team column m012 makes a foreign key
MIGRATION_AUDITOR = "cstui-migration"  # the ``who`` of audit rows a migration writes (no login runs it)


@migration
def m012_team_foreign_keys(conn: sqlite3.Connection) -> None:
    """results.team and checkpoints.team reference teams(id), as employees.team always has.

    SQLite cannot add a foreign key to a table, so each is rebuilt by sqlite-utils' transform
    (new table, copy, drop, rename, its indexes again; views name tables, so they follow)
    inside this migration's transaction. Rows naming a team that has no row in ``teams``
    (possible only in a file edited outside cstui) are handled first: a checkpoint, a cache the
    next apply rebuilds, is deleted; a result keeps its team, which is created named after its
    id, as an import creates an unknown team (audited ``add-team``). A row that already breaks
    another foreign key of its table refuses the migration (InvalidData, exit 3).
    """
    import sqlite_utils

    _refuse_broken_references(conn)
    conn.execute("DELETE FROM checkpoints WHERE team NOT IN (SELECT id FROM teams)")
    _add_unknown_teams(conn)
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    for table in TEAM_TABLES:
        for sql in db[table].transform_sql(add_foreign_keys=[("team", "teams", "id")], tmp_suffix="m012"):
            conn.execute(sql)


def _refuse_broken_references(conn: sqlite3.Connection) -> None:
    """A row that already breaks one of its table's foreign keys (a result whose employee was
    deleted outside cstui) cannot be copied into the rebuilt table: say so, change nothing."""
    from cstui.errors import InvalidData

    for table in TEAM_TABLES:
        broken = conn.execute(f"SELECT count(*) FROM pragma_foreign_key_check('{table}')").fetchone()[0]
        if broken:
            check = f"PRAGMA foreign_key_check({table})"
            said = texts.line("migrate.broken", table=table, count=broken, program="cstui", tool="sqlite3", check=check)
            raise InvalidData([said])


def _add_unknown_teams(conn: sqlite3.Connection) -> None:
    from cstui.store.audit import INSERT_CHAINED, chained
    from cstui.store.codec import dumps, now

    sql = "SELECT DISTINCT team FROM results WHERE team NOT IN (SELECT id FROM teams) ORDER BY team"
    unknown = [row[0] for row in conn.execute(sql)]
    conn.executemany("INSERT INTO teams (id, name) VALUES (?, ?)", ((team, team) for team in unknown))
    at = now()
    added = (dumps({"id": team, "name": team, "name_zh": None}) for team in unknown)
    audit = (
        (at, MIGRATION_AUDITOR, "add-team", "teams", team, None, after)
        for team, after in zip(unknown, added, strict=True)
    )
    conn.executemany(INSERT_CHAINED, chained(conn, audit))


@migration
def m013_web_tokens(conn: sqlite3.Connection) -> None:
    """One-time tokens that open the TUI in a browser (``cstui web-token``, ``cstui web``).

    Only SHA-256 digests are stored: the token (in the URL a person opens) and the session
    key (handed by the web server to the app process it starts) never touch the file, so a
    copy of the database opens nothing. A token is redeemed once (``redeemed_at``); that
    redemption binds a session key, which starts one app once (``started_at``).
    """
    _run(
        conn,
        """
        CREATE TABLE web_tokens (
            token_hash TEXT PRIMARY KEY,
            login TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            redeemed_at TEXT,
            session_hash TEXT UNIQUE,
            session_expires_at TEXT,
            started_at TEXT
        );
        """,
    )


@migration
def m014_sign_offs(conn: sqlite3.Connection) -> None:
    """Agents' sign-offs of their graded results: a confirmation, or a dispute with a reason
    that a supervisor answers (accepted or rejected, with a reason). Rows are history: the
    latest row of an employee and period is their sign-off now (cstui.store.signoff).

    ``users.role`` admits ``agent``: SQLite cannot change a CHECK, so the table is rebuilt
    (no other table references it; its rows are copied as they are).
    """
    _run(
        conn,
        """
        CREATE TABLE users_m014 (
            login TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'supervisor', 'viewer', 'agent')),
            teams TEXT NOT NULL DEFAULT '[]'
        );
        INSERT INTO users_m014 (login, role, teams) SELECT login, role, teams FROM users;
        DROP TABLE users;
        ALTER TABLE users_m014 RENAME TO users;
        CREATE TABLE sign_offs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            employee_id TEXT NOT NULL REFERENCES employees(id),
            period TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('confirm', 'dispute')),
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'open', 'accepted', 'rejected')),
            reason TEXT,
            signed_by TEXT NOT NULL,
            signed_at TEXT NOT NULL,
            answer TEXT,
            answered_by TEXT,
            answered_at TEXT
        );
        CREATE INDEX idx_sign_offs_employee ON sign_offs(employee_id, period);
        CREATE INDEX idx_sign_offs_open ON sign_offs(period, status)
        """,
    )


@migration
def m015_checkpoint_timelines(conn: sqlite3.Connection) -> None:
    """A checkpoint's members' level timelines in a column of their own, JSON by employee id,
    for a model that keeps them apart (``DocumentModel.timelines_apart``): they are 70-80% of
    a state's bytes and a dry run never reads them (issue 14). NULL: the state holds them, as
    every checkpoint stored before this migration does; readers take both, and the next apply
    of a month writes its checkpoints apart (the rows are a cache: none is rewritten here)."""
    conn.execute("ALTER TABLE checkpoints ADD COLUMN timelines TEXT")


SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, upto: int | None = None) -> int:
    """Apply the migrations not yet applied (up to ``upto``); returns the new version.

    The caller holds the write transaction (BEGIN IMMEDIATE), so two processes opening
    the same new file cannot both migrate it. A file brought to the current schema is
    marked as cstui's (``PRAGMA application_id``, in the same transaction): a new one, and
    one an older cstui made before files were marked.
    """
    target = SCHEMA_VERSION if upto is None else upto
    current = schema_version(conn)
    for number in range(current, target):
        MIGRATIONS[number](conn)
        # user_version is transactional: it rolls back with the migration
        conn.execute(f"PRAGMA user_version = {number + 1}")
    if target == SCHEMA_VERSION:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return max(current, target)
